//! Tables given as files: CSV (a header row, RFC 4180), JSON (an array of objects) or JSON lines
//! (one object per line) → an in-memory table that keeps only its present cells
//! ([`SparseTable`]: rows that each name other keys cost what they hold). A known table keeps its schema's columns and
//! types (columns the file lacks are empty, extra ones are appended with inferred types); any
//! other table gets its types inferred from its first rows: long, real, bool, datetime, else
//! string, and dynamic for JSON objects and arrays. Dates and timespans are read as
//! `todatetime` / `totimespan` read text.

use super::detect;
use super::diagnostics::Diagnostic;
use super::la_export;
use super::read_issue::Position;
use super::sparse_table::{SparseColumn, SparseTable};
use crate::catalog::known_schema;
use crate::error::Error;
use crate::table::{Field, Schema, Str, Type, Value};
use crate::value::text;
use indexmap::IndexMap;
use std::path::Path;

/// How many rows type inference looks at.
const INFER_ROWS: usize = 1000;

/// Kusto's limit of columns per table
/// (<https://learn.microsoft.com/kusto/query/schema-entities/columns>). JSON keys first seen
/// after this many are reported and left out. (Rows that each add a key cost what they hold:
/// absent cells are not stored, and scans of a wide table come in batches of fewer rows.)
const MAX_COLUMNS: usize = 10_000;

/// The layout of a table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Json,
    JsonLines,
}

impl TableFormat {
    /// From the file name's extension (`.csv`, `.json`, `.jsonl`/`.ndjson`, under a `.gz`).
    pub fn from_path(path: &Path) -> Option<TableFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = name.rsplit_once('.')?.1;
        match ext {
            "csv" => Some(TableFormat::Csv),
            "json" => Some(TableFormat::Json),
            "jsonl" | "ndjson" => Some(TableFormat::JsonLines),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TableFormat::Csv => "CSV",
            TableFormat::Json => "JSON",
            TableFormat::JsonLines => "JSON lines",
        }
    }
}

/// The table's name when none is given: the file name up to its first dot.
pub fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    name.split('.').next().unwrap_or_default().to_string()
}

/// One cell as read: missing, text (CSV, JSON strings), or another JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Missing,
    Text(String),
    Json(serde_json::Value),
}

/// Cells under named columns, column by column: each column holds only its present cells, so
/// rows that each name other keys cost what they hold, not rows × columns.
pub(crate) struct RawTable {
    pub(crate) columns: Vec<String>,
    /// The 1-based line each row starts on (0 when unknown).
    pub(crate) lines: Vec<usize>,
    /// Per column, its present cells as (row, cell) in row order.
    pub(crate) cells: Vec<Vec<(usize, Cell)>>,
    /// JSON keys left out past [`MAX_COLUMNS`]: how many distinct ones, and the first few.
    pub(crate) dropped_keys: (usize, Vec<String>),
}

impl RawTable {
    fn empty() -> RawTable {
        RawTable {
            columns: Vec::new(),
            lines: Vec::new(),
            cells: Vec::new(),
            dropped_keys: (0, Vec::new()),
        }
    }
}

