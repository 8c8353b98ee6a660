//! `new_activity_metrics(Id, Timeline, Start, End, Window [, Cohort] [, dim…] [, Lookback])`: the
//! cohort of a window is the ids first seen in it (not in an earlier window, nor in the
//! `Lookback` table). For each cohort window `from`, each window `to` from it on, and each
//! dimension tuple: `dcount_new_values` (ids in `to` not seen up to `from`; for `to == from`, the
//! cohort), `dcount_retained_values` and `dcount_churn_values` (the cohort's ids seen and not seen
//! in `to`), and `retention_rate`/`churn_rate`, their shares of the cohort. `Cohort` keeps only
//! the cohort of the window holding it.
//! <https://learn.microsoft.com/en-us/kusto/query/new-activity-metrics-plugin>

use std::collections::HashSet;

use super::activity::{self, Rows, Steps};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value};

pub struct Options<'a> {
    /// Only the cohort of the window holding this time.
    pub cohort: Option<i64>,
    /// Ids seen before the analysis period.
    pub lookback: &'a HashSet<String>,
}

/// `input` columns: id, timeline, then the dimensions.
pub fn new_activity_metrics(
    input: &Table,
    steps: &Steps,
    options: &Options,
    meter: &Meter,
) -> Result<Table, Error> {
    let data = activity::read(input, meter)?;
    let count = steps.count();
    let mut per_bin: Vec<Vec<HashSet<&str>>> = vec![vec![HashSet::new(); count]; data.tuples.len()];
    for e in &data.events {
        if let Some(bin) = steps.of(e.time) {
            per_bin[e.tuple][bin].insert(&e.id);
        }
    }
    let only = options.cohort.map(|t| steps.of(t));
    let time_name = &input.schema.fields[1].name;
    let mut fields = activity::leading_fields(
        input,
        &[format!("from_{time_name}"), format!("to_{time_name}")],
    );
    fields.extend([
        Field::new("dcount_new_values", Type::Long),
        Field::new("dcount_retained_values", Type::Long),
        Field::new("dcount_churn_values", Type::Long),
        Field::new("retention_rate", Type::Real),
        Field::new("churn_rate", Type::Real),
    ]);
    let ty = input.schema.fields[1].ty;
    let mut rows = Rows::new(fields, meter);
    for from in 0..count {
        if only.is_some_and(|bin| bin != Some(from)) {
            continue;
        }
        for to in from..count {
            for (t, dims) in data.tuples.iter().enumerate() {
                let bins = &per_bin[t];
                let seen_before = |id: &&str, upto: usize| {
                    options.lookback.contains(*id) || bins[..upto].iter().any(|s| s.contains(id))
                };
                let cohort: HashSet<&str> = bins[from]
                    .iter()
                    .filter(|id| !seen_before(id, from))
                    .copied()
                    .collect();
                let new = if to == from {
                    cohort.len()
                } else {
                    bins[to]
                        .iter()
                        .filter(|id| !seen_before(id, from + 1))
                        .count()
                };
                let retained = cohort.intersection(&bins[to]).count();
                let churned = cohort.len() - retained;
                let mut row = vec![
                    activity::time_value(ty, steps.time(from)),
                    activity::time_value(ty, steps.time(to)),
                ];
                row.extend(dims.iter().cloned());
                row.extend([
                    Value::Long(new as i64),
                    Value::Long(retained as i64),
                    Value::Long(churned as i64),
                    activity::ratio(retained, cohort.len()),
                    activity::ratio(churned, cohort.len()),
                ]);
                rows.push(&row)?;
            }
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
    fn cohorts_are_first_seen_ids_and_lookback_ids_are_not_new() {
        // Window 0: a, b; window 1: a, c; window 2: c.
        let t = events(&[("a", 0), ("b", 0), ("a", 1), ("c", 1), ("c", 2)]);
        let steps = Steps {
            start: 0,
            end: 2,
            step: 1,
        };
        let none = HashSet::new();
        let all = Options {
            cohort: None,
            lookback: &none,
        };
        let out = new_activity_metrics(&t, &steps, &all, &Meter::default()).unwrap();
        // (0,0) (0,1) (0,2) (1,1) (1,2) (2,2); c in window 2 is new to what was seen up to
        // window 0, not to what was seen up to window 1.
        assert_eq!(
            out.columns[2],
            Column::Long(vec![Some(2), Some(1), Some(1), Some(1), Some(0), Some(0)])
        );
        assert_eq!(
            out.columns[3],
            Column::Long(vec![Some(2), Some(1), Some(0), Some(1), Some(1), Some(0)])
        );
        assert_eq!(out.columns[5].get(1), Value::Real(0.5));
        let known: HashSet<String> = ["a".to_string()].into();
        let one = Options {
            cohort: Some(0),
            lookback: &known,
        };
        let out = new_activity_metrics(&t, &steps, &one, &Meter::default()).unwrap();
        assert_eq!(out.num_rows(), 3);
        // With a seen before, window 0's cohort is b alone.
        assert_eq!(
            out.columns[3],
            Column::Long(vec![Some(1), Some(0), Some(0)])
        );
    }
}
