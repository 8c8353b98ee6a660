//! Text → value: the one reader of datetime, timespan, guid, bool, long, real and dynamic text,
//! and the type inference for table files. Literals (`datetime(…)`), the `to*()` functions,
//! `parse`/`mv-expand` casts, every table and log reader, `--param` and `--now` all read text
//! here, so one spelling gives one value everywhere. [`super::format`] is the other direction.
//!
//! Datetimes follow the forms on Kusto's datetime page
//! (<https://learn.microsoft.com/kusto/query/scalar-data-types/datetime>): ISO 8601 with `T` or a
//! space, with or without seconds, a fraction (any number of digits; past the seventh they are
//! truncated, a tick being 100 ns), and a zone (`Z`, `UTC`, `GMT`, `±hh:mm`, `±hhmm`); a bare
//! date `yyyy-MM-dd` (or `yyyy-MM`); month-first dates with the year last (`12/31/2015`); and
//! RFC 822/1123 (`Sat, 8 Nov 14 15:05:02 GMT`) and RFC 850 (`Saturday, 08-Nov-14 15:05:02 GMT`),
//! the weekday optional, the year of two or four digits.

use super::table::{Type, Value, TICKS_PER_DAY, TICKS_PER_SECOND};
use std::sync::Arc;

const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;

/// `text` as a value of `ty`, or `None` when it is not one. Strings are taken as they are;
/// dynamic text that is not JSON is a dynamic string; empty text is null for every other type.
pub fn parse_as(text: &str, ty: Type) -> Option<Value> {
    let t = text.trim();
    Some(match ty {
        Type::String => Value::String(Arc::from(text)),
        Type::Dynamic => Value::Dynamic(parse_dynamic(text)),
        Type::Long => Value::Long(parse_long(t)?),
        Type::Int => Value::Int(i32::try_from(parse_long(t)?).ok()?),
        Type::Real => Value::Real(parse_real(t)?),
        Type::Bool => Value::Bool(parse_bool(t)?),
        Type::DateTime => Value::DateTime(parse_datetime(t)?),
        Type::TimeSpan => Value::TimeSpan(parse_timespan(t)?),
        Type::Guid => Value::Guid(parse_guid(t)?),
    })
}

/// The narrowest type every present (non-blank) text fits: long, real, bool (`true`/`false`),
/// datetime, else string. No present text at all: string.
pub fn infer_type<'a>(texts: impl Iterator<Item = &'a str>) -> Type {
    let mut alive = [true; 4];
    let tests: [fn(&str) -> bool; 4] = [
        |t| parse_long(t).is_some(),
        |t| parse_real(t).is_some(),
        |t| bool_word(t).is_some(),
        |t| parse_datetime(t).is_some(),
    ];
    let mut any = false;
    for text in texts {
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        any = true;
        for (ok, test) in alive.iter_mut().zip(tests) {
            *ok = *ok && test(t);
        }
        if !alive.contains(&true) {
            return Type::String;
        }
    }
    let types = [Type::Long, Type::Real, Type::Bool, Type::DateTime];
    match alive.iter().position(|ok| *ok) {
        Some(i) if any => types[i],
        _ => Type::String,
    }
}

/// Integer text: an optional sign and decimal digits, or `0x` hex; surrounding spaces allowed.
/// A real (`1.5`) is not a long (Kusto's `tolong('1.5')` is null).
pub fn parse_long(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    s.parse().ok()
}

/// Decimal or exponent text, `nan`, `inf`/`infinity` (either case, optional sign).
pub fn parse_real(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let unsigned = s.trim_start_matches(['+', '-']);
    if ["nan", "inf", "infinity"]
        .iter()
        .any(|w| unsigned.eq_ignore_ascii_case(w))
    {
        let negative = s.starts_with('-');
        return Some(if unsigned.eq_ignore_ascii_case("nan") {
            f64::NAN
        } else if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    s.parse().ok()
}

/// `true`/`false` in any case.
fn bool_word(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `true`/`false` in any case, or an integer (nonzero is true), as `tobool()` and a `parse`
/// capture read it.
pub fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    bool_word(s).or_else(|| parse_long(s).map(|l| l != 0))
}

/// JSON text; text that is not JSON is a dynamic string; blank text is null.
pub fn parse_dynamic(s: &str) -> serde_json::Value {
    if s.trim().is_empty() {
        return serde_json::Value::Null;
    }
    serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_string()))
}

/// `8-4-4-4-12` hex digits, optionally in braces, or 32 bare hex digits.
pub fn parse_guid(s: &str) -> Option<u128> {
    let s = s.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    let hex: String = match s.len() {
        36 if s.split('-').map(str::len).eq([8, 4, 4, 4, 12]) => s.replace('-', ""),
        32 => s.to_string(),
        _ => return None,
    };
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok()
}

