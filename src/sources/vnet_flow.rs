//! Azure VNet flow logs (flowLogVersion 4, FORMATS-REFERENCE.md §4) → flow tuples for
//! NTANetAnalytics. A record carries the target (VNet, subnet or NIC), the MAC and the flow-log
//! id; `flowRecords.flows[]` one ACL each, `flowGroups[]` one rule each, and 13-field tuples:
//! `time,src,dst,sport,dport,protocol#,I|O,B|C|E|D,encryption,pkts→,bytes→,pkts←,bytes←`.

use super::aggregate::FileAggregator;
use super::azure_ids::{flow_log_short, format_mac, target_type, ResourceId};
use super::diagnostics::Problem;
use super::flow_row::{Direction, FlowContext, FlowState, FlowTuple, Origin};
use super::json_stream::{for_each_record, Text};
use super::pushdown::FileFilter;
use super::tuple;
use crate::table::{empty_str, Str, TICKS_PER_SECOND};
use serde::Deserialize;

#[derive(Deserialize)]
struct RecordsFile<'a> {
    #[serde(borrow)]
    records: Vec<Record<'a>>,
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow, default)]
    time: Text<'a>,
    #[serde(rename = "macAddress", borrow, default)]
    mac: Text<'a>,
    #[serde(rename = "flowLogResourceID", borrow, default)]
    flow_log_id: Text<'a>,
    #[serde(rename = "targetResourceID", borrow, default)]
    target_id: Text<'a>,
    #[serde(rename = "flowRecords", borrow)]
    flow_records: FlowRecords<'a>,
}

#[derive(Deserialize)]
struct FlowRecords<'a> {
    #[serde(borrow, default)]
    flows: Vec<AclFlows<'a>>,
}

#[derive(Deserialize)]
struct AclFlows<'a> {
    #[serde(rename = "aclID", borrow, default)]
    acl: Text<'a>,
    #[serde(rename = "flowGroups", borrow, default)]
    groups: Vec<RuleGroup<'a>>,
}

#[derive(Deserialize)]
struct RuleGroup<'a> {
    #[serde(borrow, default)]
    rule: Text<'a>,
    #[serde(rename = "flowTuples", borrow, default)]
    tuples: Vec<Text<'a>>,
}

/// Read every record of one VNet flow-log file into `agg`, keeping only tuples whose rows
/// `filter` lets pass. `bad_bytes` are the offsets of bytes that were not UTF-8 (a tuple
/// holding one is skipped).
///
/// A well-formed `{"records": [...]}` file is parsed whole with sonic-rs (SIMD); any other
/// layout, or a file with a flaw, goes record by record through `json_stream`, which reports
/// each flaw where it is and keeps the rest.
pub fn read<'a>(
    text: &'a str,
    bad_bytes: &[usize],
    agg: &mut FileAggregator<'a>,
    filter: &mut FileFilter<'_>,
    problems: &mut Vec<Problem>,
) {
    let mut contexts = ContextCache::default();
    let mut each =
        |index: usize, offset: usize, record: Record<'a>, problems: &mut Vec<Problem>| {
            if !filter.keeps_record(record.time.as_str(), agg) {
                return;
            }
            for (f, acl_flows) in record.flow_records.flows.iter().enumerate() {
                for (g, group) in acl_flows.groups.iter().enumerate() {
                    let context =
                        contexts.get(agg, &record, acl_flows.acl.as_str(), group.rule.as_str());
                    if !filter.keeps_context(agg, context) {
                        continue;
                    }
                    for (t, raw) in group.tuples.iter().enumerate() {
                        let parsed = match raw.borrowed().filter(|_| bad_bytes.is_empty()) {
                            Some(text) => fast_tuple(text).ok_or(()),
                            None => Err(()),
                        };
                        let parsed = match parsed {
                            Ok(parsed) => parsed,
                            Err(()) => {
                                let at = tuple::offset_in(text, raw.as_str(), offset);
                                match tuple::checked(raw, bad_bytes, at).and_then(parse_tuple) {
                                    Ok(parsed) => parsed,
                                    Err(message) => {
                                        let site = format!(
                                            "record {}, flow {}, group {}, tuple {}",
                                            index + 1,
                                            f + 1,
                                            g + 1,
                                            t + 1
                                        );
                                        problems.push(Problem::new(at, site, message, 1));
                                        continue;
                                    }
                                }
                            }
                        };
                        if let Some((src, dst)) = filter.tuple(agg, &parsed) {
                            agg.add_interned(context, &parsed, src, dst);
                        }
                    }
                }
            }
        };
    if let Ok(file) = sonic_rs::from_str::<RecordsFile<'a>>(text) {
        for (index, record) in file.records.into_iter().enumerate() {
            each(index, 0, record, problems);
        }
        return;
    }
    for_each_record::<Record>(text, problems, each);
}

