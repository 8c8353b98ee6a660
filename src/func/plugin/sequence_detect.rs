//! `sequence_detect(Timeline, MaxSequenceStepWindow, MaxSequenceSpan, Expr1, Expr2, …, Dim1, …)`:
//! within each tuple of dimensions, every chain of rows, in time order, where the first row
//! holds `Expr1`, the next `Expr2` and so on, each no more than `MaxSequenceStepWindow` after the
//! one before and the last no more than `MaxSequenceSpan` after the first. One row per chain: the
//! dimensions, each step's time (`Expr_Timeline`), and `Duration`, last minus first; ordered by
//! the steps' times, as the doc page's output is.
//! <https://learn.microsoft.com/en-us/kusto/query/sequence-detect-plugin>

use std::collections::HashMap;

use super::activity::Rows;
use super::invalid;
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value};

pub struct Detect {
    pub max_step: i64,
    pub max_span: i64,
    /// The output names of the step times.
    pub names: Vec<String>,
    /// At most this many chains, else an error.
    pub limit: usize,
}

/// `input` columns: the timeline (datetime), one bool per step, then the dimensions.
pub fn sequence_detect(input: &Table, detect: &Detect, meter: &Meter) -> Result<Table, Error> {
    let n = detect.names.len();
    // dimension tuple → (time, which steps the row holds)
    let mut tuples: Vec<Vec<Value>> = Vec::new();
    let mut events: Vec<Vec<(i64, Vec<bool>)>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in 0..input.num_rows() {
        meter.check_every(row)?;
        let Value::DateTime(time) = input.columns[0].get(row) else {
            continue;
        };
        let holds: Vec<bool> = (1..=n)
            .map(|c| input.columns[c].get(row) == Value::Bool(true))
            .collect();
        if !holds.contains(&true) {
            continue;
        }
        let dims: Vec<Value> = input.columns[1 + n..].iter().map(|c| c.get(row)).collect();
        let slot = *index.entry(format!("{dims:?}")).or_insert_with(|| {
            tuples.push(dims);
            events.push(Vec::new());
            events.len() - 1
        });
        events[slot].push((time, holds));
    }
    let mut chains: Vec<(Vec<i64>, usize)> = Vec::new();
    for (slot, list) in events.iter_mut().enumerate() {
        list.sort_by_key(|e| e.0);
        for start in 0..list.len() {
            meter.check_every(start)?;
            if list[start].1[0] {
                let mut chain = vec![start];
                extend(list, detect, &mut chain, &mut |times| {
                    chains.push((times, slot));
                    chains.len() <= detect.limit
                });
            }
        }
        if chains.len() > detect.limit {
            return Err(invalid(format!(
                "sequence_detect found more than {} sequences; narrow the steps or the windows",
                detect.limit
            )));
        }
    }
    chains.sort();
    let dims = &input.schema.fields[1 + n..];
    let mut fields: Vec<Field> = dims.to_vec();
    fields.extend(
        detect
            .names
            .iter()
            .map(|name| Field::new(name, Type::DateTime)),
    );
    fields.push(Field::new("Duration", Type::TimeSpan));
    let mut rows = Rows::new(fields, meter);
    for (times, slot) in chains {
        let mut row = tuples[slot].clone();
        row.extend(times.iter().map(|&t| Value::DateTime(t)));
        row.push(Value::TimeSpan(times[n - 1] - times[0]));
        rows.push(&row)?;
    }
    Ok(rows.finish())
}

/// Extend `chain` (row positions) by every row that can take the next step; `found` gets each
/// complete chain's times and says whether to go on.
fn extend(
    list: &[(i64, Vec<bool>)],
    detect: &Detect,
    chain: &mut Vec<usize>,
    found: &mut dyn FnMut(Vec<i64>) -> bool,
) -> bool {
    let n = detect.names.len();
    if chain.len() == n {
        return found(chain.iter().map(|&i| list[i].0).collect());
    }
    let last = list[chain[chain.len() - 1]].0;
    let first = list[chain[0]].0;
    for next in chain[chain.len() - 1] + 1..list.len() {
        let t = list[next].0;
        if t - last > detect.max_step || t - first > detect.max_span {
            break;
        }
        if list[next].1[chain.len()] {
            chain.push(next);
            let go_on = extend(list, detect, chain, found);
            chain.pop();
            if !go_on {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Schema};

    #[test]
    fn every_chain_within_the_windows_is_a_row() {
        // Dimension "x": heat at 0 and 10, fire at 12 and 40; steps of at most 30.
        let input = Table::new(
            Schema::new(vec![
                Field::new("T", Type::DateTime),
                Field::new("heat", Type::Bool),
                Field::new("fire", Type::Bool),
                Field::new("D", Type::String),
            ]),
            vec![
                Column::DateTime(vec![Some(0), Some(10), Some(12), Some(40), Some(5)]),
                Column::Bool(vec![
                    Some(true),
                    Some(true),
                    Some(false),
                    Some(false),
                    Some(true),
                ]),
                Column::Bool(vec![
                    Some(false),
                    Some(false),
                    Some(true),
                    Some(true),
                    Some(false),
                ]),
                Column::String(vec![
                    "x".into(),
                    "x".into(),
                    "x".into(),
                    "x".into(),
                    "y".into(),
                ]),
            ],
        );
        let detect = Detect {
            max_step: 30,
            max_span: 30,
            names: vec!["heat_T".into(), "fire_T".into()],
            limit: 100,
        };
        let out = sequence_detect(&input, &detect, &Meter::default()).unwrap();
        let rows: Vec<Vec<Value>> = out.rows().collect();
        // (0, 12), (10, 12), (10, 40); (0, 40) is 40 apart; y has no fire.
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0][1..],
            [Value::DateTime(0), Value::DateTime(12), Value::TimeSpan(12)]
        );
        assert_eq!(
            rows[2][1..],
            [
                Value::DateTime(10),
                Value::DateTime(40),
                Value::TimeSpan(30)
            ]
        );
        let tight = Detect { limit: 1, ..detect };
        assert!(sequence_detect(&input, &tight, &Meter::default()).is_err());
    }
}
