//! CI honesty: a check that read only empty tables proves nothing. With no `--logs`, an empty
//! folder or a download that matched nothing, an alert-style check (`expect: empty`) would pass
//! green; it is an error instead, unless its header says `// allow-empty: true`.

use crate::catalog::{Catalog, ScanRequest};
use crate::error::{Error, ErrorKind};

use crate::func::EvalContext;
use crate::plan::Plan;

/// The error for a check whose plan reads tables and finds no row in any of them; None when
/// it reads no table (`print`, `datatable`) or some table has a row.
pub fn error_if_all_empty(plan: &Plan, catalog: &Catalog) -> Result<Option<Error>, Error> {
    let tables = crate::now::tables_read(plan);
    if tables.is_empty() {
        return Ok(None);
    }
    for table in &tables {
        if has_rows(table, catalog)? {
            return Ok(None);
        }
    }
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    let (what, which) = match names.as_slice() {
        [one] => (one.to_string(), "the only table the check reads has"),
        many => (many.join(", "), "every table the check reads has"),
    };
    // An input error (exit code 3): the logs, not the query, are what is missing.
    Ok(Some(
        Error::input(
            what,
            format!("{which} no rows: a check cannot pass or fail on nothing"),
        )
        .with_help(
            "check --logs (a folder with no logs, or a download that matched nothing); add \
             `// allow-empty: true` to the header if no rows is a valid state",
        ),
    ))
}

/// Whether `table` has at least one row; the scan stops at the first non-empty batch.
fn has_rows(table: &str, catalog: &Catalog) -> Result<bool, Error> {
    let Some(provider) = catalog.get(table) else {
        return Ok(false);
    };
    if provider.schema().is_empty() {
        return Ok(false);
    }
    let request = ScanRequest {
        columns: &[0],
        predicates: &[],
        ctx: EvalContext { now: 0 },
        stats: None,
    };
    let mut found = false;
    // A sink cannot say "stop" without an error; this one is recognised and dropped below.
    let stop = Error::new(ErrorKind::Runtime("stop: a row was found".into()));
    let scanned = provider.scan(&request, &mut |batch| {
        if batch.num_rows() > 0 {
            found = true;
            return Err(stop.clone());
        }
        Ok(())
    });
    match scanned {
        Err(e) if !(found && e == stop) => Err(e),
        _ => Ok(found),
    }
}
