//! Azure resource logs (Azure Firewall and other services) → the table their category names.
//!
//! A record `{time, resourceId, category, operationName, properties{…}}` sits in the `records`
//! array of a storage `PT1H.json`, or one per line (Event Hub captures, newer exports). A
//! resource-specific category whose table kqlite knows (`AZFWFlowTrace`, `AZFWNetworkRule`, …)
//! becomes a row of that table: `TimeGenerated` = `time`, `_ResourceId` = `resourceId`, each
//! property in the column of the same name, converted to the schema's type (properties the table
//! lacks are dropped, as Log Analytics does). Any other category is legacy "Azure diagnostics"
//! mode and becomes an `AzureDiagnostics` row (TABLES.md): the envelope's fields in `Category`,
//! `OperationName`, `ResourceId` and the parts of the id, `properties.msg` in `msg_s`, other
//! properties as `<name>_s` / `_d` / `_b` columns. A `PT1H.json` that Azure is still appending
//! to ends mid-record: the complete records are kept and the cut is reported.

use super::la_export::convert;
use super::read_issue::{Position, ReadIssue};
use crate::catalog::{is_hidden, known_schema};
use crate::table::{Column, Field, Schema, Table, Type, Value};
use indexmap::IndexMap;
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Where legacy records go.
pub const LEGACY_TABLE: &str = "AzureDiagnostics";

/// Categories other readers own (flow logs become Traffic Analytics rows, not resource-log rows).
const FLOW_LOG_CATEGORIES: &[&str] = &["FlowLogFlowEvent", "NetworkSecurityGroupFlowEvent"];

/// Whether the start of a file looks like Azure resource logs other than flow logs: JSON whose
/// first record has a `category` that is not a flow-log category.
pub fn looks_like(first_bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(first_bytes);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with('{') {
        return false;
    }
    let Some(category) = first_string_value(text, "category") else {
        return false;
    };
    let has_id = text.contains("\"resourceId\"") || text.contains("\"resourceID\"");
    // Exports that drop `resourceId` still have a record's `time` and `properties`.
    let has_shape = text.contains("\"time\"") && text.contains("\"properties\"");
    (has_id || has_shape) && !FLOW_LOG_CATEGORIES.contains(&category.as_str())
}

/// The text of the first `"key": "value"` in `text` (a cheap look without parsing it all).
fn first_string_value(text: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let after = &text[text.find(&quoted)? + quoted.len()..];
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let body = after.strip_prefix('"')?;
    Some(body[..body.find('"')?].to_string())
}

/// The tables a file's records fill, each with every column of its schema (plus, for
/// AzureDiagnostics, the property columns its schema lacks), and the bad records met.
#[derive(Debug, Default)]
pub struct ResourceLogs {
    pub tables: IndexMap<String, Table>,
    pub issues: Vec<ReadIssue>,
}

/// The table a category's records go to.
pub fn table_for_category(category: &str) -> &str {
    if category != LEGACY_TABLE && known_schema(category).is_some() {
        category
    } else {
        LEGACY_TABLE
    }
}

/// Read every record of a file.
pub fn read(text: &str, path: &str) -> ResourceLogs {
    let mut issues = Vec::new();
    let mut builders: IndexMap<String, TableBuilder> = IndexMap::new();
    for_each_record(text, path, &mut issues, |position, record| {
        let Json::Object(record) = record else {
            return Some(ReadIssue::new(
                path,
                position,
                "the record is not a JSON object",
            ));
        };
        let category = record.get("category").and_then(Json::as_str).unwrap_or("");
        if category.is_empty() {
            return Some(ReadIssue::new(
                path,
                position,
                "the record has no `category`",
            ));
        }
        let table = table_for_category(category);
        let builder = builders
            .entry(table.to_string())
            .or_insert_with(|| TableBuilder::new(table));
        let misfit = if table == LEGACY_TABLE {
            builder.push(legacy_row(&record))
        } else {
            builder.push(resource_specific_row(&record))
        };
        let not_object = match record.get("properties") {
            None | Some(Json::Object(_)) => None,
            Some(_) => Some("`properties` is not a JSON object; its columns are null".to_string()),
        };
        let messages: Vec<String> = not_object.into_iter().chain(misfit).collect();
        (!messages.is_empty())
            .then(|| ReadIssue::new(path, position, messages.join("; ")).skipping(0))
    });
    ResourceLogs {
        tables: builders
            .into_iter()
            .map(|(name, b)| (name, b.finish()))
            .collect(),
        issues,
    }
}

