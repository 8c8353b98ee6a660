//! IP ranges and formatting: `ipv4_is_in_any_range`, `ipv6_is_in_range`,
//! `ipv6_is_in_any_range`, `format_ipv4`, `format_ipv4_mask`, `ipv4_netmask_suffix`,
//! `ipv4_range_to_cidr_list`, `parse_ipv6`, `parse_ipv6_mask`. Text that is not an address
//! gives null (an empty string for string results), as in Kusto.

use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef, MANY};
use super::ip::{mask, mask6, parse_ipv4, parse_ipv6};
use super::{row_values, ScalarFunc};
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{empty_str, Column, Str, Value};
use crate::value::datum::{map1, map2, Arr, Datum};

/// Which function a `ScalarFunc::IpRange` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpRangeFn {
    V4InAnyRange,
    V6InRange,
    V6InAnyRange,
    FormatV4,
    FormatV4Mask,
    V4NetmaskSuffix,
    V4RangeToCidrList,
    ParseV6,
    ParseV6Mask,
}

/// Is the address `ip` inside `range` (an address with an optional prefix)?
fn v4_in(ip: &str, range: &str) -> Option<bool> {
    let (a, _) = parse_ipv4(ip)?;
    let (r, p) = parse_ipv4(range)?;
    Some(a & mask(p) == r & mask(p))
}

fn v6_in(ip: &str, range: &str) -> Option<bool> {
    let (a, _) = parse_ipv6(ip)?;
    let (r, p) = parse_ipv6(range)?;
    Some(a & mask6(p) == r & mask6(p))
}

/// The ranges of a `*_is_in_any_range(ip, r1, r2, …)` row: the arguments after the address,
/// or the elements of one dynamic array.
fn ranges(values: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for v in values {
        match v {
            Value::Dynamic(J::Array(a)) => {
                out.extend(a.iter().filter_map(J::as_str).map(str::to_string));
            }
            Value::Dynamic(J::String(s)) => out.push(s.clone()),
            Value::String(s) => out.push(s.to_string()),
            _ => {}
        }
    }
    out
}

/// An IPv4 address given as text (with an optional prefix) or as a number (also a number
/// written as text, as the format_ipv4 docs' `'3232236031'`).
fn v4_of(v: &Value) -> Option<(u32, u32)> {
    match v {
        Value::String(s) => parse_ipv4(s).or_else(|| s.trim().parse::<u32>().ok().map(|n| (n, 32))),
        Value::Long(n) => Some((u32::try_from(*n).ok()?, 32)),
        Value::Int(n) => Some((u32::try_from(*n).ok()?, 32)),
        Value::Dynamic(J::String(s)) => parse_ipv4(s),
        Value::Dynamic(J::Number(n)) => Some((u32::try_from(n.as_i64()?).ok()?, 32)),
        _ => None,
    }
}

fn dotted(a: u32) -> String {
    std::net::Ipv4Addr::from(a).to_string()
}

/// `format_ipv4(ip [, prefix])` (or with `/prefix` after it when `with_mask`): the address
/// masked by the smaller of its own prefix and `prefix`.
fn format_v4(ip: &Value, prefix: Option<i64>, with_mask: bool) -> Option<String> {
    let (a, own) = v4_of(ip)?;
    let p = u32::try_from(prefix?).ok().filter(|p| *p <= 32)?.min(own);
    let masked = dotted(a & mask(p));
    Some(if with_mask {
        format!("{masked}/{p}")
    } else {
        masked
    })
}

/// The fewest CIDR blocks covering `start` … `end` (inclusive), in order.
pub fn cidr_list(start: u32, end: u32) -> Vec<String> {
    let mut out = Vec::new();
    let (mut at, end) = (u64::from(start), u64::from(end));
    while at <= end {
        // The largest block aligned at `at` that does not pass `end`.
        let mut size = if at == 0 {
            1u64 << 32
        } else {
            at & at.wrapping_neg()
        };
        while at + size - 1 > end {
            size >>= 1;
        }
        let prefix = 32 - size.trailing_zeros();
        out.push(format!("{}/{prefix}", dotted(at as u32)));
        at += size;
    }
    out
}

/// `parse_ipv6_mask(ip, prefix)`: canonical text of the address masked by the smaller of its
/// own prefix and `prefix` (0–128).
fn parse_v6_mask(ip: &str, prefix: Option<i64>) -> Option<String> {
    let (a, own) = parse_ipv6(ip)?;
    let p = u32::try_from(prefix?).ok().filter(|p| *p <= 128)?;
    Some(canonical_v6(a & mask6(own.min(p))))
}

