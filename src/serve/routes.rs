//! Paths → handlers, the bearer-token check, CORS for the Azure Data Explorer web UI, and
//! failures as the HTTP errors each API uses (Kusto's OneApiError JSON, Log Analytics' error
//! object). A malformed request gets 400, an unknown path 404, a wrong method 405, a body over
//! the limit 413, a missing or wrong token 401, too many queries 429, a query past its time
//! limit 504 — and the server keeps running.

use super::engine::{Engine, FailedQuery, Failure, QueryJob};
use super::kusto::{self, Activity, ErrorPosition};
use super::mgmt::{self, CommandError};
use super::snapshot::Snapshots;
use super::{log_analytics, page, request, Limits, ServeConfig};
use crate::catalog::Catalog;
use crate::error::{locate, ErrorKind};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What every handler shares.
pub struct AppState {
    pub engine: Engine,
    pub snapshots: Arc<Snapshots>,
    pub database: String,
    token: Option<String>,
    requests: AtomicU64,
}

impl AppState {
    pub fn new(config: &ServeConfig, catalog: Catalog) -> AppState {
        let snapshots = Arc::new(Snapshots::new(catalog));
        AppState {
            engine: Engine::new(
                snapshots.clone(),
                config.now.clone(),
                config.options.clone(),
                config.limits.clone(),
            ),
            snapshots,
            database: config.database.clone(),
            token: config.token.clone(),
            requests: AtomicU64::new(0),
        }
    }

    /// Ids for one response: a fresh activity id, and the client's request id if it sent one.
    pub fn activity(&self, headers: &HeaderMap) -> Activity {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let at = crate::now::wall_clock();
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (at >> 32) as u32,
            (at >> 16) as u16,
            (at & 0xfff) as u16,
            (n >> 48) as u16 & 0xfff,
            n & 0xffff_ffff_ffff
        );
        let client_request_id = headers
            .get("x-ms-client-request-id")
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| format!("kqlite;{id}"), str::to_string);
        Activity {
            id,
            client_request_id,
            at,
        }
    }
}

type Shared = State<Arc<AppState>>;

pub fn router(state: Arc<AppState>, limits: &Limits) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/assets/{name}", get(page::asset))
        .route("/api/schema", get(page::schema))
        .route("/api/query", post(page::query))
        .route("/v2/rest/query", post(kusto_v2_post).get(kusto_v2_get))
        .route("/v1/rest/query", post(kusto_v1_post).get(kusto_v1_get))
        .route("/v1/rest/mgmt", post(kusto_mgmt))
        .route(
            "/v1/workspaces/{workspace}/query",
            post(log_analytics_post).get(log_analytics_get),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(middleware::from_fn_with_state(state.clone(), authorize))
        .layer(middleware::from_fn(cors))
        .with_state(state)
}

/// `Authorization: Bearer TOKEN` on everything but the page's own files (which hold no data).
async fn authorize(State(state): Shared, request: Request, next: Next) -> Response {
    let Some(token) = &state.token else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    let public = path == "/" || path.starts_with("/assets/") || request.method() == Method::OPTIONS;
    let sent = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    if public || sent.is_some_and(|s| constant_time_eq(s.trim().as_bytes(), token.as_bytes())) {
        return next.run(request).await;
    }
    let mut response = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"error":{"code":"Unauthorized","message":"a bearer token is required: send `Authorization: Bearer TOKEN` with the token given to kqlite serve --token"}}"#,
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Azure Data Explorer web UI calls the server from its own origin: those origins (and no
/// others) may read the answers.
const BROWSER_ORIGINS: &[&str] = &[
    "https://dataexplorer.azure.com",
    "https://dataexplorer.azure.cn",
    "https://dataexplorer.azure.us",
];

async fn cors(request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| BROWSER_ORIGINS.contains(o))
        .map(str::to_string);
    let asked_headers = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    let preflight = request.method() == Method::OPTIONS;
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        if preflight {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            );
            if let Some(asked) = asked_headers {
                headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
            }
            headers.insert(
                "access-control-allow-private-network",
                HeaderValue::from_static("true"),
            );
        }
    }
    response
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    let message = format!(
        "no such endpoint: {method} {}; kqlite serve answers /v2/rest/query, /v1/rest/query, \
         /v1/rest/mgmt, /v1/workspaces/{{id}}/query and the query page at /",
        uri.path()
    );
    json_response(
        StatusCode::NOT_FOUND,
        log_analytics::error_json("PathNotFoundError", &message, None),
        None,
    )
}

