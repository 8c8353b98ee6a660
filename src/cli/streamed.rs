//! A query's result printed as the executor hands it out (`kqlite query` without `--chart` or
//! `--stats`): rows leave as soon as the last pipeline breaker (or, with none, the scan) sends
//! them, so memory does not hold the result, and a reader that closes the pipe
//! (`kqlite query … | head -3`) ends the run at once, successfully and silently. The table
//! format keeps only the rows it shows ([`crate::output::ResultWriter`]).

use super::args::QueryArgs;
use super::progress::{self, ProgressLine};
use super::{empty_hint, note, style, usage, Failure, QueryText};
use crate::catalog::Catalog;
use crate::chart;
use crate::exec::Flow;
use crate::output::{Format, ResultWriter, Terminal};
use crate::table::Table;
use std::io::{self, IsTerminal};

/// How printing a result ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Printed {
    /// Every row was written.
    Whole,
    /// The reader closed standard output: nothing more should be written.
    Closed,
}

/// Run `query` with `options` and print its result in `args.format` as it is computed.
/// `explain` may add help to a query error; `empty` hears whether the answer found nothing
/// (no rows, or one row of zeros), once every row is written.
pub(super) fn print(
    query: &QueryText,
    catalog: &Catalog,
    options: &crate::Options,
    args: &QueryArgs,
    explain: impl Fn(crate::Error) -> crate::Error,
    empty: impl FnOnce(bool),
) -> Result<Printed, Failure> {
    let in_query = |e| Failure::in_query(explain(e), query);
    let compiled = crate::compile(&query.text, catalog, options).map_err(in_query)?;
    // An unknown chart kind or property is a query error, before any row is printed.
    let draws = match &compiled.visualization {
        Some(vis) => chart::draws_chart(vis).map_err(in_query)?,
        None => false,
    };
    let terminal = Terminal {
        width: style::stdout_width(),
        styled: style::stdout_colored(),
    };
    let stdout = io::stdout();
    let rows_on_screen = stdout.is_terminal() && !matches!(args.format, Format::Table | Format::Az);
    let progress = ProgressLine::start(progress::wanted(args.quiet, rows_on_screen));
    let mut out = io::BufWriter::new(stdout.lock());
    let schema = compiled.plan.schema.clone();
    let mut writer = ResultWriter::new(schema, args.format, terminal, args.max_rows, &mut out);
    let mut failed: Option<io::Error> = None;
    let mut first_row: Option<Table> = None;
    let external = crate::external_tables(options);
    crate::exec::execute_into(&compiled, catalog, &external, options, &mut |batch| {
        if first_row.is_none() && batch.num_rows() > 0 {
            let columns = batch.columns.iter().map(|c| c.slice(0, 1)).collect();
            first_row = Some(Table::new(batch.schema.clone(), columns));
        }
        progress.add_rows(batch.num_rows() as u64);
        match writer.write(&batch).and_then(|()| writer.flush()) {
            Ok(()) => Ok(Flow::More),
            Err(e) => {
                failed = Some(e);
                Ok(Flow::Stop)
            }
        }
    })
    .map_err(in_query)?;
    // The line goes before the table format prints (both may share the terminal).
    drop(progress);
    if failed.is_some() {
        return closed_or_failed(failed).map(|()| Printed::Closed);
    }
    let rows = match writer.finish() {
        Ok(rows) => rows,
        Err(e) => return closed_or_failed(Some(e)).map(|()| Printed::Closed),
    };
    drop(out);
    let first = first_row.unwrap_or_else(|| Table::empty(compiled.plan.schema.clone()));
    empty(empty_hint::says_nothing(rows, &first));
    if let Some(vis) = compiled.visualization.filter(|_| draws) {
        note(&format!(
            "the query renders a {}; add --chart FILE.svg to write it",
            vis.kind
        ));
    }
    Ok(Printed::Whole)
}

/// A closed pipe is success (the reader has what it wanted); any other write error fails.
fn closed_or_failed(error: Option<io::Error>) -> Result<(), Failure> {
    match error {
        Some(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(usage(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}
