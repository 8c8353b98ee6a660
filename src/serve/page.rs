//! The query page at `/`: an editor with highlighting and completion, a results grid and the
//! chart a query renders. The HTML, script and style sheet are compiled into the binary, so
//! the page works with no network. Its script calls two endpoints of its own: `/api/schema`
//! (tables, columns, functions and operators, for completion) and `/api/query` (rows, timing,
//! the chart as the same SVG `kqlite query --chart` writes, or the error and where it points).

use super::engine::{FailedQuery, Failure, QueryJob};
use super::log_analytics::columns_json;
use super::request::RequestOptions;
use super::routes::{position, AppState};
use crate::chart;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value as Json};
use std::sync::Arc;

const INDEX_HTML: &str = include_str!("assets/index.html");
const PAGE_JS: &str = include_str!("assets/page.js");
const PAGE_CSS: &str = include_str!("assets/page.css");

/// The tabular operators the editor offers after `|`.
const OPERATORS: &[&str] = &[
    "where",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "count",
    "take",
    "limit",
    "top",
    "top-nested",
    "sort by",
    "order by",
    "distinct",
    "join",
    "lookup",
    "union",
    "mv-expand",
    "parse",
    "parse-kv",
    "make-series",
    "render",
    "as",
    "getschema",
    "sample",
    "evaluate",
    "serialize",
    "invoke",
    "range",
    "print",
    "datatable",
    "externaldata",
    "let",
];

pub async fn index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INDEX_HTML,
    )
        .into_response()
}

pub async fn asset(Path(name): Path<String>) -> Response {
    let (kind, body) = match name.as_str() {
        "page.js" => ("text/javascript; charset=utf-8", PAGE_JS),
        "page.css" => ("text/css; charset=utf-8", PAGE_CSS),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Tables and columns of the catalog, function names and operators, for completion.
pub async fn schema(State(state): State<Arc<AppState>>) -> Response {
    let snapshot = state.snapshots.current();
    let tables: Vec<Json> = snapshot
        .catalog
        .names()
        .filter_map(|name| {
            let provider = snapshot.catalog.get(name)?;
            let columns: Vec<Json> = provider
                .schema()
                .fields
                .iter()
                .map(|f| json!({"name": f.name, "type": f.ty.name()}))
                .collect();
            Some(json!({"name": name, "columns": columns, "origin": provider.origin()}))
        })
        .collect();
    let mut functions: Vec<&str> = crate::func::scalar::names()
        .iter()
        .chain(crate::func::aggregate::names())
        .copied()
        .collect();
    functions.sort_unstable();
    functions.dedup();
    let body = json!({
        "database": state.database,
        "tables": tables,
        "functions": functions,
        "operators": OPERATORS,
        "charts": chart::KINDS,
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Run the page's query: rows and timing, the chart when the query renders one, or the error.
pub async fn query(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let text = match serde_json::from_slice::<Json>(&body) {
        Ok(Json::Object(fields)) => match fields.get("query") {
            Some(Json::String(q)) => q.clone(),
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    json!({"message": "the body needs a `query` string"}),
                )
            }
        },
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                json!({"message": "the body must be JSON: {\"query\": \"…\"}"}),
            )
        }
    };
    let job = QueryJob {
        text: text.clone(),
        options: RequestOptions::default(),
        timespan: None,
    };
    let answer = match state.engine.run(job).await {
        Ok(answer) => answer,
        Err(Failure::Query(failed)) => {
            let FailedQuery { error: e, text } = *failed;
            let mut detail = json!({
                "message": e.kind.to_string(),
                "help": e.help,
                "rendered": e.render(&text, "query"),
            });
            if let Some(p) = position(&e, &text) {
                detail["line"] = p.line.into();
                detail["column"] = p.column.into();
                detail["start"] = p.start.into();
                detail["end"] = p.end.into();
            }
            return error(StatusCode::BAD_REQUEST, detail);
        }
        Err(failure) => {
            let status = match failure {
                Failure::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
                Failure::Busy => StatusCode::TOO_MANY_REQUESTS,
                Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            return error(status, json!({"message": failure.to_string()}));
        }
    };
    let (chart_svg, chart_error) = match &answer.visualization {
        Some(vis) => match chart::render_svg(&answer.table, vis) {
            Ok(svg) => (svg, None),
            Err(e) => (None, Some(e.to_string())),
        },
        None => (None, None),
    };
    let body = format!(
        "{{\"columns\":{},\"rows\":[{}],\"rowCount\":{},\"elapsedMs\":{},\"truncated\":{},\
         \"visualization\":{},\"chart\":{},\"chartError\":{}}}",
        columns_json(&answer.table),
        answer.rows.join(","),
        answer.rows.len(),
        json!(answer.elapsed.as_secs_f64() * 1000.0),
        json!(answer.truncation.map(|t| t.message())),
        json!(answer.visualization.as_ref().map(|v| &v.kind)),
        json!(chart_svg),
        json!(chart_error),
    );
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn error(status: StatusCode, detail: Json) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "error": detail }).to_string(),
    )
        .into_response()
}