fn json_response(status: StatusCode, body: Json, activity: Option<&Activity>) -> Response {
    text_response(status, body.to_string(), activity)
}

fn text_response(status: StatusCode, body: String, activity: Option<&Activity>) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response();
    if let Some(activity) = activity {
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&activity.id) {
            headers.insert("x-ms-activity-id", v);
        }
        if let Ok(v) = HeaderValue::from_str(&activity.client_request_id) {
            headers.insert("x-ms-client-request-id", v);
        }
    }
    response
}

/// Where an error points in `text`, as line, column and byte range.
pub fn position(error: &crate::Error, text: &str) -> Option<ErrorPosition> {
    let span = error.span?;
    let (line, column, _) = locate(text, span.start);
    Some(ErrorPosition {
        line,
        column,
        start: span.start,
        end: span.end,
    })
}

/// A Kusto error response.
fn kusto_error(
    status: StatusCode,
    code: &str,
    kind: &str,
    message: &str,
    activity: &Activity,
) -> Response {
    json_response(
        status,
        kusto::error_json(code, kind, message, None, None, activity),
        Some(activity),
    )
}

fn kusto_failure(failure: Failure, activity: &Activity) -> Response {
    match failure {
        Failure::Query(failed) => {
            let FailedQuery { error, text } = *failed;
            let kind = match error.kind {
                ErrorKind::Syntax { .. } => "Kusto.Data.Exceptions.SyntaxException",
                _ => "Kusto.Data.Exceptions.SemanticException",
            };
            let message = error.render(&text, "query");
            let body = kusto::error_json(
                "General_BadRequest",
                kind,
                &message,
                Some(&text),
                position(&error, &text),
                activity,
            );
            json_response(StatusCode::BAD_REQUEST, body, Some(activity))
        }
        Failure::BadRequest(message) => kusto_error(
            StatusCode::BAD_REQUEST,
            "General_BadRequest",
            "Kusto.Data.Exceptions.KustoBadRequestException",
            &message,
            activity,
        ),
        failure @ Failure::Timeout(_) => kusto_error(
            StatusCode::GATEWAY_TIMEOUT,
            "Request_ExecutionTimeout",
            "Kusto.Data.Exceptions.KustoRequestExecutionTimeoutException",
            &format!("Request execution timed out: {failure}"),
            activity,
        ),
        failure @ Failure::Busy => kusto_error(
            StatusCode::TOO_MANY_REQUESTS,
            "General_TooManyRequests",
            "Kusto.Data.Exceptions.KustoRequestThrottledException",
            &failure.to_string(),
            activity,
        ),
        // Kusto reports a query past an internal limit as a runaway query, a partial query
        // failure (https://learn.microsoft.com/kusto/concepts/runaway-queries).
        failure @ Failure::Runaway(_) => kusto_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "General_InternalServerError",
            "Kusto.Data.Exceptions.KustoServiceException",
            &format!("Runaway query: {failure}"),
            activity,
        ),
        failure @ Failure::Internal(_) => kusto_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "General_InternalServerError",
            "Kusto.Data.Exceptions.KustoServiceException",
            &failure.to_string(),
            activity,
        ),
    }
}

fn command_failure(error: CommandError, activity: &Activity) -> Response {
    match error {
        CommandError::Query(failed) => kusto_failure(Failure::Query(failed), activity),
        error @ CommandError::ReadOnly(_) => kusto_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Kusto.Data.Exceptions.KustoRequestDeniedException",
            &error.to_string(),
            activity,
        ),
        error @ (CommandError::Unsupported(_) | CommandError::NotFound(_)) => kusto_error(
            StatusCode::BAD_REQUEST,
            "General_BadRequest",
            "Kusto.Data.Exceptions.KustoBadRequestException",
            &error.to_string(),
            activity,
        ),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    V1,
    V2,
}

async fn kusto_v2_post(State(state): Shared, headers: HeaderMap, body: Bytes) -> Response {
    kusto_request(state, headers, request::from_json(&body), Protocol::V2).await
}

async fn kusto_v2_get(
    State(state): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    kusto_request(state, headers, request::from_query(&q), Protocol::V2).await
}

async fn kusto_v1_post(State(state): Shared, headers: HeaderMap, body: Bytes) -> Response {
    kusto_request(state, headers, request::from_json(&body), Protocol::V1).await
}

async fn kusto_v1_get(
    State(state): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    kusto_request(state, headers, request::from_query(&q), Protocol::V1).await
}

async fn kusto_mgmt(State(state): Shared, headers: HeaderMap, body: Bytes) -> Response {
    kusto_request(state, headers, request::from_json(&body), Protocol::V1).await
}

