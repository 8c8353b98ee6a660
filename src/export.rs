//! `kqlite export`: hand a normalized table to a real engine. The rows go out as the query
//! engine sees them — every visible column, in schema order, values in Kusto's canonical text
//! (CSV) or as JSON values (JSON lines) — streamed batch by batch from the table's provider, so
//! memory stays flat however large the logs are.
//!
//! [`adx_schema`] writes the Azure Data Explorer commands that create the table with the same
//! columns and types, and ingestion mappings for both export formats, so an export ingests
//! unchanged and the same queries run there.

use crate::catalog::{is_hidden, Catalog, ScanRequest};
use crate::error::{suggest, Error, ErrorKind};
use crate::exec::Budget;
use crate::func::EvalContext;
use crate::output::{Format, ResultWriter, Terminal};
use crate::table::Schema;
use serde_json::Value as Json;
use std::io::{self, Write};

/// The file formats `export --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// RFC 4180 with a header line (CRLF line ends), as `kqlite query --format csv` writes.
    Csv,
    /// One JSON object per row, as `kqlite query --format jsonl` writes.
    JsonLines,
}

impl ExportFormat {
    pub fn from_name(name: &str) -> Option<ExportFormat> {
        match name {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" => Some(ExportFormat::JsonLines),
            _ => None,
        }
    }
}

/// The schema an export of `table` has: its visible columns (hidden ones such as `_ResourceId`
/// are left out, as `T` leaves them out of a query's result).
pub fn export_schema(catalog: &Catalog, table: &str) -> Result<Schema, Error> {
    let provider = catalog
        .get(table)
        .ok_or_else(|| unknown_table(catalog, table))?;
    let fields = provider
        .schema()
        .fields
        .iter()
        .filter(|f| !is_hidden(&f.name))
        .cloned()
        .collect();
    Ok(Schema::new(fields))
}

fn unknown_table(catalog: &Catalog, table: &str) -> Error {
    let mut error = Error::new(ErrorKind::UnknownTable(table.to_string()));
    if let Some(help) = suggest(table, catalog.names()) {
        error = error.with_help(help);
    }
    error
}

/// Write every row of `table` to `out` in `format`; returns the number of rows written.
/// `budget` is checked between batches (`--timeout`, `--max-memory`); `written` hears of each
/// batch's rows as they go out (the progress line).
pub fn export(
    catalog: &Catalog,
    table: &str,
    format: ExportFormat,
    budget: &Budget,
    written: &dyn Fn(u64),
    out: &mut dyn Write,
) -> Result<u64, Error> {
    let meter = budget.start();
    let provider = catalog
        .get(table)
        .ok_or_else(|| unknown_table(catalog, table))?;
    let schema = provider.schema();
    let columns: Vec<usize> = (0..schema.len())
        .filter(|&i| !is_hidden(&schema.fields[i].name))
        .collect();
    let request = ScanRequest {
        columns: &columns,
        predicates: &[],
        ctx: EvalContext { now: 0 },
        stats: None,
    };
    let output_format = match format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::JsonLines => Format::Jsonl,
    };
    let failed = |e: io::Error| Error::input("export output", e.to_string());
    // A reader that closes the pipe early (`kqlite export … | head`) has what it wanted: stop
    // scanning and report success.
    let closed = |e: &io::Error| e.kind() == io::ErrorKind::BrokenPipe;
    let schema = request.output_schema(schema);
    let mut writer = ResultWriter::new(schema, output_format, Terminal::default(), 0, out);
    let mut broken: Option<io::Error> = None;
    // Rows handed to the writer: with a closed pipe, the batch it failed on counts too (the
    // table had rows, whatever the reader took of them).
    let mut rows = 0;
    let scanned = provider.scan(&request, &mut |batch| {
        meter.check()?;
        rows += batch.num_rows() as u64;
        if let Err(e) = writer.write(&batch) {
            let stop = Error::input("export output", e.to_string());
            broken = Some(e);
            return Err(stop);
        }
        written(batch.num_rows() as u64);
        Ok(())
    });
    match broken {
        Some(e) if closed(&e) => return Ok(rows),
        Some(e) => return Err(failed(e)),
        None => scanned?,
    }
    match writer.finish() {
        Err(e) if !closed(&e) => Err(failed(e)),
        _ => Ok(rows),
    }
}

/// The Azure Data Explorer commands for `table` with `schema`: `.create table` with its
/// columns and types, then a JSON ingestion mapping (for `--format jsonl`) and a CSV one (for
/// `--format csv`, whose columns are in the same order), named `<table>_json` and `<table>_csv`.
pub fn adx_schema(table: &str, schema: &Schema) -> String {
    let columns: Vec<String> = schema
        .fields
        .iter()
        .map(|f| format!("{}:{}", kql_name(&f.name), f.ty.name()))
        .collect();
    let json_mapping: Vec<Json> = schema
        .fields
        .iter()
        .map(|f| {
            serde_json::json!({
                "column": f.name,
                "datatype": f.ty.name(),
                "Properties": { "Path": json_path(&f.name) },
            })
        })
        .collect();
    let csv_mapping: Vec<Json> = schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            serde_json::json!({
                "column": f.name,
                "datatype": f.ty.name(),
                "Properties": { "Ordinal": i.to_string() },
            })
        })
        .collect();
    let name = kql_name(table);
    format!(
        ".create table {name} ({})\n\n\
         .create-or-alter table {name} ingestion json mapping {}\n{}\n\n\
         .create-or-alter table {name} ingestion csv mapping {}\n{}\n",
        columns.join(", "),
        kql_string(&format!("{table}_json")),
        mapping_literals(&json_mapping),
        kql_string(&format!("{table}_csv")),
        mapping_literals(&csv_mapping),
    )
}

