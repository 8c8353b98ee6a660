//! `union`: each input's batches are mapped onto the output columns (a column an input lacks is
//! null there, and a column of another type is converted) and, with `withsource=`, tagged with
//! the input's name. Inputs run one after the other, so the union streams.

use super::batch;
use crate::table::{Column, Schema, Table, Type, Value};
use std::sync::Arc;

pub(super) struct Union<'a> {
    mappings: &'a [Vec<Option<usize>>],
    source_names: Option<&'a [String]>,
    schema: &'a Schema,
}

impl<'a> Union<'a> {
    pub(super) fn new(
        mappings: &'a [Vec<Option<usize>>],
        source_names: Option<&'a [String]>,
        schema: &'a Schema,
    ) -> Union<'a> {
        Union {
            mappings,
            source_names,
            schema,
        }
    }

    /// A batch of input `input` as output columns.
    pub(super) fn map(&self, input: usize, mut batch_in: Table) -> Table {
        let rows = batch_in.num_rows();
        let mut columns = Vec::with_capacity(self.schema.len());
        if let Some(names) = self.source_names {
            let name = Value::String(Arc::from(names[input].as_str()));
            columns.push(Column::repeat(&name, Type::String, rows));
        }
        let mapping = &self.mappings[input];
        for (j, source) in mapping.iter().enumerate() {
            let ty = self.schema.fields[columns.len()].ty;
            let column = match source {
                None => Column::nulls(ty, rows),
                Some(c) => {
                    let used_again = mapping[j + 1..].contains(&Some(*c));
                    if used_again {
                        batch_in.columns[*c].clone()
                    } else {
                        std::mem::replace(&mut batch_in.columns[*c], Column::empty(ty))
                    }
                }
            };
            columns.push(column);
        }
        batch(self.schema, columns)
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::plan::{Node, Plan};
    use crate::table::{Type, Value};
    use std::sync::Arc;

    #[test]
    fn union_maps_columns_fills_nulls_and_names_sources() {
        let a = values(&[("x", long(&[1, 2])), ("s", strings(&["p", "q"]))]);
        let b = values(&[("s", strings(&["r"])), ("y", reals(&[Some(0.5)]))]);
        let plan = Plan {
            schema: schema(&[
                ("Source", Type::String),
                ("x", Type::Long),
                ("s", Type::String),
                ("y", Type::Real),
            ]),
            node: Node::Union {
                inputs: vec![values_plan(a).into(), values_plan(b).into()],
                mappings: vec![vec![Some(0), Some(1), None], vec![None, Some(0), Some(1)]],
                source_names: Some(vec!["A".into(), "B".into()]),
            },
        };
        let out = run(plan);
        assert_eq!(
            rows(&out),
            vec![
                vec![str_value("A"), Value::Long(1), str_value("p"), Value::Null],
                vec![str_value("A"), Value::Long(2), str_value("q"), Value::Null],
                vec![
                    str_value("B"),
                    Value::Null,
                    str_value("r"),
                    Value::Real(0.5)
                ],
            ]
        );
    }

    #[test]
    fn union_under_take_stops_after_enough_rows() {
        let a = values(&[("x", long(&[1, 2]))]);
        let b = values(&[("x", long(&[3, 4]))]);
        let union = Plan {
            schema: a.schema.clone(),
            node: Node::Union {
                inputs: vec![values_plan(a.clone()).into(), values_plan(b).into()],
                mappings: vec![vec![Some(0)], vec![Some(0)]],
                source_names: None,
            },
        };
        let plan = Plan {
            schema: a.schema.clone(),
            node: Node::Take {
                input: Arc::new(union),
                count: 3,
            },
        };
        assert_eq!(run(plan).columns[0], long(&[1, 2, 3]));
    }
}
