//! Functions over a row's columns, which the binder (`bind::row_functions`) turns into calls
//! with the columns spelled out: `pack_all` and `bag_pack_columns` (one kernel: a flag saying
//! whether to leave out null and empty values, then name/value pairs, packed into a bag) and
//! `estimate_data_size` (the bytes the given values take). Also `assert(condition, message)`,
//! which fails the query with the message when the condition is false.

use super::def::{Naming, ResultType::Fixed, ScalarDef, MANY};
use super::{arg_error, row_values, ScalarFunc};
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::{Column, Type as T, Value};
use crate::value::cast;
use crate::value::datum::Datum;
use serde_json::{Map, Value as J};

/// The bytes `value` takes in the estimate: the fixed width of its type (int 4, bool 1, guid 16,
/// the other numbers, dates and timespans 8), a string's UTF-8 length, a dynamic value's JSON
/// text length (Kusto does not document its dynamic encoding), and nothing for a null string or
/// dynamic value.
pub fn data_size(value: &Value, ty: T) -> i64 {
    match (ty, value) {
        (T::Bool, _) => 1,
        (T::Int, _) => 4,
        (T::Guid, _) => 16,
        (T::Long | T::Real | T::DateTime | T::TimeSpan, _) => 8,
        (_, Value::Null) => 0,
        (T::String, Value::String(s)) => s.len() as i64,
        (_, Value::Dynamic(j)) => j.to_string().len() as i64,
        (_, other) => cast::to_text(other).len() as i64,
    }
}

/// Whether `pack_all(true)` leaves a value out: null, or an empty string.
fn null_or_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Dynamic(J::Null) => true,
        _ => false,
    }
}

fn pack(args: &[Datum], len: usize) -> Column {
    let skip_empty = args[0].scalar() == Some(&Value::Bool(true));
    let pairs: Vec<(String, _)> = args[1..]
        .chunks(2)
        .map(|pair| {
            let name = pair[0].scalar().map(cast::to_text).unwrap_or_default();
            (name, row_values(&pair[1], len))
        })
        .collect();
    Column::Dynamic(
        (0..len)
            .map(|i| {
                let mut bag = Map::new();
                for (name, values) in &pairs {
                    let value = values.get(i);
                    if skip_empty && null_or_empty(value) {
                        continue;
                    }
                    bag.insert(name.clone(), cast::to_dynamic(value));
                }
                J::Object(bag)
            })
            .collect(),
    )
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    match func {
        ScalarFunc::PackColumns => Ok(pack(args, len)),
        ScalarFunc::EstimateDataSize => {
            let columns: Vec<_> = args.iter().map(|a| (row_values(a, len), a.ty())).collect();
            Ok(Column::Long(
                (0..len)
                    .map(|i| Some(columns.iter().map(|(v, ty)| data_size(v.get(i), *ty)).sum()))
                    .collect(),
            ))
        }
        ScalarFunc::Assert => {
            let message = args[1].scalar().map(cast::to_text).unwrap_or_default();
            let conditions = args[0].bools();
            let out: Vec<Option<bool>> = (0..len).map(|i| *conditions.get(i)).collect();
            if out.contains(&Some(false)) {
                return Err(arg_error(format!(
                    "assert() has failed with message: '{message}'"
                )));
            }
            Ok(Column::Bool(out))
        }
        other => unreachable!("{other:?} is not a row function"),
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: ScalarFunc::PackColumns,
        names: &["pack_all", "bag_pack_columns"],
        arity: (1, MANY),
        result: Fixed(T::Dynamic),
        run,
        naming: Naming::Positional,
    },
    ScalarDef {
        func: ScalarFunc::EstimateDataSize,
        names: &["estimate_data_size"],
        arity: (0, MANY),
        result: Fixed(T::Long),
        run,
        naming: Naming::Positional,
    },
    ScalarDef {
        func: ScalarFunc::Assert,
        names: &["assert"],
        arity: (2, 2),
        result: Fixed(T::Bool),
        run,
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(v: Value, ty: T) -> Datum<'static> {
        Datum::Scalar(v, ty)
    }

    #[test]
    fn packs_pairs_and_skips_empty_values() {
        let args = |skip: bool| {
            vec![
                scalar(Value::Bool(skip), T::Bool),
                scalar(Value::String("Source".into()), T::String),
                scalar(Value::String("".into()), T::String),
                scalar(Value::String("Count".into()), T::String),
                scalar(Value::Long(42), T::Long),
            ]
        };
        assert_eq!(
            pack(&args(false), 1).get(0),
            Value::Dynamic(serde_json::json!({"Source": "", "Count": 42}))
        );
        assert_eq!(
            pack(&args(true), 1).get(0),
            Value::Dynamic(serde_json::json!({"Count": 42}))
        );
    }

    #[test]
    fn sizes() {
        // The estimate_data_size page: a long (8) and a 10-character string (10).
        assert_eq!(data_size(&Value::Long(1), T::Long), 8);
        assert_eq!(
            data_size(&Value::String("1234567890".into()), T::String),
            10
        );
        assert_eq!(data_size(&Value::Null, T::String), 0);
        assert_eq!(data_size(&Value::Bool(true), T::Bool), 1);
    }
}
