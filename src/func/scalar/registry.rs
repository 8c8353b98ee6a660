//! The scalar function registry: the list of families, each a table of function definitions
//! (`super::def`), and `lookup` — name and bound arguments → function and result type, what
//! `bind` asks. Also the result-type helpers several families' rules share.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::def::{Naming, ResultType, ScalarDef, MANY};
use super::{
    array, bag, bitwise, codec, convert, datetime, datetime_format, digest, distribution, dynamic,
    dynamic_shape, geo_cell, geo_densify, geo_measure, geo_overlay, geo_simplify, geo_wkt, hash,
    ip, ip_range, logic, math, parse_text, pattern, punycode, series, sketch, special,
};
use super::{
    replace_strings, row_pack, string, text_edit, timezone, trig, units, user_agent, window, xml,
    ScalarFunc,
};
use crate::func::{Arg, LookupError};
use crate::table::{Type, Value};

/// The families, each a table of its functions (one [`ScalarDef`] row per function).
const FAMILIES: &[&[ScalarDef]] = &[
    datetime::FUNCTIONS,
    datetime_format::FUNCTIONS,
    timezone::FUNCTIONS,
    math::FUNCTIONS,
    trig::FUNCTIONS,
    special::FUNCTIONS,
    units::FUNCTIONS,
    distribution::FUNCTIONS,
    bitwise::FUNCTIONS,
    hash::FUNCTIONS,
    digest::FUNCTIONS,
    sketch::FUNCTIONS,
    xml::FUNCTIONS,
    user_agent::FUNCTIONS,
    convert::FUNCTIONS,
    logic::FUNCTIONS,
    row_pack::FUNCTIONS,
    string::FUNCTIONS,
    pattern::FUNCTIONS,
    text_edit::FUNCTIONS,
    replace_strings::FUNCTIONS,
    codec::FUNCTIONS,
    punycode::FUNCTIONS,
    parse_text::FUNCTIONS,
    dynamic::FUNCTIONS,
    dynamic_shape::FUNCTIONS,
    array::FUNCTIONS,
    bag::FUNCTIONS,
    ip::FUNCTIONS,
    ip_range::FUNCTIONS,
    geo_measure::FUNCTIONS,
    geo_cell::FUNCTIONS,
    geo_overlay::FUNCTIONS,
    geo_wkt::FUNCTIONS,
    geo_densify::FUNCTIONS,
    geo_simplify::FUNCTIONS,
    series::FUNCTIONS,
    window::FUNCTIONS,
];

fn definitions() -> impl Iterator<Item = &'static ScalarDef> {
    FAMILIES
        .iter()
        .flat_map(|family| family.iter())
        .chain(series::SERIES_FUNCTIONS.iter())
}

static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    definitions()
        .flat_map(|def| def.names.iter().copied())
        .collect()
});

static BY_NAME: LazyLock<HashMap<&'static str, &'static ScalarDef>> = LazyLock::new(|| {
    definitions()
        .flat_map(|def| def.names.iter().map(move |name| (*name, def)))
        .collect()
});

static BY_FUNC: LazyLock<HashMap<ScalarFunc, &'static ScalarDef>> =
    LazyLock::new(|| definitions().map(|def| (def.func, def)).collect());

/// Every scalar function name, aliases included, for suggestions.
pub fn names() -> &'static [&'static str] {
    &NAMES
}

/// The definition a name resolves to.
pub fn resolve(name: &str) -> Option<&'static ScalarDef> {
    BY_NAME.get(name).copied()
}

/// The definition of a resolved function (every `ScalarFunc` has one row; the outputs of a
/// multi-output `series_*` function share their function's row).
pub fn definition(func: ScalarFunc) -> &'static ScalarDef {
    let row = match func {
        ScalarFunc::Series(f) => ScalarFunc::Series(f.function()),
        other => other,
    };
    BY_FUNC
        .get(&row)
        .unwrap_or_else(|| panic!("{func:?} has no definition row"))
}

/// How the result column of an unnamed call to `name` is named, when `name` is a scalar
/// function.
pub fn naming(name: &str) -> Option<Naming> {
    resolve(name).map(|def| def.naming)
}

