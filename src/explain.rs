//! `kqlite query --explain` and `--stats`: the optimized plan as text (what each scan builds
//! and which predicates go into its reader, and what the reader does with each), and a run that
//! records rows per operator, what each reader skipped and where the time went.

use crate::catalog::{Catalog, ScanRequest};
use crate::error::Error;
use crate::exec::{execute_profiled, Profile};
use crate::plan::display::Explain;
use crate::plan::{BoundQuery, Node, Plan};
use crate::{bind, optimize, parse, Options, QueryResult};

/// Parse, bind and optimize `source`: the plan `execute` would run, one node per line.
pub fn explain(source: &str, catalog: &Catalog, options: &Options) -> Result<String, Error> {
    let query = plan_of(source, catalog, options)?;
    let uses = |plan: &Plan| predicate_uses(plan, catalog, options);
    let explain = Explain {
        source,
        predicate_uses: &uses,
    };
    Ok(explain.render(&query.plan))
}

/// Run `source` as `crate::run` does, recording a [`Profile`].
pub fn run_with_stats(
    source: &str,
    catalog: &Catalog,
    options: &Options,
) -> Result<(QueryResult, Profile), Error> {
    let query = plan_of(source, catalog, options)?;
    let text = source.to_string();
    let describe = Box::new(move |plan: &Plan| {
        let explain = Explain {
            source: &text,
            predicate_uses: &|_| None,
        };
        explain.line(plan)
    });
    execute_profiled(
        &query,
        catalog,
        &crate::external_tables(options),
        options,
        describe,
    )
}

fn plan_of(source: &str, catalog: &Catalog, options: &Options) -> Result<BoundQuery, Error> {
    parse(source)
        .and_then(|query| bind(&query, catalog, options))
        .map(optimize)
}

/// What the reader of a scan's table does with each pushed predicate.
fn predicate_uses(plan: &Plan, catalog: &Catalog, options: &Options) -> Option<Vec<String>> {
    let Node::Scan {
        table,
        columns,
        predicates,
    } = &plan.node
    else {
        return None;
    };
    let request = ScanRequest {
        columns,
        predicates,
        ctx: options.context(),
        stats: None,
    };
    catalog.get(table)?.predicate_uses(&request)
}
