//! `make-series aggs default=d on Axis from a to b step s by keys`: a hash aggregation on
//! (keys, axis bin), then one array per aggregate per key holding a value for every bin of the
//! range (the default where a bin had no rows), plus the array of bin starts. Bins are
//! `[from + i·step, from + (i+1)·step)` up to `to` (exclusive; the binder turns the inclusive
//! stop of `in range(…)` into such a `to`); without `from`/`to` the range spans the bins the
//! data falls into. `kind=nonempty` gives an empty input one row of defaults.

use super::keys::GroupIds;
use super::summarize::new_accumulators;
use super::{batch, eval_args, eval_each, eval_expr, project::filter_rows, runtime, Meter};
use crate::error::Error;
use crate::func::{Accumulator, EvalContext};
use crate::plan;
use crate::table::{value_to_json, Column, Schema, Table, Type, Value};
use rustc_hash::FxHashMap;

/// Most bins one series may have, so a tiny step over a wide range fails instead of exhausting
/// memory.
const MAX_BINS: i64 = 1_000_000;

/// Where bins start and how wide they are, in the axis's own arithmetic.
#[derive(Clone, Copy)]
enum Axis {
    /// Datetime, timespan, long, int: exact integer bins.
    Ticks {
        origin: i64,
        step: i64,
    },
    Real {
        origin: f64,
        step: f64,
    },
}

impl Axis {
    fn bin_of(self, column: &Column, row: usize) -> Option<i64> {
        match self {
            Axis::Ticks { origin, step } => {
                let v = match column {
                    Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => v[row]?,
                    Column::Int(v) => i64::from(v[row]?),
                    _ => return None,
                };
                Some((v.checked_sub(origin)?).div_euclid(step))
            }
            Axis::Real { origin, step } => {
                let v = match column {
                    Column::Real(v) => v[row]?,
                    Column::Long(v) => v[row]? as f64,
                    Column::Int(v) => f64::from(v[row]?),
                    _ => return None,
                };
                let bin = ((v - origin) / step).floor();
                bin.is_finite().then_some(bin as i64)
            }
        }
    }

    /// The start of bin `bin` as a value of the axis type `ty`.
    fn bin_start(self, bin: i64, ty: Type) -> Value {
        match self {
            Axis::Ticks { origin, step } => {
                let v = origin + bin * step;
                match ty {
                    Type::DateTime => Value::DateTime(v),
                    Type::TimeSpan => Value::TimeSpan(v),
                    _ => Value::Long(v),
                }
            }
            Axis::Real { origin, step } => Value::Real(origin + bin as f64 * step),
        }
    }

    /// The number of bins from `origin` up to `to`, exclusive.
    fn bins_until(self, to: &Value) -> Option<i64> {
        match (self, to) {
            (
                Axis::Ticks { origin, step },
                Value::DateTime(t) | Value::TimeSpan(t) | Value::Long(t),
            ) => Some((t - origin + step - 1).div_euclid(step)),
            (Axis::Ticks { origin, step }, Value::Int(t)) => {
                Some((i64::from(*t) - origin + step - 1).div_euclid(step))
            }
            (Axis::Real { origin, step }, to) => {
                Some(((number(to)? - origin) / step).ceil() as i64)
            }
            _ => None,
        }
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Real(r) => Some(*r),
        Value::Long(v) | Value::DateTime(v) | Value::TimeSpan(v) => Some(*v as f64),
        Value::Int(v) => Some(f64::from(*v)),
        _ => None,
    }
}

fn ticks(value: &Value) -> Option<i64> {
    match value {
        Value::Long(v) | Value::DateTime(v) | Value::TimeSpan(v) => Some(*v),
        Value::Int(v) => Some(i64::from(*v)),
        _ => None,
    }
}

pub(super) struct MakeSeries<'a> {
    spec: &'a plan::MakeSeries,
    schema: &'a Schema,
    ctx: &'a EvalContext,
    axis: Axis,
    groups: GroupIds,
    key_values: Vec<Column>,
    /// (group, bin) → cell; cells are what the accumulators group by.
    cells: FxHashMap<(usize, i64), usize>,
    cell_keys: Vec<(usize, i64)>,
    accumulators: Vec<Box<dyn Accumulator>>,
    /// Smallest and largest bin seen (for a range without `from` or `to`).
    seen: Option<(i64, i64)>,
}

