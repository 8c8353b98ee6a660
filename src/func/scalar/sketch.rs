//! Functions over `hll` values (`func::aggregate::sketch`): `dcount_hll(h)`, the distinct
//! count a value holds, and the scalar `hll_merge(h1, h2, …)`, the union of two or more. kqlite's
//! `hll` values are exact sets, so the counts are exact. A value that is not an `hll` value
//! gives null (`dcount_hll`) or is skipped (`hll_merge`).
//! <https://learn.microsoft.com/en-us/kusto/query/dcount-hll-function>,
//! <https://learn.microsoft.com/en-us/kusto/query/hll-merge-function>

use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef, MANY};
use super::{row_values, ScalarFunc};
use crate::error::Error;
use crate::func::aggregate::sketch::{members, DistinctSet};
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{Column, Value};
use crate::value::datum::Datum;

/// Which function a `ScalarFunc::Sketch` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SketchFn {
    DcountHll,
    HllMerge,
}

fn hll_members(value: &Value) -> Option<&Vec<J>> {
    match value {
        Value::Dynamic(j) => members(j),
        _ => None,
    }
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Sketch(f) = func else {
        unreachable!("a sketch row holds a Sketch tag")
    };
    let columns: Vec<_> = args.iter().map(|a| row_values(a, len)).collect();
    Ok(match f {
        SketchFn::DcountHll => Column::Long(
            (0..len)
                .map(|i| hll_members(columns[0].get(i)).map(|m| m.len() as i64))
                .collect(),
        ),
        SketchFn::HllMerge => Column::Dynamic(
            (0..len)
                .map(|i| {
                    let sets: Vec<&Vec<J>> = columns
                        .iter()
                        .filter_map(|c| hll_members(c.get(i)))
                        .collect();
                    if sets.is_empty() {
                        return J::Null;
                    }
                    DistinctSet::union(sets.into_iter().flatten())
                })
                .collect(),
        ),
    })
}

/// This family's functions, one row each (see `super::def`). The scalar `hll_merge` takes two
/// or more values (one is the aggregate's form); its column is named apart by `bind::naming`.
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: ScalarFunc::Sketch(SketchFn::DcountHll),
        names: &["dcount_hll"],
        arity: (1, 1),
        result: Fixed(T::Long),
        run,
        naming: Naming::NameAndFirst,
    },
    ScalarDef {
        func: ScalarFunc::Sketch(SketchFn::HllMerge),
        names: &["hll_merge"],
        arity: (2, MANY),
        result: Fixed(T::Dynamic),
        run,
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(f: SketchFn, args: &[J]) -> Value {
        let args: Vec<Datum> = args
            .iter()
            .map(|j| Datum::Scalar(Value::Dynamic(j.clone()), T::Dynamic))
            .collect();
        run(
            ScalarFunc::Sketch(f),
            &args,
            T::Dynamic,
            1,
            &EvalContext { now: 0 },
        )
        .unwrap()
        .get(0)
    }

    #[test]
    fn merge_unions_and_dcount_counts() {
        let a = json!({"exact_distinct_values": [1, 2, 3]});
        let b = json!({"exact_distinct_values": [3, 4]});
        let merged = call(SketchFn::HllMerge, &[a, J::Null, b]);
        assert_eq!(
            merged,
            Value::Dynamic(json!({"exact_distinct_values": [1, 2, 3, 4]}))
        );
        let Value::Dynamic(m) = merged else { panic!() };
        assert_eq!(call(SketchFn::DcountHll, &[m]), Value::Long(4));
    }

    #[test]
    fn not_an_hll_value_gives_null() {
        assert_eq!(call(SketchFn::DcountHll, &[json!([1, 2])]), Value::Null);
        assert_eq!(
            call(SketchFn::HllMerge, &[json!(1), json!("x")]),
            Value::Dynamic(J::Null)
        );
    }
}
