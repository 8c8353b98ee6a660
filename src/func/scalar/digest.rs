//! Functions over tdigest values (`func::aggregate::digest`): `percentile_tdigest`,
//! `percentiles_array_tdigest`, `rank_tdigest`, `percentrank_tdigest`, and the scalar
//! `merge_tdigest` / `tdigest_merge` over two or more digests. A value that is not a digest
//! gives null. kqlite's digests keep every distinct value, so these answers are exact.
//! <https://learn.microsoft.com/en-us/kusto/query/percentile-tdigest-function>,
//! <https://learn.microsoft.com/en-us/kusto/query/percentile-array-tdigest-function>,
//! <https://learn.microsoft.com/en-us/kusto/query/rank-tdigest-function>,
//! <https://learn.microsoft.com/en-us/kusto/query/percentrank-tdigest-function>,
//! <https://learn.microsoft.com/en-us/kusto/query/merge-tdigest-function>

use serde_json::Value as J;

use super::convert::cast_column;
use super::def::{Naming, ResultType, ScalarDef};
use super::{row_values, ScalarFunc};
use crate::error::Error;
use crate::func::aggregate::digest::{Digest, Point};
use crate::func::{Arg, EvalContext, LookupError};
use crate::table::Type as T;
use crate::table::{value_to_json, Column, Value};
use crate::value::datum::Datum;

/// Which function a `ScalarFunc::Digest` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestFn {
    Percentile,
    PercentilesArray,
    Rank,
    PercentRank,
    Merge,
}

/// The type a `typeof(T)` argument names.
fn named_type(arg: &Arg, index: usize) -> Result<T, LookupError> {
    super::registry::literal_text(arg)
        .and_then(T::from_name)
        .ok_or_else(|| LookupError::Argument {
            index,
            message: "expected `typeof(<type>)`".into(),
        })
}

/// `percentile_tdigest(d, p [, typeof(T)])`: of type T when named, else dynamic.
fn percentile_type(args: &[Arg]) -> Result<T, LookupError> {
    match args.get(2) {
        Some(t) => named_type(t, 2),
        None => Ok(T::Dynamic),
    }
}

/// A value brought to `ty` (the `typeof(T)` a call names).
fn cast(value: Value, ty: T) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    let natural = match &value {
        Value::Int(_) => T::Int,
        Value::Real(_) => T::Real,
        Value::DateTime(_) => T::DateTime,
        Value::TimeSpan(_) => T::TimeSpan,
        _ => T::Long,
    };
    cast_column(Column::repeat(&value, natural, 1), ty).get(0)
}

/// A value as the point a digest of type `ty` compares it as.
fn point_of(value: &Value, ty: T) -> Option<Point> {
    Some(match value {
        Value::Int(i) => Point::Integral(i64::from(*i)),
        Value::Long(i) | Value::DateTime(i) | Value::TimeSpan(i) if ty != T::Real => {
            Point::Integral(*i)
        }
        Value::Long(i) => Point::Real(*i as f64),
        Value::Real(x) if x.is_nan() => return None,
        Value::Real(x) => Point::Real(*x),
        Value::Dynamic(J::Number(n)) => match n.as_i64() {
            Some(i) if ty != T::Real => Point::Integral(i),
            _ => Point::Real(n.as_f64()?),
        },
        _ => return None,
    })
}

