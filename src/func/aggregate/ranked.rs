//! Nearest-rank percentiles beyond the single `percentile`: several points into one dynamic
//! array (`percentiles_array`), and weighted forms where each value counts as many times as its
//! weight (`percentilew`, `percentilesw` through `bind`'s expansion, `percentilesw_array`).
//! Exact: every value of a group is kept, as `percentile` does.
//! <https://learn.microsoft.com/en-us/kusto/query/percentiles-aggregation-function>,
//! <https://learn.microsoft.com/en-us/kusto/query/percentilesw-aggregation-function>

use serde_json::Value as J;

use super::AggregateFunc as A;
use super::{slot, view, Accumulator};
use super::{
    AggregateDef, AggregateNaming,
    AggregateResult::{Fixed, Rule},
};
use crate::table::Type as T;
use crate::table::{value_to_json, Column, Type, Value};

/// Weighted nearest-rank percentiles of a group's values: arguments are
/// `value [, weight], points…` where the points are constants (numbers, or one dynamic array of
/// numbers). A null or negative weight drops the row, as does a null value.
pub struct Ranked {
    input: Type,
    weighted: bool,
    /// One output column of the input's type (`percentilew`), or a dynamic array of all points.
    as_array: bool,
    points: Option<Vec<f64>>,
    values: Vec<Vec<(f64, i64, u64)>>,
}

impl Ranked {
    pub fn new(input: Type, weighted: bool, as_array: bool) -> Ranked {
        Ranked {
            input,
            weighted,
            as_array,
            points: None,
            values: Vec::new(),
        }
    }

    /// The percent points, read once from the constant arguments' first row.
    fn read_points(&self, args: &[Column]) -> Vec<f64> {
        let first = if self.weighted { 2 } else { 1 };
        let mut points = Vec::new();
        for col in args.iter().skip(first).filter(|c| !c.is_empty()) {
            let d = view(col);
            match col {
                Column::Dynamic(_) => {
                    if let J::Array(items) = d.dyns().get(0) {
                        points.extend(items.iter().filter_map(J::as_f64));
                    }
                }
                _ => points.extend(*d.reals().get(0)),
            }
        }
        points
    }

    /// The value at `percent` of sorted `(sort key, ticks, weight)` triples, by weight.
    pub(super) fn at(sorted: &[(f64, i64, u64)], total: u64, percent: f64) -> Option<(f64, i64)> {
        let first = sorted.first()?;
        let rank = (percent.clamp(0.0, 100.0) / 100.0 * total as f64).ceil() as u64;
        let rank = rank.max(1);
        let mut seen = 0u64;
        for &(x, ticks, w) in sorted {
            seen += w;
            if seen >= rank {
                return Some((x, ticks));
            }
        }
        let last = sorted.last().unwrap_or(first);
        Some((last.0, last.1))
    }

    fn typed(&self, value: (f64, i64)) -> Value {
        match self.input {
            Type::Int | Type::Long | Type::Bool => Value::Long(value.1),
            Type::DateTime => Value::DateTime(value.1),
            Type::TimeSpan => Value::TimeSpan(value.1),
            _ => Value::Real(value.0),
        }
    }
}

impl Accumulator for Ranked {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        if self.points.is_none() {
            self.points = Some(self.read_points(args));
        }
        let d = view(col);
        let integral = !matches!(self.input, Type::Real | Type::Dynamic);
        let longs = integral.then(|| d.longs());
        let reals = (!integral).then(|| d.reals());
        let weights = self.weighted.then(|| args.get(1).map(view)).flatten();
        let weights = weights.as_ref().map(|w| w.longs());
        for (i, &g) in groups.iter().enumerate() {
            let weight = match &weights {
                None => 1,
                Some(w) => match *w.get(i) {
                    Some(w) if w >= 0 => w as u64,
                    _ => continue,
                },
            };
            let entry = match (&longs, &reals) {
                (Some(l), _) => l.get(i).map(|t| (t as f64, t)),
                (None, Some(r)) => r.get(i).filter(|x| !x.is_nan()).map(|x| (x, 0)),
                (None, None) => None,
            };
            if let Some((x, ticks)) = entry {
                if weight > 0 {
                    slot(&mut self.values, g, Vec::new()).push((x, ticks, weight));
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        let points = self.points.take().unwrap_or_default();
        let mut groups = std::mem::take(&mut self.values);
        groups.resize(num_groups, Vec::new());
        let results: Vec<Vec<Option<Value>>> = groups
            .into_iter()
            .map(|mut v| {
                v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let total: u64 = v.iter().map(|e| e.2).sum();
                points
                    .iter()
                    .map(|&p| Self::at(&v, total, p).map(|x| self.typed(x)))
                    .collect()
            })
            .collect();
        if self.as_array {
            return Column::Dynamic(
                results
                    .into_iter()
                    .map(|r| {
                        if r.iter().all(Option::is_none) {
                            J::Null
                        } else {
                            J::Array(
                                r.iter()
                                    .map(|v| v.as_ref().map_or(J::Null, value_to_json))
                                    .collect(),
                            )
                        }
                    })
                    .collect(),
            );
        }
        let one = |r: &Vec<Option<Value>>| r.first().cloned().flatten();
        match self.input {
            Type::Int | Type::Long | Type::Bool => Column::Long(
                results
                    .iter()
                    .map(|r| match one(r) {
                        Some(Value::Long(x)) => Some(x),
                        _ => None,
                    })
                    .collect(),
            ),
            Type::DateTime | Type::TimeSpan => {
                let v = results
                    .iter()
                    .map(|r| match one(r) {
                        Some(Value::DateTime(x) | Value::TimeSpan(x)) => Some(x),
                        _ => None,
                    })
                    .collect();
                if self.input == Type::DateTime {
                    Column::DateTime(v)
                } else {
                    Column::TimeSpan(v)
                }
            }
            _ => Column::Real(
                results
                    .iter()
                    .map(|r| match one(r) {
                        Some(Value::Real(x)) => Some(x),
                        _ => None,
                    })
                    .collect(),
            ),
        }
    }
}

/// The type of one weighted percentile: a long for integers, a datetime or timespan keeps its
/// type, real otherwise (as `percentile`).
fn point_type(args: &[crate::func::Arg]) -> Result<T, crate::func::LookupError> {
    let input = args.first().map_or(T::Long, |a| a.ty);
    Ok(match input {
        T::Int | T::Long => T::Long,
        T::TimeSpan | T::DateTime => input,
        _ => T::Real,
    })
}

fn first_type(arg_types: &[Type]) -> Type {
    arg_types.first().copied().unwrap_or(Type::Real)
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[
    AggregateDef {
        func: A::PercentilesArray,
        names: &["percentiles_array"],
        arity: (2, 64),
        result: Fixed(T::Dynamic),
        make: |arg_types, _result| Box::new(Ranked::new(first_type(arg_types), false, true)),
        naming: AggregateNaming::Prefix("percentiles"),
    },
    AggregateDef {
        func: A::PercentileW,
        names: &["percentilew"],
        arity: (3, 3),
        result: Rule(point_type),
        make: |arg_types, _result| Box::new(Ranked::new(first_type(arg_types), true, false)),
        naming: AggregateNaming::Positional,
    },
    AggregateDef {
        func: A::PercentilesWArray,
        names: &["percentilesw_array"],
        arity: (3, 64),
        result: Fixed(T::Dynamic),
        make: |arg_types, _result| Box::new(Ranked::new(first_type(arg_types), true, true)),
        naming: AggregateNaming::Prefix("percentiles"),
    },
];
