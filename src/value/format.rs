//! Kusto's canonical text for values: what `tostring()` returns and what CSV output shows.
//! datetime `2024-05-09T10:00:52.5625085Z`, timespan `[-][d.]hh:mm:ss[.fffffff]`, real as
//! `%.15g`, dynamic as compact JSON (a dynamic real alone prints as a real; datetimes inside
//! dynamic values have seven fraction digits).

use super::table::{Value, TICKS_PER_DAY, TICKS_PER_SECOND};

/// The canonical text of `value`; null is the empty string.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Long(l) => l.to_string(),
        Value::Real(r) => real_text(*r),
        Value::DateTime(t) => datetime_text(*t),
        Value::TimeSpan(t) => timespan_text(*t),
        Value::Guid(g) => guid_text(*g),
        Value::String(s) => s.to_string(),
        Value::Dynamic(d) => dynamic_text(d),
    }
}

/// Kusto's string form of a value, which `tostring()`, `strcat()` and every other string
/// context use: a datetime always with seven fraction digits (`2024-05-05T00:00:00.0000000Z`),
/// a bool as .NET writes it (`True`/`False`), null as the empty string; the rest as
/// [`value_text`]. Measured on Kusto's emulator and recorded by duckdb-kql (docs/TRANSLATION.md,
/// rule R20). Output formats keep their own cell text ([`value_text`]).
pub fn string_form(value: &Value) -> String {
    match value {
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::DateTime(t) => datetime_json_text(*t),
        other => value_text(other),
    }
}

/// A dynamic value as `tostring()` shows it: strings bare, a real number as a real prints
/// (`parse_json('118.0')` gives `118`), arrays and bags as compact JSON (where the docs keep
/// `[5.0]` for reals).
pub fn dynamic_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) if n.is_f64() => {
            n.as_f64().map_or_else(String::new, real_text)
        }
        other => other.to_string(),
    }
}

