//! `buildschema(DynamicExpr)`: the minimal schema that admits every value of the group. A scalar
//! is its type's name (`long`, `double`, `string`, `bool`); a property bag maps each key to the
//! schema of its values; an array is a bag with the one key `` `indexer` `` for its elements. A
//! key whose values differ in shape gets the list of shapes, in order of first appearance.
//! <https://learn.microsoft.com/en-us/kusto/query/buildschema-aggregation-function>

use indexmap::IndexMap;
use serde_json::Value as J;

use super::AggregateFunc as A;
use super::{slot, view, Accumulator};
use super::{AggregateDef, AggregateNaming, AggregateResult::Fixed};
use crate::table::Column;
use crate::table::Type as T;

const INDEXER: &str = "`indexer`";

/// One shape a value may take: a scalar type or a bag (arrays are bags keyed by `indexer`).
#[derive(Debug, Clone)]
enum Alternative {
    Scalar(&'static str),
    Bag(IndexMap<String, Schema>),
}

/// The shapes seen, at most one of them a bag.
#[derive(Debug, Clone, Default)]
struct Schema(Vec<Alternative>);

impl Schema {
    fn add(&mut self, value: &J) {
        let (name, entries): (&'static str, Vec<(&str, &J)>) = match value {
            J::Null => return,
            J::Bool(_) => ("bool", Vec::new()),
            J::Number(n) if n.is_i64() || n.is_u64() => ("long", Vec::new()),
            J::Number(_) => ("double", Vec::new()),
            J::String(_) => ("string", Vec::new()),
            J::Array(items) => ("", items.iter().map(|i| (INDEXER, i)).collect()),
            J::Object(o) => ("", o.iter().map(|(k, v)| (k.as_str(), v)).collect()),
        };
        if !name.is_empty() {
            if !self
                .0
                .iter()
                .any(|a| matches!(a, Alternative::Scalar(s) if *s == name))
            {
                self.0.push(Alternative::Scalar(name));
            }
            return;
        }
        let position = self
            .0
            .iter()
            .position(|a| matches!(a, Alternative::Bag(_)))
            .unwrap_or_else(|| {
                self.0.push(Alternative::Bag(IndexMap::new()));
                self.0.len() - 1
            });
        let Alternative::Bag(bag) = &mut self.0[position] else {
            unreachable!("position found a bag")
        };
        for (key, item) in entries {
            bag.entry(key.to_string()).or_default().add(item);
        }
    }

    fn to_json(&self) -> J {
        let mut shapes: Vec<J> = self
            .0
            .iter()
            .map(|a| match a {
                Alternative::Scalar(name) => J::String((*name).to_string()),
                Alternative::Bag(bag) => J::Object(
                    bag.iter()
                        .filter(|(_, s)| !s.0.is_empty())
                        .map(|(k, s)| (k.clone(), s.to_json()))
                        .collect(),
                ),
            })
            .collect();
        match shapes.len() {
            0 => J::Null,
            1 => shapes.remove(0),
            _ => J::Array(shapes),
        }
    }
}

#[derive(Default)]
pub struct BuildSchema {
    schemas: Vec<Schema>,
}

impl Accumulator for BuildSchema {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        let values = d.dyns();
        for (i, &g) in groups.iter().enumerate() {
            slot(&mut self.schemas, g, Schema::default()).add(values.get(i));
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.schemas.resize(num_groups, Schema::default());
        Column::Dynamic(self.schemas.iter().map(Schema::to_json).collect())
    }
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[AggregateDef {
    func: A::BuildSchema,
    names: &["buildschema"],
    arity: (1, 1),
    result: Fixed(T::Dynamic),
    make: |_arg_types, _result| Box::new(BuildSchema::default()),
    naming: AggregateNaming::Prefix("schema"),
}];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_merge_by_key_and_arrays_use_the_indexer() {
        let mut s = Schema::default();
        for v in [
            json!({"x": 1, "y": 3.5}),
            json!(null),
            json!({"x": "a", "z": [1, 2]}),
            json!({"y": {"w": "b"}, "z": ["c"], "n": null}),
        ] {
            s.add(&v);
        }
        assert_eq!(
            s.to_json(),
            json!({"x": ["long", "string"], "y": ["double", {"w": "string"}],
                   "z": {"`indexer`": ["long", "string"]}})
        );
        assert_eq!(Schema::default().to_json(), json!(null));
    }
}
