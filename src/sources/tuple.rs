//! The comma-separated flow tuple shared by VNet and NSG flow logs, read in one pass without
//! allocating: fields are slices of the tuple, numbers are parsed from their ASCII digits, and
//! every malformed field becomes a message naming the field and what it held.

use super::json_stream::Text;
use crate::table::TICKS_PER_SECOND;

/// The most fields any tuple format has (VNet and NSG v2).
pub const MAX_FIELDS: usize = 13;

/// Split `tuple` on commas into `fields`; returns the number of fields found (one more than
/// `MAX_FIELDS` when there are too many).
pub fn split<'a>(tuple: &'a str, fields: &mut [&'a str; MAX_FIELDS]) -> usize {
    let mut count = 0;
    for field in tuple.split(',') {
        if count == MAX_FIELDS {
            return MAX_FIELDS + 1;
        }
        fields[count] = field;
        count += 1;
    }
    count
}

/// Byte offset of `part` (a slice of `text`) in `text`; `fallback` when it is not a slice of it.
pub fn offset_in(text: &str, part: &str, fallback: usize) -> usize {
    let start = text.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    if at >= start && at <= start + text.len() {
        at - start
    } else {
        fallback
    }
}

/// The tuple text, borrowed from the file, unless it held a byte that was not UTF-8 (`bad`
/// lists their offsets; the tuple starts at `at`) or JSON escapes (flow logs never have any).
pub fn checked<'a>(raw: &Text<'a>, bad: &[usize], at: usize) -> Result<&'a str, String> {
    let text = raw
        .borrowed()
        .ok_or("the tuple holds JSON escape sequences, which flow tuples never have")?;
    let first_bad = bad.partition_point(|&b| b < at);
    if let Some(&b) = bad.get(first_bad).filter(|&&b| b < at + text.len()) {
        return Err(format!(
            "byte {} of the tuple is not valid UTF-8",
            b - at + 1
        ));
    }
    Ok(text)
}

/// A run of ASCII digits as a number; None when empty, not all digits, or too large.
pub fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for b in text.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

/// A tuple time stamp as ticks: Unix milliseconds (13 digits, VNet samples) or seconds
/// (10 digits, NSG logs and some VNet examples), told apart by size.
pub fn timestamp(text: &str) -> Result<i64, String> {
    let n = digits(text).ok_or_else(|| format!("time stamp `{text}` is not a number"))?;
    // 10^11 seconds is year 5138; 10^11 milliseconds is 1973: anything above is milliseconds.
    let ticks = if n >= 100_000_000_000 {
        i64::try_from(n).ok().and_then(|ms| ms.checked_mul(10_000))
    } else {
        i64::try_from(n)
            .ok()
            .and_then(|s| s.checked_mul(TICKS_PER_SECOND))
    };
    ticks
        .filter(|&t| t < PAST_YEAR_9999)
        .ok_or_else(|| format!("time stamp `{text}` is out of range (after year 9999)"))
}

/// 10000-01-01 in ticks since the Unix epoch: Kusto's datetimes end before it, and one tuple
/// there would move `--now latest` past every real event.
pub const PAST_YEAR_9999: i64 = 253_402_300_800 * TICKS_PER_SECOND;

/// A port: empty (as ICMP tuples may have) is no port; anything else must be 0–65535.
pub fn port(text: &str, which: &str) -> Result<Option<u16>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    digits(text)
        .and_then(|n| u16::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| format!("{which} port `{text}` is not a number from 0 to 65535"))
}

/// An IANA protocol number (VNet tuples); a number kqlite has no letter for is still valid.
pub fn protocol_number(text: &str) -> Result<u16, String> {
    digits(text)
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| format!("protocol `{text}` is not a number"))
}

/// An NSG protocol field: `T` (TCP) or `U` (UDP); a number is accepted as in VNet tuples.
pub fn protocol_letter(text: &str) -> Result<u16, String> {
    match text {
        "T" => Ok(6),
        "U" => Ok(17),
        _ => protocol_number(text)
            .map_err(|_| format!("protocol `{text}` is neither T, U nor a number")),
    }
}

/// A packet or byte counter: empty (as on `B` tuples) counts as 0. Its column is a Kusto
/// `long`, so a counter past 9223372036854775807 is reported rather than wrapped negative.
pub fn counter(text: &str, which: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Ok(0);
    }
    match digits(text) {
        Some(n) if i64::try_from(n).is_ok() => Ok(n),
        _ if text.bytes().all(|b| b.is_ascii_digit()) => Err(format!(
            "{which} `{text}` is beyond Kusto's long (9223372036854775807)"
        )),
        _ => Err(format!("{which} `{text}` is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_without_allocating() {
        let mut fields = [""; MAX_FIELDS];
        assert_eq!(split("1,2,,4", &mut fields), 4);
        assert_eq!(&fields[..4], &["1", "2", "", "4"]);
        assert_eq!(split("a,b,c,d,e,f,g,h,i,j,k,l,m,n", &mut fields), 14);
    }

    #[test]
    fn time_stamps_in_both_units() {
        assert_eq!(
            timestamp("1663146003599").unwrap(),
            1_663_146_003_599 * 10_000
        );
        assert_eq!(
            timestamp("1542110402").unwrap(),
            1_542_110_402 * TICKS_PER_SECOND
        );
        assert!(timestamp("16631x").unwrap_err().contains("`16631x`"));
        assert!(timestamp("253402300799999").is_ok());
        assert!(timestamp("253402300800000")
            .unwrap_err()
            .contains("after year 9999"));
    }

    #[test]
    fn numbers_and_their_errors() {
        assert_eq!(port("443", "destination").unwrap(), Some(443));
        assert_eq!(port("", "destination").unwrap(), None);
        assert!(port("http", "destination")
            .unwrap_err()
            .contains("destination port `http`"));
        assert!(port("70000", "source").is_err());
        assert_eq!(protocol_number("47").unwrap(), 47);
        assert!(protocol_number("TCP").is_err());
        assert_eq!(protocol_letter("U").unwrap(), 17);
        assert!(protocol_letter("X").is_err());
        assert_eq!(counter("", "packets").unwrap(), 0);
        assert_eq!(counter("1580", "bytes").unwrap(), 1580);
        assert!(counter("-1", "bytes").is_err());
        assert_eq!(
            counter("9223372036854775807", "bytes").unwrap(),
            i64::MAX as u64
        );
        for beyond in [
            "9223372036854775808",
            "18446744073709551616",
            "99999999999999999999",
        ] {
            assert_eq!(
                counter(beyond, "bytes").unwrap_err(),
                format!("bytes `{beyond}` is beyond Kusto's long (9223372036854775807)")
            );
        }
    }
}
