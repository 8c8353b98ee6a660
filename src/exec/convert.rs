//! Value conversions operators need: a dynamic element cast to a declared type (`mv-expand …
//! to typeof(long)`) and captured text converted to a typed column (`parse … x:int`).

use crate::table::{Str, Type, Value, TICKS_PER_SECOND};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use std::sync::Arc;

/// `json` as a value of `ty`. Only casting happens, no parsing of numbers out of text: an element
/// that is not of the type becomes null (Kusto's rule for `mv-expand … to typeof()`). Strings
/// and datetimes stored in JSON are text, so those are read from strings.
pub(super) fn json_to_value(json: &serde_json::Value, ty: Type) -> Value {
    use serde_json::Value as J;
    match (ty, json) {
        (Type::Dynamic, j) => Value::Dynamic(j.clone()),
        (_, J::Null) => Value::Null,
        (Type::Bool, J::Bool(b)) => Value::Bool(*b),
        (Type::Long, J::Number(n)) => n.as_i64().map_or(Value::Null, Value::Long),
        (Type::Int, J::Number(n)) => n
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .map_or(Value::Null, Value::Int),
        (Type::Real, J::Number(n)) => n.as_f64().map_or(Value::Null, Value::Real),
        (Type::String, J::String(s)) => Value::String(Arc::from(s.as_str())),
        (Type::String, j) => Value::String(Arc::from(j.to_string().as_str())),
        (Type::DateTime | Type::TimeSpan | Type::Guid, J::String(s)) => {
            text_to_value(s, ty).unwrap_or(Value::Null)
        }
        _ => Value::Null,
    }
}

/// `text` converted to `ty`, or `None` when it is not a value of that type.
pub(super) fn text_to_value(text: &str, ty: Type) -> Option<Value> {
    let trimmed = text.trim();
    Some(match ty {
        Type::String => Value::String(Str::from(text)),
        Type::Long => Value::Long(trimmed.parse().ok()?),
        Type::Int => Value::Int(trimmed.parse().ok()?),
        Type::Real => Value::Real(trimmed.parse().ok()?),
        Type::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return None,
        },
        Type::DateTime => Value::DateTime(parse_datetime(trimmed)?),
        Type::TimeSpan => Value::TimeSpan(parse_timespan(trimmed)?),
        Type::Guid => Value::Guid(parse_guid(trimmed)?),
        Type::Dynamic => Value::Dynamic(
            serde_json::from_str(trimmed)
                .unwrap_or_else(|_| serde_json::Value::String(text.into())),
        ),
    })
}

/// ISO 8601 / RFC 3339 text (`2024-05-01T10:00:00Z`, `2024-05-01 10:00:00.5`, `2024-05-01`)
/// as ticks since the epoch.
pub(super) fn parse_datetime(text: &str) -> Option<i64> {
    let naive = if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        dt.naive_utc()
    } else {
        let text = text.trim_end_matches('Z');
        [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?
    };
    let utc = naive.and_utc();
    Some(utc.timestamp() * TICKS_PER_SECOND + i64::from(utc.timestamp_subsec_nanos()) / 100)
}

/// `[-][d.]hh:mm:ss[.fffffff]`, or a number with a unit (`90s`, `1.5h`, `2d`, `100ms`).
pub(super) fn parse_timespan(text: &str) -> Option<i64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let ticks = if body.contains(':') {
        let (days, clock) = match body.split_once('.') {
            Some((d, rest)) if !d.contains(':') => (d.parse::<i64>().ok()?, rest),
            _ => (0, body),
        };
        let mut parts = clock.split(':');
        let hours: i64 = parts.next()?.parse().ok()?;
        let minutes: i64 = parts.next()?.parse().ok()?;
        let seconds: f64 = parts.next().unwrap_or("0").parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        ((days * 24 + hours) * 60 + minutes) * 60 * TICKS_PER_SECOND
            + (seconds * TICKS_PER_SECOND as f64).round() as i64
    } else {
        let split = body.find(|c: char| c.is_ascii_alphabetic())?;
        let (number, unit) = body.split_at(split);
        let number: f64 = number.parse().ok()?;
        let unit_ticks = match unit {
            "d" | "day" | "days" => 86_400.0 * TICKS_PER_SECOND as f64,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0 * TICKS_PER_SECOND as f64,
            "m" | "min" | "minute" | "minutes" => 60.0 * TICKS_PER_SECOND as f64,
            "s" | "sec" | "second" | "seconds" => TICKS_PER_SECOND as f64,
            "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 10_000.0,
            "microsecond" | "microseconds" => 10.0,
            "tick" | "ticks" => 1.0,
            _ => return None,
        };
        (number * unit_ticks).round() as i64
    };
    Some(if negative { -ticks } else { ticks })
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hyphens optional).
fn parse_guid(text: &str) -> Option<u128> {
    let hex: String = text.chars().filter(|&c| c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn casts_keep_matching_types_only() {
        assert_eq!(json_to_value(&json!(5), Type::Long), Value::Long(5));
        assert_eq!(json_to_value(&json!("5"), Type::Long), Value::Null);
        assert_eq!(json_to_value(&json!(1.5), Type::Real), Value::Real(1.5));
        assert_eq!(
            json_to_value(&json!("a"), Type::String),
            Value::String(Arc::from("a"))
        );
        assert_eq!(
            json_to_value(&json!("1970-01-01T00:00:01Z"), Type::DateTime),
            Value::DateTime(TICKS_PER_SECOND)
        );
    }

    #[test]
    fn text_converts_to_typed_values() {
        assert_eq!(text_to_value("42", Type::Int), Some(Value::Int(42)));
        assert_eq!(text_to_value("x", Type::Long), None);
        assert_eq!(
            text_to_value("1970-01-02 00:00:00", Type::DateTime),
            Some(Value::DateTime(86_400 * TICKS_PER_SECOND))
        );
        assert_eq!(
            parse_timespan("1.02:00:00"),
            Some(26 * 3_600 * TICKS_PER_SECOND)
        );
        assert_eq!(parse_timespan("00:00:01.5"), Some(15_000_000));
        assert_eq!(parse_timespan("90s"), Some(90 * TICKS_PER_SECOND));
        assert_eq!(parse_guid("00000000-0000-0000-0000-00000000000a"), Some(10));
    }
}