/// The fields of a well-formed tuple in one pass over its bytes (numbers are accumulated as
/// their digits are passed), or None for anything unusual: then `parse_tuple` reads it again
/// and says what is wrong.
fn fast_tuple(raw: &str) -> Option<FlowTuple<'_>> {
    let mut f = Fields {
        text: raw,
        at: 0,
        ended: false,
    };
    let (time, digits) = f.number()?;
    let time = match digits {
        0 => return None,
        // Milliseconds from 10^11 on, as `tuple::timestamp` reads them.
        _ if time >= 100_000_000_000 => i64::try_from(time).ok()?.checked_mul(10_000)?,
        _ => i64::try_from(time).ok()?.checked_mul(TICKS_PER_SECOND)?,
    };
    if time >= tuple::PAST_YEAR_9999 {
        return None; // `parse_tuple` says what is wrong
    }
    let src = f.text()?;
    let dst = f.text()?;
    let src_port = f.port()?;
    let dst_port = f.port()?;
    let protocol = match f.number()? {
        (n, 1..) if n <= 65_535 => n as u16,
        _ => return None,
    };
    let direction = match f.text()? {
        "I" => Direction::Inbound,
        "O" => Direction::Outbound,
        _ => return None,
    };
    let state = match f.text()? {
        "B" => FlowState::Begin,
        "C" => FlowState::Continuing,
        "E" => FlowState::End,
        "D" => FlowState::Deny,
        _ => return None,
    };
    let encryption = f.text()?;
    let mut counters = [0u64; 4];
    for c in &mut counters {
        *c = f.number()?.0;
    }
    if !f.ended {
        return None;
    }
    Some(FlowTuple {
        time,
        src,
        dst,
        src_port,
        dst_port,
        protocol,
        direction,
        state,
        denied: state == FlowState::Deny,
        encryption,
        counters,
    })
}

/// A cursor over a tuple's comma-separated fields.
struct Fields<'a> {
    text: &'a str,
    at: usize,
    /// The last field has been taken.
    ended: bool,
}

impl<'a> Fields<'a> {
    /// Step over the comma ending the field that stops at `at`, or note the end.
    fn close(&mut self) {
        if self.at >= self.text.len() {
            self.ended = true;
        } else {
            self.at += 1;
        }
    }

    /// A field of ASCII digits (possibly none) and how many there were; None for any other
    /// byte or more digits than `tuple::digits` takes.
    fn number(&mut self) -> Option<(u64, usize)> {
        if self.ended {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut n = 0u64;
        while let Some(&b) = bytes.get(self.at) {
            if b == b',' {
                break;
            }
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            n = n.wrapping_mul(10).wrapping_add(u64::from(d));
            self.at += 1;
        }
        let digits = self.at - start;
        self.close();
        (digits <= 19).then_some((n, digits))
    }

    /// A port: empty is none, else a number up to 65535.
    fn port(&mut self) -> Option<Option<u16>> {
        match self.number()? {
            (_, 0) => Some(None),
            (n, _) if n <= 65_535 => Some(Some(n as u16)),
            _ => None,
        }
    }

    fn text(&mut self) -> Option<&'a str> {
        if self.ended {
            return None;
        }
        let rest = &self.text.as_bytes()[self.at..];
        let len = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
        let field = &self.text[self.at..self.at + len];
        self.at += len;
        self.close();
        Some(field)
    }
}

