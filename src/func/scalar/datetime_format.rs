//! `format_datetime` and `format_timespan`: the .NET-style specifiers Kusto documents (`yyyy`,
//! `MM`, `dd`, `HH`, `hh`, `mm`, `ss`, `f…`/`F…`, `tt`; `d` days for timespans), other
//! characters copied as they are.

use super::datetime::{parts, weekday};
use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc as F;
use crate::table::Type as T;
use crate::table::{Column, TICKS_PER_DAY, TICKS_PER_SECOND};
use crate::value::datum::{map2, Datum};

const TICKS_PER_HOUR: i64 = 3600 * TICKS_PER_SECOND;
const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One piece of a format string: a run of one specifier letter, or literal text.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Spec(char, usize),
    Text(String),
}

fn pieces(format: &str, letters: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if letters.contains(c) {
            let start = i;
            while i < chars.len() && chars[i] == c {
                i += 1;
            }
            out.push(Piece::Spec(c, i - start));
        } else if c == '\\' && i + 1 < chars.len() {
            out.push(Piece::Text(chars[i + 1].to_string()));
            i += 2;
        } else {
            out.push(Piece::Text(c.to_string()));
            i += 1;
        }
    }
    out
}

/// The first `n` of the 7 fraction digits; `F` trims trailing zeros.
fn fraction_digits(fraction: i64, n: usize, trim: bool) -> String {
    let digits = format!("{fraction:07}");
    let s = &digits[..n.min(7)];
    if trim {
        s.trim_end_matches('0').to_string()
    } else {
        s.to_string()
    }
}

/// `format_datetime(dt, format)` with the .NET-style specifiers Kusto documents.
pub fn format_datetime_text(t: i64, format: &str) -> String {
    let p = parts(t);
    let mut out = String::new();
    for piece in pieces(format, "dfFhHmMsyt") {
        match piece {
            Piece::Text(s) => out.push_str(&s),
            Piece::Spec(c, n) => match c {
                'd' => match n {
                    1 => out.push_str(&p.day.to_string()),
                    2 => out.push_str(&format!("{:02}", p.day)),
                    3 => out.push_str(&DAYS[weekday(p.days) as usize][..3]),
                    _ => out.push_str(DAYS[weekday(p.days) as usize]),
                },
                'f' => out.push_str(&fraction_digits(p.fraction, n, false)),
                'F' => out.push_str(&fraction_digits(p.fraction, n, true)),
                'h' => {
                    let h12 = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
                    out.push_str(&pad(h12, n.min(2)));
                }
                'H' => out.push_str(&pad(p.hour, n.min(2))),
                'm' => out.push_str(&pad(p.minute, n.min(2))),
                's' => out.push_str(&pad(p.second, n.min(2))),
                'M' => match n {
                    1 | 2 => out.push_str(&pad(i64::from(p.month), n)),
                    3 => out.push_str(&MONTHS[p.month as usize - 1][..3]),
                    _ => out.push_str(MONTHS[p.month as usize - 1]),
                },
                'y' => match n {
                    1 => out.push_str(&(p.year % 100).to_string()),
                    2 => out.push_str(&format!("{:02}", p.year % 100)),
                    _ => out.push_str(&pad(p.year, n)),
                },
                't' => {
                    let ampm = if p.hour < 12 { "AM" } else { "PM" };
                    out.push_str(&ampm[..n.min(2)]);
                }
                _ => unreachable!("only specifier letters are split out"),
            },
        }
    }
    out
}

fn pad(v: i64, width: usize) -> String {
    format!("{v:0width$}")
}

/// `format_timespan(ts, format)`: `d` days, `h`/`H` hours of the day, `m`, `s`, `f`/`F`.
pub fn format_timespan_text(ts: i64, format: &str) -> String {
    let mut out = String::new();
    if ts < 0 {
        out.push('-');
    }
    let t = ts.unsigned_abs() as i64;
    let days = t / TICKS_PER_DAY;
    let rest = t % TICKS_PER_DAY;
    let (h, m, s) = (
        rest / TICKS_PER_HOUR,
        rest / TICKS_PER_MINUTE % 60,
        rest / TICKS_PER_SECOND % 60,
    );
    let fraction = rest % TICKS_PER_SECOND;
    for piece in pieces(format, "dfFhHms") {
        match piece {
            Piece::Text(text) => out.push_str(&text),
            Piece::Spec(c, n) => match c {
                'd' => out.push_str(&pad(days, n)),
                'h' | 'H' => out.push_str(&pad(h, n.min(2))),
                'm' => out.push_str(&pad(m, n.min(2))),
                's' => out.push_str(&pad(s, n.min(2))),
                'f' => out.push_str(&fraction_digits(fraction, n, false)),
                'F' => out.push_str(&fraction_digits(fraction, n, true)),
                _ => unreachable!("only specifier letters are split out"),
            },
        }
    }
    out
}

/// `format_datetime` / `format_timespan` over columns (the format is usually a constant).
pub fn format_column(args: &[Datum], len: usize, timespan: bool) -> Column {
    let t = args[0].ticks();
    let f = args[1].strs();
    Column::String(map2(len, &t, &f, |t, f| match t {
        None => crate::table::empty_str(),
        Some(t) if timespan => format_timespan_text(*t, f).into(),
        Some(t) => format_datetime_text(*t, f).into(),
    }))
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::FormatDatetime,
        names: &["format_datetime"],
        arity: (2, 2),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(format_column(args, len, false)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::FormatTimespan,
        names: &["format_timespan"],
        arity: (2, 2),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(format_column(args, len, true)),
        naming: Naming::First,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::scalar::convert::parse_datetime;

    fn dt(s: &str) -> i64 {
        parse_datetime(s).unwrap()
    }

    #[test]
    fn format_datetime_specifiers() {
        let t = dt("2017-01-29 09:00:05");
        assert_eq!(
            format_datetime_text(t, "yy-MM-dd [HH:mm:ss]"),
            "17-01-29 [09:00:05]"
        );
        assert_eq!(
            format_datetime_text(t, "yyyy-M-dd [H:mm:ss]"),
            "2017-1-29 [9:00:05]"
        );
        assert_eq!(
            format_datetime_text(t, "yy-MM-dd [hh:mm:ss tt]"),
            "17-01-29 [09:00:05 AM]"
        );
        let f = dt("2015-12-14 02:03:04.1234500");
        assert_eq!(
            format_datetime_text(f, "HH:mm:ss.fffffff"),
            "02:03:04.1234500"
        );
        assert_eq!(format_datetime_text(f, "ss.FFFFFFF"), "04.12345");
        assert_eq!(format_datetime_text(t, "h tt"), "9 AM");
    }

    #[test]
    fn format_timespan_specifiers() {
        let ts = TICKS_PER_DAY
            + 2 * TICKS_PER_HOUR
            + 3 * TICKS_PER_MINUTE
            + 4 * TICKS_PER_SECOND
            + 1_234_500;
        assert_eq!(format_timespan_text(ts, "d.hh:mm:ss.fff"), "1.02:03:04.123");
        assert_eq!(
            format_timespan_text(ts, "dd.h:m:s.FFFFFFF"),
            "01.2:3:4.12345"
        );
        assert_eq!(format_timespan_text(-ts, "hh:mm"), "-02:03");
    }
}
