//! Decomposition of a series into seasonal, trend and residual parts, as Kusto documents it
//! (series_decompose): the seasonal part is the median of the points in the same phase of the
//! period (0 without a period); the trend is taken from the series less its seasonal part, as
//! its average (`avg`), its least-squares line (`linefit`) or nothing (`none`); baseline =
//! seasonal + trend; residual = series − baseline. The last `test_points` points are left out of
//! the learning and get the extended baseline (forecasting). Anomalies are Tukey-fence outliers
//! of the residual (`series_outliers`), flagged +1/−1 past the threshold.

use super::{array, numbers, outliers, periods};
use serde_json::Value as J;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trend {
    Avg,
    LineFit,
    None,
}

/// The four parts, each as long as the series.
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    pub baseline: Vec<f64>,
    pub seasonal: Vec<f64>,
    pub trend: Vec<f64>,
    pub residual: Vec<f64>,
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// The seasonal part for `period` learned from the first `learn` points, repeated over `n`.
pub fn seasonal(xs: &[f64], learn: usize, period: usize) -> Vec<f64> {
    if period == 0 {
        return vec![0.0; xs.len()];
    }
    let phases: Vec<f64> = (0..period)
        .map(|phase| {
            let mut same: Vec<f64> = (phase..learn).step_by(period).map(|i| xs[i]).collect();
            median(&mut same)
        })
        .collect();
    (0..xs.len()).map(|i| phases[i % period]).collect()
}

/// The trend of `ys` learned from the first `learn` points.
fn trend(ys: &[f64], learn: usize, kind: Trend) -> Vec<f64> {
    let n = learn.max(1) as f64;
    let mean = ys[..learn].iter().sum::<f64>() / n;
    match kind {
        Trend::None => vec![0.0; ys.len()],
        Trend::Avg => vec![mean; ys.len()],
        Trend::LineFit => {
            let mx = (n - 1.0) / 2.0;
            let sxx: f64 = (0..learn).map(|i| (i as f64 - mx).powi(2)).sum();
            let sxy: f64 = (0..learn).map(|i| (i as f64 - mx) * (ys[i] - mean)).sum();
            let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
            (0..ys.len())
                .map(|i| mean + slope * (i as f64 - mx))
                .collect()
        }
    }
}

/// The kernel.
pub fn decompose(xs: &[f64], period: usize, kind: Trend, test_points: usize) -> Parts {
    let learn = xs.len().saturating_sub(test_points).max(1).min(xs.len());
    let seasonal = seasonal(xs, learn, period);
    let deseasoned: Vec<f64> = xs.iter().zip(&seasonal).map(|(x, s)| x - s).collect();
    let trend = if xs.is_empty() {
        Vec::new()
    } else {
        trend(&deseasoned, learn, kind)
    };
    let baseline: Vec<f64> = seasonal.iter().zip(&trend).map(|(s, t)| s + t).collect();
    let residual = xs.iter().zip(&baseline).map(|(x, b)| x - b).collect();
    Parts {
        baseline,
        seasonal,
        trend,
        residual,
    }
}

/// The optional arguments as Kusto passes them (a null means the default).
struct Options {
    seasonality: i64,
    trend: Trend,
    test_points: usize,
    threshold: f64,
}

fn trend_arg(value: &J, default: Trend) -> Trend {
    match value.as_str() {
        Some("avg") => Trend::Avg,
        Some("linefit") => Trend::LineFit,
        Some("none") => Trend::None,
        _ => default,
    }
}

fn series(value: &J) -> Option<Vec<f64>> {
    Some(
        numbers(value)?
            .into_iter()
            .map(|x| x.unwrap_or(0.0))
            .collect(),
    )
}

fn run(xs: &[f64], o: &Options) -> Parts {
    let opt: Vec<Option<f64>> = xs.iter().map(|x| Some(*x)).collect();
    let learn = xs.len().saturating_sub(o.test_points);
    let period = periods::season(&opt[..learn], o.seasonality, o.threshold);
    decompose(xs, period, o.trend, o.test_points)
}

fn reals(xs: &[f64]) -> J {
    let v: Vec<Option<f64>> = xs.iter().map(|x| Some(*x)).collect();
    array(&v, false)
}

/// Output `which` of the parts: 0 baseline, 1 seasonal, 2 trend, 3 residual.
fn output(p: &Parts, which: u8) -> J {
    reals(match which {
        0 => &p.baseline,
        1 => &p.seasonal,
        2 => &p.trend,
        _ => &p.residual,
    })
}

fn arg<'a>(args: &[&'a J], i: usize) -> &'a J {
    args.get(i).copied().unwrap_or(&J::Null)
}

