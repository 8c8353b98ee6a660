//! Value conversions as Kusto's `to*()` functions define them (`tolong("abc")` is null,
//! `toint(2.7)` is 2, `tostring(null)` is ""), the text parsers for datetimes, timespans and
//! guids, and `cast_column`, which brings a column to the type the binder promised.

use super::datetime::{days_from_civil, EPOCH_TICKS};
use crate::eval::{Arr, Datum};
use crate::format;
use crate::table::{Column, Type, Value, TICKS_PER_DAY, TICKS_PER_SECOND};

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

/// Integer text (surrounding spaces allowed); a real in the text is truncated.
pub fn parse_long(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(l) = s.parse::<i64>() {
        return Some(l);
    }
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    parse_real(s).and_then(real_to_long)
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

/// Decimal or exponent text, `nan`, `inf`/`infinity` (either case, optional sign).
pub fn parse_real(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    match lower.trim_start_matches(['+', '-']) {
        "nan" => return Some(f64::NAN),
        "inf" | "infinity" => {
            return Some(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        _ => {}
    }
    // Rust also accepts words like "infinity" in other spellings; only plain numbers pass here.
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    s.parse().ok()
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

fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        parse_long(s).map(|l| l != 0)
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

/// `8-4-4-4-12` hex digits, optionally in braces, or 32 bare hex digits.
pub fn parse_guid(s: &str) -> Option<u128> {
    let s = s.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    let hex: String = if s.len() == 36 {
        let groups: Vec<&str> = s.split('-').collect();
        let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        if lens != [8, 4, 4, 4, 12] {
            return None;
        }
        groups.concat()
    } else if s.len() == 32 {
        s.to_string()
    } else {
        return None;
    };
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok()
}

/// A value as dynamic: dynamic as it is, anything else as its JSON form.
pub fn to_dynamic(v: &Value) -> serde_json::Value {
    crate::table::value_to_json(v)
}

/// `tostring()`: Kusto's string form ([`format::string_form`]); null is "".
pub fn to_text(v: &Value) -> String {
    format::string_form(v)
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

/// `parse_json()`: JSON text parsed; text that is not JSON stays a dynamic string; empty text
/// is null.
pub fn parse_json(s: &str) -> serde_json::Value {
    if s.trim().is_empty() {
        return serde_json::Value::Null;
    }
    serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_string()))
}

/// `todatetime()` over a column. A timespan reads as ticks since 0001-01-01, Kusto's origin, so
/// `todatetime(ceiling(T / 1h) * 1h)` gives back a time (see `datetime / timespan` in `eval`).
pub fn to_datetime_column(arg: &Datum, len: usize) -> Column {
    let col = arg.column(len).into_owned();
    match col {
        Column::TimeSpan(spans) => Column::DateTime(
            spans
                .into_iter()
                .map(|t| t?.checked_sub(EPOCH_TICKS))
                .collect(),
        ),
        col => cast_column(col, Type::DateTime),
    }
}

/// Bring `col` to type `ty` (the type the binder promised), converting each value.
pub fn cast_column(col: Column, ty: Type) -> Column {
    if col.ty() == ty {
        return col;
    }
    let len = col.len();
    let d = Datum::owned(col);
    match ty {
        Type::Long => Column::Long(collect(d.longs(), len)),
        Type::Int => Column::Int(
            collect(d.longs(), len)
                .into_iter()
                .map(|x| x.and_then(|l| i32::try_from(l).ok()))
                .collect(),
        ),
        Type::Real => Column::Real(collect(d.reals(), len)),
        Type::Bool => Column::Bool(collect(d.bools(), len)),
        Type::DateTime => Column::DateTime(collect(d.ticks(), len)),
        Type::TimeSpan => Column::TimeSpan(collect(d.timespans(), len)),
        Type::Guid => Column::Guid(collect(d.guids(), len)),
        Type::String => Column::String(collect(d.strs(), len)),
        Type::Dynamic => Column::Dynamic(collect(d.dyns(), len)),
    }
}

/// `len` values of a view as a vector.
pub fn collect<T: Clone>(a: Arr<'_, T>, len: usize) -> Vec<T> {
    match a {
        Arr::Owned(v) => v,
        Arr::Slice(s) => s.to_vec(),
        Arr::One(x) => vec![x; len],
    }
}

/// Datetime text: ISO 8601 (`2024-05-09T10:00:52.5625085Z`, `2024-05-09 10:00`, `2024-5-9`,
/// offsets `+02:00`), US `MM-dd-yyyy`/`MM/dd/yyyy` with optional time, and RFC 822/1123
/// (`Sat, 8 Nov 2014 15:05:02 GMT`). Returns Unix ticks.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.as_bytes()[0].is_ascii_digit() {
        if let Some(t) = parse_numeric_datetime(s) {
            return Some(t);
        }
    }
    let dt = chrono::DateTime::parse_from_rfc2822(s).ok()?;
    Some(dt.timestamp() * TICKS_PER_SECOND + i64::from(dt.timestamp_subsec_nanos()) / 100)
}

/// A small cursor over ASCII text.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn number(&mut self) -> Option<(i64, usize)> {
        let start = self.i;
        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        Some((text.parse().ok()?, digits))
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn rest(&self) -> &str {
        std::str::from_utf8(&self.b[self.i..]).unwrap_or("")
    }
}

