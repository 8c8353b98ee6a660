//! Arithmetic with Kusto's type rules: int and long compute as long, anything with a real as
//! real; datetime − datetime is a timespan, datetime ± timespan a datetime, timespan × number a
//! timespan, timespan / timespan a real. Integer division truncates; dividing an integer by
//! zero gives null; `%` has the sign of the divisor's magnitude rule Kusto documents
//! (`-14 % 12` is 10).

use crate::error::{Error, ErrorKind};
use crate::func::scalar::datetime::EPOCH_TICKS;
use crate::plan::BinaryOp;
use crate::table::{Column, Type};
use crate::value::datum::{map1, map2, Datum};

/// How an operand takes part in arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Long,
    Real,
    DateTime,
    TimeSpan,
    Other,
}

fn kind_of_type(ty: Type) -> Kind {
    match ty {
        Type::Int | Type::Long | Type::Dynamic => Kind::Long,
        Type::Real => Kind::Real,
        Type::DateTime => Kind::DateTime,
        Type::TimeSpan => Kind::TimeSpan,
        _ => Kind::Other,
    }
}

/// A dynamic operand computes as long when every number it holds is an integer, else real.
fn kind_of(d: &Datum) -> Kind {
    if d.ty() != Type::Dynamic {
        return kind_of_type(d.ty());
    }
    let dyns = d.dyns();
    let is_real = |j: &serde_json::Value| j.as_number().is_some_and(|n| !n.is_i64());
    let any_real = match dyns.one() {
        Some(j) => is_real(j),
        None => match d {
            Datum::Column(c) => match c.as_ref() {
                Column::Dynamic(v) => v.iter().any(is_real),
                _ => false,
            },
            Datum::Scalar(..) => false,
        },
    };
    if any_real {
        Kind::Real
    } else {
        Kind::Long
    }
}

fn result_kind(op: BinaryOp, l: Kind, r: Kind) -> Option<Type> {
    use BinaryOp as B;
    use Kind as K;
    Some(match (l, r, op) {
        (K::Long, K::Long, B::Add | B::Sub | B::Mul | B::Div | B::Mod) => Type::Long,
        (K::Long | K::Real, K::Long | K::Real, B::Add | B::Sub | B::Mul | B::Div | B::Mod) => {
            Type::Real
        }
        (K::DateTime, K::DateTime, B::Sub) => Type::TimeSpan,
        (K::DateTime, K::TimeSpan, B::Add | B::Sub) | (K::TimeSpan, K::DateTime, B::Add) => {
            Type::DateTime
        }
        (K::TimeSpan, K::TimeSpan, B::Add | B::Sub | B::Mod) => Type::TimeSpan,
        (K::TimeSpan, K::TimeSpan, B::Div) | (K::DateTime, K::TimeSpan, B::Div) => Type::Real,
        (K::TimeSpan, K::Long | K::Real, B::Mul | B::Div)
        | (K::Long | K::Real, K::TimeSpan, B::Mul) => Type::TimeSpan,
        _ => return None,
    })
}

fn op_symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        _ => "%",
    }
}

