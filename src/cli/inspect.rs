//! `kqlite tables` (what the logs hold) and `kqlite schema` (a table's columns and types).

use super::args::{SchemaArgs, TablesArgs};
use super::{logs, note, write_stdout, Failure};
use crate::error::{suggest, Error, ErrorKind};
use crate::output::{self, Format};
use crate::sources;
use crate::table::{Column, Field, Schema, Table, Type};
use std::sync::Arc;

/// One row per table the logs filled: name, rows, and the files and formats it came from.
pub fn tables(args: TablesArgs) -> Result<(), Failure> {
    let loaded = logs::load(&args.logs)?;
    let summaries = sources::describe(&loaded.report, &loaded.catalog)?;
    loaded.report_problems();
    if summaries.is_empty() {
        note("no tables found in the given logs");
    }
    let table = Table::new(
        Schema::new(vec![
            Field::new("Table", Type::String),
            Field::new("Rows", Type::Long),
            Field::new("Source", Type::String),
        ]),
        vec![
            Column::String(
                summaries
                    .iter()
                    .map(|s| Arc::from(s.name.as_str()))
                    .collect(),
            ),
            Column::Long(summaries.iter().map(|s| Some(s.rows as i64)).collect()),
            Column::String(
                summaries
                    .iter()
                    .map(|s| Arc::from(s.origin.as_str()))
                    .collect(),
            ),
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
