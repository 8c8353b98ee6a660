//! AWS VPC flow logs (space-separated text, as CloudWatch or S3 deliver them) → `AWSVPCFlow` rows,
//! and the per-record facts NTANetAnalytics needs when `aws` is in `--nta-from`.
//!
//! How lines become checked cells (headers, layouts, bad and cut records) lives in
//! `vpc_lines`. Here each field becomes its Sentinel column (`srcaddr` → `SrcAddr`, `type` →
//! `TrafficType`, `start` → `TimeGenerated`); a field Sentinel's table lacks becomes a string
//! column named in PascalCase (`ecs-cluster-arn` → `EcsClusterArn`), after the standard columns.
//! `-` is "missing": an empty string or a null number. NODATA and SKIPDATA records are kept with
//! their `LogStatus`. A record or a format without `start` is reported: its `TimeGenerated`
//! comes from `end`, or is null, so time windows may leave it out.

use super::read_issue::{Position, ReadIssue};
use super::vpc_lines::{
    all_layouts, first_layout, for_each_record, is_name_token, known_field, normalise_name,
    pascal_case, Cell, Kind, Layout, Record, DEFAULT_FORMAT,
};
use crate::catalog::{is_hidden, known_schema};
use crate::table::{empty_str, Column, Field, Schema, Str, Table, Type, TICKS_PER_SECOND};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The table every VPC flow-log record lands in.
pub const TABLE: &str = "AWSVPCFlow";

/// Whether the start of a file looks like a VPC flow log: a header line naming flow-log fields,
/// or a default-format record.
pub fn looks_like(first_bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(first_bytes);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    let tokens: Vec<&str> = first.split_ascii_whitespace().collect();
    if tokens.iter().all(|t| is_name_token(t)) {
        if tokens
            .iter()
            .any(|t| known_field(&normalise_name(t)).is_some())
        {
            return true;
        }
        // A header of unknown fields only: still this format when the next line is a record
        // of as many space-separated values, so the reader can report the header by line.
        return tokens.len() >= 2
            && tokens.iter().any(|t| t.contains('-'))
            && lines
                .next()
                .is_some_and(|l| l.split_ascii_whitespace().count() == tokens.len());
    }
    tokens.len() == DEFAULT_FORMAT.len()
        && tokens[0] == "2"
        && matches!(tokens[12], "ACCEPT" | "REJECT" | "-")
        && matches!(tokens[13], "OK" | "NODATA" | "SKIPDATA")
}

/// The columns a text yields: every AWSVPCFlow column, then any extra fields of its header lines
/// (as string columns, before the hidden columns).
pub fn file_schema(text: &str) -> Schema {
    let extras = all_layouts(text)
        .into_iter()
        .flat_map(|layout| layout.fields)
        .filter(|f| known_field(&f.aws).is_none())
        .map(|f| Field::new(f.column, Type::String))
        .collect();
    schema_with_extras(extras)
}

/// AWSVPCFlow's schema with `extras` inserted before the hidden columns (names already present
/// are left out, so schemas of several files merge by calling this with the union).
pub fn schema_with_extras(extras: Vec<Field>) -> Schema {
    let mut fields = known_schema(TABLE)
        .expect("AWSVPCFlow is a known table")
        .fields
        .to_vec();
    let first_hidden = fields
        .iter()
        .position(|f| is_hidden(&f.name))
        .unwrap_or(fields.len());
    let mut insert_at = first_hidden;
    for extra in extras {
        if fields.iter().all(|f| f.name != extra.name) {
            fields.insert(insert_at, extra);
            insert_at += 1;
        }
    }
    Schema::new(fields)
}

