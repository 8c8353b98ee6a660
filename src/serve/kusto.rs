//! The Kusto REST API's response shapes: the v2 frame sequence, the v1 table set, and the
//! OneApiError JSON of a failed request.
//!
//! - v2: <https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/response-v2>
//!   (`DataSetHeader`, one `DataTable` per table — `@ExtendedProperties` carrying the `render`
//!   visualization, `PrimaryResult`, `QueryCompletionInformation` — then `DataSetCompletion`)
//! - v1: <https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/response> (`Tables`;
//!   a query adds `@ExtendedProperties`, `QueryStatus` and the table of contents)
//!
//! A result cut at a limit is a "partial query failure": the rows come, then the error, as an
//! object in the rows and in `DataSetCompletion` (v2) or `Exceptions` (v1).

use super::engine::{Answer, Truncation};
use crate::format::datetime_text;
use crate::table::{Table, Type};
use crate::Visualization;
use serde_json::{json, Value as Json};

/// The .NET type name v1 puts beside each column's Kusto type.
pub fn dotnet_type(ty: Type) -> &'static str {
    match ty {
        Type::Bool => "Boolean",
        Type::Int => "Int32",
        Type::Long => "Int64",
        Type::Real => "Double",
        Type::DateTime => "DateTime",
        Type::TimeSpan => "TimeSpan",
        Type::Guid => "Guid",
        Type::String => "String",
        Type::Dynamic => "Object",
    }
}

/// Identifiers for one response (`x-ms-activity-id`, the ids in the status tables).
pub struct Activity {
    pub id: String,
    pub client_request_id: String,
    /// Ticks of the response time.
    pub at: i64,
}

fn v2_columns(columns: &[(&str, Type)]) -> Json {
    Json::Array(
        columns
            .iter()
            .map(|(name, ty)| json!({"ColumnName": name, "ColumnType": ty.name()}))
            .collect(),
    )
}

fn v1_columns(columns: &[(&str, Type)]) -> Json {
    Json::Array(
        columns
            .iter()
            .map(|(name, ty)| {
                json!({"ColumnName": name, "DataType": dotnet_type(*ty), "ColumnType": ty.name()})
            })
            .collect(),
    )
}

fn table_columns(table: &Table) -> Vec<(&str, Type)> {
    table
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty))
        .collect()
}

/// `render`'s visualization as Kusto's `Visualization` property bag.
pub fn visualization_json(vis: Option<&Visualization>) -> Json {
    let get = |name: &str| {
        vis.and_then(|v| {
            v.properties
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        })
    };
    let text = |name: &str| get(name).map_or(Json::Null, Json::String);
    let flag = |name: &str| Json::Bool(get(name).is_some_and(|v| v.eq_ignore_ascii_case("true")));
    let bound = |name: &str| get(name).map_or(json!("NaN"), Json::String);
    json!({
        "Visualization": vis.map(|v| v.kind.clone()),
        "Title": text("title"),
        "XColumn": text("xcolumn"),
        "Series": text("series"),
        "YColumns": text("ycolumns"),
        "AnomalyColumns": text("anomalycolumns"),
        "XTitle": text("xtitle"),
        "YTitle": text("ytitle"),
        "XAxis": text("xaxis"),
        "YAxis": text("yaxis"),
        "Legend": text("legend"),
        "YSplit": text("ysplit"),
        "Accumulate": flag("accumulate"),
        "IsQuerySorted": false,
        "Kind": text("kind"),
        "Ymin": bound("ymin"),
        "Ymax": bound("ymax"),
        "Xmin": text("xmin"),
        "Xmax": text("xmax"),
    })
}

/// The OneApiError object of a partial failure, as it appears inside a response.
fn partial_failure(truncation: Truncation) -> Json {
    json!({"error": {
        "code": "LimitsExceeded",
        "message": "Request is invalid and cannot be executed.",
        "@type": "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
        "@message": truncation.message(),
        "@permanent": false,
    }})
}