/// Load `path` as the table `name`; bad rows and values are skipped or nulled and reported in
/// `problems`.
pub fn load(
    path: &Path,
    name: &str,
    format: TableFormat,
    problems: &mut Vec<Diagnostic>,
) -> Result<SparseTable, Error> {
    let shown = path.display().to_string();
    let bytes =
        detect::read_all(path).map_err(|e| Error::input(&shown, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(
            &shown,
            format!(
                "byte {} is not valid UTF-8",
                e.utf8_error().valid_up_to() + 1
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Log Analytics exports (portal CSV, `az monitor log-analytics query` JSON) have their own
    // reader: ` [UTC]` headers, AM/PM datetimes, all-string values, the CLI's `TableName` key.
    let head = text.as_bytes().get(..64 * 1024).unwrap_or(text.as_bytes());
    // `kqlite query --format json` output (the query API's shape) reads back with its types.
    if format == TableFormat::Json && super::query_api::looks_like(head) {
        return super::query_api::read(text, &shown).map(SparseTable::from);
    }
    let export = match format {
        TableFormat::Csv if la_export::looks_like_portal_csv(head) => {
            Some(la_export::read_portal_csv(text, &shown, name))
        }
        TableFormat::Json if la_export::looks_like_az_json(head) => {
            Some(la_export::read_az_json(text, &shown, name))
        }
        _ => None,
    };
    if let Some((table, issues)) = export {
        problems.extend(issues.into_iter().map(|i| {
            let (line, position) = match i.position {
                Position::Line(n) => (Some(n), String::new()),
                Position::Record(n) => (None, format!("row {n}")),
                Position::File => (None, String::new()),
            };
            Diagnostic::new(i.path, line, position, i.message, i.skipped)
        }));
        return Ok(SparseTable::from(table));
    }
    let raw = match format {
        TableFormat::Csv => read_csv(text, &shown, problems),
        TableFormat::Json => read_json_array(text, &shown)?,
        TableFormat::JsonLines => read_json_lines(text, &shown, problems),
    };
    Ok(build(raw, name, &shown, problems))
}

fn read_csv(text: &str, path: &str, problems: &mut Vec<Diagnostic>) -> RawTable {
    let (records, open_quote) = csv_records(text);
    if let Some(line) = open_quote {
        problems.push(Diagnostic::new(
            path,
            Some(line),
            String::new(),
            "a quoted value is not closed before the end of the file",
            1,
        ));
    }
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return RawTable::empty();
    };
    let header = unique_names(header, path, problems);
    let mut raw = RawTable::empty();
    raw.cells = header.iter().map(|_| Vec::new()).collect();
    for (n, (line, fields)) in records.enumerate() {
        if fields.len() == 1 && fields[0].is_empty() {
            continue;
        }
        if fields.len() != header.len() {
            problems.push(Diagnostic::new(
                path,
                Some(line),
                format!("row {}", n + 1),
                format!(
                    "expected {} fields as in the header, found {}",
                    header.len(),
                    fields.len()
                ),
                1,
            ));
            continue;
        }
        let row = raw.lines.len();
        raw.lines.push(line);
        for (column, field) in raw.cells.iter_mut().zip(fields) {
            if !field.is_empty() {
                column.push((row, Cell::Text(field)));
            }
        }
    }
    raw.columns = header;
    raw
}

/// Header names every column can be found by: an empty name becomes `ColumnN` (its 1-based
/// position, as Kusto names unnamed columns) and a repeated one gets a number (`Port`, `Port1`),
/// each change reported, so no column is lost behind another of the same name.
fn unique_names(header: Vec<String>, path: &str, problems: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    // A set beside the list: a header of 100,000 names is checked in linear time.
    let mut taken: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    for (i, name) in header.into_iter().enumerate() {
        let mut unique = if name.is_empty() {
            format!("Column{}", i + 1)
        } else {
            name.clone()
        };
        let mut n = 0;
        while taken.contains(&unique) {
            n += 1;
            unique = format!("{name}{n}");
        }
        if unique != name {
            let why = if name.is_empty() {
                "has no name"
            } else {
                "repeats a name"
            };
            problems.push(Diagnostic::new(
                path,
                Some(1),
                format!("column {}", i + 1),
                format!("the header {why}; the column is called `{unique}`"),
                0,
            ));
        }
        taken.insert(unique.clone());
        names.push(unique);
    }
    names
}

/// RFC 4180 records: `,`-separated, `"`-quoted fields with `""` for a quote, CRLF or LF between
/// records, line breaks allowed inside quotes, blank lines skipped. Each record with the line it
/// starts on, and the line of a quoted value still open at the end of the text, if any.
pub(crate) fn csv_records(text: &str) -> (Vec<(usize, Vec<String>)>, Option<usize>) {
    delimited_records(text, ',')
}

/// [`csv_records`] with another separator between fields (tab, `;`, `|`, …); quoting is the same.
pub(crate) fn delimited_records(
    text: &str,
    separator: char,
) -> (Vec<(usize, Vec<String>)>, Option<usize>) {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut record_line) = (1, 1);
    let mut quoted = false;
    let mut at_record_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == separator => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if !(at_record_start && field.is_empty() && fields.is_empty()) {
                    fields.push(std::mem::take(&mut field));
                    records.push((record_line, std::mem::take(&mut fields)));
                }
                line += 1;
                record_line = line;
                at_record_start = true;
                continue;
            }
            _ => field.push(c),
        }
        at_record_start = false;
    }
    if quoted {
        return (records, Some(record_line));
    }
    if !at_record_start || !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    (records, None)
}

