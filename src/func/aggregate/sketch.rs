//! `hll(x [, accuracy])`, `hll_if(x, p [, accuracy])` and `hll_merge(h)`: Kusto's intermediate
//! results for distinct counts. Kusto keeps a HyperLogLog sketch; kqlite's `dcount` is exact, so
//! an exact set stands in for the sketch: the value is `{"exact_distinct_values": [...]}`, which
//! `hll_merge` unions (as an aggregate here, as a scalar in `func::scalar::sketch`), `dcount_hll`
//! counts and `evaluate dcount_intersect` intersects. Counts from it are exact (equal
//! to Kusto's estimates on small sets); the accuracy argument is accepted and has nothing to tune.
//! <https://learn.microsoft.com/en-us/kusto/query/hll-aggregation-function>

use std::collections::HashSet;

use serde_json::Value as J;

use super::AggregateFunc as A;
use super::{slot, view, Accumulator};
use super::{AggregateDef, AggregateNaming, AggregateResult::Fixed};
use crate::table::Column;
use crate::table::Type as T;

/// The key under which the set is kept.
pub const SET_KEY: &str = "exact_distinct_values";

/// The values of an `hll` value, or None when `value` is not one.
pub fn members(value: &J) -> Option<&Vec<J>> {
    match value {
        J::Object(o) => match o.get(SET_KEY) {
            Some(J::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    }
}

#[derive(Default, Clone)]
struct Set {
    seen: HashSet<String>,
    items: Vec<J>,
}

impl Set {
    fn add(&mut self, value: &J) {
        if !value.is_null() && self.seen.insert(value.to_string()) {
            self.items.push(value.clone());
        }
    }
}

/// `merging`: the inputs are `hll` values whose members are added (`hll_merge`); otherwise the
/// input values themselves are (`hll`).
pub struct DistinctSet {
    merging: bool,
    sets: Vec<Set>,
}

impl DistinctSet {
    pub fn new(merging: bool) -> DistinctSet {
        DistinctSet {
            merging,
            sets: Vec::new(),
        }
    }
}

impl DistinctSet {
    /// The `hll` value holding each of `values` once (the scalar `hll_merge`).
    pub fn union<'a>(values: impl IntoIterator<Item = &'a J>) -> J {
        let mut set = Set::default();
        for v in values {
            set.add(v);
        }
        set.into_value()
    }
}

impl Set {
    fn into_value(self) -> J {
        let mut o = serde_json::Map::new();
        o.insert(SET_KEY.into(), J::Array(self.items));
        J::Object(o)
    }
}

impl Accumulator for DistinctSet {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        let values = d.dyns();
        for (i, &g) in groups.iter().enumerate() {
            let set = slot(&mut self.sets, g, Set::default());
            let value = values.get(i);
            if !self.merging {
                set.add(value);
            } else if let Some(items) = members(value) {
                for item in items {
                    set.add(item);
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.sets.resize(num_groups, Set::default());
        Column::Dynamic(self.sets.into_iter().map(Set::into_value).collect())
    }
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[
    AggregateDef {
        func: A::Hll,
        names: &["hll"],
        arity: (1, 2),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| Box::new(DistinctSet::new(false)),
        naming: AggregateNaming::Prefix("hll"),
    },
    AggregateDef {
        func: A::HllIf,
        names: &["hll_if"],
        arity: (2, 3),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| super::filtered(1, DistinctSet::new(false)),
        naming: AggregateNaming::Prefix("hll_if"),
    },
    AggregateDef {
        func: A::HllMerge,
        names: &["hll_merge"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| Box::new(DistinctSet::new(true)),
        naming: AggregateNaming::Prefix("hll_merge"),
    },
];
