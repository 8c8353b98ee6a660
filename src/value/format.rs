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
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let frac = ticks.rem_euclid(TICKS_PER_SECOND);
    let Some(dt) = chrono::DateTime::from_timestamp(secs, 0) else {
        return String::new();
    };
    let mut out = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
    if frac != 0 {
        out.push('.');
        out.push_str(format!("{frac:07}").trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// `2024-05-09T10:00:00.0000000Z`: always seven fraction digits, as Kusto writes a datetime held
/// in a dynamic value (the make-series docs' axis arrays).
pub fn datetime_json_text(ticks: i64) -> String {
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let frac = ticks.rem_euclid(TICKS_PER_SECOND);
    let Some(dt) = chrono::DateTime::from_timestamp(secs, 0) else {
        return String::new();
    };
    format!("{}.{frac:07}Z", dt.format("%Y-%m-%dT%H:%M:%S"))
}

/// `[-][d.]hh:mm:ss[.fffffff]`: the day part only when nonzero, the fraction (7 digits) only
/// when nonzero.
pub fn timespan_text(ticks: i64) -> String {
    let sign = if ticks < 0 { "-" } else { "" };
    let t = ticks.unsigned_abs();
    let day = TICKS_PER_DAY as u64;
    let sec = TICKS_PER_SECOND as u64;
    let days = t / day;
    let rest = t % day;
    let (h, m, s) = (rest / (3600 * sec), rest / (60 * sec) % 60, rest / sec % 60);
    let frac = rest % sec;
    let mut out = String::from(sign);
    if days > 0 {
        out.push_str(&format!("{days}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
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
    fn timespans_in_kusto_form() {
        assert_eq!(timespan_text(3 * 60 * TICKS_PER_SECOND), "00:03:00");
        assert_eq!(timespan_text(TICKS_PER_DAY), "1.00:00:00");
        assert_eq!(timespan_text(TICKS_PER_SECOND / 10), "00:00:00.1000000");
        assert_eq!(timespan_text(-TICKS_PER_DAY * 14), "-14.00:00:00");
    }
}