/// `series_decompose(series [, seasonality, trend, test_points, seasonality_threshold])`:
/// output 0 baseline, 1 seasonal, 2 trend, 3 residual.
pub fn decompose_of(args: &[&J], which: u8) -> J {
    let Some(xs) = series(args[0]) else {
        return J::Null;
    };
    let o = Options {
        seasonality: arg(args, 1).as_i64().unwrap_or(-1),
        trend: trend_arg(arg(args, 2), Trend::Avg),
        test_points: arg(args, 3).as_u64().unwrap_or(0) as usize,
        threshold: arg(args, 4).as_f64().unwrap_or(0.6),
    };
    output(&run(&xs, &o), which)
}

/// `series_decompose_anomalies(series [, threshold, seasonality, trend, test_points, ad_method,
/// seasonality_threshold])`: output 0 the flags (+1, −1, 0), 1 the scores, 2 the baseline.
pub fn anomalies_of(args: &[&J], which: u8) -> J {
    let Some(xs) = series(args[0]) else {
        return J::Null;
    };
    let k = arg(args, 1).as_f64().unwrap_or(1.5);
    let o = Options {
        seasonality: arg(args, 2).as_i64().unwrap_or(-1),
        trend: trend_arg(arg(args, 3), Trend::Avg),
        test_points: arg(args, 4).as_u64().unwrap_or(0) as usize,
        threshold: arg(args, 6).as_f64().unwrap_or(0.6),
    };
    let p = run(&xs, &o);
    let (low, high) = if arg(args, 5).as_str() == Some("tukey") {
        (25.0, 75.0)
    } else {
        (10.0, 90.0)
    };
    let residual: Vec<Option<f64>> = p.residual.iter().map(|r| Some(*r)).collect();
    let scores = outliers::scores(&residual, low, high);
    match which {
        0 => J::Array(
            scores
                .iter()
                .map(|s| {
                    let s = s.unwrap_or(0.0);
                    J::from(if s > k {
                        1
                    } else if s < -k {
                        -1
                    } else {
                        0
                    })
                })
                .collect(),
        ),
        1 => array(&scores, false),
        _ => reals(&p.baseline),
    }
}

/// `series_decompose_forecast(series, points [, seasonality, trend, seasonality_threshold])`:
/// the parts learned without the last `points` points and extended over them; output 0 the
/// baseline (the forecast), 1 seasonal, 2 trend, 3 residual.
pub fn forecast_of(args: &[&J], which: u8) -> J {
    let Some(xs) = series(args[0]) else {
        return J::Null;
    };
    let o = Options {
        seasonality: arg(args, 2).as_i64().unwrap_or(-1),
        trend: trend_arg(arg(args, 3), Trend::LineFit),
        test_points: arg(args, 1).as_u64().unwrap_or(0) as usize,
        threshold: arg(args, 4).as_f64().unwrap_or(0.6),
    };
    output(&run(&xs, &o), which)
}

/// `series_seasonal(series [, period])`: the seasonal part (period -1: detected; 0: none).
pub fn seasonal_of(args: &[&J]) -> J {
    let Some(xs) = series(args[0]) else {
        return J::Null;
    };
    let opt: Vec<Option<f64>> = xs.iter().map(|x| Some(*x)).collect();
    let period = periods::season(&opt, arg(args, 1).as_i64().unwrap_or(-1), 0.6);
    reals(&seasonal(&xs, xs.len(), period))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_seasonal_series_with_a_spike() {
        let mut xs: Vec<f64> = (0..48).map(|i| [2.0, 4.0, 8.0, 4.0][i % 4]).collect();
        xs[30] += 40.0;
        let p = decompose(&xs, 4, Trend::Avg, 0);
        assert_eq!(&p.seasonal[..4], &[2.0, 4.0, 8.0, 4.0]);
        assert!(p.residual[30] > 39.0);
        let series = json!(xs);
        let flags = anomalies_of(&[&series, &json!(1.5), &json!(4)], 0);
        let flagged: Vec<usize> = flags
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(_, f)| **f != json!(0))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(flagged, vec![30]);
        assert_eq!(anomalies_of(&[&series], 0), flags, "the period is detected");
    }

    #[test]
    fn forecast_extends_the_line() {
        let xs = json!([1, 2, 3, 4, 5, 6, 0, 0]);
        let f = forecast_of(&[&xs, &json!(2), &json!(0)], 0);
        let f: Vec<f64> = f
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert!((f[7] - 8.0).abs() < 1e-9, "{f:?}");
    }
}
