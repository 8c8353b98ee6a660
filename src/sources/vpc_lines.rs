//! The record lines of an AWS VPC flow-log text, each split into checked cells by the layout in
//! force at it.
//!
//! A text starts with a header line naming its fields (any subset, any order, versions 2 to 8)
//! or, without one, holds the default version-2 format. A header line further in — S3 objects
//! concatenated into one file — starts a new layout for the lines after it, so what follows is
//! read by its own fields instead of being rejected line by line.
//!
//! A record whose field count is wrong or whose number is not one is an issue and left out. A
//! value no AWS field can hold (port 70000, protocol 999, a negative counter, a time outside
//! years 1–9999, an action or log status AWS does not write) is reported and left null; the
//! record is kept. A last line without its newline that does not parse fully is a cut file:
//! it is reported and left out rather than kept with truncated values (`48720` → `48`).
//! Field values: <https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html>.

use super::read_issue::{Position, ReadIssue};

/// How a field's text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    /// A number shown as Kusto `int`.
    Int,
    /// A number shown as Kusto `long`.
    Long,
    /// Unix seconds, shown as a datetime.
    Seconds,
}

/// An AWS field name, its Sentinel column and its kind (reference §6.1, §6.3).
const KNOWN_FIELDS: &[(&str, &str, Kind)] = &[
    ("version", "Version", Kind::Int),
    ("account-id", "AccountId", Kind::Text),
    ("interface-id", "InterfaceId", Kind::Text),
    ("srcaddr", "SrcAddr", Kind::Text),
    ("dstaddr", "DstAddr", Kind::Text),
    ("srcport", "SrcPort", Kind::Int),
    ("dstport", "DstPort", Kind::Int),
    ("protocol", "Protocol", Kind::Int),
    ("packets", "Packets", Kind::Int),
    ("bytes", "Bytes", Kind::Long),
    ("start", "TimeGenerated", Kind::Seconds),
    ("end", "End", Kind::Seconds),
    ("action", "Action", Kind::Text),
    ("log-status", "LogStatus", Kind::Text),
    ("vpc-id", "VpcId", Kind::Text),
    ("subnet-id", "SubnetId", Kind::Text),
    ("instance-id", "InstanceId", Kind::Text),
    ("tcp-flags", "TcpFlags", Kind::Int),
    ("type", "TrafficType", Kind::Text),
    ("pkt-srcaddr", "PktSrcAddr", Kind::Text),
    ("pkt-dstaddr", "PktDstAddr", Kind::Text),
    ("region", "Region", Kind::Text),
    ("az-id", "AzId", Kind::Text),
    ("sublocation-type", "SublocationType", Kind::Text),
    ("sublocation-id", "SublocationId", Kind::Text),
    ("pkt-src-aws-service", "PktSrcAwsService", Kind::Text),
    ("pkt-dst-aws-service", "PktDstAwsService", Kind::Text),
    ("flow-direction", "FlowDirection", Kind::Text),
    ("traffic-path", "TrafficPath", Kind::Text),
];

/// The fields of the default format (version 2), in order, for files without a header.
pub(super) const DEFAULT_FORMAT: &[&str] = &[
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
];

/// One field of a layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LayoutField {
    /// The AWS name, normalised (`account_id` and `${account-id}` → `account-id`).
    pub aws: String,
    pub column: String,
    pub kind: Kind,
}

/// The fields of the records that follow a header (or of a headerless file), in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Layout {
    pub fields: Vec<LayoutField>,
    /// 1-based line of the header that set this layout; None for the default format.
    pub header_line: Option<usize>,
}

impl Layout {
    pub fn position(&self, aws: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.aws == aws)
    }
}

pub(super) fn known_field(aws: &str) -> Option<&'static (&'static str, &'static str, Kind)> {
    KNOWN_FIELDS.iter().find(|(name, _, _)| *name == aws)
}

