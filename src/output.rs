//! A result table as text: an aligned table for people (elided to a terminal's width), one
//! `Column: value` line per cell (vertical), CSV, JSON (Log Analytics API shape, read back as a
//! table file), JSON lines, and the array of string-valued objects `az monitor log-analytics
//! query` prints. [`ResultWriter`] writes a result batch by batch as the executor hands it out.
//!
//! Every format writes cell values in Kusto's canonical text ([`crate::format`]) or, in the JSON
//! formats, as JSON values: long/int/real/bool as numbers and booleans, datetime/timespan/guid as
//! their canonical strings, dynamic as itself, null as `null`.

pub mod az;
mod stream;

pub use stream::{ResultWriter, DEFAULT_MAX_ROWS};

use crate::format::{
    datetime_text, dynamic_text, guid_text, push_timespan, real_text, timespan_text, DatetimeRun,
};
use crate::table::{Column, Schema, Table};
use rayon::prelude::*;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

/// Output formats of `kqlite query --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
    Vertical,
    Az,
}

impl Format {
    /// The names `--format` accepts, in the order `--help` lists them.
    pub const NAMES: [&'static str; 6] = ["table", "vertical", "csv", "json", "jsonl", "az"];

    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "table" => Format::Table,
            "vertical" => Format::Vertical,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "jsonl" => Format::Jsonl,
            "az" => Format::Az,
            _ => return None,
        })
    }
}

/// Where the table format is shown: a terminal's width (middle columns are elided to fit it)
/// and whether its header is bold. The default, for files and pipes, is every column, plain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    pub width: Option<usize>,
    pub styled: bool,
}

/// Render `table` in `format` into a string.
pub fn render(table: &Table, format: Format) -> String {
    let mut out = Vec::new();
    write(table, format, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("every format writes UTF-8")
}

/// Write `table` in `format` to `out`, every column, no styling.
pub fn write(table: &Table, format: Format, out: &mut dyn Write) -> io::Result<()> {
    write_to(table, format, Terminal::default(), out)
}

/// Write `table` in `format` to `out`, fitting the table format to `terminal`; every row.
pub fn write_to(
    table: &Table,
    format: Format,
    terminal: Terminal,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer = ResultWriter::new(table.schema.clone(), format, terminal, 0, out);
    writer.write(table)?;
    writer.finish().map(|_| ())
}

/// The canonical text of one cell; null is empty.
pub fn cell_text(column: &Column, row: usize) -> Cow<'_, str> {
    fn or_empty<T>(value: Option<T>, text: impl FnOnce(T) -> String) -> Cow<'static, str> {
        value.map_or(Cow::Borrowed(""), |v| Cow::Owned(text(v)))
    }
    match column {
        Column::Bool(v) => Cow::Borrowed(match v[row] {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        }),
        Column::Int(v) => or_empty(v[row], |x| x.to_string()),
        Column::Long(v) => or_empty(v[row], |x| x.to_string()),
        Column::Real(v) => or_empty(v[row], real_text),
        Column::DateTime(v) => or_empty(v[row], datetime_text),
        Column::TimeSpan(v) => or_empty(v[row], timespan_text),
        Column::Guid(v) => or_empty(v[row], guid_text),
        Column::String(v) => Cow::Borrowed(&v[row]),
        Column::Dynamic(v) => match &v[row] {
            Json::String(s) => Cow::Borrowed(s),
            other => Cow::Owned(dynamic_text(other)),
        },
    }
}

/// One cell as a JSON value.
pub fn cell_json(column: &Column, row: usize) -> Json {
    fn or_null<T>(value: Option<T>, json: impl FnOnce(T) -> Json) -> Json {
        value.map_or(Json::Null, json)
    }
    match column {
        Column::Bool(v) => or_null(v[row], Json::Bool),
        Column::Int(v) => or_null(v[row], Json::from),
        Column::Long(v) => or_null(v[row], Json::from),
        // JSON has no NaN or infinities; they go out as Kusto spells them, as strings.
        Column::Real(v) => or_null(v[row], |r| {
            serde_json::Number::from_f64(r).map_or_else(|| Json::String(real_text(r)), Json::Number)
        }),
        Column::DateTime(v) => or_null(v[row], |t| Json::String(datetime_text(t))),
        Column::TimeSpan(v) => or_null(v[row], |t| Json::String(timespan_text(t))),
        Column::Guid(v) => or_null(v[row], |g| Json::String(guid_text(g))),
        Column::String(v) => Json::String(v[row].to_string()),
        Column::Dynamic(v) => v[row].clone(),
    }
}

