//! The control commands clients send to fill their connection dialogs and schema panes, each
//! with the columns Kusto documents, over the catalog; a command may be followed by `| …`
//! query operators, which run over its table. Commands that would change data are refused:
//! the server is read-only.
//!
//! - `.show version`, `.show databases`, `.show tables` ([doc](https://learn.microsoft.com/azure/data-explorer/kusto/management/show-tables-command))
//! - `.show table T schema as json`, `.show table T cslschema` ([doc](https://learn.microsoft.com/azure/data-explorer/kusto/management/show-table-schema-command))
//! - `.show database [NAME] schema [as json]`, `.show databases schema [as json]` ([doc](https://learn.microsoft.com/azure/data-explorer/kusto/management/show-schema-database))
//! - `.show databases entities` ([doc](https://learn.microsoft.com/azure/data-explorer/kusto/management/show-databases-entities)), `.show functions`

use super::engine::FailedQuery;
use crate::ast::Span;
use crate::catalog::{Catalog, MemoryTable};
use crate::table::{Column, Field, Schema, Table, Type};
use serde_json::{json, Value as Json};
use std::sync::Arc;

/// Why a command gave no table.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("`{0}` changes data, and kqlite serve is read-only: only `.show` commands run here")]
    ReadOnly(String),
    #[error(
        "`{0}` is not a command kqlite serve answers; it answers .show version, .show databases, \
         .show tables, .show table T schema as json, .show database schema as json and \
         .show databases entities"
    )]
    Unsupported(String),
    #[error("{0}")]
    NotFound(String),
    /// The `| …` after the command failed.
    #[error("{}", .0.error)]
    Query(Box<FailedQuery>),
}

/// The name the command's table has for the operators piped after it.
const PIPED_TABLE: &str = "CommandResult";

/// Verbs of commands that change something.
const WRITING_VERBS: &[&str] = &[
    "create",
    "create-or-alter",
    "create-merge",
    "alter",
    "alter-merge",
    "drop",
    "ingest",
    "set",
    "append",
    "set-or-append",
    "set-or-replace",
    "delete",
    "purge",
    "rename",
    "move",
    "replace",
    "clear",
    "merge",
    "attach",
    "detach",
    "execute",
    "export",
    "add",
    "undo",
    "enable",
    "disable",
    "cancel",
    "abandon",
    "dup-next-ingest",
    "dup-next-failed-ingest",
    "seal",
];

/// Run a control command (text starting with `.`) against `catalog`, served as `database`.
pub fn run(command: &str, catalog: &Catalog, database: &str) -> Result<Table, CommandError> {
    let (head, pipe) = split_pipe(command);
    let words = words(head);
    let word = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let is = |pattern: &[&str]| {
        lower.len() == pattern.len() && lower.iter().zip(pattern).all(|(w, p)| *p == "*" || w == p)
    };
    let verb = lower.first().map_or("", |w| w.trim_start_matches('.'));
    if WRITING_VERBS.contains(&verb) {
        return Err(CommandError::ReadOnly(first_line(head)));
    }
    let schema_of = |name: &str| -> Result<(), CommandError> {
        if name.eq_ignore_ascii_case(database) {
            Ok(())
        } else {
            Err(CommandError::NotFound(format!(
                "database `{name}` not found; this server serves `{database}`"
            )))
        }
    };
    let table = if is(&[".show", "version"]) {
        version()
    } else if is(&[".show", "databases"]) || is(&[".show", "database"]) {
        databases(database)
    } else if is(&[".show", "tables"]) {
        tables(catalog, database, &[])
    } else if lower.len() > 2 && lower[0] == ".show" && lower[1] == "tables" {
        tables(catalog, database, &words[2..])
    } else if is(&[".show", "table", "*", "schema", "as", "json"]) {
        table_schema(catalog, database, word(2), true)?
    } else if is(&[".show", "table", "*", "cslschema"]) {
        table_schema(catalog, database, word(2), false)?
    } else if is(&[".show", "database", "schema", "as", "json"])
        || is(&[".show", "databases", "schema", "as", "json"])
    {
        schema_json_table(catalog, database)
    } else if is(&[".show", "database", "*", "schema", "as", "json"])
        || is(&[".show", "databases", "*", "schema", "as", "json"])
    {
        schema_of(word(2))?;
        schema_json_table(catalog, database)
    } else if is(&[".show", "database", "schema"]) || is(&[".show", "databases", "schema"]) {
        schema_rows(catalog, database)
    } else if is(&[".show", "database", "*", "schema"])
        || is(&[".show", "databases", "*", "schema"])
        || is(&[".show", "database", "*", "schema", "details"])
        || is(&[".show", "databases", "*", "schema", "details"])
    {
        schema_of(word(2))?;
        schema_rows(catalog, database)
    } else if is(&[".show", "databases", "entities"]) || is(&[".show", "database", "entities"]) {
        entities(catalog, database)
    } else if is(&[".show", "functions"]) {
        functions()
    } else {
        return Err(CommandError::Unsupported(first_line(head)));
    };
    match pipe {
        None => Ok(table),
        Some(rest) => piped(table, command, rest),
    }
}

