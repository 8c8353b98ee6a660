//! Trigonometry and angles: `sin` … `atan2`, `cot`, `degrees`, `radians`. Every one takes
//! numbers (any numeric type, widened to real) and gives a real; a null argument gives null, and
//! an argument outside the function's domain gives NaN, as in Kusto (which calls .NET's `Math`).

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map1, map2, Datum};

/// Which trigonometric function a `ScalarFunc::Trig` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrigFn {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Cot,
    Degrees,
    Radians,
}

impl TrigFn {
    /// The one-argument functions' formula.
    fn unary(self, x: f64) -> f64 {
        match self {
            TrigFn::Sin => x.sin(),
            TrigFn::Cos => x.cos(),
            TrigFn::Tan => x.tan(),
            TrigFn::Asin => x.asin(),
            TrigFn::Acos => x.acos(),
            TrigFn::Atan => x.atan(),
            TrigFn::Cot => 1.0 / x.tan(),
            TrigFn::Degrees => x.to_degrees(),
            TrigFn::Radians => x.to_radians(),
            TrigFn::Atan2 => unreachable!("atan2 takes two arguments"),
        }
    }
}

/// The kernel every row shares: the tag says which function.
fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Trig(f) = func else {
        unreachable!("a trig row holds a Trig tag")
    };
    if f == TrigFn::Atan2 {
        // atan2(y, x): the angle of the point (x, y).
        return Ok(Column::Real(map2(
            len,
            &args[0].reals(),
            &args[1].reals(),
            |y, x| Some((*y)?.atan2((*x)?)),
        )));
    }
    Ok(Column::Real(map1(len, &args[0].reals(), |x| {
        x.map(|x| f.unary(x))
    })))
}

const fn row(f: TrigFn, names: &'static [&'static str], naming: Naming) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Trig(f),
        names,
        arity: if matches!(f, TrigFn::Atan2) {
            (2, 2)
        } else {
            (1, 1)
        },
        result: Fixed(T::Real),
        run,
        naming,
    }
}

/// This family's functions, one row each (see `super::def`). Kusto names an unnamed
/// `sin(x)` column after `x`, but `degrees(x)`, `radians(x)` and `cot(x)` positionally.
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(TrigFn::Sin, &["sin"], Naming::First),
    row(TrigFn::Cos, &["cos"], Naming::First),
    row(TrigFn::Tan, &["tan"], Naming::First),
    row(TrigFn::Asin, &["asin"], Naming::First),
    row(TrigFn::Acos, &["acos"], Naming::First),
    row(TrigFn::Atan, &["atan"], Naming::First),
    row(TrigFn::Atan2, &["atan2"], Naming::First),
    row(TrigFn::Cot, &["cot"], Naming::Positional),
    row(TrigFn::Degrees, &["degrees"], Naming::Positional),
    row(TrigFn::Radians, &["radians"], Naming::Positional),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn one(f: TrigFn, args: &[Value]) -> Value {
        let args: Vec<Datum> = args
            .iter()
            .map(|v| Datum::Scalar(v.clone(), T::Real))
            .collect();
        run(
            ScalarFunc::Trig(f),
            &args,
            T::Real,
            1,
            &EvalContext { now: 0 },
        )
        .unwrap()
        .get(0)
    }

    #[test]
    fn angles_and_ratios() {
        let close = |v: Value, want: f64| match v {
            Value::Real(x) => assert!((x - want).abs() < 1e-12, "{x} vs {want}"),
            other => panic!("{other:?}"),
        };
        close(one(TrigFn::Sin, &[Value::Real(0.5)]), 0.479425538604203);
        close(one(TrigFn::Cot, &[Value::Real(1.0)]), 0.642092615934331);
        close(
            one(TrigFn::Degrees, &[Value::Real(std::f64::consts::PI / 4.0)]),
            45.0,
        );
        close(
            one(TrigFn::Radians, &[Value::Real(90.0)]),
            std::f64::consts::FRAC_PI_2,
        );
        close(
            one(TrigFn::Atan2, &[Value::Real(1.0), Value::Real(1.0)]),
            std::f64::consts::FRAC_PI_4,
        );
        assert!(matches!(one(TrigFn::Asin, &[Value::Real(2.0)]), Value::Real(x) if x.is_nan()));
        assert_eq!(one(TrigFn::Cos, &[Value::Null]), Value::Null);
        assert_eq!(
            one(TrigFn::Atan2, &[Value::Real(1.0), Value::Null]),
            Value::Null
        );
    }
}