// ---- table: for people --------------------------------------------------------------------

/// Header, a dashed rule, then the rows; numbers right-aligned, everything else left-aligned,
/// values shown in full. Control characters are escaped so that one row stays one line. On a
/// terminal narrower than the table, middle columns give way to a `…` column and a closing note.
///
/// With `elided`, the table holds the first and last rows of a longer result: a row of `⋮`
/// stands between them and a closing line says how many rows there are.
fn write_text_table(
    table: &Table,
    terminal: Terminal,
    elided_rows: Option<ElidedRows>,
    out: &mut dyn Write,
) -> io::Result<()> {
    if table.schema.is_empty() {
        return Ok(());
    }
    let rows = table.num_rows();
    let cells: Vec<Vec<String>> = table
        .columns
        .iter()
        .map(|c| (0..rows).map(|r| one_line(&cell_text(c, r))).collect())
        .collect();
    let widths: Vec<usize> = table
        .schema
        .fields
        .iter()
        .zip(&cells)
        .map(|(f, col)| {
            col.iter()
                .map(|s| s.chars().count())
                .chain([one_line(&f.name).chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let shown = terminal.width.map_or_else(
        || (0..widths.len()).map(Some).collect(),
        |w| fit(&widths, w),
    );
    let elided = shown.iter().filter(|c| c.is_none()).count();
    let elided = if elided > 0 {
        widths.len() + 1 - shown.len()
    } else {
        0
    };
    let width_of = |c: &Option<usize>| c.map_or(1, |i| widths[i]);
    let shown_widths: Vec<usize> = shown.iter().map(width_of).collect();
    let right_aligned: Vec<bool> = shown
        .iter()
        .map(|c| c.is_some_and(|i| table.schema.fields[i].ty.is_numeric()))
        .collect();
    let pick = |texts: &dyn Fn(usize) -> String, gap: &str| -> Vec<String> {
        shown
            .iter()
            .map(|c| c.map_or_else(|| gap.to_string(), texts))
            .collect()
    };

    let header = pick(&|i| one_line(&table.schema.fields[i].name), "…");
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let header_line = text_line(&header, &shown_widths, &right_aligned);
    if terminal.styled {
        let bold = anstyle::Style::new().bold();
        writeln!(out, "{bold}{header_line}{bold:#}")?;
    } else {
        writeln!(out, "{header_line}")?;
    }
    let rule: Vec<String> = shown_widths.iter().map(|&w| "-".repeat(w)).collect();
    let rule: Vec<&str> = rule.iter().map(String::as_str).collect();
    writeln!(
        out,
        "{}",
        text_line(&rule, &shown_widths, &vec![false; shown.len()])
    )?;
    for (r, line) in (0..rows).map(|r| (r, pick(&|i| cells[i][r].clone(), "…"))) {
        if elided_rows.is_some_and(|e| e.after == r) {
            let gap = vec!["⋮"; shown.len()];
            writeln!(out, "{}", text_line(&gap, &shown_widths, &right_aligned))?;
        }
        let line: Vec<&str> = line.iter().map(String::as_str).collect();
        writeln!(out, "{}", text_line(&line, &shown_widths, &right_aligned))?;
    }
    if elided > 0 {
        let noun = if elided == 1 { "column" } else { "columns" };
        writeln!(out, "… {elided} more {noun}; --format vertical shows all")?;
    }
    if let Some(e) = elided_rows {
        writeln!(
            out,
            "{} rows ({rows} shown); --format csv or --max-rows N for more",
            thousands(e.total)
        )?;
    }
    Ok(())
}

/// Where the table format left rows out: after the first `after` rows it shows, of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ElidedRows {
    after: usize,
    total: u64,
}

/// `n` with a comma between groups of three digits: `3,795,626`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// Which columns fit in `width` characters (two between columns): all when they fit, else as
/// many from both ends as fit around a one-character `…` column (`None`), taking the left
/// one first. The first column is always shown.
fn fit(widths: &[usize], width: usize) -> Vec<Option<usize>> {
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    if total <= width || widths.len() <= 1 {
        return (0..widths.len()).map(Some).collect();
    }
    let (mut left, mut right) = (1, 0);
    // The first column and the `…` column.
    let mut used = widths[0] + 3;
    loop {
        let take_left = left <= right;
        let next = if take_left {
            left
        } else {
            widths.len() - 1 - right
        };
        if left + right >= widths.len() || used + widths[next] + 2 > width {
            break;
        }
        used += widths[next] + 2;
        if take_left {
            left += 1;
        } else {
            right += 1;
        }
    }
    (0..left)
        .map(Some)
        .chain([None])
        .chain((widths.len() - right..widths.len()).map(Some))
        .collect()
}

fn text_line(cells: &[&str], widths: &[usize], right_aligned: &[bool]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        let pad = " ".repeat(widths[i].saturating_sub(cell.chars().count()));
        if right_aligned[i] {
            line.push_str(&pad);
            line.push_str(cell);
        } else {
            line.push_str(cell);
            line.push_str(&pad);
        }
    }
    line.trim_end().to_string()
}

// ---- vertical: one line per cell ----------------------------------------------------------

/// Each row as `-[ row N ]-` and then one `Column: value` line per column, names padded to
/// the longest, so that a 98-column row reads down the screen. `first` is the number of rows
/// written before `columns` (rows are numbered across batches).
fn write_vertical(
    schema: &Schema,
    columns: &[Column],
    first: u64,
    terminal: Terminal,
    out: &mut dyn Write,
) -> io::Result<()> {
    let name_width = schema.names().map(|n| n.chars().count()).max().unwrap_or(0);
    let bold = if terminal.styled {
        anstyle::Style::new().bold()
    } else {
        anstyle::Style::new()
    };
    let rows = columns.first().map_or(0, Column::len);
    for r in 0..rows {
        let number = first + r as u64 + 1;
        if number > 1 {
            writeln!(out)?;
        }
        writeln!(out, "-[ row {number} ]-")?;
        for (field, column) in schema.fields.iter().zip(columns) {
            let pad = " ".repeat(name_width - field.name.chars().count());
            let value = one_line(&cell_text(column, r));
            writeln!(
                out,
                "{}",
                format!("{bold}{}{bold:#}:{pad} {value}", field.name).trim_end()
            )?;
        }
    }
    Ok(())
}

/// `text` on one line, with line breaks, tabs and other control characters escaped (`\n`,
/// `\t`, `\x1b`): a log value must not break the layout or drive the terminal.
fn one_line(text: &str) -> String {
    crate::control_chars::escape(text).into_owned()
}

// ---- CSV: RFC 4180 ------------------------------------------------------------------------

/// RFC 4180: a header line, CRLF after every record, fields quoted only when they must be (a
/// comma, a quote, CR or LF, or leading/trailing whitespace that a reader might trim).
pub(crate) fn write_csv_header<'a>(
    names: impl Iterator<Item = &'a str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut buf = String::new();
    for (i, name) in names.enumerate() {
        if i > 0 {
            buf.push(',');
        }
        push_csv_field(&mut buf, name);
    }
    buf.push_str("\r\n");
    out.write_all(buf.as_bytes())
}

/// The records of `columns`, in the header's order.
pub(crate) fn write_csv_rows(columns: &[Column], out: &mut dyn Write) -> io::Result<()> {
    write_in_chunks(columns, out, |rows| csv_text(columns, rows))
}

/// The rows of `columns` as text made by `text` for one range of rows at a time: chunks of
/// 1,024 rows made on the thread pool and written in order (an export writes gigabytes of it,
/// which one thread could not format as fast as the scan reads). A batch of one chunk is made
/// in place, without a trip to the pool.
fn write_in_chunks<T: AsRef<[u8]> + Send>(
    columns: &[Column],
    out: &mut dyn Write,
    text: impl Fn(Range<usize>) -> T + Sync,
) -> io::Result<()> {
    const CHUNK: usize = 1024;
    let rows = columns.first().map_or(0, Column::len);
    if rows <= CHUNK {
        return out.write_all(text(0..rows).as_ref());
    }
    let starts: Vec<usize> = (0..rows).step_by(CHUNK).collect();
    let texts: Vec<T> = starts
        .into_par_iter()
        .map(|start| text(start..rows.min(start + CHUNK)))
        .collect();
    texts.iter().try_for_each(|t| out.write_all(t.as_ref()))
}

/// The CSV lines of `rows`. They are made a block at a time, each block filled column by
/// column: reading ninety columns row by row touches ninety places in memory per row, which
/// the cache cannot keep up with, while a block's slice of one column is contiguous.
fn csv_text(columns: &[Column], rows: Range<usize>) -> String {
    const BLOCK: usize = 64;
    let mut lines: Vec<String> = vec![String::new(); BLOCK.min(rows.len())];
    let mut text = String::new();
    for start in rows.clone().step_by(BLOCK) {
        let block = &mut lines[..BLOCK.min(rows.end - start)];
        for (i, column) in columns.iter().enumerate() {
            push_csv_cells(block, i > 0, column, start);
        }
        for line in block.iter_mut() {
            text.push_str(line);
            text.push_str("\r\n");
            line.clear();
        }
    }
    text
}

/// The cells of `column` from row `first` on, one per line of `lines` (after a comma when
/// `comma`), as [`cell_text`] gives them and quoted where RFC 4180 needs it. Only text can need
/// quotes: numbers, datetimes, timespans and guids never hold a comma, a quote or a line break.
fn push_csv_cells(lines: &mut [String], comma: bool, column: &Column, first: usize) {
    let mut number = itoa::Buffer::new();
    let mut run = DatetimeRun::default();
    for (line, row) in lines.iter_mut().zip(first..) {
        if comma {
            line.push(',');
        }
        match column {
            Column::String(v) => push_csv_field(line, &v[row]),
            Column::Dynamic(v) => match &v[row] {
                Json::String(s) => push_csv_field(line, s),
                Json::Null => {}
                other => push_csv_field(line, &dynamic_text(other)),
            },
            Column::Bool(v) => line.push_str(match v[row] {
                Some(true) => "true",
                Some(false) => "false",
                None => "",
            }),
            Column::Int(v) => line.push_str(v[row].map_or("", |x| number.format(x))),
            Column::Long(v) => line.push_str(v[row].map_or("", |x| number.format(x))),
            Column::Real(v) => line.push_str(&v[row].map(real_text).unwrap_or_default()),
            Column::DateTime(v) => v[row].into_iter().for_each(|t| run.push(line, t)),
            Column::TimeSpan(v) => v[row].into_iter().for_each(|t| push_timespan(line, t)),
            Column::Guid(v) => line.push_str(&v[row].map(guid_text).unwrap_or_default()),
        }
    }
}

fn push_csv_field(buf: &mut String, field: &str) {
    let needs_quotes = field
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs_quotes {
        buf.push('"');
        buf.push_str(&field.replace('"', "\"\""));
        buf.push('"');
    } else {
        buf.push_str(field);
    }
}

// ---- JSON and JSON lines ------------------------------------------------------------------

/// `{"tables":[{"name":"PrimaryResult","columns":[{"name":…,"type":…}],"rows":[[…]]}]}`, the
/// shape of the Log Analytics query API, one row per line so that big results stay readable.
/// This writes up to the rows' opening bracket; [`write_json_rows`] and [`write_json_end`]
/// follow.
fn write_json_start(schema: &Schema, out: &mut dyn Write) -> io::Result<()> {
    let columns: Vec<Json> = schema
        .fields
        .iter()
        .map(|f| serde_json::json!({ "name": f.name, "type": f.ty.name() }))
        .collect();
    write!(
        out,
        "{{\"tables\":[{{\"name\":\"PrimaryResult\",\"columns\":{},\"rows\":[",
        Json::Array(columns)
    )
}

/// The rows of `columns`, each on its own line; `first` is the number of rows written before.
fn write_json_rows(columns: &[Column], first: u64, out: &mut dyn Write) -> io::Result<()> {
    for r in 0..columns.first().map_or(0, Column::len) {
        let row: Vec<Json> = columns.iter().map(|c| cell_json(c, r)).collect();
        let sep = if first + r as u64 > 0 { "," } else { "" };
        write!(out, "{sep}\n{}", Json::Array(row))?;
    }
    Ok(())
}

fn write_json_end(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n]}}]}}")
}

