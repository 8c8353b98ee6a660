//! Comparisons (`==`, `<`, …), `in`/`!in`/`in~` and `between`. Numbers compare numerically
//! across int/long/real; dynamic values compare by the JSON scalar they hold. Null rules: two
//! nulls are neither equal nor unequal (null); a null and a value are unequal; ordering with a
//! null is null.

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::error::Error;
use crate::func::scalar::convert::{self, json_scalar};
use crate::plan::BinaryOp;
use crate::table::{Column, Str, Type, Value};
use crate::value::datum::{map2, Datum};

pub use crate::value::compare::{compare_values, values_equal};

/// Apply a comparison operator to an ordering, with the null rules above (`nulls` says which
/// sides are null).
fn decide(op: BinaryOp, ord: Option<Ordering>, left_null: bool, right_null: bool) -> Option<bool> {
    use BinaryOp as B;
    if left_null || right_null {
        return match op {
            B::Eq if !(left_null && right_null) => Some(false),
            B::NotEq if !(left_null && right_null) => Some(true),
            _ => None,
        };
    }
    match (op, ord) {
        (B::Eq, o) => Some(o == Some(Ordering::Equal)),
        (B::NotEq, o) => Some(o != Some(Ordering::Equal)),
        (_, None) => None,
        (B::Lt, Some(o)) => Some(o == Ordering::Less),
        (B::LtEq, Some(o)) => Some(o != Ordering::Greater),
        (B::Gt, Some(o)) => Some(o == Ordering::Greater),
        (_, Some(o)) => Some(o != Ordering::Less),
    }
}

fn cmp_opt<T: PartialOrd>(op: BinaryOp, a: &Option<T>, b: &Option<T>) -> Option<bool> {
    match (a, b) {
        (Some(x), Some(y)) => decide(op, x.partial_cmp(y), false, false),
        _ => decide(op, None, a.is_none(), b.is_none()),
    }
}

/// `l op r` for a comparison operator, over `n` rows.
pub fn compare(op: BinaryOp, l: &Datum, r: &Datum, n: usize) -> Column {
    use Type as T;
    let out = match (l.ty(), r.ty()) {
        (T::Int | T::Long, T::Int | T::Long) => {
            map2(n, &l.longs(), &r.longs(), |a, b| cmp_opt(op, a, b))
        }
        (T::Int | T::Long | T::Real, T::Int | T::Long | T::Real)
        | (T::Bool, T::Int | T::Long | T::Real)
        | (T::Int | T::Long | T::Real, T::Bool) => {
            map2(n, &l.reals(), &r.reals(), |a, b| cmp_opt(op, a, b))
        }
        (T::DateTime, T::DateTime) | (T::TimeSpan, T::TimeSpan) => {
            map2(n, &l.ticks(), &r.ticks(), |a, b| cmp_opt(op, a, b))
        }
        (T::String, T::String) => map2(n, &l.strs(), &r.strs(), |a: &Str, b: &Str| {
            let ord = if std::sync::Arc::ptr_eq(a, b) {
                Ordering::Equal
            } else {
                a.as_ref().cmp(b.as_ref())
            };
            decide(op, Some(ord), false, false)
        }),
        (T::Bool, T::Bool) => map2(n, &l.bools(), &r.bools(), |a, b| cmp_opt(op, a, b)),
        (T::Guid, T::Guid) => map2(n, &l.guids(), &r.guids(), |a, b| cmp_opt(op, a, b)),
        _ => (0..n)
            .map(|i| {
                let (a, b) = (l.value(i), r.value(i));
                let (an, bn) = (is_null_value(&a), is_null_value(&b));
                decide(op, compare_values(&a, &b), an, bn)
            })
            .collect(),
    };
    Column::Bool(out)
}

/// Null as comparisons see it: typed nulls and dynamic null (strings never are).
fn is_null_value(v: &Value) -> bool {
    v.is_null()
}

/// Flatten the constant items of an `in` list: dynamic arrays contribute their elements.
fn flatten(items: &[Datum]) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for item in items {
        match item.scalar()? {
            Value::Dynamic(serde_json::Value::Array(a)) => out.extend(a.iter().map(json_scalar)),
            v => out.push(v.clone()),
        }
    }
    Some(out)
}

