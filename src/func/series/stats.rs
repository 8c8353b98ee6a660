//! `series_stats` and `series_stats_dynamic`: minimum and maximum (with the first position of
//! each), mean, sample variance and standard deviation, and (the dynamic form) sum and length.
//! A missing or non-finite element makes every figure null unless `ignore_nonfinite` is true,
//! in which case such elements are skipped.

use super::{number, numbers};
use serde_json::{Map, Value as J};

/// The fields `series_stats` yields, in Kusto's column order.
pub const STATS_FIELDS: [&str; 7] = [
    "min", "min_idx", "max", "max_idx", "avg", "stdev", "variance",
];

/// The figures of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub min: f64,
    pub min_idx: usize,
    pub max: f64,
    pub max_idx: usize,
    pub avg: f64,
    pub variance: f64,
    pub sum: f64,
    pub len: usize,
}

/// The kernel: `None` when a value is missing (and not ignored) or none is left.
pub fn stats(xs: &[Option<f64>], ignore_nonfinite: bool) -> Option<Stats> {
    let mut kept = Vec::with_capacity(xs.len());
    for (i, x) in xs.iter().enumerate() {
        match x {
            Some(v) if v.is_finite() => kept.push((i, *v)),
            _ if ignore_nonfinite => {}
            _ => return None,
        }
    }
    let (&(first_i, first), n) = (kept.first()?, kept.len() as f64);
    let (mut min, mut min_idx, mut max, mut max_idx) = (first, first_i, first, first_i);
    for &(i, v) in &kept {
        if v < min {
            (min, min_idx) = (v, i);
        }
        if v > max {
            (max, max_idx) = (v, i);
        }
    }
    let sum: f64 = kept.iter().map(|p| p.1).sum();
    let avg = sum / n;
    let squares: f64 = kept.iter().map(|p| (p.1 - avg).powi(2)).sum();
    let variance = if kept.len() > 1 {
        squares / (n - 1.0)
    } else {
        0.0
    };
    Some(Stats {
        min,
        min_idx,
        max,
        max_idx,
        avg,
        variance,
        sum,
        len: xs.len(),
    })
}

/// The figures as a bag (`with_sum_len` adds `sum` and `len`, as `series_stats_dynamic` does);
/// null for a non-array.
pub fn stats_bag(value: &J, ignore_nonfinite: bool, with_sum_len: bool) -> J {
    let Some(xs) = numbers(value) else {
        return J::Null;
    };
    let s = stats(&xs, ignore_nonfinite);
    let mut bag = Map::new();
    let mut put = |k: &str, v: J| {
        bag.insert(k.to_string(), v);
    };
    let real = |f: fn(&Stats) -> f64| s.as_ref().map_or(J::Null, |s| number(f(s)));
    let index = |f: fn(&Stats) -> usize| s.as_ref().map_or(J::Null, |s| J::from(f(s)));
    put("min", real(|s| s.min));
    put("min_idx", index(|s| s.min_idx));
    put("max", real(|s| s.max));
    put("max_idx", index(|s| s.max_idx));
    put("avg", real(|s| s.avg));
    put("stdev", real(|s| s.variance.sqrt()));
    put("variance", real(|s| s.variance));
    if with_sum_len {
        put("sum", real(|s| s.sum));
        put("len", J::from(xs.len()));
    }
    J::Object(bag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_docs_example() {
        let x = json!([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]);
        let bag = stats_bag(&x, false, true);
        assert_eq!(bag["min"], json!(2.0));
        assert_eq!(bag["min_idx"], json!(8));
        assert_eq!(bag["max_idx"], json!(3));
        assert_eq!(bag["avg"], json!(32.8));
        assert!((bag["variance"].as_f64().unwrap() - 812.457_142_857_142_9).abs() < 1e-9);
        assert!((bag["stdev"].as_f64().unwrap() - 28.503_633_853_548_27).abs() < 1e-9);
        assert_eq!(
            (bag["sum"].clone(), bag["len"].clone()),
            (json!(492.0), json!(15))
        );
    }

    #[test]
    fn missing_values_null_everything_unless_ignored() {
        let x = json!([1, null, 3]);
        assert_eq!(stats_bag(&x, false, false)["avg"], J::Null);
        assert_eq!(stats_bag(&x, true, false)["avg"], json!(2.0));
        assert_eq!(stats_bag(&x, true, false)["max_idx"], json!(2));
    }
}