/// The percent points of `percentiles_array_tdigest` at one row: one dynamic array, or the
/// numbers after the digest.
fn points_at(args: &[Datum], row: usize) -> Vec<f64> {
    match args[1].value(row) {
        Value::Dynamic(J::Array(items)) => items.iter().filter_map(J::as_f64).collect(),
        _ => args[1..]
            .iter()
            .filter_map(|a| match a.value(row) {
                Value::Int(i) => Some(f64::from(i)),
                Value::Long(i) => Some(i as f64),
                Value::Real(x) => Some(x),
                _ => None,
            })
            .collect(),
    }
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Digest(f) = func else {
        unreachable!("a digest row holds a Digest tag")
    };
    if f == DigestFn::Merge {
        return merge(args, len);
    }
    let digests = row_values(&args[0], len);
    let digest_at = |i: usize| match digests.get(i) {
        Value::Dynamic(j) => Digest::from_json(j),
        _ => None,
    };
    let mut out = Column::with_capacity(ty, len);
    for i in 0..len {
        let value = match (f, digest_at(i)) {
            (_, None) => Value::Null,
            (DigestFn::Percentile, Some(d)) => {
                let at = match args[1].value(i) {
                    Value::Int(p) => Some(f64::from(p)),
                    Value::Long(p) => Some(p as f64),
                    Value::Real(p) => Some(p),
                    _ => None,
                };
                match (at.and_then(|p| d.percentile(p)), ty) {
                    (None, _) => Value::Null,
                    // Untyped, the value comes wrapped in an array (the page's union example).
                    (Some(v), T::Dynamic) => Value::Dynamic(J::Array(vec![value_to_json(&v)])),
                    (Some(v), ty) => cast(v, ty),
                }
            }
            (DigestFn::PercentilesArray, Some(d)) => {
                let wanted = match args.get(2).map(|a| a.value(i)) {
                    Some(Value::String(name)) if matches!(args[1].ty(), T::Dynamic) => {
                        T::from_name(&name)
                    }
                    _ => None,
                };
                let values = points_at(args, i)
                    .into_iter()
                    .map(|p| {
                        let v = d.percentile(p).unwrap_or(Value::Null);
                        value_to_json(&wanted.map_or(v.clone(), |t| cast(v, t)))
                    })
                    .collect();
                Value::Dynamic(J::Array(values))
            }
            (DigestFn::Rank | DigestFn::PercentRank, Some(d)) => {
                match point_of(&args[1].value(i), d.ty) {
                    None => Value::Null,
                    Some(at) => {
                        let rank = d.rank(at) as f64;
                        let total = d.total();
                        match f {
                            DigestFn::Rank => Value::Real(rank),
                            _ if total == 0 => Value::Null,
                            _ => Value::Real(rank * 100.0 / total as f64),
                        }
                    }
                }
            }
            (DigestFn::Merge, Some(_)) => unreachable!("merge is handled above"),
        };
        out.push(&value);
    }
    Ok(out)
}

/// `merge_tdigest(d1, d2, …)`: the digests of a row merged; arguments that are not digests are
/// skipped, and a row with none is null.
fn merge(args: &[Datum], len: usize) -> Result<Column, Error> {
    let columns: Vec<_> = args.iter().map(|a| row_values(a, len)).collect();
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let mut merged: Option<Digest> = None;
        for col in &columns {
            let Value::Dynamic(j) = col.get(i) else {
                continue;
            };
            let Some(d) = Digest::from_json(j) else {
                continue;
            };
            match merged.as_mut() {
                None => merged = Some(d),
                Some(m) => m
                    .merge(&d)
                    .map_err(|e| super::arg_error(format!("merge_tdigest: {e}")))?,
            }
        }
        out.push(merged.map_or(J::Null, |d| d.to_json()));
    }
    Ok(Column::Dynamic(out))
}

const fn row(
    f: DigestFn,
    names: &'static [&'static str],
    arity: (usize, usize),
    result: ResultType,
    naming: Naming,
) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Digest(f),
        names,
        arity,
        result,
        run,
        naming,
    }
}