/// One JSON object per row, keys (the names of `schema`) in column order.
pub(crate) fn write_jsonl(
    schema: &Schema,
    columns: &[Column],
    out: &mut dyn Write,
) -> io::Result<()> {
    // Each key's JSON text is made once, with the brace or comma before it.
    let keys: Vec<String> = schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let open = if i == 0 { '{' } else { ',' };
            format!("{open}{}:", Json::String(f.name.clone()))
        })
        .collect();
    write_in_chunks(columns, out, |rows| jsonl_text(&keys, columns, rows))
}

/// The JSON-lines objects of `rows`, one per line.
fn jsonl_text(keys: &[String], columns: &[Column], rows: Range<usize>) -> Vec<u8> {
    let mut text = Vec::new();
    let mut number = itoa::Buffer::new();
    let mut run = DatetimeRun::default();
    let mut datetime = String::new();
    for row in rows {
        for (key, column) in keys.iter().zip(columns) {
            text.extend_from_slice(key.as_bytes());
            match column {
                Column::String(v) => push_json_string(&mut text, &v[row]),
                Column::Long(v) if v[row].is_some() => {
                    text.extend_from_slice(number.format(v[row].unwrap_or_default()).as_bytes())
                }
                Column::Int(v) if v[row].is_some() => {
                    text.extend_from_slice(number.format(v[row].unwrap_or_default()).as_bytes())
                }
                Column::DateTime(v) if v[row].is_some() => {
                    datetime.clear();
                    run.push(&mut datetime, v[row].unwrap_or_default());
                    push_json_string(&mut text, &datetime);
                }
                other => push_json_value(&mut text, &cell_json(other, row)),
            }
        }
        text.extend_from_slice(b"}\n");
    }
    text
}

