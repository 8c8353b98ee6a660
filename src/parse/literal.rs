//! Literal values: numbers, timespans, datetimes, guids, strings with their escapes, and
//! `dynamic(…)` JSON. The grammar only fixes the shape; a value that does not make sense (a
//! 13th month, a number too large for a long) is a syntax error at the literal.

use super::{next, span_of, syntax, Result, Rule};
use crate::ast::{Ident, Literal, Span};
use crate::value::text::{parse_datetime, parse_guid, parse_timespan, scaled, unit_ticks};
use pest::iterators::Pair;

pub(super) fn literal(pair: Pair<Rule>) -> Result<Literal> {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::long => long(pair.as_str(), span).map(Literal::Long),
        Rule::real => real(pair.as_str(), span).map(Literal::Real),
        Rule::timespan => timespan_shorthand(pair.as_str(), span).map(Literal::TimeSpan),
        Rule::bool => Ok(Literal::Bool(pair.as_str().eq_ignore_ascii_case("true"))),
        Rule::null => Ok(Literal::Null),
        Rule::string => string(pair).map(Literal::String),
        Rule::datetime_lit => {
            let (kw, text) = call_text(pair);
            match text {
                "null" => Ok(typed_null(&kw)),
                _ => datetime(unquote(text), span).map(Literal::DateTime),
            }
        }
        Rule::timespan_call => {
            let (kw, text) = call_text(pair);
            match text {
                "null" => Ok(typed_null(&kw)),
                _ => timespan_text(unquote(text), span).map(Literal::TimeSpan),
            }
        }
        Rule::guid_lit => {
            let (kw, text) = call_text(pair);
            match text {
                "null" => Ok(typed_null(&kw)),
                _ => guid(unquote(text), span).map(Literal::Guid),
            }
        }
        Rule::typed_lit => typed(pair),
        Rule::dynamic_lit => {
            let value = pair
                .into_inner()
                .nth(1)
                .expect("grammar guarantees a dynamic value");
            dynamic(value).map(Literal::Dynamic)
        }
        rule => unreachable!("literal {rule:?}"),
    }
}

/// The keyword of `datetime(…)`/`timespan(…)`/`guid(…)` and the trimmed text between the parentheses.
fn call_text<'i>(pair: Pair<'i, Rule>) -> (Pair<'i, Rule>, &'i str) {
    let mut inner = pair.into_inner();
    let kw = next(&mut inner);
    let text = next(&mut inner).as_str().trim();
    (kw, text)
}

fn typed_null(kw: &Pair<Rule>) -> Literal {
    Literal::TypedNull(Ident {
        name: kw.as_str().to_string(),
        span: span_of(kw),
    })
}

/// `datetime("2024-01-01")` is read like `datetime(2024-01-01)`.
fn unquote(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

/// `long(null)`, `int(5)`, `real(+inf)`, `bool(true)`, `decimal(1.5)`
fn typed(pair: Pair<Rule>) -> Result<Literal> {
    let mut inner = pair.into_inner();
    let kw = next(&mut inner);
    let value = next(&mut inner);
    let span = span_of(&value);
    let value = next(&mut value.into_inner());
    let ty = kw.as_str();
    if value.as_rule() == Rule::null {
        return Ok(typed_null(&kw));
    }
    let text = value.as_str();
    match (ty, value.as_rule()) {
        ("bool" | "boolean", Rule::bool) => Ok(Literal::Bool(text.eq_ignore_ascii_case("true"))),
        ("long", Rule::signed_number) => whole(text, span).map(Literal::Long),
        ("int", Rule::signed_number) => {
            let v = whole(text, span)?;
            i32::try_from(v)
                .map(Literal::Int)
                .map_err(|_| syntax("a number that fits in an int", format!("`{text}`"), span))
        }
        ("real" | "double" | "decimal", Rule::signed_number) => {
            let unsigned = text.trim_start_matches(['+', '-']);
            let magnitude = match unsigned {
                "inf" => f64::INFINITY,
                "nan" => f64::NAN,
                _ => real(unsigned, span)?,
            };
            Ok(Literal::Real(if text.starts_with('-') {
                -magnitude
            } else {
                magnitude
            }))
        }
        _ => Err(syntax(format!("a {ty} value"), format!("`{text}`"), span)),
    }
}

/// The number in `long(…)`/`int(…)`: a fraction is dropped (`int(5.5)` is 5), as a cast does.
fn whole(text: &str, span: Span) -> Result<i64> {
    if !text.contains(['.', 'e', 'E']) || text.contains("0x") {
        return long(text, span);
    }
    let value = real(text, span)?.trunc();
    if value.abs() < 9.2e18 {
        Ok(value as i64)
    } else {
        Err(syntax(
            "a whole number that fits in a long",
            format!("`{text}`"),
            span,
        ))
    }
}

fn long(text: &str, span: Span) -> Result<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let parsed = if let Some(hex) = digits.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok().map(|v| v as i64)
    } else if negative {
        format!("-{digits}").parse::<i64>().ok()
    } else {
        digits.parse::<i64>().ok()
    };
    match (parsed, negative && digits.starts_with("0x")) {
        (Some(v), true) => Ok(v.wrapping_neg()),
        (Some(v), false) => Ok(v),
        (None, _) => Err(syntax(
            "a whole number that fits in a long",
            format!("`{text}`"),
            span,
        )),
    }
}

fn real(text: &str, span: Span) -> Result<f64> {
    text.parse::<f64>()
        .map_err(|_| syntax("a real number", format!("`{text}`"), span))
}