/// Read a file's records into the columns of `want`, a subset of `table` (the table's columns:
/// `file_schema` or a union of them; a column this file lacks is empty or null). Bad records are
/// skipped and reported; a later header naming a field `table` has no column for is reported.
pub fn read(text: &str, path: &str, table: &Schema, want: &Schema) -> (Table, Vec<ReadIssue>) {
    let mut issues = Vec::new();
    let first = match first_layout(text) {
        Ok(layout) => layout,
        Err(message) => {
            let records = text
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .count();
            issues.push(ReadIssue::new(path, Position::Line(1), message).skipping(records));
            return (Table::empty(want.clone()), issues);
        }
    };
    let mut notes = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    let mut current_layout = None;
    let mut columns: Vec<Column> = want.fields.iter().map(|f| Column::empty(f.ty)).collect();
    let mut interner = Interner::default();
    let table_name: Str = Arc::from(TABLE);
    for_each_record(text, path, first, &mut issues, |record| {
        if current_layout != Some(record.layout_index) {
            current_layout = Some(record.layout_index);
            sources = want
                .fields
                .iter()
                .map(|f| Source::for_column(record.layout, &f.name))
                .collect();
            notes.extend(layout_notes(record.layout, path, table));
        }
        notes.extend(missing_start(record, path));
        for ((column, source), field) in columns.iter_mut().zip(&sources).zip(want.fields.iter()) {
            push_cell(
                column,
                field.ty,
                source,
                record.cells,
                &table_name,
                &mut interner,
            );
        }
    });
    (
        Table::new(want.clone(), columns),
        in_line_order(issues, notes),
    )
}

/// What a layout costs the rows under it: no `start` (their TimeGenerated comes from `end` or
/// is null), or fields the table has no column for (their values are left out).
fn layout_notes(layout: &Layout, path: &str, table: &Schema) -> Vec<ReadIssue> {
    let at = Position::Line(layout.header_line.unwrap_or(1));
    let mut notes = Vec::new();
    if layout.position("start").is_none() {
        let from = if layout.position("end").is_some() {
            "is taken from `end`"
        } else {
            "is null, so time filters leave them out"
        };
        let message = format!(
            "the header names no `start` field: TimeGenerated of the records under it {from}"
        );
        notes.push(ReadIssue::new(path, at, message).skipping(0));
    }
    let outside: Vec<&str> = layout
        .fields
        .iter()
        .filter(|f| table.index_of(&f.column).is_none())
        .map(|f| f.aws.as_str())
        .collect();
    if !outside.is_empty() {
        let message = format!(
            "the header names `{}`, which AWSVPCFlow has no column for here (a file's extra columns come from its first line); those values are left out",
            outside.join("`, `")
        );
        notes.push(ReadIssue::new(path, at, message).skipping(0));
    }
    notes
}

/// A record whose `start` is `-`: its TimeGenerated comes from `end`, or is null.
fn missing_start(record: &Record<'_, '_>, path: &str) -> Option<ReadIssue> {
    let start = record.layout.position("start")?;
    if !record.cells[start].is_dash() {
        return None;
    }
    let end = record.layout.position("end");
    let from = match end.and_then(|i| record.cells[i].number()) {
        Some(_) => "TimeGenerated is taken from `end`",
        None => "TimeGenerated is null",
    };
    let message = format!("the record has no `start` (`-`): {from}");
    Some(ReadIssue::new(path, Position::Line(record.line), message).skipping(0))
}

/// `issues` and `notes` merged by line (a stable sort: issues of one line keep their order).
fn in_line_order(mut issues: Vec<ReadIssue>, notes: Vec<ReadIssue>) -> Vec<ReadIssue> {
    if notes.is_empty() {
        return issues;
    }
    issues.extend(notes);
    issues.sort_by_key(|issue| match issue.position {
        Position::File => 0,
        Position::Line(n) | Position::Record(n) => n,
    });
    issues
}

/// Direction of an AWS record, from `flow-direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

/// What NTANetAnalytics needs from one AWS record (TABLES.md, "AWS VPC flow logs").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFlow<'a> {
    /// 1-based line of the record.
    pub line: usize,
    /// `start` and `end`, as ticks since the Unix epoch.
    pub start: i64,
    pub end: i64,
    pub src_addr: &'a str,
    pub dst_addr: &'a str,
    pub src_port: Option<i64>,
    pub dst_port: Option<i64>,
    pub protocol: Option<i64>,
    /// `action` is REJECT.
    pub denied: bool,
    /// None when the format has no `flow-direction` (or it is `-`).
    pub direction: Option<Direction>,
    pub packets: i64,
    pub bytes: i64,
    pub interface_id: &'a str,
}

