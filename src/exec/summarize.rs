//! `summarize aggs by keys`: a hash aggregation. Each batch's key columns are evaluated and
//! hashed into dense group numbers (first-seen order); the accumulators fold the batch in by
//! group. Only the distinct keys and the accumulators' state are held, never the input.

use super::keys::GroupIds;
use super::{batch, eval_args, eval_each};
use crate::error::Error;
use crate::func::{Accumulator, EvalContext};
use crate::plan::{BoundAggregate, BoundExpr};
use crate::table::{Column, Schema, Table};

pub(super) struct Summarize<'a> {
    keys: &'a [BoundExpr],
    aggregates: &'a [BoundAggregate],
    schema: &'a Schema,
    ctx: &'a EvalContext,
    groups: GroupIds,
    /// The key values of each group, in group order.
    key_values: Vec<Column>,
    accumulators: Vec<Box<dyn Accumulator>>,
    /// Reused per batch: each row's group, and the rows that opened a group.
    row_groups: Vec<usize>,
    new_rows: Vec<usize>,
}

impl<'a> Summarize<'a> {
    pub(super) fn new(
        keys: &'a [BoundExpr],
        aggregates: &'a [BoundAggregate],
        schema: &'a Schema,
        ctx: &'a EvalContext,
    ) -> Summarize<'a> {
        let key_values = schema.fields[..keys.len()]
            .iter()
            .map(|f| Column::empty(f.ty))
            .collect();
        Summarize {
            keys,
            aggregates,
            schema,
            ctx,
            groups: GroupIds::default(),
            key_values,
            accumulators: new_accumulators(aggregates),
            row_groups: Vec::new(),
            new_rows: Vec::new(),
        }
    }

    /// Fold one batch in.
    pub(super) fn add(&mut self, input: &Table) -> Result<(), Error> {
        let rows = input.num_rows();
        if rows == 0 {
            return Ok(());
        }
        let keys = eval_each(self.keys, input, self.ctx)?;
        self.groups
            .assign(&keys, rows, &mut self.row_groups, &mut self.new_rows);
        if !self.new_rows.is_empty() {
            for (kept, key) in self.key_values.iter_mut().zip(&keys) {
                kept.extend_from(&key.take(&self.new_rows));
            }
        }
        for (acc, agg) in self.accumulators.iter_mut().zip(self.aggregates) {
            let args = eval_args(&agg.args, input, self.ctx)?;
            acc.update(&self.row_groups, &args);
        }
        Ok(())
    }

    /// Keys then aggregates, one row per group. With no keys there is always one group, so an
    /// empty input still yields one row (`count()` 0).
    pub(super) fn finish(mut self) -> Result<Table, Error> {
        if self.keys.is_empty() && self.groups.len() == 0 {
            self.groups
                .assign::<Column>(&[], 0, &mut self.row_groups, &mut self.new_rows);
        }
        if let Some(message) = self.accumulators.iter().find_map(|acc| acc.overflow()) {
            return Err(Error::new(crate::error::ErrorKind::Runtime(message)));
        }
        let groups = self.groups.len();
        let mut columns = self.key_values;
        columns.extend(self.accumulators.into_iter().map(|acc| acc.finish(groups)));
        Ok(batch(self.schema, columns))
    }
}