/// Rows (already JSON arrays) into `[r1,r2,…]`, with an extra element after them.
fn rows_array(rows: &[String], extra: Option<String>) -> String {
    let mut out = String::with_capacity(rows.iter().map(|r| r.len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, row) in rows.iter().chain(extra.as_ref()).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(row);
    }
    out.push(']');
    out
}

/// The rows of the status table: success, or the error of a truncated result.
fn completion_events(answer: &Answer) -> Vec<(i32, &'static str, String)> {
    let mut events = vec![(
        4,
        "QueryInfo",
        json!({"Count": 1, "Text": "Query completed successfully"}).to_string(),
    )];
    if let Some(truncation) = answer.truncation {
        events.push((2, "QueryError", truncation.message()));
    }
    events.push((
        4,
        "QueryResourceConsumption",
        json!({"ExecutionTime": answer.elapsed.as_secs_f64()}).to_string(),
    ));
    events
}

/// The v2 frames of a query's answer.
pub fn v2_query(answer: &Answer, activity: &Activity) -> String {
    let mut frames: Vec<String> = vec![json!({
        "FrameType": "DataSetHeader",
        "IsProgressive": false,
        "Version": "v2.0",
        "IsFragmented": false,
        "ErrorReportingPlacement": "InData",
    })
    .to_string()];
    let mut table_id = 0;
    if let Some(vis) = &answer.visualization {
        let value = visualization_json(Some(vis)).to_string();
        frames.push(
            json!({
                "FrameType": "DataTable",
                "TableId": table_id,
                "TableKind": "QueryProperties",
                "TableName": "@ExtendedProperties",
                "Columns": v2_columns(&[("TableId", Type::Int), ("Key", Type::String), ("Value", Type::Dynamic)]),
                "Rows": [[1, "Visualization", value]],
            })
            .to_string(),
        );
        table_id += 1;
    }
    let error_row = answer
        .truncation
        .map(|t| json!({"OneApiErrors": [partial_failure(t)]}).to_string());
    frames.push(format!(
        "{{\"FrameType\":\"DataTable\",\"TableId\":{table_id},\"TableKind\":\"PrimaryResult\",\
         \"TableName\":\"PrimaryResult\",\"Columns\":{},\"Rows\":{}}}",
        v2_columns(&table_columns(&answer.table)),
        rows_array(&answer.rows, error_row)
    ));
    let at = datetime_text(activity.at);
    let status_rows: Vec<Json> = completion_events(answer)
        .into_iter()
        .map(|(level, event, payload)| {
            let (level_name, code, code_name) = match level {
                4 => ("Info", 0, "S_OK (0)"),
                _ => ("Error", -2133196797i64, "E_QUERY_RESULT_SET_TOO_LARGE"),
            };
            json!([
                at,
                activity.client_request_id,
                activity.id,
                activity.id,
                activity.id,
                level,
                level_name,
                code,
                code_name,
                4,
                event,
                payload
            ])
        })
        .collect();
    frames.push(
        json!({
            "FrameType": "DataTable",
            "TableId": table_id + 1,
            "TableKind": "QueryCompletionInformation",
            "TableName": "QueryCompletionInformation",
            "Columns": v2_columns(&[
                ("Timestamp", Type::DateTime), ("ClientRequestId", Type::String),
                ("ActivityId", Type::Guid), ("SubActivityId", Type::Guid),
                ("ParentActivityId", Type::Guid), ("Level", Type::Int),
                ("LevelName", Type::String), ("StatusCode", Type::Int),
                ("StatusCodeName", Type::String), ("EventType", Type::Int),
                ("EventTypeName", Type::String), ("Payload", Type::String),
            ]),
            "Rows": status_rows,
        })
        .to_string(),
    );
    let completion = match answer.truncation {
        None => json!({"FrameType": "DataSetCompletion", "HasErrors": false, "Cancelled": false}),
        Some(t) => json!({"FrameType": "DataSetCompletion", "HasErrors": true,
                          "Cancelled": false, "OneApiErrors": [partial_failure(t)]}),
    };
    frames.push(completion.to_string());
    format!("[{}]", frames.join(",\n"))
}