/// `ecs-cluster-arn` → `EcsClusterArn`.
pub(super) fn pascal_case(field: &str) -> String {
    field
        .split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Header spellings seen in the wild: `account-id`, `account_id` (Athena), `${account-id}` (the
/// flow log's format string).
pub(super) fn normalise_name(token: &str) -> String {
    token
        .trim_start_matches("${")
        .trim_end_matches('}')
        .to_ascii_lowercase()
        .replace('_', "-")
}

/// A token that can only be a field name: starts with a letter (or `${`), and holds letters,
/// digits, `-` and `_` only. Record values never pass: every record has a number or `-`.
pub(super) fn is_name_token(token: &str) -> bool {
    let name = token
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(token);
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The layout a header line sets, when `line` is one: every token a field name.
fn header_fields(line: &str) -> Option<Vec<LayoutField>> {
    let tokens: Vec<&str> = line.split_ascii_whitespace().collect();
    if tokens.is_empty() || !tokens.iter().all(|t| is_name_token(t)) {
        return None;
    }
    Some(
        tokens
            .iter()
            .map(|t| layout_field(&normalise_name(t)))
            .collect(),
    )
}

/// The layout of a text's first lines: its header line, or the default format when the first
/// line is a record. A header naming no known field is an error for the whole file.
pub(super) fn first_layout(text: &str) -> Result<Layout, String> {
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches('\u{feff}');
    let Some(fields) = header_fields(first) else {
        let fields = DEFAULT_FORMAT.iter().map(|f| layout_field(f)).collect();
        return Ok(Layout {
            fields,
            header_line: None,
        });
    };
    if fields.iter().all(|f| known_field(&f.aws).is_none()) {
        let names: Vec<&str> = first.split_ascii_whitespace().collect();
        return Err(format!(
            "the header line names no known VPC flow-log field (found `{}`; expected names such as `version srcaddr dstaddr …`)",
            names.join(" ")
        ));
    }
    Ok(Layout {
        fields,
        header_line: Some(1),
    })
}

/// A header line after the first line: every token a field name and at least one a known
/// field, so a record of text-only fields (`eni-1 ACCEPT OK`) is never taken for one.
fn later_header(line: &str, number: usize) -> Option<Layout> {
    let fields = header_fields(line)?;
    fields
        .iter()
        .any(|f| known_field(&f.aws).is_some())
        .then_some(Layout {
            fields,
            header_line: Some(number),
        })
}

/// Every layout a text sets: its first one, then one per later header line.
pub(super) fn all_layouts(text: &str) -> Vec<Layout> {
    let mut layouts: Vec<Layout> = first_layout(text).into_iter().collect();
    for (index, line) in text.lines().enumerate().skip(1) {
        // Cheap test first: a header starts with a letter or `${`.
        if line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '$') {
            layouts.extend(later_header(line, index + 1));
        }
    }
    layouts
}

fn layout_field(aws: &str) -> LayoutField {
    match known_field(aws) {
        Some((name, column, kind)) => LayoutField {
            aws: name.to_string(),
            column: column.to_string(),
            kind: *kind,
        },
        None => LayoutField {
            aws: aws.to_string(),
            column: pascal_case(aws),
            kind: Kind::Text,
        },
    }
}

/// One parsed field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cell<'a> {
    /// Text; `-` already turned into "".
    Text(&'a str),
    /// A number field; None for `-`.
    Number(Option<i64>),
    /// A value its field cannot hold, already reported: null (or "" for text).
    Rejected,
}

impl<'a> Cell<'a> {
    pub fn text(&self) -> &'a str {
        match self {
            Cell::Text(t) => t,
            Cell::Number(_) | Cell::Rejected => "",
        }
    }

    pub fn number(&self) -> Option<i64> {
        match self {
            Cell::Number(n) => *n,
            Cell::Text(_) | Cell::Rejected => None,
        }
    }

    /// The field held `-`: AWS had no value for it.
    pub fn is_dash(&self) -> bool {
        matches!(self, Cell::Number(None) | Cell::Text(""))
    }
}

/// One record line, split by the layout in force at it.
pub(super) struct Record<'r, 'a> {
    /// 1-based line.
    pub line: usize,
    /// Which layout of the file: 0 for the first, one more per later header line.
    pub layout_index: usize,
    pub layout: &'r Layout,
    pub cells: &'r [Cell<'a>],
}

