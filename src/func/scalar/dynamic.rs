//! Functions over dynamic values: `todynamic`/`parse_json`, array and bag construction
//! (`pack_array`, `bag_pack`), and inspection (`array_length`, `bag_keys`, `array_slice`,
//! `set_has_element`, `array_index_of`, `array_concat`).

use serde_json::Value as J;

use super::arg_error;
use super::convert::{parse_json, to_dynamic as value_json};
use super::def::{Naming, ResultType::Fixed, ScalarDef, MANY};
use super::ScalarFunc as F;
use crate::error::Error;
use crate::table::Type as T;
use crate::table::{Column, Value};
use crate::value::datum::{map1, map2, Arr, Datum};

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub use crate::value::compare::json_eq;

/// `todynamic(x)` / `parse_json(x)`: strings parsed as JSON (invalid JSON stays a string),
/// dynamic values as they are.
pub fn to_dynamic(x: &Datum, len: usize) -> Column {
    match x {
        Datum::Column(c) => match c.as_ref() {
            Column::Dynamic(v) => Column::Dynamic(v.clone()),
            Column::String(v) => Column::Dynamic(v.iter().map(|s| parse_json(s)).collect()),
            _ => Column::Dynamic(map1(len, &x.dyns(), J::clone)),
        },
        Datum::Scalar(Value::String(s), _) => Column::Dynamic(vec![parse_json(s); len]),
        Datum::Scalar(v, _) => Column::Dynamic(vec![value_json(v); len]),
    }
}

pub fn array_length(x: &Datum, len: usize) -> Column {
    Column::Long(map1(len, &x.dyns(), |d| match d {
        J::Array(a) => Some(a.len() as i64),
        _ => None,
    }))
}

pub fn pack_array(args: &[Datum], len: usize) -> Column {
    let views: Vec<_> = args.iter().map(Datum::dyns).collect();
    Column::Dynamic(
        (0..len)
            .map(|i| J::Array(views.iter().map(|v| v.get(i).clone()).collect()))
            .collect(),
    )
}

/// `bag_pack(key1, value1, key2, value2, …)` (also `pack`).
pub fn bag_pack(args: &[Datum], len: usize) -> Result<Column, Error> {
    if !args.len().is_multiple_of(2) {
        return Err(arg_error("bag_pack takes pairs of key and value"));
    }
    let keys: Vec<_> = args.iter().step_by(2).map(Datum::strs).collect();
    let values: Vec<_> = args.iter().skip(1).step_by(2).map(Datum::dyns).collect();
    Ok(Column::Dynamic(
        (0..len)
            .map(|i| {
                let mut bag = serde_json::Map::new();
                for (k, v) in keys.iter().zip(&values) {
                    bag.insert(k.get(i).to_string(), v.get(i).clone());
                }
                J::Object(bag)
            })
            .collect(),
    ))
}

pub fn bag_keys(x: &Datum, len: usize) -> Column {
    Column::Dynamic(map1(len, &x.dyns(), |d| match d {
        J::Object(o) => J::Array(o.keys().map(|k| J::String(k.clone())).collect()),
        _ => J::Null,
    }))
}

pub fn array_concat(args: &[Datum], len: usize) -> Column {
    let views: Vec<_> = args.iter().map(Datum::dyns).collect();
    Column::Dynamic(
        (0..len)
            .map(|i| {
                let mut out = Vec::new();
                for v in &views {
                    match v.get(i) {
                        J::Array(a) => out.extend(a.iter().cloned()),
                        _ => return J::Null,
                    }
                }
                J::Array(out)
            })
            .collect(),
    )
}

/// `array_slice(arr, start, end)`: `end` inclusive; negative indices count from the end.
pub fn array_slice(args: &[Datum], len: usize) -> Column {
    let (arr, start, end) = (args[0].dyns(), args[1].longs(), args[2].longs());
    Column::Dynamic(
        (0..len)
            .map(|i| {
                let J::Array(a) = arr.get(i) else {
                    return J::Null;
                };
                let n = a.len() as i64;
                let fix = |x: i64| if x < 0 { x + n } else { x };
                let (Some(s), Some(e)) = (*start.get(i), *end.get(i)) else {
                    return J::Null;
                };
                let (s, e) = (fix(s).max(0), fix(e).min(n - 1));
                if s > e || s >= n {
                    return J::Array(vec![]);
                }
                J::Array(a[s as usize..=e as usize].to_vec())
            })
            .collect(),
    )
}