fn json_cell(value: serde_json::Value) -> Cell {
    match value {
        serde_json::Value::Null => Cell::Missing,
        serde_json::Value::String(s) => Cell::Text(s),
        other => Cell::Json(other),
    }
}

/// Rows from JSON objects; columns in order of first appearance, at most [`MAX_COLUMNS`].
pub(crate) fn rows_from_objects(
    objects: impl IntoIterator<Item = (usize, serde_json::Map<String, serde_json::Value>)>,
) -> RawTable {
    rows_from_objects_within(objects, MAX_COLUMNS)
}

fn rows_from_objects_within(
    objects: impl IntoIterator<Item = (usize, serde_json::Map<String, serde_json::Value>)>,
    max_columns: usize,
) -> RawTable {
    let mut index: IndexMap<String, ()> = IndexMap::new();
    let mut dropped: IndexMap<String, ()> = IndexMap::new();
    let mut raw = RawTable::empty();
    for (row, (line, object)) in objects.into_iter().enumerate() {
        raw.lines.push(line);
        for (key, value) in object {
            let column = match index.get_index_of(&key) {
                Some(column) => column,
                None if index.len() < max_columns => {
                    index.insert(key, ());
                    raw.cells.push(Vec::new());
                    index.len() - 1
                }
                None => {
                    dropped.insert(key, ());
                    continue;
                }
            };
            let cell = json_cell(value);
            if !matches!(cell, Cell::Missing) {
                raw.cells[column].push((row, cell));
            }
        }
    }
    raw.columns = index.into_keys().collect();
    raw.dropped_keys = (dropped.len(), dropped.into_keys().take(3).collect());
    raw
}

fn read_json_array(text: &str, path: &str) -> Result<RawTable, Error> {
    let values: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(text)
        .map_err(|e| {
            Error::input(
                path,
                format!("line {}: expected a JSON array of objects: {e}", e.line()),
            )
        })?;
    Ok(rows_from_objects(values.into_iter().map(|o| (0, o))))
}

/// Each line's object goes into the table as it is parsed (the file's objects are never all
/// held at once).
pub(crate) fn read_json_lines(text: &str, path: &str, problems: &mut Vec<Diagnostic>) -> RawTable {
    let objects = text.lines().enumerate().filter_map(|(n, line)| {
        if line.trim().is_empty() {
            return None;
        }
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
            Ok(object) => Some((n + 1, object)),
            Err(e) => {
                problems.push(Diagnostic::new(
                    path,
                    Some(n + 1),
                    "",
                    format!(
                        "expected one JSON object on the line: {} (column {})",
                        json_error_text(&e),
                        e.column()
                    ),
                    1,
                ));
                None
            }
        }
    });
    rows_from_objects(objects)
}

/// What serde_json found wrong, without the position it appends (callers give the line in
/// the file, not in the text they parsed).
fn json_error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&position).unwrap_or(&text).to_string()
}

/// JSON objects one after another (each may span lines), or arrays of them: Kusto's
/// `multijson`. Each object with the line it starts on; text that is not JSON, or a value that
/// is not an object, is an error naming its line.
pub(crate) fn read_json_stream(text: &str, path: &str) -> Result<RawTable, Error> {
    // Lines are counted on from the last object, never from the start: many objects stay linear.
    let counted = std::cell::Cell::new((0usize, 1usize));
    let line_of = |offset: usize| {
        let rest = &text[offset..];
        let start = offset + rest.len() - rest.trim_start().len();
        let (from, line) = counted.get();
        let line = line + text[from..start].matches('\n').count();
        counted.set((start, line));
        line
    };
    let not_an_object = |line: usize, value: &serde_json::Value| {
        let kind = match value {
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a bool",
            _ => "null",
        };
        Error::input(
            path,
            format!("line {line}: expected a JSON object, found {kind}"),
        )
    };
    let mut objects = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    loop {
        let line = line_of(stream.byte_offset());
        match stream.next() {
            None => break,
            Some(Err(e)) => {
                return Err(Error::input(
                    path,
                    format!(
                        "line {}, column {}: not JSON: {}",
                        e.line(),
                        e.column(),
                        json_error_text(&e)
                    ),
                ))
            }
            Some(Ok(serde_json::Value::Object(object))) => objects.push((line, object)),
            Some(Ok(serde_json::Value::Array(items))) => {
                for item in items {
                    match item {
                        serde_json::Value::Object(object) => objects.push((line, object)),
                        other => return Err(not_an_object(line, &other)),
                    }
                }
            }
            Some(Ok(other)) => return Err(not_an_object(line, &other)),
        }
    }
    Ok(rows_from_objects(objects))
}