/// Call `visit` with every record and where it is; an issue `visit` returns, or a record that is
/// not JSON, is collected.
fn for_each_record(
    text: &str,
    path: &str,
    issues: &mut Vec<ReadIssue>,
    mut visit: impl FnMut(Position, Json) -> Option<ReadIssue>,
) {
    let text = text.trim_start_matches('\u{feff}');
    match records_array_start(text) {
        Some(start) => {
            let mut rest = &text[start..];
            let mut number = 0;
            loop {
                rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
                if rest.is_empty() {
                    number += 1;
                    let message = format!(
                        "the file ends inside `records` (Azure may still be writing it); the {} complete records are kept",
                        number - 1
                    );
                    issues
                        .push(ReadIssue::new(path, Position::Record(number), message).skipping(0));
                    return;
                }
                if rest.starts_with(']') {
                    return;
                }
                number += 1;
                let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Json>();
                match stream.next() {
                    Some(Ok(record)) => {
                        let consumed = stream.byte_offset();
                        rest = &rest[consumed..];
                        if let Some(issue) = visit(Position::Record(number), record) {
                            issues.push(issue);
                        }
                    }
                    Some(Err(e)) if e.is_eof() => {
                        let message = format!(
                            "the last record is cut short (Azure may still be writing the file); the {} complete records are kept",
                            number - 1
                        );
                        issues.push(ReadIssue::new(path, Position::Record(number), message));
                        return;
                    }
                    Some(Err(e)) => {
                        let message =
                            format!("not valid JSON ({e}); the rest of the file is skipped");
                        issues.push(ReadIssue::new(path, Position::Record(number), message));
                        return;
                    }
                    None => return,
                }
            }
        }
        None => {
            // Pretty-printed JSON that is not `{"records": [` first: a whole document.
            if let Ok(document) = serde_json::from_str::<Json>(text) {
                if !text.trim_start().starts_with('{') || text.trim().lines().count() > 1 {
                    let records = match document {
                        Json::Object(mut map) if map.get("records").is_some_and(Json::is_array) => {
                            match map.remove("records") {
                                Some(Json::Array(records)) => records,
                                _ => Vec::new(),
                            }
                        }
                        Json::Array(records) => records,
                        other => vec![other],
                    };
                    for (index, record) in records.into_iter().enumerate() {
                        if let Some(issue) = visit(Position::Record(index + 1), record) {
                            issues.push(issue);
                        }
                    }
                    return;
                }
            }
            // One record per line (JSON lines).
            let mut any = false;
            for (index, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                any = true;
                let position = Position::Line(index + 1);
                match serde_json::from_str::<Json>(line) {
                    Ok(record) => {
                        if let Some(issue) = visit(position, record) {
                            issues.push(issue);
                        }
                    }
                    Err(e) => issues.push(ReadIssue::new(
                        path,
                        position,
                        format!("not valid JSON: {e}"),
                    )),
                }
            }
            if !any {
                issues.push(
                    ReadIssue::new(path, Position::File, "the file holds no records").skipping(0),
                );
            }
        }
    }
}

/// Byte offset just after the `[` of a leading `{"records": [`, if the file has that shape.
fn records_array_start(text: &str) -> Option<usize> {
    let body = text.trim_start();
    let offset = text.len() - body.len();
    let after_brace = body.strip_prefix('{')?;
    let key = after_brace.trim_start();
    let after_key = key.strip_prefix("\"records\"")?.trim_start();
    let after_colon = after_key.strip_prefix(':')?.trim_start();
    let after_bracket = after_colon.strip_prefix('[')?;
    Some(offset + body.len() - after_bracket.len())
}

/// A row as (column, text or JSON value) pairs, before typing.
type RawRow = Vec<(String, Json)>;

