//! `funnel_sequence_completion(Id, Timeline, Start, End, BinSize, State, Sequence,
//! MaxSequenceStepPeriods)`: in each window of the timeline and for each period, how far ids got
//! through the sequence: an id reaches step k when, after an event in the first state, events in
//! the next states follow in order (not necessarily back to back), the last within the period of
//! the first. One row per window, period and step (in that order) with `dcount` of the ids that
//! reached it. <https://learn.microsoft.com/en-us/kusto/query/funnel-sequence-completion-plugin>

use super::activity::{self, Rows, Steps};
use super::funnel_sequence::tracks;
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value};

/// The most steps of `sequence` one id's events reach within `period` of a first step.
fn reached(track: &[(i64, String)], sequence: &[String], period: i64) -> usize {
    let mut best = 0;
    for (i, first) in track.iter().enumerate() {
        if first.1 != sequence[0] {
            continue;
        }
        // The earliest match of each next step is never worse than a later one.
        let mut got = 1;
        for event in &track[i + 1..] {
            if got == sequence.len() || event.0 - first.0 > period {
                break;
            }
            if event.1 == sequence[got] {
                got += 1;
            }
        }
        best = best.max(got);
    }
    best
}

pub fn funnel_sequence_completion(
    input: &Table,
    steps: &Steps,
    sequence: &[String],
    periods: &[i64],
    meter: &Meter,
) -> Result<Table, Error> {
    let time_field = &input.schema.fields[1];
    let mut rows = Rows::new(
        vec![
            time_field.clone(),
            input.schema.fields[2].clone(),
            Field::new("Period", Type::TimeSpan),
            Field::new("dcount", Type::Long),
        ],
        meter,
    );
    let tracks = tracks(input, steps, meter)?;
    let mut pacer = meter.pacer();
    let empty = Vec::new();
    for bin in 0..steps.count() {
        let list = tracks.get(&bin).unwrap_or(&empty);
        for &period in periods {
            let mut counts = vec![0i64; sequence.len()];
            for (_, track) in list {
                pacer.step()?;
                for count in counts.iter_mut().take(reached(track, sequence, period)) {
                    *count += 1;
                }
            }
            for (state, count) in sequence.iter().zip(counts) {
                rows.push(&[
                    activity::time_value(time_field.ty, steps.time(bin)),
                    Value::String(state.as_str().into()),
                    Value::TimeSpan(period),
                    Value::Long(count),
                ])?;
            }
        }
    }
    Ok(rows.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(events: &[(i64, &str)]) -> Vec<(i64, String)> {
        events.iter().map(|(t, s)| (*t, s.to_string())).collect()
    }

    #[test]
    fn steps_count_in_order_within_the_period() {
        let seq: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let t = track(&[(0, "a"), (1, "x"), (2, "b"), (9, "c")]);
        assert_eq!(reached(&t, &seq, 5), 2);
        assert_eq!(reached(&t, &seq, 9), 3);
        // b before a does not count; a later a can start over.
        let t = track(&[(0, "b"), (1, "a"), (2, "c"), (3, "a"), (4, "b")]);
        assert_eq!(reached(&t, &seq, 10), 2);
        assert_eq!(reached(&track(&[(0, "x")]), &seq, 10), 0);
    }
}