impl<'a> MakeSeries<'a> {
    pub(super) fn new(
        spec: &'a plan::MakeSeries,
        schema: &'a Schema,
        ctx: &'a EvalContext,
    ) -> Result<MakeSeries<'a>, Error> {
        let integral_axis = matches!(
            spec.axis.ty,
            Type::DateTime | Type::TimeSpan | Type::Long | Type::Int
        );
        let axis = match (integral_axis, ticks(&spec.step)) {
            (true, Some(step)) if step > 0 => Axis::Ticks {
                origin: spec.from.as_ref().and_then(ticks).unwrap_or(0),
                step,
            },
            _ => match number(&spec.step) {
                Some(step) if step > 0.0 && step.is_finite() => Axis::Real {
                    origin: spec.from.as_ref().and_then(number).unwrap_or(0.0),
                    step,
                },
                _ => {
                    return Err(
                        runtime("make-series: the step must be positive").with_span(spec.axis.span)
                    )
                }
            },
        };
        Ok(MakeSeries {
            spec,
            schema,
            ctx,
            axis,
            groups: GroupIds::default(),
            key_values: schema.fields[..spec.keys.len()]
                .iter()
                .map(|f| Column::empty(f.ty))
                .collect(),
            cells: FxHashMap::default(),
            cell_keys: Vec::new(),
            accumulators: new_accumulators(
                &spec
                    .aggregates
                    .iter()
                    .map(|(a, _)| a.clone())
                    .collect::<Vec<_>>(),
            ),
            seen: None,
        })
    }

    fn bin_range_limit(&self) -> Option<i64> {
        self.spec
            .to
            .as_ref()
            .and_then(|to| self.axis.bins_until(to))
    }

    pub(super) fn add(&mut self, input: Table) -> Result<(), Error> {
        let axis_values = eval_expr(&self.spec.axis, &input, self.ctx)?;
        let limit = self.bin_range_limit();
        let has_from = self.spec.from.is_some();
        let mut bins = Vec::with_capacity(input.num_rows());
        let mask: Vec<bool> = (0..input.num_rows())
            .map(|row| {
                let bin = self.axis.bin_of(&axis_values, row);
                let in_range =
                    bin.is_some_and(|b| (!has_from || b >= 0) && limit.is_none_or(|l| b < l));
                if in_range {
                    bins.push(bin.unwrap_or_default());
                }
                in_range
            })
            .collect();
        if bins.is_empty() {
            return Ok(());
        }
        let input = filter_rows(input, &mask);
        let keys = eval_each(&self.spec.keys, &input, self.ctx)?;
        let (mut row_groups, mut new_rows) = (Vec::new(), Vec::new());
        self.groups
            .assign(&keys, bins.len(), &mut row_groups, &mut new_rows);
        for (kept, key) in self.key_values.iter_mut().zip(&keys) {
            kept.extend_from(&key.take(&new_rows));
        }
        let cells: Vec<usize> = row_groups
            .iter()
            .zip(&bins)
            .map(|(&group, &bin)| {
                let next = self.cell_keys.len();
                *self.cells.entry((group, bin)).or_insert_with(|| {
                    self.cell_keys.push((group, bin));
                    next
                })
            })
            .collect();
        let (lo, hi) = bins
            .iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &b| (lo.min(b), hi.max(b)));
        self.seen = Some(self.seen.map_or((lo, hi), |(l, h)| (l.min(lo), h.max(hi))));
        for (acc, (agg, _)) in self.accumulators.iter_mut().zip(&self.spec.aggregates) {
            let args = eval_args(&agg.args, &input, self.ctx)?;
            acc.update(&cells, &args);
        }
        Ok(())
    }

    pub(super) fn finish(self, meter: &Meter) -> Result<Table, Error> {
        let seen = match self.seen {
            Some(seen) => seen,
            // `kind=nonempty`: an empty input gives one row of defaults over the whole range
            // (the docs' example has no `by`; with `by`, that row's group columns are null, the
            // empty string for a string column, as Kusto has no null string).
            None if self.spec.nonempty => (0, -1),
            None => return Ok(Table::empty(self.schema.clone())),
        };
        let (seen_lo, seen_hi) = seen;
        let groups = if self.seen.is_none() {
            1
        } else {
            self.groups.len()
        };
        let first = if self.spec.from.is_some() { 0 } else { seen_lo };
        let end = self.bin_range_limit().unwrap_or(seen_hi + 1);
        let bins = end - first;
        if bins > MAX_BINS {
            return Err(runtime(format!(
                "make-series would make {bins} bins per series (at most {MAX_BINS}); use a larger step"
            )));
        }
        let bins = bins.max(0) as usize;
        if let Some(message) = self.accumulators.iter().find_map(|acc| acc.overflow()) {
            return Err(runtime(message));
        }
        let cells = self.cell_keys.len();
        let mut columns = self.key_values;
        if self.seen.is_none() {
            for key in &mut columns {
                key.push(&Value::Null);
            }
        }
        for (acc, (_, default)) in self.accumulators.into_iter().zip(&self.spec.aggregates) {
            let results = acc.finish(cells);
            let default = value_to_json(default);
            // Series by series, asking the meter: many keys times many bins is a lot of cells.
            let mut series = Vec::with_capacity(groups);
            for _ in 0..groups {
                meter.check()?;
                series.push(vec![default.clone(); bins]);
            }
            for (cell, &(group, bin)) in self.cell_keys.iter().enumerate() {
                series[group][(bin - first) as usize] = value_to_json(&results.get(cell));
            }
            columns.push(Column::Dynamic(
                series.into_iter().map(serde_json::Value::Array).collect(),
            ));
        }
        let axis: Vec<serde_json::Value> = (first..end)
            .map(|bin| value_to_json(&self.axis.bin_start(bin, self.spec.axis.ty)))
            .collect();
        let mut axes = Vec::with_capacity(groups);
        for _ in 0..groups {
            meter.check()?;
            axes.push(serde_json::Value::Array(axis.clone()));
        }
        columns.push(Column::Dynamic(axes));
        Ok(batch(self.schema, columns))
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::func::AggregateFunc;
    use crate::plan::{self, BoundAggregate, Node, Plan};
    use crate::table::{Column, Type, Value, TICKS_PER_DAY};
    use serde_json::json;

    fn series(from: Option<Value>, to: Option<Value>) -> Plan {
        let day = |d: i64| Some(d * TICKS_PER_DAY);
        let input = values(&[
            ("k", strings(&["a", "a", "b", "a"])),
            ("t", Column::DateTime(vec![day(0), day(2), day(2), day(9)])),
        ]);
        let count = BoundAggregate {
            func: AggregateFunc::Count,
            args: vec![],
            ty: Type::Long,
        };
        Plan {
            schema: schema(&[
                ("k", Type::String),
                ("count_", Type::Dynamic),
                ("t", Type::Dynamic),
            ]),
            node: Node::MakeSeries(Box::new(plan::MakeSeries {
                input: std::sync::Arc::new(values_plan(input)),
                keys: vec![col(0, Type::String)],
                aggregates: vec![(count, Value::Long(0))],
                axis: col(1, Type::DateTime),
                from,
                to,
                step: Value::TimeSpan(TICKS_PER_DAY),
                nonempty: false,
            })),
        }
    }

    #[test]
    fn gaps_get_the_default_and_to_is_exclusive() {
        let out = run(series(
            Some(Value::DateTime(0)),
            Some(Value::DateTime(4 * TICKS_PER_DAY)),
        ));
        let day = |d: i64| json!(crate::format::datetime_json_text(d * TICKS_PER_DAY));
        let axis = json!([day(0), day(1), day(2), day(3)]);
        assert_eq!(
            rows(&out),
            vec![
                vec![
                    str_value("a"),
                    Value::Dynamic(json!([1, 0, 1, 0])),
                    Value::Dynamic(axis.clone())
                ],
                vec![
                    str_value("b"),
                    Value::Dynamic(json!([0, 0, 1, 0])),
                    Value::Dynamic(axis)
                ],
            ]
        );
    }

    #[test]
    fn without_bounds_the_range_spans_the_data() {
        let out = run(series(None, None));
        let Value::Dynamic(counts) = out.columns[1].get(0) else {
            panic!()
        };
        assert_eq!(counts, json!([1, 0, 1, 0, 0, 0, 0, 0, 0, 1]));
        let Value::Dynamic(counts) = out.columns[1].get(1) else {
            panic!()
        };
        assert_eq!(counts.as_array().unwrap().len(), 10);
    }
}
