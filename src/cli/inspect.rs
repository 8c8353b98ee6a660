//! `kqlite tables` (what the logs hold, or without `--logs` every table kqlite knows) and
//! `kqlite schema` (a table's columns and types).

use super::args::{SchemaArgs, TablesArgs};
use super::{known_tables, logs, note, print_table, Failure};
use crate::catalog::{Catalog, KNOWN_SCHEMAS};
use crate::error::{Error, ErrorKind};
use crate::sources;
use crate::table::{Column, Field, Schema, Table, Type};
use std::sync::Arc;

/// With `--logs`, one row per table the logs filled: name, rows, and the files and formats it
/// came from. Without, one row per known table: name, what fills it, its columns.
pub fn tables(args: TablesArgs) -> Result<(), Failure> {
    if args.logs.logs.is_empty() {
        return print_table(&known_tables_table(), args.format);
    }
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
            strings(summaries.iter().map(|s| s.name.as_str())),
            Column::Long(summaries.iter().map(|s| Some(s.rows as i64)).collect()),
            strings(summaries.iter().map(|s| s.origin.as_str())),
        ],
    );
    print_table(&table, args.format)
}

/// Every compiled-in table: `Table`, `FilledBy` and `Columns` (how many: `kqlite schema T`
/// lists them).
fn known_tables_table() -> Table {
    let catalog = Catalog::new();
    let names: Vec<&str> = KNOWN_SCHEMAS.iter().map(|(name, _)| *name).collect();
    let schemas: Vec<Schema> = names
        .iter()
        .map(|n| {
            catalog
                .get(n)
                .expect("every known table is in a new catalog")
                .schema()
                .clone()
        })
        .collect();
    Table::new(
        Schema::new(vec![
            Field::new("Table", Type::String),
            Field::new("FilledBy", Type::String),
            Field::new("Columns", Type::Long),
        ]),
        vec![
            strings(names.iter().copied()),
            strings(names.iter().map(|n| known_tables::filled_by(n))),
            Column::Long(schemas.iter().map(|s| Some(s.len() as i64)).collect()),
        ],
    )
}

fn strings<'a>(values: impl Iterator<Item = &'a str>) -> Column {
    Column::String(values.map(Arc::from).collect())
}

/// The columns of a known table or of one found under `--logs`, in order, with their types.
pub fn schema(args: SchemaArgs) -> Result<(), Failure> {
    let loaded = logs::load(&args.logs)?;
    let Some(provider) = loaded.catalog.get(&args.table) else {
        return Err(unknown_table(&args.table, &loaded.catalog).into());
    };
    let fields = &provider.schema().fields;
    let table = Table::new(
        Schema::new(vec![
            Field::new("ColumnName", Type::String),
            Field::new("ColumnType", Type::String),
        ]),
        vec![
            strings(fields.iter().map(|f| f.name.as_str())),
            strings(fields.iter().map(|f| f.ty.name())),
        ],
    );
    print_table(&table, args.format)
}

/// `unknown table`, with the close names or else every name (`kqlite tables` lists them).
pub fn unknown_table(name: &str, catalog: &Catalog) -> Error {
    let mut error = Error::new(ErrorKind::UnknownTable(name.to_string()));
    error.help = Some(crate::error::suggest_tables(name, catalog.names()));
    error
}
