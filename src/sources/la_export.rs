//! Tables exported from Log Analytics, read back as tables: the portal's "Export to CSV (all
//! columns)" file and the JSON printed by `az monitor log-analytics query`.
//!
//! The portal writes datetime columns with a ` [UTC]` suffix on the header name (stripped here)
//! and datetimes as `M/D/YYYY, h:mm:ss.fff AM/PM` (ISO 8601 is read too). The CLI prints an array
//! of objects whose values are all strings, plus a `TableName` key that is not a column. Either
//! way the table is named by the caller (file stem or `--logs NAME=PATH`); a known table keeps its
//! schema's columns and types (columns the file lacks are empty, extra ones are appended with
//! inferred types), an unknown one gets types inferred from its values. Also home of the text →
//! typed value conversions the other readers of this family share.

use super::read_issue::{Position, ReadIssue};
use super::table_file;
use crate::catalog::{is_hidden, known_schema};
use crate::table::{empty_str, Column, Field, Schema, Str, Table, Type, Value, TICKS_PER_SECOND};
use crate::value::text;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::{Arc, LazyLock};

/// Whether the start of a file is a portal CSV export: a CSV header with a ` [UTC]` column, or a
/// first row holding a portal-style datetime.
pub fn looks_like_portal_csv(first_bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(first_bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return false;
    };
    if header.starts_with(['{', '[']) || !header.contains(',') {
        return false;
    }
    header.contains(" [UTC]")
        || lines.next().is_some_and(|row| {
            split_csv_record(row)
                .iter()
                .any(|v| portal_datetime(v).is_some())
        })
}

/// Whether the start of a file is `az monitor log-analytics query` output: a JSON array whose
/// first object has only string (or null) values.
pub fn looks_like_az_json(first_bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(first_bytes);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let Some(rest) = text.strip_prefix('[') else {
        return false;
    };
    let rest = rest.trim_start();
    if !rest.starts_with('{') {
        return false;
    }
    let mut objects = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
    match objects.next() {
        Some(Ok(serde_json::Value::Object(map))) => {
            !map.is_empty() && map.values().all(|v| v.is_string() || v.is_null())
        }
        _ => false,
    }
}

/// Read a portal CSV export as table `table_name`.
pub fn read_portal_csv(text: &str, path: &str, table_name: &str) -> (Table, Vec<ReadIssue>) {
    let mut issues = Vec::new();
    let records = parse_csv(text.trim_start_matches('\u{feff}'), path, &mut issues);
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return (empty_table(table_name), issues);
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| strip_utc_suffix(h).to_string())
        .collect();
    let mut rows = Vec::new();
    for (line, record) in records {
        if record.len() != header.len() {
            issues.push(ReadIssue::new(
                path,
                Position::Line(line),
                format!(
                    "expected {} comma-separated values, found {}",
                    header.len(),
                    record.len()
                ),
            ));
            continue;
        }
        rows.push((Position::Line(line), record.into_iter().map(Some).collect()));
    }
    let table = build_table(table_name, &header, rows, path, &mut issues);
    (table, issues)
}