fn envelope<'a>(record: &'a Map<String, Json>, key: &str) -> &'a str {
    record
        .get(key)
        .or_else(|| {
            // `resourceID`, `ResourceId`: match the key whatever its case.
            record
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .and_then(Json::as_str)
        .unwrap_or("")
}

fn properties(record: &Map<String, Json>) -> Option<&Map<String, Json>> {
    record.get("properties").and_then(Json::as_object)
}

fn resource_specific_row(record: &Map<String, Json>) -> RawRow {
    let resource_id = envelope(record, "resourceId");
    let mut row: RawRow = vec![
        ("TimeGenerated".into(), Json::from(envelope(record, "time"))),
        ("_ResourceId".into(), Json::from(resource_id)),
        ("SourceSystem".into(), Json::from("Azure")),
    ];
    if let Some(subscription) = id_part(resource_id, "subscriptions") {
        row.push((
            "_SubscriptionId".into(),
            Json::from(subscription.to_ascii_lowercase()),
        ));
    }
    if let Some(props) = properties(record) {
        row.extend(props.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    row
}

fn legacy_row(record: &Map<String, Json>) -> RawRow {
    let resource_id = envelope(record, "resourceId");
    let mut row: RawRow = vec![
        ("TimeGenerated".into(), Json::from(envelope(record, "time"))),
        ("Category".into(), Json::from(envelope(record, "category"))),
        (
            "OperationName".into(),
            Json::from(envelope(record, "operationName")),
        ),
        ("ResourceId".into(), Json::from(resource_id)),
        ("_ResourceId".into(), Json::from(resource_id)),
        ("SourceSystem".into(), Json::from("Azure")),
    ];
    let parts = [
        ("SubscriptionId", id_part(resource_id, "subscriptions")),
        ("ResourceGroup", id_part(resource_id, "resourcegroups")),
        ("ResourceProvider", id_part(resource_id, "providers")),
        ("ResourceType", id_after(resource_id, "providers", 2)),
        (
            "Resource",
            resource_id.rsplit('/').next().filter(|s| !s.is_empty()),
        ),
    ];
    for (column, value) in parts {
        if let Some(value) = value {
            row.push((column.into(), Json::from(value)));
        }
    }
    if let Some(subscription) = id_part(resource_id, "subscriptions") {
        row.push((
            "_SubscriptionId".into(),
            Json::from(subscription.to_ascii_lowercase()),
        ));
    }
    if let Some(props) = properties(record) {
        for (name, value) in props {
            let suffix = match value {
                Json::Number(_) => "_d",
                Json::Bool(_) => "_b",
                _ => "_s",
            };
            row.push((format!("{name}{suffix}"), value.clone()));
        }
    }
    row
}

/// The segment after `/<key>/` in a resource id (case-insensitive key).
fn id_part<'a>(resource_id: &'a str, key: &str) -> Option<&'a str> {
    id_after(resource_id, key, 1)
}

fn id_after<'a>(resource_id: &'a str, key: &str, distance: usize) -> Option<&'a str> {
    let segments: Vec<&str> = resource_id.split('/').collect();
    let at = segments.iter().position(|s| s.eq_ignore_ascii_case(key))?;
    segments
        .get(at + distance)
        .copied()
        .filter(|s| !s.is_empty())
}

/// Rows of one table, typed by its schema as they arrive.
struct TableBuilder {
    name: String,
    schema: Schema,
    columns: Vec<Column>,
    rows: usize,
    /// Only AzureDiagnostics grows: its properties vary by resource type.
    grows: bool,
}

impl TableBuilder {
    fn new(name: &str) -> TableBuilder {
        let schema = known_schema(name).expect("tables are chosen among known ones");
        let columns = schema.fields.iter().map(|f| Column::empty(f.ty)).collect();
        TableBuilder {
            name: name.to_string(),
            schema,
            columns,
            rows: 0,
            grows: name == LEGACY_TABLE,
        }
    }

    /// Type and append one row. A value that does not fit its column (`"DestinationPort":
    /// "<redacted>"` in real exports) is left null, as Azure Data Explorer ingestion does, and
    /// described in the returned problem; the row is kept.
    fn push(&mut self, row: RawRow) -> Option<String> {
        let mut misfits = Vec::new();
        let mut values: Vec<Option<Value>> = vec![None; self.schema.len()];
        for (name, json) in row {
            let index = match self.column_index(&name) {
                Some(index) => index,
                None if self.grows => self.add_column(&name, &json),
                None => continue,
            };
            let ty = self.schema.fields[index].ty;
            let Some(value) = json_to_value(&json, ty) else {
                misfits.push(format!(
                    "property `{name}`: {} is not a {ty}",
                    serde_json::to_string(&json).unwrap_or_default()
                ));
                continue;
            };
            values.resize(self.schema.len(), None);
            values[index] = Some(value);
        }
        values.resize(self.schema.len(), None);
        let type_index = self.schema.index_of("Type");
        for (index, (column, value)) in self.columns.iter_mut().zip(values).enumerate() {
            match value {
                Some(value) => column.push(&value),
                None if Some(index) == type_index => {
                    column.push(&Value::String(Arc::from(self.name.as_str())))
                }
                None => column.push(&Value::Null),
            }
        }
        self.rows += 1;
        (!misfits.is_empty()).then(|| format!("{}; left null, the row is kept", misfits.join("; ")))
    }

