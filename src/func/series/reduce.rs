//! Series reductions to one number: sum, product, dot product, cosine similarity and Pearson
//! correlation. Missing elements are left out of sums and products; a pair with a missing side is
//! left out of the two-series reductions. A non-array gives null.

use super::numbers;
use serde_json::Value as J;

pub fn sum(xs: &[Option<f64>]) -> f64 {
    xs.iter().flatten().sum()
}

pub fn product(xs: &[Option<f64>]) -> f64 {
    xs.iter().flatten().product()
}

/// The pairs where both series have a number.
fn pairs(a: &[Option<f64>], b: &[Option<f64>]) -> Vec<(f64, f64)> {
    a.iter()
        .zip(b)
        .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
        .collect()
}

pub fn dot(a: &[Option<f64>], b: &[Option<f64>]) -> f64 {
    pairs(a, b).iter().map(|(x, y)| x * y).sum()
}

pub fn pearson(a: &[Option<f64>], b: &[Option<f64>]) -> Option<f64> {
    let p = pairs(a, b);
    if p.len() < 2 {
        return None;
    }
    let n = p.len() as f64;
    let (mx, my) = (
        p.iter().map(|q| q.0).sum::<f64>() / n,
        p.iter().map(|q| q.1).sum::<f64>() / n,
    );
    let sxy: f64 = p.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = p.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let syy: f64 = p.iter().map(|(_, y)| (y - my).powi(2)).sum();
    let r = sxy / (sxx * syy).sqrt();
    r.is_finite().then_some(r)
}

/// A series, or a number standing for a series of that value (as `series_dot_product` takes).
fn series_or_number(value: &J, len: usize) -> Option<Vec<Option<f64>>> {
    match value {
        J::Number(n) => Some(vec![n.as_f64(); len]),
        other => numbers(other),
    }
}

pub fn sum_of(value: &J) -> Option<f64> {
    numbers(value).map(|xs| sum(&xs))
}

pub fn product_of(value: &J) -> Option<f64> {
    numbers(value).map(|xs| product(&xs))
}

pub fn dot_of(a: &J, b: &J) -> Option<f64> {
    let len = numbers(a).or_else(|| numbers(b))?.len();
    Some(dot(&series_or_number(a, len)?, &series_or_number(b, len)?))
}

/// `series_cosine_similarity(a, b [, |a|, |b|])`: the magnitudes, when given, are used instead
/// of being computed.
pub fn cosine_of(args: &[&J]) -> Option<f64> {
    let (a, b) = (numbers(args[0])?, numbers(args[1])?);
    if a.len() != b.len() {
        return None;
    }
    let magnitude = |given: Option<&&J>, xs: &[Option<f64>]| {
        given
            .and_then(|v| v.as_f64())
            .unwrap_or_else(|| xs.iter().flatten().map(|x| x * x).sum::<f64>().sqrt())
    };
    let r = dot(&a, &b) / (magnitude(args.get(2), &a) * magnitude(args.get(3), &b));
    r.is_finite().then_some(r)
}

pub fn pearson_of(a: &J, b: &J) -> Option<f64> {
    let (a, b) = (numbers(a)?, numbers(b)?);
    if a.len() != b.len() {
        return None;
    }
    pearson(&a, &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reductions() {
        assert_eq!(sum_of(&json!([1, 2, 3, 4])), Some(10.0));
        assert_eq!(product_of(&json!([1, 2, 3, 4])), Some(24.0));
        assert_eq!(dot_of(&json!([1, 2, 3]), &json!([4, 5, 6])), Some(32.0));
        assert_eq!(dot_of(&json!([1, 2, 3]), &json!(2)), Some(12.0));
        let c = cosine_of(&[&json!([1, 2, 3]), &json!([4, 5, 6])]).unwrap();
        assert!((c - 0.974_631_846_197_075_8).abs() < 1e-12);
        let r = pearson_of(&json!([1, 2, 3, 4]), &json!([2, 4, 6, 8.5])).unwrap();
        assert!(r > 0.99 && r < 1.0);
        assert_eq!(pearson_of(&json!([1, 2]), &json!([1])), None);
        assert_eq!(sum_of(&json!("x")), None);
    }
}
