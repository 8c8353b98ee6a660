//! Aggregates that collect values: `dcount` (exact distinct count), `make_set`/`make_list`
//! (dynamic arrays in first-occurrence order, with an optional size cap) and `make_bag`.

use std::collections::HashSet;

use serde_json::Value as J;

use super::AggregateFunc as A;
use super::{constant_long, slot, view, Accumulator};
use super::{AggregateDef, AggregateNaming, AggregateResult::Fixed};
use crate::table::Type as T;
use crate::table::{Column, Str};

/// A hashable distinct value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Distinct {
    Int(i64),
    Real(u64),
    Text(Str),
    Guid(u128),
    Json(String),
}

fn distinct_values(col: &Column) -> Vec<Option<Distinct>> {
    let real_bits = |r: f64| if r == 0.0 { 0 } else { r.to_bits() };
    match col {
        Column::Bool(v) => v
            .iter()
            .map(|b| b.map(|b| Distinct::Int(i64::from(b))))
            .collect(),
        Column::Int(v) => v
            .iter()
            .map(|x| x.map(|x| Distinct::Int(i64::from(x))))
            .collect(),
        Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => {
            v.iter().map(|x| x.map(Distinct::Int)).collect()
        }
        Column::Real(v) => v
            .iter()
            .map(|x| x.map(|r| Distinct::Real(real_bits(r))))
            .collect(),
        Column::Guid(v) => v.iter().map(|x| x.map(Distinct::Guid)).collect(),
        Column::String(v) => v.iter().map(|s| Some(Distinct::Text(s.clone()))).collect(),
        Column::Dynamic(v) => v
            .iter()
            .map(|j| (!j.is_null()).then(|| Distinct::Json(j.to_string())))
            .collect(),
    }
}

/// `dcount(x)`: exact number of distinct non-null values.
#[derive(Default)]
pub struct DCount {
    sets: Vec<HashSet<Distinct>>,
}

impl Accumulator for DCount {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        for (&g, v) in groups.iter().zip(distinct_values(col)) {
            if let Some(v) = v {
                slot(&mut self.sets, g, HashSet::new()).insert(v);
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.sets.resize(num_groups, HashSet::new());
        Column::Long(self.sets.iter().map(|s| Some(s.len() as i64)).collect())
    }
}

/// Kusto's default cap on `make_set`/`make_list` sizes.
const DEFAULT_MAX: usize = 1_048_576;

/// `make_list(x [, max])`, and `make_set` when `distinct` (array inputs add their elements).
pub struct MakeList {
    distinct: bool,
    /// `make_list_with_nulls`: a null value is kept as a JSON null.
    keep_nulls: bool,
    max: Option<usize>,
    lists: Vec<Vec<J>>,
    seen: Vec<HashSet<String>>,
}

impl MakeList {
    pub fn new(distinct: bool) -> MakeList {
        MakeList {
            distinct,
            keep_nulls: false,
            max: None,
            lists: Vec::new(),
            seen: Vec::new(),
        }
    }

    fn add(&mut self, g: usize, value: &J, max: usize) {
        let list = slot(&mut self.lists, g, Vec::new());
        if list.len() >= max {
            return;
        }
        if self.distinct {
            let seen = slot(&mut self.seen, g, HashSet::new());
            if !seen.insert(value.to_string()) {
                return;
            }
        }
        list.push(value.clone());
    }
}

impl Accumulator for MakeList {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        if self.max.is_none() {
            self.max = Some(
                constant_long(args, 1)
                    .and_then(|m| usize::try_from(m).ok())
                    .unwrap_or(DEFAULT_MAX),
            );
        }
        let max = self.max.unwrap_or(DEFAULT_MAX);
        let d = view(col);
        let values = d.dyns();
        for (i, &g) in groups.iter().enumerate() {
            match values.get(i) {
                J::Null if !self.keep_nulls => {}
                J::Array(items) if self.distinct => {
                    for item in items {
                        self.add(g, item, max);
                    }
                }
                v => self.add(g, v, max),
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.lists.resize(num_groups, Vec::new());
        Column::Dynamic(self.lists.into_iter().map(J::Array).collect())
    }
}

/// `make_bag(bag)`: the union of the bags' properties (the first value of a key wins).
#[derive(Default)]
pub struct MakeBag {
    bags: Vec<serde_json::Map<String, J>>,
}

impl Accumulator for MakeBag {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        let values = d.dyns();
        for (i, &g) in groups.iter().enumerate() {
            let bag = slot(&mut self.bags, g, serde_json::Map::new());
            if let J::Object(o) = values.get(i) {
                for (k, v) in o {
                    if !bag.contains_key(k) {
                        bag.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.bags.resize(num_groups, serde_json::Map::new());
        Column::Dynamic(self.bags.into_iter().map(J::Object).collect())
    }
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[
    AggregateDef {
        func: A::DCount,
        names: &["dcount"],
        arity: (1, 2),
        result: Fixed(T::Long),
        make: |_arg_types, _result| Box::new(DCount::default()),
        naming: AggregateNaming::Prefix("dcount"),
    },
    AggregateDef {
        func: A::DCount,
        names: &["count_distinct"],
        arity: (1, 1),
        result: Fixed(T::Long),
        make: |_arg_types, _result| Box::new(DCount::default()),
        naming: AggregateNaming::Prefix("count_distinct"),
    },
    AggregateDef {
        func: A::DCountIf,
        names: &["dcountif"],
        arity: (2, 3),
        result: Fixed(T::Long),
        make: |_arg_types, _result| super::filtered(1, DCount::default()),
        naming: AggregateNaming::Prefix("dcountif"),
    },
    AggregateDef {
        func: A::DCountIf,
        names: &["count_distinctif"],
        arity: (2, 2),
        result: Fixed(T::Long),
        make: |_arg_types, _result| super::filtered(1, DCount::default()),
        naming: AggregateNaming::Prefix("count_distinctif"),
    },
    AggregateDef {
        func: A::MakeSet,
        names: &["make_set", "makeset"],
        arity: (1, 2),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| Box::new(MakeList::new(true)),
        naming: AggregateNaming::Prefix("set"),
    },
    AggregateDef {
        func: A::MakeSetIf,
        names: &["make_set_if"],
        arity: (2, 3),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| super::filtered(1, MakeList::new(true)),
        naming: AggregateNaming::Prefix("set"),
    },
    AggregateDef {
        func: A::MakeList,
        names: &["make_list", "makelist"],
        arity: (1, 2),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| Box::new(MakeList::new(false)),
        naming: AggregateNaming::Prefix("list"),
    },
    AggregateDef {
        func: A::MakeListIf,
        names: &["make_list_if"],
        arity: (2, 3),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| super::filtered(1, MakeList::new(false)),
        naming: AggregateNaming::Prefix("list"),
    },
    AggregateDef {
        func: A::MakeListWithNulls,
        names: &["make_list_with_nulls"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| {
            let mut list = MakeList::new(false);
            list.keep_nulls = true;
            Box::new(list)
        },
        naming: AggregateNaming::Prefix("list"),
    },
    AggregateDef {
        func: A::MakeBag,
        names: &["make_bag"],
        arity: (1, 2),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| Box::new(MakeBag::default()),
        naming: AggregateNaming::Prefix("bag"),
    },
    AggregateDef {
        func: A::MakeBagIf,
        names: &["make_bag_if"],
        arity: (2, 3),
        result: Fixed(T::Dynamic),
        make: |_arg_types, _result| super::filtered(1, MakeBag::default()),
        naming: AggregateNaming::Prefix("bag"),
    },
];
