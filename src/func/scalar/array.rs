//! Functions that reshape dynamic arrays: `array_reverse`, `array_rotate_left/right`,
//! `array_shift_left/right`, `array_sort_asc/desc`, `array_split`, `array_iff`, `zip`,
//! `jaccard_index`, `set_equals`, and `range` (an array of evenly spaced values). An argument
//! that should be an array and is not gives null.

use std::cmp::Ordering;

use serde_json::Value as J;

use super::def::{
    Naming,
    ResultType::{Fixed, Rule},
    ScalarDef, MANY,
};
use super::dynamic::json_eq;
use super::ScalarFunc;
use crate::error::Error;
use crate::func::Arg;
use crate::func::{EvalContext, LookupError};
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map1, map2, map3, Arr, Datum};

/// Which function a `ScalarFunc::Array` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArrayFn {
    Reverse,
    RotateLeft,
    RotateRight,
    ShiftLeft,
    ShiftRight,
    SortAsc,
    SortDesc,
    Split,
    Iff,
    Zip,
    Jaccard,
    SetEquals,
    Range,
}

/// `array` rotated left by `n` places (right when `n` is negative).
pub fn rotate_left(array: &[J], n: i64) -> Vec<J> {
    let mut out = array.to_vec();
    if !out.is_empty() {
        let k = n.rem_euclid(out.len() as i64) as usize;
        out.rotate_left(k);
    }
    out
}

/// `array` shifted left by `n` places (right when negative), the vacated places `fill`.
pub fn shift_left(array: &[J], n: i64, fill: &J) -> Vec<J> {
    let len = array.len() as i64;
    (0..len)
        .map(|i| {
            let from = i.saturating_add(n);
            if (0..len).contains(&from) {
                array[from as usize].clone()
            } else {
                fill.clone()
            }
        })
        .collect()
}

/// The rank of an element's kind in a sorted array: numbers (and the datetimes and timespans a
/// dynamic value holds as numbers) first, then strings, then everything else.
fn kind_rank(v: &J) -> u8 {
    match v {
        J::Number(_) => 0,
        J::String(_) => 1,
        J::Null => 3,
        _ => 2,
    }
}

/// The order of two elements of one kind (any two of other kinds are equal).
fn element_order(a: &J, b: &J) -> Ordering {
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (J::String(x), J::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// `array` sorted (stable), nulls at the end when `nulls_last`, else at the start.
pub fn sort(array: &[J], descending: bool, nulls_last: bool) -> Vec<J> {
    let (mut nulls, mut values): (Vec<J>, Vec<J>) =
        array.iter().cloned().partition(|v| v.is_null());
    // The kinds keep their order (numbers, strings, others) either way; descending reverses
    // the order within a kind.
    values.sort_by(|a, b| {
        kind_rank(a).cmp(&kind_rank(b)).then_with(|| {
            let o = element_order(a, b);
            if descending {
                o.reverse()
            } else {
                o
            }
        })
    });
    if nulls_last {
        values.append(&mut nulls);
        values
    } else {
        nulls.append(&mut values);
        nulls
    }
}

/// `array_split(array, indices)`: the array cut before each index (negative indices count
/// from the end); indices out of range cut nothing.
pub fn split(array: &[J], indices: &J) -> J {
    let n = array.len() as i64;
    let raw: Vec<i64> = match indices {
        J::Array(a) => a.iter().filter_map(J::as_i64).collect(),
        other => match other.as_i64() {
            Some(i) => vec![i],
            None => return J::Null,
        },
    };
    let mut cuts: Vec<usize> = raw
        .into_iter()
        .map(|i| if i < 0 { i + n } else { i })
        .map(|i| i.clamp(0, n) as usize)
        .collect();
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        out.push(J::Array(array[start..cut.max(start)].to_vec()));
        start = cut.max(start);
    }
    out.push(J::Array(array[start..].to_vec()));
    J::Array(out)
}

/// `array_iff(conditions, when_true, when_false)`: element-wise choice; a branch is an array
/// (element by position, null past its end) or one value for every position; a condition
/// that is not a bool gives null.
pub fn iff(conditions: &[J], when_true: &J, when_false: &J) -> J {
    let pick = |branch: &J, i: usize| match branch {
        J::Array(a) => a.get(i).cloned().unwrap_or(J::Null),
        scalar => scalar.clone(),
    };
    J::Array(
        conditions
            .iter()
            .enumerate()
            .map(|(i, c)| match truthy(c) {
                Some(true) => pick(when_true, i),
                Some(false) => pick(when_false, i),
                None => J::Null,
            })
            .collect(),
    )
}

/// A condition element as a bool: a JSON bool, or a number (non-zero is true).
fn truthy(c: &J) -> Option<bool> {
    match c {
        J::Bool(b) => Some(*b),
        J::Number(n) => n.as_f64().map(|x| x != 0.0),
        _ => None,
    }
}

/// The distinct elements of an array, in first-occurrence order.
fn distinct(a: &[J]) -> Vec<&J> {
    let mut out: Vec<&J> = Vec::new();
    for x in a {
        if !out.iter().any(|y| json_eq(x, y)) {
            out.push(x);
        }
    }
    out
}

/// `jaccard_index(a, b)`: |A ∩ B| / |A ∪ B| over distinct elements (NaN for two empty sets).
pub fn jaccard(a: &[J], b: &[J]) -> f64 {
    let (a, b) = (distinct(a), distinct(b));
    let common = a.iter().filter(|x| b.iter().any(|y| json_eq(x, y))).count();
    let union = a.len() + b.len() - common;
    common as f64 / union as f64
}

/// `set_equals(a, b)`: the same distinct elements, in any order and count.
pub fn set_equals(a: &[J], b: &[J]) -> bool {
    let (a, b) = (distinct(a), distinct(b));
    a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| json_eq(x, y)))
}

