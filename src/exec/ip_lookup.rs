//! `evaluate ipv4_lookup(…)` and `ipv6_lookup(…)`. The lookup table's ranges are hashed by
//! prefix length and masked base address (with the extra key columns), so an input address
//! costs one probe per distinct prefix length in the table (at most 33 for IPv4, 129 for IPv6)
//! instead of one comparison per range.
//!
//! Kusto's docs describe the result as a join on the address: an address inside several ranges
//! (overlapping networks) gets one row per range, in lookup-table order, with no range
//! preferred. A bare address is a range of one. An input value that carries a prefix itself
//! (`10.1.0.0/16`) matches the ranges that hold all of it. A value that is not an address
//! never matches, and neither does a null extra key.

use super::join::Rows;
use super::keys::encode_row;
use crate::func::scalar::ip::{parse_ipv4, parse_ipv6};
use crate::plan::{IpFamily, IpLookup};
use crate::table::{Column, Schema, Table};
use rustc_hash::FxHashMap;

/// The lookup side, indexed for probing.
pub(super) struct RangeIndex<'a> {
    spec: &'a IpLookup,
    lookup: Table,
    /// The distinct prefix lengths of the ranges.
    prefixes: Vec<u32>,
    /// Lookup rows (in table order) by `key_bytes` of their range and extra keys.
    rows: FxHashMap<Box<[u8]>, Vec<usize>>,
}

