//! What the user-activity plugins (`session_count`, `active_users_count`, `activity_metrics`,
//! `activity_engagement`, `new_activity_metrics`) share: reading their input, `(id, time,
//! dimension…)` rows, into events grouped by dimension tuple, a timeline of fixed steps from a
//! start, and building the output table row by row.
//!
//! Times are whole numbers: ticks for a datetime or timespan timeline, the number itself for an
//! int or long one (the `session_count` page runs over a long timeline).

use std::collections::HashMap;

use crate::budget::{Meter, Pacer};
use crate::error::Error;
use crate::table::{Column, Field, Schema, Table, Type, Value};

/// A timeline point as a whole number, if the value is one.
pub fn ticks(value: &Value) -> Option<i64> {
    match value {
        Value::DateTime(t) | Value::TimeSpan(t) | Value::Long(t) => Some(*t),
        Value::Int(i) => Some(i64::from(*i)),
        _ => None,
    }
}

/// A timeline point back as a value of the timeline column's type.
pub fn time_value(ty: Type, t: i64) -> Value {
    match ty {
        Type::DateTime => Value::DateTime(t),
        Type::TimeSpan => Value::TimeSpan(t),
        Type::Int => Value::Int(t as i32),
        _ => Value::Long(t),
    }
}

/// One row of activity: who, when, and which dimension tuple it belongs to.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub time: i64,
    pub tuple: usize,
}

/// The input's events, and the dimension tuples in order of first appearance. Without
/// dimension columns there is always the one empty tuple, so every bin still gets a row.
pub struct Events {
    pub tuples: Vec<Vec<Value>>,
    pub events: Vec<Event>,
}

/// `input` columns: id, time, then the dimensions. Rows with a null id or time are left out.
pub fn read(input: &Table, meter: &Meter) -> Result<Events, Error> {
    let mut out = Events {
        tuples: Vec::new(),
        events: Vec::new(),
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    if input.columns.len() == 2 {
        out.tuples.push(Vec::new());
        index.insert(format!("{:?}", Vec::<Value>::new()), 0);
    }
    for row in 0..input.num_rows() {
        meter.check_every(row)?;
        let Some(time) = ticks(&input.columns[1].get(row)) else {
            continue;
        };
        let id = input.columns[0].get(row);
        if id.is_null() {
            continue;
        }
        let dims: Vec<Value> = input.columns[2..].iter().map(|c| c.get(row)).collect();
        let tuple = *index.entry(format!("{dims:?}")).or_insert_with(|| {
            out.tuples.push(dims);
            out.tuples.len() - 1
        });
        out.events.push(Event {
            id: crate::format::value_text(&id),
            time,
            tuple,
        });
    }
    Ok(out)
}

/// Fixed steps from `start`: the bins `start`, `start + step`, … up to `end` (inclusive).
#[derive(Debug, Clone, Copy)]
pub struct Steps {
    pub start: i64,
    pub end: i64,
    pub step: i64,
}

impl Steps {
    pub fn count(&self) -> usize {
        if self.step <= 0 || self.end < self.start {
            return 0;
        }
        ((self.end - self.start) / self.step + 1) as usize
    }

    /// The bin a time falls into, if it is on the timeline (from `start` to `end`, inclusive).
    pub fn of(&self, t: i64) -> Option<usize> {
        if t < self.start || t > self.end || self.step <= 0 {
            return None;
        }
        Some(((t - self.start) / self.step) as usize)
    }

    pub fn time(&self, bin: usize) -> i64 {
        self.start + bin as i64 * self.step
    }
}

/// An output table filled a row at a time, asking the meter every so many rows (the loops
/// that make the rows are the kernels' long ones).
pub struct Rows<'m> {
    fields: Vec<Field>,
    columns: Vec<Column>,
    pacer: Pacer<'m>,
}

impl<'m> Rows<'m> {
    pub fn new(fields: Vec<Field>, meter: &'m Meter) -> Rows<'m> {
        let columns = fields
            .iter()
            .map(|f| Column::with_capacity(f.ty, 0))
            .collect();
        Rows {
            fields,
            columns,
            pacer: meter.pacer(),
        }
    }

    /// Add a row; fails once the query's budget is spent.
    pub fn push(&mut self, row: &[Value]) -> Result<(), Error> {
        self.pacer.step()?;
        for (column, value) in self.columns.iter_mut().zip(row) {
            column.push(value);
        }
        Ok(())
    }

    pub fn finish(self) -> Table {
        Table::new(Schema::new(self.fields), self.columns)
    }
}

/// The output's leading fields: the timeline column (named `name`, of the input's type) and
/// the dimension columns of `input`.
pub fn leading_fields(input: &Table, names: &[String]) -> Vec<Field> {
    let ty = input.schema.fields[1].ty;
    let mut fields: Vec<Field> = names.iter().map(|n| Field::new(n.clone(), ty)).collect();
    fields.extend(input.schema.fields[2..].iter().cloned());
    fields
}

/// `numerator / denominator` as Kusto's real division gives it (0/0 is NaN).
pub fn ratio(numerator: usize, denominator: usize) -> Value {
    Value::Real(numerator as f64 / denominator as f64)
}

#[cfg(test)]
pub(crate) mod test_input {
    use super::*;

    /// An `(Id, T)` table with a long timeline.
    pub fn events(rows: &[(&str, i64)]) -> Table {
        Table::new(
            Schema::new(vec![
                Field::new("Id", Type::String),
                Field::new("T", Type::Long),
            ]),
            vec![
                Column::String(rows.iter().map(|r| r.0.into()).collect()),
                Column::Long(rows.iter().map(|r| Some(r.1)).collect()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_cover_start_to_end_inclusive() {
        let s = Steps {
            start: 10,
            end: 30,
            step: 10,
        };
        assert_eq!(s.count(), 3);
        assert_eq!(s.of(9), None);
        assert_eq!(s.of(29), Some(1));
        assert_eq!(s.of(30), Some(2));
        assert_eq!(s.of(31), None);
        assert_eq!(s.time(2), 30);
    }

    #[test]
    fn null_times_are_skipped_and_no_dimensions_keep_one_tuple() {
        let mut t = test_input::events(&[("a", 1)]);
        t.columns[0].push(&Value::String("b".into()));
        t.columns[1].push(&Value::Null);
        let e = read(&t, &Meter::default()).unwrap();
        assert_eq!(e.tuples.len(), 1);
        assert_eq!(e.events.len(), 1);
        let empty = read(&test_input::events(&[]), &Meter::default()).unwrap();
        assert_eq!(empty.tuples.len(), 1);
    }
}
