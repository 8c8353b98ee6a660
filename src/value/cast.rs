//! Casts between values as Kusto's `to*()` functions define them (`tolong("abc")` is null,
//! `toint(2.7)` is 2, `tostring(null)` is ""): one value at a time, text read through
//! [`super::text`]. Column-wide casts live with the evaluator's typed views.

use super::table::{Value, EPOCH_TICKS};
use super::text::{parse_bool, parse_datetime, parse_guid, parse_long, parse_real, parse_timespan};

/// A real truncated toward zero; NaN and out-of-range values have no long.
pub fn real_to_long(r: f64) -> Option<i64> {
    (r.is_finite() && r.abs() < 9.2e18).then_some(r.trunc() as i64)
}

/// `tolong()`: numbers (reals truncated), bools as 0/1, datetimes as Kusto ticks (counted from
/// 0001-01-01), timespans as ticks, text parsed.
pub fn to_long(v: &Value) -> Option<i64> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(i) => Some(i64::from(*i)),
        Value::Long(l) => Some(*l),
        Value::Real(r) => real_to_long(*r),
        Value::DateTime(t) => Some(t + EPOCH_TICKS),
        Value::TimeSpan(t) => Some(*t),
        Value::Guid(_) => None,
        Value::String(s) => parse_long(s),
        Value::Dynamic(d) => match d {
            serde_json::Value::Number(n) => {
                n.as_i64().or_else(|| n.as_f64().and_then(real_to_long))
            }
            serde_json::Value::Bool(b) => Some(i64::from(*b)),
            serde_json::Value::String(s) => parse_long(s),
            _ => None,
        },
    }
}

/// `toreal()`.
pub fn to_real(v: &Value) -> Option<f64> {
    match v {
        Value::Null | Value::Guid(_) | Value::DateTime(_) => None,
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Int(i) => Some(f64::from(*i)),
        Value::Long(l) => Some(*l as f64),
        Value::Real(r) => Some(*r),
        Value::TimeSpan(t) => Some(*t as f64),
        Value::String(s) => parse_real(s),
        Value::Dynamic(d) => match d {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::Bool(b) => Some(f64::from(u8::from(*b))),
            serde_json::Value::String(s) => parse_real(s),
            _ => None,
        },
    }
}

/// `tobool()`: `true`/`false` in any case, numbers as nonzero.
pub fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Int(i) => Some(*i != 0),
        Value::Long(l) => Some(*l != 0),
        Value::Real(r) => (!r.is_nan()).then_some(*r != 0.0),
        Value::String(s) => parse_bool(s),
        Value::Dynamic(d) => match d {
            serde_json::Value::Bool(b) => Some(*b),
            serde_json::Value::Number(n) => n.as_f64().map(|f| f != 0.0),
            serde_json::Value::String(s) => parse_bool(s),
            _ => None,
        },
        _ => None,
    }
}

/// `todatetime()`: datetimes as they are, text parsed.
pub fn to_datetime(v: &Value) -> Option<i64> {
    match v {
        Value::DateTime(t) => Some(*t),
        Value::String(s) => parse_datetime(s),
        Value::Dynamic(serde_json::Value::String(s)) => parse_datetime(s),
        _ => None,
    }
}

/// `totimespan()`: timespans as they are, text parsed (`1.02:03:04.5`, `00:10:00`, `2h`).
pub fn to_timespan(v: &Value) -> Option<i64> {
    match v {
        Value::TimeSpan(t) => Some(*t),
        Value::String(s) => parse_timespan(s),
        Value::Dynamic(serde_json::Value::String(s)) => parse_timespan(s),
        Value::Dynamic(serde_json::Value::Number(n)) => n.as_i64(),
        _ => None,
    }
}

/// `toguid()`.
pub fn to_guid(v: &Value) -> Option<u128> {
    match v {
        Value::Guid(g) => Some(*g),
        Value::String(s) => parse_guid(s),
        Value::Dynamic(serde_json::Value::String(s)) => parse_guid(s),
        _ => None,
    }
}

/// A value as dynamic: dynamic as it is, anything else as its JSON form.
pub fn to_dynamic(v: &Value) -> serde_json::Value {
    super::table::value_to_json(v)
}

/// `tostring()`: Kusto's string form ([`super::format::string_form`]); null is "".
pub fn to_text(v: &Value) -> String {
    super::format::string_form(v)
}

/// A dynamic scalar as the typed value it holds (numbers as long when integral, else real);
/// arrays and bags stay dynamic.
pub fn json_scalar(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(l) => Value::Long(l),
            None => n.as_f64().map_or(Value::Null, Value::Real),
        },
        serde_json::Value::String(s) => Value::String(s.as_str().into()),
        other => Value::Dynamic(other.clone()),
    }
}