pub(super) fn new_accumulators(aggregates: &[BoundAggregate]) -> Vec<Box<dyn Accumulator>> {
    aggregates
        .iter()
        .map(|agg| {
            let arg_types: Vec<_> = agg.args.iter().map(|a| a.ty).collect();
            agg.func.accumulator(&arg_types, agg.ty)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::func::AggregateFunc;
    use crate::plan::{BoundAggregate, Node, Plan};
    use crate::table::{Type, Value};
    use std::sync::Arc;

    fn count() -> BoundAggregate {
        BoundAggregate {
            func: AggregateFunc::Count,
            args: vec![],
            ty: Type::Long,
        }
    }

    fn summarize(input: crate::table::Table, keys: Vec<usize>) -> Plan {
        let mut fields: Vec<(&str, Type)> = keys
            .iter()
            .map(|&k| {
                (
                    input.schema.fields[k].name.as_str(),
                    input.schema.fields[k].ty,
                )
            })
            .collect();
        fields.push(("count_", Type::Long));
        let schema = schema(&fields);
        let keys = keys
            .iter()
            .map(|&k| col(k, input.schema.fields[k].ty))
            .collect();
        Plan {
            schema,
            node: Node::Summarize {
                input: Arc::new(values_plan(input)),
                keys,
                aggregates: vec![count()],
            },
        }
    }

    #[test]
    fn groups_in_first_seen_order_with_null_keys() {
        let input = values(&[
            ("s", strings(&["b", "a", "b", "b", "a"])),
            ("n", longs(&[Some(1), None, Some(1), Some(2), None])),
        ]);
        let out = run(summarize(input, vec![0, 1]));
        assert_eq!(
            rows(&out),
            vec![
                vec![str_value("b"), Value::Long(1), Value::Long(2)],
                vec![str_value("a"), Value::Null, Value::Long(2)],
                vec![str_value("b"), Value::Long(2), Value::Long(1)],
            ]
        );
    }

    #[test]
    fn no_keys_over_no_rows_yields_one_row() {
        let input = values(&[("n", long(&[]))]);
        let out = run(summarize(input, vec![]));
        assert_eq!(rows(&out), vec![vec![Value::Long(0)]]);
    }

    #[test]
    fn keys_over_no_rows_yield_no_rows() {
        let input = values(&[("n", long(&[]))]);
        let out = run(summarize(input, vec![0]));
        assert_eq!(out.num_rows(), 0);
        assert_eq!(out.schema.names().collect::<Vec<_>>(), ["n", "count_"]);
    }
}

#[cfg(test)]
mod speed {
    use crate::catalog::{Catalog, MemoryTable};
    use crate::exec::test_util::*;
    use crate::exec::Executor;
    use crate::func::{AggregateFunc, EvalContext};
    use crate::plan::{BoundAggregate, Node, Plan};
    use crate::table::{Column, Type};
    use std::sync::Arc;

    #[test]
    #[ignore]
    fn summarize_speed() {
        let n = 8_000_000usize;
        let statuses: Vec<Arc<str>> = ["A", "D", "X", "Y"].iter().map(|s| Arc::from(*s)).collect();
        let t = Column::DateTime(
            (0..n)
                .map(|i| Some((i % 720) as i64 * 36_000_000_000))
                .collect(),
        );
        let s = Column::String((0..n).map(|i| statuses[(i / 7) % 4].clone()).collect());
        let table = values(&[("t", t), ("s", s)]);
        let mut catalog = Catalog::empty();
        catalog.register("T", Arc::new(MemoryTable::new(table, "")));
        let plan = Plan {
            schema: schema(&[
                ("t", Type::DateTime),
                ("s", Type::String),
                ("count_", Type::Long),
            ]),
            node: Node::Summarize {
                input: Arc::new(Plan {
                    schema: schema(&[("t", Type::DateTime), ("s", Type::String)]),
                    node: Node::Scan {
                        table: "T".into(),
                        columns: vec![0, 1],
                        predicates: vec![],
                    },
                }),
                keys: vec![col(0, Type::DateTime), col(1, Type::String)],
                aggregates: vec![BoundAggregate {
                    func: AggregateFunc::Count,
                    args: vec![],
                    ty: Type::Long,
                }],
            },
        };
        for _ in 0..2 {
            let start = std::time::Instant::now();
            let out = Executor::new(&catalog, EvalContext { now: 0 })
                .run_to_table(&plan)
                .unwrap();
            eprintln!(
                "summarize {n} rows into {} groups: {:?}",
                out.num_rows(),
                start.elapsed()
            );
            let mut scan_only = plan.clone();
            if let Node::Summarize { keys, .. } = &mut scan_only.node {
                keys.clear();
            }
            scan_only.schema.fields_mut().drain(..2);
            let start = std::time::Instant::now();
            let out = Executor::new(&catalog, EvalContext { now: 0 })
                .run_to_table(&scan_only)
                .unwrap();
            eprintln!(
                "count only {:?}: {:?}",
                out.columns[0].get(0),
                start.elapsed()
            );
        }
    }
}
