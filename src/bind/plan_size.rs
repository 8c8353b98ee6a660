//! A bound on how big a plan may grow. A use of a tabular `let` shares the plan behind it
//! (children are `Arc`s), so binding stays cheap, but the plan still means one copy per use:
//! passes copy a shared child before changing it, and the executor runs each use. A short query
//! that doubles a `let` thirty times (`let b = union a, a; let c = union b, b; …`) is a
//! 2^30-operator tree. So each use of a `let` table is checked: the operators of its plan,
//! counted as a tree (a shared part once per place it is used), must stay within
//! [`MAX_PLAN_NODES`]; the count goes over the shared graph once, so it is linear in what was
//! bound even when the tree is not. The query's whole plan is checked the same way.
//!
//! A user function is bound again at each call, so there the binder really does the work per
//! use: each call's plan is charged against the same allowance, summed over the query, so a
//! function doubled thirty times stops after binding that many operators.

use super::scope::Rel;
use super::Binder;
use crate::ast::Span;
use crate::error::Error;
use crate::plan::{ExprNode, Plan};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The most operators a plan may hold as a tree, and the most a query's function calls may
/// bind in all.
pub const MAX_PLAN_NODES: usize = 200_000;

/// The tree sizes of the shared plans seen while binding one query, by identity. Each entry
/// holds its plan, so an address is never reused for another plan while it is known: a chain
/// of `let`s is counted once, not once per use.
#[derive(Debug, Default)]
pub(super) struct PlanSizes(FxHashMap<*const Plan, (Arc<Plan>, usize)>);

impl PlanSizes {
    /// The operators of `plan` counted as a tree (a shared child once per place it is used),
    /// the plans of its subqueries included; saturating.
    pub(super) fn tree_size(&mut self, plan: &Plan) -> usize {
        let mut size = 1usize;
        for expr in plan.exprs() {
            // Columns and constants, most of a wide projection, hold no subquery.
            if matches!(expr.kind, ExprNode::Column(_) | ExprNode::Literal(_)) {
                continue;
            }
            expr.walk(&mut |e| {
                if let Some(sub) = e.subplan() {
                    size = size.saturating_add(self.tree_size(sub));
                }
            });
        }
        for child in plan.shared_children() {
            let known = self.0.get(&Arc::as_ptr(child)).map(|(_, size)| *size);
            let child_size = known.unwrap_or_else(|| {
                let child_size = self.tree_size(child);
                self.0
                    .insert(Arc::as_ptr(child), (child.clone(), child_size));
                child_size
            });
            size = size.saturating_add(child_size);
        }
        size
    }
}

impl Binder<'_> {
    /// Check a use of the `let` table `rel` (`name` at `span`): its plan as a tree stays within
    /// the bound.
    pub(super) fn check_use(&mut self, rel: &Rel, name: &str, span: Span) -> Result<(), Error> {
        if self.plan_sizes.tree_size(&rel.plan) > MAX_PLAN_NODES {
            return Err(too_big(name, span));
        }
        Ok(())
    }

    /// Charge the plan a call of the function `name` (at `span`) bound against the query's
    /// allowance.
    pub(super) fn charge_call(&mut self, rel: &Rel, name: &str, span: Span) -> Result<(), Error> {
        let size = self.plan_sizes.tree_size(&rel.plan);
        self.bound_nodes = self.bound_nodes.saturating_add(size);
        if self.bound_nodes > MAX_PLAN_NODES {
            return Err(too_big(name, span));
        }
        Ok(())
    }

    /// The query's whole plan, as a tree, stays within the bound.
    pub(super) fn check_plan(&mut self, plan: &Plan, span: Span) -> Result<(), Error> {
        let size = self.plan_sizes.tree_size(plan);
        if size > MAX_PLAN_NODES {
            return Err(Error::semantic(
                format!(
                    "the query's plan grows past {MAX_PLAN_NODES} operators ({size}): each use \
                     of a `let` table or function repeats its whole plan"
                ),
                span,
            ));
        }
        Ok(())
    }
}

fn too_big(name: &str, span: Span) -> Error {
    Error::semantic(
        format!(
            "the query's plan grows past {MAX_PLAN_NODES} operators: each use of `{name}` \
             repeats its whole plan, and the uses multiply"
        ),
        span,
    )
    .with_help(
        "a `let` table or function used twice by another that is itself used twice doubles at \
         each level; use it fewer times",
    )
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::Options;

    fn bind(query: &str) -> Result<crate::plan::BoundQuery, crate::Error> {
        let parsed = crate::parse(query).unwrap();
        crate::bind(&parsed, &Catalog::empty(), &Options::default())
    }

    /// `levels` lets, each the union of two uses of the one before.
    fn doubling(levels: usize, step: impl Fn(usize) -> String) -> String {
        let mut text = String::from("let a0 = range x from 1 to 10 step 1;\n");
        for i in 1..=levels {
            text.push_str(&step(i));
        }
        text.push_str(&format!("a{levels} | count"));
        text
    }

    #[test]
    fn doubling_lets_and_functions_are_refused_with_the_name() {
        let lets = doubling(30, |i| {
            format!("let a{i} = union a{}, a{};\n", i - 1, i - 1)
        });
        let started = std::time::Instant::now();
        let error = bind(&lets).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        let text = error.to_string();
        assert!(text.contains("grows past 200000 operators"), "{text}");
        assert!(text.contains("each use of `a"), "{text}");

        let functions = format!(
            "let f0 = () {{ range x from 1 to 10 step 1 }};\n{}f30() | count",
            (1..=30)
                .map(|i| format!("let f{i} = () {{ union f{}(), f{}() }};\n", i - 1, i - 1))
                .collect::<String>()
        );
        let error = bind(&functions).unwrap_err();
        assert!(error.to_string().contains("grows past"), "{error}");
    }

    #[test]
    fn a_few_doublings_and_long_let_chains_bind() {
        let lets = doubling(10, |i| {
            format!("let a{i} = union a{}, a{};\n", i - 1, i - 1)
        });
        assert!(bind(&lets).is_ok());
        // A chain uses each `let` once: its tree is as long as the chain.
        let chain: String = (1..=900)
            .map(|i| format!("let t{i} = t{} | extend c{i} = x + {i};\n", i - 1))
            .collect();
        let query = format!("let t0 = range x from 1 to 3 step 1;\n{chain}t900 | count");
        assert!(bind(&query).is_ok());
    }
}