/// Read `az monitor log-analytics query` JSON as table `table_name`.
pub fn read_az_json(text: &str, path: &str, table_name: &str) -> (Table, Vec<ReadIssue>) {
    let mut issues = Vec::new();
    let objects: Vec<serde_json::Map<String, serde_json::Value>> =
        match serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}')) {
            Ok(serde_json::Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    serde_json::Value::Object(map) => Some(map),
                    _ => {
                        issues.push(ReadIssue::new(
                            path,
                            Position::Record(i + 1),
                            "not a JSON object",
                        ));
                        None
                    }
                })
                .collect(),
            Ok(_) => {
                issues.push(ReadIssue::new(
                    path,
                    Position::File,
                    "expected a JSON array of objects",
                ));
                Vec::new()
            }
            Err(e) => {
                let message = format!("not valid JSON: {e}");
                issues.push(ReadIssue::new(path, Position::Line(e.line()), message));
                Vec::new()
            }
        };
    let mut header: Vec<String> = Vec::new();
    for object in &objects {
        for key in object.keys() {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    // The CLI adds `TableName: PrimaryResult` to every row; it is not a column of the table.
    let known = known_schema(table_name);
    if known
        .as_ref()
        .is_none_or(|s| s.index_of("TableName").is_none())
        && objects.iter().all(|o| {
            o.get("TableName")
                .is_none_or(|v| v.as_str() == Some("PrimaryResult"))
        })
    {
        header.retain(|h| h != "TableName");
    }
    let rows = objects
        .iter()
        .enumerate()
        .map(|(i, object)| {
            let values = header
                .iter()
                .map(|h| object.get(h).and_then(json_as_text))
                .collect();
            (Position::Record(i + 1), values)
        })
        .collect();
    let table = build_table(table_name, &header, rows, path, &mut issues);
    (table, issues)
}

fn json_as_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn empty_table(table_name: &str) -> Table {
    Table::empty(known_schema(table_name).unwrap_or_default())
}

/// `TimeGenerated [UTC]` → `TimeGenerated`.
fn strip_utc_suffix(name: &str) -> &str {
    let name = name.trim();
    name.strip_suffix("[UTC]").map_or(name, str::trim_end)
}

/// One row as text cells (None = absent), with where it came from.
type TextRow = (Position, Vec<Option<String>>);

/// Turn text rows into a typed table: a known table's schema, with the file's extra columns
/// appended (inferred types); or, for an unknown table, the file's columns with inferred types.
/// A row with a value that does not convert to its column's type is reported and skipped.
fn build_table(
    table_name: &str,
    header: &[String],
    rows: Vec<TextRow>,
    path: &str,
    issues: &mut Vec<ReadIssue>,
) -> Table {
    let inferred = |i: usize| infer_type(rows.iter().filter_map(|(_, r)| r[i].as_deref()));
    let schema = match known_schema(table_name) {
        Some(known) => {
            let mut fields = known.fields.to_vec();
            let first_hidden = fields
                .iter()
                .position(|f| is_hidden(&f.name))
                .unwrap_or(fields.len());
            let mut insert_at = first_hidden;
            for (i, name) in header.iter().enumerate() {
                if fields.iter().all(|f| &f.name != name) {
                    let field = Field::new(name.clone(), inferred(i));
                    if is_hidden(name) {
                        fields.push(field);
                    } else {
                        fields.insert(insert_at, field);
                        insert_at += 1;
                    }
                }
            }
            Schema::new(fields)
        }
        None => Schema::new(
            header
                .iter()
                .enumerate()
                .map(|(i, name)| Field::new(name.clone(), inferred(i)))
                .collect(),
        ),
    };
    let known = known_schema(table_name).is_some();
    // For each schema column: which header column fills it.
    let sources: Vec<Option<usize>> = schema
        .fields
        .iter()
        .map(|f| header.iter().position(|h| *h == f.name))
        .collect();
    let type_value: Str = Arc::from(table_name);
    let mut columns: Vec<Column> = schema.fields.iter().map(|f| Column::empty(f.ty)).collect();
    let mut values: Vec<Value> = Vec::with_capacity(schema.len());
    'rows: for (position, row) in rows {
        values.clear();
        for (field, source) in schema.fields.iter().zip(&sources) {
            let text = source.and_then(|i| row[i].as_deref());
            let value = match text {
                None if known && field.name == "Type" => Value::String(type_value.clone()),
                None => Value::Null,
                Some(text) => match convert(text, field.ty) {
                    Some(value) => value,
                    None => {
                        let message =
                            format!("column `{}`: `{text}` is not a {}", field.name, field.ty);
                        issues.push(ReadIssue::new(path, position, message));
                        continue 'rows;
                    }
                },
            };
            values.push(value);
        }
        for (column, value) in columns.iter_mut().zip(&values) {
            column.push(value);
        }
    }
    Table::new(schema, columns)
}

/// A value's text as `ty` (None when it is not one). Empty text is null (empty for strings);
/// a datetime may also be in the portal's form ([`parse_datetime`]).
pub fn convert(text: &str, ty: Type) -> Option<Value> {
    if ty == Type::String {
        return Some(Value::String(if text.is_empty() {
            empty_str()
        } else {
            Arc::from(text)
        }));
    }
    if text.trim().is_empty() {
        return Some(Value::Null);
    }
    match ty {
        Type::DateTime => parse_datetime(text).map(Value::DateTime),
        _ => text::parse_as(text, ty),
    }
}

