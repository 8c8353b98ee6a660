//! A Kusto request as clients send it: `csl`, `db` and `properties` (a JSON object, or that
//! object as a JSON string, as azure-kusto-data sends it) in a POST body or GET query string,
//! and the request options a query may also set with leading `set` statements.
//!
//! Request properties: <https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/request-properties>
//! Query limits (`notruncation`, `truncationmaxrecords`, `truncationmaxsize`, `servertimeout`):
//! <https://learn.microsoft.com/azure/data-explorer/kusto/concepts/querylimits>

use crate::value::text::{parse_datetime as datetime_ticks, parse_timespan as timespan_ticks};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::time::Duration;

/// `csl`, `db` and the options from `properties`.
#[derive(Debug, Clone, Default)]
pub struct KustoRequest {
    pub csl: String,
    pub db: Option<String>,
    pub options: RequestOptions,
}

/// The request options kqlite honours; the others are accepted and have no effect here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    /// `servertimeout`: the query's time limit.
    pub server_timeout: Option<Duration>,
    /// `notruncation`: no record or size limit on the result.
    pub no_truncation: bool,
    /// `truncationmaxrecords`.
    pub max_records: Option<usize>,
    /// `truncationmaxsize` (bytes).
    pub max_bytes: Option<usize>,
    /// `query_now`: the time `now()` returns, as ticks.
    pub now: Option<i64>,
    /// `Parameters`: values for `declare query_parameters(…)`, as text.
    pub params: Vec<(String, String)>,
}

/// The body of a POST: `{"csl": …, "db": …, "properties": …}`.
pub fn from_json(body: &[u8]) -> Result<KustoRequest, String> {
    let json: Json = serde_json::from_slice(body)
        .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    let Json::Object(fields) = json else {
        return Err("the request body must be a JSON object with `csl`".into());
    };
    let csl = match fields.get("csl") {
        Some(Json::String(text)) => text.clone(),
        Some(_) => return Err("`csl` must be a string".into()),
        None => return Err("the request has no `csl` (the query or command text)".into()),
    };
    let db = match fields.get("db") {
        Some(Json::String(db)) if !db.is_empty() => Some(db.clone()),
        _ => None,
    };
    let options = match fields.get("properties") {
        None | Some(Json::Null) => RequestOptions::default(),
        Some(value) => properties(value)?,
    };
    Ok(KustoRequest { csl, db, options })
}

/// The query string of a GET: `csl`, `db`, `properties`.
pub fn from_query(pairs: &HashMap<String, String>) -> Result<KustoRequest, String> {
    let csl = pairs
        .get("csl")
        .cloned()
        .ok_or("the request has no `csl` (the query or command text)")?;
    let options = match pairs.get("properties") {
        Some(text) => properties(&Json::String(text.clone()))?,
        None => RequestOptions::default(),
    };
    Ok(KustoRequest {
        csl,
        db: pairs.get("db").cloned().filter(|d| !d.is_empty()),
        options,
    })
}

/// `{"Options": {…}, "Parameters": {…}}`, or the same as a JSON string.
fn properties(value: &Json) -> Result<RequestOptions, String> {
    let parsed;
    let value = match value {
        Json::String(text) if text.trim().is_empty() => return Ok(RequestOptions::default()),
        Json::String(text) => {
            parsed = serde_json::from_str::<Json>(text)
                .map_err(|e| format!("`properties` is not valid JSON: {e}"))?;
            &parsed
        }
        other => other,
    };
    let Json::Object(fields) = value else {
        return Err("`properties` must be a JSON object".into());
    };
    let mut options = RequestOptions::default();
    if let Some(Json::Object(set)) = fields.get("Options") {
        for (name, value) in set {
            let text = match value {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            options.set(name, &text)?;
        }
    }
    if let Some(Json::Object(params)) = fields.get("Parameters") {
        for (name, value) in params {
            let text = match value {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            options.params.push((name.clone(), text));
        }
    }
    Ok(options)
}

impl RequestOptions {
    /// Set one option by its Kusto name (case-insensitive); unknown options are ignored, as
    /// Kusto ignores options that do not apply to a request.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let bad = |what: &str| format!("option `{name}`: `{value}` is not {what}");
        match name.to_ascii_lowercase().as_str() {
            "servertimeout" => {
                self.server_timeout = Some(duration(value).ok_or_else(|| bad("a timespan"))?)
            }
            "notruncation" => {
                self.no_truncation = value.is_empty() || flag(value).ok_or_else(|| bad("a bool"))?
            }
            "truncationmaxrecords" => {
                self.max_records = Some(value.parse().map_err(|_| bad("a number"))?)
            }
            "truncationmaxsize" => {
                self.max_bytes = Some(value.parse().map_err(|_| bad("a number"))?)
            }
            "query_now" => {
                let inner = value
                    .strip_prefix("datetime(")
                    .and_then(|v| v.strip_suffix(')'))
                    .unwrap_or(value);
                self.now = Some(datetime_ticks(inner).ok_or_else(|| bad("a datetime"))?)
            }
            _ => {}
        }
        Ok(())
    }

    /// Apply the `set name [= value];` statements at the start of `text`.
    pub fn apply_set_statements(&mut self, text: &str) -> Result<(), String> {
        for (name, value) in leading_set_statements(text) {
            self.set(&name, &value)?;
        }
        Ok(())
    }
}

fn flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A timespan as Kusto writes it (`00:10:00`, `1.00:00:00`, `50m`) or as Python prints a
/// `timedelta` (`0:10:00`, `1 day, 0:00:00`), which azure-kusto-data sends as it is.
pub fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let kusto_form = match text.split_once(" day") {
        Some((days, rest)) => {
            let clock = rest.trim_start_matches('s').trim_start_matches(',').trim();
            format!("{}.{clock}", days.trim())
        }
        None => text.to_string(),
    };
    let ticks = timespan_ticks(&kusto_form)?;
    (ticks >= 0).then(|| Duration::from_nanos(ticks as u64 * 100))
}

