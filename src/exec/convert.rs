//! Value conversions operators need: a dynamic element cast to a declared type (`mv-expand …
//! to typeof(long)`) and captured text converted to a typed column (`parse … x:int`).

use crate::table::{Type, Value};
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

/// `text` converted to `ty`, or `None` when it is not a value of that type (the value layer's
/// codec).
pub(super) fn text_to_value(text: &str, ty: Type) -> Option<Value> {
    crate::value::text::parse_as(text, ty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::TICKS_PER_SECOND;
    use crate::value::text::{parse_guid, parse_timespan};
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
