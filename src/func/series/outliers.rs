//! `series_outliers`: Tukey's fence. Each element gets a score: 0 inside the range between the
//! low and high percentiles, else how far outside it lies, in multiples of that range (negative
//! below; a series flat between the percentiles measures in its mean absolute deviation). Kusto reads |score| > 1.5 as a mild and > 3 as a strong anomaly. `kind="tukey"` uses
//! the 25th and 75th percentiles; `"ctukey"` (the default) the given ones (10th and 90th unless
//! set). Missing elements, and those equal to `ignore_val`, are left out of the percentiles and
//! score 0.

use super::{array, numbers};
use serde_json::Value as J;

/// The `p`th percentile (0–100) of sorted values, interpolated between neighbours.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

/// The kernel: scores against the `[low, high]` percentile range.
pub fn scores(xs: &[Option<f64>], low: f64, high: f64) -> Vec<Option<f64>> {
    let mut sorted: Vec<f64> = xs.iter().flatten().copied().collect();
    if sorted.is_empty() {
        return vec![Some(0.0); xs.len()];
    }
    sorted.sort_by(f64::total_cmp);
    let (q_low, q_high) = (percentile(&sorted, low), percentile(&sorted, high));
    // A series that is flat between the percentiles (a perfect season leaves residuals of 0)
    // measures distances in its mean absolute deviation instead, so scores stay finite.
    let range = if q_high > q_low {
        q_high - q_low
    } else {
        let median = percentile(&sorted, 50.0);
        sorted.iter().map(|v| (v - median).abs()).sum::<f64>() / sorted.len() as f64
    };
    xs.iter()
        .map(|x| {
            let Some(x) = *x else { return Some(0.0) };
            let outside = if x > q_high {
                x - q_high
            } else if x < q_low {
                x - q_low
            } else {
                return Some(0.0);
            };
            Some(if range > 0.0 { outside / range } else { 0.0 })
        })
        .collect()
}

/// `series_outliers(series [, kind [, ignore_val [, min_percentile [, max_percentile]]]])`
pub fn outliers_of(args: &[&J]) -> J {
    let Some(mut xs) = numbers(args[0]) else {
        return J::Null;
    };
    let opt = |i: usize| args.get(i).copied().unwrap_or(&J::Null);
    if let Some(ignore) = opt(2).as_f64() {
        xs.iter_mut()
            .filter(|x| **x == Some(ignore))
            .for_each(|x| *x = None);
    }
    let (low, high) = if opt(1).as_str() == Some("tukey") {
        (25.0, 75.0)
    } else {
        (
            opt(3).as_f64().unwrap_or(10.0),
            opt(4).as_f64().unwrap_or(90.0),
        )
    };
    array(&scores(&xs, low, high), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_spike_scores_high_and_the_rest_zero() {
        let x = json!([10, 11, 9, 10, 12, 10, 11, 60, 10, 9]);
        let s = outliers_of(&[&x, &json!("tukey")]);
        let s: Vec<f64> = s
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert!(s[7] > 3.0, "{s:?}");
        assert_eq!(s[0], 0.0);
        assert!(
            s.iter().enumerate().all(|(i, v)| i == 7 || v.abs() <= 1.5),
            "{s:?}"
        );
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 25.0), 1.75);
    }
}
