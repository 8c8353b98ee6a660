//! `series_fir` (finite impulse response: a weighted window over the past, or centred) and
//! `series_iir` (infinite impulse response: the recursion of a digital filter). Missing elements
//! count as zero, as do positions before the start or past the end.

use super::{array, numbers};
use serde_json::Value as J;

/// `y[i] = Σ f[j]·x[i−j]`, the filter divided by its sum when `normalize` (and the sum is not
/// zero), shifted by half the filter's length when `center`.
pub fn fir(xs: &[Option<f64>], filter: &[f64], normalize: bool, center: bool) -> Vec<Option<f64>> {
    let total: f64 = filter.iter().sum();
    let scale = if normalize && total != 0.0 {
        total
    } else {
        1.0
    };
    let shift = if center { filter.len() / 2 } else { 0 };
    let value = |i: isize| -> f64 {
        usize::try_from(i)
            .ok()
            .and_then(|i| xs.get(i).copied().flatten())
            .unwrap_or(0.0)
    };
    (0..xs.len())
        .map(|i| {
            let at = (i + shift) as isize;
            let y: f64 = filter
                .iter()
                .enumerate()
                .map(|(j, f)| f * value(at - j as isize))
                .sum();
            Some(y / scale)
        })
        .collect()
}

/// `a[0]·y[i] = Σ b[k]·x[i−k] − Σ_{k≥1} a[k]·y[i−k]`; null everywhere when `a[0]` is zero.
pub fn iir(xs: &[Option<f64>], b: &[f64], a: &[f64]) -> Vec<Option<f64>> {
    let Some(&a0) = a.first().filter(|a0| **a0 != 0.0) else {
        return vec![None; xs.len()];
    };
    let mut ys: Vec<f64> = Vec::with_capacity(xs.len());
    for i in 0..xs.len() {
        let forward: f64 = b
            .iter()
            .enumerate()
            .filter(|(k, _)| *k <= i)
            .map(|(k, bk)| bk * xs[i - k].unwrap_or(0.0))
            .sum();
        let feedback: f64 = a
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(k, _)| *k <= i)
            .map(|(k, ak)| ak * ys[i - k])
            .sum();
        ys.push((forward - feedback) / a0);
    }
    ys.into_iter().map(Some).collect()
}

fn coefficients(value: &J) -> Option<Vec<f64>> {
    let xs = numbers(value)?;
    xs.into_iter().collect()
}

/// `series_fir(series, filter [, normalize [, center]])`
pub fn fir_of(args: &[&J]) -> J {
    let (Some(xs), Some(filter)) = (numbers(args[0]), coefficients(args[1])) else {
        return J::Null;
    };
    let flag = |i: usize, default: bool| args.get(i).and_then(|v| v.as_bool()).unwrap_or(default);
    array(&fir(&xs, &filter, flag(2, true), flag(3, false)), false)
}

/// `series_iir(series, numerators, denominators)`
pub fn iir_of(args: &[&J]) -> J {
    let (Some(xs), Some(b), Some(a)) = (
        numbers(args[0]),
        coefficients(args[1]),
        coefficients(args[2]),
    ) else {
        return J::Null;
    };
    array(&iir(&xs, &b, &a), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn moving_average_as_in_the_docs() {
        let val =
            json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 20, 40, 100, 40, 20, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
        let ones = json!([1, 1, 1, 1, 1]);
        let plain = fir_of(&[&val, &ones]);
        assert_eq!(
            plain,
            json!([
                0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 6.0, 14.0, 34.0, 42.0, 44.0,
                42.0, 34.0, 14.0, 6.0, 2.0, 0.0, 0.0, 0.0, 0.0
            ])
        );
        let centred = fir_of(&[&val, &ones, &json!(true), &json!(true)]);
        assert_eq!(centred[12], json!(44.0));
        assert_eq!(centred[7], json!(2.0));
    }

    #[test]
    fn iir_sums_cumulatively() {
        let x = json!([1, 2, 3, 4]);
        assert_eq!(
            iir_of(&[&x, &json!([1]), &json!([1, -1])]),
            json!([1.0, 3.0, 6.0, 10.0])
        );
        assert_eq!(
            iir_of(&[&x, &json!([1]), &json!([0])]),
            json!([null, null, null, null])
        );
    }
}