/// `2d`, `1.5h`, `100ms`: a number (maybe with a fraction) and a unit.
fn timespan_shorthand(text: &str, span: Span) -> Result<i64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let per = unit_ticks(unit).expect("grammar guarantees a unit");
    scaled(number, per)
        .ok_or_else(|| syntax("a timespan that fits in 64 bits", format!("`{text}`"), span))
}

/// The inside of `timespan(…)` / `time(…)` as ticks, or a syntax error at `span`.
fn timespan_text(text: &str, span: Span) -> Result<i64> {
    parse_timespan(text).ok_or_else(|| {
        syntax(
            "a timespan such as `1.02:03:04`, `2d` or `30m`",
            format!("`{text}`"),
            span,
        )
    })
}

/// The inside of `datetime(…)` as ticks, or a syntax error at `span`.
fn datetime(text: &str, span: Span) -> Result<i64> {
    parse_datetime(text).ok_or_else(|| {
        syntax(
            "a date such as `2024-01-31` or `2024-01-31 10:00:00`",
            format!("`{text}`"),
            span,
        )
    })
}

/// `74be27de-1e4e-49d9-b579-fe0b331d3642` (dashes optional)
fn guid(text: &str, span: Span) -> Result<u128> {
    parse_guid(text).ok_or_else(|| {
        syntax(
            "a guid such as `74be27de-1e4e-49d9-b579-fe0b331d3642`",
            format!("`{text}`"),
            span,
        )
    })
}

/// A `string` pair: adjacent parts joined.
pub(super) fn string(pair: Pair<Rule>) -> Result<String> {
    let mut out = String::new();
    for part in pair.into_inner() {
        out.push_str(&string_part(part)?);
    }
    Ok(out)
}

/// One quoted piece: `'…'`, `"…"`, `@"…"`, `h"…"`, or a triple-backtick block.
pub(super) fn string_part(pair: Pair<Rule>) -> Result<String> {
    let form = next(&mut pair.into_inner());
    let body = next(&mut form.clone().into_inner());
    let text = body.as_str();
    Ok(match body.as_rule() {
        Rule::multiline_text => text.to_string(),
        Rule::verbatim_dq => text.replace("\"\"", "\""),
        Rule::verbatim_sq => text.replace("''", "'"),
        Rule::quoted_dq | Rule::quoted_sq => unescape(text, span_of(&body))?,
        rule => unreachable!("string {rule:?}"),
    })
}

/// Backslash escapes: `\n \t \r \\ \' \" \0 \xHH \uXXXX \UXXXXXXXX`; any other escaped
/// character stands for itself.
fn unescape(text: &str, span: Span) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        let digits = match e {
            'n' => {
                out.push('\n');
                continue;
            }
            't' => {
                out.push('\t');
                continue;
            }
            'r' => {
                out.push('\r');
                continue;
            }
            '0' => {
                out.push('\0');
                continue;
            }
            'x' => 2,
            'u' => 4,
            'U' => 8,
            other => {
                out.push(other);
                continue;
            }
        };
        let start = i + 2;
        let hex = text.get(start..start + digits).unwrap_or("");
        let code = (hex.len() == digits && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
            .and_then(char::from_u32);
        match code {
            Some(ch) => {
                out.push(ch);
                for _ in 0..digits {
                    chars.next();
                }
            }
            None => {
                let at = Span::new(span.start + i, (span.start + start + digits).min(span.end));
                return Err(syntax(
                    format!("{digits} hex digits after `\\{e}`"),
                    format!("`{}`", &text[i..(start + digits).min(text.len())]),
                    at,
                ));
            }
        }
    }
    Ok(out)
}

/// The inside of `dynamic(…)` as JSON. KQL literals inside keep their meaning: datetimes and
/// timespans become their canonical text, as Kusto stores them in a dynamic value.
fn dynamic(pair: Pair<Rule>) -> Result<serde_json::Value> {
    use serde_json::Value as J;
    Ok(match pair.as_rule() {
        Rule::dynamic_array => J::Array(pair.into_inner().map(dynamic).collect::<Result<_>>()?),
        Rule::dynamic_object => {
            let mut map = serde_json::Map::new();
            for entry in pair.into_inner() {
                let mut inner = entry.into_inner();
                let key = string(next(&mut inner))?;
                map.insert(key, dynamic(next(&mut inner))?);
            }
            J::Object(map)
        }
        Rule::dynamic_scalar => {
            let mut inner = pair.into_inner();
            let mut first = next(&mut inner);
            let negative = first.as_rule() == Rule::neg;
            if negative {
                first = next(&mut inner);
            }
            let span = span_of(&first);
            let mut lit = literal(first)?;
            if negative {
                lit = match lit {
                    Literal::Long(v) => Literal::Long(-v),
                    Literal::Int(v) => Literal::Int(-v),
                    Literal::Real(v) => Literal::Real(-v),
                    Literal::TimeSpan(v) => Literal::TimeSpan(-v),
                    _ => return Err(syntax("a number after `-`", "another value", span)),
                };
            }
            match lit {
                Literal::Null | Literal::TypedNull(_) => J::Null,
                Literal::Bool(b) => J::Bool(b),
                Literal::Long(v) => J::from(v),
                Literal::Int(v) => J::from(v),
                Literal::Real(v) => serde_json::Number::from_f64(v).map_or(J::Null, J::Number),
                Literal::String(s) => J::String(s),
                Literal::DateTime(t) => J::String(crate::format::datetime_text(t)),
                Literal::TimeSpan(t) => J::String(crate::format::timespan_text(t)),
                Literal::Guid(g) => J::String(crate::format::guid_text(g)),
                Literal::Dynamic(v) => v,
            }
        }
        rule => unreachable!("dynamic {rule:?}"),
    })
}
