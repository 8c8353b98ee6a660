//! `series_fit_2lines` and `series_fit_2lines_dynamic`: the series split in two where two
//! least-squares lines fit it best (the smallest sum of squared residuals, each side at least
//! two points), positions 1..n as in `series_fit_line`. The bag holds the overall r-square,
//! the split index (0-based, the first point of the right line), the sample variance of the
//! values and of the residuals, the fitted values, and each side's r-square, slope,
//! interception, variance and residual variance.

use super::{number, numbers};
use serde_json::{Map, Value as J};

/// The fields, in Kusto's column order.
pub const FIT_2LINES_FIELDS: [&str; 15] = [
    "rsquare",
    "split_idx",
    "variance",
    "rvariance",
    "line_fit",
    "right_rsquare",
    "right_slope",
    "right_interception",
    "right_variance",
    "right_rvariance",
    "left_rsquare",
    "left_slope",
    "left_interception",
    "left_variance",
    "left_rvariance",
];

/// One least-squares line over points `(x, y)`, with the sums of squares about the mean (`sst`)
/// and about the line (`ssr`).
pub struct Line {
    pub slope: f64,
    pub interception: f64,
    pub sst: f64,
    pub ssr: f64,
    pub n: usize,
}

/// The least-squares line through `points` (not empty).
pub fn fit(points: &[(f64, f64)]) -> Line {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let interception = my - slope * mx;
    let sst = points.iter().map(|p| (p.1 - my).powi(2)).sum();
    let ssr = points
        .iter()
        .map(|p| (p.1 - (interception + slope * p.0)).powi(2))
        .sum();
    Line {
        slope,
        interception,
        sst,
        ssr,
        n: points.len(),
    }
}

fn sample(sum: f64, n: usize) -> J {
    if n > 1 {
        number(sum / (n - 1) as f64)
    } else {
        J::Null
    }
}

fn rsquare(l: &Line) -> J {
    if l.sst > 0.0 {
        number(1.0 - l.ssr / l.sst)
    } else {
        J::Null
    }
}

/// The bag for one series; null for a non-array or fewer than four numbers.
pub fn fit_2lines(value: &J) -> J {
    let Some(xs) = numbers(value) else {
        return J::Null;
    };
    let points: Vec<(f64, f64)> = xs
        .iter()
        .enumerate()
        .filter_map(|(i, y)| Some(((i + 1) as f64, (*y)?)))
        .collect();
    if points.len() < 4 {
        return J::Null;
    }
    let Some((split, left, right)) = (2..=points.len() - 2)
        .map(|k| (k, fit(&points[..k]), fit(&points[k..])))
        .min_by(|a, b| (a.1.ssr + a.2.ssr).total_cmp(&(b.1.ssr + b.2.ssr)))
    else {
        return J::Null;
    };
    let all = fit(&points);
    let ssr = left.ssr + right.ssr;
    let split_x = points[split].0;
    let line_fit: Vec<J> = (1..=xs.len())
        .map(|x| {
            let x = x as f64;
            let l = if x < split_x { &left } else { &right };
            number(l.interception + l.slope * x)
        })
        .collect();
    let mut bag = Map::new();
    let mut put = |k: &str, v: J| {
        bag.insert(k.to_string(), v);
    };
    put(
        "rsquare",
        if all.sst > 0.0 {
            number(1.0 - ssr / all.sst)
        } else {
            J::Null
        },
    );
    put("split_idx", J::from(split_x as usize - 1));
    put("variance", sample(all.sst, all.n));
    put("rvariance", sample(ssr, all.n));
    put("line_fit", J::Array(line_fit));
    for (side, l) in [("right", &right), ("left", &left)] {
        put(&format!("{side}_rsquare"), rsquare(l));
        put(&format!("{side}_slope"), number(l.slope));
        put(&format!("{side}_interception"), number(l.interception));
        put(&format!("{side}_variance"), sample(l.sst, l.n));
        put(&format!("{side}_rvariance"), sample(l.ssr, l.n));
    }
    J::Object(bag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_bend() {
        // Rising by 1 for five points, then falling by 2.
        let y = json!([1, 2, 3, 4, 5, 3, 1, -1, -3]);
        let bag = fit_2lines(&y);
        // The peak (index 4) lies on both lines; the earliest best split wins.
        assert_eq!(bag["split_idx"], json!(4));
        assert!((bag["left_slope"].as_f64().unwrap() - 1.0).abs() < 1e-9);
        assert!((bag["right_slope"].as_f64().unwrap() + 2.0).abs() < 1e-9);
        assert!((bag["rsquare"].as_f64().unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(bag["line_fit"].as_array().unwrap().len(), 9);
        assert_eq!(fit_2lines(&json!([1, 2, 3])), J::Null);
    }
}
