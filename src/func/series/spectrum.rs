//! The frequency domain and polynomial fits: `series_fft` and `series_ifft` (the discrete
//! Fourier transform and its inverse, with `rustfft`, over a real series and an optional
//! imaginary one; two outputs, the real and imaginary parts, the inverse scaled by 1/n so that
//! it undoes the forward one), `series_magnitude` (the Euclidean norm) and `series_fit_poly`
//! (least-squares polynomial regression, solved by QR decomposition of the Vandermonde matrix).
//! Missing elements count as zero in the transforms and the norm, and are left out of a fit.

use super::{array, number, numbers};
use rustfft::num_complex::Complex;
use rustfft::FftPlanner;
use serde_json::{Map, Value as J};

/// The fields `series_fit_poly` yields, in Kusto's column order.
pub const FIT_POLY_FIELDS: [&str; 5] = [
    "rsquare",
    "coefficients",
    "variance",
    "rvariance",
    "poly_fit",
];

/// The transform of `(real, imaginary)` (`inverse`: the inverse transform, scaled by 1/n).
pub fn transform(real: &[f64], imaginary: &[f64], inverse: bool) -> Vec<Complex<f64>> {
    let mut buffer: Vec<Complex<f64>> = real
        .iter()
        .enumerate()
        .map(|(i, &re)| Complex::new(re, imaginary.get(i).copied().unwrap_or(0.0)))
        .collect();
    if buffer.is_empty() {
        return buffer;
    }
    let mut planner = FftPlanner::new();
    if inverse {
        planner.plan_fft_inverse(buffer.len()).process(&mut buffer);
        let scale = 1.0 / buffer.len() as f64;
        buffer.iter_mut().for_each(|c| *c *= scale);
    } else {
        planner.plan_fft_forward(buffer.len()).process(&mut buffer);
    }
    buffer
}

/// Output `part` (0 real, 1 imaginary) of `series_fft`/`series_ifft` over a call's arguments;
/// null when the real series is not an array.
pub fn transform_of(args: &[&J], part: u8, inverse: bool) -> J {
    let Some(real) = numbers(args[0]) else {
        return J::Null;
    };
    let zeroed =
        |xs: Vec<Option<f64>>| -> Vec<f64> { xs.into_iter().map(|x| x.unwrap_or(0.0)).collect() };
    let imaginary = args.get(1).and_then(|v| numbers(v)).map(zeroed);
    let out = transform(&zeroed(real), imaginary.as_deref().unwrap_or(&[]), inverse);
    let values: Vec<Option<f64>> = out
        .iter()
        .map(|c| Some(if part == 0 { c.re } else { c.im }))
        .collect();
    array(&values, false)
}

/// `series_magnitude(series)`: the square root of the sum of squares; null for a non-array.
pub fn magnitude_of(value: &J) -> Option<f64> {
    let xs = numbers(value)?;
    Some(xs.iter().flatten().map(|x| x * x).sum::<f64>().sqrt())
}

/// The least-squares polynomial of `degree` through `points`, coefficients from the constant
/// term up; `None` when there are fewer points than coefficients or the columns are dependent.
pub fn fit_polynomial(points: &[(f64, f64)], degree: usize) -> Option<Vec<f64>> {
    let (n, k) = (points.len(), degree + 1);
    if n < k {
        return None;
    }
    // Modified Gram–Schmidt on the Vandermonde columns: A = QR, then R c = Qᵀ y.
    let mut q: Vec<Vec<f64>> = (0..k)
        .map(|j| points.iter().map(|p| p.0.powi(j as i32)).collect())
        .collect();
    let mut r = vec![vec![0.0; k]; k];
    for j in 0..k {
        for i in 0..j {
            let dot: f64 = q[i].iter().zip(&q[j]).map(|(a, b)| a * b).sum();
            r[i][j] = dot;
            let qi = q[i].clone();
            q[j].iter_mut().zip(&qi).for_each(|(v, u)| *v -= dot * u);
        }
        let norm = q[j].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm <= f64::EPSILON * 1e3 {
            return None;
        }
        r[j][j] = norm;
        q[j].iter_mut().for_each(|v| *v /= norm);
    }
    let qty: Vec<f64> = q
        .iter()
        .map(|col| col.iter().zip(points).map(|(a, p)| a * p.1).sum())
        .collect();
    let mut c = vec![0.0; k];
    for i in (0..k).rev() {
        let tail: f64 = (i + 1..k).map(|j| r[i][j] * c[j]).sum();
        c[i] = (qty[i] - tail) / r[i][i];
    }
    Some(c)
}

/// The polynomial with coefficients `c` (constant term first) at `x`.
fn evaluate(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, a| acc * x + a)
}

