//! `tdigest(x [, weight])` and `tdigest_merge(d)` / `merge_tdigest(d)`: Kusto's intermediate
//! results for percentiles, and the [`Digest`] value they hold, which the `*_tdigest` scalar
//! functions (`func::scalar::digest`) read.
//!
//! Kusto prints a digest as `[[7],[v1,v2,…],[w1,w2,…]]`: a header naming the value type (7 for
//! `long`), then the distinct values in the order first seen, then each value's weight (the
//! tdigest page's example shows exactly this for a long column). kqlite keeps that layout and
//! never compresses values into centroids: every distinct value stays its own centroid, so the
//! percentiles and ranks read from a digest are exact (Kusto's are estimates once a digest holds
//! more values than its compression keeps). The header is `[7]` for `long` as in Kusto; Kusto's
//! codes for other types are not documented, so kqlite writes the type's name there (`["real"]`,
//! `["datetime"]`, …). Datetimes and timespans are kept as their ticks.
//! <https://learn.microsoft.com/en-us/kusto/query/tdigest-aggregation-function>,
//! <https://learn.microsoft.com/en-us/kusto/query/tdigest-merge-aggregation-function>

use std::collections::HashMap;

use serde_json::Value as J;

use super::AggregateFunc as A;
use super::{slot, view, Accumulator};
use super::{
    AggregateDef, AggregateNaming,
    AggregateResult::{Fixed, Rule},
};
use crate::func::{Arg, LookupError};
use crate::table::Type as T;
use crate::table::{Column, Value};

/// Kusto's header for a digest of `long` values (from the tdigest page's printed example).
const LONG_HEADER: i64 = 7;

/// The types a digest can hold: the ones percentiles are defined over.
pub fn holds(ty: T) -> bool {
    matches!(ty, T::Int | T::Long | T::Real | T::DateTime | T::TimeSpan)
}

/// One distinct value of a digest: integral types (and times, as ticks) exactly, reals as
/// themselves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Point {
    Integral(i64),
    Real(f64),
}

impl Point {
    /// The value as a number to order and compare by.
    pub fn key(self) -> f64 {
        match self {
            Point::Integral(i) => i as f64,
            Point::Real(x) => x,
        }
    }

    /// The order of values: integers (and ticks) exactly, else by their numbers.
    pub fn order(self, other: Point) -> std::cmp::Ordering {
        match (self, other) {
            (Point::Integral(a), Point::Integral(b)) => a.cmp(&b),
            (a, b) => a.key().total_cmp(&b.key()),
        }
    }

    fn identity(self) -> u64 {
        match self {
            Point::Integral(i) => i as u64,
            Point::Real(x) => x.to_bits(),
        }
    }

    fn to_json(self) -> J {
        match self {
            Point::Integral(i) => J::from(i),
            Point::Real(x) => serde_json::Number::from_f64(x).map_or(J::Null, J::Number),
        }
    }
}

/// The distinct values of a group and their weights, of one value type.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub ty: T,
    pub points: Vec<Point>,
    pub weights: Vec<u64>,
    index: HashMap<u64, usize>,
}