/// Where a layout keeps the fields a flow needs.
struct FlowFields {
    start: Option<usize>,
    end: Option<usize>,
    status: Option<usize>,
    src: Option<usize>,
    dst: Option<usize>,
    sport: Option<usize>,
    dport: Option<usize>,
    protocol: Option<usize>,
    action: Option<usize>,
    direction: Option<usize>,
    packets: Option<usize>,
    bytes: Option<usize>,
    interface: Option<usize>,
}

impl FlowFields {
    fn of(layout: &Layout) -> FlowFields {
        let at = |name: &str| layout.position(name);
        FlowFields {
            start: at("start"),
            end: at("end"),
            status: at("log-status"),
            src: at("srcaddr"),
            dst: at("dstaddr"),
            sport: at("srcport"),
            dport: at("dstport"),
            protocol: at("protocol"),
            action: at("action"),
            direction: at("flow-direction"),
            packets: at("packets"),
            bytes: at("bytes"),
            interface: at("interface-id"),
        }
    }
}

/// Call `visit` with every record that carries a flow; NODATA and SKIPDATA records, and records
/// without a `start`, make no NTANetAnalytics row. Returns the bad records met.
pub fn for_each_flow<'a>(
    text: &'a str,
    path: &str,
    mut visit: impl FnMut(&AwsFlow<'a>),
) -> Vec<ReadIssue> {
    let mut issues = Vec::new();
    let first = match first_layout(text) {
        Ok(layout) => layout,
        Err(message) => {
            issues.push(ReadIssue::new(path, Position::Line(1), message));
            return issues;
        }
    };
    let mut fields = FlowFields::of(&first);
    let mut current_layout = 0;
    let mut without_start = Vec::new();
    // Records under a header that has no `start` at all: one note per header, not per line.
    let mut startless: Vec<(usize, usize)> = Vec::new();
    for_each_record(text, path, first, &mut issues, |record| {
        if record.layout_index != current_layout {
            current_layout = record.layout_index;
            fields = FlowFields::of(record.layout);
        }
        let cells = record.cells;
        let text_at = |i: Option<usize>| i.map_or("", |i| cells[i].text());
        let number_at = |i: Option<usize>| i.and_then(|i| cells[i].number());
        if matches!(text_at(fields.status), "NODATA" | "SKIPDATA") {
            return;
        }
        let Some(start_secs) = number_at(fields.start) else {
            match (fields.start, record.layout.header_line) {
                (None, Some(header)) => match startless.last_mut() {
                    Some((line, count)) if *line == header => *count += 1,
                    _ => startless.push((header, 1)),
                },
                _ => without_start.push(record.line),
            }
            return;
        };
        let start_ticks = start_secs.saturating_mul(TICKS_PER_SECOND);
        visit(&AwsFlow {
            line: record.line,
            start: start_ticks,
            end: number_at(fields.end).map_or(start_ticks, |s| s.saturating_mul(TICKS_PER_SECOND)),
            src_addr: text_at(fields.src),
            dst_addr: text_at(fields.dst),
            src_port: number_at(fields.sport),
            dst_port: number_at(fields.dport),
            protocol: number_at(fields.protocol),
            denied: text_at(fields.action) == "REJECT",
            direction: match text_at(fields.direction) {
                "ingress" => Some(Direction::Inbound),
                "egress" => Some(Direction::Outbound),
                _ => None,
            },
            packets: number_at(fields.packets).unwrap_or(0),
            bytes: number_at(fields.bytes).unwrap_or(0),
            interface_id: text_at(fields.interface),
        });
    });
    let mut notes: Vec<ReadIssue> = without_start
        .into_iter()
        .map(|line| {
            let message = "a record without `start` makes no flow row; skipped";
            ReadIssue::new(path, Position::Line(line), message)
        })
        .collect();
    for (header, count) in startless {
        let message = format!(
            "the header names no `start` field: its {count} record{} make no flow row",
            if count == 1 { "" } else { "s" }
        );
        notes.push(ReadIssue::new(path, Position::Line(header), message).skipping(count));
    }
    in_line_order(issues, notes)
}

