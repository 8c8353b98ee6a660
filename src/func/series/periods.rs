//! Periods of a series: `series_periods_detect` (the strongest periods in a range of lengths),
//! `series_periods_validate` (the score of given periods) and the seasonality autodetection of
//! the decomposition functions. A period's score is the correlation of the series with itself
//! shifted by the period, after removing the least-squares line (so a trend is not mistaken for
//! a season) and on ranks rather than values (so one spike cannot hide a season), clamped to
//! 0..1. A period whose multiple scores about as well (within 10%) is preferred to the multiple.
//! Kusto documents the scores as 0..1 with 1 for a perfect period but not how it computes them:
//! the periods found agree with the docs' example (14 bins), the scores are this module's own
//! (0.94 there, where Kusto prints 0.84).

use super::{array, numbers};
use serde_json::Value as J;

/// The series less its least-squares line; missing values count as 0.
fn detrended(xs: &[Option<f64>]) -> Vec<f64> {
    let ys: Vec<f64> = xs.iter().map(|x| x.unwrap_or(0.0)).collect();
    let n = ys.len() as f64;
    if ys.len() < 2 {
        return ys;
    }
    let mx = (n - 1.0) / 2.0;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = (0..ys.len()).map(|i| (i as f64 - mx).powi(2)).sum();
    let sxy: f64 = ys
        .iter()
        .enumerate()
        .map(|(i, y)| (i as f64 - mx) * (y - my))
        .sum();
    let slope = sxy / sxx;
    let rest: Vec<f64> = ys
        .iter()
        .enumerate()
        .map(|(i, y)| y - (my + slope * (i as f64 - mx)))
        .collect();
    ranks(&rest)
}

/// Each value's rank (ties share their mean rank): a spike becomes just the highest rank, so
/// one outlier cannot hide a season.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0;
        for &k in &order[i..=j] {
            out[k] = mean_rank;
        }
        i = j + 1;
    }
    out
}