/// The v2 frames of a control command's table.
pub fn v2_table(table: &Table) -> String {
    let rows = table_rows(table);
    format!(
        "[{},\n{{\"FrameType\":\"DataTable\",\"TableId\":0,\"TableKind\":\"PrimaryResult\",\
         \"TableName\":\"PrimaryResult\",\"Columns\":{},\"Rows\":{}}},\n{}]",
        json!({"FrameType": "DataSetHeader", "IsProgressive": false, "Version": "v2.0",
               "IsFragmented": false, "ErrorReportingPlacement": "InData"}),
        v2_columns(&table_columns(table)),
        rows_array(&rows, None),
        json!({"FrameType": "DataSetCompletion", "HasErrors": false, "Cancelled": false}),
    )
}

fn table_rows(table: &Table) -> Vec<String> {
    (0..table.num_rows())
        .map(|r| {
            let row: Vec<Json> = table
                .columns
                .iter()
                .map(|c| crate::output::cell_json(c, r))
                .collect();
            Json::Array(row).to_string()
        })
        .collect()
}

/// The v1 table set of a query's answer: the result, `@ExtendedProperties`, `QueryStatus` and
/// the table of contents.
pub fn v1_query(answer: &Answer, activity: &Activity) -> String {
    let error_row = answer
        .truncation
        .map(|t| json!({"Exceptions": [t.message()]}).to_string());
    let primary = format!(
        "{{\"TableName\":\"Table_0\",\"Columns\":{},\"Rows\":{}}}",
        v1_columns(&table_columns(&answer.table)),
        rows_array(&answer.rows, error_row)
    );
    let extended = json!({
        "TableName": "Table_1",
        "Columns": v1_columns(&[("Value", Type::String)]),
        "Rows": [[visualization_json(answer.visualization.as_ref()).to_string()]],
    });
    let at = datetime_text(activity.at);
    let status_rows: Vec<Json> = completion_events(answer)
        .into_iter()
        .map(|(level, event, payload)| {
            let (name, code, description) = match (level, event) {
                (4, "QueryInfo") => ("Info", 0, "Query completed successfully".to_string()),
                (4, _) => ("Stats", 0, payload),
                _ => ("Error", -2133196797i64, payload),
            };
            let severity = if name == "Stats" { 6 } else { level };
            json!([
                at,
                severity,
                name,
                code,
                description,
                1,
                activity.id,
                activity.id,
                activity.id,
                activity.client_request_id
            ])
        })
        .collect();
    let status = json!({
        "TableName": "Table_2",
        "Columns": v1_columns(&[
            ("Timestamp", Type::DateTime), ("Severity", Type::Int), ("SeverityName", Type::String),
            ("StatusCode", Type::Int), ("StatusDescription", Type::String), ("Count", Type::Int),
            ("RequestId", Type::Guid), ("ActivityId", Type::Guid), ("SubActivityId", Type::Guid),
            ("ClientActivityId", Type::String),
        ]),
        "Rows": status_rows,
    });
    let toc = json!({
        "TableName": "Table_3",
        "Columns": v1_columns(&[("Ordinal", Type::Long), ("Kind", Type::String),
                                ("Name", Type::String), ("Id", Type::String),
                                ("PrettyName", Type::String)]),
        "Rows": [
            [0, "QueryResult", "PrimaryResult", activity.id, ""],
            [1, "QueryProperties", "@ExtendedProperties", activity.id, ""],
            [2, "QueryStatus", "QueryStatus", "00000000-0000-0000-0000-000000000000", ""],
        ],
    });
    let exceptions = match answer.truncation {
        Some(t) => format!(",\"Exceptions\":{}", json!([t.message()])),
        None => String::new(),
    };
    format!("{{\"Tables\":[{primary},\n{extended},\n{status},\n{toc}]{exceptions}}}")
}

/// The v1 table set of a control command: its one table.
pub fn v1_table(table: &Table) -> String {
    format!(
        "{{\"Tables\":[{{\"TableName\":\"Table_0\",\"Columns\":{},\"Rows\":{}}}]}}",
        v1_columns(&table_columns(table)),
        rows_array(&table_rows(table), None)
    )
}