/// The narrowest type all of `values` fit (the value layer's inference; the portal's datetimes
/// count as datetimes).
pub fn infer_type<'a>(values: impl Iterator<Item = &'a str> + Clone) -> Type {
    match text::infer_type(values.clone()) {
        Type::String
            if values.clone().any(|v| !v.trim().is_empty())
                && values
                    .filter(|v| !v.trim().is_empty())
                    .all(|v| parse_datetime(v).is_some()) =>
        {
            Type::DateTime
        }
        ty => ty,
    }
}

/// A datetime as ticks since the Unix epoch: the portal's `5/9/2024, 10:00:52.562 AM`, or any
/// text `todatetime()` reads (ISO 8601 with or without an offset, a space for `T`, date only).
pub fn parse_datetime(text: &str) -> Option<i64> {
    portal_datetime(text).or_else(|| text::parse_datetime(text))
}

static PORTAL_DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{1,2})/(\d{1,2})/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AaPp][Mm])?$",
    )
    .expect("valid regex")
});

/// The portal's `M/D/YYYY, h:mm:ss.fff AM/PM` (the 12-hour clock; 24-hour without AM/PM).
fn portal_datetime(text: &str) -> Option<i64> {
    let caps = PORTAL_DATETIME.captures(text.trim())?;
    let number = |i: usize| {
        caps.get(i)
            .map_or(Some(0), |m| m.as_str().parse::<u32>().ok())
    };
    let (month, day, year) = (number(1)?, number(2)?, number(3)?);
    let (mut hour, minute, second) = (number(4)?, number(5)?, number(6)?);
    if let Some(half) = caps.get(8) {
        if !(1..=12).contains(&hour) {
            return None;
        }
        let pm = half.as_str().eq_ignore_ascii_case("pm");
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    let fraction = caps.get(7).map_or(0, |m| {
        let digits = m.as_str();
        digits.parse::<i64>().unwrap_or(0) * 10_i64.pow(7 - digits.len() as u32)
    });
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let dt = date.and_hms_opt(hour, minute, second)?;
    Some(dt.and_utc().timestamp().checked_mul(TICKS_PER_SECOND)? + fraction)
}

/// The export's CSV records (the shared RFC 4180 reader), reporting an unclosed quote.
fn parse_csv(text: &str, path: &str, issues: &mut Vec<ReadIssue>) -> Vec<(usize, Vec<String>)> {
    let (records, open_quote) = table_file::csv_records(text);
    if let Some(line) = open_quote {
        issues.push(ReadIssue::new(
            path,
            Position::Line(line),
            "a quoted value is not closed before the end of the file",
        ));
    }
    records
}

/// One CSV line's values (no embedded newlines), for sniffing.
fn split_csv_record(line: &str) -> Vec<String> {
    let mut ignored = Vec::new();
    parse_csv(line, "", &mut ignored)
        .into_iter()
        .next()
        .map_or_else(Vec::new, |(_, record)| record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::String(Arc::from(text))
    }

    fn at(table: &Table, column: &str, row: usize) -> Value {
        table
            .column(column)
            .unwrap_or_else(|| panic!("no column {column}"))
            .get(row)
    }

    #[test]
    fn portal_datetimes_on_the_12_hour_clock() {
        let ten_am = parse_datetime("2024-05-09T10:00:52.562Z").unwrap();
        assert_eq!(parse_datetime("5/9/2024, 10:00:52.562 AM"), Some(ten_am));
        assert_eq!(
            parse_datetime("5/9/2024, 10:00:52.562 PM"),
            Some(ten_am + 12 * 3600 * TICKS_PER_SECOND)
        );
        let midnight = parse_datetime("2024-05-09T00:00:00Z").unwrap();
        assert_eq!(parse_datetime("5/9/2024, 12:00:00.000 AM"), Some(midnight));
        assert_eq!(
            parse_datetime("5/9/2024 12:00:00 PM"),
            Some(midnight + 12 * 3600 * TICKS_PER_SECOND)
        );
        assert_eq!(parse_datetime("13/9/2024, 1:00:00 AM"), None);
    }

    #[test]
    fn iso_datetimes_in_every_spelling() {
        let t = 1_715_248_852 * TICKS_PER_SECOND + 5_625_085;
        assert_eq!(parse_datetime("2024-05-09T10:00:52.5625085Z"), Some(t));
        assert_eq!(parse_datetime("2024-05-09 10:00:52.5625085"), Some(t));
        assert_eq!(parse_datetime("2024-05-09T19:00:52.5625085+09:00"), Some(t));
        assert_eq!(
            parse_datetime("2024-05-09"),
            Some(1_715_212_800 * TICKS_PER_SECOND)
        );
        assert_eq!(parse_datetime("yesterday"), None);
    }

    #[test]
    fn conversions_per_type() {
        assert_eq!(convert("42", Type::Int), Some(Value::Int(42)));
        assert_eq!(convert("4000000000", Type::Int), None);
        assert_eq!(
            convert("4000000000", Type::Long),
            Some(Value::Long(4_000_000_000))
        );
        assert_eq!(convert("1.5", Type::Real), Some(Value::Real(1.5)));
        assert_eq!(convert("True", Type::Bool), Some(Value::Bool(true)));
        assert_eq!(convert("", Type::Long), Some(Value::Null));
        assert_eq!(convert("", Type::String), Some(s("")));
        assert_eq!(
            convert("1.02:03:04.5", Type::TimeSpan),
            Some(Value::TimeSpan(
                ((26 * 60 + 3) * 60 + 4) * TICKS_PER_SECOND + 5_000_000
            ))
        );
        assert_eq!(
            convert("0123abcd-0000-0000-0000-00000000000f", Type::Guid),
            Some(Value::Guid(0x0123abcd_0000_0000_0000_00000000000f))
        );
        assert_eq!(
            convert("[1,\"a\"]", Type::Dynamic),
            Some(Value::Dynamic(serde_json::json!([1, "a"])))
        );
        assert_eq!(convert("x", Type::Long), None);
    }

    #[test]
    fn inference_picks_the_narrowest_type() {
        assert_eq!(infer_type(["1", "", "3"].into_iter()), Type::Long);
        assert_eq!(infer_type(["1", "2.5"].into_iter()), Type::Real);
        assert_eq!(infer_type(["true", "False"].into_iter()), Type::Bool);
        assert_eq!(
            infer_type(["5/9/2024, 10:00:52.562 AM"].into_iter()),
            Type::DateTime
        );
        assert_eq!(infer_type(["10.0.0.1"].into_iter()), Type::String);
        assert_eq!(infer_type(["", ""].into_iter()), Type::String);
    }

    const PORTAL_CSV: &str = "\u{feff}TimeGenerated [UTC],FlowStartTime [UTC],SrcIp,DestIp,DestPort,BytesSrcToDest,FlowStatus,Note\r\n\
\"5/9/2024, 10:00:52.562 AM\",\"5/9/2024, 9:58:00.000 AM\",10.12.1.4,10.10.4.5,443,1200,Allowed,\"quoted, with comma\"\r\n\
\"5/9/2024, 11:00:00.000 AM\",\"5/9/2024, 10:01:00.000 AM\",10.12.1.5,10.10.4.6,,0,Denied,\"two\nlines\"\r\n";

    #[test]
    fn portal_csv_of_a_known_table_keeps_its_schema() {
        assert!(looks_like_portal_csv(PORTAL_CSV.as_bytes()));
        let (table, issues) = read_portal_csv(PORTAL_CSV, "nta.csv", "NTANetAnalytics");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(table.num_rows(), 2);
        let known = known_schema("NTANetAnalytics").unwrap();
        assert_eq!(
            &table.schema.fields[..known.fields.len() - 5],
            &known.fields[..known.fields.len() - 5]
        );
        assert_eq!(
            at(&table, "TimeGenerated", 0),
            Value::DateTime(parse_datetime("2024-05-09T10:00:52.562Z").unwrap())
        );
        assert_eq!(at(&table, "DestPort", 0), Value::Int(443));
        assert_eq!(at(&table, "DestPort", 1), Value::Null);
        assert_eq!(at(&table, "BytesSrcToDest", 0), Value::Long(1200));
        assert_eq!(at(&table, "SrcIp", 1), s("10.12.1.5"));
        assert_eq!(
            at(&table, "Type", 0),
            s("NTANetAnalytics"),
            "Type is the table name"
        );
        assert_eq!(
            at(&table, "SrcSubnet", 0),
            s(""),
            "columns the file lacks are empty"
        );
        assert_eq!(at(&table, "Note", 0), s("quoted, with comma"));
        assert_eq!(at(&table, "Note", 1), s("two\nlines"));
    }

    #[test]
    fn portal_csv_of_an_unknown_table_infers_types() {
        let (table, issues) = read_portal_csv(PORTAL_CSV, "x.csv", "MyExport");
        assert!(issues.is_empty());
        let types: Vec<(&str, Type)> = table
            .schema
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty))
            .collect();
        assert_eq!(
            types,
            vec![
                ("TimeGenerated", Type::DateTime),
                ("FlowStartTime", Type::DateTime),
                ("SrcIp", Type::String),
                ("DestIp", Type::String),
                ("DestPort", Type::Long),
                ("BytesSrcToDest", Type::Long),
                ("FlowStatus", Type::String),
                ("Note", Type::String),
            ]
        );
    }

    #[test]
    fn bad_csv_rows_are_reported_by_line() {
        let text = "SrcIp,DestPort\n10.0.0.1,22\n10.0.0.2\n10.0.0.3,http\n10.0.0.4,80\n";
        let (table, issues) = read_portal_csv(text, "e.csv", "NTANetAnalytics");
        assert_eq!(table.num_rows(), 2);
        assert_eq!(issues.len(), 2);
        assert_eq!(
            issues[0].to_string(),
            "e.csv:3: expected 2 comma-separated values, found 1"
        );
        assert_eq!(
            issues[1].to_string(),
            "e.csv:4: column `DestPort`: `http` is not a int"
        );
    }

    const AZ_JSON: &str = r#"[
  {"DestPort": "443", "FlowEndTime": "2024-05-09T10:59:00Z", "SrcIp": "10.12.1.4", "TableName": "PrimaryResult", "IsFlowCapturedAtUdrHop": "False", "Extra": "1.5"},
  {"DestPort": "22", "FlowEndTime": "2024-05-09T11:59:00.1234567Z", "SrcIp": "", "TableName": "PrimaryResult", "IsFlowCapturedAtUdrHop": "True", "Extra": "2"}
]"#;

    #[test]
    fn az_cli_json_is_typed_by_the_known_schema() {
        assert!(looks_like_az_json(AZ_JSON.as_bytes()));
        let (table, issues) = read_az_json(AZ_JSON, "q.json", "NTANetAnalytics");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(table.num_rows(), 2);
        assert!(table.schema.index_of("TableName").is_none());
        assert_eq!(at(&table, "DestPort", 1), Value::Int(22));
        assert_eq!(at(&table, "IsFlowCapturedAtUdrHop", 0), Value::Bool(false));
        assert_eq!(
            at(&table, "FlowEndTime", 1),
            Value::DateTime(parse_datetime("2024-05-09T11:59:00Z").unwrap() + 1_234_567)
        );
        assert_eq!(
            at(&table, "Extra", 0),
            Value::Real(1.5),
            "extra columns are inferred"
        );
    }

    #[test]
    fn az_cli_json_of_an_unknown_table() {
        let (table, _) = read_az_json(AZ_JSON, "q.json", "Mine");
        assert_eq!(table.schema.fields[0], Field::new("DestPort", Type::Long));
        assert_eq!(
            table.schema.fields[1],
            Field::new("FlowEndTime", Type::DateTime)
        );
        assert_eq!(
            table.schema.fields[3],
            Field::new("IsFlowCapturedAtUdrHop", Type::Bool)
        );
    }

    #[test]
    fn sniffers_tell_the_exports_apart() {
        assert!(!looks_like_az_json(b"[{\"a\": 1}]"));
        assert!(!looks_like_az_json(b"{\"records\": []}"));
        assert!(!looks_like_portal_csv(b"a,b\n1,2\n"));
        assert!(looks_like_portal_csv(
            b"a,b\n\"1/2/2024, 3:04:05.000 PM\",2\n"
        ));
    }
}