/// `x in (…)`, `x !in (…)`, `x in~ (…)`, `x !in~ (…)`. A null `x` is in nothing.
pub fn in_list(
    x: &Datum,
    items: &[Datum],
    case_insensitive: bool,
    negated: bool,
    n: usize,
) -> Result<Column, Error> {
    let fold = |s: &str| {
        if case_insensitive {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let found: Vec<bool> = match (flatten(items), x.ty()) {
        (Some(values), Type::String) => {
            let set: HashSet<String> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| fold(&convert::to_text(v)))
                .collect();
            let strs = x.strs();
            (0..n)
                .map(|i| {
                    let s = strs.get(i);
                    if case_insensitive {
                        set.contains(&s.to_lowercase())
                    } else {
                        set.contains(s.as_ref())
                    }
                })
                .collect()
        }
        (Some(values), Type::Int | Type::Long | Type::DateTime | Type::TimeSpan) => {
            let set: HashSet<i64> = values
                .iter()
                .filter_map(|v| match (v, x.ty()) {
                    (Value::DateTime(t), Type::DateTime) | (Value::TimeSpan(t), Type::TimeSpan) => {
                        Some(*t)
                    }
                    (Value::Int(_) | Value::Long(_), Type::Int | Type::Long) => convert::to_long(v),
                    (Value::Real(r), Type::Int | Type::Long) if r.fract() == 0.0 => {
                        convert::real_to_long(*r)
                    }
                    (Value::String(s), Type::DateTime) => convert::parse_datetime(s),
                    (Value::String(s), Type::TimeSpan) => convert::parse_timespan(s),
                    _ => None,
                })
                .collect();
            let keys = if matches!(x.ty(), Type::DateTime | Type::TimeSpan) {
                x.ticks()
            } else {
                x.longs()
            };
            (0..n)
                .map(|i| keys.get(i).is_some_and(|k| set.contains(&k)))
                .collect()
        }
        (Some(values), _) => (0..n)
            .map(|i| {
                let v = x.value(i);
                values
                    .iter()
                    .any(|item| equal_in(&v, item, case_insensitive))
            })
            .collect(),
        (None, _) => (0..n)
            .map(|i| {
                let v = x.value(i);
                items.iter().any(|item| match item.value(i) {
                    Value::Dynamic(serde_json::Value::Array(a)) => a
                        .iter()
                        .any(|j| equal_in(&v, &json_scalar(j), case_insensitive)),
                    other => equal_in(&v, &other, case_insensitive),
                })
            })
            .collect(),
    };
    let nulls: Vec<bool> = (0..n).map(|i| x.value_is_null(i)).collect();
    Ok(Column::Bool(
        found
            .into_iter()
            .zip(nulls)
            .map(|(f, null)| Some(if null { negated } else { f != negated }))
            .collect(),
    ))
}

fn equal_in(a: &Value, b: &Value, case_insensitive: bool) -> bool {
    if case_insensitive {
        if let (Value::String(x), Value::String(y)) = (a, b) {
            return x.to_lowercase() == y.to_lowercase();
        }
    }
    values_equal(a, b)
}

/// `x between (lo .. hi)` / `!between`: inclusive; for a datetime `x`, `hi` may be a timespan
/// counted from `lo`. A null on either side gives null.
pub fn between(
    x: &Datum,
    lo: &Datum,
    hi: &Datum,
    negated: bool,
    n: usize,
) -> Result<Column, Error> {
    let shifted;
    let hi = if x.ty() == Type::DateTime && hi.ty() == Type::TimeSpan {
        shifted = Datum::owned(super::arith::arith(BinaryOp::Add, lo, hi, n)?);
        &shifted
    } else {
        hi
    };
    let ge = compare(BinaryOp::GtEq, x, lo, n);
    let le = compare(BinaryOp::LtEq, x, hi, n);
    let (Column::Bool(ge), Column::Bool(le)) = (ge, le) else {
        unreachable!("comparisons yield bools")
    };
    Ok(Column::Bool(
        ge.into_iter()
            .zip(le)
            .map(|(a, b)| {
                let inside = match (a, b) {
                    (Some(a), Some(b)) => Some(a && b),
                    (Some(false), None) | (None, Some(false)) => Some(false),
                    _ => None,
                };
                inside.map(|v| v != negated)
            })
            .collect(),
    ))
}

impl Datum<'_> {
    /// Is row `i` null (strings never are)?
    pub fn value_is_null(&self, i: usize) -> bool {
        match self {
            Datum::Column(c) => c.is_null(i),
            Datum::Scalar(v, _) => v.is_null(),
        }
    }
}