/// Where in the query an error points, for clients that want more than the message.
pub struct ErrorPosition {
    pub line: usize,
    pub column: usize,
    pub start: usize,
    pub end: usize,
}

/// A failed request as Kusto reports it: `{"error": {code, message, @type, @message, …}}`.
pub fn error_json(
    code: &str,
    kind: &str,
    message: &str,
    text: Option<&str>,
    position: Option<ErrorPosition>,
    activity: &Activity,
) -> Json {
    let mut error = json!({
        "code": code,
        "message": "Request is invalid and cannot be executed.",
        "@type": kind,
        "@message": message,
        "@context": {
            "timestamp": datetime_text(activity.at),
            "serviceAlias": "KQLITE",
            "clientRequestId": activity.client_request_id,
            "activityId": activity.id,
        },
        "@permanent": true,
    });
    if let Some(text) = text {
        error["@text"] = Json::String(text.to_string());
    }
    if let Some(p) = position {
        error["@line"] = json!(p.line);
        error["@column"] = json!(p.column);
        error["@start"] = json!(p.start);
        error["@end"] = json!(p.end);
    }
    json!({ "error": error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Field, Schema};
    use std::sync::Arc;
    use std::time::Duration;

    fn answer(truncation: Option<Truncation>, vis: Option<Visualization>) -> Answer {
        let table = Table::new(
            Schema::new(vec![
                Field::new("Name", Type::String),
                Field::new("n", Type::Long),
            ]),
            vec![
                Column::String(vec![Arc::from("a")]),
                Column::Long(vec![Some(1)]),
            ],
        );
        Answer {
            rows: vec!["[\"a\",1]".into()],
            table,
            visualization: vis,
            truncation,
            elapsed: Duration::from_millis(3),
        }
    }

    fn activity() -> Activity {
        Activity {
            id: "00000000-0000-4000-8000-000000000001".into(),
            client_request_id: "test;1".into(),
            at: 0,
        }
    }

    #[test]
    fn v2_frames_come_in_the_documented_order() {
        let vis = Visualization {
            kind: "piechart".into(),
            properties: vec![("title".into(), "Flows".into())],
        };
        let frames: Json =
            serde_json::from_str(&v2_query(&answer(None, Some(vis)), &activity())).unwrap();
        let kinds: Vec<&str> = frames
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                f["TableKind"]
                    .as_str()
                    .unwrap_or(f["FrameType"].as_str().unwrap())
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "DataSetHeader",
                "QueryProperties",
                "PrimaryResult",
                "QueryCompletionInformation",
                "DataSetCompletion"
            ]
        );
        assert_eq!(frames[0]["Version"], "v2.0");
        let value: Json = serde_json::from_str(frames[1]["Rows"][0][2].as_str().unwrap()).unwrap();
        assert_eq!(value["Visualization"], "piechart");
        assert_eq!(value["Title"], "Flows");
        assert_eq!(frames[2]["Rows"], json!([["a", 1]]));
        assert_eq!(
            frames[2]["Columns"][1],
            json!({"ColumnName": "n", "ColumnType": "long"})
        );
        assert_eq!(frames[4]["HasErrors"], false);
    }

    #[test]
    fn a_truncated_result_is_a_partial_failure() {
        let frames: Json = serde_json::from_str(&v2_query(
            &answer(Some(Truncation::Records(1)), None),
            &activity(),
        ))
        .unwrap();
        let rows = frames[1]["Rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let message = rows[1]["OneApiErrors"][0]["error"]["@message"]
            .as_str()
            .unwrap();
        assert!(
            message.contains("record count limit 1 (E_QUERY_RESULT_SET_TOO_LARGE)"),
            "{message}"
        );
        assert_eq!(frames[3]["HasErrors"], true);
        let v1: Json = serde_json::from_str(&v1_query(
            &answer(Some(Truncation::Records(1)), None),
            &activity(),
        ))
        .unwrap();
        assert!(v1["Exceptions"][0]
            .as_str()
            .unwrap()
            .contains("record count limit"));
        assert_eq!(v1["Tables"][3]["Rows"][2][1], "QueryStatus");
    }
}