fn first_line(text: &str) -> String {
    text.trim().lines().next().unwrap_or("").trim().to_string()
}

/// The command and what follows its first `|` outside quotes (with its offset in `command`).
fn split_pipe(command: &str) -> (&str, Option<(usize, &str)>) {
    let mut quote: Option<char> = None;
    for (i, c) in command.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '|') => return (&command[..i], Some((i, &command[i..]))),
            _ => {}
        }
    }
    (command, None)
}

/// The command's words: parentheses and commas separate them, `[…]` and quotes around names
/// are dropped, and a `with (…)` options clause is ignored (it changes nothing here).
fn words(head: &str) -> Vec<String> {
    let spaced: String = head
        .chars()
        .map(|c| if matches!(c, '(' | ')' | ',') { ' ' } else { c })
        .collect();
    let mut words = Vec::new();
    for word in spaced.split_whitespace() {
        if word.eq_ignore_ascii_case("with") {
            break;
        }
        let name = word
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_matches(|c| c == '\'' || c == '"');
        words.push(name.to_string());
    }
    words
}

/// Run `| …` over the command's table, with errors pointing into the whole command.
fn piped(
    table: Table,
    command: &str,
    (offset, rest): (usize, &str),
) -> Result<Table, CommandError> {
    let mut catalog = Catalog::empty();
    catalog.register(PIPED_TABLE, Arc::new(MemoryTable::new(table, "")));
    let prefix = format!("{PIPED_TABLE} ");
    let query = format!("{prefix}{rest}");
    let shift = |span: Span| {
        let map = |at: usize| (at + offset).saturating_sub(prefix.len());
        Span::new(map(span.start), map(span.end))
    };
    crate::run(&query, &catalog, &crate::Options::default())
        .map(|result| result.table)
        .map_err(|mut error| {
            error.span = error.span.map(shift);
            CommandError::Query(FailedQuery::new(error, command))
        })
}

fn strings(values: &[&str]) -> Column {
    Column::String(values.iter().map(|v| Arc::from(*v)).collect())
}

fn single_row(fields: Vec<Field>, columns: Vec<Column>) -> Table {
    Table::new(Schema::new(fields), columns)
}

fn version() -> Table {
    let version = env!("CARGO_PKG_VERSION");
    single_row(
        vec![
            Field::new("BuildVersion", Type::String),
            Field::new("BuildTime", Type::DateTime),
            Field::new("ServiceType", Type::String),
            Field::new("ProductVersion", Type::String),
        ],
        vec![
            strings(&[version]),
            Column::DateTime(vec![None]),
            strings(&["Engine"]),
            Column::String(vec![Arc::from(format!("kqlite {version}").as_str())]),
        ],
    )
}

/// `.show databases`: the one database this server serves.
fn databases(database: &str) -> Table {
    single_row(
        vec![
            Field::new("DatabaseName", Type::String),
            Field::new("PersistentStorage", Type::String),
            Field::new("Version", Type::String),
            Field::new("IsCurrent", Type::Bool),
            Field::new("DatabaseAccessMode", Type::String),
            Field::new("PrettyName", Type::String),
            Field::new("ReservedSlot1", Type::Bool),
            Field::new("DatabaseId", Type::Guid),
        ],
        vec![
            strings(&[database]),
            strings(&[""]),
            strings(&["v1.0"]),
            Column::Bool(vec![Some(true)]),
            strings(&["ReadOnly"]),
            strings(&[""]),
            Column::Bool(vec![Some(false)]),
            Column::Guid(vec![Some(database_id(database))]),
        ],
    )
}

/// A stable id for the database name (FNV-1a, twice), so clients that cache by id agree
/// across restarts.
fn database_id(name: &str) -> u128 {
    let hash = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    (u128::from(hash(0xcbf2_9ce4_8422_2325)) << 64) | u128::from(hash(0x8422_2325_cbf2_9ce4))
}

/// The tables a listing shows: all, or those named (in catalog order).
fn listed<'a>(catalog: &'a Catalog, only: &[String]) -> Vec<&'a str> {
    catalog
        .names()
        .filter(|n| only.is_empty() || only.iter().any(|o| o == n))
        .collect()
}

