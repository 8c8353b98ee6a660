//! `funnel_sequence(Id, Timeline, Start, End, MaxSequenceStepWindow, Step, State, Sequence)`: in
//! each step window of the timeline, the ids whose events (in time order) hold the sequence of
//! states as consecutive events, each no more than `MaxSequenceStepWindow` after the one before,
//! and what came just before (`prev`) and just after (`next`) it: one row per `(prev, next)` with
//! `dcount` of those ids and up to 128 of them as `samples`. A `prev` or `next` more than
//! `MaxSequenceStepWindow` away, or missing, is empty. Rows go by window, then by `dcount`
//! (largest first), then `prev` and `next`. Kusto returns two more tables (by `prev` alone and by
//! `next` alone); kqlite returns this first one.
//! <https://learn.microsoft.com/en-us/kusto/query/funnel-sequence-plugin>

use std::collections::{BTreeMap, HashMap};

use super::activity::{self, Rows, Steps};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{value_to_json, Field, Table, Type, Value};

/// At most this many ids are listed in `samples`.
const SAMPLES: usize = 128;

pub struct Funnel {
    pub steps: Steps,
    pub max_step: i64,
    pub sequence: Vec<String>,
}

/// One id's events in one window, in time order: (time, state).
type Track = Vec<(i64, String)>;

/// `input` columns: id, timeline, state. Events are grouped by window and id, each id's in time
/// order (input order among equal times).
pub(super) fn tracks(
    input: &Table,
    steps: &Steps,
    meter: &Meter,
) -> Result<BTreeMap<usize, Vec<(Value, Track)>>, Error> {
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
    let mut out: BTreeMap<usize, Vec<(Value, Track)>> = BTreeMap::new();
    for row in 0..input.num_rows() {
        meter.check_every(row)?;
        let id = input.columns[0].get(row);
        let Some(time) = activity::ticks(&input.columns[1].get(row)) else {
            continue;
        };
        let Some(bin) = steps.of(time) else { continue };
        if id.is_null() {
            continue;
        }
        let state = crate::format::value_text(&input.columns[2].get(row));
        let list = out.entry(bin).or_default();
        let slot = *index
            .entry((bin, crate::format::value_text(&id)))
            .or_insert_with(|| {
                list.push((id, Vec::new()));
                list.len() - 1
            });
        list[slot].1.push((time, state));
    }
    for list in out.values_mut() {
        for (_, track) in list.iter_mut() {
            track.sort_by_key(|e| e.0);
        }
    }
    Ok(out)
}

pub fn funnel_sequence(input: &Table, funnel: &Funnel, meter: &Meter) -> Result<Table, Error> {
    let time_field = &input.schema.fields[1];
    let mut rows = Rows::new(
        vec![
            time_field.clone(),
            Field::new("prev", Type::String),
            Field::new("next", Type::String),
            Field::new("dcount", Type::Long),
            Field::new("samples", Type::Dynamic),
        ],
        meter,
    );
    let n = funnel.sequence.len();
    let mut pacer = meter.pacer();
    for (bin, list) in tracks(input, &funnel.steps, meter)? {
        // (prev, next) → ids (by text, for distinctness and a stable sample order)
        let mut found: HashMap<(String, String), BTreeMap<String, Value>> = HashMap::new();
        for (id, track) in &list {
            if n == 0 || track.len() < n {
                continue;
            }
            for i in 0..=track.len() - n {
                pacer.step()?;
                let run = &track[i..i + n];
                let holds = run.iter().zip(&funnel.sequence).all(|(e, s)| &e.1 == s)
                    && run.windows(2).all(|w| w[1].0 - w[0].0 <= funnel.max_step);
                if !holds {
                    continue;
                }
                let prev = match i.checked_sub(1).map(|p| &track[p]) {
                    Some(e) if run[0].0 - e.0 <= funnel.max_step => e.1.clone(),
                    _ => String::new(),
                };
                let next = match track.get(i + n) {
                    Some(e) if e.0 - run[n - 1].0 <= funnel.max_step => e.1.clone(),
                    _ => String::new(),
                };
                found
                    .entry((prev, next))
                    .or_default()
                    .insert(crate::format::value_text(id), id.clone());
            }
        }
        let mut found: Vec<_> = found.into_iter().collect();
        found.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        for ((prev, next), ids) in found {
            let samples: Vec<serde_json::Value> =
                ids.values().take(SAMPLES).map(value_to_json).collect();
            rows.push(&[
                activity::time_value(time_field.ty, funnel.steps.time(bin)),
                Value::String(prev.as_str().into()),
                Value::String(next.as_str().into()),
                Value::Long(ids.len() as i64),
                Value::Dynamic(serde_json::Value::Array(samples)),
            ])?;
        }
    }
    Ok(rows.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Schema};

    pub(crate) fn input(rows: &[(&str, i64, &str)]) -> Table {
        Table::new(
            Schema::new(vec![
                Field::new("Id", Type::String),
                Field::new("T", Type::Long),
                Field::new("S", Type::String),
            ]),
            vec![
                Column::String(rows.iter().map(|r| r.0.into()).collect()),
                Column::Long(rows.iter().map(|r| Some(r.1)).collect()),
                Column::String(rows.iter().map(|r| r.2.into()).collect()),
            ],
        )
    }

    #[test]
    fn prev_and_next_surround_each_occurrence() {
        let t = input(&[
            ("a", 1, "x"),
            ("a", 2, "T"),
            ("a", 3, "y"),
            ("b", 5, "x"),
            ("b", 6, "T"),
            ("c", 1, "T"),
            ("c", 50, "y"), // too far after to be c's next
        ]);
        let funnel = Funnel {
            steps: Steps {
                start: 0,
                end: 99,
                step: 100,
            },
            max_step: 10,
            sequence: vec!["T".into()],
        };
        let out = funnel_sequence(&t, &funnel, &Meter::default()).unwrap();
        let rows: Vec<Vec<Value>> = out.rows().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][1], Value::String("".into()));
        assert_eq!(rows[0][3], Value::Long(1));
        // Ties of 1 go by prev then next: ("", ""), ("x", ""), ("x", "y").
        assert_eq!(rows[1][1], Value::String("x".into()));
        assert_eq!(rows[1][2], Value::String("".into()));
        assert_eq!(rows[2][2], Value::String("y".into()));
        assert_eq!(rows[2][4], Value::Dynamic(serde_json::json!(["a"])));
    }
}
