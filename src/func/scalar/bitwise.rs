//! Bitwise functions on 64-bit integers: `binary_and`, `binary_or`, `binary_xor`, `binary_not`,
//! `binary_shift_left`, `binary_shift_right`, `bitset_count_ones`. Arguments must be whole
//! numbers (int or long; Kusto rejects a real), results are long, null in gives null out.

use super::def::{Naming, ResultType::Rule, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::Arg;
use crate::func::{EvalContext, LookupError};
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map1, map2, Datum};

/// Which function a `ScalarFunc::Bitwise` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BitFn {
    And,
    Or,
    Xor,
    Not,
    ShiftLeft,
    ShiftRight,
    CountOnes,
}

/// Long, after checking that every argument is a whole number (or a bare `null`).
fn whole_arguments(args: &[Arg]) -> Result<T, LookupError> {
    for (index, arg) in args.iter().enumerate() {
        let untyped_null = arg.is_untyped_null();
        if !matches!(arg.ty, T::Int | T::Long) && !untyped_null {
            return Err(LookupError::Argument {
                index,
                message: format!("expected an integer, found {}", arg.ty),
            });
        }
    }
    Ok(T::Long)
}

/// The two-argument operators. Shifts take the count modulo 64, as .NET's `<<` on a long does;
/// the right shift keeps the sign.
fn binary(f: BitFn, a: i64, b: i64) -> i64 {
    match f {
        BitFn::And => a & b,
        BitFn::Or => a | b,
        BitFn::Xor => a ^ b,
        BitFn::ShiftLeft => a.wrapping_shl(b as u32),
        BitFn::ShiftRight => a.wrapping_shr(b as u32),
        BitFn::Not | BitFn::CountOnes => unreachable!("one-argument function"),
    }
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Bitwise(f) = func else {
        unreachable!("a bitwise row holds a Bitwise tag")
    };
    let out = match f {
        BitFn::Not => map1(len, &args[0].longs(), |x| x.map(|x| !x)),
        BitFn::CountOnes => map1(len, &args[0].longs(), |x| {
            x.map(|x| i64::from(x.count_ones()))
        }),
        _ => map2(len, &args[0].longs(), &args[1].longs(), |a, b| {
            Some(binary(f, (*a)?, (*b)?))
        }),
    };
    Ok(Column::Long(out))
}

const fn row(f: BitFn, names: &'static [&'static str]) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Bitwise(f),
        names,
        arity: if matches!(f, BitFn::Not | BitFn::CountOnes) {
            (1, 1)
        } else {
            (2, 2)
        },
        result: Rule(whole_arguments),
        run,
        naming: Naming::First,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(BitFn::And, &["binary_and"]),
    row(BitFn::Or, &["binary_or"]),
    row(BitFn::Xor, &["binary_xor"]),
    row(BitFn::Not, &["binary_not"]),
    row(BitFn::ShiftLeft, &["binary_shift_left"]),
    row(BitFn::ShiftRight, &["binary_shift_right"]),
    row(BitFn::CountOnes, &["bitset_count_ones"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn call(f: BitFn, args: &[Option<i64>]) -> Value {
        let args: Vec<Datum> = args
            .iter()
            .map(|v| Datum::Scalar(v.map_or(Value::Null, Value::Long), T::Long))
            .collect();
        run(
            ScalarFunc::Bitwise(f),
            &args,
            T::Long,
            1,
            &EvalContext { now: 0 },
        )
        .unwrap()
        .get(0)
    }

    #[test]
    fn operators_on_longs() {
        assert_eq!(call(BitFn::And, &[Some(12), Some(10)]), Value::Long(8));
        assert_eq!(call(BitFn::Or, &[Some(12), Some(10)]), Value::Long(14));
        assert_eq!(call(BitFn::Xor, &[Some(12), Some(10)]), Value::Long(6));
        assert_eq!(call(BitFn::Not, &[Some(100)]), Value::Long(-101));
        assert_eq!(call(BitFn::ShiftLeft, &[Some(1), Some(2)]), Value::Long(4));
        assert_eq!(
            call(BitFn::ShiftRight, &[Some(-8), Some(1)]),
            Value::Long(-4)
        );
        assert_eq!(call(BitFn::CountOnes, &[Some(42)]), Value::Long(3));
        assert_eq!(call(BitFn::CountOnes, &[Some(-1)]), Value::Long(64));
        assert_eq!(call(BitFn::And, &[None, Some(1)]), Value::Null);
    }
}