/// The canonical IPv6 text Kusto's `parse_ipv6` gives: eight groups of four hex digits.
pub fn canonical_v6(a: u128) -> String {
    let groups: Vec<String> = (0..8)
        .rev()
        .map(|i| format!("{:04x}", (a >> (i * 16)) as u16))
        .collect();
    groups.join(":")
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::IpRange(f) = func else {
        unreachable!("an IP-range row holds an IpRange tag")
    };
    let text = |s: Option<String>| s.map_or_else(empty_str, Str::from);
    Ok(match f {
        IpRangeFn::V4InAnyRange | IpRangeFn::V6InAnyRange | IpRangeFn::V6InRange => {
            let test = if f == IpRangeFn::V4InAnyRange {
                v4_in
            } else {
                v6_in
            };
            let ip = args[0].strs();
            let rest: Vec<_> = args[1..].iter().map(|a| row_values(a, len)).collect();
            Column::Bool(
                (0..len)
                    .map(|i| {
                        let row: Vec<Value> = rest.iter().map(|r| r.get(i).clone()).collect();
                        let mut any = false;
                        for range in ranges(&row) {
                            any |= test(ip.get(i), &range)?;
                        }
                        Some(any)
                    })
                    .collect(),
            )
        }
        IpRangeFn::FormatV4 | IpRangeFn::FormatV4Mask => {
            let prefix = args.get(1).map_or(Arr::One(Some(32)), Datum::longs);
            Column::String(map2(len, &row_values(&args[0], len), &prefix, |ip, p| {
                text(format_v4(ip, *p, f == IpRangeFn::FormatV4Mask))
            }))
        }
        IpRangeFn::V4NetmaskSuffix => Column::Long(map1(len, &args[0].strs(), |s| {
            parse_ipv4(s).map(|(_, p)| i64::from(p))
        })),
        IpRangeFn::V4RangeToCidrList => {
            Column::Dynamic(map2(len, &args[0].strs(), &args[1].strs(), |a, b| {
                match (parse_ipv4(a), parse_ipv4(b)) {
                    (Some((a, _)), Some((b, _))) if a <= b => {
                        J::Array(cidr_list(a, b).into_iter().map(J::String).collect())
                    }
                    _ => J::Null,
                }
            }))
        }
        IpRangeFn::ParseV6 => Column::String(map1(len, &args[0].strs(), |s| {
            text(parse_ipv6(s).map(|(a, p)| canonical_v6(a & mask6(p))))
        })),
        IpRangeFn::ParseV6Mask => {
            Column::String(map2(len, &args[0].strs(), &args[1].longs(), |s, p| {
                text(parse_v6_mask(s, *p))
            }))
        }
    })
}

const fn row(
    f: IpRangeFn,
    names: &'static [&'static str],
    arity: (usize, usize),
    ty: T,
) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::IpRange(f),
        names,
        arity,
        result: Fixed(ty),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(
        IpRangeFn::V4InAnyRange,
        &["ipv4_is_in_any_range"],
        (2, MANY),
        T::Bool,
    ),
    row(IpRangeFn::V6InRange, &["ipv6_is_in_range"], (2, 2), T::Bool),
    row(
        IpRangeFn::V6InAnyRange,
        &["ipv6_is_in_any_range"],
        (2, MANY),
        T::Bool,
    ),
    row(IpRangeFn::FormatV4, &["format_ipv4"], (1, 2), T::String),
    row(
        IpRangeFn::FormatV4Mask,
        &["format_ipv4_mask"],
        (1, 2),
        T::String,
    ),
    row(
        IpRangeFn::V4NetmaskSuffix,
        &["ipv4_netmask_suffix"],
        (1, 1),
        T::Long,
    ),
    row(
        IpRangeFn::V4RangeToCidrList,
        &["ipv4_range_to_cidr_list"],
        (2, 2),
        T::Dynamic,
    ),
    row(IpRangeFn::ParseV6, &["parse_ipv6"], (1, 1), T::String),
    row(
        IpRangeFn::ParseV6Mask,
        &["parse_ipv6_mask"],
        (2, 2),
        T::String,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_formats() {
        assert_eq!(v4_in("192.168.1.6", "192.168.1.1/24"), Some(true));
        assert_eq!(v4_in("192.168.2.6", "192.168.1.1/24"), Some(false));
        assert_eq!(v4_in("x", "192.168.1.1/24"), None);
        assert_eq!(
            v6_in("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7900/120"),
            Some(true)
        );
        let s = |x: &str| Value::String(x.into());
        assert_eq!(
            format_v4(&s("192.168.1.255"), Some(24), false).as_deref(),
            Some("192.168.1.0")
        );
        assert_eq!(
            format_v4(&Value::Long(3232236031), Some(24), false).as_deref(),
            Some("192.168.1.0")
        );
        assert_eq!(
            format_v4(&s("192.168.1.255"), Some(24), true).as_deref(),
            Some("192.168.1.0/24")
        );
        assert_eq!(format_v4(&Value::Long(-1), Some(24), false), None);
    }

    #[test]
    fn cidr_lists_are_minimal() {
        assert_eq!(
            cidr_list(
                parse_ipv4("10.0.0.0").unwrap().0,
                parse_ipv4("10.0.0.255").unwrap().0
            ),
            ["10.0.0.0/24"]
        );
        assert_eq!(
            cidr_list(
                parse_ipv4("127.0.0.1").unwrap().0,
                parse_ipv4("127.0.0.5").unwrap().0
            ),
            ["127.0.0.1/32", "127.0.0.2/31", "127.0.0.4/31"]
        );
        assert_eq!(cidr_list(0, u32::MAX), ["0.0.0.0/0"]);
    }

    #[test]
    fn canonical_ipv6_text() {
        let (a, p) = parse_ipv6("127.0.0.1").unwrap();
        assert_eq!(
            canonical_v6(a & mask6(p)),
            "0000:0000:0000:0000:0000:ffff:7f00:0001"
        );
        let (a, p) = parse_ipv6("fe80::85d:e82c:9446:7994/120").unwrap();
        assert_eq!(
            canonical_v6(a & mask6(p)),
            "fe80:0000:0000:0000:085d:e82c:9446:7900"
        );
    }
}
