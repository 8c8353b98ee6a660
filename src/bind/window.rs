//! Window functions in the plan (`row_number()`, `prev()`, `next()`, `row_cumsum()`,
//! `row_window_session()`). They
//! read neighbouring rows, so Kusto allows them only over a *serialized* input (one whose row
//! order is defined), and they must see that whole input at once rather than batch by batch.
//!
//! `lower` rewrites a bound `extend`/`project`/`where` that uses one: each window call is
//! computed by a `Node::Serialize` under the operator (which evaluates over its whole input in
//! one batch) and the operator reads the result as a column. `check_placement` then rejects
//! window calls anywhere else (summarize keys, sort keys, …).

use super::scope::Rel;
use crate::ast::Span;
use crate::error::Error;
use crate::func::ScalarFunc;
use crate::plan::{BoundExpr, ExprNode, Node, Plan};
use crate::table::{Field, Schema};

/// The name a window function is written with.
fn name(func: ScalarFunc) -> &'static str {
    match func {
        ScalarFunc::RowNumber => "row_number",
        ScalarFunc::Prev => "prev",
        ScalarFunc::Next => "next",
        ScalarFunc::RowCumsum => "row_cumsum",
        _ => "row_window_session",
    }
}

/// The first window call in `expr` (outermost first), with where it is written.
fn find_window(expr: &BoundExpr) -> Option<(ScalarFunc, Span)> {
    if let ExprNode::Call { func, .. } = &expr.kind {
        if func.is_window() {
            return Some((*func, expr.span));
        }
    }
    children(expr).into_iter().find_map(find_window)
}

/// The direct subexpressions of `expr` (subplans are plans of their own, not walked here).
fn children(expr: &BoundExpr) -> Vec<&BoundExpr> {
    match &expr.kind {
        ExprNode::Column(_) | ExprNode::Literal(_) | ExprNode::Scalar(_) => Vec::new(),
        ExprNode::Neg(e) => vec![e],
        ExprNode::Binary { left, right, .. } => vec![left, right],
        ExprNode::In { expr, list, .. } => std::iter::once(&**expr).chain(list).collect(),
        ExprNode::InPlan { expr, .. } => vec![expr],
        ExprNode::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        ExprNode::Call { args, .. } => args.iter().collect(),
        ExprNode::Index { expr, index } => vec![expr, index],
    }
}

/// Replace each outermost window call in `expr` by a reference to column `first + k`, moving
/// the call into `windows[k]`.
fn extract(expr: &mut BoundExpr, first: usize, windows: &mut Vec<BoundExpr>) {
    if let ExprNode::Call { func, .. } = &expr.kind {
        if func.is_window() {
            let column = BoundExpr::column(first + windows.len(), expr.ty, expr.span);
            windows.push(std::mem::replace(expr, column));
            return;
        }
    }
    match &mut expr.kind {
        ExprNode::Column(_) | ExprNode::Literal(_) | ExprNode::Scalar(_) => {}
        ExprNode::Neg(e) | ExprNode::InPlan { expr: e, .. } => extract(e, first, windows),
        ExprNode::Binary { left, right, .. } => {
            extract(left, first, windows);
            extract(right, first, windows);
        }
        ExprNode::In { expr, list, .. } => {
            extract(expr, first, windows);
            list.iter_mut().for_each(|e| extract(e, first, windows));
        }
        ExprNode::Between {
            expr, low, high, ..
        } => {
            extract(expr, first, windows);
            extract(low, first, windows);
            extract(high, first, windows);
        }
        ExprNode::Call { args, .. } => args.iter_mut().for_each(|e| extract(e, first, windows)),
        ExprNode::Index { expr, index } => {
            extract(expr, first, windows);
            extract(index, first, windows);
        }
    }
}

