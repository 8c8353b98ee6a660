//! `active_users_count(Id, Timeline, Start, End, LookbackWindow, Period, ActivePeriodsCount, Bin
//! [, dim…])`: for each bin, `dcount`, the distinct ids with an active appearance in it. An
//! appearance at `t` is active when the id appears in at least `ActivePeriodsCount` distinct
//! periods (`bin(time, Period)`) within the lookback `(t - LookbackWindow, t]`; appearances
//! before `Start` count for the lookback. Only bins with a count are returned, as the doc page's
//! example prints (three bins of July 2018 have none and are absent).
//! <https://learn.microsoft.com/en-us/kusto/query/active-users-count-plugin>

use std::collections::{BTreeMap, HashMap, HashSet};

use super::activity::{self, Rows, Steps};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value, EPOCH_TICKS};

pub struct Activeness {
    pub lookback: i64,
    pub period: i64,
    pub periods: usize,
}

/// `input` columns: id, timeline, then the dimensions.
pub fn active_users_count(
    input: &Table,
    steps: &Steps,
    rule: &Activeness,
    meter: &Meter,
) -> Result<Table, Error> {
    let data = activity::read(input, meter)?;
    let ty = input.schema.fields[1].ty;
    // Periods are `bin()`'s: a datetime's from Kusto's origin, 0001-01-01.
    let origin = if ty == Type::DateTime { EPOCH_TICKS } else { 0 };
    let mut times: HashMap<(usize, &str), Vec<i64>> = HashMap::new();
    for e in &data.events {
        times.entry((e.tuple, &e.id)).or_default().push(e.time);
    }
    // (bin, tuple) → the ids active in it
    let mut active: BTreeMap<(usize, usize), HashSet<&str>> = BTreeMap::new();
    // Each appearance looks back over the id's others: many appearances of one id are many steps.
    let mut pacer = meter.pacer();
    for ((tuple, id), list) in &mut times {
        list.sort_unstable();
        for &t in list.iter() {
            pacer.step()?;
            let Some(bin) = steps.of(t) else { continue };
            let periods: HashSet<i64> = list
                .iter()
                .filter(|&&u| u <= t && u > t.saturating_sub(rule.lookback))
                .map(|&u| (u + origin).div_euclid(rule.period.max(1)))
                .collect();
            if periods.len() >= rule.periods {
                active.entry((bin, *tuple)).or_default().insert(id);
            }
        }
    }
    let time_name = input.schema.fields[1].name.clone();
    let mut fields = activity::leading_fields(input, &[time_name]);
    fields.push(Field::new("dcount", Type::Long));
    let mut rows = Rows::new(fields, meter);
    for ((bin, tuple), ids) in &active {
        let mut row = vec![activity::time_value(ty, steps.time(*bin))];
        row.extend(data.tuples[*tuple].iter().cloned());
        row.push(Value::Long(ids.len() as i64));
        rows.push(&row)?;
    }
    Ok(rows.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::plugin::activity::test_input::events;
    use crate::table::Column;

    #[test]
    fn an_appearance_is_active_with_enough_periods_in_its_lookback() {
        // a in periods 0, 1, 2 (times 1, 11, 21): active at 21 with a lookback of 25, not of 20
        // (the lookback excludes its start: 21 - 20 = 1 is out).
        let t = events(&[("a", 1), ("a", 11), ("a", 21), ("b", 21)]);
        let steps = Steps {
            start: 0,
            end: 29,
            step: 10,
        };
        let rule = |lookback| Activeness {
            lookback,
            period: 10,
            periods: 3,
        };
        let out = active_users_count(&t, &steps, &rule(25), &Meter::default()).unwrap();
        assert_eq!(out.columns[0], Column::Long(vec![Some(20)]));
        assert_eq!(out.columns[1], Column::Long(vec![Some(1)]));
        let out = active_users_count(&t, &steps, &rule(20), &Meter::default()).unwrap();
        assert_eq!(out.num_rows(), 0);
    }
}