/// The most elements `range()` builds (Kusto's limit).
const RANGE_LIMIT: usize = 1_048_576;

/// `range(start, stop [, step])` over numbers: start, start+step, … while not past stop.
fn range_values(start: f64, stop: f64, step: f64) -> Option<Vec<f64>> {
    if step == 0.0 || !step.is_finite() {
        return None;
    }
    if (stop - start) * step < 0.0 {
        return Some(Vec::new());
    }
    let count = ((stop - start) / step).floor() as usize + 1;
    (count <= RANGE_LIMIT).then(|| (0..count).map(|i| start + step * i as f64).collect())
}

fn range(args: &[Datum], len: usize) -> Column {
    let is_time = matches!(args[0].ty(), T::DateTime | T::TimeSpan);
    let whole = matches!(args[0].ty(), T::Int | T::Long)
        && args
            .get(2)
            .is_none_or(|s| matches!(s.ty(), T::Int | T::Long));
    // Times step through their ticks.
    let bound = |d: &Datum| -> Arr<'static, Option<f64>> {
        if is_time {
            let ticks = d.longs();
            match ticks.one() {
                Some(t) => Arr::One(t.map(|t| t as f64)),
                None => Arr::Owned(map1(len, &ticks, |t| t.map(|t| t as f64))),
            }
        } else {
            let reals = d.reals();
            match reals.one() {
                Some(x) => Arr::One(*x),
                None => Arr::Owned(map1(len, &reals, |x| *x)),
            }
        }
    };
    let start = bound(&args[0]);
    let stop = bound(&args[1]);
    let default_step = if is_time {
        // A datetime or timespan range steps by one hour unless told otherwise.
        (3600 * crate::table::TICKS_PER_SECOND) as f64
    } else {
        1.0
    };
    let step = args.get(2).map_or(Arr::One(Some(default_step)), bound);
    let first_ty = args[0].ty();
    Column::Dynamic(map3(len, &start, &stop, &step, |a, b, s| {
        let (Some(a), Some(b), Some(s)) = (*a, *b, *s) else {
            return J::Null;
        };
        let Some(values) = range_values(a, b, s) else {
            return J::Null;
        };
        J::Array(
            values
                .into_iter()
                .map(|v| match first_ty {
                    T::DateTime => J::String(crate::format::datetime_json_text(v as i64)),
                    T::TimeSpan => J::String(crate::format::timespan_text(v as i64)),
                    _ if whole => J::from(v as i64),
                    _ => J::from(v),
                })
                .collect(),
        )
    }))
}