fn push_json_string(text: &mut Vec<u8>, s: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *text, s);
}

fn push_json_value(text: &mut Vec<u8>, value: &Json) {
    let _ = serde_json::to_writer(&mut *text, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_each_rows_object_in_schema_order() {
        use crate::table::{Field, Type};
        let schema = Schema::new(vec![
            Field::new("s", Type::String),
            Field::new("n \"q\"", Type::Long),
            Field::new("i", Type::Int),
            Field::new("t", Type::DateTime),
            Field::new("r", Type::Real),
            Field::new("d", Type::Dynamic),
            Field::new("b", Type::Bool),
        ]);
        let columns = vec![
            Column::String(vec!["a\"\\\n\u{1}é".into(), "".into(), "x".into()]),
            Column::Long(vec![Some(i64::MIN), None, Some(3)]),
            Column::Int(vec![None, Some(-2), Some(0)]),
            Column::DateTime(vec![Some(5), Some(5), None]),
            Column::Real(vec![Some(f64::INFINITY), Some(0.1), None]),
            Column::Dynamic(vec![
                serde_json::json!({"k": [1, "v"]}),
                Json::Null,
                serde_json::json!(2.5),
            ]),
            Column::Bool(vec![Some(true), None, Some(false)]),
        ];
        let mut out = Vec::new();
        write_jsonl(&schema, &columns, &mut out).unwrap();
        let expected: String = (0..3)
            .map(|r| {
                let row: serde_json::Map<String, Json> = schema
                    .fields
                    .iter()
                    .zip(&columns)
                    .map(|(f, c)| (f.name.clone(), cell_json(c, r)))
                    .collect();
                format!("{}\n", Json::Object(row))
            })
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        let mut out = Vec::new();
        write_jsonl(&Schema::new(vec![]), &[], &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn a_csv_cell_is_its_cell_text_quoted_where_needed() {
        let json = |v: serde_json::Value| Some(v);
        let columns = vec![
            Column::Bool(vec![Some(true), None, Some(false)]),
            Column::Int(vec![Some(-7), None, Some(i32::MIN)]),
            Column::Long(vec![Some(i64::MAX), None, Some(0)]),
            Column::Real(vec![Some(2.5), None, Some(f64::NAN)]),
            Column::DateTime(vec![
                Some(638_506_368_005_625_085 - 621_355_968_000_000_000),
                None,
                Some(0),
            ]),
            Column::TimeSpan(vec![Some(-36_000_000_005), None, Some(864_000_000_000)]),
            Column::Guid(vec![Some(u128::MAX / 3), None, Some(0)]),
            Column::String(vec![
                " lead".into(),
                "".into(),
                "say \"hi\", twice\n".into(),
            ]),
            Column::Dynamic(
                [
                    json(serde_json::json!({"a": [1, 2.0]})),
                    None,
                    json(serde_json::json!("x,y")),
                ]
                .into_iter()
                .map(|v| v.unwrap_or(serde_json::Value::Null))
                .collect(),
            ),
        ];
        for column in &columns {
            for row in 0..3 {
                let mut cell = [String::new()];
                let mut expected = String::new();
                push_csv_cells(&mut cell, false, column, row);
                push_csv_field(&mut expected, &cell_text(column, row));
                assert_eq!(cell[0], expected, "{column:?} row {row}");
            }
        }
    }
    use crate::table::{Field, Schema, Type, TICKS_PER_SECOND};
    use std::sync::Arc;

    /// Two rows covering every type, the second all nulls (empty string).
    fn sample() -> Table {
        let t = 1_715_248_852 * TICKS_PER_SECOND + 5_625_085;
        let schema = Schema::new(vec![
            Field::new("Name", Type::String),
            Field::new("Bytes", Type::Long),
            Field::new("Ratio", Type::Real),
            Field::new("Ok", Type::Bool),
            Field::new("At", Type::DateTime),
            Field::new("Took", Type::TimeSpan),
            Field::new("Tags", Type::Dynamic),
        ]);
        Table::new(
            schema,
            vec![
                Column::String(vec![Arc::from("a, \"b\""), Arc::from("")]),
                Column::Long(vec![Some(1234), None]),
                Column::Real(vec![Some(0.1 + 0.2), None]),
                Column::Bool(vec![Some(true), None]),
                Column::DateTime(vec![Some(t), None]),
                Column::TimeSpan(vec![Some(90 * TICKS_PER_SECOND), None]),
                Column::Dynamic(vec![serde_json::json!(["x", 1]), Json::Null]),
            ],
        )
    }

    #[test]
    fn csv_is_rfc4180_with_canonical_text() {
        assert_eq!(
            render(&sample(), Format::Csv),
            "Name,Bytes,Ratio,Ok,At,Took,Tags\r\n\
             \"a, \"\"b\"\"\",1234,0.3,true,2024-05-09T10:00:52.5625085Z,00:01:30,\"[\"\"x\"\",1]\"\r\n\
             ,,,,,,\r\n"
        );
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let mut buf = String::new();
        for field in ["plain", " lead", "trail\t", "two\nlines", "", "dyn:{}"] {
            push_csv_field(&mut buf, field);
            buf.push('|');
        }
        assert_eq!(buf, "plain|\" lead\"|\"trail\t\"|\"two\nlines\"||dyn:{}|");
    }

    #[test]
    fn dynamic_scalars_show_as_tostring_does() {
        let col = Column::Dynamic(vec![
            serde_json::json!("value4"),
            serde_json::json!(118),
            serde_json::json!({"a": [1, 2]}),
        ]);
        assert_eq!(cell_text(&col, 0), "value4");
        assert_eq!(cell_text(&col, 1), "118");
        assert_eq!(cell_text(&col, 2), "{\"a\":[1,2]}");
    }

    #[test]
    fn json_has_the_log_analytics_shape() {
        let text = render(&sample(), Format::Json);
        let parsed: Json = serde_json::from_str(&text).unwrap();
        let table = &parsed["tables"][0];
        assert_eq!(table["name"], "PrimaryResult");
        assert_eq!(
            table["columns"][1],
            serde_json::json!({"name": "Bytes", "type": "long"})
        );
        assert_eq!(table["columns"][4]["type"], "datetime");
        assert_eq!(
            table["rows"][0],
            serde_json::json!([
                "a, \"b\"",
                1234,
                0.30000000000000004,
                true,
                "2024-05-09T10:00:52.5625085Z",
                "00:01:30",
                ["x", 1]
            ])
        );
        assert_eq!(
            table["rows"][1],
            serde_json::json!(["", null, null, null, null, null, null])
        );
    }

    #[test]
    fn json_of_no_rows_is_still_valid() {
        let table = Table::empty(Schema::new(vec![Field::new("x", Type::Long)]));
        let parsed: Json = serde_json::from_str(&render(&table, Format::Json)).unwrap();
        assert_eq!(parsed["tables"][0]["rows"], serde_json::json!([]));
    }

    #[test]
    fn jsonl_is_one_object_per_row_in_column_order() {
        let text = render(&sample(), Format::Jsonl);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("{\"Name\":\"a, \\\"b\\\"\",\"Bytes\":1234,"),
            "{}",
            lines[0]
        );
        let second: Json = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["Bytes"], Json::Null);
        assert_eq!(second["Tags"], Json::Null);
        assert_eq!(second["Name"], "");
    }

    #[test]
    fn reals_that_json_cannot_hold_become_strings() {
        let col = Column::Real(vec![Some(f64::NAN), Some(f64::INFINITY)]);
        assert_eq!(cell_json(&col, 0), "NaN");
        assert_eq!(cell_json(&col, 1), "Infinity");
    }

    #[test]
    fn text_table_aligns_numbers_right() {
        let schema = Schema::new(vec![
            Field::new("DestIp", Type::String),
            Field::new("Bytes", Type::Long),
        ]);
        let table = Table::new(
            schema,
            vec![
                Column::String(vec![Arc::from("10.0.0.1"), Arc::from("line\nbreak")]),
                Column::Long(vec![Some(5), Some(123456)]),
            ],
        );
        assert_eq!(
            render(&table, Format::Table),
            "DestIp        Bytes\n\
             -----------  ------\n\
             10.0.0.1          5\n\
             line\\nbreak  123456\n"
        );
    }

    fn wide() -> Table {
        let names = ["A", "Bb", "C", "D", "E", "F"];
        let schema = Schema::new(names.iter().map(|n| Field::new(*n, Type::Long)).collect());
        Table::new(
            schema,
            (0..6).map(|i| Column::Long(vec![Some(1000 * i)])).collect(),
        )
    }

    #[test]
    fn a_table_too_wide_for_the_terminal_loses_middle_columns() {
        let terminal = Terminal {
            width: Some(22),
            styled: false,
        };
        let mut out = Vec::new();
        write_to(&wide(), Format::Table, terminal, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A    Bb  …     E     F\n\
             -  ----  -  ----  ----\n\
             0  1000  …  4000  5000\n\
             … 2 more columns; --format vertical shows all\n"
        );
        // Wide enough, or off a terminal: every column.
        assert!(!render(&wide(), Format::Table).contains('…'));
        assert_eq!(fit(&[3, 3], 8), vec![Some(0), Some(1)]);
        assert_eq!(fit(&[30, 3, 3], 10), vec![Some(0), None]);
    }

    #[test]
    fn vertical_prints_a_line_per_cell() {
        let text = render(&sample(), Format::Vertical);
        assert!(
            text.starts_with("-[ row 1 ]-\nName:  a, \"b\"\nBytes: 1234\nRatio: 0.3\n"),
            "{text}"
        );
        assert!(text.contains("\n\n-[ row 2 ]-\nName:\nBytes:\n"), "{text}");
    }

    #[test]
    fn az_is_an_array_of_string_valued_objects() {
        let parsed: Json = serde_json::from_str(&render(&sample(), Format::Az)).unwrap();
        assert_eq!(parsed[0]["Bytes"], "1234");
        assert_eq!(parsed[0]["Ok"], "True");
        assert_eq!(parsed[0]["At"], "2024-05-09T10:00:52.5625085Z");
        assert_eq!(parsed[0]["TableName"], "PrimaryResult");
        assert_eq!(parsed[1]["Bytes"], "None", "Python's str(None)");
        assert_eq!(parsed.as_array().unwrap().len(), 2);
    }
}