/// The score of `period` for the detrended series `ys`.
fn score(ys: &[f64], period: usize) -> f64 {
    if period == 0 || period * 2 > ys.len() {
        return 0.0;
    }
    let (a, b) = (&ys[..ys.len() - period], &ys[period..]);
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let sab: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let saa: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let sbb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    let r = sab / (saa * sbb).sqrt();
    if r.is_finite() {
        r.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Up to `count` periods between `min` and `max` (whole bins), strongest first: local maxima of
/// the score, leaving out multiples of a period already chosen.
pub fn detect(xs: &[Option<f64>], min: usize, max: usize, count: usize) -> Vec<(usize, f64)> {
    let ys = detrended(xs);
    // The docs: "the algorithm can detect periods containing at least 4 points and at most half
    // of the series length".
    let max = max.min(ys.len() / 2);
    let min = min.max(4);
    if min > max {
        return Vec::new();
    }
    // Every lag a candidate can be compared with: 20% either side of the range (the margin the
    // docs advise around an expected period), within what the series can show.
    let (lo, hi) = (min * 4 / 5, (max * 6 / 5).min(ys.len() / 2));
    let scores: Vec<(usize, f64)> = (lo..=hi).map(|p| (p, score(&ys, p))).collect();
    // A period is the best lag within 20% of itself, so the lags next to a season (13, 15, 16
    // around 14) are not reported as periods of their own.
    let best_near = |p: usize| {
        let (from, to) = (p * 4 / 5, p * 6 / 5);
        scores
            .iter()
            .filter(|(q, _)| (from..=to).contains(q))
            .map(|(_, s)| *s)
            .fold(0.0, f64::max)
    };
    let mut peaks: Vec<(usize, f64)> = scores
        .iter()
        .copied()
        .filter(|&(p, s)| (min..=max).contains(&p) && s > 0.0 && s >= best_near(p))
        .collect();
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // A multiple of a period repeats it: prefer the period when it scores nearly as well.
    let all = peaks.clone();
    let peaks: Vec<(usize, f64)> = peaks
        .into_iter()
        .map(|(q, sq)| {
            all.iter()
                .filter(|(p, sp)| *p < q && q % p == 0 && *sp >= 0.9 * sq)
                .min_by_key(|(p, _)| *p)
                .copied()
                .unwrap_or((q, sq))
        })
        .collect();
    let mut chosen: Vec<(usize, f64)> = Vec::new();
    for (p, s) in peaks {
        if chosen.iter().any(|(q, _)| *q == p) {
            continue;
        }
        if chosen.len() == count {
            break;
        }
        if chosen.iter().all(|(q, _)| !near_multiple(p, *q)) {
            chosen.push((p, s));
        }
    }
    chosen
}

/// Whether `p` is within 10% of a multiple of `q` (a harmonic of a period already found: 30
/// bins next to a 14-bin season is its second repeat blurred by the series' end).
fn near_multiple(p: usize, q: usize) -> bool {
    let k = (p as f64 / q as f64).round().max(1.0);
    k >= 2.0 && (p as f64 - k * q as f64).abs() <= 0.1 * k * q as f64 || p.is_multiple_of(q)
}

/// The period the decomposition uses for `seasonality`: a positive value as given, 0 for none,
/// -1 (autodetect) the strongest detected period scoring at least `threshold`.
pub fn season(xs: &[Option<f64>], seasonality: i64, threshold: f64) -> usize {
    match seasonality {
        s if s > 0 => s as usize,
        -1 => detect(xs, 4, xs.len() / 2, 1)
            .first()
            .filter(|(_, s)| *s >= threshold)
            .map_or(0, |(p, _)| *p),
        _ => 0,
    }
}

/// `series_periods_detect(series, min_period, max_period, num_periods)`: output `which` is 0
/// for the periods, 1 for their scores.
pub fn detect_of(args: &[&J], which: u8) -> J {
    let Some(xs) = numbers(args[0]) else {
        return J::Null;
    };
    let int = |i: usize| args.get(i).and_then(|v| v.as_f64()).unwrap_or(0.0).max(0.0) as usize;
    let count = int(3).max(1);
    let mut found = detect(&xs, int(1), int(2), count);
    // num_periods "will be the length of the output dynamic arrays": the docs' example pads
    // with a period and score of 0 ([14.0, 0.0], [0.84, 0.0]).
    found.resize(count, (0, 0.0));
    output(&found, which)
}

/// `series_periods_validate(series, period, …)`: the score of each given period.
pub fn validate_of(args: &[&J], which: u8) -> J {
    let Some(xs) = numbers(args[0]) else {
        return J::Null;
    };
    let ys = detrended(&xs);
    let detectable = |p: usize| p >= 4 && p <= ys.len() / 2;
    let checked: Vec<(usize, f64)> = args[1..]
        .iter()
        .filter_map(|v| v.as_f64())
        .map(|p| p.max(0.0) as usize)
        .map(|p| (p, if detectable(p) { score(&ys, p) } else { 0.0 }))
        .collect();
    output(&checked, which)
}

fn output(found: &[(usize, f64)], which: u8) -> J {
    if which == 0 {
        // Periods are reals in Kusto's output (14.0), in units of the bin size.
        let periods: Vec<Option<f64>> = found.iter().map(|(p, _)| Some(*p as f64)).collect();
        array(&periods, false)
    } else {
        let scores: Vec<Option<f64>> = found.iter().map(|(_, s)| Some(*s)).collect();
        array(&scores, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_period_of_a_repeating_series() {
        let xs: Vec<Option<f64>> = (0..96)
            .map(|i| Some([1.0, 5.0, 9.0, 5.0, 1.0, 0.0, 0.0, 0.0][i % 8] + i as f64 * 0.1))
            .collect();
        let found = detect(&xs, 2, 40, 2);
        assert_eq!(found[0].0, 8, "{found:?}");
        assert!(found[0].1 > 0.9);
        assert_eq!(season(&xs, -1, 0.6), 8);
        assert_eq!(season(&xs, 0, 0.6), 0);
        assert_eq!(season(&xs, 12, 0.6), 12);
        let flat: Vec<Option<f64>> = (0..40).map(|i| Some(i as f64)).collect();
        assert_eq!(season(&flat, -1, 0.6), 0, "a pure trend has no season");
    }
}