/// The mapping as KQL string literals, one column per line: a single-quoted literal cannot
/// span lines, and adjacent literals are joined into one string, as the ADX docs write them.
fn mapping_literals(entries: &[Json]) -> String {
    let mut lines = vec![kql_string("[")];
    for (i, entry) in entries.iter().enumerate() {
        let comma = if i + 1 < entries.len() { "," } else { "" };
        lines.push(kql_string(&format!("  {entry}{comma}")));
    }
    lines.push(kql_string("]"));
    lines.join("\n")
}

/// A name as KQL writes it: bare when it is an identifier, else `['…']`.
fn kql_name(name: &str) -> String {
    let identifier = crate::ast::is_identifier(name) && !KEYWORDS.contains(&name);
    if identifier {
        name.to_string()
    } else {
        format!("[{}]", kql_string(name))
    }
}

/// Lower-case words a bare column name may not be in a command.
const KEYWORDS: &[&str] = &[
    "and", "as", "by", "on", "or", "to", "in", "of", "with", "where", "let", "table", "true",
    "false", "null",
];

/// A single-quoted KQL string literal (backslash and quote escaped).
fn kql_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The JSON path of a top-level property: `$.Name`, or `$['odd name']` when it is no identifier.
fn json_path(name: &str) -> String {
    let plain = crate::ast::is_identifier(name);
    if plain {
        format!("$.{name}")
    } else {
        format!("$['{}']", name.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::MemoryTable;
    use crate::table::{Column, Field, Table, Type};
    use std::sync::Arc;

    fn catalog() -> Catalog {
        let schema = Schema::new(vec![
            Field::new("Name", Type::String),
            Field::new("Bytes", Type::Long),
            Field::new("When", Type::DateTime),
            Field::new("Tags", Type::Dynamic),
            Field::new("_ResourceId", Type::String),
        ]);
        let table = Table::new(
            schema,
            vec![
                Column::String(vec![Arc::from("a, \"b\""), Arc::from("c")]),
                Column::Long(vec![Some(10), None]),
                Column::DateTime(vec![Some(17_152_128_000_000_000), None]),
                Column::Dynamic(vec![serde_json::json!(["x", 1]), Json::Null]),
                Column::String(vec![Arc::from("/sub/x"), Arc::from("/sub/y")]),
            ],
        );
        let mut catalog = Catalog::new();
        catalog.register("Things", Arc::new(MemoryTable::new(table, "test")));
        catalog
    }

    fn exported(format: ExportFormat) -> String {
        let mut out = Vec::new();
        let rows = export(
            &catalog(),
            "Things",
            format,
            &Budget::default(),
            &|_| (),
            &mut out,
        )
        .unwrap();
        assert_eq!(rows, 2);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_has_the_visible_columns_in_canonical_text() {
        assert_eq!(
            exported(ExportFormat::Csv),
            "Name,Bytes,When,Tags\r\n\
             \"a, \"\"b\"\"\",10,2024-05-09T00:00:00Z,\"[\"\"x\"\",1]\"\r\n\
             c,,,\r\n"
        );
    }

    #[test]
    fn json_lines_have_typed_values_and_nulls() {
        assert_eq!(
            exported(ExportFormat::JsonLines),
            "{\"Name\":\"a, \\\"b\\\"\",\"Bytes\":10,\"When\":\"2024-05-09T00:00:00Z\",\"Tags\":[\"x\",1]}\n\
             {\"Name\":\"c\",\"Bytes\":null,\"When\":null,\"Tags\":null}\n"
        );
    }

    #[test]
    fn an_unknown_table_suggests_the_closest() {
        let err = export(
            &catalog(),
            "things",
            ExportFormat::Csv,
            &Budget::default(),
            &|_| (),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::UnknownTable("things".into()));
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `Things`? (names are case-sensitive)")
        );
    }

    #[test]
    fn adx_commands_create_the_table_and_both_mappings() {
        let schema = export_schema(&catalog(), "Things").unwrap();
        let text = adx_schema("Things", &schema);
        assert!(
            text.starts_with(
                ".create table Things (Name:string, Bytes:long, When:datetime, Tags:dynamic)\n\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("ingestion json mapping 'Things_json'\n'['\n'  {"),
            "{text}"
        );
        assert!(
            text.contains("ingestion csv mapping 'Things_csv'\n'['\n'  {"),
            "{text}"
        );
        assert!(!text.contains("_ResourceId"), "{text}");
        // Each mapping is JSON once its KQL string literals are read back and joined.
        let mappings: Vec<Vec<Json>> = text
            .split("\n\n")
            .skip(1)
            .map(|command| {
                let joined: String = command
                    .lines()
                    .skip(1)
                    .map(|l| l.strip_prefix('\'').unwrap().strip_suffix('\'').unwrap())
                    .collect();
                serde_json::from_str(&joined).unwrap()
            })
            .collect();
        assert_eq!(mappings.len(), 2);
        for mapping in &mappings {
            assert_eq!(mapping.len(), 4);
            assert_eq!(mapping[2]["column"], "When");
            assert_eq!(mapping[2]["datatype"], "datetime");
        }
        assert_eq!(mappings[0][1]["Properties"]["Path"], "$.Bytes");
        assert_eq!(mappings[1][3]["Properties"]["Ordinal"], "3");
    }

    #[test]
    fn odd_names_are_quoted() {
        assert_eq!(kql_name("Src Ip"), "['Src Ip']");
        assert_eq!(kql_name("by"), "['by']");
        assert_eq!(kql_name("It's"), "['It\\'s']");
        assert_eq!(json_path("Src Ip"), "$['Src Ip']");
        assert_eq!(json_path("SrcIp"), "$.SrcIp");
    }
}
