//! Numeric functions: `bin`/`floor`/`bin_at` (numbers, datetimes, timespans), `ceiling`,
//! `round` (half away from zero, with precision), `abs`, `pow`, logarithms, `min_of`/`max_of`,
//! `tohex`.

use std::cmp::Ordering;

use super::datetime::EPOCH_TICKS;
use super::def::{
    Naming,
    ResultType::{Fixed, Rule},
    ScalarDef, MANY,
};
use super::ScalarFunc as F;
use crate::table::Type as T;
use crate::table::{Column, Type};
use crate::value::datum::{map1, map2, map3, Arr, Datum};

/// `floor(a / b) * b` on integers, rounding toward negative infinity.
fn floor_to(v: i64, step: i64) -> Option<i64> {
    if step <= 0 {
        return None;
    }
    v.div_euclid(step).checked_mul(step)
}

/// `bin(value, step)` (also `floor`), and `bin_at(value, step, at)` when `at` is given: the
/// value rounded down to a multiple of `step` counted from `at`. Datetimes count from
/// 0001-01-01, as Kusto's do, so `bin(t, 7d)` lands on Mondays.
pub fn bin(args: &[Datum], at: Option<&Datum>, ty: Type, len: usize) -> Column {
    let value = &args[0];
    let Some(step) = args.get(1) else {
        // One argument: plain floor.
        return match ty {
            Type::Real => Column::Real(map1(len, &value.reals(), |x| x.map(f64::floor))),
            _ => crate::func::scalar::convert::cast_column(value.column(len).into_owned(), ty),
        };
    };
    match ty {
        Type::Real => {
            let at = at.map_or(Arr::One(Some(0.0)), Datum::reals);
            Column::Real(map3(len, &value.reals(), &step.reals(), &at, |v, s, a| {
                let (v, s, a) = ((*v)?, (*s)?, (*a)?);
                (s > 0.0).then(|| ((v - a) / s).floor() * s + a)
            }))
        }
        Type::DateTime | Type::TimeSpan | Type::Long | Type::Int => {
            let origin = if ty == Type::DateTime {
                -EPOCH_TICKS
            } else {
                0
            };
            let at = at.map_or(Arr::One(Some(origin)), Datum::longs);
            let step = if ty == Type::Long || ty == Type::Int {
                step.longs()
            } else {
                step.timespans()
            };
            let out = map3(len, &value.longs(), &step, &at, |v, s, a| {
                let (v, s, a) = ((*v)?, (*s)?, (*a)?);
                floor_to(v.checked_sub(a)?, s)?.checked_add(a)
            });
            match ty {
                Type::DateTime => Column::DateTime(out),
                Type::TimeSpan => Column::TimeSpan(out),
                _ => Column::Long(out),
            }
        }
        _ => Column::nulls(ty, len),
    }
}

/// `ceiling(x)`: integers as they are, reals rounded up.
pub fn ceiling(x: &Datum, ty: Type, len: usize) -> Column {
    match ty {
        Type::Real => Column::Real(map1(len, &x.reals(), |x| x.map(f64::ceil))),
        _ => crate::func::scalar::convert::cast_column(x.column(len).into_owned(), ty),
    }
}

pub fn abs(x: &Datum, ty: Type, len: usize) -> Column {
    match ty {
        Type::Real => Column::Real(map1(len, &x.reals(), |x| x.map(f64::abs))),
        Type::TimeSpan => {
            Column::TimeSpan(map1(len, &x.timespans(), |x| x.and_then(i64::checked_abs)))
        }
        _ => Column::Long(map1(len, &x.longs(), |x| x.and_then(i64::checked_abs))),
    }
}

/// A real rounded half away from zero to `digits` decimals (negative: tens, hundreds, …).
pub fn round_real(x: f64, digits: i64) -> f64 {
    if digits > 15 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits.max(-308) as i32);
    let r = (x * scale).round() / scale;
    if r.is_finite() {
        r
    } else {
        x
    }
}