impl Digest {
    pub fn new(ty: T) -> Digest {
        Digest {
            ty,
            points: Vec::new(),
            weights: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Count `point` `weight` more times.
    pub fn add(&mut self, point: Point, weight: u64) {
        if weight == 0 {
            return;
        }
        match self.index.get(&point.identity()) {
            Some(&i) => self.weights[i] += weight,
            None => {
                self.index.insert(point.identity(), self.points.len());
                self.points.push(point);
                self.weights.push(weight);
            }
        }
    }

    /// Add every value of `other`; `Err` names both types when they differ (Kusto requires one
    /// type per merge).
    pub fn merge(&mut self, other: &Digest) -> Result<(), String> {
        if other.ty != self.ty && !other.points.is_empty() {
            if self.points.is_empty() {
                self.ty = other.ty;
            } else {
                return Err(format!(
                    "tdigests of different types cannot be merged ({} and {})",
                    self.ty, other.ty
                ));
            }
        }
        for (p, w) in other.points.iter().zip(&other.weights) {
            self.add(*p, *w);
        }
        Ok(())
    }

    /// The total weight.
    pub fn total(&self) -> u64 {
        self.weights.iter().sum()
    }

    /// The values in ascending order, each with its weight.
    pub fn sorted(&self) -> Vec<(Point, u64)> {
        let mut v: Vec<(Point, u64)> = self
            .points
            .iter()
            .copied()
            .zip(self.weights.iter().copied())
            .collect();
        v.sort_by(|a, b| a.0.order(b.0));
        v
    }

    /// The nearest-rank value at `percent` (0–100) by weight, as `percentile` picks it;
    /// `None` for an empty digest.
    pub fn percentile(&self, percent: f64) -> Option<Value> {
        let sorted: Vec<(f64, i64, u64)> = self
            .sorted()
            .into_iter()
            .map(|(p, w)| match p {
                Point::Integral(i) => (i as f64, i, w),
                Point::Real(x) => (x, 0, w),
            })
            .collect();
        let (key, exact) = super::ranked::Ranked::at(&sorted, self.total(), percent)?;
        Some(self.value(if self.ty == T::Real {
            Point::Real(key)
        } else {
            Point::Integral(exact)
        }))
    }

    /// The weight of the values at or below `at` (the rank `rank_tdigest` defines).
    pub fn rank(&self, at: Point) -> u64 {
        self.points
            .iter()
            .zip(&self.weights)
            .filter(|(p, _)| p.order(at).is_le())
            .map(|(_, w)| *w)
            .sum()
    }

    /// A point as a value of the digest's type.
    pub fn value(&self, point: Point) -> Value {
        match (self.ty, point) {
            (T::Int, Point::Integral(i)) => i32::try_from(i).map_or(Value::Null, Value::Int),
            (T::DateTime, Point::Integral(i)) => Value::DateTime(i),
            (T::TimeSpan, Point::Integral(i)) => Value::TimeSpan(i),
            (T::Real, p) => Value::Real(p.key()),
            (_, Point::Integral(i)) => Value::Long(i),
            (_, Point::Real(x)) => Value::Real(x),
        }
    }

    /// The dynamic value Kusto's layout gives: `[[header],[values],[weights]]`.
    pub fn to_json(&self) -> J {
        let header = match self.ty {
            T::Long => J::from(LONG_HEADER),
            other => J::String(other.name().into()),
        };
        J::Array(vec![
            J::Array(vec![header]),
            J::Array(self.points.iter().map(|p| p.to_json()).collect()),
            J::Array(self.weights.iter().map(|w| J::from(*w)).collect()),
        ])
    }

    /// Read a digest value back; `None` when `value` is not one.
    pub fn from_json(value: &J) -> Option<Digest> {
        let J::Array(parts) = value else { return None };
        let [J::Array(header), J::Array(points), J::Array(weights)] = parts.as_slice() else {
            return None;
        };
        let ty = match header.first()? {
            J::Number(n) if n.as_i64() == Some(LONG_HEADER) => T::Long,
            J::String(name) => T::from_name(name).filter(|t| holds(*t))?,
            _ => return None,
        };
        if points.len() != weights.len() {
            return None;
        }
        let mut digest = Digest::new(ty);
        for (p, w) in points.iter().zip(weights) {
            let point = if ty == T::Real {
                Point::Real(p.as_f64()?)
            } else {
                Point::Integral(p.as_i64()?)
            };
            digest.add(point, w.as_u64()?);
        }
        Some(digest)
    }
}

/// `merging`: the inputs are digests to merge (`tdigest_merge`); otherwise values, with an
/// optional integer weight (`tdigest`).
pub struct DigestBuilder {
    merging: bool,
    input: T,
    digests: Vec<Option<Digest>>,
    conflict: Option<String>,
}

impl DigestBuilder {
    pub fn new(merging: bool, input: T) -> DigestBuilder {
        DigestBuilder {
            merging,
            input,
            digests: Vec::new(),
            conflict: None,
        }
    }

    fn add_values(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        let real = self.input == T::Real;
        let longs = (!real).then(|| d.longs());
        let reals = real.then(|| d.reals());
        let weights = args.get(1).map(view);
        let weights = weights.as_ref().map(|w| w.longs());
        let ty = self.input;
        for (i, &g) in groups.iter().enumerate() {
            let weight = match &weights {
                None => 1,
                Some(w) => match *w.get(i) {
                    Some(w) if w > 0 => w as u64,
                    _ => continue,
                },
            };
            let point = match (&longs, &reals) {
                (Some(l), _) => l.get(i).map(Point::Integral),
                (_, Some(r)) => r.get(i).filter(|x| !x.is_nan()).map(Point::Real),
                _ => None,
            };
            if let Some(point) = point {
                slot(&mut self.digests, g, None)
                    .get_or_insert_with(|| Digest::new(ty))
                    .add(point, weight);
            }
        }
    }

    fn merge_digests(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        let values = d.dyns();
        for (i, &g) in groups.iter().enumerate() {
            let Some(other) = Digest::from_json(values.get(i)) else {
                continue;
            };
            match slot(&mut self.digests, g, None) {
                Some(target) => {
                    if let Err(e) = target.merge(&other) {
                        self.conflict.get_or_insert(e);
                    }
                }
                empty => *empty = Some(other),
            }
        }
    }
}

impl Accumulator for DigestBuilder {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        if self.merging {
            self.merge_digests(groups, args);
        } else {
            self.add_values(groups, args);
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.digests.resize(num_groups, None);
        Column::Dynamic(
            self.digests
                .into_iter()
                .map(|d| d.map_or(J::Null, |d| d.to_json()))
                .collect(),
        )
    }

    fn overflow(&self) -> Option<String> {
        self.conflict.clone()
    }
}

/// `tdigest`'s value must be a number, datetime or timespan, its weight an integer.
fn tdigest_args(args: &[Arg]) -> Result<T, LookupError> {
    let value = args[0].ty;
    if !holds(value) && !args[0].is_untyped_null() {
        return Err(LookupError::Argument {
            index: 0,
            message: format!("`tdigest` needs a number, datetime or timespan, found {value}"),
        });
    }
    if let Some(w) = args.get(1) {
        if !matches!(w.ty, T::Int | T::Long) && !w.is_untyped_null() {
            return Err(LookupError::Argument {
                index: 1,
                message: format!("`tdigest`'s weight must be an integer, found {}", w.ty),
            });
        }
    }
    Ok(T::Dynamic)
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[
    AggregateDef {
        func: A::TDigest,
        names: &["tdigest"],
        arity: (1, 2),
        result: Rule(tdigest_args),
        make: |arg_types, _result| {
            let input = arg_types.first().copied().unwrap_or(T::Long);
            Box::new(DigestBuilder::new(false, input))
        },
        naming: AggregateNaming::Prefix("tdigest"),
    },
    AggregateDef {
        func: A::TDigestMerge,
        names: &["tdigest_merge", "merge_tdigest"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| Box::new(DigestBuilder::new(true, T::Dynamic)),
        naming: AggregateNaming::Prefix("merge_tdigests"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn build(merging: bool, input: T, groups: &[usize], args: &[Column]) -> Vec<J> {
        let mut b = Box::new(DigestBuilder::new(merging, input));
        b.update(groups, args);
        match b.finish(groups.iter().max().map_or(0, |g| g + 1)) {
            Column::Dynamic(v) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_in_first_seen_order_with_counts_under_kusto_long_header() {
        let col = Column::Long(vec![Some(800), Some(250), Some(800), None, Some(0)]);
        let out = build(false, T::Long, &[0, 0, 0, 0, 0], &[col]);
        assert_eq!(out[0], serde_json::json!([[7], [800, 250, 0], [2, 1, 1]]));
    }

    #[test]
    fn weights_multiply_and_non_positive_weights_drop_the_row() {
        let col = Column::Real(vec![Some(1.5), Some(2.5), Some(1.5)]);
        let w = Column::Long(vec![Some(3), Some(0), Some(2)]);
        let out = build(false, T::Real, &[0, 0, 0], &[col, w]);
        assert_eq!(out[0], serde_json::json!([["real"], [1.5], [5]]));
    }

    #[test]
    fn merging_adds_weights_and_reads_its_own_output_back() {
        let a = Digest::from_json(&serde_json::json!([[7], [1, 2], [1, 1]])).unwrap();
        let b = Digest::from_json(&serde_json::json!([[7], [2, 3], [4, 1]])).unwrap();
        let col = Column::Dynamic(vec![a.to_json(), b.to_json(), J::Null]);
        let out = build(true, T::Dynamic, &[0, 0, 0], &[col]);
        assert_eq!(out[0], serde_json::json!([[7], [1, 2, 3], [1, 5, 1]]));
    }

    #[test]
    fn digests_of_different_types_do_not_merge() {
        let a = serde_json::json!([[7], [1], [1]]);
        let b = serde_json::json!([["datetime"], [1], [1]]);
        let mut acc = DigestBuilder::new(true, T::Dynamic);
        acc.update(&[0, 0], &[Column::Dynamic(vec![a, b])]);
        assert!(acc.overflow().unwrap().contains("long and datetime"));
    }

    #[test]
    fn not_a_digest_reads_as_none() {
        assert!(Digest::from_json(&serde_json::json!([1, 2, 3])).is_none());
        assert!(Digest::from_json(&serde_json::json!([[7], [1], []])).is_none());
        assert!(Digest::from_json(&serde_json::json!([["string"], [1], [1]])).is_none());
    }
}
