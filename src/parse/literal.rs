//! Literal values: numbers, timespans, datetimes, guids, strings with their escapes, and
//! `dynamic(…)` JSON. The grammar only fixes the shape; a value that does not make sense (a
//! 13th month, a number too large for a long) is a syntax error at the literal.

use super::{next, span_of, syntax, Result, Rule};
use crate::ast::{Ident, Literal, Span};
use crate::table::{TICKS_PER_DAY, TICKS_PER_SECOND};
use pest::iterators::Pair;

const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;

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

/// Ticks in one of each timespan unit, by the unit's spellings.
fn unit_ticks(unit: &str) -> Option<i64> {
    Some(match unit {
        "d" | "day" | "days" => TICKS_PER_DAY,
        "h" | "hr" | "hrs" | "hour" | "hours" => TICKS_PER_HOUR,
        "m" | "min" | "minute" | "minutes" => TICKS_PER_MINUTE,
        "s" | "sec" | "second" | "seconds" => TICKS_PER_SECOND,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => TICKS_PER_SECOND / 1000,
        "micro" | "micros" | "microsecond" | "microseconds" => 10,
        "tick" | "ticks" => 1,
        _ => return None,
    })
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

/// `number` × `per` exactly: the whole part in integers, the fraction rounded to a tick.
fn scaled(number: &str, per: i64) -> Option<i64> {
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_ticks = if frac.is_empty() {
        0
    } else {
        let f: f64 = format!("0.{frac}").parse().ok()?;
        (f * per as f64).round() as i64
    };
    whole.checked_mul(per)?.checked_add(frac_ticks)
}

/// The inside of `timespan(…)` / `time(…)` as ticks, or a syntax error at `span`.
fn timespan_text(text: &str, span: Span) -> Result<i64> {
    timespan_ticks(text).ok_or_else(|| {
        syntax(
            "a timespan such as `1.02:03:04`, `2d` or `30m`",
            format!("`{text}`"),
            span,
        )
    })
}

/// Ticks of a timespan as `timespan(…)` reads it: a shorthand (`2d`, `1.5h`), a bare number of
/// days, or `[-][d.]hh:mm[:ss[.fffffff]]`. Public so that `totimespan` can read text the same way.
pub fn timespan_ticks(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let ticks = if body.contains(':') {
        clock_ticks(body)?
    } else if body.ends_with(|c: char| c.is_ascii_alphabetic()) {
        let split = body
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(body.len());
        let (number, unit) = body.split_at(split);
        let per = unit_ticks(unit.trim())?;
        scaled(number.trim(), per)?
    } else {
        scaled(body, TICKS_PER_DAY)?
    };
    Some(if negative { -ticks } else { ticks })
}

/// `[d.]hh:mm[:ss[.fffffff]]`
fn clock_ticks(text: &str) -> Option<i64> {
    let (days, clock) = match text.split_once(':') {
        Some((first, _)) if first.contains('.') => {
            let (d, rest) = text.split_once('.')?;
            (d.parse::<i64>().ok()?, rest)
        }
        _ => (0, text),
    };
    let mut parts = clock.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let seconds = parts.next().unwrap_or("0");
    if parts.next().is_some() || minutes >= 60 {
        return None;
    }
    let (whole, frac) = seconds.split_once('.').unwrap_or((seconds, ""));
    let whole: i64 = whole.parse().ok()?;
    if whole >= 60 || frac.len() > 7 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let frac_ticks: i64 = format!("{frac:0<7}").parse().ok()?;
    days.checked_mul(TICKS_PER_DAY)?
        .checked_add(hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE)?
        .checked_add(whole * TICKS_PER_SECOND + frac_ticks)
}

/// The inside of `datetime(…)` as ticks, or a syntax error at `span`.
fn datetime(text: &str, span: Span) -> Result<i64> {
    datetime_ticks(text).ok_or_else(|| {
        syntax(
            "a date such as `2024-01-31` or `2024-01-31 10:00:00`",
            format!("`{text}`"),
            span,
        )
    })
}

/// Ticks since the Unix epoch (UTC) of a date as `datetime(…)` reads it: ISO 8601
/// (`2024-01-01`, `2024-01-01 10:00:52.5`, `2024-01-01T10:00:00Z`, an optional `±hh:mm`
/// offset), month first when the year comes last (`12-02-2022` is 2 December), or RFC 822/1123
/// (`Sat, 8 Nov 2014 15:05:02 GMT`). Public so that `todatetime` can read text the same way.
pub fn datetime_ticks(text: &str) -> Option<i64> {
    let text = text.trim();
    numeric_datetime(text).or_else(|| {
        chrono::DateTime::parse_from_rfc2822(text)
            .ok()
            .map(|dt| dt.timestamp() * TICKS_PER_SECOND)
    })
}

fn numeric_datetime(text: &str) -> Option<i64> {
    let (date, rest) = match text.find(['T', ' ']) {
        Some(i) => (&text[..i], text[i + 1..].trim_start()),
        None => (text, ""),
    };
    let fields: Vec<&str> = date.split(['-', '/']).collect();
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = match fields.as_slice() {
        [y, m, d] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        [m, d, y] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        [y, m] if y.len() == 4 => (number(y)?, number(m)?, 1),
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let days = date.signed_duration_since(epoch).num_days();
    // Time of day, then an optional zone: `Z`, `+02:00`, `-0130`.
    let (clock, offset) = split_zone(rest)?;
    let time = if clock.is_empty() {
        0
    } else {
        let ticks = clock_ticks(clock)?;
        if ticks >= TICKS_PER_DAY {
            return None;
        }
        ticks
    };
    Some(days * TICKS_PER_DAY + time - offset)
}

/// Split a time of day from its zone; the zone as an offset in ticks east of UTC.
fn split_zone(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        return Some((clock.trim_end(), 0));
    }
    if let Some(i) = rest.rfind(['+', '-']) {
        let (clock, zone) = (&rest[..i], &rest[i + 1..]);
        let sign = if rest[i..].starts_with('-') { -1 } else { 1 };
        let digits: String = zone.chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let hours: i64 = digits[..2].parse().ok()?;
        let minutes: i64 = digits[2..].parse().ok()?;
        return Some((
            clock.trim_end(),
            sign * (hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE),
        ));
    }
    Some((rest, 0))
}

/// `74be27de-1e4e-49d9-b579-fe0b331d3642` (dashes optional)
fn guid(text: &str, span: Span) -> Result<u128> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    let shape_ok =
        hex.len() == 32 && (text.len() == 32 || text.split('-').map(str::len).eq([8, 4, 4, 4, 12]));
    match u128::from_str_radix(&hex, 16) {
        Ok(v) if shape_ok => Ok(v),
        _ => Err(syntax(
            "a guid such as `74be27de-1e4e-49d9-b579-fe0b331d3642`",
            format!("`{text}`"),
            span,
        )),
    }
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