/// Timespan text: `[-][d.]hh:mm[:ss[.fffffff]]`, a number with a unit as in timespan literals
/// (`2d`, `1.5h`, `30m`, `10s`, `100ms`, `10microsecond`, `1tick`), or a bare number of days.
pub fn parse_timespan(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let ticks = if body.contains(':') {
        clock_ticks(body)?
    } else {
        let split = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (number, unit) = body.split_at(split);
        let per = match unit.trim() {
            "" => TICKS_PER_DAY,
            unit => unit_ticks(unit)?,
        };
        scaled(number, per)?
    };
    Some(if negative { -ticks } else { ticks })
}

/// Ticks in one `unit` of a timespan literal (`d`, `h`, `ms`, `microsecond`, `tick`, …).
pub fn unit_ticks(unit: &str) -> Option<i64> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => TICKS_PER_DAY,
        "h" | "hr" | "hrs" | "hour" | "hours" => TICKS_PER_HOUR,
        "m" | "min" | "minute" | "minutes" => TICKS_PER_MINUTE,
        "s" | "sec" | "second" | "seconds" => TICKS_PER_SECOND,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 10_000,
        "micro" | "micros" | "microsecond" | "microseconds" => 10,
        "tick" | "ticks" => 1,
        _ => return None,
    })
}

/// `number` × `per` exactly: the whole part in integers, the fraction rounded to a tick.
pub fn scaled(number: &str, per: i64) -> Option<i64> {
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
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
    if parts.next().is_some() || hours > 23 || minutes > 59 {
        return None;
    }
    let (whole, frac) = seconds.split_once('.').unwrap_or((seconds, ""));
    let whole: i64 = whole.parse().ok()?;
    if whole > 59 || !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 7 {
        return None;
    }
    days.checked_mul(TICKS_PER_DAY)?
        .checked_add(hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE)?
        .checked_add(whole * TICKS_PER_SECOND + fraction_ticks(frac)?)
}

/// Fraction-of-second digits as ticks: up to seven digits count, the rest are truncated.
fn fraction_ticks(digits: &str) -> Option<i64> {
    if digits.is_empty() {
        return Some(0);
    }
    let kept: String = digits.chars().take(7).collect();
    format!("{kept:0<7}").parse().ok()
}

/// Datetime text in any of the forms the module doc lists, as ticks since the Unix epoch (UTC).
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    numeric_datetime(s).or_else(|| named_month_datetime(s))
}

/// Days since 1970-01-01 of a valid civil date.
fn days_of(year: i64, month: u32, day: u32) -> Option<i64> {
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(
        date.signed_duration_since(chrono::NaiveDate::default())
            .num_days(),
    )
}

/// ISO 8601 and the numeric date forms: `yyyy-MM-dd[(T| )hh:mm[:ss[.f…]]][zone]`, `yyyy-MM`,
/// `MM/dd/yyyy …` (a four-digit year last means the month comes first).
fn numeric_datetime(s: &str) -> Option<i64> {
    let date_end = s.find(['T', ' ']).unwrap_or(s.len());
    let (date, rest) = s.split_at(date_end);
    // A zone may follow a bare date directly (`2024-05-09Z`).
    let (date, date_zone) = match date.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (date, false),
    };
    let sep = if date.contains('/') { '/' } else { '-' };
    let fields: Vec<&str> = date.split(sep).collect();
    let number = |f: &str| -> Option<u32> {
        (!f.is_empty() && f.len() <= 4 && f.bytes().all(|b| b.is_ascii_digit()))
            .then(|| f.parse().ok())
            .flatten()
    };
    let (year, month, day) = match fields.as_slice() {
        [y, m, d] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        [m, d, y] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        [y, m] if y.len() == 4 && sep == '-' => (number(y)?, number(m)?, 1),
        _ => return None,
    };
    let days = days_of(i64::from(year), month, day)?;
    let rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest).trim_start();
    if date_zone && !rest.is_empty() {
        return None;
    }
    let (clock, offset) = split_zone(rest)?;
    let time = if clock.is_empty() {
        0
    } else {
        time_of_day(clock)?
    };
    Some(days * TICKS_PER_DAY + time - offset)
}

/// `hh:mm[:ss[.f…]]` as ticks since midnight.
fn time_of_day(clock: &str) -> Option<i64> {
    let mut parts = clock.split(':');
    let field = |p: Option<&str>| -> Option<i64> {
        let p = p?;
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let hours = field(parts.next())?;
    let minutes = field(parts.next())?;
    let (seconds, frac) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, digits) = sec.split_once('.').unwrap_or((sec, ""));
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (field(Some(whole))?, fraction_ticks(digits)?)
        }
    };
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some(hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE + seconds * TICKS_PER_SECOND + frac)
}