/// Resolve `name` applied to `args` (bound, so their types and any literal values are known;
/// `typeof(int)` arrives as a string literal naming the type).
pub fn lookup(name: &str, args: &[Arg]) -> Result<(ScalarFunc, Type), LookupError> {
    let def = resolve(name).ok_or(LookupError::Unknown)?;
    let (min, max) = def.arity;
    if args.len() < min || args.len() > max {
        let takes = match (min, max) {
            (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
            (a, MANY) => format!("at least {a} arguments"),
            (a, b) => format!("{a} to {b} arguments"),
        };
        return Err(LookupError::Arity(format!(
            "`{name}` takes {takes}, found {}",
            args.len()
        )));
    }
    if def.func == ScalarFunc::Case && args.len().is_multiple_of(2) {
        return Err(LookupError::Arity(
            "`case` takes pairs of predicate and value, then an else value".into(),
        ));
    }
    let ty = match def.result {
        ResultType::Fixed(ty) => ty,
        ResultType::Rule(rule) => rule(args)?,
    };
    Ok((def.func, ty))
}

pub(super) fn literal_text<'a>(arg: &Arg<'a>) -> Option<&'a str> {
    match arg.literal {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The type several branches share: the widest number when all are numeric, the typed branches'
/// type when the others are dynamic, else the first branch's type (untyped nulls do not count).
pub fn common_type(args: &[&Arg]) -> Type {
    let typed: Vec<Type> = args
        .iter()
        .filter(|a| !a.is_untyped_null())
        .map(|a| a.ty)
        .collect();
    let Some(&first) = typed.first() else {
        return args.first().map_or(Type::Dynamic, |a| a.ty);
    };
    if typed.iter().all(|t| *t == first) {
        return first;
    }
    if typed.iter().all(|t| t.is_numeric()) {
        return if typed.contains(&Type::Real) {
            Type::Real
        } else {
            Type::Long
        };
    }
    // Beside typed values a dynamic one takes their type, as Kusto's binder types
    // `iff(c, parts[2], '')` as string.
    let fixed: Vec<Type> = typed
        .iter()
        .copied()
        .filter(|t| *t != Type::Dynamic)
        .collect();
    if fixed.len() < typed.len() {
        if fixed.iter().all(|t| *t == fixed[0]) {
            return fixed[0];
        }
        if fixed.iter().all(|t| t.is_numeric()) {
            return if fixed.contains(&Type::Real) {
                Type::Real
            } else {
                Type::Long
            };
        }
    }
    first
}

/// The numeric result of `bin`/`floor`/`round`-like functions: int and long give long, real
/// gives real, datetime and timespan keep their type.
pub(super) fn binned_type(value: Type, step: Option<Type>) -> Type {
    match (value, step) {
        (Type::Int | Type::Long, Some(Type::Real)) => Type::Real,
        (Type::Int | Type::Long, _) => Type::Long,
        (Type::Dynamic, _) => Type::Real,
        (t, _) => t,
    }
}

/// The result type of a window function, after checking what Kusto requires of its arguments:
/// `prev`/`next` read a column (the offset a whole number), `row_cumsum` sums a number, and a
/// restart is a bool.
pub(super) fn window_type(func: ScalarFunc, args: &[Arg]) -> Result<Type, LookupError> {
    use ScalarFunc as F;
    let expect = |index: usize, ok: fn(Type) -> bool, what: &str| match args.get(index) {
        Some(arg) if !ok(arg.ty) && !arg.is_untyped_null() => Err(LookupError::Argument {
            index,
            message: format!("expected {what}, found {}", arg.ty),
        }),
        _ => Ok(()),
    };
    let whole = |t: Type| matches!(t, Type::Int | Type::Long);
    let boolean = |t: Type| t == Type::Bool;
    match func {
        F::RowNumber => {
            expect(0, whole, "a whole number to start from")?;
            expect(1, boolean, "a bool saying where to restart")?;
            Ok(Type::Long)
        }
        F::Prev | F::Next => {
            if !args[0].is_column {
                return Err(LookupError::Argument {
                    index: 0,
                    message: "expected a column name".into(),
                });
            }
            expect(1, whole, "a whole-number offset")?;
            Ok(args[0].ty)
        }
        F::RowWindowSession => {
            expect(0, |t| t == Type::DateTime, "a datetime")?;
            expect(1, |t| t == Type::TimeSpan, "a timespan")?;
            expect(2, |t| t == Type::TimeSpan, "a timespan")?;
            expect(3, boolean, "a bool saying where to restart")?;
            Ok(Type::DateTime)
        }
        F::RowRankDense | F::RowRankMin => {
            expect(1, boolean, "a bool saying where to restart")?;
            Ok(Type::Long)
        }
        _ => {
            expect(
                0,
                |t| matches!(t, Type::Int | Type::Long | Type::Real),
                "a number",
            )?;
            expect(1, boolean, "a bool saying where to restart")?;
            Ok(args[0].ty)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Leaked so that a test can write a literal argument inline.
    fn lit(v: Value, ty: Type) -> Arg<'static> {
        Arg::literal(Box::leak(Box::new(v)), ty)
    }

    fn col(ty: Type) -> Arg<'static> {
        Arg::column(ty)
    }

    #[test]
    fn result_types_follow_kusto() {
        let ty = |name: &str, args: &[Arg]| lookup(name, args).map(|(_, t)| t);
        assert_eq!(
            ty("bin", &[col(Type::Int), lit(Value::Long(2), Type::Long)]),
            Ok(Type::Long)
        );
        assert_eq!(
            ty("bin", &[col(Type::Long), lit(Value::Real(2.5), Type::Real)]),
            Ok(Type::Real)
        );
        assert_eq!(
            ty("floor", &[col(Type::DateTime), col(Type::TimeSpan)]),
            Ok(Type::DateTime)
        );
        assert_eq!(ty("round", &[col(Type::Int)]), Ok(Type::Int));
        assert_eq!(ty("abs", &[col(Type::Int)]), Ok(Type::Long));
        assert_eq!(
            ty("iff", &[col(Type::Bool), col(Type::Int), col(Type::Long)]),
            Ok(Type::Long)
        );
        assert_eq!(
            ty("case", &[col(Type::Bool), col(Type::Int), col(Type::Real)]),
            Ok(Type::Real)
        );
        // A dynamic branch takes the typed branch's type (Kusto: `iff(c, parts[2], '')` is string).
        assert_eq!(
            ty(
                "iff",
                &[col(Type::Bool), col(Type::Dynamic), col(Type::String)]
            ),
            Ok(Type::String)
        );
        assert_eq!(
            ty(
                "iff",
                &[col(Type::Bool), col(Type::Long), col(Type::Dynamic)]
            ),
            Ok(Type::Long)
        );
        assert_eq!(
            ty(
                "iff",
                &[col(Type::Bool), col(Type::Dynamic), col(Type::Dynamic)]
            ),
            Ok(Type::Dynamic)
        );
        assert_eq!(
            ty("datetime_part", &[col(Type::String), col(Type::DateTime)]),
            Ok(Type::Int)
        );
        assert_eq!(ty("dayofweek", &[col(Type::DateTime)]), Ok(Type::TimeSpan));
        let typeof_int = lit(Value::String("int".into()), Type::String);
        assert_eq!(
            ty(
                "extract",
                &[
                    col(Type::String),
                    col(Type::Long),
                    col(Type::String),
                    typeof_int
                ]
            ),
            Ok(Type::Int)
        );
        assert_eq!(ty("parsejson", &[col(Type::String)]), Ok(Type::Dynamic));
    }

    #[test]
    fn lookup_reports_unknown_names_and_arity() {
        assert_eq!(lookup("nosuch", &[]), Err(LookupError::Unknown));
        assert!(matches!(lookup("strlen", &[]), Err(LookupError::Arity(_))));
        assert!(matches!(
            lookup("case", &[col(Type::Bool), col(Type::Long)]),
            Err(LookupError::Arity(_))
        ));
        assert!(names().contains(&"parse_json") && names().contains(&"parsejson"));
        assert!(std::ptr::eq(
            resolve("iif").unwrap(),
            resolve("iff").unwrap()
        ));
    }
}
