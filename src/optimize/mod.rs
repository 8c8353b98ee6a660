//! `Plan → Plan` between binding and execution: rewrites that keep every answer and make the
//! plan cheaper or runnable. Each pass is a short module on the traversal API (`plan::visit`);
//! they run in this order:
//!
//! 1. `window`: window calls of `extend`/`project`/`where` move into a `Serialize` node under
//!    the operator, which evaluates them over its whole (ordered) input;
//! 2. `prune`: each operator keeps only the columns its consumers use, down to the scans;
//! 3. `pushdown`: the conjuncts of the `where`s on a scan are copied into the scan, so its
//!    reader can skip files, records and tuples (the filters stay and decide).

mod prune;
mod pushdown;
mod window;

use crate::plan::BoundQuery;

/// Optimize a bound query; the answer it gives does not change.
pub fn optimize(query: BoundQuery) -> BoundQuery {
    let plan = window::place(query.plan);
    let plan = prune::prune(plan);
    let plan = pushdown::push_down(plan);
    BoundQuery {
        plan,
        visualization: query.visualization,
        started: query.started,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::plan::{ExprNode, Node, Plan};
    use crate::Options;

    fn optimized(query: &str) -> Plan {
        let bound = crate::bind(
            &crate::parse(query).unwrap(),
            &Catalog::new(),
            &Options::default(),
        )
        .unwrap();
        optimize(bound).plan
    }

    fn scans(plan: &Plan) -> Vec<(Vec<String>, usize)> {
        let mut found = Vec::new();
        plan.walk(&mut |node| {
            if let Node::Scan { predicates, .. } = &node.node {
                let names = node.schema.names().map(str::to_string).collect();
                found.push((names, predicates.len()));
            }
        });
        found
    }

    #[test]
    fn window_calls_move_into_a_serialize_node() {
        let plan =
            optimized("range x from 1 to 5 step 1 | where row_number() > 2 | extend p = prev(x)");
        let mut serializes = 0;
        plan.walk(&mut |node| {
            let window_here = node.exprs().iter().any(|e| {
                e.any(&mut |x| matches!(x.kind, ExprNode::Call { func, .. } if func.is_window()))
            });
            if matches!(node.node, Node::Serialize { .. }) {
                serializes += 1;
            } else {
                assert!(!window_here, "a window call outside Serialize: {node:?}");
            }
        });
        assert_eq!(serializes, 2);
    }

    #[test]
    fn scans_build_only_used_columns_and_get_the_filters_conjuncts() {
        let plan = optimized(
            "NTANetAnalytics | where DestPort == 443 and SrcIp in ((NTANetAnalytics | \
             take 1 | project SrcIp)) | where FlowType != 'x' | project SrcIp",
        );
        let found = scans(&plan);
        // The outer scan: the two filters' conjuncts without the subquery; the subquery's scan
        // builds only SrcIp.
        assert!(found.contains(&(
            vec!["DestPort".into(), "FlowType".into(), "SrcIp".into()],
            2
        )));
        assert!(found.contains(&(vec!["SrcIp".into()], 0)));
        // A where above a projection stays there.
        let plan = optimized("NTANetAnalytics | extend p = DestPort + 1 | where p > 2 | count");
        assert_eq!(scans(&plan), [(vec!["DestPort".to_string()], 0)]);
    }
}