/// Lay the cells out under the known schema (if `name` has one) or inferred types.
fn build(raw: RawTable, name: &str, path: &str, problems: &mut Vec<Diagnostic>) -> SparseTable {
    let (dropped, first_dropped) = &raw.dropped_keys;
    if *dropped > 0 {
        problems.push(Diagnostic::new(
            path,
            None,
            String::new(),
            format!(
                "the objects name more than {MAX_COLUMNS} keys, Kusto's limit of columns per table; {dropped} later keys (`{}`, …) are left out",
                first_dropped.join("`, `")
            ),
            0,
        ));
    }
    let position: rustc_hash::FxHashMap<&str, usize> = raw
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut fields: Vec<Field> = Vec::new();
    // For each output field, the raw column it comes from.
    let mut sources: Vec<Option<usize>> = Vec::new();
    if let Some(schema) = known_schema(name) {
        for field in schema.fields.iter().cloned() {
            sources.push(position.get(field.name.as_str()).copied());
            fields.push(field);
        }
    }
    let known = fields.len();
    for (i, column) in raw.columns.iter().enumerate() {
        if fields[..known].iter().any(|f| f.name == *column) {
            continue;
        }
        let first_rows = raw.cells[i].iter().take_while(|(row, _)| *row < INFER_ROWS);
        let ty = infer(first_rows.map(|(_, cell)| cell));
        fields.push(Field::new(column.clone(), ty));
        sources.push(Some(i));
    }
    let rows = raw.lines.len();
    // Values that do not fit their column: (row, field, message), reported in row order.
    let mut misfits: Vec<(usize, usize, String)> = Vec::new();
    // Only the present cells are kept (a value that does not fit is null, so absent too).
    let mut columns = Vec::with_capacity(fields.len());
    for (f, (field, source)) in fields.iter().zip(&sources).enumerate() {
        let mut column = SparseColumn::empty(field.ty);
        for (row, cell) in source.map_or(&[][..], |i| &raw.cells[i][..]) {
            match convert(cell, field.ty) {
                Ok(Value::Null) => {}
                Ok(value) => column.push(*row, &value),
                Err(message) => misfits.push((*row, f, message)),
            }
        }
        columns.push(column);
    }
    misfits.sort_by_key(|(row, f, _)| (*row, *f));
    for (row, f, message) in misfits {
        let line = raw.lines[row];
        problems.push(Diagnostic::new(
            path,
            (line > 0).then_some(line),
            format!("row {}, column {}", row + 1, fields[f].name),
            message,
            0,
        ));
    }
    SparseTable::new(Schema::new(fields), rows, columns)
}

/// The narrowest type every present cell fits (the value layer's inference: long, real, bool,
/// datetime, else string); dynamic when a JSON object or array is among them.
fn infer<'a>(cells: impl Iterator<Item = &'a Cell> + Clone) -> Type {
    let texts: Vec<String> = cells
        .filter_map(|cell| match cell {
            Cell::Missing => None,
            Cell::Json(v) => Some(v.to_string()),
            Cell::Text(s) => Some(s.clone()),
        })
        .collect();
    let dynamic = texts.iter().any(|t| t.starts_with(['{', '[']))
        && texts.iter().any(|t| {
            serde_json::from_str::<serde_json::Value>(t)
                .is_ok_and(|v| v.is_object() || v.is_array())
        });
    if dynamic {
        return Type::Dynamic;
    }
    text::infer_type(texts.iter().map(String::as_str))
}

fn convert(cell: &Cell, ty: Type) -> Result<Value, String> {
    match cell {
        Cell::Missing => Ok(Value::Null),
        Cell::Text(s) => parse_text(s, ty),
        Cell::Json(v) => match ty {
            Type::Dynamic => Ok(Value::Dynamic(v.clone())),
            Type::String => Ok(Value::String(Str::from(v.to_string()))),
            _ => parse_text(&v.to_string(), ty),
        },
    }
}

