//! Azure VNet flow logs (flowLogVersion 4, FORMATS-REFERENCE.md §4) → flow tuples for
//! NTANetAnalytics. A record carries the target (VNet, subnet or NIC), the MAC and the flow-log
//! id; `flowRecords.flows[]` one ACL each, `flowGroups[]` one rule each, and 13-field tuples:
//! `time,src,dst,sport,dport,protocol#,I|O,B|C|E|D,encryption,pkts→,bytes→,pkts←,bytes←`.

use super::aggregate::{Direction, FileAggregator, FlowContext, FlowState, FlowTuple, Origin};
use super::azure_ids::{flow_log_short, format_mac, target_type, ResourceId};
use super::diagnostics::Problem;
use super::json_stream::{for_each_record, Text};
use super::tuple;
use crate::table::{empty_str, Str};
use serde::Deserialize;

#[derive(Deserialize)]
struct Record<'a> {
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

/// Read every record of one VNet flow-log file into `agg`. `bad_bytes` are the offsets of bytes
/// that were not UTF-8 (a tuple holding one is skipped).
pub fn read<'a>(
    text: &'a str,
    bad_bytes: &[usize],
    agg: &mut FileAggregator<'a>,
    problems: &mut Vec<Problem>,
) {
    let mut contexts = ContextCache::default();
    for_each_record::<Record>(text, problems, |index, offset, record, problems| {
        for (f, acl_flows) in record.flow_records.flows.iter().enumerate() {
            for (g, group) in acl_flows.groups.iter().enumerate() {
                let context =
                    contexts.get(agg, &record, acl_flows.acl.as_str(), group.rule.as_str());
                for (t, raw) in group.tuples.iter().enumerate() {
                    let site = || {
                        format!(
                            "record {}, flow {}, group {}, tuple {}",
                            index + 1,
                            f + 1,
                            g + 1,
                            t + 1
                        )
                    };
                    let at = tuple::offset_in(text, raw.as_str(), offset);
                    match tuple::checked(raw, bad_bytes, at).and_then(parse_tuple) {
                        Ok(parsed) => agg.add(context, &parsed),
                        Err(message) => problems.push(Problem::new(at, site(), message, 1)),
                    }
                }
            }
        }
    });
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
    use crate::sources::aggregate::FlowRow;
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
        read(text, &[], &mut agg, &mut problems);
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
        assert_eq!(rows[0].flow_start, 1_715_248_853 * TICKS_PER_SECOND);
        assert_eq!(rows[0].flow_end, 1_715_248_853 * TICKS_PER_SECOND);
        assert_eq!(rows[0].allowed_out, 2);
        assert_eq!(rows[0].counters, [0; 4]);
        assert_eq!(rows[0].src_ports, vec![50001, 50002]);
        let denied = &rows[1];
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
