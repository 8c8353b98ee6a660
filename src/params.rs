//! Query parameters given on the command line (`--param name=value`) for the queries'
//! `declare query_parameters(name:type = default, …);`: reading `name=value`, and turning the
//! value text into a value of the declared type.
//!
//! The text is read as the declared type is written in a query's literals, with or without the
//! type's wrapper: `--param since=2024-05-09` and `--param since=datetime(2024-05-09)` are the
//! same datetime, `--param window=2h` a timespan, `--param ports=[22,3389]` a dynamic array.

use crate::table::{Str, Type, Value};
use crate::value::text::parse_as;

/// `name=value` → (`name`, `value`); the name must be a KQL identifier.
pub fn parse_assignment(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!(
            "`{text}` is not NAME=VALUE (e.g. --param since=2024-05-09)"
        ));
    };
    let name = name.trim();
    let is_identifier = crate::ast::is_identifier(name);
    if !is_identifier {
        return Err(format!(
            "`{name}` is not a parameter name (letters, digits and `_`)"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// The value of `text` as a parameter of type `ty`, or why it is not one (in words).
pub fn typed_value(text: &str, ty: Type) -> Result<Value, String> {
    let fail = || format!("`{text}` is not a {} (e.g. {})", ty.name(), example(ty));
    if ty == Type::String {
        return Ok(Value::String(Str::from(unquote(text))));
    }
    let inner = unwrap(text.trim(), ty);
    if ty == Type::Dynamic {
        // Unlike a dynamic cell, a parameter that is not JSON is a mistake, not a string.
        return serde_json::from_str(inner)
            .map(Value::Dynamic)
            .map_err(|_| fail());
    }
    parse_as(inner, ty)
        .filter(|v| !v.is_null())
        .ok_or_else(fail)
}

/// A value each type accepts, for error messages.
fn example(ty: Type) -> &'static str {
    match ty {
        Type::Bool => "true",
        Type::Int | Type::Long => "42",
        Type::Real => "0.5",
        Type::DateTime => "2024-05-09T10:00:00Z",
        Type::TimeSpan => "2h or 00:30:00",
        Type::Guid => "8f1e2d3c-0000-4000-8000-000000000001",
        Type::String => "text",
        Type::Dynamic => "[22, 3389] or {\"a\": 1}",
    }
}

/// `datetime(…)`, `long(…)`, `dynamic(…)`… around the value, as a query would write it.
fn unwrap(text: &str, ty: Type) -> &str {
    let Some(open) = text.find('(') else {
        return text;
    };
    let (wrapper, rest) = text.split_at(open);
    let wraps = Type::from_name(wrapper.trim()) == Some(ty);
    match rest[1..].strip_suffix(')') {
        Some(inner) if wraps => inner.trim(),
        _ => text,
    }
}

/// A string given in KQL quotes (`'x'` or `"x"`) loses them; anything else is taken as is.
fn unquote(text: &str) -> &str {
    for quote in ['\'', '"'] {
        if let Some(inner) = text
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::TICKS_PER_SECOND;

    #[test]
    fn assignments_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_assignment("filter=a=b").unwrap(),
            ("filter".to_string(), "a=b".to_string())
        );
        assert!(parse_assignment("nothing")
            .unwrap_err()
            .contains("NAME=VALUE"));
        assert!(parse_assignment("1x=2")
            .unwrap_err()
            .contains("not a parameter name"));
    }

    #[test]
    fn values_take_the_declared_type() {
        assert_eq!(typed_value("42", Type::Long), Ok(Value::Long(42)));
        assert_eq!(typed_value("long(7)", Type::Long), Ok(Value::Long(7)));
        assert_eq!(typed_value("-3", Type::Int), Ok(Value::Int(-3)));
        assert_eq!(typed_value("0.25", Type::Real), Ok(Value::Real(0.25)));
        assert_eq!(typed_value("True", Type::Bool), Ok(Value::Bool(true)));
        assert_eq!(
            typed_value("2h", Type::TimeSpan),
            Ok(Value::TimeSpan(7200 * TICKS_PER_SECOND))
        );
        let may_10 = 1_715_299_200 * TICKS_PER_SECOND;
        assert_eq!(
            typed_value("2024-05-10T00:00:00Z", Type::DateTime),
            Ok(Value::DateTime(may_10))
        );
        assert_eq!(
            typed_value("datetime(2024-05-10)", Type::DateTime),
            Ok(Value::DateTime(may_10))
        );
        assert_eq!(
            typed_value("'10.0.0.1'", Type::String),
            Ok(Value::String(Str::from("10.0.0.1")))
        );
        assert_eq!(
            typed_value("[22,3389]", Type::Dynamic),
            Ok(Value::Dynamic(serde_json::json!([22, 3389])))
        );
        assert_eq!(
            typed_value("00000000-0000-0000-0000-00000000000a", Type::Guid),
            Ok(Value::Guid(10))
        );
    }

    #[test]
    fn a_wrong_type_says_what_was_expected() {
        let err = typed_value("ten", Type::Long).unwrap_err();
        assert_eq!(err, "`ten` is not a long (e.g. 42)");
        assert!(typed_value("yesterday", Type::DateTime)
            .unwrap_err()
            .contains("not a datetime"));
        assert!(typed_value("datetime(2024-05-10)", Type::Long).is_err());
        assert!(typed_value("[1,", Type::Dynamic).is_err());
    }

    fn bind_with(query: &str, params: &[(&str, &str)]) -> Result<(), crate::Error> {
        let options = crate::Options {
            params: params
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        };
        let ast = crate::parse(query)?;
        crate::bind(&ast, &crate::Catalog::new(), &options).map(|_| ())
    }

    #[test]
    fn the_binder_reads_parameters_by_declared_type() {
        let query = "declare query_parameters(port:long, proto:string = 'T');\n\
                     NTANetAnalytics | where DestPort == port and L4Protocol == proto";
        assert!(bind_with(query, &[("port", "22")]).is_ok());
        let missing = bind_with(query, &[]).unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("query parameter `port` has no value"),
            "{missing}"
        );
        let wrong = bind_with(query, &[("port", "ssh")]).unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "--param port: `ssh` is not a long (e.g. 42) (the query declares `port` as long)"
        );
        let span = wrong.span.unwrap();
        assert_eq!(&query[span.start..span.end], "port");
    }
}
