//! Column pruning: every operator keeps only the columns its consumers use, down to the scans,
//! which then build only those.
//!
//! The pass walks the plan top-down with the columns each node's consumer needs, and rebuilds
//! it bottom-up, returning for every old column its new index so the references above can be
//! renumbered. What a node reads and how its outputs map to its inputs are the node's facts
//! (`Plan::columns_read`, `Plan::outputs`); nothing here matches on node kinds but the scan's
//! choice of its cheapest column.

use crate::plan::{ColumnMap, Descend, Node, Outputs, Plan};
use crate::table::Type;

/// Prune a whole plan; all of its output columns are kept.
pub fn prune(plan: Plan) -> Plan {
    let all = vec![true; plan.schema.len()];
    prune_node(plan, &all).0
}

/// Prune `plan` to the output columns `needed` (at least one column stays, so batches keep
/// their row count) and say where each old output column went.
fn prune_node(mut plan: Plan, needed: &[bool]) -> (Plan, ColumnMap) {
    // Subqueries in expressions are plans of their own, wanted whole.
    for expr in plan.exprs_mut() {
        expr.transform(&mut |e| {
            if let Some(sub) = e.subplan_mut() {
                *sub = prune(std::mem::take(sub));
            }
            Descend::Into
        });
    }
    let width = plan.schema.len();
    let outputs = plan.outputs();
    let mut keep = None;
    if let Outputs::Chosen(range) = &outputs {
        let mut kept: Vec<usize> = (0..width)
            .filter(|&i| needed[i] || !range.contains(&i))
            .collect();
        if kept.is_empty() && width > 0 {
            kept = vec![cheapest(&plan)];
        }
        plan.retain_outputs(&kept);
        keep = Some(kept);
    }
    let mut needs = plan.columns_read();
    if let Outputs::PassThrough { appended } = outputs {
        for (need, &wanted) in needs[0].iter_mut().zip(&needed[..width - appended]) {
            *need |= wanted;
        }
    }
    let maps: Vec<ColumnMap> = plan
        .children_mut()
        .into_iter()
        .zip(&needs)
        .map(|(child, need)| {
            let (pruned, map) = prune_node(std::mem::take(child), need);
            *child = pruned;
            map
        })
        .collect();
    for (child, column) in plan.column_refs_mut() {
        *column = maps[child][*column].expect("a column a node reads is kept");
    }
    let map = match (outputs, keep) {
        (Outputs::PassThrough { appended }, _) => {
            let passed = width - appended;
            let mut map = maps[0].clone();
            let new_width = map.iter().flatten().count();
            map.extend((0..appended).map(|k| Some(new_width + k)));
            let kept: Vec<usize> = (0..width)
                .filter(|&i| i >= passed || map[i].is_some())
                .collect();
            plan.schema = crate::table::Schema::new(
                kept.iter()
                    .map(|&i| plan.schema.fields[i].clone())
                    .collect(),
            );
            map
        }
        (_, Some(kept)) => {
            let mut map = vec![None; width];
            for (new, &old) in kept.iter().enumerate() {
                map[old] = Some(new);
            }
            map
        }
        _ => (0..width).map(Some).collect(),
    };
    (plan, map)
}

/// The column to keep when no consumer needs any: for a scan the first that is not text
/// (cheapest to build), else the first.
fn cheapest(plan: &Plan) -> usize {
    match plan.node {
        Node::Scan { .. } => plan
            .schema
            .fields
            .iter()
            .position(|f| !matches!(f.ty, Type::String | Type::Dynamic))
            .unwrap_or(0),
        _ => 0,
    }
}
