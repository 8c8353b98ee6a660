//! The time-binned activity plugins: `sliding_window_counts` and `activity_counts_metrics`. Both
//! read `(id, timestamp, dimensions…)` rows, bin the timestamps from `start` by `step` (bins from
//! `start` to `end`, inclusive), and give one row per bin and dimension tuple, in time order.
//! <https://learn.microsoft.com/en-us/kusto/query/sliding-window-counts-plugin>,
//! <https://learn.microsoft.com/en-us/kusto/query/activity-counts-metrics-plugin>

use std::collections::{HashMap, HashSet};

use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Column, Field, Schema, Table, Type, Value};

/// The bins of a timeline: `start`, `start + step`, … up to `end`.
#[derive(Debug, Clone, Copy)]
pub struct Bins {
    pub start: i64,
    pub end: i64,
    pub step: i64,
}

impl Bins {
    fn count(&self) -> usize {
        if self.step <= 0 || self.end < self.start {
            return 0;
        }
        ((self.end - self.start) / self.step + 1) as usize
    }

    /// The bin a timestamp falls into, if it is on the timeline.
    fn of(&self, ticks: i64) -> Option<usize> {
        if ticks < self.start {
            return None;
        }
        let bin = ((ticks - self.start) / self.step) as usize;
        (bin < self.count()).then_some(bin)
    }

    fn time(&self, bin: usize) -> i64 {
        self.start + bin as i64 * self.step
    }
}

/// The activity rows, split by dimension tuple (in order of first appearance): for each, the
/// ids seen in each bin, with repeats.
struct Activity {
    dims: Vec<Vec<Value>>,
    per_bin: Vec<Vec<Vec<String>>>,
}

/// `input` columns: id, timestamp (datetime), then the dimensions.
fn activity(input: &Table, bins: &Bins, meter: &Meter) -> Result<Activity, Error> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out = Activity {
        dims: Vec::new(),
        per_bin: Vec::new(),
    };
    // Without dimensions every bin has a row, rows or not.
    if input.columns.len() == 2 {
        index.insert(format!("{:?}", Vec::<Value>::new()), 0);
        out.dims.push(Vec::new());
        out.per_bin.push(vec![Vec::new(); bins.count()]);
    }
    for row in 0..input.num_rows() {
        meter.check_every(row)?;
        let Value::DateTime(ticks) = input.columns[1].get(row) else {
            continue;
        };
        let Some(bin) = bins.of(ticks) else { continue };
        let id = input.columns[0].get(row);
        if id.is_null() {
            continue;
        }
        let dims: Vec<Value> = input.columns[2..].iter().map(|c| c.get(row)).collect();
        let key = format!("{dims:?}");
        let slot = *index.entry(key).or_insert_with(|| {
            out.dims.push(dims);
            out.per_bin.push(vec![Vec::new(); bins.count()]);
            out.per_bin.len() - 1
        });
        out.per_bin[slot][bin].push(crate::format::value_text(&id));
    }
    Ok(out)
}

/// The output table: timeline column, dimension columns, then `counts` (name, one value per
/// dimension tuple and bin).
fn table(
    input: &Table,
    bins: &Bins,
    activity: &Activity,
    counts: Vec<(&str, Vec<Vec<i64>>)>,
    meter: &Meter,
) -> Result<Table, Error> {
    let mut fields = vec![input.schema.fields[1].clone()];
    fields.extend(input.schema.fields[2..].iter().cloned());
    fields.extend(counts.iter().map(|(name, _)| Field::new(*name, Type::Long)));
    let mut columns: Vec<Column> = fields
        .iter()
        .map(|f| Column::with_capacity(f.ty, 0))
        .collect();
    let mut pacer = meter.pacer();
    for bin in 0..bins.count() {
        for (d, dims) in activity.dims.iter().enumerate() {
            pacer.step()?;
            columns[0].push(&Value::DateTime(bins.time(bin)));
            for (i, v) in dims.iter().enumerate() {
                columns[1 + i].push(v);
            }
            for (c, (_, values)) in counts.iter().enumerate() {
                columns[1 + dims.len() + c].push(&Value::Long(values[d][bin]));
            }
        }
    }
    Ok(Table::new(Schema::new(fields), columns))
}