fn with_array(x: &J, f: impl FnOnce(&[J]) -> J) -> J {
    match x {
        J::Array(a) => f(a),
        _ => J::Null,
    }
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Array(f) = func else {
        unreachable!("an array row holds an Array tag")
    };
    let count = || args.get(1).map_or(Arr::One(Some(1)), Datum::longs);
    let out = match f {
        ArrayFn::Reverse => map1(len, &args[0].dyns(), |x| {
            with_array(x, |a| J::Array(a.iter().rev().cloned().collect()))
        }),
        ArrayFn::RotateLeft | ArrayFn::RotateRight => {
            let sign = if f == ArrayFn::RotateLeft { 1 } else { -1 };
            map2(len, &args[0].dyns(), &count(), |x, n| match n {
                Some(n) => with_array(x, |a| J::Array(rotate_left(a, n.saturating_mul(sign)))),
                None => J::Null,
            })
        }
        ArrayFn::ShiftLeft | ArrayFn::ShiftRight => {
            let sign = if f == ArrayFn::ShiftLeft { 1 } else { -1 };
            let fill = args.get(2).map_or(Arr::One(J::Null), Datum::dyns);
            map3(
                len,
                &args[0].dyns(),
                &count(),
                &fill,
                |x, n, fill| match n {
                    Some(n) => {
                        with_array(x, |a| J::Array(shift_left(a, n.saturating_mul(sign), fill)))
                    }
                    None => J::Null,
                },
            )
        }
        ArrayFn::SortAsc | ArrayFn::SortDesc => {
            let nulls_last = args.get(1).map_or(Arr::One(Some(true)), Datum::bools);
            map2(len, &args[0].dyns(), &nulls_last, |x, last| {
                with_array(x, |a| {
                    J::Array(sort(a, f == ArrayFn::SortDesc, last.unwrap_or(true)))
                })
            })
        }
        ArrayFn::Split => map2(len, &args[0].dyns(), &args[1].dyns(), |x, at| {
            with_array(x, |a| split(a, at))
        }),
        ArrayFn::Iff => map3(
            len,
            &args[0].dyns(),
            &args[1].dyns(),
            &args[2].dyns(),
            |c, t, e| with_array(c, |c| iff(c, t, e)),
        ),
        ArrayFn::Zip => {
            let views: Vec<_> = args.iter().map(Datum::dyns).collect();
            (0..len)
                .map(|i| {
                    let mut arrays = Vec::with_capacity(views.len());
                    for v in &views {
                        match v.get(i) {
                            J::Array(a) => arrays.push(a),
                            _ => return J::Null,
                        }
                    }
                    let longest = arrays.iter().map(|a| a.len()).max().unwrap_or(0);
                    J::Array(
                        (0..longest)
                            .map(|j| {
                                J::Array(
                                    arrays
                                        .iter()
                                        .map(|a| a.get(j).cloned().unwrap_or(J::Null))
                                        .collect(),
                                )
                            })
                            .collect(),
                    )
                })
                .collect()
        }
        ArrayFn::Jaccard => {
            return Ok(Column::Real(map2(
                len,
                &args[0].dyns(),
                &args[1].dyns(),
                |a, b| match (a, b) {
                    (J::Array(a), J::Array(b)) => Some(jaccard(a, b)),
                    _ => None,
                },
            )))
        }
        ArrayFn::SetEquals => {
            return Ok(Column::Bool(map2(
                len,
                &args[0].dyns(),
                &args[1].dyns(),
                |a, b| match (a, b) {
                    (J::Array(a), J::Array(b)) => Some(set_equals(a, b)),
                    _ => None,
                },
            )))
        }
        ArrayFn::Range => return Ok(range(args, len)),
    };
    Ok(Column::Dynamic(out))
}

/// `array_sort_asc(array [, nulls_last])`: kqlite sorts one array; Kusto's form that reorders
/// further arrays along with the first yields several columns, which it does not support.
fn sort_type(args: &[Arg]) -> Result<T, LookupError> {
    match args.get(1) {
        Some(arg) if arg.ty == T::Dynamic => Err(LookupError::Argument {
            index: 1,
            message: "sorting several arrays together (one result column each) is not supported \
                      by kqlite; sort one array, with an optional nulls_last bool"
                .into(),
        }),
        _ => Ok(T::Dynamic),
    }
}

/// `range(start, stop [, step])`: numbers, datetimes or timespans.
fn range_type(args: &[Arg]) -> Result<T, LookupError> {
    let ok = |t: T| {
        matches!(
            t,
            T::Int | T::Long | T::Real | T::DateTime | T::TimeSpan | T::Dynamic
        )
    };
    for (index, arg) in args.iter().enumerate() {
        if !ok(arg.ty) {
            return Err(LookupError::Argument {
                index,
                message: format!("expected a number, datetime or timespan, found {}", arg.ty),
            });
        }
    }
    Ok(T::Dynamic)
}

