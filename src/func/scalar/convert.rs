//! Column-wide conversions for the `to*()` functions and `cast_column`, which brings a column to a
//! type. The one-value casts and the text codec live in `crate::value` and are re-exported here
//! for the functions that use them.

use super::datetime::EPOCH_TICKS;
use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc as F;
use crate::table::Type as T;
use crate::table::{Column, Type};
pub use crate::value::cast::*;
use crate::value::datum::{Arr, Datum};
pub use crate::value::text::{
    parse_datetime, parse_dynamic as parse_json, parse_guid, parse_long, parse_real, parse_timespan,
};

/// `todatetime()` over a column. A timespan reads as ticks since 0001-01-01, Kusto's origin, so
/// `todatetime(ceiling(T / 1h) * 1h)` gives back a time (see `datetime / timespan` in `eval`).
pub fn to_datetime_column(arg: &Datum, len: usize) -> Column {
    let col = arg.column(len).into_owned();
    match col {
        Column::TimeSpan(spans) => Column::DateTime(
            spans
                .into_iter()
                .map(|t| t?.checked_sub(EPOCH_TICKS))
                .collect(),
        ),
        col => cast_column(col, Type::DateTime),
    }
}

/// Bring `col` to type `ty` (the type the binder promised), converting each value.
pub fn cast_column(col: Column, ty: Type) -> Column {
    if col.ty() == ty {
        return col;
    }
    let len = col.len();
    let d = Datum::owned(col);
    match ty {
        Type::Long => Column::Long(collect(d.longs(), len)),
        Type::Int => Column::Int(
            collect(d.longs(), len)
                .into_iter()
                .map(|x| x.and_then(|l| i32::try_from(l).ok()))
                .collect(),
        ),
        Type::Real => Column::Real(collect(d.reals(), len)),
        Type::Bool => Column::Bool(collect(d.bools(), len)),
        Type::DateTime => Column::DateTime(collect(d.ticks(), len)),
        Type::TimeSpan => Column::TimeSpan(collect(d.timespans(), len)),
        Type::Guid => Column::Guid(collect(d.guids(), len)),
        Type::String => Column::String(collect(d.strs(), len)),
        Type::Dynamic => Column::Dynamic(collect(d.dyns(), len)),
    }
}

/// `len` values of a view as a vector.
pub fn collect<T: Clone>(a: Arr<'_, T>, len: usize) -> Vec<T> {
    match a {
        Arr::Owned(v) => v,
        Arr::Slice(s) => s.to_vec(),
        Arr::One(x) => vec![x; len],
    }
}

pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::ToDatetime,
        names: &["todatetime"],
        arity: (1, 1),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(to_datetime_column(&args[0], len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ToTimespan,
        names: &["totimespan"],
        arity: (1, 1),
        result: Fixed(T::TimeSpan),
        run: |_, args, _ty, len, _ctx| {
            Ok(cast_column(args[0].column(len).into_owned(), T::TimeSpan))
        },
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ToString,
        names: &["tostring"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(cast_column(args[0].column(len).into_owned(), T::String)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ToReal,
        names: &["toreal", "todouble", "todecimal"],
        arity: (1, 1),
        result: Fixed(T::Real),
        run: |_, args, _ty, len, _ctx| Ok(cast_column(args[0].column(len).into_owned(), T::Real)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ToBool,
        names: &["tobool", "toboolean"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(cast_column(args[0].column(len).into_owned(), T::Bool)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ToGuid,
        names: &["toguid"],
        arity: (1, 1),
        result: Fixed(T::Guid),
        run: |_, args, _ty, len, _ctx| Ok(cast_column(args[0].column(len).into_owned(), T::Guid)),
        naming: Naming::First,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format;
    use crate::table::{Value, TICKS_PER_DAY, TICKS_PER_SECOND};

    #[test]
    fn longs_from_text_and_reals() {
        assert_eq!(to_long(&Value::String("123".into())), Some(123));
        assert_eq!(to_long(&Value::String("abc".into())), None);
        assert_eq!(to_long(&Value::Real(2.7)), Some(2));
        assert_eq!(to_long(&Value::Real(-2.7)), Some(-2));
        assert_eq!(to_long(&Value::Real(f64::NAN)), None);
        assert_eq!(to_long(&Value::DateTime(0)), Some(621_355_968_000_000_000));
    }

    #[test]
    fn reals_and_bools_from_text() {
        assert_eq!(to_real(&Value::String("123.4".into())), Some(123.4));
        assert_eq!(to_real(&Value::String("x1".into())), None);
        assert_eq!(to_bool(&Value::String("TRUE".into())), Some(true));
        assert_eq!(to_bool(&Value::Long(123)), Some(true));
        assert_eq!(to_bool(&Value::String("maybe".into())), None);
    }

    #[test]
    fn datetimes_in_many_spellings() {
        let noon = parse_datetime("2017-01-29 09:00:05").unwrap();
        assert_eq!(format::datetime_text(noon), "2017-01-29T09:00:05Z");
        assert_eq!(parse_datetime("2017-01-29T09:00:05Z"), Some(noon));
        assert_eq!(parse_datetime("2017-01-29T11:00:05+02:00"), Some(noon));
        let us = parse_datetime("12-02-2022").unwrap();
        assert_eq!(format::datetime_text(us), "2022-12-02T00:00:00Z");
        let short = parse_datetime("1970-5-12").unwrap();
        assert_eq!(format::datetime_text(short), "1970-05-12T00:00:00Z");
        let frac = parse_datetime("2017-10-30 01:02:03.7654321").unwrap();
        assert_eq!(format::datetime_text(frac), "2017-10-30T01:02:03.7654321Z");
        let rfc = parse_datetime("Sat, 8 Nov 2014 15:05:02 GMT").unwrap();
        assert_eq!(format::datetime_text(rfc), "2014-11-08T15:05:02Z");
        assert_eq!(parse_datetime("2017-02-30"), None);
        assert_eq!(parse_datetime("not a date"), None);
    }

    #[test]
    fn timespans_in_clock_and_unit_forms() {
        let min = 60 * TICKS_PER_SECOND;
        assert_eq!(parse_timespan("0.00:03:00"), Some(3 * min));
        assert_eq!(parse_timespan("00:03:00"), Some(3 * min));
        assert_eq!(
            parse_timespan("1.02:00:00"),
            Some(TICKS_PER_DAY + 120 * min)
        );
        assert_eq!(parse_timespan("00:00:00.5"), Some(TICKS_PER_SECOND / 2));
        assert_eq!(parse_timespan("-00:01:00"), Some(-min));
        assert_eq!(parse_timespan("1.5h"), Some(90 * min));
        assert_eq!(parse_timespan("100ms"), Some(1_000_000));
        assert_eq!(parse_timespan("abc"), None);
    }

    #[test]
    fn guids_parse_with_and_without_dashes() {
        let g = parse_guid("74be27de-1e4e-49d9-b579-fe0b331d3642").unwrap();
        assert_eq!(format::guid_text(g), "74be27de-1e4e-49d9-b579-fe0b331d3642");
        assert_eq!(parse_guid("74be27de1e4e49d9b579fe0b331d3642"), Some(g));
        assert_eq!(parse_guid("nope"), None);
    }

    #[test]
    fn json_text_or_string() {
        assert_eq!(parse_json("[1,2]"), serde_json::json!([1, 2]));
        assert_eq!(parse_json("hello"), serde_json::json!("hello"));
        assert_eq!(parse_json(""), serde_json::Value::Null);
    }

    #[test]
    fn cast_widens_and_renders() {
        let col = Column::Int(vec![Some(1), None]);
        assert_eq!(
            cast_column(col.clone(), Type::Long),
            Column::Long(vec![Some(1), None])
        );
        assert_eq!(
            cast_column(col, Type::String),
            Column::String(vec!["1".into(), "".into()])
        );
    }
}
