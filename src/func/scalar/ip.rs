//! IP address functions: IPv4 parsing with `/prefix` masks, comparison and ranges, private
//! ranges, IPv4 search in text (`has_ipv4`, `has_any_ipv4_prefix`), and IPv6 comparison.

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;

use super::def::{Naming, ResultType::Fixed, ScalarDef, MANY};
use super::ScalarFunc as F;
use crate::table::Type as T;
use crate::table::{Column, Str};
use crate::value::datum::{map1, map2, map3, Arr, Datum};

/// An IPv4 address and its prefix length (32 when none was written).
pub fn parse_ipv4(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, p.trim().parse::<u32>().ok().filter(|p| *p <= 32)?),
        None => (s, 32),
    };
    let mut n: u32 = 0;
    let mut parts = 0;
    for part in addr.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let octet: u32 = part.parse().ok()?;
        if octet > 255 {
            return None;
        }
        n = n << 8 | octet;
        parts += 1;
    }
    (parts == 4).then_some((n, prefix))
}

pub(super) fn mask(prefix: u32) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    }
}

/// `parse_ipv4(s)`: the address as a long, masked by its prefix.
pub fn parse_ipv4_column(x: &Datum, len: usize) -> Column {
    Column::Long(map1(len, &x.strs(), |s| {
        parse_ipv4(s).map(|(a, p)| i64::from(a & mask(p)))
    }))
}

/// `parse_ipv4_mask(s, prefix)`.
pub fn parse_ipv4_mask(args: &[Datum], len: usize) -> Column {
    Column::Long(map2(len, &args[0].strs(), &args[1].longs(), |s, p| {
        let (a, own) = parse_ipv4(s)?;
        let p = u32::try_from((*p)?).ok().filter(|p| *p <= 32)?;
        Some(i64::from(a & mask(own.min(p))))
    }))
}

/// Compare two IPv4 texts on the shortest of their prefixes and `prefix`.
fn compare_v4(a: &str, b: &str, prefix: Option<i64>) -> Option<Ordering> {
    let (a, pa) = parse_ipv4(a)?;
    let (b, pb) = parse_ipv4(b)?;
    let limit = match prefix {
        Some(p) => u32::try_from(p).ok().filter(|p| *p <= 32)?,
        None => 32,
    };
    let m = mask(pa.min(pb).min(limit));
    Some((a & m).cmp(&(b & m)))
}

fn prefix_arg<'a>(args: &'a [Datum]) -> Arr<'a, Option<i64>> {
    args.get(2).map_or(Arr::One(Some(32)), Datum::longs)
}

pub fn v4_compare(args: &[Datum], len: usize) -> Column {
    Column::Long(map3(
        len,
        &args[0].strs(),
        &args[1].strs(),
        &prefix_arg(args),
        |a, b, p| compare_v4(a, b, Some((*p)?)).map(|o| o as i64),
    ))
}

pub fn v4_is_match(args: &[Datum], len: usize) -> Column {
    Column::Bool(map3(
        len,
        &args[0].strs(),
        &args[1].strs(),
        &prefix_arg(args),
        |a, b, p| compare_v4(a, b, Some((*p)?)).map(|o| o == Ordering::Equal),
    ))
}

/// `ipv4_is_in_range(ip, range)`: the address falls in the range's prefix.
pub fn is_in_range(args: &[Datum], len: usize) -> Column {
    Column::Bool(map2(len, &args[0].strs(), &args[1].strs(), |ip, range| {
        let (a, _) = parse_ipv4(ip)?;
        let (r, p) = parse_ipv4(range)?;
        Some(a & mask(p) == r & mask(p))
    }))
}

/// 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16 (RFC 1918).
pub fn is_private_v4(a: u32) -> bool {
    a >> 24 == 10 || a >> 20 == (172 << 4 | 1) || a >> 16 == (192 << 8 | 168)
}