fn parse_numeric_datetime(s: &str) -> Option<i64> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let (a, a_digits) = c.number()?;
    let sep = c.peek()?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    c.i += 1;
    let (b, _) = c.number()?;
    if !c.eat(sep) {
        return None;
    }
    let (d3, d3_digits) = c.number()?;
    let (year, month, day) = if a_digits == 4 {
        (a, b, d3)
    } else if d3_digits == 4 {
        (d3, a, b)
    } else {
        return None;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month as u32) as i64 {
        return None;
    }
    let mut ticks = days_from_civil(year, month as u32, day as u32) * TICKS_PER_DAY;
    // Optional time of day.
    if c.eat(b'T') || c.peek() == Some(b' ') {
        while c.eat(b' ') {}
        if c.peek().is_some_and(|b| b.is_ascii_digit()) {
            let (h, _) = c.number()?;
            if !c.eat(b':') {
                return None;
            }
            let (m, _) = c.number()?;
            let mut secs = 0;
            let mut frac = 0;
            if c.eat(b':') {
                secs = c.number()?.0;
                if c.eat(b'.') {
                    let start = c.i;
                    while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                        c.i += 1;
                    }
                    let digits = &s[start..c.i];
                    let mut padded: String = digits.chars().take(7).collect();
                    while padded.len() < 7 {
                        padded.push('0');
                    }
                    frac = padded.parse::<i64>().ok()?;
                }
            }
            if h > 23 || m > 59 || secs > 59 {
                return None;
            }
            ticks += (h * 3600 + m * 60 + secs) * TICKS_PER_SECOND + frac;
        }
    }
    // Optional zone: Z, UTC, GMT, or an offset.
    let zone = c.rest().trim();
    let offset = match zone {
        "" | "Z" | "z" | "UTC" | "GMT" => 0,
        _ => {
            let (sign, rest) = match zone.as_bytes()[0] {
                b'+' => (1, &zone[1..]),
                b'-' => (-1, &zone[1..]),
                _ => return None,
            };
            let digits: String = rest.chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let h: i64 = digits[..2].parse().ok()?;
            let m: i64 = digits[2..].parse().ok()?;
            sign * (h * 3600 + m * 60) * TICKS_PER_SECOND
        }
    };
    Some(ticks - offset)
}

pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Timespan text: `[-][d.]hh:mm[:ss[.fffffff]]`, or a number with a unit as in timespan
/// literals (`2d`, `1.5h`, `30m`, `10s`, `100ms`, `10microsecond`, `1tick`).
pub fn parse_timespan(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    let ticks = if body.contains(':') {
        parse_clock_timespan(body)?
    } else {
        parse_unit_timespan(body)?
    };
    Some(if neg { -ticks } else { ticks })
}

