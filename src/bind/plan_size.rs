//! A bound on how big a plan may grow. Every use of a tabular `let` and every call of a user
//! function stands for the whole plan behind it. The binder shares that plan between the uses
//! (children are `Arc`s), so binding stays cheap, but the plan still means one copy per use:
//! passes copy a shared child before changing it, and the executor runs each use. A short query
//! that doubles a `let` or a function thirty times (`let b = union a, a; let c = union b, b; …`)
//! is a 2^30-operator tree. The binder charges each use's tree size against
//! [`MAX_COPIED_NODES`] and refuses the query, naming the name that multiplied, once the total
//! passes it; counting stops as soon as it does, so the check itself stays bounded.

use super::scope::Rel;
use super::Binder;
use crate::ast::Span;
use crate::error::Error;
use crate::plan::{ExprNode, Plan};

/// The most plan operators binding may copy for one query, over all uses of `let` tables and
/// function calls (a 400-line chain of `let tN = tN-1 | extend …` copies about 80,000).
pub const MAX_COPIED_NODES: usize = 200_000;

impl Binder<'_> {
    /// Charge a copy of `rel` (a use of `name` at `span`) against the query's allowance.
    pub(super) fn charge_copy(&mut self, rel: &Rel, name: &str, span: Span) -> Result<(), Error> {
        let room = MAX_COPIED_NODES.saturating_sub(self.copied_nodes);
        let mut counted = 0usize;
        let walked = count_nodes(&rel.plan, room, &mut counted);
        self.copied_nodes += counted;
        match walked {
            Ok(()) => Ok(()),
            Err(()) => Err(Error::semantic(
                format!(
                    "the query's plan grows past {MAX_COPIED_NODES} operators: each use of \
                     `{name}` repeats its whole plan, and the uses multiply"
                ),
                span,
            )
            .with_help(
                "a `let` table or function used twice by another that is itself used twice \
                 doubles at each level; use it fewer times",
            )),
        }
    }
}

/// Count the operators of `plan` as a tree (a shared child once per place it is used), the
/// plans of its subqueries included, into `counted`; fail once the count passes `room`.
/// Columns and constants, most of a wide projection's expressions, hold no subquery and are
/// not walked.
fn count_nodes(plan: &Plan, room: usize, counted: &mut usize) -> Result<(), ()> {
    *counted += 1;
    if *counted > room {
        return Err(());
    }
    for expr in plan.exprs() {
        if matches!(expr.kind, ExprNode::Column(_) | ExprNode::Literal(_)) {
            continue;
        }
        let mut result = Ok(());
        expr.walk(&mut |e| {
            if let (Ok(()), Some(sub)) = (&result, e.subplan()) {
                result = count_nodes(sub, room, counted);
            }
        });
        result?;
    }
    plan.children()
        .into_iter()
        .try_for_each(|child| count_nodes(child, room, counted))
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
        let chain: String = (1..=400)
            .map(|i| format!("let t{i} = t{} | extend c{i} = x + {i};\n", i - 1))
            .collect();
        let query = format!("let t0 = range x from 1 to 3 step 1;\n{chain}t400 | count");
        assert!(bind(&query).is_ok());
    }
}