/// `series_fit_poly(y [, x, degree])` as a bag of [`FIT_POLY_FIELDS`]: `x` defaults to 1..n and
/// the degree to 1; as in `series_fit_line`, `variance` and `rvariance` are the sample variances
/// (over n - 1) of the values and of the residuals. Null for a non-array `y`, a degree below 1,
/// or fewer usable points than coefficients.
pub fn fit_poly_of(args: &[&J]) -> J {
    let Some(ys) = numbers(args[0]) else {
        return J::Null;
    };
    let xs: Vec<Option<f64>> = match args.get(1).and_then(|v| numbers(v)) {
        Some(xs) => xs,
        None => (1..=ys.len()).map(|i| Some(i as f64)).collect(),
    };
    let degree = match args.get(2) {
        None | Some(J::Null) => 1,
        Some(v) => match v.as_f64() {
            Some(d) if d >= 1.0 && d.fract() == 0.0 => d as usize,
            _ => return J::Null,
        },
    };
    let points: Vec<(f64, f64)> = ys
        .iter()
        .zip(&xs)
        .filter_map(|(y, x)| Some(((*x)?, (*y)?)))
        .collect();
    let Some(c) = fit_polynomial(&points, degree) else {
        return J::Null;
    };
    let n = points.len() as f64;
    let mean = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sst: f64 = points.iter().map(|p| (p.1 - mean).powi(2)).sum();
    let ssr: f64 = points
        .iter()
        .map(|p| (p.1 - evaluate(&c, p.0)).powi(2))
        .sum();
    let sample = |sum: f64| {
        if points.len() > 1 {
            number(sum / (n - 1.0))
        } else {
            J::Null
        }
    };
    let fitted: Vec<Option<f64>> = xs.iter().map(|x| x.map(|x| evaluate(&c, x))).collect();
    let mut bag = Map::new();
    bag.insert(
        "rsquare".into(),
        if sst > 0.0 {
            number(1.0 - ssr / sst)
        } else {
            J::Null
        },
    );
    bag.insert(
        "coefficients".into(),
        J::Array(c.iter().rev().map(|&a| number(a)).collect()),
    );
    bag.insert("variance".into(), sample(sst));
    bag.insert("rvariance".into(), sample(ssr));
    bag.insert("poly_fit".into(), array(&fitted, false));
    J::Object(bag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reals(v: &J) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    fn close_all(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn fft_of_a_small_series() {
        // DFT of [1, 2, 3, 4]: 10, -2+2i, -2, -2-2i.
        let x = json!([1, 2, 3, 4]);
        close_all(
            &reals(&transform_of(&[&x], 0, false)),
            &[10.0, -2.0, -2.0, -2.0],
        );
        close_all(
            &reals(&transform_of(&[&x], 1, false)),
            &[0.0, 2.0, 0.0, -2.0],
        );
        // The inverse gives the series back.
        let (re, im) = (transform_of(&[&x], 0, false), transform_of(&[&x], 1, false));
        close_all(
            &reals(&transform_of(&[&re, &im], 0, true)),
            &[1.0, 2.0, 3.0, 4.0],
        );
        close_all(&reals(&transform_of(&[&re, &im], 1, true)), &[0.0; 4]);
        assert_eq!(transform_of(&[&json!("x")], 0, false), J::Null);
        assert_eq!(transform_of(&[&json!([])], 0, false), json!([]));
    }

    #[test]
    fn magnitude() {
        // The series_magnitude page: [1, 2, 3, 4] → 5.4772255750516612.
        let m = magnitude_of(&json!([1, 2, 3, 4])).unwrap();
        assert!((m - 5.477_225_575_051_661).abs() < 1e-15);
        assert_eq!(magnitude_of(&json!(null)), None);
    }

    #[test]
    fn fits_polynomials() {
        // y = 2x² - 3x + 1 exactly.
        let y = json!([0, 3, 10, 21, 36]);
        let bag = fit_poly_of(&[&y, &J::Null, &json!(2)]);
        close_all(&reals(&bag["coefficients"]), &[2.0, -3.0, 1.0]);
        close_all(&reals(&bag["poly_fit"]), &[0.0, 3.0, 10.0, 21.0, 36.0]);
        assert!((bag["rsquare"].as_f64().unwrap() - 1.0).abs() < 1e-12);
        // Degree 1 is series_fit_line's line (its docs example: slope 2.7308, -1.6667).
        let y = json!([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]);
        let bag = fit_poly_of(&[&y]);
        let c = reals(&bag["coefficients"]);
        assert!((c[0] - 2.7308).abs() < 1e-4 && (c[1] + 1.6667).abs() < 1e-4);
        assert!((bag["variance"].as_f64().unwrap() - 98.6288).abs() < 1e-4);
        assert!((bag["rvariance"].as_f64().unwrap() - 1.6865).abs() < 1e-4);
        // Too few points, a bad degree.
        assert_eq!(fit_poly_of(&[&json!([1, 2]), &J::Null, &json!(2)]), J::Null);
        assert_eq!(
            fit_poly_of(&[&json!([1, 2, 3]), &J::Null, &json!(0)]),
            J::Null
        );
    }
}
