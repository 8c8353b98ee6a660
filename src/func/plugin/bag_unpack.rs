//! `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties])`: every
//! top-level slot of the bags in `Column` becomes a column, after the input's other columns. A
//! slot's column has the slot's type when all its non-null values agree (long, real, string,
//! bool), else dynamic; the columns are in key order, as the doc page's output shows.
//! <https://learn.microsoft.com/en-us/kusto/query/bag-unpack-plugin>

use indexmap::IndexMap;
use serde_json::Value as J;

use super::invalid;
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Column, Field, Schema, Table, Type, Value};

/// What to do when a slot is named like an input column (`columnsConflict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Error,
    ReplaceSource,
    KeepSource,
}

impl Conflict {
    pub fn parse(text: &str) -> Option<Conflict> {
        match text {
            "error" => Some(Conflict::Error),
            "replace_source" => Some(Conflict::ReplaceSource),
            "keep_source" => Some(Conflict::KeepSource),
            _ => None,
        }
    }
}

pub struct Options {
    pub prefix: String,
    pub conflict: Conflict,
    pub ignored: Vec<String>,
}

/// The type a slot's column takes from one JSON value (None for null).
fn json_type(value: &J) -> Option<Type> {
    match value {
        J::Null => None,
        J::Bool(_) => Some(Type::Bool),
        J::Number(n) if n.is_i64() => Some(Type::Long),
        J::Number(_) => Some(Type::Real),
        J::String(_) => Some(Type::String),
        J::Array(_) | J::Object(_) => Some(Type::Dynamic),
    }
}

fn json_value(value: &J, ty: Type) -> Value {
    match (ty, value) {
        (_, J::Null) => Value::Null,
        (Type::Bool, J::Bool(b)) => Value::Bool(*b),
        (Type::Long, J::Number(n)) => n.as_i64().map_or(Value::Null, Value::Long),
        (Type::Real, J::Number(n)) => n.as_f64().map_or(Value::Null, Value::Real),
        (Type::String, J::String(s)) => Value::String(s.as_str().into()),
        (_, other) => Value::Dynamic(other.clone()),
    }
}

/// Unpack column `column` of `input`.
pub fn unpack(
    input: &Table,
    column: usize,
    options: &Options,
    meter: &Meter,
) -> Result<Table, Error> {
    let bags = &input.columns[column];
    // slot name → its type so far (None: only nulls seen; Some(Dynamic) once types disagree).
    let mut slots: IndexMap<String, Option<Type>> = IndexMap::new();
    for row in 0..bags.len() {
        meter.check_every(row)?;
        let Value::Dynamic(J::Object(bag)) = bags.get(row) else {
            continue;
        };
        for (key, value) in &bag {
            if options.ignored.iter().any(|i| i == key) {
                continue;
            }
            let seen = slots.entry(key.clone()).or_insert(None);
            *seen = match (*seen, json_type(value)) {
                (None, t) => t,
                (Some(a), Some(b)) if a != b => Some(Type::Dynamic),
                (s, _) => s,
            };
        }
    }
    slots.sort_keys();

    let mut fields = Vec::new();
    let mut columns = Vec::new();
    let mut kept_input = Vec::new();
    let names: Vec<String> = slots
        .keys()
        .map(|k| format!("{}{k}", options.prefix))
        .collect();
    for (i, field) in input.schema.fields.iter().enumerate() {
        if i == column {
            continue;
        }
        if names.contains(&field.name) {
            match options.conflict {
                Conflict::Error => {
                    return Err(invalid(format!(
                        "the slot `{}` is named like an input column; pass \
                         columnsConflict='replace_source' or 'keep_source'",
                        field.name
                    )))
                }
                Conflict::ReplaceSource => continue,
                Conflict::KeepSource => {}
            }
        }
        kept_input.push(field.name.clone());
        fields.push(field.clone());
        columns.push(input.columns[i].clone());
    }
    // Every slot's column reads every row: slots × rows steps.
    let mut pacer = meter.pacer();
    for ((key, ty), name) in slots.iter().zip(names) {
        if kept_input.contains(&name) {
            continue;
        }
        let ty = ty.unwrap_or(Type::Dynamic);
        let mut out = Column::with_capacity(ty, bags.len());
        for row in 0..bags.len() {
            pacer.step()?;
            let value = match bags.get(row) {
                Value::Dynamic(J::Object(bag)) => {
                    bag.get(key).map_or(Value::Null, |v| json_value(v, ty))
                }
                _ => Value::Null,
            };
            out.push(&value);
        }
        fields.push(Field::new(name, ty));
        columns.push(out);
    }
    Ok(Table::new(Schema::new(fields), columns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(values: Vec<J>) -> Table {
        Table::new(
            Schema::new(vec![
                Field::new("k", Type::Long),
                Field::new("d", Type::Dynamic),
            ]),
            vec![
                Column::Long((0..values.len() as i64).map(Some).collect()),
                Column::Dynamic(values),
            ],
        )
    }

    fn options(conflict: Conflict) -> Options {
        Options {
            prefix: String::new(),
            conflict,
            ignored: Vec::new(),
        }
    }

    #[test]
    fn slots_become_typed_columns_and_mixed_types_become_dynamic() {
        let t = table(vec![
            json!({"b": 1, "a": "x", "m": 1}),
            json!(null),
            json!({"b": null, "m": "two"}),
        ]);
        let out = unpack(&t, 1, &options(Conflict::Error), &Meter::default()).unwrap();
        let names: Vec<&str> = out.schema.names().collect();
        assert_eq!(names, ["k", "a", "b", "m"]);
        assert_eq!(out.schema.fields[2].ty, Type::Long);
        assert_eq!(out.schema.fields[3].ty, Type::Dynamic);
        assert_eq!(out.columns[2], Column::Long(vec![Some(1), None, None]));
    }

    #[test]
    fn a_slot_named_like_an_input_column_follows_columns_conflict() {
        let t = table(vec![json!({"k": 7})]);
        assert!(unpack(&t, 1, &options(Conflict::Error), &Meter::default()).is_err());
        let replaced = unpack(&t, 1, &options(Conflict::ReplaceSource), &Meter::default()).unwrap();
        assert_eq!(replaced.columns, vec![Column::Long(vec![Some(7)])]);
        let kept = unpack(&t, 1, &options(Conflict::KeepSource), &Meter::default()).unwrap();
        assert_eq!(kept.columns, vec![Column::Long(vec![Some(0)])]);
    }
}