/// The text of a `.log.gz` file. A truncated or corrupt gzip stream keeps the complete lines
/// decoded before the damage and reports where it stopped, so the good records still load.
pub fn gunzip_text(bytes: &[u8], path: &str) -> (String, Vec<ReadIssue>) {
    let mut decoded = Vec::new();
    let failure = super::detect::gunzip_keeping_prefix(bytes, &mut decoded);
    let mut issues = Vec::new();
    if let Some(error) = failure.as_ref().filter(|e| super::detect::is_too_large(e)) {
        issues.push(ReadIssue::new(path, Position::File, error.to_string()).skipping(0));
    } else if let Some(error) = failure {
        // The last line may be cut anywhere: keep only whole lines.
        let whole = decoded
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        decoded.truncate(whole);
        let lines = decoded.iter().filter(|&&b| b == b'\n').count();
        issues.push(ReadIssue::new(
            path,
            Position::Line(lines + 1),
            format!("the gzip stream is damaged or truncated ({error}); the {lines} lines before it are kept"),
        ).skipping(0));
    }
    let text = match String::from_utf8(decoded) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    (text, issues)
}

/// The column name of an AWS field: Sentinel's when it has one, else PascalCase of the field.
pub fn column_name(field: &str) -> String {
    let field = normalise_name(field);
    match known_field(&field) {
        Some((_, column, _)) => column.to_string(),
        None => pascal_case(&field),
    }
}

/// Where a wanted column's values come from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// Field `index` of the record.
    Field(usize, Kind),
    /// `TimeGenerated`: `start`, or `end` when `start` is missing.
    StartOrEnd(Option<usize>, Option<usize>),
    /// The table's name (`Type`).
    TableName,
    /// Not in this file: empty or null.
    Missing,
}

impl Source {
    fn for_column(layout: &Layout, column: &str) -> Source {
        if column == "TimeGenerated" {
            return Source::StartOrEnd(layout.position("start"), layout.position("end"));
        }
        if column == "Type" {
            return Source::TableName;
        }
        match layout.fields.iter().position(|f| f.column == column) {
            Some(index) => Source::Field(index, layout.fields[index].kind),
            None => Source::Missing,
        }
    }
}

/// Shares one allocation among repeated strings of a file (account, ENI, addresses).
#[derive(Default)]
struct Interner<'a> {
    strings: FxHashMap<&'a str, Str>,
}

impl<'a> Interner<'a> {
    fn get(&mut self, text: &'a str) -> Str {
        if text.is_empty() {
            return empty_str();
        }
        self.strings
            .entry(text)
            .or_insert_with(|| Arc::from(text))
            .clone()
    }
}

