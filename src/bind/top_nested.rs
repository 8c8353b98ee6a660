//! `top-nested`: per level, the key column then the aggregate column (`aggregated_<key>` unless
//! named); the levels are bound over the input's row, their `with others` values as constants.

use super::expr::Ctx;
use super::naming::{result_name, DefaultNames, Projection};
use super::scope::{Rel, Scope};
use super::Binder;
use crate::ast::{ExprKind, SortOrder, Span, TopNestedLevel};
use crate::error::Error;
use crate::plan::{self, Node, Plan};
use crate::table::{Field, Schema, Type};
use std::sync::Arc;

/// `top-nested N of key by agg, …`: per level, the key column then the aggregate column
/// (`aggregated_<key>` unless named).
pub fn top_nested(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    levels: &[TopNestedLevel],
    span: Span,
) -> Result<Rel, Error> {
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    let mut out: Projection<Type> = Projection::default();
    let mut defaults = DefaultNames::default();
    let mut bound_levels = Vec::new();
    for level in levels {
        let count = level
            .count
            .as_ref()
            .map(|c| b.count(scope, c))
            .transpose()?;
        let key = b.expr(&mut Ctx::new(scope, &row), &level.of.expr)?;
        let key_name = match level.of.names.as_slice() {
            [n] => n.name.clone(),
            _ => result_name(&level.of.expr, &has_column)
                .unwrap_or_else(|| defaults.next(&|_| false)),
        };
        let key_name = out.add(&key_name, key.ty, false);
        let ExprKind::Call { name, args } = &level.by.expr.kind else {
            return Err(Error::semantic(
                "top-nested needs an aggregate after `by`, such as count() or sum(x)",
                level.by.expr.span,
            ));
        };
        let aggregate = b.aggregate(&mut Ctx::new(scope, &row), name, args, level.by.expr.span)?;
        let agg_name = match level.by.names.as_slice() {
            [n] => n.name.clone(),
            _ => format!("aggregated_{key_name}"),
        };
        out.add(&agg_name, aggregate.ty, false);
        let others = match &level.others {
            Some(e) => {
                let bound = b.expr(&mut Ctx::new(scope, &Schema::default()), e)?;
                Some(b.constant(&bound)?)
            }
            None => None,
        };
        bound_levels.push(plan::TopNestedLevel {
            count,
            key,
            aggregate,
            others,
            descending: level.order != Some(SortOrder::Asc),
        });
    }
    if bound_levels.is_empty() {
        return Err(Error::semantic("top-nested needs at least one level", span));
    }
    let fields = out
        .columns
        .into_iter()
        .map(|(n, ty)| Field::new(n, ty))
        .collect();
    Ok(Rel::visible(Plan {
        node: Node::TopNested {
            input: Arc::new(input.plan),
            levels: bound_levels,
        },
        schema: Schema::new(fields),
    }))
}