pub fn is_private(x: &Datum, len: usize) -> Column {
    Column::Bool(map1(len, &x.strs(), |s| {
        parse_ipv4(s).map(|(a, _)| is_private_v4(a))
    }))
}

static IPV4_IN_TEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}").expect("valid regex"));

/// The valid IPv4 addresses written in `text` as whole tokens (not inside a longer run of
/// letters, digits and dots).
fn ipv4_tokens(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    IPV4_IN_TEXT
        .find_iter(text)
        .filter(|m| {
            let before_ok = m.start() == 0
                || !(b[m.start() - 1].is_ascii_alphanumeric() || b[m.start() - 1] == b'.');
            let after = &b[m.end()..];
            let after_ok = match after {
                [] => true,
                [b'.', next, ..] => !next.is_ascii_digit(),
                [c, ..] => !c.is_ascii_alphanumeric(),
            };
            before_ok && after_ok && parse_ipv4(m.as_str()).is_some()
        })
        .map(|m| m.as_str())
        .collect()
}

/// Does `ip_text` (an address found in text) start with the IPv4 `prefix` (whole octets)?
fn has_prefix(ip_text: &str, prefix: &str) -> bool {
    ip_text.starts_with(prefix)
        && (prefix.ends_with('.')
            || ip_text.len() == prefix.len()
            || ip_text.as_bytes()[prefix.len()] == b'.')
}

fn text_has(text: &str, wanted: &[Str], prefix: bool) -> bool {
    let tokens = ipv4_tokens(text);
    wanted.iter().any(|w| {
        if prefix {
            tokens.iter().any(|t| has_prefix(t, w))
        } else {
            let Some((want, _)) = parse_ipv4(w) else {
                return false;
            };
            tokens
                .iter()
                .any(|t| parse_ipv4(t).is_some_and(|(a, _)| a == want))
        }
    })
}

/// `has_ipv4(text, ip)` / `has_ipv4_prefix(text, prefix)`.
pub fn has_ipv4(args: &[Datum], len: usize, prefix: bool) -> Column {
    Column::Bool(map2(len, &args[0].strs(), &args[1].strs(), |t, w| {
        Some(text_has(t, std::slice::from_ref(w), prefix))
    }))
}

/// `has_any_ipv4(text, ip1, ip2, …)` / `has_any_ipv4_prefix`: the list may also be one dynamic
/// array.
pub fn has_any_ipv4(args: &[Datum], len: usize, prefix: bool) -> Column {
    let text = args[0].strs();
    let lists: Vec<_> = args[1..].iter().map(Datum::dyns).collect();
    Column::Bool(
        (0..len)
            .map(|i| {
                let mut wanted: Vec<Str> = Vec::new();
                for l in &lists {
                    match l.get(i) {
                        serde_json::Value::Array(a) => {
                            wanted.extend(a.iter().filter_map(|x| x.as_str()).map(Str::from))
                        }
                        serde_json::Value::String(s) => wanted.push(Str::from(s.as_str())),
                        _ => {}
                    }
                }
                Some(text_has(text.get(i), &wanted, prefix))
            })
            .collect(),
    )
}

/// An IPv6 address (IPv4 mapped into `::ffff:0:0/96`) and its prefix length.
pub fn parse_ipv6(s: &str) -> Option<(u128, u32)> {
    let s = s.trim();
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p.trim().parse::<u32>().ok()?)),
        None => (s, None),
    };
    if let Ok(v6) = addr.parse::<std::net::Ipv6Addr>() {
        let p = prefix.unwrap_or(128);
        return (p <= 128).then_some((u128::from(v6), p));
    }
    let (v4, _) = parse_ipv4(addr)?;
    let p = match prefix {
        Some(p) if p <= 32 => 96 + p,
        Some(_) => return None,
        None => 128,
    };
    Some((0xffff_u128 << 32 | u128::from(v4), p))
}

pub(super) fn mask6(prefix: u32) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    }
}