/// `l op r` over `n` rows.
pub fn arith(op: BinaryOp, l: &Datum, r: &Datum, n: usize) -> Result<Column, Error> {
    let (mut lk, mut rk) = (kind_of(l), kind_of(r));
    // A dynamic operand beside a datetime or timespan is read as the same kind (Kusto's binder
    // types `dynamic - datetime` as `datetime - datetime`).
    let is_time = |k| matches!(k, Kind::DateTime | Kind::TimeSpan);
    if l.ty() == Type::Dynamic && is_time(rk) {
        lk = rk;
    } else if r.ty() == Type::Dynamic && is_time(lk) {
        rk = lk;
    }
    let Some(ty) = result_kind(op, lk, rk) else {
        return Err(Error::new(ErrorKind::Runtime(format!(
            "cannot apply `{}` to {} and {}",
            op_symbol(op),
            l.ty(),
            r.ty()
        ))));
    };
    Ok(match ty {
        Type::Long => Column::Long(map2(n, &l.longs(), &r.longs(), |a, b| {
            long_op(op, (*a)?, (*b)?)
        })),
        Type::Real if lk == Kind::TimeSpan => {
            Column::Real(map2(n, &l.timespans(), &r.timespans(), |a, b| {
                let (a, b) = ((*a)?, (*b)?);
                (b != 0).then(|| a as f64 / b as f64)
            }))
        }
        // A datetime divided by a span counts spans since 0001-01-01, the origin of Kusto's
        // (.NET) ticks, so `ceiling(T / 1h) * 1h` read back by `todatetime` is T rounded up.
        Type::Real if lk == Kind::DateTime => {
            Column::Real(map2(n, &l.ticks(), &r.timespans(), |a, b| {
                let (a, b) = ((*a)?, (*b)?);
                (b != 0).then(|| (a as f64 + EPOCH_TICKS as f64) / b as f64)
            }))
        }
        Type::Real => Column::Real(map2(n, &l.reals(), &r.reals(), |a, b| {
            real_op(op, (*a)?, (*b)?)
        })),
        Type::DateTime => {
            let (t, s, sign) = match (lk, op) {
                (Kind::DateTime, BinaryOp::Sub) => (l.ticks(), r.timespans(), -1),
                (Kind::DateTime, _) => (l.ticks(), r.timespans(), 1),
                _ => (r.ticks(), l.timespans(), 1),
            };
            Column::DateTime(map2(n, &t, &s, |t, s| (*t)?.checked_add(sign * (*s)?)))
        }
        Type::TimeSpan => match (lk, rk) {
            (Kind::DateTime, Kind::DateTime) => {
                Column::TimeSpan(map2(n, &l.ticks(), &r.ticks(), |a, b| {
                    (*a)?.checked_sub((*b)?)
                }))
            }
            (Kind::TimeSpan, Kind::TimeSpan) => {
                Column::TimeSpan(map2(n, &l.timespans(), &r.timespans(), |a, b| {
                    long_op(op, (*a)?, (*b)?)
                }))
            }
            (Kind::TimeSpan, _) => Column::TimeSpan(map2(n, &l.timespans(), &r.reals(), |t, f| {
                scale(op, (*t)?, (*f)?)
            })),
            _ => Column::TimeSpan(map2(n, &r.timespans(), &l.reals(), |t, f| {
                scale(op, (*t)?, (*f)?)
            })),
        },
        _ => unreachable!("result_kind yields only these types"),
    })
}

fn long_op(op: BinaryOp, a: i64, b: i64) -> Option<i64> {
    match op {
        BinaryOp::Add => Some(a.wrapping_add(b)),
        BinaryOp::Sub => Some(a.wrapping_sub(b)),
        BinaryOp::Mul => Some(a.wrapping_mul(b)),
        BinaryOp::Div => (b != 0).then(|| a.wrapping_div(b)),
        _ => (b != 0).then(|| a.wrapping_rem_euclid(b)),
    }
}

fn real_op(op: BinaryOp, a: f64, b: f64) -> Option<f64> {
    Some(match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        _ => a.rem_euclid(b),
    })
}

/// A timespan multiplied or divided by a number, to the nearest tick.
fn scale(op: BinaryOp, ticks: i64, factor: f64) -> Option<i64> {
    let x = if op == BinaryOp::Div {
        if factor == 0.0 {
            return None;
        }
        ticks as f64 / factor
    } else {
        ticks as f64 * factor
    };
    let x = x.round();
    (x.is_finite() && x.abs() < 9.2e18).then_some(x as i64)
}

/// `-x`: int stays int, long, real and timespan keep their type.
pub fn negate(x: &Datum, n: usize) -> Result<Column, Error> {
    Ok(match (x.ty(), kind_of(x)) {
        (Type::Int, _) => {
            let c = x.column(n);
            let Column::Int(v) = c.as_ref() else {
                unreachable!("an int datum holds ints")
            };
            Column::Int(v.iter().map(|i| i.and_then(i32::checked_neg)).collect())
        }
        (_, Kind::Long) => Column::Long(map1(n, &x.longs(), |v| v.and_then(i64::checked_neg))),
        (_, Kind::Real) => Column::Real(map1(n, &x.reals(), |v| v.map(|v| -v))),
        (_, Kind::TimeSpan) => {
            Column::TimeSpan(map1(n, &x.timespans(), |v| v.and_then(i64::checked_neg)))
        }
        _ => {
            return Err(Error::new(ErrorKind::Runtime(format!(
                "cannot negate a value of type {}",
                x.ty()
            ))))
        }
    })
}
