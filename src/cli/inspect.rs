//! `kqlite tables` (what the logs hold) and `kqlite schema` (a table's columns and types).

use super::args::{SchemaArgs, TablesArgs};
use super::{logs, note, write_stdout, Failure};
use crate::catalog::{ScanRequest, TableProvider};
use crate::error::{suggest, Error, ErrorKind};
use crate::func::EvalContext;
use crate::output::{self, Format};
use crate::table::{Column, Field, Schema, Table, Type};
use std::sync::Arc;

/// One row per table the logs filled: name, rows, and the files and formats it came from.
pub fn tables(args: TablesArgs) -> Result<(), Failure> {
    let loaded = logs::load(&args.logs)?;
    let mut names = Vec::new();
    let mut counts = Vec::new();
    let mut origins = Vec::new();
    for name in &loaded.tables {
        let provider = loaded
            .catalog
            .get(name)
            .expect("the loader registers every table it reports");
        names.push(Arc::from(name.as_str()));
        counts.push(Some(count_rows(provider.as_ref())?));
        origins.push(Arc::from(provider.origin()));
    }
    if names.is_empty() {
        note("no tables found in the given logs");
    }
    let table = Table::new(
        Schema::new(vec![
            Field::new("Table", Type::String),
            Field::new("Rows", Type::Long),
            Field::new("Source", Type::String),
        ]),
        vec![
            Column::String(names),
            Column::Long(counts),
            Column::String(origins),
        ],
    );
    write_stdout(|out| output::write(&table, Format::Table, out))
}

/// The columns of a known table or of one found under `--logs`, in order, with their types.
pub fn schema(args: SchemaArgs) -> Result<(), Failure> {
    let loaded = logs::load(&args.logs)?;
    let Some(provider) = loaded.catalog.get(&args.table) else {
        let mut error = Error::new(ErrorKind::UnknownTable(args.table.clone()));
        error.help = suggest(&args.table, loaded.catalog.names());
        return Err(error.into());
    };
    let fields = &provider.schema().fields;
    let table = Table::new(
        Schema::new(vec![
            Field::new("ColumnName", Type::String),
            Field::new("ColumnType", Type::String),
        ]),
        vec![
            Column::String(fields.iter().map(|f| Arc::from(f.name.as_str())).collect()),
            Column::String(fields.iter().map(|f| Arc::from(f.ty.name())).collect()),
        ],
    );
    write_stdout(|out| output::write(&table, args.format, out))
}

/// Rows in a table, by scanning its first column.
fn count_rows(provider: &dyn TableProvider) -> Result<i64, Error> {
    if provider.schema().is_empty() {
        return Ok(0);
    }
    let mut rows = 0;
    let request = ScanRequest {
        columns: &[0],
        predicates: &[],
        ctx: EvalContext { now: 0 },
    };
    provider.scan(&request, &mut |batch| {
        rows += batch.num_rows() as i64;
        Ok(())
    })?;
    Ok(rows)
}