/// Whether `plan`'s rows come in a defined order, as Kusto's serialize rules say: `sort`,
/// `top`, `range` and `serialize` produce serialized rows; `summarize`, `count`, `distinct`,
/// `join`, `mv-expand`, `make-series` and `top-nested` do not; the other operators keep what
/// their input has. A table, `datatable` or `union` of unserialized inputs is unordered.
pub fn is_serialized(plan: &Plan) -> bool {
    match &plan.node {
        Node::Sort { .. } | Node::Top { .. } | Node::Range { .. } | Node::Serialize { .. } => true,
        // The items of one mv-apply row come in array order.
        Node::ApplyInput => true,
        Node::Scan { .. }
        | Node::Values(_)
        | Node::ExternalData(_)
        | Node::Summarize { .. }
        | Node::Join { .. }
        | Node::IpLookup(_)
        | Node::MvExpand { .. }
        | Node::MakeSeries(_)
        | Node::TopNested { .. } => false,
        Node::Union { inputs, .. } => inputs.iter().all(is_serialized),
        Node::Filter { input, .. }
        | Node::Project { input, .. }
        | Node::Take { input, .. }
        | Node::Parse { input, .. }
        | Node::Materialize { input, .. }
        | Node::MvApply { input, .. } => is_serialized(input),
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

/// Rewrite a just-bound `extend`/`project` (a `Project`) or `where` (a `Filter`) whose
/// expressions use window functions so they run over the whole serialized input; anything else
/// is returned as it is. Fails when the input is not serialized.
pub fn lower(rel: Rel) -> Result<Rel, Error> {
    let Rel { plan, hidden } = rel;
    let Plan { node, schema } = plan;
    let node = match node {
        Node::Project { input, mut exprs } => {
            let windows = extract_all(&input, exprs.iter_mut())?;
            if windows.is_empty() {
                Node::Project { input, exprs }
            } else {
                Node::Project {
                    input: Box::new(serialized(*input, windows)),
                    exprs,
                }
            }
        }
        Node::Filter {
            input,
            mut predicate,
        } => {
            let windows = extract_all(&input, std::iter::once(&mut predicate))?;
            if windows.is_empty() {
                Node::Filter { input, predicate }
            } else {
                // Filter the widened rows, then drop the window columns again.
                let width = input.schema.len();
                let widened = serialized(*input, windows);
                let keep = (0..width)
                    .map(|i| {
                        let f = &widened.schema.fields[i];
                        BoundExpr::column(i, f.ty, Span::default())
                    })
                    .collect();
                let filtered = Plan {
                    schema: widened.schema.clone(),
                    node: Node::Filter {
                        input: Box::new(widened),
                        predicate,
                    },
                };
                Node::Project {
                    input: Box::new(filtered),
                    exprs: keep,
                }
            }
        }
        other => other,
    };
    Ok(Rel {
        plan: Plan { node, schema },
        hidden,
    })
}

/// Move the window calls of `exprs` out into a list (the columns after `input`'s), checking
/// that `input` is serialized when there are any.
fn extract_all<'e>(
    input: &Plan,
    exprs: impl Iterator<Item = &'e mut BoundExpr>,
) -> Result<Vec<BoundExpr>, Error> {
    let width = input.schema.len();
    let mut windows = Vec::new();
    for expr in exprs {
        if let Some((func, span)) = find_window(expr) {
            if !is_serialized(input) {
                return Err(unserialized(func, span));
            }
            extract(expr, width, &mut windows);
        }
    }
    Ok(windows)
}

/// `input` with the `windows` columns appended, computed over all of it in order.
fn serialized(input: Plan, windows: Vec<BoundExpr>) -> Plan {
    let mut fields = input.schema.fields.clone();
    fields.extend(
        windows
            .iter()
            .enumerate()
            .map(|(k, w)| Field::new(format!("\u{0}window{k}"), w.ty)),
    );
    Plan {
        schema: Schema::new(fields),
        node: Node::Serialize {
            input: Box::new(input),
            exprs: windows,
        },
    }
}

/// Reject window calls left anywhere but a `Serialize` node (where `lower` and the `serialize`
/// operator put them): Kusto evaluates them only in row-by-row operators over ordered rows.
pub fn check_placement(plan: &Plan) -> Result<(), Error> {
    let misplaced = |expr: &BoundExpr| match find_window(expr) {
        Some((func, span)) => Err(Error::semantic(
            format!(
                "`{}()` can only be used in extend, project, where or serialize",
                name(func)
            ),
            span,
        )
        .with_help("compute it into a column with `extend` first")),
        None => Ok(()),
    };
    let (exprs, inputs) = parts(plan);
    for expr in exprs {
        if !matches!(plan.node, Node::Serialize { .. }) {
            misplaced(expr)?;
        }
        check_subplans(expr)?;
    }
    inputs.into_iter().try_for_each(check_placement)
}

/// Check the subqueries (`in (T | …)`, `toscalar(…)`) inside an expression.
fn check_subplans(expr: &BoundExpr) -> Result<(), Error> {
    match &expr.kind {
        ExprNode::InPlan { plan, .. } | ExprNode::Scalar(plan) => check_placement(plan)?,
        _ => {}
    }
    children(expr).into_iter().try_for_each(check_subplans)
}

/// A node's own expressions and its input plans.
fn parts(plan: &Plan) -> (Vec<&BoundExpr>, Vec<&Plan>) {
    match &plan.node {
        Node::Scan { predicates, .. } => (predicates.iter().collect(), Vec::new()),
        Node::Values(_) | Node::Range { .. } | Node::ApplyInput | Node::ExternalData(_) => {
            (Vec::new(), Vec::new())
        }
        Node::Filter { input, predicate } => (vec![predicate], vec![input]),
        Node::Project { input, exprs } | Node::Serialize { input, exprs } => {
            (exprs.iter().collect(), vec![input])
        }
        Node::Summarize {
            input,
            keys,
            aggregates,
        } => {
            let mut exprs: Vec<&BoundExpr> = keys.iter().collect();
            exprs.extend(aggregates.iter().flat_map(|a| &a.args));
            (exprs, vec![input])
        }
        Node::Sort { input, keys } | Node::Top { input, keys, .. } => {
            (keys.iter().map(|k| &k.expr).collect(), vec![input])
        }
        Node::Take { input, .. }
        | Node::MvExpand { input, .. }
        | Node::Materialize { input, .. } => (Vec::new(), vec![input]),
        Node::Union { inputs, .. } => (Vec::new(), inputs.iter().collect()),
        Node::Join { left, right, .. } => (Vec::new(), vec![left, right]),
        Node::IpLookup(lookup) => (Vec::new(), vec![&lookup.input, &lookup.lookup]),
        Node::Parse { input, source, .. } => (vec![source], vec![input]),
        Node::MakeSeries(series) => {
            let mut exprs: Vec<&BoundExpr> = series.keys.iter().collect();
            exprs.push(&series.axis);
            exprs.extend(series.aggregates.iter().flat_map(|(a, _)| &a.args));
            (exprs, vec![&series.input])
        }
        Node::TopNested { input, levels } => {
            let mut exprs = Vec::new();
            for level in levels {
                exprs.push(&level.key);
                exprs.extend(&level.aggregate.args);
            }
            (exprs, vec![input])
        }
        Node::MvApply { input, body, .. } => (Vec::new(), vec![input, body]),
    }
}