impl<'a> RangeIndex<'a> {
    pub(super) fn build(spec: &'a IpLookup, lookup: Table) -> RangeIndex<'a> {
        let extra: Vec<&Column> = spec
            .extra_keys
            .iter()
            .map(|&(_, l)| &lookup.columns[l])
            .collect();
        let mut rows: FxHashMap<Box<[u8]>, Vec<usize>> = FxHashMap::default();
        let mut prefixes = Vec::new();
        let mut key = Vec::new();
        for row in 0..lookup.num_rows() {
            let Some((address, prefix)) =
                address_at(&lookup.columns[spec.lookup_key], row, spec.family)
            else {
                continue;
            };
            key.clear();
            put_range(&mut key, address, prefix, spec.family);
            if !encode_row(&extra, row, &mut key) {
                continue;
            }
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
            rows.entry(key.as_slice().into()).or_default().push(row);
        }
        prefixes.sort_unstable();
        RangeIndex {
            spec,
            lookup,
            prefixes,
            rows,
        }
    }

    /// The output rows of one input batch.
    pub(super) fn probe(&self, input: &Table, schema: &Schema) -> Table {
        let spec = self.spec;
        let extra: Vec<&Column> = spec
            .extra_keys
            .iter()
            .map(|&(i, _)| &input.columns[i])
            .collect();
        let mut left_rows = Vec::new();
        let mut right_rows = Vec::new();
        let (mut key, mut extra_key, mut matches) = (Vec::new(), Vec::new(), Vec::new());
        for row in 0..input.num_rows() {
            matches.clear();
            extra_key.clear();
            let address = address_at(&input.columns[spec.source_key], row, spec.family);
            if let (Some((address, own_prefix)), true) =
                (address, encode_row(&extra, row, &mut extra_key))
            {
                for &prefix in self.prefixes.iter().take_while(|&&p| p <= own_prefix) {
                    key.clear();
                    put_range(&mut key, address, prefix, spec.family);
                    key.extend_from_slice(&extra_key);
                    if let Some(found) = self.rows.get(key.as_slice()) {
                        matches.extend_from_slice(found);
                    }
                }
                matches.sort_unstable();
            }
            if matches.is_empty() && spec.keep_unmatched {
                left_rows.push(Some(row));
                right_rows.push(None);
            }
            for &m in &matches {
                left_rows.push(Some(row));
                right_rows.push(Some(m));
            }
        }
        Rows {
            left: Some(input),
            right: &self.lookup,
            left_rows: &left_rows,
            right_rows: &right_rows,
        }
        .gather(&spec.output, schema)
    }
}

/// The address (or network) at `row` of a string column, with its prefix length (the full
/// width for a bare address).
fn address_at(column: &Column, row: usize, family: IpFamily) -> Option<(u128, u32)> {
    let Column::String(values) = column else {
        return None;
    };
    let text = values[row].as_ref();
    match family {
        IpFamily::V4 => parse_ipv4(text).map(|(a, p)| (u128::from(a), p)),
        IpFamily::V6 => parse_ipv6(text),
    }
}

/// A range as key bytes: its prefix length, then its address with the bits past the prefix
/// cleared.
fn put_range(key: &mut Vec<u8>, address: u128, prefix: u32, family: IpFamily) {
    let width = match family {
        IpFamily::V4 => 32,
        IpFamily::V6 => 128,
    };
    let masked = match prefix {
        0 => 0,
        p => address & (u128::MAX << (width - p)),
    };
    key.push(prefix as u8);
    key.extend_from_slice(&masked.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::plan::{IpFamily, IpLookup, JoinSide, Node, Plan};
    use crate::table::{Type, Value};

    /// Input (ip) against ranges (net, name); output ip, net, name.
    fn lookup(
        ips: &[&str],
        ranges: &[(&str, &str)],
        family: IpFamily,
        keep: bool,
    ) -> Vec<Vec<Value>> {
        let input = values_plan(values(&[("ip", strings(ips))]));
        let nets: Vec<&str> = ranges.iter().map(|r| r.0).collect();
        let names: Vec<&str> = ranges.iter().map(|r| r.1).collect();
        let lookup = values_plan(values(&[
            ("net", strings(&nets)),
            ("name", strings(&names)),
        ]));
        let plan = Plan {
            schema: schema(&[
                ("ip", Type::String),
                ("net", Type::String),
                ("name", Type::String),
            ]),
            node: Node::IpLookup(Box::new(IpLookup {
                input: input.into(),
                lookup: lookup.into(),
                family,
                source_key: 0,
                lookup_key: 0,
                extra_keys: Vec::new(),
                keep_unmatched: keep,
                output: vec![
                    (JoinSide::Left, 0),
                    (JoinSide::Right, 0),
                    (JoinSide::Right, 1),
                ],
            })),
        };
        rows(&run(plan))
    }

    fn text(rows: Vec<Vec<Value>>) -> Vec<String> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|v| match v {
                        Value::String(s) => s.to_string(),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn every_range_holding_the_address_matches_in_table_order() {
        let ranges = [
            ("10.1.0.0/16", "wide"),
            ("10.1.2.0/24", "narrow"),
            ("10.1.2.3", "host"),
            ("10.9.0.1/8", "masked"),
            ("not an address", "bad"),
        ];
        let ips = [
            "10.1.2.3",
            "10.1.7.7",
            "10.200.0.1",
            "192.168.0.1",
            "x",
            "10.1.2.0/24",
        ];
        assert_eq!(
            text(lookup(&ips, &ranges, IpFamily::V4, false)),
            [
                "10.1.2.3 10.1.0.0/16 wide",
                "10.1.2.3 10.1.2.0/24 narrow",
                "10.1.2.3 10.1.2.3 host",
                "10.1.2.3 10.9.0.1/8 masked",
                "10.1.7.7 10.1.0.0/16 wide",
                "10.1.7.7 10.9.0.1/8 masked",
                "10.200.0.1 10.9.0.1/8 masked",
                "10.1.2.0/24 10.1.0.0/16 wide",
                "10.1.2.0/24 10.1.2.0/24 narrow",
                "10.1.2.0/24 10.9.0.1/8 masked",
            ]
        );
        assert_eq!(
            text(lookup(&["192.168.0.1", "x"], &ranges, IpFamily::V4, true)),
            ["192.168.0.1  ", "x  "]
        );
    }

    #[test]
    fn ipv6_ranges_hold_mapped_ipv4_addresses_too() {
        let ranges = [("2001:db8::/32", "doc"), ("::ffff:10.0.0.0/104", "ten")];
        assert_eq!(
            text(lookup(
                &["2001:db8:1::5", "10.2.3.4", "2001:db9::1"],
                &ranges,
                IpFamily::V6,
                false
            )),
            [
                "2001:db8:1::5 2001:db8::/32 doc",
                "10.2.3.4 ::ffff:10.0.0.0/104 ten"
            ]
        );
    }
}
