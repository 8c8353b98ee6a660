//! The Log Analytics query API: `GET /v1/workspaces/{id}/query?query=…&timespan=…` and `POST`
//! with `{"query": …, "timespan": …}`, answering
//! `{"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[…]}]}`; with
//! `Prefer: include-render=true` the `render` visualization comes as a `render` object. The
//! workspace id is accepted and ignored: there is one set of logs.
//!
//! - <https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format>
//! - <https://learn.microsoft.com/azure/azure-monitor/logs/api/response-format>
//! - <https://learn.microsoft.com/azure/azure-monitor/logs/api/prefer-options>

use super::engine::{Answer, QueryJob};
use super::request::RequestOptions;
use crate::table::Table;
use crate::Visualization;
use serde_json::{json, Value as Json};
use std::collections::HashMap;

/// `query` and `timespan` from a GET's query string.
pub fn job_from_query(pairs: &HashMap<String, String>) -> Result<QueryJob, String> {
    let query = pairs
        .get("query")
        .cloned()
        .ok_or("the request has no `query` parameter")?;
    Ok(job(query, pairs.get("timespan").cloned()))
}

/// `query` and `timespan` from a POST's JSON body.
pub fn job_from_body(body: &[u8]) -> Result<QueryJob, String> {
    let json: Json = serde_json::from_slice(body)
        .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    let query = match json.get("query") {
        Some(Json::String(q)) => q.clone(),
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("the request body has no `query`".into()),
    };
    let timespan = match json.get("timespan") {
        None | Some(Json::Null) => None,
        Some(Json::String(t)) => Some(t.clone()),
        Some(_) => return Err("`timespan` must be a string such as PT1H".into()),
    };
    Ok(job(query, timespan))
}

fn job(query: String, timespan: Option<String>) -> QueryJob {
    QueryJob {
        text: query,
        options: RequestOptions::default(),
        timespan: timespan.filter(|t| !t.trim().is_empty()),
    }
}

/// Whether a `Prefer` header asks for `include-render=true`.
pub fn wants_render(prefer: &str) -> bool {
    prefer
        .split(',')
        .any(|p| p.trim().eq_ignore_ascii_case("include-render=true"))
}

/// `[{"name", "type"}, …]`: a table's columns as this API (and the query page) lists them.
pub fn columns_json(table: &Table) -> Json {
    Json::Array(
        table
            .schema
            .fields
            .iter()
            .map(|f| json!({"name": f.name, "type": f.ty.name()}))
            .collect(),
    )
}

/// The response body of a query.
pub fn response(answer: &Answer, include_render: bool) -> String {
    let mut out = format!(
        "{{\"tables\":[{{\"name\":\"PrimaryResult\",\"columns\":{},\"rows\":[",
        columns_json(&answer.table)
    );
    for (i, row) in answer.rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(row);
    }
    out.push_str("]}]");
    if include_render {
        if let Some(vis) = &answer.visualization {
            out.push_str(",\"render\":");
            out.push_str(&render_json(vis).to_string());
        }
    }
    if let Some(truncation) = answer.truncation {
        let error = json!({
            "code": "PartialError",
            "message": "There were some errors when processing your query.",
            "details": [{
                "code": "EngineError",
                "message": "Something went wrong processing your query on the server.",
                "innererror": {
                    "code": "E_QUERY_RESULT_SET_TOO_LARGE",
                    "message": truncation.message(),
                    "severity": 2,
                    "severityName": "Error",
                }
            }]
        });
        out.push_str(",\"error\":");
        out.push_str(&error.to_string());
    }
    out.push('}');
    out
}

/// The `render` object: the visualization and its properties, lower camel case.
fn render_json(vis: &Visualization) -> Json {
    let mut render = serde_json::Map::new();
    render.insert("visualization".into(), Json::String(vis.kind.clone()));
    for (name, value) in &vis.properties {
        let key = match name.to_ascii_lowercase().as_str() {
            "xcolumn" => "xColumn".to_string(),
            "ycolumns" => "yColumns".to_string(),
            "xtitle" => "xTitle".to_string(),
            "ytitle" => "yTitle".to_string(),
            "xaxis" => "xAxis".to_string(),
            "yaxis" => "yAxis".to_string(),
            "ysplit" => "ySplit".to_string(),
            "ymin" => "yMin".to_string(),
            "ymax" => "yMax".to_string(),
            "xmin" => "xMin".to_string(),
            "xmax" => "xMax".to_string(),
            other => other.to_string(),
        };
        let value = match value.as_str() {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            _ => Json::String(value.clone()),
        };
        render.insert(key, value);
    }
    render.entry("accumulate").or_insert(Json::Bool(false));
    render.insert("isQuerySorted".into(), Json::Bool(false));
    render
        .entry("kind")
        .or_insert(Json::String("default".into()));
    render
        .entry("annotation")
        .or_insert(Json::String(String::new()));
    render.entry("by").or_insert(Json::Null);
    Json::Object(render)
}

/// A failed request in the API's error shape.
pub fn error_json(code: &str, message: &str, inner: Option<Json>) -> Json {
    let mut error = json!({"code": code, "message": message});
    if let Some(inner) = inner {
        error["innererror"] = inner;
    }
    json!({ "error": error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_give_query_and_timespan() {
        let job = job_from_body(br#"{"query":"T | take 1","timespan":"PT1H"}"#).unwrap();
        assert_eq!(job.text, "T | take 1");
        assert_eq!(job.timespan.as_deref(), Some("PT1H"));
        assert!(job_from_body(b"{}").unwrap_err().contains("no `query`"));
        assert!(job_from_body(b"nope")
            .unwrap_err()
            .contains("not valid JSON"));
        let pairs = HashMap::from([("query".to_string(), "print 1".to_string())]);
        assert_eq!(job_from_query(&pairs).unwrap().timespan, None);
        assert!(job_from_query(&HashMap::new()).is_err());
    }

    #[test]
    fn the_prefer_header_may_list_several_preferences() {
        assert!(wants_render("include-render=true"));
        assert!(wants_render("wait=600, include-render=true"));
        assert!(!wants_render("include-statistics=true"));
    }

    #[test]
    fn render_properties_are_lower_camel_case() {
        let vis = Visualization {
            kind: "timechart".into(),
            properties: vec![
                ("title".into(), "Bytes".into()),
                ("ycolumns".into(), "a, b".into()),
            ],
        };
        let render = render_json(&vis);
        assert_eq!(render["visualization"], "timechart");
        assert_eq!(render["title"], "Bytes");
        assert_eq!(render["yColumns"], "a, b");
        assert_eq!(render["accumulate"], false);
    }
}