/// A query or a control command (text starting with `.`), answered in `protocol`'s shape.
async fn kusto_request(
    state: Arc<AppState>,
    headers: HeaderMap,
    parsed: Result<request::KustoRequest, String>,
    protocol: Protocol,
) -> Response {
    let activity = state.activity(&headers);
    let request = match parsed {
        Ok(request) if request.csl.trim().is_empty() => {
            return kusto_failure(Failure::BadRequest("`csl` is empty".into()), &activity)
        }
        Ok(request) => request,
        Err(message) => return kusto_failure(Failure::BadRequest(message), &activity),
    };
    if let Some(db) = request.db.as_deref() {
        // Kusto's default when a client names none.
        if !db.eq_ignore_ascii_case(&state.database) && db != "NetDefaultDB" {
            let message = format!(
                "database `{db}` not found; this server serves `{}`",
                state.database
            );
            return kusto_error(
                StatusCode::BAD_REQUEST,
                "General_BadRequest",
                "Kusto.Data.Exceptions.EntityNotFoundException",
                &message,
                &activity,
            );
        }
    }
    if request.csl.trim_start().starts_with('.') {
        let snapshot = state.snapshots.current();
        let database = state.database.clone();
        let command = request.csl.clone();
        let result = tokio::task::spawn_blocking(move || {
            mgmt::run(command.trim(), &snapshot.catalog, &database)
        })
        .await;
        return match result {
            Ok(Ok(table)) => {
                let body = match protocol {
                    Protocol::V1 => kusto::v1_table(&table),
                    Protocol::V2 => kusto::v2_table(&table),
                };
                text_response(StatusCode::OK, body, Some(&activity))
            }
            Ok(Err(error)) => command_failure(error, &activity),
            Err(e) => kusto_failure(Failure::Internal(e.to_string()), &activity),
        };
    }
    let job = QueryJob {
        text: request.csl,
        options: request.options,
        timespan: None,
    };
    match state.engine.run(job).await {
        Ok(answer) => {
            let body = match protocol {
                Protocol::V1 => kusto::v1_query(&answer, &activity),
                Protocol::V2 => kusto::v2_query(&answer, &activity),
            };
            text_response(StatusCode::OK, body, Some(&activity))
        }
        Err(failure) => kusto_failure(failure, &activity),
    }
}

async fn log_analytics_get(
    State(state): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    log_analytics_request(state, headers, log_analytics::job_from_query(&q)).await
}

async fn log_analytics_post(State(state): Shared, headers: HeaderMap, body: Bytes) -> Response {
    log_analytics_request(state, headers, log_analytics::job_from_body(&body)).await
}

async fn log_analytics_request(
    state: Arc<AppState>,
    headers: HeaderMap,
    job: Result<QueryJob, String>,
) -> Response {
    let bad = |code: &str, message: &str, inner: Option<Json>| {
        json_response(
            StatusCode::BAD_REQUEST,
            log_analytics::error_json(code, message, inner),
            None,
        )
    };
    let job = match job {
        Ok(job) => job,
        Err(message) => return bad("BadArgumentError", &message, None),
    };
    let include_render = headers
        .get("prefer")
        .and_then(|v| v.to_str().ok())
        .is_some_and(log_analytics::wants_render);
    match state.engine.run(job).await {
        Ok(answer) => text_response(
            StatusCode::OK,
            log_analytics::response(&answer, include_render),
            None,
        ),
        Err(Failure::Query(failed)) => {
            let FailedQuery { error, text } = *failed;
            let mut inner = serde_json::json!({
                "code": match error.kind { ErrorKind::Syntax { .. } => "SyntaxError", _ => "SemanticError" },
                "message": error.render(&text, "query"),
            });
            if let Some(p) = position(&error, &text) {
                inner["line"] = p.line.into();
                inner["pos"] = p.column.into();
            }
            bad(
                "BadArgumentError",
                "The request had some invalid properties",
                Some(inner),
            )
        }
        Err(Failure::BadRequest(message)) => bad("BadArgumentError", &message, None),
        Err(failure) => {
            let (status, code) = match failure {
                Failure::Timeout(_) => (StatusCode::GATEWAY_TIMEOUT, "GatewayTimeout"),
                Failure::Busy => (StatusCode::TOO_MANY_REQUESTS, "ThrottledError"),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError"),
            };
            json_response(
                status,
                log_analytics::error_json(code, &failure.to_string(), None),
                None,
            )
        }
    }
}