    /// Exact name first, then a case-insensitive match (`sourceIp` for `SourceIp`).
    fn column_index(&self, name: &str) -> Option<usize> {
        self.schema.index_of(name).or_else(|| {
            self.schema
                .fields
                .iter()
                .position(|f| f.name.eq_ignore_ascii_case(name))
        })
    }

    /// A property column AzureDiagnostics's schema lacks, typed by its suffix, inserted before
    /// the hidden columns and back-filled with nulls.
    fn add_column(&mut self, name: &str, json: &Json) -> usize {
        let ty = match (name.rsplit_once('_').map(|(_, s)| s), json) {
            (Some("d"), Json::Number(_)) => Type::Real,
            (Some("b"), Json::Bool(_)) => Type::Bool,
            _ => Type::String,
        };
        let at = self
            .schema
            .fields
            .iter()
            .position(|f| is_hidden(&f.name))
            .unwrap_or(self.schema.len());
        self.schema.fields_mut().insert(at, Field::new(name, ty));
        self.columns.insert(at, Column::nulls(ty, self.rows));
        at
    }

    fn finish(self) -> Table {
        Table::new(self.schema, self.columns)
    }
}

/// A JSON property as a value of `ty` (None when it does not fit).
fn json_to_value(json: &Json, ty: Type) -> Option<Value> {
    match (json, ty) {
        (Json::Null, Type::String) => Some(Value::String(crate::table::empty_str())),
        (Json::Null, _) => Some(Value::Null),
        (_, Type::Dynamic) => Some(Value::Dynamic(json.clone())),
        (Json::String(text), _) => convert(text, ty),
        (Json::Bool(b), Type::Bool) => Some(Value::Bool(*b)),
        (Json::Number(n), Type::Int) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Value::Int),
        (Json::Number(n), Type::Long) => n.as_i64().map(Value::Long),
        (Json::Number(n), Type::Real) => n.as_f64().map(Value::Real),
        (Json::Number(n), Type::String) => Some(Value::String(Arc::from(n.to_string()))),
        (Json::Bool(b), Type::String) => Some(Value::String(Arc::from(b.to_string()))),
        (other, Type::String) => Some(Value::String(Arc::from(other.to_string()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::la_export::parse_datetime;

    const FIREWALL_ID: &str = "/SUBSCRIPTIONS/1111AAAA-0000-0000-0000-000000000001/RESOURCEGROUPS/RG-HUB/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW-HUB";

    fn s(text: &str) -> Value {
        Value::String(Arc::from(text))
    }

    fn at(table: &Table, column: &str, row: usize) -> Value {
        table
            .column(column)
            .unwrap_or_else(|| panic!("no column {column}"))
            .get(row)
    }

    fn flow_trace(flag: &str, time: &str) -> String {
        format!(
            r#"{{"time":"{time}","resourceId":"{FIREWALL_ID}","category":"AZFWFlowTrace","operationName":"AzureFirewallFlowTrace","properties":{{"Protocol":"TCP","SourceIp":"10.12.1.4","SourcePort":50123,"DestinationIp":"10.13.2.5","DestinationPort":443,"Flag":"{flag}","Action":"Log","ActionReason":"Additional TCP Log"}}}}"#
        )
    }

    #[test]
    fn flow_trace_records_in_pt1h_json_fill_every_column() {
        let text = format!(
            "{{\"records\":[{},\n{}]}}",
            flow_trace("SYN-ACK", "2024-05-09T10:00:01.1234567Z"),
            flow_trace("INVALID", "2024-05-09T10:00:02Z")
        );
        assert!(looks_like(text.as_bytes()));
        let logs = read(&text, "PT1H.json");
        assert!(logs.issues.is_empty(), "{:?}", logs.issues);
        let table = &logs.tables["AZFWFlowTrace"];
        assert_eq!(table.num_rows(), 2);
        assert_eq!(table.schema, known_schema("AZFWFlowTrace").unwrap());
        assert_eq!(at(table, "Flag", 0), s("SYN-ACK"));
        assert_eq!(at(table, "Flag", 1), s("INVALID"));
        assert_eq!(at(table, "Protocol", 0), s("TCP"));
        assert_eq!(at(table, "SourceIp", 0), s("10.12.1.4"));
        assert_eq!(at(table, "SourcePort", 0), Value::Int(50123));
        assert_eq!(at(table, "DestinationIp", 0), s("10.13.2.5"));
        assert_eq!(at(table, "DestinationPort", 0), Value::Int(443));
        assert_eq!(at(table, "Action", 0), s("Log"));
        assert_eq!(at(table, "ActionReason", 0), s("Additional TCP Log"));
        assert_eq!(
            at(table, "TimeGenerated", 0),
            Value::DateTime(parse_datetime("2024-05-09T10:00:01.1234567Z").unwrap())
        );
        assert_eq!(at(table, "Type", 0), s("AZFWFlowTrace"));
        assert_eq!(at(table, "SourceSystem", 0), s("Azure"));
        assert_eq!(at(table, "_ResourceId", 0), s(FIREWALL_ID));
        assert_eq!(
            at(table, "_SubscriptionId", 0),
            s("1111aaaa-0000-0000-0000-000000000001")
        );
    }

    #[test]
    fn json_lines_with_several_categories_fill_several_tables() {
        let network = format!(
            r#"{{"category":"AZFWNetworkRule","time":"2023-09-06T14:22:44.9546030Z","resourceId":"{FIREWALL_ID}","properties":{{"Protocol":"UDP","SourceIp":"10.13.1.4","SourcePort":52555,"DestinationIp":"23.72.254.146","DestinationPort":443,"Action":"Deny","Policy":"","RuleCollectionGroup":"","RuleCollection":"","Rule":"","ActionReason":"Default Action"}}}}"#
        );
        let app = format!(
            r#"{{"category":"AZFWApplicationRule","time":"2023-09-06T14:22:45Z","resourceId":"{FIREWALL_ID}","properties":{{"Protocol":"HTTPS","SourceIp":"10.12.1.4","SourcePort":40000,"DestinationPort":443,"Fqdn":"www.example.com","TargetUrl":"","Action":"Allow","Policy":"fw-policy","RuleCollectionGroup":"DefaultApplicationRuleCollectionGroup","RuleCollection":"web","Rule":"allow-web","ActionReason":"","IsTlsInspected":false,"WebCategory":"","IsExplicitProxyRequest":false}}}}"#
        );
        let dns = format!(
            r#"{{"category":"AZFWDnsQuery","time":"2023-09-06T14:22:46Z","resourceId":"{FIREWALL_ID}","properties":{{"SourceIp":"10.12.1.4","SourcePort":53000,"QueryId":1234,"QueryType":"A","QueryClass":"IN","QueryName":"example.com.","Protocol":"udp","RequestSize":40,"DnssecOkBit":false,"EDNS0BufferSize":512,"ResponseCode":"NOERROR","ResponseFlags":"qr,rd,ra","ResponseSize":56,"RequestDurationSecs":0.0123,"ErrorNumber":0,"ErrorMessage":""}}}}"#
        );
        let text = format!("{network}\n{app}\n{dns}\n");
        assert!(looks_like(text.as_bytes()));
        let logs = read(&text, "capture.json");
        assert!(logs.issues.is_empty(), "{:?}", logs.issues);
        let names: Vec<&str> = logs.tables.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["AZFWNetworkRule", "AZFWApplicationRule", "AZFWDnsQuery"]
        );
        let net = &logs.tables["AZFWNetworkRule"];
        assert_eq!(at(net, "Action", 0), s("Deny"));
        assert_eq!(at(net, "ActionReason", 0), s("Default Action"));
        assert_eq!(at(net, "DestinationIp", 0), s("23.72.254.146"));
        let app = &logs.tables["AZFWApplicationRule"];
        assert_eq!(at(app, "Fqdn", 0), s("www.example.com"));
        assert_eq!(at(app, "IsTlsInspected", 0), Value::Bool(false));
        assert_eq!(at(app, "Rule", 0), s("allow-web"));
        let dns = &logs.tables["AZFWDnsQuery"];
        assert_eq!(at(dns, "QueryId", 0), Value::Int(1234));
        assert_eq!(at(dns, "RequestDurationSecs", 0), Value::Real(0.0123));
        assert_eq!(at(dns, "DnssecOkBit", 0), Value::Bool(false));
        assert_eq!(at(dns, "QueryName", 0), s("example.com."));
    }

    #[test]
    fn nat_threat_intel_and_idps_categories_have_their_tables() {
        for (category, props, column, expected) in [
            (
                "AZFWNatRule",
                r#"{"TranslatedIp":"10.12.1.4","TranslatedPort":3389}"#,
                "TranslatedPort",
                Value::Int(3389),
            ),
            (
                "AZFWThreatIntel",
                r#"{"ThreatDescription":"Known bad","Fqdn":"bad.example"}"#,
                "ThreatDescription",
                s("Known bad"),
            ),
            (
                "AZFWIdpsSignature",
                r#"{"SignatureId":"2008581","Severity":2}"#,
                "Severity",
                Value::Int(2),
            ),
        ] {
            let text = format!(
                r#"{{"category":"{category}","time":"2024-05-09T10:00:00Z","resourceId":"{FIREWALL_ID}","properties":{props}}}"#
            );
            let logs = read(&text, "x.json");
            assert!(logs.issues.is_empty(), "{:?}", logs.issues);
            assert_eq!(at(&logs.tables[category], column, 0), expected);
        }
    }

    #[test]
    fn legacy_records_go_to_azure_diagnostics() {
        let text = format!(
            r#"{{"records":[{{"category":"AzureFirewallNetworkRule","time":"2018-06-14T23:44:11.0590400Z","resourceId":"{FIREWALL_ID}","operationName":"AzureFirewallNetworkRuleLog","properties":{{"msg":"TCP request from 111.35.136.173:12518 to 13.78.143.217:2323. Action: Deny","count":3,"custom":true}}}}]}}"#
        );
        let logs = read(&text, "PT1H.json");
        assert!(logs.issues.is_empty(), "{:?}", logs.issues);
        let table = &logs.tables["AzureDiagnostics"];
        assert_eq!(at(table, "Category", 0), s("AzureFirewallNetworkRule"));
        assert_eq!(
            at(table, "OperationName", 0),
            s("AzureFirewallNetworkRuleLog")
        );
        assert_eq!(
            at(table, "msg_s", 0),
            s("TCP request from 111.35.136.173:12518 to 13.78.143.217:2323. Action: Deny")
        );
        assert_eq!(at(table, "ResourceId", 0), s(FIREWALL_ID));
        assert_eq!(at(table, "Resource", 0), s("FW-HUB"));
        assert_eq!(at(table, "ResourceGroup", 0), s("RG-HUB"));
        assert_eq!(
            at(table, "SubscriptionId", 0),
            s("1111AAAA-0000-0000-0000-000000000001")
        );
        assert_eq!(at(table, "ResourceProvider", 0), s("MICROSOFT.NETWORK"));
        assert_eq!(at(table, "ResourceType", 0), s("AZUREFIREWALLS"));
        assert_eq!(at(table, "Type", 0), s("AzureDiagnostics"));
        assert_eq!(at(table, "count_d", 0), Value::Real(3.0));
        assert_eq!(at(table, "custom_b", 0), Value::Bool(true));
        let first_hidden = table
            .schema
            .fields
            .iter()
            .position(|f| is_hidden(&f.name))
            .unwrap();
        assert!(table.schema.index_of("count_d").unwrap() < first_hidden);
    }

    #[test]
    fn a_pt1h_json_still_being_written_keeps_its_complete_records() {
        let full = format!(
            "{{\"records\":[{},{},{}]}}",
            flow_trace("FIN", "2024-05-09T10:00:01Z"),
            flow_trace("RST", "2024-05-09T10:00:02Z"),
            flow_trace("INVALID", "2024-05-09T10:00:03Z")
        );
        let cut = &full[..full.len() - 40];
        let logs = read(cut, "PT1H.json");
        assert_eq!(logs.tables["AZFWFlowTrace"].num_rows(), 2);
        assert_eq!(logs.issues.len(), 1);
        assert_eq!(logs.issues[0].position, Position::Record(3));
        assert!(logs.issues[0]
            .message
            .contains("2 complete records are kept"));
        // Cut right after a complete record: no record is lost, the cut is still reported.
        let cut = &full[..full.len() - 2];
        let logs = read(cut, "PT1H.json");
        assert_eq!(logs.tables["AZFWFlowTrace"].num_rows(), 3);
        assert_eq!(logs.issues.len(), 1);
    }

    #[test]
    fn bad_records_are_reported_and_skipped() {
        let good = flow_trace("FIN", "2024-05-09T10:00:01Z");
        let bad_port = good.replace("50123", "\"fifty\"");
        let text = format!("{good}\n{{not json\n{bad_port}\n{{\"time\":\"x\"}}\n{good}\n");
        let logs = read(&text, "lines.json");
        // The record with a port that is not a number is kept, its port null (as ADX ingests).
        let table = &logs.tables["AZFWFlowTrace"];
        assert_eq!(table.num_rows(), 3);
        assert_eq!(at(table, "SourcePort", 1), Value::Null);
        assert_eq!(at(table, "DestinationPort", 1), Value::Int(443));
        let shown: Vec<String> = logs.issues.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].starts_with("lines.json:2: not valid JSON"));
        assert_eq!(
            shown[1],
            "lines.json:3: property `SourcePort`: \"fifty\" is not a int; left null, the row is kept"
        );
        assert_eq!(logs.issues[1].skipped, 0);
        assert_eq!(shown[2], "lines.json:4: the record has no `category`");
        let odd = good.replace(
            &good[good.find("\"properties\"").unwrap()..good.len() - 1],
            "\"properties\":\"text\"",
        );
        let logs = read(&odd, "odd.json");
        assert_eq!(logs.tables["AZFWFlowTrace"].num_rows(), 1);
        assert!(logs.issues[0]
            .message
            .contains("`properties` is not a JSON object"));
    }

    #[test]
    fn flow_logs_are_not_resource_logs_for_this_reader() {
        assert!(!looks_like(
            br#"{"records":[{"time":"x","category":"FlowLogFlowEvent","resourceId":"/x"}]}"#
        ));
        assert!(!looks_like(br#"{"records":[{"time":"x","category":"NetworkSecurityGroupFlowEvent","resourceId":"/x"}]}"#));
        assert!(!looks_like(b"2 123 eni-1 - - - - - - - 1 2 - NODATA"));
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
    fn example_firewall_logs_fill_every_firewall_table() {
        let mut rows: IndexMap<String, usize> = IndexMap::new();
        let (mut invalid, mut expected_invalid, mut expected_trace) = (0, 0, 0);
        for file in example_files("logs/azfw") {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(looks_like(text.as_bytes()), "{}", file.display());
            let logs = read(&text, &file.display().to_string());
            assert!(logs.issues.is_empty(), "{:?}", logs.issues);
            for (name, table) in &logs.tables {
                *rows.entry(name.clone()).or_default() += table.num_rows();
                if name == "AZFWFlowTrace" {
                    invalid += (0..table.num_rows())
                        .filter(|&r| at(table, "Flag", r) == s("INVALID"))
                        .count();
                }
            }
            expected_invalid += text.matches("\"Flag\":\"INVALID\"").count();
            expected_trace += text.matches("\"category\":\"AZFWFlowTrace\"").count();
        }
        for table in [
            "AZFWFlowTrace",
            "AZFWNetworkRule",
            "AZFWApplicationRule",
            "AZFWNatRule",
            "AZFWThreatIntel",
            "AZFWIdpsSignature",
            "AZFWDnsQuery",
            "AzureDiagnostics",
        ] {
            assert!(rows.get(table).is_some_and(|&n| n > 0), "{table}: {rows:?}");
        }
        assert_eq!(rows["AZFWFlowTrace"], expected_trace);
        assert_eq!(invalid, expected_invalid);
        assert!(invalid > 0);
    }

    #[test]
    fn pretty_printed_documents_and_arrays_are_read_whole() {
        let record = flow_trace("RST", "2024-05-09T10:00:01Z");
        let value: Json = serde_json::from_str(&record).unwrap();
        let pretty = serde_json::to_string_pretty(
            &serde_json::json!({"other": 1, "records": [value.clone()]}),
        )
        .unwrap();
        assert_eq!(
            read(&pretty, "p.json").tables["AZFWFlowTrace"].num_rows(),
            1
        );
        let array =
            serde_json::to_string_pretty(&serde_json::json!([value.clone(), value])).unwrap();
        let logs = read(&array, "a.json");
        assert!(logs.issues.is_empty());
        assert_eq!(logs.tables["AZFWFlowTrace"].num_rows(), 2);
    }
}
