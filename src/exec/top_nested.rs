//! `top-nested`: hierarchical aggregation. Level 1 groups the rows by its key, aggregates, and
//! keeps the best N groups (by the aggregate, descending unless `asc`); each later level does the
//! same within every group kept above it. `with others = v` adds, per level and partition, one
//! row aggregating the groups that were not kept (deeper levels null there). One output row per
//! path through the levels: key and aggregate of level 1, then of level 2, …

use super::keys::GroupIds;
use super::sort::column_comparator;
use super::{batch, eval_args, eval_expr};
use crate::error::Error;
use crate::func::EvalContext;
use crate::plan::TopNestedLevel;
use crate::table::{Column, Schema, Table, Value};

/// The state of `top-nested`: only the levels' keys and aggregate arguments of every row.
pub(super) struct TopNested<'a> {
    levels: Vec<Level<'a>>,
    schema: &'a Schema,
    ctx: &'a EvalContext,
    rows: usize,
}

struct Level<'a> {
    spec: &'a TopNestedLevel,
    keys: Option<Column>,
    args: Vec<Column>,
}

impl<'a> TopNested<'a> {
    pub(super) fn new(
        levels: &'a [TopNestedLevel],
        schema: &'a Schema,
        ctx: &'a EvalContext,
    ) -> TopNested<'a> {
        let levels = levels
            .iter()
            .map(|spec| Level {
                spec,
                keys: None,
                args: Vec::new(),
            })
            .collect();
        TopNested {
            levels,
            schema,
            ctx,
            rows: 0,
        }
    }

    pub(super) fn add(&mut self, input: &Table) -> Result<(), Error> {
        for level in &mut self.levels {
            let keys = eval_expr(&level.spec.key, input, self.ctx)?;
            let args = eval_args(&level.spec.aggregate.args, input, self.ctx)?;
            match &mut level.keys {
                None => {
                    level.keys = Some(keys.into_owned());
                    level.args = args;
                }
                Some(kept) => {
                    kept.extend_from(&keys);
                    for (kept, new) in level.args.iter_mut().zip(&args) {
                        kept.extend_from(new);
                    }
                }
            }
        }
        self.rows += input.num_rows();
        Ok(())
    }

    pub(super) fn finish(self) -> Table {
        let mut output: Vec<Column> = self
            .schema
            .fields
            .iter()
            .map(|f| Column::empty(f.ty))
            .collect();
        if self.rows > 0 {
            let all_rows: Vec<usize> = (0..self.rows).collect();
            let mut path = Vec::with_capacity(2 * self.levels.len());
            nest(&self.levels, &all_rows, &mut path, &mut output);
        }
        batch(self.schema, output)
    }
}