/// `round(x [, digits])`.
pub fn round(args: &[Datum], ty: Type, len: usize) -> Column {
    let digits = args.get(1).map_or(Arr::One(Some(0)), Datum::longs);
    match ty {
        Type::Int | Type::Long => {
            let out = map2(len, &args[0].longs(), &digits, |x, d| {
                let (x, d) = ((*x)?, (*d)?);
                if d >= 0 {
                    return Some(x);
                }
                let step = 10i64.checked_pow(u32::try_from(-d).ok()?)?;
                let half = step / 2;
                let q = (x.abs() + half) / step * step;
                Some(if x < 0 { -q } else { q })
            });
            Column::Long(out)
        }
        _ => Column::Real(map2(len, &args[0].reals(), &digits, |x, d| {
            Some(round_real((*x)?, (*d)?))
        })),
    }
}

pub fn unary_real(x: &Datum, len: usize, f: impl Fn(f64) -> f64) -> Column {
    Column::Real(map1(len, &x.reals(), |x| x.map(&f)))
}

pub fn real_test(x: &Datum, len: usize, f: impl Fn(f64) -> bool) -> Column {
    Column::Bool(map1(len, &x.reals(), |x| x.map(&f)))
}

pub fn pow(args: &[Datum], len: usize) -> Column {
    Column::Real(map2(len, &args[0].reals(), &args[1].reals(), |b, e| {
        Some((*b)?.powf((*e)?))
    }))
}