fn tables(catalog: &Catalog, database: &str, only: &[String]) -> Table {
    let names = listed(catalog, only);
    let docs: Vec<String> = names.iter().map(|n| doc_string(catalog, n)).collect();
    Table::new(
        Schema::new(vec![
            Field::new("TableName", Type::String),
            Field::new("DatabaseName", Type::String),
            Field::new("Folder", Type::String),
            Field::new("DocString", Type::String),
        ]),
        vec![
            strings(&names),
            strings(&vec![database; names.len()]),
            strings(&vec![""; names.len()]),
            Column::String(docs.iter().map(|d| Arc::from(d.as_str())).collect()),
        ],
    )
}

/// A table's docstring: where its rows come from.
fn doc_string(catalog: &Catalog, name: &str) -> String {
    catalog.get(name).map(|p| p.origin()).unwrap_or_default()
}

fn columns_of(catalog: &Catalog, name: &str) -> Vec<(String, Type)> {
    catalog.get(name).map_or_else(Vec::new, |p| {
        p.schema()
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.ty))
            .collect()
    })
}

fn table_json(catalog: &Catalog, name: &str) -> Json {
    let columns: Vec<Json> = columns_of(catalog, name)
        .into_iter()
        .map(|(column, ty)| json!({"Name": column, "Type": ty.dotnet_name(), "CslType": ty.name()}))
        .collect();
    json!({
        "Name": name,
        "EntityType": "Table",
        "OrderedColumns": columns,
        "Folder": null,
        "DocString": doc_string(catalog, name),
    })
}

