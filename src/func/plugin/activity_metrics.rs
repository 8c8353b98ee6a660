//! `activity_metrics(Id, Timeline, [Start, End,] Window [, dim…])`: for each window and each
//! dimension tuple, `dcount_values` (distinct ids in the window), `dcount_newvalues` (of them,
//! those absent from the previous window), `retention_rate` (of the previous window's ids, the
//! share seen again) and `churn_rate` (1 - retention). Each window is compared with the one before
//! it only (unlike `activity_counts_metrics`); the first window's rates are NaN, as the doc
//! page's output prints. One row per window from `Start` to `End` and per dimension tuple.
//! <https://learn.microsoft.com/en-us/kusto/query/activity-metrics-plugin>

use std::collections::HashSet;

use super::activity::{self, Rows, Steps};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value};

/// `input` columns: id, timeline, then the dimensions.
pub fn activity_metrics(input: &Table, steps: &Steps, meter: &Meter) -> Result<Table, Error> {
    let data = activity::read(input, meter)?;
    let mut per_bin: Vec<Vec<HashSet<&str>>> =
        vec![vec![HashSet::new(); steps.count()]; data.tuples.len()];
    for e in &data.events {
        if let Some(bin) = steps.of(e.time) {
            per_bin[e.tuple][bin].insert(&e.id);
        }
    }
    let time_name = input.schema.fields[1].name.clone();
    let mut fields = activity::leading_fields(input, &[time_name]);
    fields.extend([
        Field::new("dcount_values", Type::Long),
        Field::new("dcount_newvalues", Type::Long),
        Field::new("retention_rate", Type::Real),
        Field::new("churn_rate", Type::Real),
    ]);
    let ty = input.schema.fields[1].ty;
    let empty = HashSet::new();
    let mut rows = Rows::new(fields, meter);
    for bin in 0..steps.count() {
        for (t, dims) in data.tuples.iter().enumerate() {
            let now = &per_bin[t][bin];
            let before = if bin == 0 {
                &empty
            } else {
                &per_bin[t][bin - 1]
            };
            let returned = now.intersection(before).count();
            let mut row = vec![activity::time_value(ty, steps.time(bin))];
            row.extend(dims.iter().cloned());
            row.extend([
                Value::Long(now.len() as i64),
                Value::Long((now.len() - returned) as i64),
                activity::ratio(returned, before.len()),
                activity::ratio(before.len() - returned, before.len()),
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
    fn each_window_is_compared_with_the_one_before() {
        // Window 0: a, b, c; window 1: a, d (a returned, b and c lost); window 2: b (new again).
        let t = events(&[
            ("a", 0),
            ("b", 1),
            ("c", 2),
            ("a", 10),
            ("d", 11),
            ("b", 20),
        ]);
        let steps = Steps {
            start: 0,
            end: 29,
            step: 10,
        };
        let out = activity_metrics(&t, &steps, &Meter::default()).unwrap();
        assert_eq!(
            out.columns[1],
            Column::Long(vec![Some(3), Some(2), Some(1)])
        );
        assert_eq!(
            out.columns[2],
            Column::Long(vec![Some(3), Some(1), Some(1)])
        );
        let Column::Real(retention) = &out.columns[3] else {
            panic!("retention_rate is real")
        };
        assert!(retention[0].unwrap().is_nan());
        assert_eq!(&retention[1..], &[Some(1.0 / 3.0), Some(0.0)]);
        assert_eq!(out.columns[4].get(1), Value::Real(2.0 / 3.0));
    }
}