pub fn set_has_element(args: &[Datum], len: usize) -> Column {
    Column::Bool(map2(
        len,
        &args[0].dyns(),
        &args[1].dyns(),
        |a, v| match a {
            J::Array(a) => Some(a.iter().any(|x| json_eq(x, v))),
            _ => None,
        },
    ))
}

/// `array_index_of(arr, value [, start [, length [, occurrence]]])`: -1 when absent.
pub fn array_index_of(args: &[Datum], len: usize) -> Column {
    let start = args.get(2).map_or(Arr::One(Some(0)), Datum::longs);
    let length = args.get(3).map_or(Arr::One(Some(-1)), Datum::longs);
    let occurrence = args.get(4).map_or(Arr::One(Some(1)), Datum::longs);
    let (arr, value) = (args[0].dyns(), args[1].dyns());
    Column::Long(
        (0..len)
            .map(|i| {
                let J::Array(a) = arr.get(i) else {
                    return None;
                };
                let n = a.len() as i64;
                let (s, l, occ) = ((*start.get(i))?, (*length.get(i))?, (*occurrence.get(i))?);
                let s = if s < 0 { s + n } else { s };
                if s < 0 || s > n || occ < 1 {
                    return None;
                }
                let e = if l < 0 { n } else { (s + l).min(n) };
                let v = value.get(i);
                let hit = (s..e)
                    .filter(|&j| json_eq(&a[j as usize], v))
                    .nth(occ as usize - 1);
                Some(hit.unwrap_or(-1))
            })
            .collect(),
    )
}

/// The set functions over arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// Distinct elements of all the arrays.
    Union,
    /// Distinct elements of the first array present in every other.
    Intersect,
    /// Distinct elements of the first array present in no other.
    Difference,
}