/// `text` as a value of `ty`, or why it is not one.
pub fn parse_text(text: &str, ty: Type) -> Result<Value, String> {
    text::parse_as(text, ty).ok_or_else(|| format!("`{text}` is not a {}", ty.name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Column;
    use crate::table::TICKS_PER_SECOND;
    use std::sync::Arc;

    fn temp(name: &str, content: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("kqlite-tf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    #[test]
    fn csv_quotes_and_line_breaks() {
        let (records, open_quote) = csv_records("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\n3,\n");
        assert_eq!(open_quote, None);
        assert_eq!(records[0], (1, vec!["a".into(), "b".into()]));
        assert_eq!(
            records[1],
            (2, vec!["x, \"y\"".into(), "two\nlines".into()])
        );
        assert_eq!(records[2], (4, vec!["3".into(), "".into()]));
    }

    #[test]
    fn unknown_csv_table_infers_types() {
        let path = temp("hosts.csv", "Name,Count,Ratio,Up,Seen\nweb,3,0.5,true,2024-05-09T10:00:00Z\ndb,,1,false,2024-05-09 11:30:00\n");
        let mut problems = Vec::new();
        let table = load(&path, "hosts", TableFormat::Csv, &mut problems)
            .unwrap()
            .to_table();
        assert!(problems.is_empty(), "{problems:?}");
        let types: Vec<Type> = table.schema.fields.iter().map(|f| f.ty).collect();
        assert_eq!(
            types,
            vec![
                Type::String,
                Type::Long,
                Type::Real,
                Type::Bool,
                Type::DateTime
            ]
        );
        assert_eq!(table.columns[1], Column::Long(vec![Some(3), None]));
        assert_eq!(
            table.columns[4].get(1),
            Value::DateTime(text::parse_datetime("2024-05-09T11:30:00Z").unwrap())
        );
    }

    #[test]
    fn known_table_keeps_its_schema() {
        let path = temp(
            "export.csv",
            "SrcIp,DestPort,BytesSrcToDest,FlowStartTime,Extra\n10.0.0.1,443,100,2024-05-09T10:00:00.5Z,x\n10.0.0.2,http,5,,y\n",
        );
        let mut problems = Vec::new();
        let table = load(&path, "NTANetAnalytics", TableFormat::Csv, &mut problems)
            .unwrap()
            .to_table();
        let schema = known_schema("NTANetAnalytics").unwrap();
        assert_eq!(table.schema.fields[..schema.len()], schema.fields[..]);
        assert_eq!(
            table.schema.fields.last().unwrap(),
            &Field::new("Extra", Type::String)
        );
        assert_eq!(
            table.column("DestPort").unwrap(),
            &Column::Int(vec![Some(443), None])
        );
        assert_eq!(
            table.column("AclRule").unwrap().get(0),
            Value::String(Arc::from(""))
        );
        assert_eq!(
            table.column("FlowStartTime").unwrap().get(0),
            Value::DateTime(1_715_248_800 * TICKS_PER_SECOND + 5_000_000)
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        assert_eq!(problems[0].position, "row 2, column DestPort");
    }

    #[test]
    fn a_csv_of_100000_columns_loads_its_row() {
        // The header's names were checked against every earlier one (quadratic: seconds for
        // one row); now each is one set lookup.
        let header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
        let row: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
        let path = temp(
            "wide.csv",
            &format!("{}\n{}\n", header.join(","), row.join(",")),
        );
        let mut problems = Vec::new();
        let table = load(&path, "Wide", TableFormat::Csv, &mut problems)
            .unwrap()
            .to_table();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.schema.fields.len(), 100_000);
        assert_eq!(table.num_rows(), 1);
        assert_eq!(table.column("c99999").unwrap().get(0), Value::Long(99_999));
    }

    #[test]
    fn objects_that_each_add_a_key_cost_what_they_hold() {
        // 2,000 objects, each with a key of its own: the cells held are the 2,000 values, not
        // 2,000 × 2,000; past the column limit the later keys are counted and left out.
        let objects = |n: usize| {
            (0..n)
                .map(|i| {
                    let mut object = serde_json::Map::new();
                    object.insert(format!("k{i}"), serde_json::Value::from(i));
                    (i + 1, object)
                })
                .collect::<Vec<_>>()
        };
        let raw = rows_from_objects(objects(2_000));
        assert_eq!(raw.columns.len(), 2_000);
        assert_eq!(raw.cells.iter().map(Vec::len).sum::<usize>(), 2_000);
        assert_eq!(raw.dropped_keys.0, 0);
        let raw = rows_from_objects_within(objects(2_000), 500);
        assert_eq!(raw.columns.len(), 500);
        assert_eq!(raw.lines.len(), 2_000, "every row is kept");
        assert_eq!(raw.cells.iter().map(Vec::len).sum::<usize>(), 500);
        assert_eq!(
            raw.dropped_keys,
            (1_500, vec!["k500".into(), "k501".into(), "k502".into()])
        );
        let mut problems = Vec::new();
        let table = build(raw, "Sparse", "s.jsonl", &mut problems).to_table();
        assert_eq!(table.num_rows(), 2_000);
        assert_eq!(table.column("k499").unwrap().get(499), Value::Long(499));
        assert!(problems[0]
            .message
            .contains("more than 10000 keys, Kusto's limit of columns per table; 1500 later keys (`k500`, `k501`, `k502`, …) are left out"));
    }

    #[test]
    fn a_long_multijson_stream_numbers_its_lines() {
        let text: String = (0..20_000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        let raw = read_json_stream(&text, "m.json").unwrap();
        assert_eq!(raw.lines.len(), 20_000);
        assert_eq!((raw.lines[0], raw.lines[19_999]), (1, 20_000));
    }

    #[test]
    fn json_and_json_lines() {
        let path = temp(
            "t.json",
            r#"[{"a":1,"b":{"x":1},"c":"s"},{"a":2.5,"d":true}]"#,
        );
        let mut problems = Vec::new();
        let table = load(&path, "t", TableFormat::Json, &mut problems)
            .unwrap()
            .to_table();
        let names: Vec<&str> = table.schema.names().collect();
        assert_eq!(names, vec!["a", "b", "c", "d"]);
        let types: Vec<Type> = table.schema.fields.iter().map(|f| f.ty).collect();
        assert_eq!(
            types,
            vec![Type::Real, Type::Dynamic, Type::String, Type::Bool]
        );
        let path = temp("t.jsonl", "{\"a\":1}\nnot json\n{\"a\":2}\n");
        let table = load(&path, "t", TableFormat::JsonLines, &mut problems)
            .unwrap()
            .to_table();
        assert_eq!(table.columns[0], Column::Long(vec![Some(1), Some(2)]));
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn value_syntax() {
        let span = (((24 + 2) * 60 + 3) * 60 + 4) * TICKS_PER_SECOND + 5_000_000;
        assert_eq!(
            parse_text("1.02:03:04.5", Type::TimeSpan),
            Ok(Value::TimeSpan(span))
        );
        assert!(parse_text("nope", Type::TimeSpan).is_err());
        assert_eq!(
            text::parse_guid("00000000-0000-0000-0000-000000000010"),
            Some(16)
        );
        let day = 1_715_212_800 * TICKS_PER_SECOND;
        assert_eq!(
            parse_text("2024-05-09", Type::DateTime),
            Ok(Value::DateTime(day))
        );
        assert!(parse_text("123", Type::DateTime).is_err());
        assert_eq!(parse_text(" 42 ", Type::Long), Ok(Value::Long(42)));
        assert_eq!(parse_text("TRUE", Type::Bool), Ok(Value::Bool(true)));
        assert_eq!(
            TableFormat::from_path(Path::new("x.JSONL.gz")),
            Some(TableFormat::JsonLines)
        );
        assert_eq!(stem(Path::new("dir/MyTable.csv")), "MyTable");
    }

    #[test]
    fn log_analytics_exports_are_read_as_exported() {
        let path = temp(
            "NTANetAnalytics.csv",
            "TimeGenerated [UTC],SrcIp,DestPort\n\"5/9/2024, 10:00:52.562 AM\",10.12.1.4,443\n",
        );
        let mut problems = Vec::new();
        let table = load(&path, "NTANetAnalytics", TableFormat::Csv, &mut problems)
            .unwrap()
            .to_table();
        assert!(problems.is_empty());
        assert_eq!(
            table.column("TimeGenerated").unwrap().get(0),
            Value::DateTime(la_export::parse_datetime("2024-05-09T10:00:52.562Z").unwrap())
        );
        assert_eq!(table.column("DestPort").unwrap().get(0), Value::Int(443));
        let path = temp(
            "q.json",
            r#"[{"DestPort": "22", "TableName": "PrimaryResult", "Flag": "INVALID"}]"#,
        );
        let table = load(&path, "q", TableFormat::Json, &mut problems)
            .unwrap()
            .to_table();
        assert!(problems.is_empty());
        assert!(table.schema.index_of("TableName").is_none());
        assert_eq!(table.column("DestPort").unwrap().get(0), Value::Long(22));
    }
}