/// One tuple's 13 fields.
pub fn parse_tuple(raw: &str) -> Result<FlowTuple<'_>, String> {
    let mut f = [""; tuple::MAX_FIELDS];
    let n = tuple::split(raw, &mut f);
    if n != 13 {
        return Err(format!(
            "expected 13 comma-separated fields, found {}",
            if n > 13 {
                "more".to_string()
            } else {
                n.to_string()
            }
        ));
    }
    let direction = match f[6] {
        "I" => Direction::Inbound,
        "O" => Direction::Outbound,
        other => return Err(format!("flow direction `{other}` is neither I nor O")),
    };
    let state = match f[7] {
        "B" => FlowState::Begin,
        "C" => FlowState::Continuing,
        "E" => FlowState::End,
        "D" => FlowState::Deny,
        other => return Err(format!("flow state `{other}` is not B, C, E or D")),
    };
    Ok(FlowTuple {
        time: tuple::timestamp(f[0])?,
        src: f[1],
        dst: f[2],
        src_port: tuple::port(f[3], "source")?,
        dst_port: tuple::port(f[4], "destination")?,
        protocol: tuple::protocol_number(f[5])?,
        direction,
        state,
        denied: state == FlowState::Deny,
        encryption: f[8],
        counters: [
            tuple::counter(f[9], "packets sent source to destination")?,
            tuple::counter(f[10], "bytes sent source to destination")?,
            tuple::counter(f[11], "packets sent destination to source")?,
            tuple::counter(f[12], "bytes sent destination to source")?,
        ],
    })
}

/// Contexts already built in this file, found again by their raw strings (records of one file
/// nearly always share target, MAC and flow log).
#[derive(Default)]
struct ContextCache {
    entries: Vec<([String; 5], u32)>,
}