/// Call `visit` with every record of `text` that parses, starting with layout `first` and
/// switching at each later header line; bad lines become issues. Every field is checked
/// whichever columns are wanted, so the rows a file yields never depend on the query.
pub(super) fn for_each_record<'a>(
    text: &'a str,
    path: &str,
    first: Layout,
    issues: &mut Vec<ReadIssue>,
    mut visit: impl FnMut(&Record<'_, 'a>),
) {
    let mut layout = first;
    let mut layout_index = 0;
    let mut cells: Vec<Cell<'a>> = Vec::with_capacity(layout.fields.len());
    let mut rejected: Vec<String> = Vec::new();
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        if layout.header_line == Some(number) {
            continue;
        }
        let whole = raw.ends_with('\n');
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        let line = if index == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        if index > 0 && line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '$') {
            if let Some(next) = later_header(line, number) {
                layout = next;
                layout_index += 1;
                continue;
            }
        }
        cells.clear();
        rejected.clear();
        let parsed = split_record(line, &layout, &mut cells, &mut rejected);
        let problem = match parsed {
            Err(message) => Some(message),
            // A cut last line can leave a value AWS never writes (`NODAT`): drop the record.
            Ok(()) if !whole => rejected.first().cloned(),
            Ok(()) => None,
        };
        if let Some(message) = problem {
            let message = if whole {
                message
            } else {
                format!(
                    "the last line has no newline and does not parse ({message}): the file looks cut short; the record is left out"
                )
            };
            issues.push(ReadIssue::new(path, Position::Line(number), message));
            continue;
        }
        for message in rejected.drain(..) {
            issues.push(ReadIssue::new(path, Position::Line(number), message).skipping(0));
        }
        visit(&Record {
            line: number,
            layout_index,
            layout: &layout,
            cells: &cells,
        });
    }
}

/// Split `line` into `cells` by `layout`. A wrong field count or a number that is not one is
/// the error; a value its field cannot hold becomes [`Cell::Rejected`] with a note in
/// `rejected`.
fn split_record<'a>(
    line: &'a str,
    layout: &Layout,
    cells: &mut Vec<Cell<'a>>,
    rejected: &mut Vec<String>,
) -> Result<(), String> {
    let mut count = 0;
    let mut bad = None;
    for token in line.split_ascii_whitespace() {
        if let Some(field) = layout.fields.get(count) {
            let why = match parse_cell(token, field) {
                Ok(cell) => match unheld(&field.aws, &cell) {
                    Some(why) => why,
                    None => {
                        cells.push(cell);
                        count += 1;
                        continue;
                    }
                },
                Err(Bad::Unheld(why)) => why,
                Err(Bad::NotANumber(message)) => {
                    bad.get_or_insert(message);
                    count += 1;
                    continue;
                }
            };
            rejected.push(format!(
                "`{}` {why}: `{token}`; the value is left null",
                field.aws
            ));
            cells.push(Cell::Rejected);
        }
        count += 1;
    }
    if count != layout.fields.len() {
        return Err(format!(
            "expected {} space-separated fields, found {count}",
            layout.fields.len()
        ));
    }
    bad.map_or(Ok(()), Err)
}

