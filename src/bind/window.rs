//! Window functions in the plan (`row_number()`, `prev()`, `next()`, `row_cumsum()`,
//! `row_window_session()`). They read neighbouring rows, so Kusto allows them only over a
//! *serialized* input (one whose row order is defined).
//!
//! `check` rejects a bound `extend`/`project`/`where` that uses one over unordered rows;
//! `check_placement` rejects window calls anywhere else (summarize keys, sort keys, …). Where
//! the calls then run (a `Node::Serialize` under the operator, which sees its whole input at
//! once) is `optimize::window`'s job.

use super::scope::Rel;
use crate::ast::Span;
use crate::error::Error;
use crate::func::ScalarFunc;
use crate::plan::{BoundExpr, ExprNode, Node, Plan};

/// The name a window function is written with.
fn name(func: ScalarFunc) -> &'static str {
    match func {
        ScalarFunc::RowNumber => "row_number",
        ScalarFunc::Prev => "prev",
        ScalarFunc::Next => "next",
        ScalarFunc::RowCumsum => "row_cumsum",
        ScalarFunc::RowRankDense => "row_rank_dense",
        ScalarFunc::RowRankMin => "row_rank_min",
        _ => "row_window_session",
    }
}

/// The first window call in `expr` (outermost first), with where it is written.
fn find_window(expr: &BoundExpr) -> Option<(ScalarFunc, Span)> {
    let call =
        expr.find(&mut |e| matches!(e.kind, ExprNode::Call { func, .. } if func.is_window()))?;
    match call.kind {
        ExprNode::Call { func, .. } => Some((func, call.span)),
        _ => None,
    }
}

/// The error for a window call over rows whose order is not defined.
fn unserialized(func: ScalarFunc, span: Span) -> Error {
    Error::semantic(
        format!(
            "`{}()` needs a serialized input (rows in a defined order), and this operator's \
             input is not serialized",
            name(func)
        ),
        span,
    )
    .with_help(
        "put `| serialize` (or `sort by`, `order by`, `top`) before it; summarize, count, \
         distinct, join, mv-expand, make-series and top-nested leave rows unordered",
    )
}

/// Check a just-bound `extend`/`project` (a `Project`) or `where` (a `Filter`): when its
/// expressions use window functions, its input must be serialized.
pub fn check(rel: Rel) -> Result<Rel, Error> {
    if let Node::Project { input, .. } | Node::Filter { input, .. } = &rel.plan.node {
        if let Some((func, span)) = rel.plan.exprs().into_iter().find_map(find_window) {
            if !input.is_ordered() {
                return Err(unserialized(func, span));
            }
        }
    }
    Ok(rel)
}

/// Reject window calls anywhere but in `extend`, `project`, `where` and `serialize`: Kusto
/// evaluates them only in row-by-row operators over ordered rows.
pub fn check_placement(plan: &Plan) -> Result<(), Error> {
    plan.try_walk(&mut |node| {
        if let Node::Project { .. } | Node::Filter { .. } | Node::Serialize { .. } = node.node {
            return Ok(());
        }
        match node.exprs().into_iter().find_map(find_window) {
            Some((func, span)) => Err(Error::semantic(
                format!(
                    "`{}()` can only be used in extend, project, where or serialize",
                    name(func)
                ),
                span,
            )
            .with_help("compute it into a column with `extend` first")),
            None => Ok(()),
        }
    })
}