/// `set_union`, `set_intersect`, `set_difference`: first-occurrence order; null when an
/// argument is not an array.
pub fn set_op(args: &[Datum], len: usize, op: SetOp) -> Column {
    let views: Vec<_> = args.iter().map(Datum::dyns).collect();
    Column::Dynamic(
        (0..len)
            .map(|i| {
                let mut arrays = Vec::with_capacity(views.len());
                for v in &views {
                    match v.get(i) {
                        J::Array(a) => arrays.push(a),
                        _ => return J::Null,
                    }
                }
                let (first, rest) = arrays.split_first().expect("at least two arguments");
                let candidates: Vec<&J> = match op {
                    SetOp::Union => arrays.iter().flat_map(|a| a.iter()).collect(),
                    SetOp::Intersect => first
                        .iter()
                        .filter(|x| rest.iter().all(|a| a.iter().any(|y| json_eq(x, y))))
                        .collect(),
                    SetOp::Difference => first
                        .iter()
                        .filter(|x| !rest.iter().any(|a| a.iter().any(|y| json_eq(x, y))))
                        .collect(),
                };
                let mut out: Vec<J> = Vec::new();
                for x in candidates {
                    if !out.iter().any(|y| json_eq(x, y)) {
                        out.push(x.clone());
                    }
                }
                J::Array(out)
            })
            .collect(),
    )
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::ToDynamic,
        names: &["todynamic", "parse_json", "parsejson"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(to_dynamic(&args[0], len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::SetUnion,
        names: &["set_union"],
        arity: (2, MANY),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(set_op(args, len, SetOp::Union)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::SetIntersect,
        names: &["set_intersect"],
        arity: (2, MANY),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(set_op(args, len, SetOp::Intersect)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::SetDifference,
        names: &["set_difference"],
        arity: (2, MANY),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(set_op(args, len, SetOp::Difference)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ArrayLength,
        names: &["array_length", "arraylength"],
        arity: (1, 1),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(array_length(&args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::PackArray,
        names: &["pack_array"],
        arity: (0, MANY),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(pack_array(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::BagPack,
        names: &["bag_pack", "pack"],
        arity: (0, MANY),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| bag_pack(args, len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::BagKeys,
        names: &["bag_keys"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(bag_keys(&args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ArrayConcat,
        names: &["array_concat"],
        arity: (1, MANY),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(array_concat(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ArraySlice,
        names: &["array_slice"],
        arity: (3, 3),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(array_slice(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::SetHasElement,
        names: &["set_has_element"],
        arity: (2, 2),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(set_has_element(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ArrayIndexOf,
        names: &["array_index_of"],
        arity: (2, 5),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(array_index_of(args, len)),
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Type;
    use serde_json::json;

    fn d(j: J) -> Datum<'static> {
        Datum::Scalar(Value::Dynamic(j), Type::Dynamic)
    }

    fn l(v: i64) -> Datum<'static> {
        Datum::Scalar(Value::Long(v), Type::Long)
    }

    fn t(s: &str) -> Datum<'static> {
        Datum::Scalar(Value::String(s.into()), Type::String)
    }

    #[test]
    fn parse_and_measure() {
        let parsed = to_dynamic(&t(r#"[1, 2, 3, "four"]"#), 1);
        assert_eq!(
            array_length(&Datum::owned(parsed), 1).get(0),
            Value::Long(4)
        );
        assert_eq!(array_length(&d(json!({"a": 1})), 1).get(0), Value::Null);
        assert_eq!(
            to_dynamic(&t("not json"), 1).get(0),
            Value::Dynamic(json!("not json"))
        );
    }

    #[test]
    fn packing() {
        let bag = bag_pack(&[t("Level"), t("Information"), t("ProcessID"), l(1234)], 1).unwrap();
        assert_eq!(
            bag.get(0),
            Value::Dynamic(json!({"Level": "Information", "ProcessID": 1234}))
        );
        assert_eq!(
            pack_array(&[l(1), t("a")], 1).get(0),
            Value::Dynamic(json!([1, "a"]))
        );
        assert_eq!(
            bag_keys(&d(json!({"a": 1, "b": 2})), 1).get(0),
            Value::Dynamic(json!(["a", "b"]))
        );
    }

    #[test]
    fn slicing_and_searching() {
        let arr = d(json!([1, 2, 3, 4, 5]));
        assert_eq!(
            array_slice(&[arr.clone(), l(1), l(3)], 1).get(0),
            Value::Dynamic(json!([2, 3, 4]))
        );
        assert_eq!(
            array_slice(&[arr.clone(), l(-2), l(-1)], 1).get(0),
            Value::Dynamic(json!([4, 5]))
        );
        assert_eq!(
            array_slice(&[arr.clone(), l(7), l(9)], 1).get(0),
            Value::Dynamic(json!([]))
        );
        assert_eq!(
            set_has_element(&[arr.clone(), l(3)], 1).get(0),
            Value::Bool(true)
        );
        assert_eq!(
            set_has_element(
                &[arr.clone(), Datum::Scalar(Value::Real(3.0), Type::Real)],
                1
            )
            .get(0),
            Value::Bool(true)
        );
        assert_eq!(
            array_index_of(&[arr.clone(), l(4)], 1).get(0),
            Value::Long(3)
        );
        assert_eq!(
            array_index_of(&[arr.clone(), l(9)], 1).get(0),
            Value::Long(-1)
        );
        let sets = [d(json!([1, 2, 2])), d(json!([2, 3]))];
        assert_eq!(
            set_op(&sets, 1, SetOp::Union).get(0),
            Value::Dynamic(json!([1, 2, 3]))
        );
        assert_eq!(
            set_op(&sets, 1, SetOp::Intersect).get(0),
            Value::Dynamic(json!([2]))
        );
        assert_eq!(
            set_op(&sets, 1, SetOp::Difference).get(0),
            Value::Dynamic(json!([1]))
        );
        let cat = array_concat(&[arr, d(json!(["x"]))], 1).get(0);
        assert_eq!(cat, Value::Dynamic(json!([1, 2, 3, 4, 5, "x"])));
    }
}
