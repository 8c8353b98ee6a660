//! Series functions over the arrays `make-series` builds: `series_fit_line` (and its
//! `_dynamic` spelling), least-squares regression of the values against their positions 1..n.

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc as F;
use crate::error::{Error, ErrorKind};
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::Datum;
use serde_json::{json, Value as J};
use std::sync::LazyLock;

/// The fields `series_fit_line` yields, in the order `extend (a, b, …) = series_fit_line(x)`
/// names them.
pub const FIT_LINE_FIELDS: [&str; 6] = [
    "rsquare",
    "slope",
    "variance",
    "rvariance",
    "interception",
    "line_fit",
];

/// `series_fit_line(series)` as a bag of [`FIT_LINE_FIELDS`]. As in the Kusto docs' example,
/// `x` runs 1..n, `variance` is the sample variance of the values and `rvariance` that of the
/// residuals (both over n - 1). A non-array or an empty array gives null; non-numeric elements
/// are skipped; a quantity that is undefined (one element, a flat series' r-square) is null.
pub fn fit_line(series: &Datum, len: usize) -> Column {
    let values = series.dyns();
    Column::Dynamic((0..len).map(|i| fit_one(values.get(i))).collect())
}

fn fit_one(series: &J) -> J {
    let J::Array(items) = series else {
        return J::Null;
    };
    let points: Vec<(f64, f64)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_f64().map(|y| ((i + 1) as f64, y)))
        .collect();
    if points.is_empty() {
        return J::Null;
    }
    let l = crate::func::series::fit::fit(&points);
    let (slope, interception, sst, ssr) = (l.slope, l.interception, l.sst, l.ssr);
    let line = |x: f64| interception + slope * x;
    let sample = |sum: f64| (l.n > 1).then(|| sum / (l.n - 1) as f64);
    let line_fit: Vec<J> = (1..=items.len()).map(|x| number(line(x as f64))).collect();
    json!({
        "rsquare": if sst > 0.0 { number(1.0 - ssr / sst) } else { J::Null },
        "slope": number(slope),
        "variance": sample(sst).map_or(J::Null, number),
        "rvariance": sample(ssr).map_or(J::Null, number),
        "interception": number(interception),
        "line_fit": line_fit,
    })
}

fn number(x: f64) -> J {
    serde_json::Number::from_f64(x).map_or(J::Null, J::Number)
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[ScalarDef {
    func: F::SeriesFitLine,
    names: &["series_fit_line", "series_fit_line_dynamic"],
    arity: (1, 1),
    result: Fixed(T::Dynamic),
    run: |_, args, _ty, len, _ctx| Ok(fit_line(&args[0], len)),
    naming: Naming::Positional,
}];

/// The rest of the `series_*` family, one row per entry of `func::series::NAMES`: their
/// kernels live in `func::series`, keyed by the `SeriesFn` each tag carries.
pub(super) static SERIES_FUNCTIONS: LazyLock<Vec<ScalarDef>> = LazyLock::new(|| {
    crate::func::series::NAMES
        .iter()
        .map(|entry| {
            let (_, f, min, max) = *entry;
            ScalarDef {
                func: F::Series(f),
                names: std::slice::from_ref(&entry.0),
                arity: (min, max),
                result: Fixed(f.result_type()),
                run: series_kernel,
                naming: Naming::Positional,
            }
        })
        .collect()
});

fn series_kernel(
    func: F,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    match func {
        F::Series(f) => Ok(crate::func::series::call(f, args, len)),
        other => Err(Error::new(ErrorKind::Runtime(format!(
            "{other:?} is not a series_* function"
        )))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Type, Value};

    #[test]
    fn fits_the_docs_example() {
        // The series_fit_line example of the Kusto docs: 0.982, 2.730, 98.628, 1.686, -1.666,
        // and a line starting 1.064, 3.7945.
        let y = json!([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]);
        let out = fit_line(&Datum::Scalar(Value::Dynamic(y), Type::Dynamic), 1);
        let Value::Dynamic(fit) = out.get(0) else {
            panic!("a bag")
        };
        let field = |k: &str| fit[k].as_f64().unwrap();
        assert!((field("rsquare") - 0.9829).abs() < 1e-4);
        assert!((field("slope") - 2.7308).abs() < 1e-4);
        assert!((field("variance") - 98.6288).abs() < 1e-4);
        assert!((field("rvariance") - 1.6865).abs() < 1e-4);
        assert!((field("interception") + 1.6667).abs() < 1e-4);
        let line = fit["line_fit"].as_array().unwrap();
        assert_eq!(line.len(), 12);
        assert!((line[1].as_f64().unwrap() - 3.7949).abs() < 1e-4);
    }

    #[test]
    fn degenerate_series() {
        let one = fit_one(&json!([5]));
        assert_eq!(one["slope"], json!(0.0));
        assert_eq!(one["interception"], json!(5.0));
        assert_eq!(one["variance"], J::Null);
        assert_eq!(fit_one(&json!([])), J::Null);
        assert_eq!(fit_one(&json!("x")), J::Null);
    }
}
