//! Window placement: a window function (`row_number()`, `prev()`, …) reads neighbouring rows, so
//! it cannot run batch by batch inside `extend`/`project`/`where`. Each such call moves into a
//! `Serialize` node under the operator, which evaluates it over its whole input in order, and
//! the operator reads the result as a column. (`bind` has already checked the input is
//! serialized and that window calls appear nowhere else.)

use crate::plan::{BoundExpr, Descend, ExprNode, Node, Plan};
use crate::table::{Field, Schema};
use std::sync::Arc;

/// Place every window call of the plan (subqueries included).
pub fn place(plan: Plan) -> Plan {
    plan.transform_up(&mut place_node)
}

fn place_node(plan: Plan) -> Plan {
    let Plan { node, schema } = plan;
    let node = match node {
        Node::Project { input, mut exprs } => {
            let windows = extract_all(input.schema.len(), exprs.iter_mut());
            if windows.is_empty() {
                Node::Project { input, exprs }
            } else {
                Node::Project {
                    input: Arc::new(serialized(Arc::unwrap_or_clone(input), windows)),
                    exprs,
                }
            }
        }
        Node::Filter {
            input,
            mut predicate,
        } => {
            let width = input.schema.len();
            let windows = extract_all(width, std::iter::once(&mut predicate));
            if windows.is_empty() {
                Node::Filter { input, predicate }
            } else {
                // Filter the widened rows, then drop the window columns again.
                let widened = serialized(Arc::unwrap_or_clone(input), windows);
                let keep = (0..width)
                    .map(|i| BoundExpr::column(i, widened.schema.fields[i].ty, Default::default()))
                    .collect();
                let filtered = Plan {
                    schema: widened.schema.clone(),
                    node: Node::Filter {
                        input: Arc::new(widened),
                        predicate,
                    },
                };
                Node::Project {
                    input: Arc::new(filtered),
                    exprs: keep,
                }
            }
        }
        other => other,
    };
    Plan { node, schema }
}

/// Move each outermost window call of `exprs` out into a list, leaving a reference to column
/// `first + k` (the columns appended after the input's) in its place.
fn extract_all<'e>(first: usize, exprs: impl Iterator<Item = &'e mut BoundExpr>) -> Vec<BoundExpr> {
    let mut windows = Vec::new();
    for expr in exprs {
        expr.transform(&mut |e| match e.kind {
            ExprNode::Call { func, .. } if func.is_window() => {
                let column = BoundExpr::column(first + windows.len(), e.ty, e.span);
                windows.push(std::mem::replace(e, column));
                Descend::Skip
            }
            _ => Descend::Into,
        });
    }
    windows
}

/// `input` with the `windows` columns appended, computed over all of it in order.
fn serialized(input: Plan, windows: Vec<BoundExpr>) -> Plan {
    let mut fields = input.schema.fields.to_vec();
    fields.extend(
        windows
            .iter()
            .enumerate()
            .map(|(k, w)| Field::new(format!("\u{0}window{k}"), w.ty)),
    );
    Plan {
        schema: Schema::new(fields),
        node: Node::Serialize {
            input: Arc::new(input),
            exprs: windows,
        },
    }
}