/// Split a time of day from its zone; the zone as an offset in ticks east of UTC.
fn split_zone(rest: &str) -> Option<(&str, i64)> {
    let rest = rest.trim_end();
    for name in ["Z", "z", "UTC", "GMT", "UT"] {
        if let Some(clock) = rest.strip_suffix(name) {
            return Some((clock.trim_end(), 0));
        }
    }
    // An offset: the last sign after the time's first digit (`10:00+02:00`, `10:00 -0130`).
    if let Some(i) = rest.rfind(['+', '-']).filter(|&i| i > 0) {
        let (clock, zone) = (&rest[..i], &rest[i + 1..]);
        let sign = if rest[i..].starts_with('-') { -1 } else { 1 };
        return Some((clock.trim_end(), sign * offset_ticks(zone)?));
    }
    Some((rest, 0))
}

/// `hh:mm`, `hhmm` or `hh` as ticks.
fn offset_ticks(zone: &str) -> Option<i64> {
    let digits: String = zone.chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits.get(2..).map_or(Some(0), |m| m.parse().ok())?;
    Some(hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// RFC 822/1123 (`Sat, 8 Nov 14 15:05:02 GMT`, `8 Nov 2014 15:05`) and RFC 850
/// (`Saturday, 08-Nov-14 15:05:02 GMT`): an optional weekday, day, month name, a two- or
/// four-digit year, a time with or without seconds, an optional zone (names of US zones too).
fn named_month_datetime(s: &str) -> Option<i64> {
    let body = match s.split_once(',') {
        Some((weekday, rest)) if weekday.chars().all(|c| c.is_ascii_alphabetic()) => rest.trim(),
        _ => s,
    };
    let mut words = body.split_whitespace();
    let date = words.next()?;
    let (day, month, year) = if date.contains('-') {
        let mut parts = date.split('-');
        (parts.next()?, parts.next()?, parts.next()?)
    } else {
        (date, words.next()?, words.next()?)
    };
    let day: u32 = day.parse().ok()?;
    let month = MONTHS
        .iter()
        .position(|m| month.len() >= 3 && m.eq_ignore_ascii_case(&month[..3]))?;
    let year: i64 = match year.len() {
        4 => year.parse().ok()?,
        // .NET's two-digit window: 00–29 are 2000s, 30–99 the 1900s.
        2 => match year.parse::<i64>().ok()? {
            y @ 0..=29 => 2000 + y,
            y => 1900 + y,
        },
        _ => return None,
    };
    let days = days_of(year, u32::try_from(month).ok()? + 1, day)?;
    let clock = words.next()?;
    let time = time_of_day(clock)?;
    let offset = match words.next() {
        None => 0,
        Some(zone) => zone_offset(zone)?,
    };
    if words.next().is_some() {
        return None;
    }
    Some(days * TICKS_PER_DAY + time - offset)
}

/// An RFC 822 zone as ticks east of UTC.
fn zone_offset(zone: &str) -> Option<i64> {
    let hours = match zone.to_ascii_uppercase().as_str() {
        "GMT" | "UT" | "UTC" | "Z" => 0,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            return Some(sign * offset_ticks(&zone[1..])?);
        }
    };
    Some(hours * TICKS_PER_HOUR)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAY_9: i64 = 19_852 * TICKS_PER_DAY;

    /// Every documented spelling of one instant gives the same ticks.
    #[test]
    fn datetime_forms_agree() {
        let t = MAY_9 + 10 * TICKS_PER_HOUR + 52 * TICKS_PER_SECOND;
        for text in [
            "2024-05-09T10:00:52Z",
            "2024-05-09T10:00:52",
            "2024-05-09 10:00:52",
            "2024-05-09 10:00:52Z",
            "2024-05-09T10:00:52.0000000Z",
            "2024-05-09T12:00:52+02:00",
            "2024-05-09T12:00:52+0200",
            "2024-05-09T09:30:52-00:30",
            "05/09/2024 10:00:52",
            "Thu, 9 May 2024 10:00:52 GMT",
            "Thu, 09 May 24 10:00:52 GMT",
            "9 May 24 10:00:52",
            "Thursday, 09-May-24 10:00:52 GMT",
            "09-May-24 10:00:52",
            "Thu, 9 May 2024 06:00:52 EDT",
        ] {
            assert_eq!(parse_datetime(text), Some(t), "{text}");
        }
        for text in ["2024-05-09", "2024-05-09Z", "2024-5-9", "5/9/2024"] {
            assert_eq!(parse_datetime(text), Some(MAY_9), "{text}");
        }
        assert_eq!(
            parse_datetime("2024-05-09T10:00"),
            Some(MAY_9 + 10 * TICKS_PER_HOUR)
        );
        assert_eq!(
            parse_datetime("Sat, 8 Nov 14 15:05 GMT"),
            parse_datetime("2014-11-08 15:05")
        );
    }

    #[test]
    fn fractions_keep_seven_digits_and_truncate_the_rest() {
        for (text, frac) in [
            ("2024-05-09T00:00:00.5Z", 5_000_000),
            ("2024-05-09T00:00:00.123Z", 1_230_000),
            ("2024-05-09T00:00:00.1234567Z", 1_234_567),
            ("2024-05-09T00:00:00.123456789Z", 1_234_567),
        ] {
            assert_eq!(parse_datetime(text), Some(MAY_9 + frac), "{text}");
        }
    }

    #[test]
    fn datetime_rejects_what_is_not_a_date() {
        for text in [
            "",
            "2024",
            "2024-13-01",
            "2024-02-30",
            "10:00",
            "abc",
            "2024-05-09T25:00",
            "2024-05-09 10:00 +2",
            "32 May 2024 10:00",
        ] {
            assert_eq!(parse_datetime(text), None, "{text}");
        }
    }

    #[test]
    fn timespans_in_every_form() {
        assert_eq!(parse_timespan("1.02:03:04.5"), {
            Some(TICKS_PER_DAY + 2 * TICKS_PER_HOUR + 3 * TICKS_PER_MINUTE + 45_000_000)
        });
        assert_eq!(parse_timespan("00:10"), Some(10 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan("-00:30:00"), Some(-30 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan("2d"), Some(2 * TICKS_PER_DAY));
        assert_eq!(parse_timespan("1.5h"), Some(90 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan("100ms"), Some(1_000_000));
        assert_eq!(parse_timespan("3"), Some(3 * TICKS_PER_DAY));
        assert_eq!(parse_timespan("1tick"), Some(1));
        assert_eq!(parse_timespan("24:00:00"), None);
        assert_eq!(parse_timespan("x"), None);
    }

    #[test]
    fn scalars_and_guids() {
        assert_eq!(parse_long(" 42 "), Some(42));
        assert_eq!(parse_long("0x1F"), Some(31));
        assert_eq!(parse_long("1.5"), None);
        assert_eq!(parse_real("1e3"), Some(1000.0));
        assert!(parse_real("NaN").unwrap().is_nan());
        assert_eq!(parse_real("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_real("1,5"), None);
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        let g = 0x74be27de_1e4e_49d9_b579_fe0b331d3642_u128;
        assert_eq!(parse_guid("74be27de-1e4e-49d9-b579-fe0b331d3642"), Some(g));
        assert_eq!(
            parse_guid("{74be27de-1e4e-49d9-b579-fe0b331d3642}"),
            Some(g)
        );
        assert_eq!(parse_guid("74be27de1e4e49d9b579fe0b331d3642"), Some(g));
        assert_eq!(parse_guid("74be27de-1e4e-49d9-b579"), None);
        assert_eq!(parse_dynamic("[1]"), serde_json::json!([1]));
        assert_eq!(parse_dynamic("a b"), serde_json::json!("a b"));
    }

    #[test]
    fn inference_picks_the_narrowest_type() {
        let infer = |v: &[&str]| infer_type(v.iter().copied());
        assert_eq!(infer(&["1", "", "-2"]), Type::Long);
        assert_eq!(infer(&["1", "2.5"]), Type::Real);
        assert_eq!(infer(&["true", "False"]), Type::Bool);
        assert_eq!(infer(&["0", "1"]), Type::Long);
        assert_eq!(
            infer(&["2024-05-09", "2024-05-09T10:00:00Z"]),
            Type::DateTime
        );
        assert_eq!(infer(&["1", "x"]), Type::String);
        assert_eq!(infer(&["", " "]), Type::String);
    }

    #[test]
    fn typed_text() {
        assert_eq!(parse_as("7", Type::Int), Some(Value::Int(7)));
        assert_eq!(parse_as("9999999999", Type::Int), None);
        assert_eq!(
            parse_as("2024-05-09Z", Type::DateTime),
            Some(Value::DateTime(MAY_9))
        );
        assert_eq!(parse_as("", Type::Long), None);
        assert_eq!(
            parse_as(" a ", Type::String),
            Some(Value::String(Arc::from(" a ")))
        );
    }
}