/// This family's functions, one row each (see `super::def`). The scalar merge takes two or
/// more digests (one is the aggregate's form); its column is named apart by `bind::naming`.
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(
        DigestFn::Percentile,
        &["percentile_tdigest"],
        (2, 3),
        ResultType::Rule(percentile_type),
        Naming::NameAndFirst,
    ),
    row(
        DigestFn::PercentilesArray,
        &["percentiles_array_tdigest"],
        (2, super::def::MANY),
        ResultType::Fixed(T::Dynamic),
        Naming::Prefix("percentile_tdigest"),
    ),
    row(
        DigestFn::Rank,
        &["rank_tdigest"],
        (2, 2),
        ResultType::Fixed(T::Real),
        Naming::Positional,
    ),
    row(
        DigestFn::PercentRank,
        &["percentrank_tdigest"],
        (2, 2),
        ResultType::Fixed(T::Real),
        Naming::Positional,
    ),
    row(
        DigestFn::Merge,
        &["merge_tdigest", "tdigest_merge"],
        (2, super::def::MANY),
        ResultType::Fixed(T::Dynamic),
        Naming::Positional,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(f: DigestFn, args: &[Value], ty: T) -> Value {
        let args: Vec<Datum> = args
            .iter()
            .map(|v| {
                let t = match v {
                    Value::String(_) => T::String,
                    Value::Long(_) => T::Long,
                    Value::Real(_) => T::Real,
                    Value::DateTime(_) => T::DateTime,
                    _ => T::Dynamic,
                };
                Datum::Scalar(v.clone(), t)
            })
            .collect();
        run(ScalarFunc::Digest(f), &args, ty, 1, &EvalContext { now: 0 })
            .unwrap()
            .get(0)
    }

    /// 1 … 1000, each once.
    fn thousand() -> Value {
        let values: Vec<i64> = (1..=1000).collect();
        Value::Dynamic(json!([[7], values, vec![1; 1000]]))
    }

    #[test]
    fn rank_of_685_in_one_to_a_thousand_is_685() {
        let r = call(DigestFn::Rank, &[thousand(), Value::Long(685)], T::Real);
        assert_eq!(r, Value::Real(685.0));
        let p = call(
            DigestFn::PercentRank,
            &[thousand(), Value::Long(685)],
            T::Real,
        );
        assert_eq!(p, Value::Real(68.5));
    }

    #[test]
    fn percentile_is_nearest_rank_typed_or_wrapped() {
        let typed = call(
            DigestFn::Percentile,
            &[thousand(), Value::Long(85), Value::String("long".into())],
            T::Long,
        );
        assert_eq!(typed, Value::Long(850));
        let wrapped = call(
            DigestFn::Percentile,
            &[thousand(), Value::Long(100)],
            T::Dynamic,
        );
        assert_eq!(wrapped, Value::Dynamic(json!([1000])));
    }

    #[test]
    fn percentiles_array_reads_numbers_or_one_array() {
        let listed = call(
            DigestFn::PercentilesArray,
            &[
                thousand(),
                Value::Long(0),
                Value::Real(50.0),
                Value::Long(100),
            ],
            T::Dynamic,
        );
        assert_eq!(listed, Value::Dynamic(json!([1, 500, 1000])));
        let from_array = call(
            DigestFn::PercentilesArray,
            &[
                thousand(),
                Value::Dynamic(json!([10, 90])),
                Value::String("real".into()),
            ],
            T::Dynamic,
        );
        assert_eq!(from_array, Value::Dynamic(json!([100.0, 900.0])));
    }

    #[test]
    fn datetime_digests_answer_datetimes() {
        let d = Value::Dynamic(json!([["datetime"], [30, 10, 20], [1, 1, 1]]));
        let p = call(
            DigestFn::Percentile,
            &[d.clone(), Value::Long(50), Value::String("datetime".into())],
            T::DateTime,
        );
        assert_eq!(p, Value::DateTime(20));
        let r = call(DigestFn::Rank, &[d, Value::DateTime(25)], T::Real);
        assert_eq!(r, Value::Real(2.0));
    }

    #[test]
    fn merge_adds_and_skips_non_digests() {
        let a = Value::Dynamic(json!([[7], [1, 2], [1, 1]]));
        let b = Value::Dynamic(json!([[7], [2], [3]]));
        let m = call(
            DigestFn::Merge,
            &[a, Value::Dynamic(J::Null), b],
            T::Dynamic,
        );
        assert_eq!(m, Value::Dynamic(json!([[7], [1, 2], [1, 4]])));
    }

    #[test]
    fn not_a_digest_gives_null() {
        let r = call(
            DigestFn::Rank,
            &[Value::Dynamic(json!({"a": 1})), Value::Long(1)],
            T::Real,
        );
        assert_eq!(r, Value::Null);
    }
}
