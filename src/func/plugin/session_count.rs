//! `session_count(Id, Timeline, Start, End, Bin, LookBackWindow [, dim…])`: for each bin of the
//! timeline and each dimension tuple, `count_sessions`, the number of sessions with activity in
//! that bin. An id's appearance continues its session when the id last appeared no more than
//! `LookBackWindow` before it (appearances before `Start` count for that); otherwise it starts a
//! new session. One row per bin from `Start` to `End` and per dimension tuple.
//! <https://learn.microsoft.com/en-us/kusto/query/session-count-plugin>

use std::collections::{HashMap, HashSet};

use super::activity::{self, Rows, Steps};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value};

/// `input` columns: id, timeline, then the dimensions.
pub fn session_count(
    input: &Table,
    steps: &Steps,
    lookback: i64,
    meter: &Meter,
) -> Result<Table, Error> {
    let mut data = activity::read(input, meter)?;
    data.events.sort_by_key(|e| e.time);
    // (tuple, id) → (its current session's number, its last appearance)
    let mut current: HashMap<(usize, &str), (usize, i64)> = HashMap::new();
    let mut sessions = 0usize;
    // (tuple, bin) → the sessions active in it
    let mut active: HashMap<(usize, usize), HashSet<usize>> = HashMap::new();
    for event in &data.events {
        let key = (event.tuple, event.id.as_str());
        let session = match current.get(&key) {
            Some(&(session, last)) if event.time - last <= lookback => session,
            _ => {
                sessions += 1;
                sessions
            }
        };
        current.insert(key, (session, event.time));
        if let Some(bin) = steps.of(event.time) {
            active
                .entry((event.tuple, bin))
                .or_default()
                .insert(session);
        }
    }
    let time_name = input.schema.fields[1].name.clone();
    let mut fields = activity::leading_fields(input, &[time_name]);
    fields.push(Field::new("count_sessions", Type::Long));
    let mut rows = Rows::new(fields, meter);
    let ty = input.schema.fields[1].ty;
    for bin in 0..steps.count() {
        for (t, dims) in data.tuples.iter().enumerate() {
            let count = active.get(&(t, bin)).map_or(0, HashSet::len);
            let mut row = vec![activity::time_value(ty, steps.time(bin))];
            row.extend(dims.iter().cloned());
            row.push(Value::Long(count as i64));
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
    fn a_gap_longer_than_the_lookback_starts_a_new_session() {
        // a: 0, 3, 5 (one session, gaps ≤ 3); b: 1, 9 (two sessions, gap 8).
        let t = events(&[("a", 0), ("b", 1), ("a", 3), ("a", 5), ("b", 9)]);
        let steps = Steps {
            start: 0,
            end: 14,
            step: 5,
        };
        let out = session_count(&t, &steps, 3, &Meter::default()).unwrap();
        assert_eq!(
            out.columns[0],
            Column::Long(vec![Some(0), Some(5), Some(10)])
        );
        // Bin 0: a's and b's first sessions; bin 5: a's, b's second; bin 10: none.
        assert_eq!(
            out.columns[1],
            Column::Long(vec![Some(2), Some(2), Some(0)])
        );
        let out = session_count(&t, &steps, 10, &Meter::default()).unwrap();
        assert_eq!(
            out.columns[1],
            Column::Long(vec![Some(2), Some(2), Some(0)])
        );
        let t = events(&[("a", 0), ("a", 2), ("a", 4)]);
        let one_bin = Steps {
            start: 0,
            end: 4,
            step: 5,
        };
        // Gaps of 2 with a lookback of 1: three sessions in one bin.
        let out = session_count(&t, &one_bin, 1, &Meter::default()).unwrap();
        assert_eq!(out.columns[1], Column::Long(vec![Some(3)]));
    }
}