/// Emit the rows under `path` (the key/aggregate values of the levels above) for `rows`.
fn nest(levels: &[Level<'_>], rows: &[usize], path: &mut Vec<Value>, output: &mut [Column]) {
    let Some((level, deeper)) = levels.split_first() else {
        for (column, value) in output.iter_mut().zip(path.iter()) {
            column.push(value);
        }
        return;
    };
    if rows.is_empty() {
        return;
    }
    let keys = level.keys.as_ref().expect("rows were added").take(rows);
    let mut ids = GroupIds::default();
    let (mut groups, mut first_rows) = (Vec::new(), Vec::new());
    ids.assign(
        std::slice::from_ref(&keys),
        rows.len(),
        &mut groups,
        &mut first_rows,
    );
    let aggregates = aggregate(level, rows, &groups, ids.len());

    let mut order: Vec<usize> = (0..ids.len()).collect();
    let compare = column_comparator(&aggregates, level.spec.descending, false);
    order.sort_by(|&a, &b| compare(a, b));
    let kept = level.spec.count.unwrap_or(usize::MAX).min(order.len());

    let mut members: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (&row, &group) in rows.iter().zip(&groups) {
        members[group].push(row);
    }
    for &group in &order[..kept] {
        path.push(keys.get(first_rows[group]));
        path.push(aggregates.get(group));
        nest(deeper, &members[group], path, output);
        path.truncate(path.len() - 2);
    }

    if let Some(others) = &level.spec.others {
        let mut rest: Vec<usize> = order[kept..]
            .iter()
            .flat_map(|&g| members[g].iter().copied())
            .collect();
        rest.sort_unstable();
        if !rest.is_empty() {
            let total = aggregate(level, &rest, &vec![0; rest.len()], 1);
            path.push(others.clone());
            path.push(total.get(0));
            let depth = path.len();
            for (column, value) in output.iter_mut().zip(path.iter()) {
                column.push(value);
            }
            for column in &mut output[depth..] {
                column.push(&Value::Null);
            }
            path.truncate(depth - 2);
        }
    }
}

/// The level's aggregate over `rows`, grouped by `groups` (one per row).
fn aggregate(level: &Level<'_>, rows: &[usize], groups: &[usize], num_groups: usize) -> Column {
    let arg_types: Vec<_> = level.spec.aggregate.args.iter().map(|a| a.ty).collect();
    let mut acc = level
        .spec
        .aggregate
        .func
        .accumulator(&arg_types, level.spec.aggregate.ty);
    let args: Vec<Column> = level.args.iter().map(|c| c.take(rows)).collect();
    acc.update(groups, &args);
    acc.finish(num_groups)
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::func::AggregateFunc;
    use crate::plan::{BoundAggregate, Node, Plan, TopNestedLevel};
    use crate::table::{Type, Value};
    use std::sync::Arc;

    fn level(key: usize, count: Option<usize>, others: Option<Value>) -> TopNestedLevel {
        TopNestedLevel {
            count,
            key: col(key, Type::String),
            aggregate: BoundAggregate {
                func: AggregateFunc::Count,
                args: vec![],
                ty: Type::Long,
            },
            others,
            descending: true,
        }
    }

    #[test]
    fn levels_nest_and_others_collects_the_rest() {
        let input = values(&[
            ("region", strings(&["e", "e", "e", "w", "w", "n"])),
            ("rep", strings(&["a", "a", "b", "c", "c", "d"])),
        ]);
        let plan = Plan {
            schema: schema(&[
                ("region", Type::String),
                ("aggregated_region", Type::Long),
                ("rep", Type::String),
                ("aggregated_rep", Type::Long),
            ]),
            node: Node::TopNested {
                input: Arc::new(values_plan(input)),
                levels: vec![
                    level(0, Some(2), Some(str_value("other"))),
                    level(1, Some(1), None),
                ],
            },
        };
        let l = Value::Long;
        assert_eq!(
            rows(&run(plan)),
            vec![
                vec![str_value("e"), l(3), str_value("a"), l(2)],
                vec![str_value("w"), l(2), str_value("c"), l(2)],
                vec![str_value("other"), l(1), str_value(""), Value::Null],
            ]
        );
    }

    #[test]
    fn batches_accumulate_and_asc_picks_the_smallest() {
        let a = values(&[("k", strings(&["x", "y", "y"]))]);
        let b = values(&[("k", strings(&["y", "z", "z"]))]);
        let union = Plan {
            schema: a.schema.clone(),
            node: Node::Union {
                inputs: vec![values_plan(a).into(), values_plan(b).into()],
                mappings: vec![vec![Some(0)], vec![Some(0)]],
                source_names: None,
            },
        };
        let mut smallest = level(0, Some(2), None);
        smallest.descending = false;
        let plan = Plan {
            schema: schema(&[("k", Type::String), ("aggregated_k", Type::Long)]),
            node: Node::TopNested {
                input: Arc::new(union),
                levels: vec![smallest],
            },
        };
        assert_eq!(
            rows(&run(plan)),
            vec![
                vec![str_value("x"), Value::Long(1)],
                vec![str_value("z"), Value::Long(2)],
            ]
        );
    }
}