fn csl_schema(catalog: &Catalog, name: &str) -> String {
    columns_of(catalog, name)
        .iter()
        .map(|(column, ty)| format!("{column}:{}", ty.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn table_schema(
    catalog: &Catalog,
    database: &str,
    name: &str,
    as_json: bool,
) -> Result<Table, CommandError> {
    if catalog.get(name).is_none() {
        return Err(CommandError::NotFound(format!("table `{name}` not found")));
    }
    let schema = if as_json {
        table_json(catalog, name).to_string()
    } else {
        csl_schema(catalog, name)
    };
    Ok(single_row(
        vec![
            Field::new("TableName", Type::String),
            Field::new("Schema", Type::String),
            Field::new("DatabaseName", Type::String),
            Field::new("Folder", Type::String),
            Field::new("DocString", Type::String),
        ],
        vec![
            strings(&[name]),
            Column::String(vec![Arc::from(schema.as_str())]),
            strings(&[database]),
            strings(&[""]),
            Column::String(vec![Arc::from(doc_string(catalog, name).as_str())]),
        ],
    ))
}

/// The database schema document of `.show database schema as json`.
pub fn schema_document(catalog: &Catalog, database: &str) -> Json {
    let tables: serde_json::Map<String, Json> = catalog
        .names()
        .map(|name| (name.to_string(), table_json(catalog, name)))
        .collect();
    json!({
        "Plugins": [],
        "Databases": {
            database: {
                "Name": database,
                "Tables": tables,
                "ExternalTables": {},
                "MaterializedViews": {},
                "Functions": {},
                "EntityGroups": {},
                "MajorVersion": 1,
                "MinorVersion": 0,
                "DatabaseAccessMode": "ReadOnly",
                "PrettyName": null,
            }
        }
    })
}

fn schema_json_table(catalog: &Catalog, database: &str) -> Table {
    let document = schema_document(catalog, database).to_string();
    single_row(
        vec![Field::new("DatabaseSchema", Type::String)],
        vec![Column::String(vec![Arc::from(document.as_str())])],
    )
}

/// `.show database schema` as rows: one for the database, one per table, one per column.
fn schema_rows(catalog: &Catalog, database: &str) -> Table {
    let mut rows: Vec<[String; 4]> =
        vec![[database.into(), String::new(), String::new(), String::new()]];
    for name in catalog.names() {
        rows.push([database.into(), name.into(), String::new(), String::new()]);
        for (column, ty) in columns_of(catalog, name) {
            rows.push([
                database.into(),
                name.into(),
                column,
                ty.dotnet_name().into(),
            ]);
        }
    }
    let text = |i: usize| Column::String(rows.iter().map(|r| Arc::from(r[i].as_str())).collect());
    let n = rows.len();
    Table::new(
        Schema::new(vec![
            Field::new("DatabaseName", Type::String),
            Field::new("TableName", Type::String),
            Field::new("ColumnName", Type::String),
            Field::new("ColumnType", Type::String),
            Field::new("IsDefaultTable", Type::Bool),
            Field::new("IsDefaultColumn", Type::Bool),
            Field::new("PrettyName", Type::String),
            Field::new("Version", Type::String),
            Field::new("Folder", Type::String),
            Field::new("DocString", Type::String),
        ]),
        vec![
            text(0),
            text(1),
            text(2),
            text(3),
            Column::Bool(vec![Some(false); n]),
            Column::Bool(vec![Some(false); n]),
            strings(&vec![""; n]),
            Column::String(
                (0..n)
                    .map(|i| Arc::from(if i == 0 { "v1.0" } else { "" }))
                    .collect(),
            ),
            strings(&vec![""; n]),
            strings(&vec![""; n]),
        ],
    )
}

fn entities(catalog: &Catalog, database: &str) -> Table {
    let names: Vec<&str> = catalog.names().collect();
    let n = names.len();
    let docs: Vec<String> = names.iter().map(|t| doc_string(catalog, t)).collect();
    let schemas: Vec<String> = names.iter().map(|t| csl_schema(catalog, t)).collect();
    let owned =
        |values: &[String]| Column::String(values.iter().map(|v| Arc::from(v.as_str())).collect());
    Table::new(
        Schema::new(vec![
            Field::new("DatabaseName", Type::String),
            Field::new("EntityType", Type::String),
            Field::new("EntityName", Type::String),
            Field::new("DocString", Type::String),
            Field::new("Folder", Type::String),
            Field::new("CslInputSchema", Type::String),
            Field::new("Content", Type::String),
            Field::new("CslOutputSchema", Type::String),
        ]),
        vec![
            strings(&vec![database; n]),
            strings(&vec!["Table"; n]),
            strings(&names),
            owned(&docs),
            strings(&vec![""; n]),
            strings(&vec![""; n]),
            strings(&vec![""; n]),
            owned(&schemas),
        ],
    )
}

fn functions() -> Table {
    Table::empty(Schema::new(
        ["Name", "Parameters", "Body", "Folder", "DocString"]
            .iter()
            .map(|n| Field::new(*n, Type::String))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_ok(command: &str) -> Table {
        run(command, &Catalog::new(), "Flows").unwrap()
    }

    fn cell(table: &Table, column: &str, row: usize) -> String {
        crate::output::cell_text(table.column(column).unwrap(), row).to_string()
    }

    #[test]
    fn show_commands_have_the_documented_columns() {
        let tables = run_ok(".show tables");
        assert_eq!(
            tables.schema.names().collect::<Vec<_>>(),
            ["TableName", "DatabaseName", "Folder", "DocString"]
        );
        assert!((0..tables.num_rows()).any(|r| cell(&tables, "TableName", r) == "NTANetAnalytics"));
        let dbs = run_ok(".show databases");
        assert_eq!(cell(&dbs, "DatabaseName", 0), "Flows");
        assert_eq!(dbs.schema.len(), 8);
        let schema = run_ok(".show table NTANetAnalytics schema as json");
        let json: Json = serde_json::from_str(&cell(&schema, "Schema", 0)).unwrap();
        assert_eq!(json["Name"], "NTANetAnalytics");
        let first = &json["OrderedColumns"][0];
        assert!(first["Name"].is_string() && first["CslType"].is_string());
        assert_eq!(
            run_ok(".show version").schema.fields[0].name,
            "BuildVersion"
        );
    }

    #[test]
    fn database_schema_as_json_names_every_table() {
        for command in [
            ".show database schema as json",
            ".show database Flows schema as json",
            ".show databases (Flows) schema as json",
            ".show databases schema as json",
        ] {
            let table = run_ok(command);
            let doc: Json = serde_json::from_str(&cell(&table, "DatabaseSchema", 0)).unwrap();
            let columns = &doc["Databases"]["Flows"]["Tables"]["AWSVPCFlow"]["OrderedColumns"];
            assert!(
                columns.as_array().is_some_and(|c| !c.is_empty()),
                "{command}"
            );
        }
        let missing = run(
            ".show database Other schema as json",
            &Catalog::new(),
            "Flows",
        );
        assert!(matches!(missing, Err(CommandError::NotFound(_))));
    }

    #[test]
    fn operators_after_a_command_run_over_its_table() {
        let table = run_ok(".show databases entities with (showObfuscatedStrings=true) | where EntityName == 'AWSVPCFlow' | project EntityName, EntityType");
        assert_eq!(table.num_rows(), 1);
        assert_eq!(cell(&table, "EntityType", 0), "Table");
        let command = ".show tables | where Nope == 1";
        let Err(CommandError::Query(failed)) = run(command, &Catalog::new(), "Flows") else {
            panic!("expected a query error");
        };
        let span = failed.error.span.unwrap();
        assert_eq!(&command[span.start..span.end], "Nope");
    }

    #[test]
    fn writing_commands_are_refused() {
        for command in [
            ".create table T (a:string)",
            ".ingest into table T (h'x')",
            ".drop table T",
            ".set-or-append T <| print 1",
        ] {
            assert!(
                matches!(
                    run(command, &Catalog::new(), "Flows"),
                    Err(CommandError::ReadOnly(_))
                ),
                "{command}"
            );
        }
        assert!(matches!(
            run(".show cluster", &Catalog::new(), "Flows"),
            Err(CommandError::Unsupported(_))
        ));
    }
}
