//! `activity_engagement(Id, Timeline, [Start, End,] InnerActivityWindow, OuterActivityWindow
//! [, dim…])`: for each inner window (steps of `InnerActivityWindow` from `Start`) and each
//! dimension tuple, `dcount_activities_inner` (distinct ids in the inner window),
//! `dcount_activities_outer` (distinct ids in the outer window that ends with it: the inner
//! windows reaching back `OuterActivityWindow`) and `activity_ratio`, inner over outer (the
//! DAU/MAU ratio; NaN when both are 0). One row per inner window and per dimension tuple.
//! <https://learn.microsoft.com/en-us/kusto/query/activity-engagement-plugin>

use std::collections::HashSet;

use super::activity::{self, Rows, Steps};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value};

/// `input` columns: id, timeline, then the dimensions; `steps` step by the inner window.
pub fn activity_engagement(
    input: &Table,
    steps: &Steps,
    outer: i64,
    meter: &Meter,
) -> Result<Table, Error> {
    let data = activity::read(input, meter)?;
    let mut per_bin: Vec<Vec<HashSet<&str>>> =
        vec![vec![HashSet::new(); steps.count()]; data.tuples.len()];
    for e in &data.events {
        if let Some(bin) = steps.of(e.time) {
            per_bin[e.tuple][bin].insert(&e.id);
        }
    }
    // The outer window in whole inner windows (an outer window shorter than one is one).
    let span = ((outer + steps.step - 1) / steps.step).max(1) as usize;
    let time_name = input.schema.fields[1].name.clone();
    let mut fields = activity::leading_fields(input, &[time_name]);
    fields.extend([
        Field::new("dcount_activities_inner", Type::Long),
        Field::new("dcount_activities_outer", Type::Long),
        Field::new("activity_ratio", Type::Real),
    ]);
    let ty = input.schema.fields[1].ty;
    let mut rows = Rows::new(fields, meter);
    for bin in 0..steps.count() {
        for (t, dims) in data.tuples.iter().enumerate() {
            let inner = per_bin[t][bin].len();
            let outer: HashSet<&str> = per_bin[t][(bin + 1).saturating_sub(span)..=bin]
                .iter()
                .flatten()
                .copied()
                .collect();
            let mut row = vec![activity::time_value(ty, steps.time(bin))];
            row.extend(dims.iter().cloned());
            row.extend([
                Value::Long(inner as i64),
                Value::Long(outer.len() as i64),
                activity::ratio(inner, outer.len()),
            ]);
            rows.push(&row)?;
        }
    }
    Ok(rows.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::plugin::activity::test_input::events;
    use crate::table::Column;

    #[test]
    fn the_outer_window_reaches_back_over_inner_windows() {
        let t = events(&[("a", 0), ("b", 1), ("a", 1), ("c", 2), ("a", 3)]);
        let steps = Steps {
            start: 0,
            end: 3,
            step: 1,
        };
        let out = activity_engagement(&t, &steps, 2, &Meter::default()).unwrap();
        assert_eq!(
            out.columns[1],
            Column::Long(vec![Some(1), Some(2), Some(1), Some(1)])
        );
        assert_eq!(
            out.columns[2],
            Column::Long(vec![Some(1), Some(2), Some(3), Some(2)])
        );
        assert_eq!(out.columns[3].get(2), Value::Real(1.0 / 3.0));
    }
}
