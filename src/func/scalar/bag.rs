//! Functions over property bags (JSON objects): `bag_has_key`, `bag_merge`, `bag_remove_keys`,
//! `bag_set_key`, `bag_zip`. A key may be a plain name or a JSONPath into nested bags
//! (`$.a.b`, `$['a']['b']`), as Kusto accepts; an argument that should be a bag and is not
//! gives null.

use serde_json::{Map, Value as J};

use super::def::{Naming, ResultType::Fixed, ScalarDef, MANY};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map2, map3, Datum};

/// Which function a `ScalarFunc::Bag` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BagFn {
    HasKey,
    Merge,
    RemoveKeys,
    SetKey,
    Zip,
}

/// The path a key names: one segment for a plain key, several for `$.a.b` or `$['a']['b']`.
/// `None` for a malformed JSONPath.
pub fn key_path(key: &str) -> Option<Vec<String>> {
    let Some(mut rest) = key.strip_prefix('$') else {
        return Some(vec![key.to_string()]);
    };
    let mut path = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            path.push(r[..end].to_string());
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let quote = r.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let r = &r[1..];
            let end = r.find(quote)?;
            path.push(r[..end].to_string());
            rest = r[end + 1..].strip_prefix(']')?;
        } else {
            return None;
        }
    }
    (!path.is_empty()).then_some(path)
}

fn has_key(bag: &J, path: &[String]) -> bool {
    let mut at = bag;
    for segment in path {
        match at {
            J::Object(o) => match o.get(segment) {
                Some(next) => at = next,
                None => return false,
            },
            _ => return false,
        }
    }
    true
}

fn remove_key(bag: &mut Map<String, J>, path: &[String]) {
    match path {
        [] => {}
        [last] => {
            bag.shift_remove(last);
        }
        [first, rest @ ..] => {
            if let Some(J::Object(inner)) = bag.get_mut(first) {
                remove_key(inner, rest);
            }
        }
    }
}

/// Set `path` to `value`, creating the bags on the way (a non-bag on the way is replaced).
fn set_key(bag: &mut Map<String, J>, path: &[String], value: J) {
    match path {
        [] => {}
        [last] => {
            bag.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let slot = bag
                .entry(first.clone())
                .or_insert_with(|| J::Object(Map::new()));
            if !slot.is_object() {
                *slot = J::Object(Map::new());
            }
            if let J::Object(inner) = slot {
                set_key(inner, rest, value);
            }
        }
    }
}

/// `bag_merge(b1, b2, …)`: every key of every bag; on a clash the leftmost bag's value wins.
/// Arguments that are not bags are skipped.
pub fn merge<'a>(bags: impl Iterator<Item = &'a J>) -> J {
    let mut out = Map::new();
    for bag in bags {
        if let J::Object(o) = bag {
            for (k, v) in o {
                if !out.contains_key(k) {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    J::Object(out)
}

/// `bag_zip(keys, values)`: a bag pairing them by position; a missing value is null, a key that
/// is not a string is skipped.
pub fn zip(keys: &[J], values: &[J]) -> J {
    let mut out = Map::new();
    for (i, k) in keys.iter().enumerate() {
        if let J::String(k) = k {
            out.insert(k.clone(), values.get(i).cloned().unwrap_or(J::Null));
        }
    }
    J::Object(out)
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Bag(f) = func else {
        unreachable!("a bag row holds a Bag tag")
    };
    let out = match f {
        BagFn::HasKey => {
            return Ok(Column::Bool(map2(
                len,
                &args[0].dyns(),
                &args[1].strs(),
                |bag, key| match bag {
                    J::Object(_) => Some(key_path(key).is_some_and(|p| has_key(bag, &p))),
                    _ => None,
                },
            )))
        }
        BagFn::Merge => {
            let views: Vec<_> = args.iter().map(Datum::dyns).collect();
            (0..len)
                .map(|i| merge(views.iter().map(|v| v.get(i))))
                .collect()
        }
        BagFn::RemoveKeys => map2(len, &args[0].dyns(), &args[1].dyns(), |bag, keys| {
            match (bag, keys) {
                (J::Object(o), J::Array(keys)) => {
                    let mut o = o.clone();
                    for key in keys.iter().filter_map(J::as_str) {
                        if let Some(path) = key_path(key) {
                            remove_key(&mut o, &path);
                        }
                    }
                    J::Object(o)
                }
                _ => J::Null,
            }
        }),
        BagFn::SetKey => map3(
            len,
            &args[0].dyns(),
            &args[1].strs(),
            &args[2].dyns(),
            |bag, key, value| match (bag, key_path(key)) {
                (J::Object(o), Some(path)) => {
                    let mut o = o.clone();
                    set_key(&mut o, &path, value.clone());
                    J::Object(o)
                }
                _ => J::Null,
            },
        ),
        BagFn::Zip => map2(len, &args[0].dyns(), &args[1].dyns(), |k, v| match (k, v) {
            (J::Array(k), J::Array(v)) => zip(k, v),
            _ => J::Null,
        }),
    };
    Ok(Column::Dynamic(out))
}

const fn row(f: BagFn, names: &'static [&'static str], arity: (usize, usize)) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Bag(f),
        names,
        arity,
        result: Fixed(if matches!(f, BagFn::HasKey) {
            T::Bool
        } else {
            T::Dynamic
        }),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(BagFn::HasKey, &["bag_has_key"], (2, 2)),
    row(BagFn::Merge, &["bag_merge"], (2, MANY)),
    row(BagFn::RemoveKeys, &["bag_remove_keys"], (2, 2)),
    row(BagFn::SetKey, &["bag_set_key"], (3, 3)),
    row(BagFn::Zip, &["bag_zip"], (2, 2)),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: J) -> Map<String, J> {
        match v {
            J::Object(o) => o,
            _ => panic!(),
        }
    }

    #[test]
    fn paths_parse() {
        assert_eq!(key_path("a.b"), Some(vec!["a.b".to_string()]));
        assert_eq!(key_path("$.a.b"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(
            key_path("$['a']['b c']"),
            Some(vec!["a".into(), "b c".into()])
        );
        assert_eq!(key_path("$."), None);
        assert_eq!(key_path("$['a"), None);
    }

    #[test]
    fn keys_are_found_removed_and_set() {
        let bag = json!({"a": {"b": 1}, "c": 2});
        assert!(has_key(&bag, &key_path("$.a.b").unwrap()));
        assert!(!has_key(&bag, &key_path("$.a.x").unwrap()));
        let mut o = obj(bag.clone());
        remove_key(&mut o, &key_path("$.a.b").unwrap());
        remove_key(&mut o, &key_path("c").unwrap());
        assert_eq!(J::Object(o), json!({"a": {}}));
        let mut o = obj(bag);
        set_key(&mut o, &key_path("$.c.d").unwrap(), json!(3));
        assert_eq!(J::Object(o), json!({"a": {"b": 1}, "c": {"d": 3}}));
    }

    #[test]
    fn merge_keeps_the_leftmost_value() {
        let (a, b) = (json!({"a": 1, "b": 2}), json!({"b": 3, "c": 4}));
        assert_eq!(
            merge([&a, &b, &json!(5)].into_iter()),
            json!({"a": 1, "b": 2, "c": 4})
        );
        assert_eq!(
            zip(&[json!("a"), json!(1), json!("b")], &[json!(1), json!(2)]),
            json!({"a": 1, "b": null})
        );
    }
}