fn parse_clock_timespan(s: &str) -> Option<i64> {
    let (days, clock) = match s.split_once(':') {
        Some((head, _)) if head.contains('.') => {
            let (d, rest) = s.split_once('.')?;
            (d.parse::<i64>().ok()?, rest)
        }
        _ => (0, s),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let h: i64 = parts[0].parse().ok()?;
    let m: i64 = parts[1].parse().ok()?;
    let (sec, frac) = match parts.get(2) {
        None => (0, 0),
        Some(p) => match p.split_once('.') {
            None => (p.parse().ok()?, 0),
            Some((sec, f)) => {
                if f.is_empty() || f.len() > 7 || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (sec.parse().ok()?, format!("{f:0<7}").parse::<i64>().ok()?)
            }
        },
    };
    if h > 23 || m > 59 || sec > 59 || days < 0 {
        return None;
    }
    Some(days * TICKS_PER_DAY + (h * 3600 + m * 60 + sec) * TICKS_PER_SECOND + frac)
}

fn parse_unit_timespan(s: &str) -> Option<i64> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let per: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => TICKS_PER_DAY as f64,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0 * TICKS_PER_SECOND as f64,
        "m" | "min" | "minute" | "minutes" => 60.0 * TICKS_PER_SECOND as f64,
        "s" | "sec" | "second" | "seconds" => TICKS_PER_SECOND as f64,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 10_000.0,
        "microsecond" | "microseconds" => 10.0,
        "tick" | "ticks" => 1.0,
        _ => return None,
    };
    Some((n * per).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longs_from_text_and_reals() {
        assert_eq!(to_long(&Value::String("123".into())), Some(123));
        assert_eq!(to_long(&Value::String("abc".into())), None);
        assert_eq!(to_long(&Value::Real(2.7)), Some(2));
        assert_eq!(to_long(&Value::Real(-2.7)), Some(-2));
        assert_eq!(to_long(&Value::Real(f64::NAN)), None);
        assert_eq!(to_long(&Value::DateTime(0)), Some(621_355_968_000_000_000));
    }

    #[test]
    fn reals_and_bools_from_text() {
        assert_eq!(to_real(&Value::String("123.4".into())), Some(123.4));
        assert_eq!(to_real(&Value::String("x1".into())), None);
        assert_eq!(to_bool(&Value::String("TRUE".into())), Some(true));
        assert_eq!(to_bool(&Value::Long(123)), Some(true));
        assert_eq!(to_bool(&Value::String("maybe".into())), None);
    }

    #[test]
    fn datetimes_in_many_spellings() {
        let noon = parse_datetime("2017-01-29 09:00:05").unwrap();
        assert_eq!(format::datetime_text(noon), "2017-01-29T09:00:05Z");
        assert_eq!(parse_datetime("2017-01-29T09:00:05Z"), Some(noon));
        assert_eq!(parse_datetime("2017-01-29T11:00:05+02:00"), Some(noon));
        let us = parse_datetime("12-02-2022").unwrap();
        assert_eq!(format::datetime_text(us), "2022-12-02T00:00:00Z");
        let short = parse_datetime("1970-5-12").unwrap();
        assert_eq!(format::datetime_text(short), "1970-05-12T00:00:00Z");
        let frac = parse_datetime("2017-10-30 01:02:03.7654321").unwrap();
        assert_eq!(format::datetime_text(frac), "2017-10-30T01:02:03.7654321Z");
        let rfc = parse_datetime("Sat, 8 Nov 2014 15:05:02 GMT").unwrap();
        assert_eq!(format::datetime_text(rfc), "2014-11-08T15:05:02Z");
        assert_eq!(parse_datetime("2017-02-30"), None);
        assert_eq!(parse_datetime("not a date"), None);
    }

    #[test]
    fn timespans_in_clock_and_unit_forms() {
        let min = 60 * TICKS_PER_SECOND;
        assert_eq!(parse_timespan("0.00:03:00"), Some(3 * min));
        assert_eq!(parse_timespan("00:03:00"), Some(3 * min));
        assert_eq!(
            parse_timespan("1.02:00:00"),
            Some(TICKS_PER_DAY + 120 * min)
        );
        assert_eq!(parse_timespan("00:00:00.5"), Some(TICKS_PER_SECOND / 2));
        assert_eq!(parse_timespan("-00:01:00"), Some(-min));
        assert_eq!(parse_timespan("1.5h"), Some(90 * min));
        assert_eq!(parse_timespan("100ms"), Some(1_000_000));
        assert_eq!(parse_timespan("abc"), None);
    }

    #[test]
    fn guids_parse_with_and_without_dashes() {
        let g = parse_guid("74be27de-1e4e-49d9-b579-fe0b331d3642").unwrap();
        assert_eq!(format::guid_text(g), "74be27de-1e4e-49d9-b579-fe0b331d3642");
        assert_eq!(parse_guid("74be27de1e4e49d9b579fe0b331d3642"), Some(g));
        assert_eq!(parse_guid("nope"), None);
    }

    #[test]
    fn json_text_or_string() {
        assert_eq!(parse_json("[1,2]"), serde_json::json!([1, 2]));
        assert_eq!(parse_json("hello"), serde_json::json!("hello"));
        assert_eq!(parse_json(""), serde_json::Value::Null);
    }

    #[test]
    fn cast_widens_and_renders() {
        let col = Column::Int(vec![Some(1), None]);
        assert_eq!(
            cast_column(col.clone(), Type::Long),
            Column::Long(vec![Some(1), None])
        );
        assert_eq!(
            cast_column(col, Type::String),
            Column::String(vec!["1".into(), "".into()])
        );
    }
}
