//! Flow rows as Traffic Analytics lays them out (TABLES.md, "Flow rows"): a raw tuple
//! ([`FlowTuple`]), what the tuples of one flow group share ([`FlowContext`]), an aggregated row
//! ([`FlowRow`]) and read access to a row however it is held ([`RowView`]).

use crate::table::{empty_str, Str};
use std::net::IpAddr;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Inbound,
    Outbound,
    /// AWS records of a format without `flow-direction`: counted in no direction's flows.
    Unknown,
}

/// The flow state field of a tuple (`Stateless` for NSG v1 tuples, which have none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowState {
    Begin,
    Continuing,
    End,
    Deny,
    Stateless,
}

/// Which raw log a row came from; decides `FaSchemaVersion` and the NSG columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    Vnet,
    Nsg,
    Aws,
}

/// What every tuple of one flow group of one record shares: where it was captured and which
/// rule decided it, already formatted as the row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowContext {
    pub origin: Origin,
    /// `<subscription>/<resourceGroup>/<name>` of the VNet, subnet or NIC (VNet logs) or NSG.
    pub target_id: Str,
    /// VirtualNetwork, Subnet, NetworkInterface or NetworkSecurityGroup.
    pub target_type: Str,
    /// `<resourceGroup>/<networkWatcher>/<flowLog>` (VNet logs).
    pub flow_log_id: Str,
    /// The full raw id of the resource that wrote the log (flow log, or NSG).
    pub log_resource_id: Str,
    /// `_ResourceId`: the full id of the target.
    pub resource_id: Str,
    pub subscription: Str,
    /// `00-22-48-E6-54-32`.
    pub mac: Str,
    pub acl_group: Str,
    pub acl_rule: Str,
    /// NSG rows: `<sub>/<rg>/<nsg>` lower case, rule without prefix lower case, rule type.
    pub nsg_list: Str,
    pub nsg_rule: Str,
    pub nsg_rule_type: Str,
}

/// One raw tuple, its fields parsed, strings borrowed from the file.
#[derive(Debug, Clone, Copy)]
pub struct FlowTuple<'a> {
    /// Ticks since the epoch.
    pub time: i64,
    pub src: &'a str,
    pub dst: &'a str,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    /// IANA protocol number (NSG `T`/`U` already mapped to 6/17).
    pub protocol: u16,
    pub direction: Direction,
    pub state: FlowState,
    pub denied: bool,
    /// The raw encryption code (`X`, `NX`, …); empty for NSG tuples.
    pub encryption: &'a str,
    /// Packets src→dest, bytes src→dest, packets dest→src, bytes dest→src.
    pub counters: [u64; 4],
}

impl FlowTuple<'_> {
    /// A started flow (state `B`, or any NSG v1 tuple) that was allowed, or a denied flow: what
    /// the flow counters and a public-IP entry's "started" count.
    pub(super) fn flows(&self) -> u64 {
        let started = matches!(self.state, FlowState::Begin | FlowState::Stateless);
        u64::from(started || self.denied)
    }

    pub(super) fn completed(&self) -> u64 {
        u64::from(self.state == FlowState::End)
    }

    /// Which of a row's flow counters (allowed in, allowed out, denied in, denied out) this
    /// tuple's flows go to; none for an AWS record without a direction.
    pub(super) fn flow_slot(&self) -> Option<usize> {
        flow_slot(self.denied, self.direction)
    }
}

/// Which of a row's flow counters (allowed in, allowed out, denied in, denied out) flows of this
/// status and direction go to; none without a direction (AWS). Both are part of a row's key, so
/// a row's flows all go to one slot.
pub(super) fn flow_slot(denied: bool, direction: Direction) -> Option<usize> {
    match (denied, direction) {
        (false, Direction::Inbound) => Some(0),
        (false, Direction::Outbound) => Some(1),
        (true, Direction::Inbound) => Some(2),
        (true, Direction::Outbound) => Some(3),
        (_, Direction::Unknown) => None,
    }
}

/// Counts of one public address in a row: flows started, flows completed, packets src→dest,
/// packets dest→src, bytes src→dest, bytes dest→src (the order of the entry's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicEntry {
    pub ip: Str,
    pub counts: [u64; 6],
}

impl PublicEntry {
    /// `<IP>|<started>|<completed>|<packets s→d>|<packets d→s>|<bytes s→d>|<bytes d→s>`.
    pub fn text(&self) -> String {
        let c = &self.counts;
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.ip, c[0], c[1], c[2], c[3], c[4], c[5]
        )
    }
}

pub(super) fn entry_counts(t: &FlowTuple<'_>) -> [u64; 6] {
    let c = &t.counters;
    [t.flows(), t.completed(), c[0], c[2], c[1], c[3]]
}

/// One aggregated flow row, before it is laid out as a table's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow {
    pub context: Arc<FlowContext>,
    pub interval_start: i64,
    pub interval_end: i64,
    pub flow_start: i64,
    pub flow_end: i64,
    /// Empty when the source is public.
    pub src_ip: Str,
    /// Empty when the destination is public.
    pub dst_ip: Str,
    pub dst_port: Option<u16>,
    pub protocol: u16,
    pub direction: Direction,
    pub denied: bool,
    /// The earliest tuple's encryption code (ties: the smaller text), and that tuple's time.
    pub encryption: Str,
    pub encryption_time: i64,
    /// Packets src→dest, bytes src→dest, packets dest→src, bytes dest→src.
    pub counters: [u64; 4],
    pub allowed_in: u64,
    pub allowed_out: u64,
    pub denied_in: u64,
    pub denied_out: u64,
    pub completed: u64,
    pub records: u64,
    /// Distinct source ports, ascending.
    pub src_ports: Vec<u16>,
    /// Public sources / destinations, ascending by address text.
    pub src_public: Vec<PublicEntry>,
    pub dst_public: Vec<PublicEntry>,
}

