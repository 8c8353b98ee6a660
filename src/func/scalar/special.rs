//! Special functions and randomness: `gamma`, `loggamma`, `erf`, `erfc` (from `libm`, the C
//! library's algorithms), `rand` and `new_guid` (a random version-4 guid). Numbers in, reals out; null in, null out.

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map1, Datum};

/// Which function a `ScalarFunc::Special` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecialFn {
    Gamma,
    LogGamma,
    Erf,
    Erfc,
    Rand,
    NewGuid,
}

/// A random guid with the version-4 and RFC 4122 variant bits set.
fn new_guid() -> u128 {
    let g = fastrand::u128(..);
    (g & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62)
}

/// `rand()`: uniform in [0, 1); `rand(n)`: one of 0, 1, …, n - 1 (a real, as Kusto types it).
/// A null or non-positive `n` gives null.
fn rand(args: &[Datum], len: usize) -> Column {
    match args.first() {
        None => Column::Real((0..len).map(|_| Some(fastrand::f64())).collect()),
        Some(n) => Column::Real(map1(len, &n.longs(), |n| match n {
            Some(n) if *n > 0 => Some(fastrand::i64(0..*n) as f64),
            _ => None,
        })),
    }
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Special(f) = func else {
        unreachable!("a special-function row holds a Special tag")
    };
    let formula: fn(f64) -> f64 = match f {
        SpecialFn::Gamma => libm::tgamma,
        // The log of |Γ(x)|, as .NET-style lgamma gives.
        SpecialFn::LogGamma => libm::lgamma,
        SpecialFn::Erf => libm::erf,
        SpecialFn::Erfc => libm::erfc,
        SpecialFn::Rand => return Ok(rand(args, len)),
        SpecialFn::NewGuid => {
            return Ok(Column::Guid((0..len).map(|_| Some(new_guid())).collect()))
        }
    };
    Ok(Column::Real(map1(len, &args[0].reals(), |x| {
        x.map(formula)
    })))
}

const fn row(f: SpecialFn, names: &'static [&'static str]) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Special(f),
        names,
        arity: match f {
            SpecialFn::Rand => (0, 1),
            SpecialFn::NewGuid => (0, 0),
            _ => (1, 1),
        },
        result: Fixed(if matches!(f, SpecialFn::NewGuid) {
            T::Guid
        } else {
            T::Real
        }),
        run,
        naming: Naming::First,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(SpecialFn::Gamma, &["gamma"]),
    row(SpecialFn::LogGamma, &["loggamma"]),
    row(SpecialFn::Erf, &["erf"]),
    row(SpecialFn::Erfc, &["erfc"]),
    row(SpecialFn::Rand, &["rand"]),
    row(SpecialFn::NewGuid, &["new_guid"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn call(f: SpecialFn, args: &[Value], len: usize) -> Column {
        let args: Vec<Datum> = args
            .iter()
            .map(|v| Datum::Scalar(v.clone(), T::Real))
            .collect();
        run(
            ScalarFunc::Special(f),
            &args,
            T::Real,
            len,
            &EvalContext { now: 0 },
        )
        .unwrap()
    }

    fn real(c: &Column, i: usize) -> f64 {
        match c.get(i) {
            Value::Real(x) => x,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn gamma_and_erf_values() {
        assert!((real(&call(SpecialFn::Gamma, &[Value::Real(5.0)], 1), 0) - 24.0).abs() < 1e-9);
        assert!(
            (real(&call(SpecialFn::Gamma, &[Value::Real(0.5)], 1), 0)
                - std::f64::consts::PI.sqrt())
            .abs()
                < 1e-12
        );
        assert!(
            (real(&call(SpecialFn::LogGamma, &[Value::Real(10.0)], 1), 0) - 362880f64.ln()).abs()
                < 1e-9
        );
        assert!(
            (real(&call(SpecialFn::Erf, &[Value::Real(1.0)], 1), 0) - 0.842700792949715).abs()
                < 1e-12
        );
        assert!(
            (real(&call(SpecialFn::Erfc, &[Value::Real(1.0)], 1), 0) - 0.157299207050285).abs()
                < 1e-12
        );
        assert_eq!(call(SpecialFn::Erf, &[Value::Null], 1).get(0), Value::Null);
    }

    #[test]
    fn new_guids_are_version_4_and_differ() {
        let (a, b) = (new_guid(), new_guid());
        assert_ne!(a, b);
        let text = crate::format::guid_text(a);
        assert_eq!(&text[14..15], "4");
        assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"), "{text}");
    }

    #[test]
    fn rand_stays_in_range_and_varies() {
        let c = call(SpecialFn::Rand, &[], 200);
        let xs: Vec<f64> = (0..200).map(|i| real(&c, i)).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(xs.iter().any(|x| *x != xs[0]), "rand() repeats one value");
        let c = call(SpecialFn::Rand, &[Value::Long(3)], 200);
        let xs: Vec<f64> = (0..200).map(|i| real(&c, i)).collect();
        assert!(xs.iter().all(|x| [0.0, 1.0, 2.0].contains(x)));
        assert_eq!(
            call(SpecialFn::Rand, &[Value::Long(0)], 1).get(0),
            Value::Null
        );
    }
}