/// `sliding_window_counts(Id, Timeline, Start, End, LookbackWindow, Bin [, dim…])`: for each bin,
/// `Count` of the rows and `Dcount` of the ids in the bins of the lookback window ending with it.
pub fn sliding_window_counts(
    input: &Table,
    bins: &Bins,
    lookback: i64,
    meter: &Meter,
) -> Result<Table, Error> {
    let activity = activity(input, bins, meter)?;
    let span = ((lookback + bins.step - 1) / bins.step).max(1) as usize;
    let mut counts = Vec::new();
    let mut dcounts = Vec::new();
    // Each window reaches back `span` bins: bins × tuples windows, each a step.
    let mut pacer = meter.pacer();
    for per_bin in &activity.per_bin {
        let mut c = Vec::new();
        let mut d = Vec::new();
        for bin in 0..bins.count() {
            pacer.step()?;
            let window = &per_bin[(bin + 1).saturating_sub(span)..=bin];
            c.push(window.iter().map(|ids| ids.len() as i64).sum());
            let distinct: HashSet<&String> = window.iter().flatten().collect();
            d.push(distinct.len() as i64);
        }
        counts.push(c);
        dcounts.push(d);
    }
    table(
        input,
        bins,
        &activity,
        vec![("Count", counts), ("Dcount", dcounts)],
        meter,
    )
}

/// `activity_counts_metrics(Id, Timeline, Start, End, Step [, dim…])`: for each bin, `count` of
/// the rows, `dcount` of the ids, `new_dcount` of the ids not seen in an earlier bin, and
/// `aggregated_dcount` of the ids seen from the start through this bin.
pub fn activity_counts_metrics(input: &Table, bins: &Bins, meter: &Meter) -> Result<Table, Error> {
    let activity = activity(input, bins, meter)?;
    let mut metrics: [Vec<Vec<i64>>; 4] = Default::default();
    let mut pacer = meter.pacer();
    for per_bin in &activity.per_bin {
        let mut seen: HashSet<&String> = HashSet::new();
        let mut row: [Vec<i64>; 4] = Default::default();
        for ids in per_bin {
            pacer.step()?;
            let distinct: HashSet<&String> = ids.iter().collect();
            let new = distinct.iter().filter(|id| !seen.contains(*id)).count();
            seen.extend(distinct.iter().copied());
            row[0].push(ids.len() as i64);
            row[1].push(distinct.len() as i64);
            row[2].push(new as i64);
            row[3].push(seen.len() as i64);
        }
        for (m, r) in metrics.iter_mut().zip(row) {
            m.push(r);
        }
    }
    let [count, dcount, new_dcount, aggregated] = metrics;
    table(
        input,
        bins,
        &activity,
        vec![
            ("count", count),
            ("dcount", dcount),
            ("new_dcount", new_dcount),
            ("aggregated_dcount", aggregated),
        ],
        meter,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 864_000_000_000;

    fn input(rows: &[(&str, i64)]) -> Table {
        Table::new(
            Schema::new(vec![
                Field::new("Id", Type::String),
                Field::new("T", Type::DateTime),
            ]),
            vec![
                Column::String(rows.iter().map(|r| r.0.into()).collect()),
                Column::DateTime(rows.iter().map(|r| Some(r.1 * DAY)).collect()),
            ],
        )
    }

    #[test]
    fn windows_reach_back_and_rows_off_the_timeline_are_ignored() {
        let t = input(&[("a", 0), ("a", 1), ("b", 1), ("c", 2), ("z", 9), ("y", -1)]);
        let bins = Bins {
            start: 0,
            end: 2 * DAY,
            step: DAY,
        };
        let out = sliding_window_counts(&t, &bins, 2 * DAY, &Meter::default()).unwrap();
        assert_eq!(
            out.columns[1],
            Column::Long(vec![Some(1), Some(3), Some(3)])
        );
        assert_eq!(
            out.columns[2],
            Column::Long(vec![Some(1), Some(2), Some(3)])
        );
        let out = activity_counts_metrics(&t, &bins, &Meter::default()).unwrap();
        assert_eq!(
            out.columns[3],
            Column::Long(vec![Some(1), Some(1), Some(1)])
        );
        assert_eq!(
            out.columns[4],
            Column::Long(vec![Some(1), Some(2), Some(3)])
        );
    }

    #[test]
    fn no_rows_give_zero_counts_for_every_bin() {
        let t = input(&[]);
        let bins = Bins {
            start: 0,
            end: DAY,
            step: DAY,
        };
        let out = sliding_window_counts(&t, &bins, DAY, &Meter::default()).unwrap();
        assert_eq!(out.columns[1], Column::Long(vec![Some(0), Some(0)]));
    }
}
