//! Azure NSG flow logs, versions 1 and 2 (FORMATS-REFERENCE.md §5) → flow tuples for
//! AzureNetworkAnalytics_CL (and NTANetAnalytics with `--nta-from nsg`). A record carries the
//! NSG id; `properties.flows[]` one rule each, `flows[]` one MAC each, and tuples of 8 fields
//! (v1: `time,src,dst,sport,dport,T|U,I|O,A|D`) or 13 (v2 adds `B|C|E` and four counters).

use super::aggregate::FileAggregator;
use super::azure_ids::{format_mac, nsg_rule, ResourceId};
use super::diagnostics::Problem;
use super::flow_row::{Direction, FlowContext, FlowState, FlowTuple, Origin};
use super::json_stream::{for_each_record, Text};
use super::pushdown::FileFilter;
use super::tuple;
use crate::table::{empty_str, Str};
use serde::Deserialize;

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(
        rename = "resourceId",
        alias = "resourceid",
        alias = "resourceID",
        borrow,
        default
    )]
    resource_id: Text<'a>,
    #[serde(borrow)]
    properties: Properties<'a>,
}

#[derive(Deserialize)]
struct Properties<'a> {
    #[serde(rename = "Version", default)]
    version: Option<u32>,
    #[serde(borrow, default)]
    flows: Vec<RuleFlows<'a>>,
}

#[derive(Deserialize)]
struct RuleFlows<'a> {
    #[serde(borrow, default)]
    rule: Text<'a>,
    #[serde(borrow, default)]
    flows: Vec<MacFlows<'a>>,
}

#[derive(Deserialize)]
struct MacFlows<'a> {
    #[serde(borrow, default)]
    mac: Text<'a>,
    #[serde(rename = "flowTuples", borrow, default)]
    tuples: Vec<Text<'a>>,
}

/// Read every record of one NSG flow-log file into `agg` (see `vnet_flow::read`).
pub fn read<'a>(
    text: &'a str,
    bad_bytes: &[usize],
    agg: &mut FileAggregator<'a>,
    filter: &mut FileFilter<'_>,
    problems: &mut Vec<Problem>,
) {
    let mut contexts: Vec<([String; 3], u32)> = Vec::new();
    for_each_record::<Record>(text, problems, |index, offset, record, problems| {
        let fields = match record.properties.version {
            Some(1) => Some(8),
            Some(2) => Some(13),
            _ => None,
        };
        for (r, rule_flows) in record.properties.flows.iter().enumerate() {
            for (m, mac_flows) in rule_flows.flows.iter().enumerate() {
                let raw = [
                    record.resource_id.as_str(),
                    rule_flows.rule.as_str(),
                    mac_flows.mac.as_str(),
                ];
                let context = match contexts
                    .iter()
                    .find(|(k, _)| k.iter().zip(&raw).all(|(a, b)| a == b))
                {
                    Some((_, id)) => *id,
                    None => {
                        let id = agg.context(context_of(raw));
                        contexts.push((raw.map(str::to_string), id));
                        id
                    }
                };
                if !filter.keeps_context(agg, context) {
                    continue;
                }
                for (t, raw) in mac_flows.tuples.iter().enumerate() {
                    let at = tuple::offset_in(text, raw.as_str(), offset);
                    match tuple::checked(raw, bad_bytes, at).and_then(|s| parse_tuple(s, fields)) {
                        Ok(parsed) => {
                            if let Some((src, dst)) = filter.tuple(agg, &parsed) {
                                agg.add_interned(context, &parsed, src, dst);
                            }
                        }
                        Err(message) => problems.push(Problem::new(
                            at,
                            format!(
                                "record {}, rule {}, mac {}, tuple {}",
                                index + 1,
                                r + 1,
                                m + 1,
                                t + 1
                            ),
                            message,
                            1,
                        )),
                    }
                }
            }
        }
    });
}

fn context_of([resource_id, rule, mac]: [&str; 3]) -> FlowContext {
    let nsg = ResourceId::parse(resource_id);
    let short = nsg.short();
    let (rule_name, rule_type) = nsg_rule(rule);
    let s = |text: &str| Str::from(text);
    let nsg_list = s(&short.to_lowercase());
    FlowContext {
        origin: Origin::Nsg,
        target_id: s(&short),
        target_type: s("NetworkSecurityGroup"),
        flow_log_id: empty_str(),
        log_resource_id: s(resource_id),
        resource_id: s(resource_id),
        subscription: s(nsg.subscription),
        mac: s(&format_mac(mac)),
        acl_group: nsg_list.clone(),
        acl_rule: s(rule),
        nsg_list,
        nsg_rule: s(&rule_name),
        nsg_rule_type: s(rule_type),
    }
}

