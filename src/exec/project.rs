//! Row-wise operators that keep the batch shape: `where` (filter), `project`/`extend` (and the
//! other project-* forms, which bind lowers to a column list), and `serialize`.

use super::{batch, eval_expr, runtime};
use crate::error::Error;
use crate::func::EvalContext;
use crate::plan::{BoundExpr, ExprNode};
use crate::table::{Column, Schema, Table};
use std::borrow::Cow;

/// The rows of `input` where `predicate` is true (null counts as false).
pub(super) fn filter(
    predicate: &BoundExpr,
    input: Table,
    ctx: &EvalContext,
) -> Result<Table, Error> {
    let mask = eval_expr(predicate, &input, ctx)?;
    let mask: Vec<bool> = match mask.as_ref() {
        Column::Bool(values) => values.iter().map(|&b| b == Some(true)).collect(),
        Column::Dynamic(values) => values.iter().map(|v| v.as_bool() == Some(true)).collect(),
        other => {
            return Err(runtime(format!(
                "a `where` predicate must be bool, not {}",
                other.ty()
            ))
            .with_span(predicate.span))
        }
    };
    Ok(filter_rows(input, &mask))
}

/// The rows of `input` where `mask` holds; the batch itself when every row is kept.
pub(super) fn filter_rows(input: Table, mask: &[bool]) -> Table {
    let kept = mask.iter().filter(|&&m| m).count();
    if kept == mask.len() {
        return input;
    }
    let columns = if kept == 0 {
        input
            .columns
            .iter()
            .map(|c| Column::empty(c.ty()))
            .collect()
    } else {
        input.columns.iter().map(|c| c.filter(mask)).collect()
    };
    Table::new(input.schema, columns)
}

/// Output column i = `exprs[i]` over `input`. A column passed through is moved, not copied,
/// when nothing else reads it.
pub(super) fn project(
    exprs: &[BoundExpr],
    mut input: Table,
    schema: &Schema,
    ctx: &EvalContext,
) -> Result<Table, Error> {
    let mut columns: Vec<Option<Column>> = exprs
        .iter()
        .map(|expr| match expr.kind {
            ExprNode::Column(_) => Ok(None),
            _ => eval_expr(expr, &input, ctx).map(|c| Some(c.into_owned())),
        })
        .collect::<Result<_, _>>()?;
    for (i, expr) in exprs.iter().enumerate() {
        if let ExprNode::Column(source) = expr.kind {
            let read_later = exprs[i + 1..]
                .iter()
                .any(|e| matches!(e.kind, ExprNode::Column(s) if s == source));
            columns[i] = Some(if read_later {
                input.columns[source].clone()
            } else {
                std::mem::replace(&mut input.columns[source], Column::empty(expr.ty))
            });
        }
    }
    let columns = columns
        .into_iter()
        .map(|c| c.expect("every column set"))
        .collect();
    Ok(batch(schema, columns))
}

/// `serialize`: the input in order, with `exprs` (which may use the row order:
/// `row_number()`, `prev()`, `next()`) appended as new columns evaluated over the whole input.
pub(super) fn serialize(
    input: Table,
    exprs: &[BoundExpr],
    schema: &Schema,
    ctx: &EvalContext,
) -> Result<Table, Error> {
    let mut columns = Vec::with_capacity(schema.len());
    let appended: Vec<Column> = exprs
        .iter()
        .map(|expr| eval_expr(expr, &input, ctx).map(Cow::into_owned))
        .collect::<Result<_, _>>()?;
    columns.extend(input.columns);
    columns.extend(appended);
    Ok(batch(schema, columns))
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::plan::{Node, Plan};
    use crate::table::{Type, Value};
    use std::sync::Arc;

    #[test]
    fn filter_keeps_true_rows_and_drops_nulls() {
        let input = values(&[
            ("x", long(&[1, 2, 3])),
            ("ok", bools(&[Some(true), None, Some(true)])),
        ]);
        let plan = Plan {
            schema: input.schema.clone(),
            node: Node::Filter {
                input: Arc::new(values_plan(input)),
                predicate: col(1, Type::Bool),
            },
        };
        let out = run(plan);
        assert_eq!(out.columns[0], long(&[1, 3]));
    }

    #[test]
    fn project_reorders_duplicates_and_adds_constants() {
        let input = values(&[("a", long(&[1, 2])), ("b", strings(&["x", "y"]))]);
        let schema = schema(&[
            ("b", Type::String),
            ("a", Type::Long),
            ("a2", Type::Long),
            ("k", Type::Long),
        ]);
        let plan = Plan {
            schema,
            node: Node::Project {
                input: Arc::new(values_plan(input)),
                exprs: vec![
                    col(1, Type::String),
                    col(0, Type::Long),
                    col(0, Type::Long),
                    lit(Value::Long(7), Type::Long),
                ],
            },
        };
        let out = run(plan);
        assert_eq!(
            out.schema.names().collect::<Vec<_>>(),
            ["b", "a", "a2", "k"]
        );
        assert_eq!(out.columns[0], strings(&["x", "y"]));
        assert_eq!(out.columns[1], long(&[1, 2]));
        assert_eq!(out.columns[2], long(&[1, 2]));
        assert_eq!(out.columns[3], long(&[7, 7]));
    }

    #[test]
    fn empty_result_keeps_its_schema() {
        let input = values(&[("x", long(&[1])), ("ok", bools(&[Some(false)]))]);
        let plan = Plan {
            schema: input.schema.clone(),
            node: Node::Filter {
                input: Arc::new(values_plan(input.clone())),
                predicate: col(1, Type::Bool),
            },
        };
        let out = run(plan);
        assert_eq!(out.num_rows(), 0);
        assert_eq!(out.schema, input.schema);
        assert_eq!(out.columns.len(), 2);
    }

    #[test]
    fn serialize_appends_columns_over_the_whole_input_in_order() {
        let a = values(&[("x", long(&[1, 2]))]);
        let b = values(&[("x", long(&[3]))]);
        let union = Plan {
            schema: a.schema.clone(),
            node: Node::Union {
                inputs: vec![values_plan(a).into(), values_plan(b).into()],
                mappings: vec![vec![Some(0)], vec![Some(0)]],
                source_names: None,
            },
        };
        let plan = Plan {
            schema: schema(&[("x", Type::Long), ("y", Type::Long)]),
            node: Node::Serialize {
                input: Arc::new(union),
                exprs: vec![col(0, Type::Long)],
            },
        };
        let out = run(plan);
        assert_eq!(out.columns[0], long(&[1, 2, 3]));
        assert_eq!(out.columns[1], long(&[1, 2, 3]));
    }
}