fn push_cell<'a>(
    column: &mut Column,
    ty: Type,
    source: &Source,
    cells: &[Cell<'a>],
    table_name: &Str,
    interner: &mut Interner<'a>,
) {
    let number = match *source {
        Source::Field(i, Kind::Text) => {
            let text = cells[i].text();
            match column {
                Column::String(v) => v.push(interner.get(text)),
                other => other.push(&crate::table::Value::Null),
            }
            return;
        }
        Source::Field(i, Kind::Seconds) => cells[i].number().map(|s| s * TICKS_PER_SECOND),
        Source::Field(i, _) => cells[i].number(),
        Source::StartOrEnd(start, end) => start
            .and_then(|i| cells[i].number())
            .or_else(|| end.and_then(|i| cells[i].number()))
            .map(|s| s * TICKS_PER_SECOND),
        Source::TableName => {
            match column {
                Column::String(v) => v.push(table_name.clone()),
                other => other.push(&crate::table::Value::Null),
            }
            return;
        }
        Source::Missing => None,
    };
    match column {
        Column::Int(v) => v.push(number.and_then(|n| i32::try_from(n).ok())),
        Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => v.push(number),
        Column::Real(v) => v.push(number.map(|n| n as f64)),
        Column::String(v) => v.push(match number {
            Some(n) if ty == Type::String => Arc::from(n.to_string()),
            _ => empty_str(),
        }),
        other => other.push(&crate::table::Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn read_all(text: &str) -> (Table, Vec<ReadIssue>) {
        read_named(text, "test.log")
    }

    /// The table and issues of `text` read as `path`, leaving out the note that a crafted
    /// header has no `start` (tested on its own below).
    fn read_named(text: &str, path: &str) -> (Table, Vec<ReadIssue>) {
        let schema = file_schema(text);
        let (table, mut issues) = read(text, path, &schema, &schema);
        issues.retain(|i| !i.message.starts_with("the header names no `start` field"));
        (table, issues)
    }

    fn cell(table: &Table, column: &str, row: usize) -> Value {
        table.column(column).unwrap().get(row)
    }

    fn s(text: &str) -> Value {
        Value::String(Arc::from(text))
    }

    fn seconds(s: i64) -> Value {
        Value::DateTime(s * TICKS_PER_SECOND)
    }

    #[test]
    fn default_v2_format_without_header_fills_every_field() {
        let text = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n";
        assert!(looks_like(text.as_bytes()));
        let (table, issues) = read_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(table.num_rows(), 1);
        assert_eq!(cell(&table, "Version", 0), Value::Int(2));
        assert_eq!(cell(&table, "AccountId", 0), s("123456789010"));
        assert_eq!(cell(&table, "InterfaceId", 0), s("eni-1235b8ca123456789"));
        assert_eq!(cell(&table, "SrcAddr", 0), s("172.31.16.139"));
        assert_eq!(cell(&table, "DstAddr", 0), s("172.31.16.21"));
        assert_eq!(cell(&table, "SrcPort", 0), Value::Int(20641));
        assert_eq!(cell(&table, "DstPort", 0), Value::Int(22));
        assert_eq!(cell(&table, "Protocol", 0), Value::Int(6));
        assert_eq!(cell(&table, "Packets", 0), Value::Int(20));
        assert_eq!(cell(&table, "Bytes", 0), Value::Long(4249));
        assert_eq!(cell(&table, "TimeGenerated", 0), seconds(1418530010));
        assert_eq!(cell(&table, "End", 0), seconds(1418530070));
        assert_eq!(cell(&table, "Action", 0), s("ACCEPT"));
        assert_eq!(cell(&table, "LogStatus", 0), s("OK"));
        assert_eq!(cell(&table, "Type", 0), s("AWSVPCFlow"));
        // Fields of later versions are absent from the default format.
        assert_eq!(cell(&table, "TcpFlags", 0), Value::Null);
        assert_eq!(cell(&table, "VpcId", 0), s(""));
    }

    #[test]
    fn nodata_and_skipdata_records_are_kept_with_missing_values() {
        let text = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n\
                    2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA\n";
        let (table, issues) = read_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(table.num_rows(), 2);
        assert_eq!(cell(&table, "LogStatus", 0), s("NODATA"));
        assert_eq!(cell(&table, "LogStatus", 1), s("SKIPDATA"));
        assert_eq!(cell(&table, "SrcAddr", 0), s(""));
        assert_eq!(cell(&table, "Action", 0), s(""));
        assert_eq!(cell(&table, "SrcPort", 0), Value::Null);
        assert_eq!(cell(&table, "Bytes", 1), Value::Null);
        assert_eq!(cell(&table, "TimeGenerated", 1), seconds(1431280876));
        let mut flows = 0;
        let issues = for_each_flow(text, "test.log", |_| flows += 1);
        assert!(issues.is_empty());
        assert_eq!(flows, 0, "NODATA/SKIPDATA make no NTANetAnalytics row");
    }

    #[test]
    fn ipv6_addresses_are_kept_as_text() {
        let text = "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK\n";
        let (table, _) = read_all(text);
        assert_eq!(
            cell(&table, "SrcAddr", 0),
            s("2001:db8:1234:a100:8d6e:3477:df66:f105")
        );
        assert_eq!(
            cell(&table, "DstAddr", 0),
            s("2001:db8:1234:a102:3304:8879:34cf:4071")
        );
    }

    #[test]
    fn v3_custom_header_in_its_own_order() {
        let text = "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status\n\
                    3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK\n";
        assert!(looks_like(text.as_bytes()));
        let (table, issues) = read_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(cell(&table, "Version", 0), Value::Int(3));
        assert_eq!(cell(&table, "VpcId", 0), s("vpc-abcdefab012345678"));
        assert_eq!(cell(&table, "SubnetId", 0), s("subnet-aaaaaaaa012345678"));
        assert_eq!(cell(&table, "InstanceId", 0), s("i-01234567890123456"));
        assert_eq!(cell(&table, "TrafficType", 0), s("IPv4"));
        assert_eq!(cell(&table, "PktSrcAddr", 0), s("52.213.180.42"));
        assert_eq!(cell(&table, "PktDstAddr", 0), s("10.0.0.62"));
        assert_eq!(cell(&table, "Bytes", 0), Value::Long(568));
        assert_eq!(cell(&table, "Packets", 0), Value::Int(8));
        assert_eq!(cell(&table, "TcpFlags", 0), Value::Int(2));
        assert_eq!(cell(&table, "LogStatus", 0), s("OK"));
    }

    #[test]
    fn v5_header_fills_every_later_field() {
        let text = "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status\n\
                    5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK\n";
        let (table, issues) = read_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(cell(&table, "Region", 0), s("ap-southeast-2"));
        assert_eq!(cell(&table, "AzId", 0), s("apse2-az3"));
        assert_eq!(cell(&table, "SublocationType", 0), s(""));
        assert_eq!(cell(&table, "SublocationId", 0), s(""));
        assert_eq!(cell(&table, "PktSrcAwsService", 0), s(""));
        assert_eq!(cell(&table, "PktDstAwsService", 0), s("S3"));
        assert_eq!(cell(&table, "TrafficPath", 0), s("8"));
        assert_eq!(cell(&table, "FlowDirection", 0), s("egress"));
        assert_eq!(cell(&table, "TcpFlags", 0), Value::Int(3));
        let mut seen = Vec::new();
        for_each_flow(text, "x", |f| seen.push((f.direction, f.bytes, f.denied)));
        assert_eq!(seen, vec![(Some(Direction::Outbound), 471, false)]);
    }

    #[test]
    fn unknown_header_fields_become_pascal_case_string_columns() {
        let text = "version srcaddr ecs-cluster-arn reject-reason ecs-task-id log-status\n\
                    8 10.0.0.1 arn:aws:ecs:us-east-1:123:cluster/web BPA 42 OK\n";
        let schema = file_schema(text);
        let names: Vec<&str> = schema.names().collect();
        let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(
            at("EcsClusterArn") > at("Type"),
            "extras follow the standard columns"
        );
        assert!(
            at("EcsTaskId") < at("_BilledSize"),
            "and precede the hidden ones"
        );
        let (table, issues) = read_named(text, "x");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            cell(&table, "EcsClusterArn", 0),
            s("arn:aws:ecs:us-east-1:123:cluster/web")
        );
        assert_eq!(cell(&table, "RejectReason", 0), s("BPA"));
        assert_eq!(cell(&table, "EcsTaskId", 0), s("42"), "extras are strings");
    }

    #[test]
    fn athena_and_format_string_spellings_of_the_header() {
        let text = "${version} ${account-id} srcaddr log_status\n2 1234 10.0.0.1 OK\n";
        let (table, issues) = read_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(cell(&table, "AccountId", 0), s("1234"));
        assert_eq!(cell(&table, "LogStatus", 0), s("OK"));
    }

    #[test]
    fn seed_sample_with_tcp_flags_loads() {
        let text = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags\n\
3 999999999999 eni-0123456789abcdef 198.51.100.7 10.10.0.83 1466 80 6 5 260 1596470553 1596470610 REJECT OK 2\n\
3 999999999999 eni-0123456789abcdef 10.10.0.83 198.51.100.7 80 6266 6 4 332 1596471933 1596471990 ACCEPT OK 19\n";
        let (table, issues) = read_all(text);
        assert!(issues.is_empty());
        assert_eq!(table.num_rows(), 2);
        assert_eq!(cell(&table, "TcpFlags", 1), Value::Int(19));
        assert_eq!(cell(&table, "Action", 0), s("REJECT"));
    }

    #[test]
    fn runs_of_spaces_and_crlf_are_one_separator() {
        let text = "srcaddr  dstaddr packets\r\n10.0.0.1   10.0.0.2 5\r\n";
        let (table, issues) = read_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(cell(&table, "DstAddr", 0), s("10.0.0.2"));
        assert_eq!(cell(&table, "Packets", 0), Value::Int(5));
    }

    #[test]
    fn bad_records_are_reported_by_line_and_good_ones_kept() {
        let text = "version srcaddr dstaddr packets bytes\n\
                    2 10.0.0.1 10.0.0.2 5 100\n\
                    2 10.0.0.1 10.0.0.2 5\n\
                    2 10.0.0.1 10.0.0.2 five 100\n\
                    2 10.0.0.1 10.0.0.2 5 100 extra\n\
                    2 10.0.0.3 10.0.0.4 6 200\n";
        let (table, issues) = read_named(text, "s3/a.log");
        assert_eq!(table.num_rows(), 2);
        assert_eq!(cell(&table, "SrcAddr", 1), s("10.0.0.3"));
        let lines: Vec<Position> = issues.iter().map(|i| i.position).collect();
        assert_eq!(
            lines,
            vec![Position::Line(3), Position::Line(4), Position::Line(5)]
        );
        assert_eq!(
            issues[0].to_string(),
            "s3/a.log:3: expected 5 space-separated fields, found 4"
        );
        assert!(issues[1]
            .message
            .contains("`packets` is not a number: `five`"));
    }

    #[test]
    fn header_with_no_known_field_is_reported_on_line_one() {
        let text = "alpha-one beta-two\nx y\n";
        assert!(looks_like(text.as_bytes()));
        let (table, issues) = read_all(text);
        assert_eq!(table.num_rows(), 0);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].position, Position::Line(1));
        assert!(issues[0].message.contains("no known VPC flow-log field"));
    }

    #[test]
    fn a_requested_subset_of_columns_in_request_order() {
        let text = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 17 3 4 100 160 REJECT OK\n";
        let want = Schema::new(vec![
            Field::new("Bytes", Type::Long),
            Field::new("Action", Type::String),
            Field::new("EcsTaskId", Type::String),
        ]);
        let (table, _) = read(text, "x", &file_schema(text), &want);
        assert_eq!(
            table.rows().next().unwrap(),
            vec![Value::Long(4), s("REJECT"), s("")]
        );
    }

    #[test]
    fn flows_carry_what_nta_needs() {
        let text = "2 1 eni-9 10.0.0.1 203.0.113.5 40000 443 6 3 400 100 160 REJECT OK\n";
        let mut flows = Vec::new();
        for_each_flow(text, "x", |f| flows.push(f.clone()));
        assert_eq!(
            flows,
            vec![AwsFlow {
                line: 1,
                start: 100 * TICKS_PER_SECOND,
                end: 160 * TICKS_PER_SECOND,
                src_addr: "10.0.0.1",
                dst_addr: "203.0.113.5",
                src_port: Some(40000),
                dst_port: Some(443),
                protocol: Some(6),
                denied: true,
                direction: None,
                packets: 3,
                bytes: 400,
                interface_id: "eni-9",
            }]
        );
    }

    #[test]
    fn sniffing_rejects_other_text() {
        assert!(!looks_like(b"{\"records\": []}"));
        assert!(!looks_like(b"TimeGenerated,SrcIp\n2024-01-01,10.0.0.1\n"));
        assert!(!looks_like(b"hello world\n"));
        assert!(looks_like(
            b"version account-id interface-id srcaddr\n2 1 eni-1 10.0.0.1\n"
        ));
    }

    #[test]
    fn truncated_gzip_keeps_whole_lines_and_names_the_line() {
        use std::io::Write;
        let text = "version srcaddr packets\n2 10.0.0.1 5\n2 10.0.0.2 6\n2 10.0.0.3 7\n";
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        let full = encoder.finish().unwrap();
        let (whole, issues) = gunzip_text(&full, "a.log.gz");
        assert_eq!(whole, text);
        assert!(issues.is_empty());
        let (partial, issues) = gunzip_text(&full[..full.len() - 10], "a.log.gz");
        assert_eq!(issues.len(), 1);
        assert!(issues[0].to_string().starts_with("a.log.gz:"));
        assert!(text.starts_with(&partial) && partial.ends_with('\n'));
        let (table, more) = read_all(&partial);
        assert!(more.is_empty());
        assert_eq!(table.num_rows(), partial.lines().count() - 1);
    }

    /// Every file under `examples/<dir>`, sorted.
    fn example_files(dir: &str) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples")
                .join(dir),
            &mut files,
        );
        files.sort();
        files
    }

    #[test]
    fn example_logs_load_and_agree_with_a_plain_text_count() {
        let (mut rows, mut rejects, mut bytes, mut no_data) = (0, 0, 0_i64, 0);
        let (mut expected_rows, mut expected_rejects, mut expected_bytes) = (0, 0, 0_i64);
        let files = example_files("logs/aws");
        assert!(files.len() >= 10);
        for file in files {
            let raw = std::fs::read(&file).unwrap();
            let path = file.display().to_string();
            let (text, issues) = if path.ends_with(".gz") {
                gunzip_text(&raw, &path)
            } else {
                (String::from_utf8(raw).unwrap(), Vec::new())
            };
            assert!(issues.is_empty(), "{issues:?}");
            assert!(looks_like(text.as_bytes()), "{path}");
            let (table, issues) = read(&text, &path, &file_schema(&text), &file_schema(&text));
            assert!(issues.is_empty(), "{issues:?}");
            rows += table.num_rows();
            for row in 0..table.num_rows() {
                if table.column("Action").unwrap().get(row) == s("REJECT") {
                    rejects += 1;
                }
                if let Value::Long(b) = table.column("Bytes").unwrap().get(row) {
                    bytes += b;
                }
                if table.column("LogStatus").unwrap().get(row) != s("OK") {
                    no_data += 1;
                }
            }
            // Independently: the header names the bytes field; records are the other lines.
            let mut lines = text.lines();
            let first = text.lines().next().unwrap();
            let bytes_at = if first.starts_with("version") {
                lines.next();
                first.split(' ').position(|f| f == "bytes").unwrap()
            } else {
                9
            };
            for line in lines {
                let fields: Vec<&str> = line.split(' ').collect();
                expected_rows += 1;
                expected_rejects += usize::from(line.contains(" REJECT "));
                expected_bytes += fields[bytes_at].parse::<i64>().unwrap_or(0);
            }
        }
        assert_eq!(
            (rows, rejects, bytes),
            (expected_rows, expected_rejects, expected_bytes)
        );
        assert!(rejects > 0 && no_data > 0);
    }

    #[test]
    fn the_seed_sample_loads() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/aws/vpc-flowlog-sample.log");
        let text = std::fs::read_to_string(path).unwrap();
        assert!(looks_like(text.as_bytes()));
        let (table, issues) = read_all(&text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(table.num_rows(), 3);
        let flags: Vec<Value> = (0..3).map(|r| cell(&table, "TcpFlags", r)).collect();
        assert_eq!(flags, [Value::Int(2), Value::Int(3), Value::Int(19)]);
        assert_eq!(cell(&table, "SrcAddr", 0), s("198.51.100.7"));
    }
}
