//! `kqlite export`: a table's rows to CSV or JSON lines (a file or stdout), or the Azure Data
//! Explorer commands that create the table and its ingestion mappings.

use super::args::ExportArgs;
use super::progress::{self, ProgressLine};
use super::{logs, note, usage, write_stdout, Failure};
use crate::export;
use std::io::{IsTerminal, Write};

pub fn run(args: ExportArgs) -> Result<(), Failure> {
    let loaded = logs::load(&args.logs)?;
    if let Some(table) = &args.adx_schema {
        let schema = export::export_schema(&loaded.catalog, table)?;
        let commands = export::adx_schema(table, &schema);
        return write_stdout(|out| out.write_all(commands.as_bytes()));
    }
    let table = args
        .table
        .as_deref()
        .ok_or_else(|| usage("export needs --table TABLE (or --adx-schema TABLE)"))?;
    let budget = args.limits.budget();
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let progress = ProgressLine::start(progress::wanted(args.quiet, to_terminal));
    let written = |n| progress.add_rows(n);
    let (mut out, shown): (Box<dyn Write>, _) = match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
            (Box::new(file), path.display().to_string())
        }
        None => (Box::new(std::io::stdout().lock()), "standard output".into()),
    };
    let mut out = std::io::BufWriter::new(&mut out);
    let rows = export::export(
        &loaded.catalog,
        table,
        args.format,
        &budget,
        &written,
        &mut out,
    )?;
    // A closed standard output was success already (the export stopped there).
    match out.flush() {
        Err(e) if args.output.is_some() || e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(usage(format!("cannot write {shown}: {e}")));
        }
        _ => {}
    }
    drop(progress);
    if let Some(path) = &args.output {
        note(&format!(
            "{rows} rows of {table} written to {}",
            path.display()
        ));
    }
    loaded.report_problems();
    if rows == 0 {
        note(&format!("{table} has no rows in these logs"));
    }
    Ok(())
}
