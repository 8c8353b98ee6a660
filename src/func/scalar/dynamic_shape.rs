//! A dynamic value's shape as text or paths: `dynamic_to_json` (the canonical JSON text, every
//! bag's keys sorted, so equal values give equal text whatever their key order) and `treepath`
//! (the path expressions of every node under the root, `['key']` for a bag's key and `[0]` for
//! an array's elements, which share one path).

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::{Column, Str, Type as T};
use crate::value::datum::{map1, Datum};
use serde_json::{Map, Value as J};

/// Which function a `ScalarFunc::DynamicShape` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShapeFn {
    DynamicToJson,
    TreePath,
}

/// `value` with every bag's keys in order (ordinal, as Kusto sorts them), recursively.
pub fn sorted(value: &J) -> J {
    match value {
        J::Object(bag) => {
            let mut keys: Vec<&String> = bag.keys().collect();
            keys.sort();
            let out: Map<String, J> = keys
                .into_iter()
                .map(|k| (k.clone(), sorted(&bag[k])))
                .collect();
            J::Object(out)
        }
        J::Array(items) => J::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The path expressions under `value`, in document order without repeats.
pub fn tree_paths(value: &J) -> Vec<String> {
    let mut out = Vec::new();
    collect_paths(value, "", &mut out);
    out
}

fn collect_paths(value: &J, prefix: &str, out: &mut Vec<String>) {
    let visit = |path: String, child: &J, out: &mut Vec<String>| {
        if !out.contains(&path) {
            out.push(path.clone());
        }
        collect_paths(child, &path, out);
    };
    match value {
        J::Object(bag) => {
            for (key, child) in bag {
                let key = key.replace('\\', "\\\\").replace('\'', "\\'");
                visit(format!("{prefix}['{key}']"), child, out);
            }
        }
        J::Array(items) => {
            for child in items {
                visit(format!("{prefix}[0]"), child, out);
            }
        }
        _ => {}
    }
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::DynamicShape(f) = func else {
        unreachable!("a dynamic-shape row holds a DynamicShape tag")
    };
    match f {
        // A value of another type than dynamic is its `tostring()` text.
        ShapeFn::DynamicToJson if args[0].ty() != T::Dynamic => {
            Ok(Column::String(map1(len, &args[0].strs(), |s| s.clone())))
        }
        ShapeFn::DynamicToJson => Ok(Column::String(map1(len, &args[0].dyns(), |v| {
            Str::from(crate::value::format::dynamic_text(&sorted(v)))
        }))),
        ShapeFn::TreePath => Ok(Column::Dynamic(map1(len, &args[0].dyns(), |v| {
            J::Array(tree_paths(v).into_iter().map(J::String).collect())
        }))),
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: ScalarFunc::DynamicShape(ShapeFn::DynamicToJson),
        names: &["dynamic_to_json"],
        arity: (1, 1),
        result: Fixed(T::String),
        run,
        naming: Naming::Positional,
    },
    ScalarDef {
        func: ScalarFunc::DynamicShape(ShapeFn::TreePath),
        names: &["treepath"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        run,
        // Kusto names an unnamed `treepath(d)` column `tree_d`.
        naming: Naming::Prefix("tree"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys() {
        // The dynamic_to_json page's example: two bags with their keys in other orders.
        let a = json!({"Y10": {}, "X8": {"c3": 1, "d8": 5, "a4": 6}, "D1": 114, "A1": 12,
            "B1": 2, "C1": 3, "A14": [15, 13, 18]});
        let b = json!({"X8": {"a4": 6, "c3": 1, "d8": 5}, "A14": [15, 13, 18], "C1": 3,
            "B1": 2, "Y10": {}, "A1": 12, "D1": 114});
        let text = sorted(&a).to_string();
        assert_eq!(text, sorted(&b).to_string());
        assert_eq!(
            text,
            r#"{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}"#
        );
    }

    #[test]
    fn paths_as_the_docs_show() {
        assert_eq!(tree_paths(&json!({"a": "b", "c": 123})), ["['a']", "['c']"]);
        assert_eq!(
            tree_paths(&json!({"prop1": [1, 2, 3, 4], "prop2": "value2"})),
            ["['prop1']", "['prop1'][0]", "['prop2']"]
        );
        assert_eq!(
            tree_paths(&json!({"listProperty": [100, 200, 300, "abcde", {"x": "y"}]})),
            [
                "['listProperty']",
                "['listProperty'][0]",
                "['listProperty'][0]['x']"
            ]
        );
        assert!(tree_paths(&json!(5)).is_empty());
    }
}
