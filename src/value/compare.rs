//! Comparing values as Kusto does: across int/long/real numerically, a bool as 1/0 against a
//! number, a datetime/timespan/guid against text by reading the text, dynamic values by the
//! scalar they hold. The evaluator's column-wide comparisons and the aggregates use these.

use super::cast::{json_scalar, to_long, to_real};
use super::table::Value;
use super::text::{parse_datetime, parse_guid, parse_real, parse_timespan};
use serde_json::Value as J;
use std::cmp::Ordering;

pub fn json_eq(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => a == b,
    }
}

/// Order two values of possibly different types, as Kusto compares them; None when they are
/// not comparable or either is null.
pub fn compare_values(a: &Value, b: &Value) -> Option<Ordering> {
    use Value as V;
    let unwrap = |v: &Value| match v {
        V::Dynamic(j) => json_scalar(j),
        v => v.clone(),
    };
    let (a, b) = (unwrap(a), unwrap(b));
    match (&a, &b) {
        (V::Null, _) | (_, V::Null) => None,
        (V::Int(_) | V::Long(_), V::Int(_) | V::Long(_)) => Some(to_long(&a)?.cmp(&to_long(&b)?)),
        (V::Int(_) | V::Long(_) | V::Real(_), V::Int(_) | V::Long(_) | V::Real(_)) => {
            to_real(&a)?.partial_cmp(&to_real(&b)?)
        }
        (V::DateTime(x), V::DateTime(y)) | (V::TimeSpan(x), V::TimeSpan(y)) => Some(x.cmp(y)),
        (V::DateTime(x), V::String(s)) => Some(x.cmp(&parse_datetime(s)?)),
        (V::String(s), V::DateTime(y)) => Some(parse_datetime(s)?.cmp(y)),
        (V::TimeSpan(x), V::String(s)) => Some(x.cmp(&parse_timespan(s)?)),
        (V::String(s), V::TimeSpan(y)) => Some(parse_timespan(s)?.cmp(y)),
        (V::String(x), V::String(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        // A bool is 1 or 0 against a number (the bool data type page: "true (1), false (0)").
        (V::Bool(_), V::Int(_) | V::Long(_) | V::Real(_))
        | (V::Int(_) | V::Long(_) | V::Real(_), V::Bool(_)) => {
            to_real(&a)?.partial_cmp(&to_real(&b)?)
        }
        (V::Guid(x), V::Guid(y)) => Some(x.cmp(y)),
        (V::Guid(x), V::String(s)) => Some(x.cmp(&parse_guid(s)?)),
        (V::String(s), V::Guid(y)) => Some(parse_guid(s)?.cmp(y)),
        (V::String(s), V::Int(_) | V::Long(_) | V::Real(_)) => {
            parse_real(s)?.partial_cmp(&to_real(&b)?)
        }
        (V::Int(_) | V::Long(_) | V::Real(_), V::String(s)) => {
            to_real(&a)?.partial_cmp(&parse_real(s)?)
        }
        (V::Dynamic(x), V::Dynamic(y)) => json_eq(x, y).then_some(Ordering::Equal),
        _ => None,
    }
}

/// Equality as `in` and sets use it.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    compare_values(a, b) == Some(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kusto_comparisons_across_types() {
        assert_eq!(
            compare_values(&Value::Int(2), &Value::Real(2.5)),
            Some(Ordering::Less)
        );
        assert!(values_equal(&Value::Bool(true), &Value::Long(1)));
        assert!(values_equal(&Value::Bool(false), &Value::Real(0.0)));
        assert!(values_equal(
            &Value::DateTime(0),
            &Value::String("1970-01-01T00:00:00Z".into())
        ));
        assert_eq!(compare_values(&Value::Null, &Value::Long(1)), None);
        assert!(json_eq(&serde_json::json!(1), &serde_json::json!(1.0)));
    }
}