/// Why a value is not one its AWS field can hold (ports 0–65535, protocol 0–255, counters not
/// negative, times within years 1–9999, the documented actions and log statuses), if it is not.
fn unheld(field: &str, cell: &Cell<'_>) -> Option<&'static str> {
    // 0001-01-01 and 10000-01-01 in Unix seconds: Kusto's datetime range.
    const FIRST_SECOND: i64 = -62_135_596_800;
    const PAST_LAST_SECOND: i64 = 253_402_300_800;
    match (field, *cell) {
        ("srcport" | "dstport", Cell::Number(Some(n))) if !(0..=65_535).contains(&n) => {
            Some("is not a port (0 to 65535)")
        }
        ("protocol", Cell::Number(Some(n))) if !(0..=255).contains(&n) => {
            Some("is not a protocol number (0 to 255)")
        }
        ("packets" | "bytes", Cell::Number(Some(n))) if n < 0 => Some("is negative"),
        ("start" | "end", Cell::Number(Some(n)))
            if !(FIRST_SECOND..PAST_LAST_SECOND).contains(&n) =>
        {
            Some("is not a time from year 1 to 9999")
        }
        ("action", Cell::Text(t)) if !matches!(t, "" | "ACCEPT" | "REJECT") => {
            Some("is not ACCEPT or REJECT")
        }
        ("log-status", Cell::Text(t)) if !matches!(t, "" | "OK" | "NODATA" | "SKIPDATA") => {
            Some("is not OK, NODATA or SKIPDATA")
        }
        _ => None,
    }
}

/// Why a token is not a cell of its field.
enum Bad {
    /// Not a number at all: the record is bad.
    NotANumber(String),
    /// A number its field cannot hold: reported and left null.
    Unheld(&'static str),
}

fn parse_cell<'a>(token: &'a str, field: &LayoutField) -> Result<Cell<'a>, Bad> {
    if field.kind == Kind::Text {
        return Ok(Cell::Text(if token == "-" { "" } else { token }));
    }
    if token == "-" {
        return Ok(Cell::Number(None));
    }
    let digits = token.strip_prefix('-').unwrap_or(token);
    let value: i64 = match token.parse() {
        Ok(value) => value,
        // A counter of more than 19 digits: a number, just not a `long`.
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(Bad::Unheld(
                "is beyond Kusto's long (-9223372036854775808 to 9223372036854775807)",
            ));
        }
        Err(_) => {
            return Err(Bad::NotANumber(format!(
                "`{}` is not a number: `{token}`",
                field.aws
            )))
        }
    };
    if field.kind == Kind::Int && i32::try_from(value).is_err() {
        return Err(Bad::Unheld(
            "is beyond Kusto's int (-2147483648 to 2147483647)",
        ));
    }
    Ok(Cell::Number(Some(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as the tests see it: line, layout index, cells shown as text.
    type Shown = (usize, usize, Vec<String>);

    /// Every record of `text`, and the issues.
    fn split_all(text: &str) -> (Vec<Shown>, Vec<String>) {
        let mut issues = Vec::new();
        let mut out = Vec::new();
        let first = first_layout(text).unwrap();
        for_each_record(text, "f.log", first, &mut issues, |r| {
            let cells = r
                .cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => t.to_string(),
                    Cell::Number(n) => format!("{n:?}"),
                    Cell::Rejected => "rejected".to_string(),
                })
                .collect();
            out.push((r.line, r.layout_index, cells));
        });
        (out, issues.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_header_further_in_starts_a_new_layout() {
        let text =
            "srcaddr packets\n10.0.0.1 5\nversion dstaddr bytes action\n2 10.0.0.9 700 REJECT\n";
        let (records, issues) = split_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            records,
            vec![
                (2, 0, vec!["10.0.0.1".into(), "Some(5)".into()]),
                (
                    4,
                    1,
                    vec![
                        "Some(2)".into(),
                        "10.0.0.9".into(),
                        "Some(700)".into(),
                        "REJECT".into()
                    ]
                ),
            ]
        );
        assert_eq!(all_layouts(text).len(), 2);
        assert_eq!(all_layouts(text)[1].header_line, Some(3));
    }

    #[test]
    fn a_record_of_text_fields_only_is_not_a_header() {
        let text = "interface-id action log-status\neni-1 ACCEPT OK\neni-2 REJECT OK\n";
        let (records, issues) = split_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(records.len(), 2);
        assert!(records.iter().all(|r| r.1 == 0));
    }

    #[test]
    fn a_cut_last_line_is_reported_not_kept() {
        // Cut inside the log status: `NODAT` is no status AWS writes.
        let text = "2 1 eni-1 - - - - - - - 100 160 - OK\n2 1 eni-1 - - - - - - - 100 160 - NODAT";
        let (records, issues) = split_all(text);
        assert_eq!(records.len(), 1);
        assert_eq!(
            issues,
            vec!["f.log:2: the last line has no newline and does not parse (`log-status` is not OK, NODATA or SKIPDATA: `NODAT`; the value is left null): the file looks cut short; the record is left out"]
        );
        // Cut inside the bytes: too few fields.
        let text = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 48";
        let (records, issues) = split_all(text);
        assert!(records.is_empty());
        assert!(issues[0].contains("expected 14 space-separated fields, found 10"));
        assert!(issues[0].contains("looks cut short"));
        // A whole last line without its newline is kept.
        let text = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 48720 100 160 ACCEPT OK";
        let (records, issues) = split_all(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(records[0].2[9], "Some(48720)");
    }

    #[test]
    fn values_a_field_cannot_hold_are_reported_and_nulled() {
        // An action or status AWS does not write; counters beyond Kusto's long and int.
        let cases = [
            (
                "srcaddr action log-status\n10.0.0.1 ALLOW OK\n10.0.0.2 ACCEPT FINE\n",
                [
                    "f.log:2: `action` is not ACCEPT or REJECT: `ALLOW`; the value is left null",
                    "f.log:3: `log-status` is not OK, NODATA or SKIPDATA: `FINE`; the value is left null",
                ],
            ),
            (
                "srcaddr bytes packets\n10.0.0.1 9223372036854775808 1\n10.0.0.2 5 4294967296\n",
                [
                    "f.log:2: `bytes` is beyond Kusto's long (-9223372036854775808 to 9223372036854775807): `9223372036854775808`; the value is left null",
                    "f.log:3: `packets` is beyond Kusto's int (-2147483648 to 2147483647): `4294967296`; the value is left null",
                ],
            ),
        ];
        for (text, expected) in cases {
            let (records, issues) = split_all(text);
            assert_eq!(records.len(), 2, "the records are kept");
            assert_eq!(records[0].2[1], "rejected");
            assert_eq!(records[1].2[2], "rejected");
            assert_eq!(issues, expected);
        }
    }
}