/// One tuple: 8 fields (v1) or 13 (v2); `fields` is what the record's `Version` says, if known.
pub fn parse_tuple(raw: &str, fields: Option<usize>) -> Result<FlowTuple<'_>, String> {
    let mut f = [""; tuple::MAX_FIELDS];
    let n = tuple::split(raw, &mut f);
    let expected = fields.unwrap_or(if n == 8 { 8 } else { 13 });
    if n != expected {
        return Err(format!(
            "expected {expected} comma-separated fields (NSG flow log version {}), found {}",
            if expected == 8 { 1 } else { 2 },
            if n > tuple::MAX_FIELDS {
                "more".to_string()
            } else {
                n.to_string()
            }
        ));
    }
    let direction = match f[6] {
        "I" => Direction::Inbound,
        "O" => Direction::Outbound,
        other => return Err(format!("traffic flow `{other}` is neither I nor O")),
    };
    let denied = match f[7] {
        "A" => false,
        "D" => true,
        other => return Err(format!("traffic decision `{other}` is neither A nor D")),
    };
    let (state, counters) = if n == 8 {
        (FlowState::Stateless, [0; 4])
    } else {
        let state = match f[8] {
            "B" => FlowState::Begin,
            "C" => FlowState::Continuing,
            "E" => FlowState::End,
            other => return Err(format!("flow state `{other}` is not B, C or E")),
        };
        let counters = [
            tuple::counter(f[9], "packets sent source to destination")?,
            tuple::counter(f[10], "bytes sent source to destination")?,
            tuple::counter(f[11], "packets sent destination to source")?,
            tuple::counter(f[12], "bytes sent destination to source")?,
        ];
        (state, counters)
    };
    Ok(FlowTuple {
        time: tuple::timestamp(f[0])?,
        src: f[1],
        dst: f[2],
        src_port: tuple::port(f[3], "source")?,
        dst_port: tuple::port(f[4], "destination")?,
        protocol: tuple::protocol_letter(f[5])?,
        direction,
        state,
        denied,
        encryption: "",
        counters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::flow_row::FlowRow;
    use crate::table::TICKS_PER_SECOND;

    const HOUR: i64 = 3600 * TICKS_PER_SECOND;

    pub fn file(version: u32, groups: &[(&str, &[&str])]) -> String {
        let flows = groups
            .iter()
            .map(|(rule, tuples)| {
                let list = tuples.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(",");
                format!(r#"{{"rule":"{rule}","flows":[{{"mac":"7C1E5223B81E","flowTuples":[{list}]}}]}}"#)
            })
            .collect::<Vec<_>>()
            .join(",");
        format!(
            r#"{{"records":[{{"time":"2024-09-19T05:59:35.3899262Z","systemId":"x","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG-TEST-NSGFLOW/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-TEST-WEB","operationName":"NetworkSecurityGroupFlowEvents","properties":{{"Version":{version},"flows":[{flows}]}}}}]}}"#
        )
    }

    fn rows(text: &str) -> (Vec<FlowRow>, Vec<Problem>) {
        let mut agg = FileAggregator::new(HOUR);
        let mut problems = Vec::new();
        read(text, &[], &mut agg, &mut FileFilter::none(), &mut problems);
        (agg.finish(), problems)
    }

    #[test]
    fn version_2_tuples() {
        let text = file(
            2,
            &[
                (
                    "DefaultRule_AllowVnetInBound",
                    &[
                        "1726725575,10.8.0.4,10.8.0.68,50100,80,T,I,A,E,5,560,0,0",
                        "1726725576,10.8.0.4,10.8.0.68,50101,80,T,I,A,E,5,560,0,0",
                    ],
                ),
                (
                    "DefaultRule_DenyAllInBound",
                    &["1726725580,113.4.137.244,10.8.0.68,40000,23,T,I,D,B,,,,"],
                ),
            ],
        );
        let (rows, problems) = rows(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        let web = &rows[0];
        assert_eq!(web.counters, [10, 1120, 0, 0]);
        assert_eq!((web.completed, web.flow_count()), (2, 0));
        assert_eq!(&*web.context.nsg_rule, "allowvnetinbound");
        assert_eq!(&*web.context.nsg_rule_type, "Default");
        assert_eq!(&*web.context.nsg_list, "s1/rg-test-nsgflow/nsg-test-web");
        assert_eq!(&*web.context.target_id, "S1/RG-TEST-NSGFLOW/NSG-TEST-WEB");
        assert_eq!(&*web.context.mac, "7C-1E-52-23-B8-1E");
        let telnet = &rows[1];
        assert!(telnet.denied);
        assert_eq!((telnet.denied_in, telnet.flow_count()), (1, 1));
        assert_eq!(telnet.src_public[0].text(), "113.4.137.244|1|0|0|0|0|0");
        assert_eq!(telnet.flow_start, 1_726_725_580 * TICKS_PER_SECOND);
    }

    #[test]
    fn version_1_tuples_are_all_started_flows() {
        let text = file(
            1,
            &[(
                "UserRule_default-allow-rdp",
                &[
                    "1487282431,192.0.2.17,10.1.0.4,61771,3389,T,I,A",
                    "1487282421,192.0.2.95,10.1.0.4,51529,3389,T,I,A",
                ],
            )],
        );
        let (rows, problems) = rows(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].allowed_in, rows[0].completed), (2, 0));
        assert_eq!(&*rows[0].context.nsg_rule_type, "User Defined");
        assert_eq!(&*rows[0].context.nsg_rule, "default-allow-rdp");
        assert_eq!(rows[0].src_public.len(), 2);
    }

    #[test]
    fn wrong_field_count_and_bad_fields() {
        let text = file(
            2,
            &[(
                "DefaultRule_DenyAllInBound",
                &[
                    "1726725580,1.2.3.4,10.8.0.68,40000,23,T,I,D",
                    "1726725580,1.2.3.4,10.8.0.68,40000,23,X,I,D,B,,,,",
                    "1726725580,1.2.3.4,10.8.0.68,4000a,23,T,I,D,B,,,,",
                    "1726725580,1.2.3.4,10.8.0.68,40000,23,T,I,D,B,,,,",
                ],
            )],
        );
        let (rows, problems) = rows(&text);
        assert_eq!(rows.len(), 1);
        assert_eq!(problems.len(), 3);
        assert_eq!(problems[0].position, "record 1, rule 1, mac 1, tuple 1");
        assert!(problems[0].message.contains("expected 13"));
        assert!(problems[1].message.contains("protocol `X`"));
        assert!(problems[2].message.contains("source port `4000a`"));
    }
}
