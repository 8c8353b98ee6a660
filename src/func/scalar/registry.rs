//! The scalar function registry: every name with its implementation and argument counts, and
//! the result type of a call given its bound arguments (what `bind` asks `lookup`).

use std::sync::LazyLock;

use super::datetime::{Part, Period};
use super::ScalarFunc;
use crate::func::LookupError;
use crate::plan::{BoundExpr, ExprNode};
use crate::table::{Type, Value};

/// No fixed upper bound on the argument count.
const MANY: usize = 64;

/// Every scalar function: name, implementation, fewest and most arguments. Aliases
/// (`iif`/`iff`, `todouble`/`toreal`, …) are rows of their own.
const FUNCTIONS: &[(&str, ScalarFunc, usize, usize)] = {
    use ScalarFunc as F;
    &[
        ("ago", F::Ago, 1, 1),
        ("now", F::Now, 0, 1),
        ("datetime_add", F::DatetimeAdd, 3, 3),
        ("datetime_diff", F::DatetimeDiff, 3, 3),
        ("datetime_part", F::DatetimePart, 2, 2),
        ("startofday", F::StartEnd(Period::Day, false), 1, 2),
        ("startofweek", F::StartEnd(Period::Week, false), 1, 2),
        ("startofmonth", F::StartEnd(Period::Month, false), 1, 2),
        ("startofyear", F::StartEnd(Period::Year, false), 1, 2),
        ("endofday", F::StartEnd(Period::Day, true), 1, 2),
        ("endofweek", F::StartEnd(Period::Week, true), 1, 2),
        ("endofmonth", F::StartEnd(Period::Month, true), 1, 2),
        ("endofyear", F::StartEnd(Period::Year, true), 1, 2),
        ("dayofweek", F::DayOfWeek, 1, 1),
        ("dayofmonth", F::PartOf(Part::Day), 1, 1),
        ("dayofyear", F::PartOf(Part::DayOfYear), 1, 1),
        ("hourofday", F::PartOf(Part::Hour), 1, 1),
        ("getyear", F::PartOf(Part::Year), 1, 1),
        ("getmonth", F::PartOf(Part::Month), 1, 1),
        ("monthofyear", F::PartOf(Part::Month), 1, 1),
        ("weekofyear", F::PartOf(Part::WeekOfYear), 1, 1),
        ("week_of_year", F::PartOf(Part::WeekOfYear), 1, 1),
        ("format_datetime", F::FormatDatetime, 2, 2),
        ("format_timespan", F::FormatTimespan, 2, 2),
        ("make_datetime", F::MakeDatetime, 3, 6),
        ("make_timespan", F::MakeTimespan, 2, 4),
        (
            "unixtime_seconds_todatetime",
            F::FromUnixtime(10_000_000),
            1,
            1,
        ),
        (
            "unixtime_milliseconds_todatetime",
            F::FromUnixtime(10_000),
            1,
            1,
        ),
        (
            "unixtime_microseconds_todatetime",
            F::FromUnixtime(10),
            1,
            1,
        ),
        (
            "unixtime_nanoseconds_todatetime",
            F::FromUnixtime(-100),
            1,
            1,
        ),
        ("bin", F::Bin, 1, 2),
        ("floor", F::Bin, 1, 2),
        ("bin_at", F::BinAt, 3, 3),
        ("ceiling", F::Ceiling, 1, 1),
        ("abs", F::Abs, 1, 1),
        ("round", F::Round, 1, 2),
        ("sqrt", F::Sqrt, 1, 1),
        ("pow", F::Pow, 2, 2),
        ("log", F::Log, 1, 1),
        ("log10", F::Log10, 1, 1),
        ("log2", F::Log2, 1, 1),
        ("exp", F::Exp, 1, 1),
        ("exp2", F::Exp2, 1, 1),
        ("exp10", F::Exp10, 1, 1),
        ("sign", F::Sign, 1, 1),
        ("pi", F::Pi, 0, 0),
        ("isnan", F::IsNan, 1, 1),
        ("isinf", F::IsInf, 1, 1),
        ("isfinite", F::IsFinite, 1, 1),
        ("min_of", F::MinOf, 1, MANY),
        ("max_of", F::MaxOf, 1, MANY),
        ("todatetime", F::ToDatetime, 1, 1),
        ("totimespan", F::ToTimespan, 1, 1),
        ("tostring", F::ToString, 1, 1),
        ("tolong", F::ToLong, 1, 1),
        ("toint", F::ToInt, 1, 1),
        ("toreal", F::ToReal, 1, 1),
        ("todouble", F::ToReal, 1, 1),
        ("todecimal", F::ToReal, 1, 1),
        ("tobool", F::ToBool, 1, 1),
        ("toboolean", F::ToBool, 1, 1),
        ("toguid", F::ToGuid, 1, 1),
        ("todynamic", F::ToDynamic, 1, 1),
        ("parse_json", F::ToDynamic, 1, 1),
        ("parsejson", F::ToDynamic, 1, 1),
        ("gettype", F::GetType, 1, 1),
        ("tohex", F::ToHex, 1, 2),
        ("iff", F::Iff, 3, 3),
        ("iif", F::Iff, 3, 3),
        ("case", F::Case, 3, MANY),
        ("coalesce", F::Coalesce, 1, MANY),
        ("isempty", F::IsEmpty, 1, 1),
        ("isnotempty", F::IsNotEmpty, 1, 1),
        ("isnull", F::IsNull, 1, 1),
        ("isnotnull", F::IsNotNull, 1, 1),
        ("not", F::Not, 1, 1),
        ("strcat", F::Strcat, 1, MANY),
        ("strcat_delim", F::StrcatDelim, 3, MANY),
        ("strlen", F::Strlen, 1, 1),
        ("substring", F::Substring, 2, 3),
        ("tolower", F::ToLower, 1, 1),
        ("toupper", F::ToUpper, 1, 1),
        ("trim", F::Trim, 2, 2),
        ("trim_start", F::TrimStart, 2, 2),
        ("trim_end", F::TrimEnd, 2, 2),
        ("split", F::Split, 2, 3),
        ("replace_string", F::ReplaceString, 3, 3),
        ("replace_regex", F::ReplaceRegex, 3, 3),
        ("replace", F::Replace, 3, 3),
        ("extract", F::Extract, 3, 4),
        ("extract_all", F::ExtractAll, 2, 3),
        ("indexof", F::IndexOf, 2, 5),
        ("countof", F::CountOf, 2, 3),
        ("indexof_regex", F::IndexOfRegex, 2, 5),
        ("format_bytes", F::FormatBytes, 1, 3),
        ("strcat_array", F::StrcatArray, 2, 2),
        ("set_union", F::SetUnion, 2, MANY),
        ("set_intersect", F::SetIntersect, 2, MANY),
        ("set_difference", F::SetDifference, 2, MANY),
        ("series_fit_line", F::SeriesFitLine, 1, 1),
        ("series_fit_line_dynamic", F::SeriesFitLine, 1, 1),
        ("strrep", F::Strrep, 2, 3),
        ("reverse", F::Reverse, 1, 1),
        ("url_encode", F::UrlEncode, 1, 1),
        ("url_encode_component", F::UrlEncodeComponent, 1, 1),
        ("url_decode", F::UrlDecode, 1, 1),
        ("base64_encode_tostring", F::Base64Encode, 1, 1),
        ("base64_decode_tostring", F::Base64Decode, 1, 1),
        ("hash", F::Hash, 1, 2),
        ("parse_csv", F::ParseCsv, 1, 1),
        ("parse_url", F::ParseUrl, 1, 1),
        ("array_length", F::ArrayLength, 1, 1),
        ("arraylength", F::ArrayLength, 1, 1),
        ("pack_array", F::PackArray, 0, MANY),
        ("bag_pack", F::BagPack, 0, MANY),
        ("pack", F::BagPack, 0, MANY),
        ("bag_keys", F::BagKeys, 1, 1),
        ("array_concat", F::ArrayConcat, 1, MANY),
        ("array_slice", F::ArraySlice, 3, 3),
        ("set_has_element", F::SetHasElement, 2, 2),
        ("array_index_of", F::ArrayIndexOf, 2, 5),
        ("ipv4_is_private", F::Ipv4IsPrivate, 1, 1),
        ("ipv4_is_in_range", F::Ipv4IsInRange, 2, 2),
        ("ipv4_is_match", F::Ipv4IsMatch, 2, 3),
        ("ipv4_compare", F::Ipv4Compare, 2, 3),
        ("parse_ipv4", F::ParseIpv4, 1, 1),
        ("parse_ipv4_mask", F::ParseIpv4Mask, 2, 2),
        ("has_ipv4", F::HasIpv4, 2, 2),
        ("has_ipv4_prefix", F::HasIpv4Prefix, 2, 2),
        ("has_any_ipv4", F::HasAnyIpv4, 2, MANY),
        ("has_any_ipv4_prefix", F::HasAnyIpv4Prefix, 2, MANY),
        ("ipv6_compare", F::Ipv6Compare, 2, 3),
        ("ipv6_is_match", F::Ipv6IsMatch, 2, 3),
        ("row_number", F::RowNumber, 0, 2),
        ("prev", F::Prev, 1, 3),
        ("next", F::Next, 1, 3),
        ("row_cumsum", F::RowCumsum, 1, 2),
        ("row_window_session", F::RowWindowSession, 3, 4),
    ]
};

