//! Predicate pushdown: the conjuncts of the `where`s sitting on a scan (directly, or through
//! other `where`s) are copied into the scan's predicates, so the table's reader can skip what
//! cannot pass (files by blob hour and MAC, records by time, tuples by key) before building
//! rows. The filters stay and decide; a reader may use a predicate or ignore it, so this never
//! changes an answer. Conjuncts holding a subquery are not pushed. Runs after pruning: the
//! predicates refer to the columns the scan builds.

use crate::plan::{BinaryOp, BoundExpr, ExprNode, Node, Plan};

/// Push the filters' conjuncts into the scans below them, everywhere in the plan.
pub fn push_down(plan: Plan) -> Plan {
    plan.transform_up(&mut |mut plan| {
        if let Node::Filter { input, predicate } = &mut plan.node {
            if let Some(predicates) = scan_predicates(std::sync::Arc::make_mut(input)) {
                let mut parts = Vec::new();
                conjuncts(predicate, &mut parts);
                predicates.extend(parts.into_iter().filter(|p| !p.has_subplan()));
            }
        }
        plan
    })
}

/// The predicates of the scan under `plan`, through filters (which keep columns as they are).
fn scan_predicates(plan: &mut Plan) -> Option<&mut Vec<BoundExpr>> {
    match &mut plan.node {
        Node::Scan { predicates, .. } => Some(predicates),
        Node::Filter { input, .. } => scan_predicates(std::sync::Arc::make_mut(input)),
        _ => None,
    }
}

/// `a and b and c` → `[a, b, c]`.
pub fn conjuncts(expr: &BoundExpr, out: &mut Vec<BoundExpr>) {
    match &expr.kind {
        ExprNode::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => {
            conjuncts(left, out);
            conjuncts(right, out);
        }
        _ => out.push(expr.clone()),
    }
}