/// -1, 0 or 1 by the sign of `x` (0 for zero, unlike `f64::signum`).
pub fn sign_of(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

pub fn sign(x: &Datum, ty: Type, len: usize) -> Column {
    match ty {
        Type::Real => Column::Real(map1(len, &x.reals(), |x| x.map(sign_of))),
        _ => Column::Long(map1(len, &x.longs(), |x| x.map(i64::signum))),
    }
}

/// `min_of(a, b, …)` / `max_of(…)`: the extreme non-null argument per row (`want` is `Less` for
/// the minimum).
pub fn min_max_of(args: &[Datum], ty: Type, len: usize, want: Ordering) -> Column {
    fn pick<T: PartialOrd + Clone>(
        views: &[Arr<'_, Option<T>>],
        len: usize,
        want: Ordering,
    ) -> Vec<Option<T>> {
        (0..len)
            .map(|i| {
                let mut best: Option<T> = None;
                for v in views {
                    if let Some(x) = v.get(i) {
                        if best.as_ref().is_none_or(|b| x.partial_cmp(b) == Some(want)) {
                            best = Some(x.clone());
                        }
                    }
                }
                best
            })
            .collect()
    }
    match ty {
        Type::Real => Column::Real(pick(
            &args.iter().map(Datum::reals).collect::<Vec<_>>(),
            len,
            want,
        )),
        Type::Long | Type::Int => {
            let out = pick(
                &args.iter().map(Datum::longs).collect::<Vec<_>>(),
                len,
                want,
            );
            Column::Long(out)
        }
        Type::DateTime => Column::DateTime(pick(
            &args.iter().map(Datum::ticks).collect::<Vec<_>>(),
            len,
            want,
        )),
        Type::TimeSpan => Column::TimeSpan(pick(
            &args.iter().map(Datum::timespans).collect::<Vec<_>>(),
            len,
            want,
        )),
        Type::String => {
            let views: Vec<_> = args.iter().map(Datum::strs).collect();
            Column::String(
                (0..len)
                    .map(|i| {
                        let mut it = views.iter().map(|v| v.get(i).clone());
                        let first = it.next().unwrap_or_else(crate::table::empty_str);
                        it.fold(first, |b, x| if x.cmp(&b) == want { x } else { b })
                    })
                    .collect(),
            )
        }
        _ => Column::nulls(ty, len),
    }
}

/// `tohex(n [, min_length])`: lower-case hex of the 64-bit two's complement.
pub fn tohex(args: &[Datum], len: usize) -> Column {
    let width = args.get(1).map_or(Arr::One(Some(0)), Datum::longs);
    Column::String(map2(len, &args[0].longs(), &width, |n, w| match n {
        None => crate::table::empty_str(),
        Some(n) => {
            let w = w.unwrap_or(0).clamp(0, 64) as usize;
            format!("{:0w$x}", *n as u64).into()
        }
    }))
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::Bin,
        names: &["bin", "floor"],
        arity: (1, 2),
        result: Rule(|args| {
            Ok(super::registry::binned_type(
                args[0].ty,
                args.get(1).map(|a| a.ty),
            ))
        }),
        run: |_, args, ty, len, _ctx| Ok(bin(args, None, ty, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::BinAt,
        names: &["bin_at"],
        arity: (3, 3),
        result: Rule(|args| {
            Ok(super::registry::binned_type(
                args[0].ty,
                args.get(1).map(|a| a.ty),
            ))
        }),
        run: |_, args, ty, len, _ctx| Ok(bin(&args[..2], Some(&args[2]), ty, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Ceiling,
        names: &["ceiling"],
        arity: (1, 1),
        result: Rule(|args| {
            Ok(match args[0].ty {
                T::Int => T::Int,
                T::Long => T::Long,
                _ => T::Real,
            })
        }),
        run: |_, args, ty, len, _ctx| Ok(ceiling(&args[0], ty, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Abs,
        names: &["abs"],
        arity: (1, 1),
        result: Rule(|args| {
            Ok(match args[0].ty {
                T::Int | T::Long => T::Long,
                T::TimeSpan => T::TimeSpan,
                _ => T::Real,
            })
        }),
        run: |_, args, ty, len, _ctx| Ok(abs(&args[0], ty, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Round,
        names: &["round"],
        arity: (1, 2),
        result: Rule(|args| {
            Ok(match args[0].ty {
                T::Int => T::Int,
                T::Long => T::Long,
                _ => T::Real,
            })
        }),
        run: |_, args, ty, len, _ctx| Ok(round(args, ty, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Sqrt,
        names: &["sqrt"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(unary_real(&args[0], len, f64::sqrt)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Pow,
        names: &["pow"],
        arity: (2, 2),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(pow(args, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Log,
        names: &["log"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(unary_real(&args[0], len, f64::ln)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Log10,
        names: &["log10"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(unary_real(&args[0], len, f64::log10)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Log2,
        names: &["log2"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(unary_real(&args[0], len, f64::log2)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Exp,
        names: &["exp"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(unary_real(&args[0], len, f64::exp)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Exp2,
        names: &["exp2"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(unary_real(&args[0], len, f64::exp2)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Exp10,
        names: &["exp10"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(unary_real(&args[0], len, |x| 10f64.powf(x))),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::Sign,
        names: &["sign"],
        arity: (1, 1),
        result: Rule(|args| {
            Ok(match args[0].ty {
                T::Real | T::Dynamic => T::Real,
                _ => T::Long,
            })
        }),
        run: |_, args, ty, len, _ctx| Ok(sign(&args[0], ty, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Pi,
        names: &["pi"],
        arity: (0, 0),
        result: Fixed(T::Real),
        run: |_, _args, _ty, len, _ctx| {
            Ok(crate::table::Column::Real(vec![
                Some(std::f64::consts::PI);
                len
            ]))
        },
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IsNan,
        names: &["isnan"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(real_test(&args[0], len, f64::is_nan)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IsInf,
        names: &["isinf"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(real_test(&args[0], len, f64::is_infinite)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IsFinite,
        names: &["isfinite"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(real_test(&args[0], len, f64::is_finite)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::MinOf,
        names: &["min_of"],
        arity: (1, MANY),
        result: Rule(|args| {
            Ok(super::registry::common_type(
                &args.iter().collect::<Vec<_>>(),
            ))
        }),
        run: |_, args, ty, len, _ctx| Ok(min_max_of(args, ty, len, std::cmp::Ordering::Less)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::MaxOf,
        names: &["max_of"],
        arity: (1, MANY),
        result: Rule(|args| {
            Ok(super::registry::common_type(
                &args.iter().collect::<Vec<_>>(),
            ))
        }),
        run: |_, args, ty, len, _ctx| Ok(min_max_of(args, ty, len, std::cmp::Ordering::Greater)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ToHex,
        names: &["tohex"],
        arity: (1, 2),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(tohex(args, len)),
        naming: Naming::First,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{datetime_text, timespan_text};
    use crate::func::scalar::convert::parse_datetime;
    use crate::table::{Value, TICKS_PER_DAY};

    fn s(v: Value) -> Datum<'static> {
        let ty = match &v {
            Value::Long(_) => Type::Long,
            Value::Real(_) => Type::Real,
            Value::DateTime(_) => Type::DateTime,
            Value::TimeSpan(_) => Type::TimeSpan,
            _ => Type::Dynamic,
        };
        Datum::Scalar(v, ty)
    }

    #[test]
    fn bin_numbers_and_times() {
        assert_eq!(
            bin(
                &[s(Value::Real(4.5)), s(Value::Long(1))],
                None,
                Type::Real,
                1
            )
            .get(0),
            Value::Real(4.0)
        );
        assert_eq!(
            bin(
                &[s(Value::Real(-4.5)), s(Value::Long(1))],
                None,
                Type::Real,
                1
            )
            .get(0),
            Value::Real(-5.0)
        );
        assert_eq!(
            bin(
                &[s(Value::Long(-7)), s(Value::Long(5))],
                None,
                Type::Long,
                1
            )
            .get(0),
            Value::Long(-10)
        );
        assert_eq!(
            bin(&[s(Value::Long(7)), s(Value::Long(0))], None, Type::Long, 1).get(0),
            Value::Null
        );
        let ts = bin(
            &[
                s(Value::TimeSpan(16 * TICKS_PER_DAY)),
                s(Value::TimeSpan(7 * TICKS_PER_DAY)),
            ],
            None,
            Type::TimeSpan,
            1,
        );
        assert_eq!(ts.get(0), Value::TimeSpan(14 * TICKS_PER_DAY));
        let t = parse_datetime("1970-05-11 13:45:07").unwrap();
        let d = bin(
            &[s(Value::DateTime(t)), s(Value::TimeSpan(TICKS_PER_DAY))],
            None,
            Type::DateTime,
            1,
        );
        let Value::DateTime(d) = d.get(0) else {
            panic!()
        };
        assert_eq!(datetime_text(d), "1970-05-11T00:00:00Z");
        // Weeks count from 0001-01-01, a Monday.
        let w = bin(
            &[s(Value::DateTime(t)), s(Value::TimeSpan(7 * TICKS_PER_DAY))],
            None,
            Type::DateTime,
            1,
        );
        let Value::DateTime(w) = w.get(0) else {
            panic!()
        };
        assert_eq!(datetime_text(w), "1970-05-11T00:00:00Z");
        assert_eq!(timespan_text(7 * TICKS_PER_DAY), "7.00:00:00");
    }

    #[test]
    fn bin_at_shifts_the_origin() {
        let at = s(Value::Long(2));
        assert_eq!(
            bin(
                &[s(Value::Long(6)), s(Value::Long(5))],
                Some(&at),
                Type::Long,
                1
            )
            .get(0),
            Value::Long(2)
        );
        assert_eq!(
            bin(
                &[s(Value::Long(7)), s(Value::Long(5))],
                Some(&at),
                Type::Long,
                1
            )
            .get(0),
            Value::Long(7)
        );
    }

    #[test]
    fn round_half_away_from_zero() {
        assert_eq!(round_real(2.98765, 3), 2.988);
        assert_eq!(round_real(2.15, 1), 2.2);
        assert_eq!(round_real(2.5, 0), 3.0);
        assert_eq!(round_real(-2.5, 0), -3.0);
        assert_eq!(round_real(-50.55, -2), -100.0);
        assert_eq!(round_real(21.5, -1), 20.0);
        let r = round(&[s(Value::Long(155)), s(Value::Long(-1))], Type::Long, 1);
        assert_eq!(r.get(0), Value::Long(160));
    }

    #[test]
    fn min_max_of_skip_nulls() {
        let args = [
            s(Value::Long(5)),
            Datum::Scalar(Value::Null, Type::Long),
            s(Value::Long(2)),
        ];
        assert_eq!(
            min_max_of(&args, Type::Long, 1, Ordering::Less).get(0),
            Value::Long(2)
        );
        assert_eq!(
            min_max_of(&args, Type::Long, 1, Ordering::Greater).get(0),
            Value::Long(5)
        );
    }

    #[test]
    fn hex_and_abs() {
        assert_eq!(
            tohex(&[s(Value::Long(256))], 1).get(0),
            Value::String("100".into())
        );
        assert_eq!(
            tohex(&[s(Value::Long(-546))], 1).get(0),
            Value::String("fffffffffffffdde".into())
        );
        assert_eq!(
            abs(&s(Value::Long(-5)), Type::Long, 1).get(0),
            Value::Long(5)
        );
    }
}