fn compare_v6(a: &str, b: &str, prefix: i64) -> Option<Ordering> {
    let (a, pa) = parse_ipv6(a)?;
    let (b, pb) = parse_ipv6(b)?;
    let limit = u32::try_from(prefix).ok().filter(|p| *p <= 128)?;
    let m = mask6(pa.min(pb).min(limit));
    Some((a & m).cmp(&(b & m)))
}

pub fn v6_compare(args: &[Datum], len: usize) -> Column {
    let prefix = args.get(2).map_or(Arr::One(Some(128)), Datum::longs);
    Column::Long(map3(
        len,
        &args[0].strs(),
        &args[1].strs(),
        &prefix,
        |a, b, p| compare_v6(a, b, (*p)?).map(|o| o as i64),
    ))
}

pub fn v6_is_match(args: &[Datum], len: usize) -> Column {
    let prefix = args.get(2).map_or(Arr::One(Some(128)), Datum::longs);
    Column::Bool(map3(
        len,
        &args[0].strs(),
        &args[1].strs(),
        &prefix,
        |a, b, p| compare_v6(a, b, (*p)?).map(|o| o == Ordering::Equal),
    ))
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::Ipv4IsPrivate,
        names: &["ipv4_is_private"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(is_private(&args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Ipv4IsInRange,
        names: &["ipv4_is_in_range"],
        arity: (2, 2),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(is_in_range(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Ipv4IsMatch,
        names: &["ipv4_is_match"],
        arity: (2, 3),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(v4_is_match(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Ipv4Compare,
        names: &["ipv4_compare"],
        arity: (2, 3),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(v4_compare(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ParseIpv4,
        names: &["parse_ipv4"],
        arity: (1, 1),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(parse_ipv4_column(&args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ParseIpv4Mask,
        names: &["parse_ipv4_mask"],
        arity: (2, 2),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(parse_ipv4_mask(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::HasIpv4,
        names: &["has_ipv4"],
        arity: (2, 2),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(has_ipv4(args, len, false)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::HasIpv4Prefix,
        names: &["has_ipv4_prefix"],
        arity: (2, 2),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(has_ipv4(args, len, true)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::HasAnyIpv4,
        names: &["has_any_ipv4"],
        arity: (2, MANY),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(has_any_ipv4(args, len, false)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::HasAnyIpv4Prefix,
        names: &["has_any_ipv4_prefix"],
        arity: (2, MANY),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(has_any_ipv4(args, len, true)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Ipv6Compare,
        names: &["ipv6_compare"],
        arity: (2, 3),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(v6_compare(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Ipv6IsMatch,
        names: &["ipv6_is_match"],
        arity: (2, 3),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(v6_is_match(args, len)),
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Type, Value};

    fn t(s: &str) -> Datum<'static> {
        Datum::Scalar(Value::String(s.into()), Type::String)
    }

    fn l(v: i64) -> Datum<'static> {
        Datum::Scalar(Value::Long(v), Type::Long)
    }

    #[test]
    fn parse_with_prefix() {
        assert_eq!(
            parse_ipv4_column(&t("192.168.1.1"), 1).get(0),
            Value::Long(3_232_235_777)
        );
        assert_eq!(
            parse_ipv4_column(&t("192.168.1.1/24"), 1).get(0),
            Value::Long(3_232_235_776)
        );
        assert_eq!(
            parse_ipv4_column(&t("255.255.255.255/31"), 1).get(0),
            Value::Long(4_294_967_294)
        );
        assert_eq!(parse_ipv4_column(&t("256.1.1.1"), 1).get(0), Value::Null);
        assert_eq!(parse_ipv4_column(&t("1.2.3"), 1).get(0), Value::Null);
        assert_eq!(
            parse_ipv4_mask(&[t("10.20.30.40"), l(24)], 1).get(0),
            Value::Long(169_090_560)
        );
    }

    #[test]
    fn compare_on_shortest_prefix() {
        let cmp = |args: &[Datum]| v4_compare(args, 1).get(0);
        assert_eq!(cmp(&[t("192.168.1.0"), t("192.168.1.0")]), Value::Long(0));
        assert_eq!(
            cmp(&[t("192.168.1.1/24"), t("192.168.1.255")]),
            Value::Long(0)
        );
        assert_eq!(
            cmp(&[t("192.168.1.1/30"), t("192.168.1.255/24")]),
            Value::Long(0)
        );
        assert_eq!(
            cmp(&[t("192.168.1.1"), t("192.168.1.0"), l(31)]),
            Value::Long(0)
        );
        assert_eq!(cmp(&[t("192.168.1.1"), t("192.168.1.2")]), Value::Long(-1));
        assert_eq!(cmp(&[t("x"), t("192.168.1.2")]), Value::Null);
        assert_eq!(
            v4_is_match(&[t("192.168.1.1/24"), t("192.168.1.255")], 1).get(0),
            Value::Bool(true)
        );
    }

    #[test]
    fn ranges_and_private() {
        assert_eq!(
            is_in_range(&[t("192.168.1.1"), t("192.168.1.255/24")], 1).get(0),
            Value::Bool(true)
        );
        assert_eq!(
            is_in_range(&[t("192.168.2.1"), t("192.168.1.255/24")], 1).get(0),
            Value::Bool(false)
        );
        for (ip, private) in [
            ("10.1.2.3", true),
            ("192.168.1.1/24", true),
            ("172.31.0.1", true),
            ("172.32.0.1", false),
            ("127.0.0.1", false),
            ("202.1.2.3", false),
        ] {
            assert_eq!(is_private(&t(ip), 1).get(0), Value::Bool(private), "{ip}");
        }
    }

    #[test]
    fn addresses_in_text() {
        let text = t("05:04:54 127.0.0.1 GET /favicon.ico 404");
        assert_eq!(
            has_ipv4(&[text.clone(), t("127.0.0.1")], 1, false).get(0),
            Value::Bool(true)
        );
        assert_eq!(
            has_ipv4(&[t("x127.0.0.1"), t("127.0.0.1")], 1, false).get(0),
            Value::Bool(false)
        );
        assert_eq!(
            has_ipv4(&[t("127.0.0.256"), t("127.0.0.256")], 1, false).get(0),
            Value::Bool(false)
        );
        assert_eq!(
            has_ipv4(&[text.clone(), t("127.0.")], 1, true).get(0),
            Value::Bool(true)
        );
        assert_eq!(
            has_ipv4(&[text.clone(), t("127.0")], 1, true).get(0),
            Value::Bool(true)
        );
        assert_eq!(
            has_ipv4(&[text.clone(), t("127.00")], 1, true).get(0),
            Value::Bool(false)
        );
        let list = Datum::Scalar(
            Value::Dynamic(serde_json::json!(["10.", "127.0."])),
            Type::Dynamic,
        );
        assert_eq!(
            has_any_ipv4(&[text, list], 1, true).get(0),
            Value::Bool(true)
        );
    }

    #[test]
    fn ipv6_compare_with_mapped_v4() {
        assert_eq!(
            v6_compare(&[t("::ffff:7f00:1"), t("127.0.0.1")], 1).get(0),
            Value::Long(0)
        );
        assert_eq!(
            v6_compare(
                &[t("fe80::85d:e82c:9446:7994"), t("fe80::85d:e82c:9446:7995")],
                1
            )
            .get(0),
            Value::Long(-1)
        );
        assert_eq!(
            v6_compare(
                &[
                    t("fe80::85d:e82c:9446:7994/120"),
                    t("fe80::85d:e82c:9446:7995")
                ],
                1
            )
            .get(0),
            Value::Long(0)
        );
        assert_eq!(
            v6_is_match(&[t("fe80::1"), t("fe80::1")], 1).get(0),
            Value::Bool(true)
        );
    }
}