const fn row(
    f: ArrayFn,
    names: &'static [&'static str],
    arity: (usize, usize),
    result: super::def::ResultType,
    naming: Naming,
) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Array(f),
        names,
        arity,
        result,
        run,
        naming,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(
        ArrayFn::Reverse,
        &["array_reverse"],
        (1, 1),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::RotateLeft,
        &["array_rotate_left"],
        (2, 2),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::RotateRight,
        &["array_rotate_right"],
        (2, 2),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::ShiftLeft,
        &["array_shift_left"],
        (2, 3),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::ShiftRight,
        &["array_shift_right"],
        (2, 3),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::SortAsc,
        &["array_sort_asc"],
        (1, 2),
        Rule(sort_type),
        Naming::Suffix("sorted"),
    ),
    row(
        ArrayFn::SortDesc,
        &["array_sort_desc"],
        (1, 2),
        Rule(sort_type),
        Naming::Suffix("sorted"),
    ),
    row(
        ArrayFn::Split,
        &["array_split"],
        (2, 2),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::Iff,
        &["array_iff", "array_iif"],
        (3, 3),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::Zip,
        &["zip"],
        (2, MANY),
        Fixed(T::Dynamic),
        Naming::Positional,
    ),
    row(
        ArrayFn::Jaccard,
        &["jaccard_index"],
        (2, 2),
        Fixed(T::Real),
        Naming::Positional,
    ),
    row(
        ArrayFn::SetEquals,
        &["set_equals"],
        (2, 2),
        Fixed(T::Bool),
        Naming::Positional,
    ),
    row(
        ArrayFn::Range,
        &["range"],
        (2, 3),
        Rule(range_type),
        Naming::Positional,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;
    use serde_json::json;

    fn arr(v: J) -> Vec<J> {
        match v {
            J::Array(a) => a,
            _ => panic!(),
        }
    }

    fn call(f: ArrayFn, args: &[(Value, T)]) -> Value {
        let args: Vec<Datum> = args
            .iter()
            .map(|(v, t)| Datum::Scalar(v.clone(), *t))
            .collect();
        run(
            ScalarFunc::Array(f),
            &args,
            T::Dynamic,
            1,
            &EvalContext { now: 0 },
        )
        .unwrap()
        .get(0)
    }

    #[test]
    fn rotate_and_shift() {
        let a = arr(json!([1, 2, 3, 4, 5]));
        assert_eq!(rotate_left(&a, 2), arr(json!([3, 4, 5, 1, 2])));
        assert_eq!(rotate_left(&a, -2), arr(json!([4, 5, 1, 2, 3])));
        assert_eq!(rotate_left(&[], 3), Vec::<J>::new());
        assert_eq!(
            shift_left(&a, 2, &J::Null),
            arr(json!([3, 4, 5, null, null]))
        );
        assert_eq!(
            shift_left(&a, -2, &json!(-1)),
            arr(json!([-1, -1, 1, 2, 3]))
        );
        assert_eq!(
            shift_left(&a, 9, &J::Null),
            arr(json!([null, null, null, null, null]))
        );
    }

    #[test]
    fn sort_mixed_kinds_and_nulls() {
        let a = arr(json!([3, null, "b", 1, "a", true]));
        assert_eq!(
            sort(&a, false, true),
            arr(json!([1, 3, "a", "b", true, null]))
        );
        assert_eq!(
            sort(&a, false, false),
            arr(json!([null, 1, 3, "a", "b", true]))
        );
        assert_eq!(
            sort(&a, true, true),
            arr(json!([3, 1, "b", "a", true, null]))
        );
    }

    #[test]
    fn split_iff_and_sets() {
        let a = arr(json!([1, 2, 3, 4, 5]));
        assert_eq!(split(&a, &json!(2)), json!([[1, 2], [3, 4, 5]]));
        assert_eq!(split(&a, &json!([1, 3])), json!([[1], [2, 3], [4, 5]]));
        assert_eq!(split(&a, &json!(-1)), json!([[1, 2, 3, 4], [5]]));
        assert_eq!(
            iff(
                &arr(json!([true, false, "x"])),
                &json!([1, 2, 3]),
                &json!(0)
            ),
            json!([1, 0, null])
        );
        assert_eq!(
            jaccard(&arr(json!([1, 2, 3])), &arr(json!([1, 2, 3, 4]))),
            0.75
        );
        assert!(jaccard(&[], &[]).is_nan());
        assert!(set_equals(&arr(json!([1, 2, 2])), &arr(json!([2, 1]))));
        assert!(!set_equals(&arr(json!([1, 2])), &arr(json!([1]))));
    }

    #[test]
    fn kernels_give_null_for_non_arrays() {
        let d = |v: J| (Value::Dynamic(v), T::Dynamic);
        assert_eq!(
            call(ArrayFn::Reverse, &[d(json!(5))]),
            Value::Dynamic(J::Null)
        );
        assert_eq!(
            call(ArrayFn::Reverse, &[d(json!(["a", 1]))]),
            Value::Dynamic(json!([1, "a"]))
        );
        assert_eq!(
            call(ArrayFn::Zip, &[d(json!([1, 2])), d(json!(["a"]))]),
            Value::Dynamic(json!([[1, "a"], [2, null]]))
        );
        assert_eq!(
            call(
                ArrayFn::Range,
                &[
                    (Value::Long(1), T::Long),
                    (Value::Long(7), T::Long),
                    (Value::Long(3), T::Long)
                ]
            ),
            Value::Dynamic(json!([1, 4, 7]))
        );
        assert_eq!(
            call(
                ArrayFn::Range,
                &[(Value::Long(5), T::Long), (Value::Long(1), T::Long)]
            ),
            Value::Dynamic(json!([]))
        );
    }
}