/// `set name;` and `set name = value;` statements before the query proper (comments and
/// blank lines between them are skipped).
fn leading_set_statements(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    loop {
        rest = skip_space_and_comments(rest);
        let Some(after) = rest.strip_prefix("set") else {
            return found;
        };
        if !after.starts_with(char::is_whitespace) {
            return found;
        }
        let Some(end) = after.find(';') else {
            return found;
        };
        let statement = after[..end].trim();
        let (name, value) = match statement.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => (statement, "true"),
        };
        found.push((name.to_string(), value.to_string()));
        rest = &after[end + 1..];
    }
}

fn skip_space_and_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        match text.strip_prefix("//") {
            Some(comment) => text = comment.split_once('\n').map_or("", |(_, r)| r),
            None => return text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_arrive_as_an_object_or_as_a_json_string() {
        let as_string = br#"{"db":"kqlite","csl":"T | take 1","properties":"{\"Options\":{\"servertimeout\":\"0:00:10\",\"truncationmaxrecords\":5},\"Parameters\":{\"n\":3}}"}"#;
        let request = from_json(as_string).unwrap();
        assert_eq!(request.csl, "T | take 1");
        assert_eq!(request.db.as_deref(), Some("kqlite"));
        assert_eq!(
            request.options.server_timeout,
            Some(Duration::from_secs(10))
        );
        assert_eq!(request.options.max_records, Some(5));
        assert_eq!(
            request.options.params,
            vec![("n".to_string(), "3".to_string())]
        );
        let as_object =
            br#"{"csl":"x","properties":{"Options":{"notruncation":true,"servertimeout":"50m"}}}"#;
        let request = from_json(as_object).unwrap();
        assert!(request.options.no_truncation);
        assert_eq!(
            request.options.server_timeout,
            Some(Duration::from_secs(3000))
        );
    }

    #[test]
    fn malformed_requests_say_what_is_wrong() {
        assert!(from_json(b"{").unwrap_err().contains("not valid JSON"));
        assert!(from_json(b"[]").unwrap_err().contains("JSON object"));
        assert!(from_json(br#"{"db":"x"}"#)
            .unwrap_err()
            .contains("no `csl`"));
        assert!(from_json(br#"{"csl":5}"#)
            .unwrap_err()
            .contains("must be a string"));
        let bad = br#"{"csl":"x","properties":{"Options":{"servertimeout":"soon"}}}"#;
        assert!(from_json(bad).unwrap_err().contains("servertimeout"));
    }

    #[test]
    fn python_timedeltas_and_kusto_timespans_are_durations() {
        assert_eq!(duration("00:04:30"), Some(Duration::from_secs(270)));
        assert_eq!(duration("0:00:10"), Some(Duration::from_secs(10)));
        assert_eq!(
            duration("1 day, 0:00:01"),
            Some(Duration::from_secs(86_401))
        );
        assert_eq!(duration("1.00:00:00"), Some(Duration::from_secs(86_400)));
        assert_eq!(duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(duration("-1s"), None);
    }

    #[test]
    fn leading_set_statements_become_options() {
        let mut options = RequestOptions::default();
        options
            .apply_set_statements(
                "// limits\nset notruncation;\nset truncationmaxrecords = 10;\nT | take 5",
            )
            .unwrap();
        assert!(options.no_truncation);
        assert_eq!(options.max_records, Some(10));
        let mut untouched = RequestOptions::default();
        untouched.apply_set_statements("settings | take 1").unwrap();
        assert_eq!(untouched, RequestOptions::default());
    }
}