impl FlowRow {
    /// Started flows, allowed plus denied (`FlowCount_d`).
    #[cfg(test)]
    pub fn flow_count(&self) -> u64 {
        self.allowed_in + self.allowed_out + self.denied_in + self.denied_out
    }

    /// A row of `context` with every other field empty or zero, for evaluating a pushed-down
    /// predicate on the values a caller fills in (see `pushdown`).
    pub fn probe(context: Arc<FlowContext>) -> FlowRow {
        FlowRow {
            context,
            interval_start: 0,
            interval_end: 0,
            flow_start: 0,
            flow_end: 0,
            src_ip: empty_str(),
            dst_ip: empty_str(),
            dst_port: None,
            protocol: 0,
            direction: Direction::Inbound,
            denied: false,
            encryption: empty_str(),
            encryption_time: 0,
            counters: [0; 4],
            allowed_in: 0,
            allowed_out: 0,
            denied_in: 0,
            denied_out: 0,
            completed: 0,
            records: 0,
            src_ports: Vec::new(),
            src_public: Vec::new(),
            dst_public: Vec::new(),
        }
    }
}

/// Read access to one flow row, whether it was built as a [`FlowRow`] (aggregated rows) or is
/// read straight from a file's tuples ([`super::tuple_rows::TupleRows`], `--interval 0`, where building a row
/// struct per tuple would cost more than laying out the columns).
pub trait RowView {
    fn context(&self) -> &FlowContext;
    fn interval_start(&self) -> i64;
    fn interval_end(&self) -> i64;
    fn flow_start(&self) -> i64;
    fn flow_end(&self) -> i64;
    fn src_ip(&self) -> &Str;
    fn dst_ip(&self) -> &Str;
    fn dst_port(&self) -> Option<u16>;
    fn protocol(&self) -> u16;
    fn direction(&self) -> Direction;
    fn denied(&self) -> bool;
    fn encryption(&self) -> &Str;
    fn counters(&self) -> [u64; 4];
    /// Allowed in, allowed out, denied in, denied out.
    fn flows(&self) -> [u64; 4];
    fn completed(&self) -> u64;
    fn records(&self) -> u64;
    /// Distinct source ports, ascending.
    fn src_ports(&self) -> &[u16];
    fn src_public(&self) -> &[PublicEntry];
    fn dst_public(&self) -> &[PublicEntry];
    /// Started flows, allowed plus denied (`FlowCount_d`).
    fn flow_count(&self) -> u64 {
        self.flows().iter().sum()
    }
}

impl RowView for FlowRow {
    fn context(&self) -> &FlowContext {
        &self.context
    }
    fn interval_start(&self) -> i64 {
        self.interval_start
    }
    fn interval_end(&self) -> i64 {
        self.interval_end
    }
    fn flow_start(&self) -> i64 {
        self.flow_start
    }
    fn flow_end(&self) -> i64 {
        self.flow_end
    }
    fn src_ip(&self) -> &Str {
        &self.src_ip
    }
    fn dst_ip(&self) -> &Str {
        &self.dst_ip
    }
    fn dst_port(&self) -> Option<u16> {
        self.dst_port
    }
    fn protocol(&self) -> u16 {
        self.protocol
    }
    fn direction(&self) -> Direction {
        self.direction
    }
    fn denied(&self) -> bool {
        self.denied
    }
    fn encryption(&self) -> &Str {
        &self.encryption
    }
    fn counters(&self) -> [u64; 4] {
        self.counters
    }
    fn flows(&self) -> [u64; 4] {
        [
            self.allowed_in,
            self.allowed_out,
            self.denied_in,
            self.denied_out,
        ]
    }
    fn completed(&self) -> u64 {
        self.completed
    }
    fn records(&self) -> u64 {
        self.records
    }
    fn src_ports(&self) -> &[u16] {
        &self.src_ports
    }
    fn src_public(&self) -> &[PublicEntry] {
        &self.src_public
    }
    fn dst_public(&self) -> &[PublicEntry] {
        &self.dst_public
    }
}

/// Whether an address is public: not in 10/8, 172.16/12, 192.168/16, 100.64/10, 127/8,
/// 169.254/16, fc00::/7, fe80::/10 or ::1. Text that is no address counts as private (it stays
/// in `SrcIp`/`DestIp` as written).
pub fn is_public(ip: &str) -> bool {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let [a, b, ..] = v4.octets();
            !(a == 10
                || (a == 172 && (16..32).contains(&b))
                || (a == 192 && b == 168)
                || (a == 100 && (64..128).contains(&b))
                || a == 127
                || (a == 169 && b == 254))
        }
        Ok(IpAddr::V6(v6)) => {
            let first = v6.segments()[0];
            !((first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 || v6.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_ranges() {
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "fc00::1",
            "fd12::1",
            "fd00::1",
            "fe80::1",
            "::1",
            "not-an-ip",
        ] {
            assert!(!is_public(private), "{private}");
        }
        for public in [
            "172.32.0.1",
            "8.8.8.8",
            "100.128.0.1",
            "168.63.129.16",
            "2001:db8::1",
            "52.239.184.180",
        ] {
            assert!(is_public(public), "{public}");
        }
    }
}
