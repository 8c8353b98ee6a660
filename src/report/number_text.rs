//! Numbers and times as people read them in a report: `1.2 GB`, `34.5 K`, `2024-05-09 10:00 UTC`.
//! What a number counts is told from its column's name: `…Bytes…` are bytes (decimal units, as
//! network tools count), ports, ids, protocol numbers and the like are written out in full, and
//! every other number is a count shortened with K, M, B.

use crate::format::{datetime_text, real_text};

/// What a numeric column holds, for choosing its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Bytes,
    /// Ports, ids, protocol numbers, severities: every digit matters.
    Identifier,
    Count,
}

/// Name parts that mark an identifier-like number.
const IDENTIFIER_WORDS: &[&str] = &[
    "port", "id", "protocol", "severity", "priority", "version", "year", "code", "number",
];

impl Quantity {
    pub fn of_column(name: &str) -> Quantity {
        let lower = name.to_ascii_lowercase();
        if lower.contains("bytes") {
            Quantity::Bytes
        } else if IDENTIFIER_WORDS.iter().any(|w| lower.contains(w)) {
            Quantity::Identifier
        } else {
            Quantity::Count
        }
    }

    /// The short text of `value`.
    pub fn text(self, value: f64) -> String {
        match self {
            Quantity::Bytes => scaled(value, 1000.0, &["B", "KB", "MB", "GB", "TB", "PB"]),
            Quantity::Identifier => real_text(value),
            Quantity::Count => scaled(value, 1000.0, &["", "K", "M", "B", "T"]),
        }
    }
}

/// `value` divided by `step` until it is under `step`, with one decimal under 100 and none
/// above, and the unit of that power. Values under `step` keep their own digits.
fn scaled(value: f64, step: f64, units: &[&str]) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let mut magnitude = value.abs();
    let mut unit = 0;
    while magnitude >= step && unit + 1 < units.len() {
        magnitude /= step;
        unit += 1;
    }
    let digits = if unit == 0 {
        if magnitude.fract() == 0.0 {
            format!("{magnitude}")
        } else {
            format!("{magnitude:.2}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        }
    } else if magnitude < 99.95 {
        format!("{magnitude:.1}")
    } else {
        format!("{magnitude:.0}")
    };
    // 999.96 K rounds to "1000 K": move it up a unit.
    if unit > 0 && digits == "1000" && unit + 1 < units.len() {
        return join(sign, "1.0", units[unit + 1]);
    }
    join(sign, &digits, units[unit])
}

fn join(sign: &str, digits: &str, unit: &str) -> String {
    if unit.is_empty() {
        format!("{sign}{digits}")
    } else {
        format!("{sign}{digits}\u{a0}{unit}")
    }
}

/// A datetime as `2024-05-09 10:00:52 UTC` (seconds only when not zero, no fraction).
pub fn datetime(ticks: i64) -> String {
    let text = datetime_text(ticks);
    let without_zone = text.trim_end_matches('Z');
    let whole = without_zone.split('.').next().unwrap_or(without_zone);
    let whole = whole.strip_suffix(":00").unwrap_or(whole);
    format!("{} UTC", whole.replacen('T', " ", 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::TICKS_PER_SECOND;

    #[test]
    fn bytes_and_counts_get_units() {
        let bytes = |v| Quantity::Bytes.text(v).replace('\u{a0}', " ");
        let count = |v| Quantity::Count.text(v).replace('\u{a0}', " ");
        assert_eq!(bytes(1_234_567_890.0), "1.2 GB");
        assert_eq!(bytes(563_548_682.0), "564 MB");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(0.0), "0 B");
        assert_eq!(count(34_512.0), "34.5 K");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(999_960.0), "1.0 M");
        assert_eq!(count(2.5), "2.5");
        assert_eq!(count(-1500.0), "-1.5 K");
    }

    #[test]
    fn identifiers_keep_every_digit() {
        assert_eq!(Quantity::of_column("DestPort"), Quantity::Identifier);
        assert_eq!(Quantity::of_column("DestPort_d"), Quantity::Identifier);
        assert_eq!(Quantity::of_column("SignatureId"), Quantity::Identifier);
        assert_eq!(Quantity::of_column("BytesSrcToDest"), Quantity::Bytes);
        assert_eq!(Quantity::of_column("DeniedFlows"), Quantity::Count);
        assert_eq!(Quantity::Identifier.text(3389.0), "3389");
    }

    #[test]
    fn datetimes_read_as_utc_minutes_or_seconds() {
        let at = |s: &str| crate::now::rfc3339_ticks(s).unwrap();
        assert_eq!(datetime(at("2024-05-09T10:00:00Z")), "2024-05-09 10:00 UTC");
        assert_eq!(
            datetime(at("2024-05-09T10:59:59.999Z")),
            "2024-05-09 10:59:59 UTC"
        );
        assert_eq!(datetime(7 * TICKS_PER_SECOND), "1970-01-01 00:00:07 UTC");
    }
}