impl ContextCache {
    fn get<'a>(
        &mut self,
        agg: &mut FileAggregator<'a>,
        record: &Record<'_>,
        acl: &str,
        rule: &str,
    ) -> u32 {
        let raw = [
            record.target_id.as_str(),
            record.flow_log_id.as_str(),
            record.mac.as_str(),
            acl,
            rule,
        ];
        if let Some((_, id)) = self
            .entries
            .iter()
            .find(|(k, _)| k.iter().zip(&raw).all(|(a, b)| a == b))
        {
            return *id;
        }
        let target = ResourceId::parse(raw[0]);
        let s = |text: &str| Str::from(text);
        let id = agg.context(FlowContext {
            origin: Origin::Vnet,
            target_id: s(&target.short()),
            target_type: s(target_type(target.kind())),
            flow_log_id: s(&flow_log_short(raw[1])),
            log_resource_id: s(raw[1]),
            resource_id: s(raw[0]),
            subscription: s(target.subscription),
            mac: s(&format_mac(raw[2])),
            acl_group: s(acl),
            acl_rule: s(rule),
            nsg_list: empty_str(),
            nsg_rule: empty_str(),
            nsg_rule_type: empty_str(),
        });
        self.entries.push((raw.map(str::to_string), id));
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::flow_row::FlowRow;
    use crate::table::TICKS_PER_SECOND;

    const HOUR: i64 = 3600 * TICKS_PER_SECOND;

    fn file(tuples: &[&str]) -> String {
        let list = tuples
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(",");
        format!(
            r#"{{"records":[{{"time":"2024-05-09T10:00:52.5625085Z","flowLogVersion":4,"flowLogGUID":"g","macAddress":"002248E65432","category":"FlowLogFlowEvent","flowLogResourceID":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_JAPANEAST/FLOWLOGS/FL-HUB","targetResourceID":"/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub","operationName":"FlowLogFlowEvent","flowRecords":{{"flows":[{{"aclID":"acl-1","flowGroups":[{{"rule":"DefaultRule_AllowVnetInBound","flowTuples":[{list}]}}]}}]}}}}]}}"#
        )
    }

    fn rows(text: &str, interval: i64) -> (Vec<FlowRow>, Vec<Problem>) {
        let mut agg = FileAggregator::new(interval);
        let mut problems = Vec::new();
        read(text, &[], &mut agg, &mut FileFilter::none(), &mut problems);
        (agg.finish(), problems)
    }

    #[test]
    fn maps_every_field() {
        let text = file(&["1715248853599,10.12.1.4,10.10.1.4,50001,443,6,O,E,X,3,767,2,1580"]);
        let (rows, problems) = rows(&text, 0);
        assert!(problems.is_empty(), "{problems:?}");
        let r = &rows[0];
        assert_eq!(r.flow_start, 1_715_248_853_599 * 10_000);
        assert_eq!((&*r.src_ip, &*r.dst_ip), ("10.12.1.4", "10.10.1.4"));
        assert_eq!(
            (r.src_ports.clone(), r.dst_port, r.protocol),
            (vec![50001], Some(443), 6)
        );
        assert_eq!((r.direction, r.denied), (Direction::Outbound, false));
        assert_eq!(&*r.encryption, "X");
        assert_eq!(r.counters, [3, 767, 2, 1580]);
        assert_eq!((r.completed, r.allowed_out, r.records), (1, 0, 1));
        let c = &r.context;
        assert_eq!(&*c.target_id, "s1/rg-net/vnet-hub");
        assert_eq!(&*c.target_type, "VirtualNetwork");
        assert_eq!(
            &*c.flow_log_id,
            "NETWORKWATCHERRG/NETWORKWATCHER_JAPANEAST/FL-HUB"
        );
        assert!(c.log_resource_id.ends_with("/FLOWLOGS/FL-HUB"));
        assert_eq!(&*c.mac, "00-22-48-E6-54-32");
        assert_eq!(
            (&*c.acl_group, &*c.acl_rule),
            ("acl-1", "DefaultRule_AllowVnetInBound")
        );
        assert_eq!(&*c.subscription, "s1");
    }

    #[test]
    fn seconds_and_milliseconds_and_empty_counters() {
        let text = file(&[
            "1715248853,10.12.1.4,10.10.1.4,50001,443,6,O,B,NX,,,,",
            "1715248853000,10.12.1.4,10.10.1.4,50002,443,6,O,B,NX,0,0,0,0",
            "1715248860,203.0.113.9,10.12.1.4,6000,22,6,I,D,NX,,,,",
        ]);
        let (rows, problems) = rows(&text, HOUR);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        // Rows come in key order: the denied one's blanked public source sorts first.
        let (denied, allowed) = (&rows[0], &rows[1]);
        assert_eq!(allowed.flow_start, 1_715_248_853 * TICKS_PER_SECOND);
        assert_eq!(allowed.flow_end, 1_715_248_853 * TICKS_PER_SECOND);
        assert_eq!(allowed.allowed_out, 2);
        assert_eq!(allowed.counters, [0; 4]);
        assert_eq!(allowed.src_ports, vec![50001, 50002]);
        assert!(denied.denied);
        assert_eq!((denied.denied_in, denied.allowed_in), (1, 0));
        assert_eq!(&*denied.src_ip, "");
        assert_eq!(denied.src_public[0].text(), "203.0.113.9|1|0|0|0|0|0");
    }

    #[test]
    fn bad_tuples_are_reported_and_skipped() {
        let text = file(&[
            "1715248853,10.12.1.4,10.10.1.4,50001,443,6,O,B,NX,,,",
            "1715248853,10.12.1.4,10.10.1.4,http,443,6,O,B,NX,,,,",
            "1715248853,10.12.1.4,10.10.1.4,50001,443,tcp,O,B,NX,,,,",
            "1715248853,10.12.1.4,10.10.1.4,50001,443,47,O,B,NX,,,,",
        ]);
        let (rows, problems) = rows(&text, HOUR);
        assert_eq!(rows.len(), 1, "the GRE tuple (protocol 47) is valid");
        assert_eq!(rows[0].protocol, 47);
        assert_eq!(problems.len(), 3);
        assert_eq!(problems[0].position, "record 1, flow 1, group 1, tuple 1");
        assert!(
            problems[0].message.contains("expected 13"),
            "{}",
            problems[0].message
        );
        assert_eq!(problems[1].position, "record 1, flow 1, group 1, tuple 2");
        assert!(problems[1].message.contains("source port `http`"));
        assert!(problems[2].message.contains("protocol `tcp`"));
        assert_eq!(
            &text[problems[1].offset..problems[1].offset + 10],
            "1715248853"
        );
    }
}