static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let series = crate::func::series::NAMES.iter().map(|(name, ..)| *name);
    FUNCTIONS
        .iter()
        .map(|(name, ..)| *name)
        .chain(series)
        .collect()
});

/// Every scalar function name, for suggestions.
pub fn names() -> &'static [&'static str] {
    &NAMES
}

/// The function a name resolves to, with its allowed argument counts.
fn resolve(name: &str) -> Option<(ScalarFunc, usize, usize)> {
    FUNCTIONS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|&(_, f, min, max)| (f, min, max))
        .or_else(|| {
            crate::func::series::NAMES
                .iter()
                .find(|(n, ..)| *n == name)
                .map(|&(_, f, min, max)| (ScalarFunc::Series(f), min, max))
        })
}

/// Resolve `name` applied to `args` (bound, so their types and any literal values are known;
/// `typeof(int)` arrives as a string literal naming the type).
pub fn lookup(name: &str, args: &[BoundExpr]) -> Result<(ScalarFunc, Type), LookupError> {
    let (func, min, max) = resolve(name).ok_or(LookupError::Unknown)?;
    if args.len() < min || args.len() > max {
        let takes = match (min, max) {
            (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
            (a, 64) => format!("at least {a} arguments"),
            (a, b) => format!("{a} to {b} arguments"),
        };
        return Err(LookupError::Arity(format!(
            "`{name}` takes {takes}, found {}",
            args.len()
        )));
    }
    if func == ScalarFunc::Case && args.len().is_multiple_of(2) {
        return Err(LookupError::Arity(
            "`case` takes pairs of predicate and value, then an else value".into(),
        ));
    }
    let ty = result_type(func, args)?;
    Ok((func, ty))
}

fn literal_text(arg: &BoundExpr) -> Option<&str> {
    match &arg.kind {
        ExprNode::Literal(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The type several branches share: the widest number when all are numeric, the typed branches'
/// type when the others are dynamic, else the first branch's type (untyped nulls do not count).
pub fn common_type(args: &[&BoundExpr]) -> Type {
    let typed: Vec<Type> = args
        .iter()
        .filter(|a| {
            !matches!(
                a.kind,
                ExprNode::Literal(Value::Null | Value::Dynamic(serde_json::Value::Null))
            ) || a.ty != Type::Dynamic
        })
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
fn binned_type(value: Type, step: Option<Type>) -> Type {
    match (value, step) {
        (Type::Int | Type::Long, Some(Type::Real)) => Type::Real,
        (Type::Int | Type::Long, _) => Type::Long,
        (Type::Dynamic, _) => Type::Real,
        (t, _) => t,
    }
}

fn result_type(func: ScalarFunc, args: &[BoundExpr]) -> Result<Type, LookupError> {
    use ScalarFunc as F;
    let arg_ty = |i: usize| args.get(i).map(|a| a.ty);
    Ok(match func {
        F::Ago
        | F::Now
        | F::DatetimeAdd
        | F::StartEnd(..)
        | F::MakeDatetime
        | F::FromUnixtime(_) => Type::DateTime,
        F::ToDatetime => Type::DateTime,
        F::DatetimeDiff | F::ToLong | F::Strlen | F::IndexOf | F::CountOf | F::ArrayLength => {
            Type::Long
        }
        F::IndexOfRegex => Type::Long,
        F::FormatBytes | F::StrcatArray => Type::String,
        F::SetUnion | F::SetIntersect | F::SetDifference | F::SeriesFitLine => Type::Dynamic,
        F::Series(f) => f.result_type(),
        F::ArrayIndexOf | F::Hash | F::ParseIpv4 | F::ParseIpv4Mask | F::Ipv4Compare => Type::Long,
        F::Ipv6Compare => Type::Long,
        F::DatetimePart | F::PartOf(_) | F::ToInt => Type::Int,
        F::DayOfWeek | F::MakeTimespan | F::ToTimespan => Type::TimeSpan,
        F::FormatDatetime | F::FormatTimespan | F::ToString | F::GetType | F::ToHex => Type::String,
        F::Strcat | F::StrcatDelim | F::Substring | F::ToLower | F::ToUpper | F::Trim => {
            Type::String
        }
        F::TrimStart | F::TrimEnd | F::ReplaceString | F::ReplaceRegex | F::Replace => Type::String,
        F::Strrep | F::Reverse | F::UrlEncode | F::UrlDecode | F::Base64Encode => Type::String,
        F::UrlEncodeComponent => Type::String,
        F::Base64Decode => Type::String,
        F::Bin => binned_type(args[0].ty, arg_ty(1)),
        F::BinAt => binned_type(args[0].ty, arg_ty(1)),
        F::Ceiling => match args[0].ty {
            Type::Int => Type::Int,
            Type::Long => Type::Long,
            _ => Type::Real,
        },
        F::Abs => match args[0].ty {
            Type::Int | Type::Long => Type::Long,
            Type::TimeSpan => Type::TimeSpan,
            _ => Type::Real,
        },
        F::Round => match args[0].ty {
            Type::Int => Type::Int,
            Type::Long => Type::Long,
            _ => Type::Real,
        },
        F::Sqrt | F::Pow | F::Log | F::Log10 | F::Log2 | F::Exp | F::Exp2 | F::Exp10 | F::Pi => {
            Type::Real
        }
        F::ToReal => Type::Real,
        F::Sign => match args[0].ty {
            Type::Real | Type::Dynamic => Type::Real,
            _ => Type::Long,
        },
        F::IsNan | F::IsInf | F::IsFinite | F::ToBool | F::IsEmpty | F::IsNotEmpty => Type::Bool,
        F::IsNull | F::IsNotNull | F::Not | F::SetHasElement => Type::Bool,
        F::Ipv4IsPrivate | F::Ipv4IsInRange | F::Ipv4IsMatch | F::Ipv6IsMatch => Type::Bool,
        F::HasIpv4 | F::HasIpv4Prefix | F::HasAnyIpv4 | F::HasAnyIpv4Prefix => Type::Bool,
        F::MinOf | F::MaxOf | F::Coalesce => common_type(&args.iter().collect::<Vec<_>>()),
        F::Iff => common_type(&[&args[1], &args[2]]),
        F::Case => {
            let mut branches: Vec<&BoundExpr> = args.iter().skip(1).step_by(2).collect();
            branches.push(args.last().expect("case has an else value"));
            common_type(&branches)
        }
        F::ToGuid => Type::Guid,
        F::ToDynamic | F::Split | F::ExtractAll | F::PackArray | F::BagPack | F::BagKeys => {
            Type::Dynamic
        }
        F::ArrayConcat | F::ArraySlice | F::ParseCsv | F::ParseUrl => Type::Dynamic,
        F::RowNumber | F::Prev | F::Next | F::RowCumsum | F::RowWindowSession => {
            window_type(func, args)?
        }
        F::Extract => {
            match args.get(3) {
                None => Type::String,
                Some(t) => literal_text(t).and_then(Type::from_name).ok_or_else(|| {
                    LookupError::Argument {
                        index: 3,
                        message: "expected `typeof(<type>)`".into(),
                    }
                })?,
            }
        }
    })
}

/// The result type of a window function, after checking what Kusto requires of its arguments:
/// `prev`/`next` read a column (the offset a whole number), `row_cumsum` sums a number, and a
/// restart is a bool.
fn window_type(func: ScalarFunc, args: &[BoundExpr]) -> Result<Type, LookupError> {
    use ScalarFunc as F;
    let expect = |index: usize, ok: fn(Type) -> bool, what: &str| match args.get(index) {
        Some(arg) if !ok(arg.ty) && !is_untyped_null(arg) => Err(LookupError::Argument {
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
            if !matches!(args[0].kind, ExprNode::Column(_)) {
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

/// `null` written as a literal (dynamic-typed): acceptable wherever a value is.
fn is_untyped_null(arg: &BoundExpr) -> bool {
    matches!(
        arg.kind,
        ExprNode::Literal(Value::Null | Value::Dynamic(serde_json::Value::Null))
    ) && arg.ty == Type::Dynamic
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Span;

    fn lit(v: Value, ty: Type) -> BoundExpr {
        BoundExpr::literal(v, ty, Span::new(0, 0))
    }

    fn col(ty: Type) -> BoundExpr {
        BoundExpr::column(0, ty, Span::new(0, 0))
    }

    #[test]
    fn result_types_follow_kusto() {
        let ty = |name: &str, args: &[BoundExpr]| lookup(name, args).map(|(_, t)| t);
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
        assert_eq!(resolve("iif"), resolve("iff"));
    }
}
