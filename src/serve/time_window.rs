//! The Log Analytics API's `timespan`: an ISO 8601 duration (`PT1H`, `P1D`) counted back from
//! `now`, or an interval `start/end`, `start/duration`, `duration/end`. The API applies it to
//! `TimeGenerated` in addition to any filter the query has.
//! <https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format>

use crate::table::TICKS_PER_SECOND;
use crate::value::text::parse_datetime as datetime_ticks;

/// `[from, to)` in ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub from: i64,
    pub to: i64,
}

/// Read `text` with `now` as the end of a bare duration.
pub fn parse(text: &str, now: i64) -> Result<TimeWindow, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "timespan `{text}` is not an ISO 8601 duration (e.g. PT1H, P1D) or interval \
             (start/end, start/duration)"
        )
    };
    let window = match text.split_once('/') {
        None => {
            let span = iso_duration(text).ok_or_else(bad)?;
            TimeWindow {
                from: now - span,
                to: now,
            }
        }
        Some((start, end)) => match (iso_duration(start), iso_duration(end)) {
            (None, Some(span)) => {
                let from = datetime_ticks(start).ok_or_else(bad)?;
                TimeWindow {
                    from,
                    to: from + span,
                }
            }
            (Some(span), None) => {
                let to = datetime_ticks(end).ok_or_else(bad)?;
                TimeWindow {
                    from: to - span,
                    to,
                }
            }
            (None, None) => TimeWindow {
                from: datetime_ticks(start).ok_or_else(bad)?,
                to: datetime_ticks(end).ok_or_else(bad)?,
            },
            (Some(_), Some(_)) => return Err(bad()),
        },
    };
    if window.from > window.to {
        return Err(format!("timespan `{text}` ends before it starts"));
    }
    Ok(window)
}

/// `PnYnMnWnDTnHnMnS` in ticks (a year is 365 days, a month 30, as durations have no calendar).
fn iso_duration(text: &str) -> Option<i64> {
    let body = text.trim().strip_prefix(['P', 'p'])?;
    if body.is_empty() {
        return None;
    }
    let mut ticks = 0f64;
    let mut in_time = false;
    let mut number = String::new();
    let mut units = 0;
    for c in body.chars() {
        match c.to_ascii_uppercase() {
            'T' if number.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            unit => {
                let value: f64 = number.parse().ok()?;
                number.clear();
                let seconds = match (unit, in_time) {
                    ('Y', false) => 365.0 * 86_400.0,
                    ('M', false) => 30.0 * 86_400.0,
                    ('W', false) => 7.0 * 86_400.0,
                    ('D', false) => 86_400.0,
                    ('H', true) => 3_600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return None,
                };
                ticks += value * seconds * TICKS_PER_SECOND as f64;
                units += 1;
            }
        }
    }
    (number.is_empty() && units > 0).then_some(ticks as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600 * TICKS_PER_SECOND;

    #[test]
    fn durations_count_back_from_now() {
        let now = 1_000 * HOUR;
        assert_eq!(
            parse("PT1H", now).unwrap(),
            TimeWindow {
                from: now - HOUR,
                to: now
            }
        );
        assert_eq!(parse("P1D", now).unwrap().from, now - 24 * HOUR);
        assert_eq!(parse("P1DT12H", now).unwrap().from, now - 36 * HOUR);
        assert_eq!(parse("PT1.5H", now).unwrap().from, now - 3 * HOUR / 2);
    }

    #[test]
    fn intervals_have_two_ends() {
        let start = datetime_ticks("2024-05-09T00:00:00Z").unwrap();
        let window = parse("2024-05-09T00:00:00Z/2024-05-10T00:00:00Z", 0).unwrap();
        assert_eq!(
            window,
            TimeWindow {
                from: start,
                to: start + 24 * HOUR
            }
        );
        assert_eq!(
            parse("2024-05-09T00:00:00Z/PT2H", 0).unwrap().to,
            start + 2 * HOUR
        );
        assert_eq!(
            parse("PT2H/2024-05-09T00:00:00Z", 0).unwrap().from,
            start - 2 * HOUR
        );
    }

    #[test]
    fn nonsense_is_refused() {
        for text in ["", "1h", "P", "PT", "P1H", "x/y", "PT1H/PT2H"] {
            assert!(parse(text, 0).is_err(), "{text}");
        }
        assert!(parse("2024-05-10T00:00:00Z/2024-05-09T00:00:00Z", 0)
            .unwrap_err()
            .contains("ends before"));
    }
}