/// `%.15g`: at most 15 significant digits, trailing zeros trimmed, exponent form for very large
/// or small magnitudes.
pub fn real_text(r: f64) -> String {
    if r.is_nan() {
        return "NaN".into();
    }
    if r.is_infinite() {
        return if r > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if r == 0.0 {
        return "0".into();
    }
    let sci = format!("{r:.14e}");
    let (mantissa, exp) = sci.split_once('e').expect("`e` format has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    if !(-4..15).contains(&exp) {
        let mantissa = trim_fraction(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let decimals = (14 - exp).max(0) as usize;
    trim_fraction(&format!("{r:.decimals$}")).to_string()
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// `2024-05-09T10:00:52.5625085Z`; the fraction only when nonzero, trailing zeros trimmed.
pub fn datetime_text(ticks: i64) -> String {
    let mut out = String::with_capacity(28);
    push_datetime(&mut out, ticks);
    out
}

/// [`datetime_text`] appended to `out` (nothing for a time no calendar date holds). Output
/// formats write millions of these, so the digits are placed by hand rather than through a
/// format string parsed per call.
pub fn push_datetime(out: &mut String, ticks: i64) {
    if push_date_and_clock(out, ticks) {
        push_fraction(out, ticks);
    }
}

/// [`push_datetime`] for a run of datetimes, which often share their second (a flow interval's
/// rows): the date and clock of the last second are kept and copied.
#[derive(Default)]
pub struct DatetimeRun {
    second: Option<i64>,
    /// The second's `yyyy-MM-ddTHH:mm:ss`; empty when no date holds it.
    clock: String,
}

impl DatetimeRun {
    pub fn push(&mut self, out: &mut String, ticks: i64) {
        let second = ticks.div_euclid(TICKS_PER_SECOND);
        if self.second != Some(second) {
            self.clock.clear();
            push_date_and_clock(&mut self.clock, ticks);
            self.second = Some(second);
        }
        if !self.clock.is_empty() {
            out.push_str(&self.clock);
            push_fraction(out, ticks);
        }
    }
}

/// `.fffffff` with trailing zeros trimmed (nothing for a whole second), then `Z`.
fn push_fraction(out: &mut String, ticks: i64) {
    let frac = ticks.rem_euclid(TICKS_PER_SECOND);
    if frac != 0 {
        out.push('.');
        let digits = out.len();
        push_digits(out, frac as u64, 7);
        out.truncate(out.trim_end_matches('0').len().max(digits));
    }
    out.push('Z');
}

/// `2024-05-09T10:00:00.0000000Z`: always seven fraction digits, as Kusto writes a datetime held
/// in a dynamic value (the make-series docs' axis arrays).
pub fn datetime_json_text(ticks: i64) -> String {
    let mut out = String::with_capacity(28);
    if push_date_and_clock(&mut out, ticks) {
        out.push('.');
        push_digits(&mut out, ticks.rem_euclid(TICKS_PER_SECOND) as u64, 7);
        out.push('Z');
    }
    out
}

/// `yyyy-MM-ddTHH:mm:ss` of the second `ticks` falls in; false (nothing written) when no date
/// holds it.
fn push_date_and_clock(out: &mut String, ticks: i64) -> bool {
    use chrono::{Datelike, Timelike};
    let Some(t) = chrono::DateTime::from_timestamp(ticks.div_euclid(TICKS_PER_SECOND), 0) else {
        return false;
    };
    let year = t.year();
    if !(0..=9999).contains(&year) {
        // Years a datetime column never holds; chrono's own form (sign, more digits).
        out.push_str(&t.format("%Y-%m-%dT%H:%M:%S").to_string());
        return true;
    }
    push_digits(out, year as u64, 4);
    for (sep, n) in [
        ('-', t.month()),
        ('-', t.day()),
        ('T', t.hour()),
        (':', t.minute()),
        (':', t.second()),
    ] {
        out.push(sep);
        push_digits(out, u64::from(n), 2);
    }
    true
}

/// `n` in decimal, zero-padded to at least `width` digits.
fn push_digits(out: &mut String, n: u64, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

/// `[-][d.]hh:mm:ss[.fffffff]`: the day part only when nonzero, the fraction (7 digits) only
/// when nonzero.
pub fn timespan_text(ticks: i64) -> String {
    let mut out = String::with_capacity(20);
    push_timespan(&mut out, ticks);
    out
}

/// [`timespan_text`] appended to `out`.
pub fn push_timespan(out: &mut String, ticks: i64) {
    if ticks < 0 {
        out.push('-');
    }
    let t = ticks.unsigned_abs();
    let day = TICKS_PER_DAY as u64;
    let sec = TICKS_PER_SECOND as u64;
    let days = t / day;
    let rest = t % day;
    if days > 0 {
        push_digits(out, days, 1);
        out.push('.');
    }
    push_digits(out, rest / (3600 * sec), 2);
    out.push(':');
    push_digits(out, rest / (60 * sec) % 60, 2);
    out.push(':');
    push_digits(out, rest / sec % 60, 2);
    let frac = rest % sec;
    if frac > 0 {
        out.push('.');
        push_digits(out, frac, 7);
    }
}

/// `8-4-4-4-12` lower-case hex.
pub fn guid_text(g: u128) -> String {
    let h = format!("{g:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_like_percent_15g() {
        assert_eq!(real_text(2.5), "2.5");
        assert_eq!(real_text(86400.0), "86400");
        assert_eq!(real_text(1.5811388300841898), "1.58113883008419");
        assert_eq!(real_text(0.1 + 0.2), "0.3");
        assert_eq!(real_text(-0.5), "-0.5");
        assert_eq!(real_text(1e20), "1e+20");
        assert_eq!(real_text(0.0001), "0.0001");
        assert_eq!(real_text(0.00001), "1e-05");
    }

    #[test]
    fn dynamic_scalar_reals_print_as_reals() {
        assert_eq!(dynamic_text(&serde_json::json!(118.0)), "118");
        assert_eq!(dynamic_text(&serde_json::json!(0.1)), "0.1");
        assert_eq!(dynamic_text(&serde_json::json!(7)), "7");
        assert_eq!(dynamic_text(&serde_json::json!("q\"x")), "q\"x");
        assert_eq!(dynamic_text(&serde_json::json!([3.0, 10.5])), "[3.0,10.5]");
    }

    #[test]
    fn datetimes_trim_the_fraction() {
        assert_eq!(datetime_text(0), "1970-01-01T00:00:00Z");
        let t = 1_715_248_852 * TICKS_PER_SECOND + 5_625_085;
        assert_eq!(datetime_text(t), "2024-05-09T10:00:52.5625085Z");
        assert_eq!(datetime_text(-1), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(datetime_json_text(0), "1970-01-01T00:00:00.0000000Z");
        assert_eq!(datetime_json_text(t), "2024-05-09T10:00:52.5625085Z");
    }

    #[test]
    fn hand_placed_digits_match_chrono_across_the_datetime_range() {
        let chrono_text = |ticks: i64| {
            let secs = ticks.div_euclid(TICKS_PER_SECOND);
            let frac = ticks.rem_euclid(TICKS_PER_SECOND);
            let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
            let fraction = format!("{frac:07}");
            let fraction = fraction.trim_end_matches('0');
            let dot = if frac == 0 { "" } else { "." };
            format!("{}{dot}{fraction}Z", t.format("%Y-%m-%dT%H:%M:%S"))
        };
        // 0001-01-01 to 9999-12-31 in uneven steps, so every field takes many values.
        let (first, last) = (
            -62_135_596_800 * TICKS_PER_SECOND,
            253_402_300_799 * TICKS_PER_SECOND,
        );
        let mut t = first;
        while t <= last {
            assert_eq!(datetime_text(t), chrono_text(t), "ticks {t}");
            t += 7_777_777_777_777 + t.rem_euclid(9_999_991);
        }
        let mut run = DatetimeRun::default();
        for t in [
            5,
            5,
            0,
            10_000_000,
            i64::MAX,
            i64::MAX,
            first,
            first + 1,
            -1,
            0,
        ] {
            let mut out = String::new();
            run.push(&mut out, t);
            assert_eq!(out, datetime_text(t), "ticks {t}");
        }
        assert_eq!(datetime_text(first), "0001-01-01T00:00:00Z");
        assert_eq!(
            datetime_text(last + 9_999_999),
            "9999-12-31T23:59:59.9999999Z"
        );
        // Beyond 9999 (no datetime column holds it) the text is chrono's, sign and all.
        assert_eq!(datetime_text(i64::MAX), chrono_text(i64::MAX));
    }

    #[test]
    fn timespans_in_kusto_form() {
        assert_eq!(timespan_text(3 * 60 * TICKS_PER_SECOND), "00:03:00");
        assert_eq!(timespan_text(TICKS_PER_DAY), "1.00:00:00");
        assert_eq!(timespan_text(TICKS_PER_SECOND / 10), "00:00:00.1000000");
        assert_eq!(timespan_text(-TICKS_PER_DAY * 14), "-14.00:00:00");
        assert_eq!(timespan_text(-(TICKS_PER_SECOND + 5)), "-00:00:01.0000005");
        assert_eq!(timespan_text(i64::MIN), "-10675199.02:48:05.4775808");
    }
}
