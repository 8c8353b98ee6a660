//! AWS VPC flow-log records → Traffic-Analytics flow tuples, so `--nta-from aws` puts AWS
//! traffic into NTANetAnalytics beside Azure's (TABLES.md, "AWS VPC flow logs").
//!
//! Each record is one started flow (no B/C/E states in AWS logs) captured at its
//! `interface-id` (`TargetResourceId`, type `AwsNetworkInterface`, `FaSchemaVersion` "aws"):
//! `start` picks the interval, `FlowEndTime` reaches the latest `end`, `packets`/`bytes` are the
//! source → destination counters, REJECT is denied, and a format without `flow-direction`
//! leaves the direction empty (its flows count in neither direction). NODATA and SKIPDATA
//! records make no row.

use super::aggregate::FileAggregator;
use super::diagnostics::Problem;
use super::flow_row::{Direction, FlowContext, FlowState, FlowTuple, Origin};
use super::read_issue::Position;
use super::vpc_flow::{self, AwsFlow};
use crate::table::{empty_str, Str};
use rustc_hash::FxHashMap;

/// Feed every flow record of `text` to `agg`; bad records become problems at their line.
pub fn aggregate<'a>(text: &'a str, agg: &mut FileAggregator<'a>, problems: &mut Vec<Problem>) {
    let mut contexts: FxHashMap<&'a str, u32> = FxHashMap::default();
    let issues = vpc_flow::for_each_flow(text, "", |flow: &AwsFlow<'a>| {
        let context = *contexts
            .entry(flow.interface_id)
            .or_insert_with(|| agg.context(aws_context(flow.interface_id)));
        let port = |p: Option<i64>| p.and_then(|p| u16::try_from(p).ok());
        let tuple = FlowTuple {
            time: flow.start,
            src: flow.src_addr,
            dst: flow.dst_addr,
            src_port: port(flow.src_port),
            dst_port: port(flow.dst_port),
            protocol: flow
                .protocol
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(0),
            direction: match flow.direction {
                Some(vpc_flow::Direction::Inbound) => Direction::Inbound,
                Some(vpc_flow::Direction::Outbound) => Direction::Outbound,
                None => Direction::Unknown,
            },
            state: FlowState::Stateless,
            denied: flow.denied,
            encryption: "",
            counters: [
                u64::try_from(flow.packets).unwrap_or(0),
                u64::try_from(flow.bytes).unwrap_or(0),
                0,
                0,
            ],
        };
        agg.add_span(context, &tuple, flow.end);
    });
    if issues.is_empty() {
        return;
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    for issue in issues {
        let (offset, position) = match issue.position {
            Position::Line(n) => (line_starts.get(n - 1).copied().unwrap_or(0), String::new()),
            Position::Record(n) => (0, format!("record {n}")),
            Position::File => (0, String::new()),
        };
        problems.push(Problem::new(offset, position, issue.message, issue.skipped));
    }
}

fn aws_context(interface_id: &str) -> FlowContext {
    let none = empty_str;
    FlowContext {
        origin: Origin::Aws,
        target_id: Str::from(interface_id),
        target_type: Str::from("AwsNetworkInterface"),
        flow_log_id: none(),
        log_resource_id: none(),
        resource_id: none(),
        subscription: none(),
        mac: none(),
        acl_group: none(),
        acl_rule: none(),
        nsg_list: none(),
        nsg_rule: none(),
        nsg_rule_type: none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::TICKS_PER_SECOND;

    #[test]
    fn records_become_rows_grouped_like_traffic_analytics() {
        let text = "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction\n\
5 eni-1 203.0.113.9 10.0.0.5 50000 443 6 10 1000 3600 3650 ACCEPT OK ingress\n\
5 eni-1 198.51.100.7 10.0.0.5 50001 443 6 5 500 3700 3800 ACCEPT OK ingress\n\
5 eni-1 10.0.0.9 10.0.0.5 40000 22 6 1 40 3700 3710 REJECT OK ingress\n\
5 eni-1 - - - - - - - 3600 3660 - NODATA -\n\
5 eni-1 10.0.0.9 10.0.0.5 x 22 6 1 40 3700 3710 REJECT OK ingress\n";
        let mut agg = FileAggregator::new(3600 * TICKS_PER_SECOND);
        let mut problems = Vec::new();
        aggregate(text, &mut agg, &mut problems);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].offset,
            text.match_indices('\n').nth(4).unwrap().0 + 1
        );
        let rows = agg.finish();
        assert_eq!(rows.len(), 2, "the two public sources share one row");
        let public = &rows[0];
        assert_eq!(&*public.src_ip, "");
        assert_eq!(public.src_public.len(), 2);
        assert_eq!(public.counters, [15, 1500, 0, 0]);
        assert_eq!(public.allowed_in, 2);
        assert_eq!(public.records, 2);
        assert_eq!(public.flow_start, 3600 * TICKS_PER_SECOND);
        assert_eq!(
            public.flow_end,
            3800 * TICKS_PER_SECOND,
            "FlowEndTime is the latest `end`"
        );
        assert_eq!(public.src_ports, vec![50000, 50001]);
        assert_eq!(&*public.context.target_id, "eni-1");
        assert_eq!(public.context.origin, Origin::Aws);
        let denied = &rows[1];
        assert!(denied.denied);
        assert_eq!((denied.denied_in, denied.allowed_in), (1, 0));
    }

    #[test]
    fn without_flow_direction_flows_count_in_no_direction() {
        let text = "2 1 eni-2 10.0.0.1 10.0.0.2 1 80 6 3 300 100 160 ACCEPT OK\n";
        let mut agg = FileAggregator::new(0);
        aggregate(text, &mut agg, &mut Vec::new());
        let rows = agg.finish();
        assert_eq!(rows[0].direction, Direction::Unknown);
        assert_eq!(rows[0].flow_count(), 0);
        assert_eq!(rows[0].records, 1);
    }
}
