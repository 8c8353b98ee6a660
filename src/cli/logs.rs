//! `--logs` and its companion flags → a catalog with the tables found on disk, and the problems
//! found while reading them. The reading itself lives in `crate::sources`; this is only glue.

use super::args::LogsArgs;
use super::{log_paths, note, style};
use crate::catalog::Catalog;
use crate::error::Error;
use crate::sources::topology::{self, TopologyRef};
use crate::sources::{self, LoadReport, SourceOptions};
use std::sync::Arc;

/// How many input problems are listed one by one before the summary line.
const LISTED_PROBLEMS: usize = 20;

/// The catalog a query runs against, and what the loader found.
pub struct Loaded {
    pub catalog: Catalog,
    pub report: LoadReport,
}

/// Every known table (empty unless the logs fill it) plus the tables under `--logs`.
pub fn load(args: &LogsArgs) -> Result<Loaded, Error> {
    sources::set_max_file_size(args.max_file_size);
    let mut catalog = Catalog::new();
    let options = SourceOptions {
        interval: args.interval,
        nta_from: args.nta_from.0.clone(),
        strict: args.strict,
        follow_links: args.follow,
        topology: load_topology(args)?,
    };
    let paths = log_paths::expand(&args.logs)?;
    let report = sources::open(&paths, &options, &mut catalog)?;
    Ok(Loaded { catalog, report })
}

/// `--topology` files, read before the logs; a file that is not a topology export is skipped
/// with a warning (an error under `--strict`).
fn load_topology(args: &LogsArgs) -> Result<Option<TopologyRef>, Error> {
    if args.topology.is_empty() {
        return Ok(None);
    }
    let (topology, issues) = topology::load_files(&args.topology)?;
    for issue in issues {
        if args.strict {
            return Err(Error::input(issue.path, issue.message));
        }
        style::warning(&issue.to_string());
    }
    Ok(Some(TopologyRef(Arc::new(topology))))
}

impl Loaded {
    /// Print the input problems found so far (call it after the query ran: raw logs are read
    /// while a query scans them): each on its own line, then one summary line.
    pub fn report_problems(&self) {
        let problems = self.report.diagnostics.all();
        for problem in problems.iter().take(LISTED_PROBLEMS) {
            style::warning(&problem.to_string());
        }
        if problems.len() > LISTED_PROBLEMS {
            note(&format!(
                "{} more problems not shown",
                problems.len() - LISTED_PROBLEMS
            ));
        }
        if let Some(summary) = self.report.diagnostics.summary() {
            note(&summary);
        }
    }
}
