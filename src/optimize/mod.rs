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
    }
}
