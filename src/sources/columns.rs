//! Flow rows laid out as table columns: NTANetAnalytics (words: Inbound/Allowed) and
//! AzureNetworkAnalytics_CL (letters I/A, `real` numbers, the NSG rule columns), value
//! vocabularies included. Only the columns a scan asks for are built; a column a raw log cannot
//! fill is empty (strings) or null (everything else).

use super::flow_row::{Direction, Origin, PublicEntry, RowView};
use super::iana;
use super::topology::{self, Topology};
use super::tuple::PAST_YEAR_9999;
use crate::table::{Column, Str, EPOCH_TICKS};
use rayon::prelude::*;

/// The flow tables raw logs fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowTable {
    NtaNetAnalytics,
    AzureNetworkAnalytics,
}

impl FlowTable {
    pub fn name(self) -> &'static str {
        match self {
            FlowTable::NtaNetAnalytics => "NTANetAnalytics",
            FlowTable::AzureNetworkAnalytics => "AzureNetworkAnalytics_CL",
        }
    }
}

/// Shared copies of the words rows repeat, so a column of them is reference-count bumps. Each
/// batch gets its own copies: the thread that builds a batch is the only one touching their
/// counts while it fills the columns, and the thread that drops the batch later touches them
/// alone; a copy shared by several threads would have its count bounce between their caches on
/// every cell.
struct Words {
    empty: Str,
    inbound: Str,
    outbound: Str,
    allowed: Str,
    denied: Str,
    letter_i: Str,
    letter_o: Str,
    letter_a: Str,
    letter_d: Str,
    tcp: Str,
    udp: Str,
    flow_log: Str,
    completed: Str,
    vnet_schema: Str,
    nsg_schema: Str,
    aws_schema: Str,
    external_public: Str,
    unknown_private: Str,
    nta: Str,
    nsg_table: Str,
    encryption: Vec<(&'static str, Str)>,
}

fn new_words() -> Words {
    let s = Str::from;
    Words {
        empty: s(""),
        inbound: s("Inbound"),
        outbound: s("Outbound"),
        allowed: s("Allowed"),
        denied: s("Denied"),
        letter_i: s("I"),
        letter_o: s("O"),
        letter_a: s("A"),
        letter_d: s("D"),
        tcp: s("T"),
        udp: s("U"),
        flow_log: s("FlowLog"),
        completed: s("Completed"),
        vnet_schema: s("3"),
        nsg_schema: s("2"),
        aws_schema: s("aws"),
        external_public: s("ExternalPublic"),
        unknown_private: s("UnknownPrivate"),
        nta: s("NTANetAnalytics"),
        nsg_table: s("AzureNetworkAnalytics_CL"),
        // FORMATS-REFERENCE.md §1.4: the VNet flow-log codes and Traffic Analytics' words.
        encryption: [
            ("X", "Encrypted"),
            ("NX", "Unencrypted"),
            ("NX_HW_NOT_SUPPORTED", "Unsupported hardware"),
            ("NX_SW_NOT_READY", "Software not ready"),
            ("NX_NOT_ACCEPTED", "Drop due to no encryption"),
            ("NX_NOT_SUPPORTED", "Discovery not supported"),
            ("NX_LOCAL_DST", "Destination on same host"),
            ("NX_FALLBACK", "Fall back to no encryption"),
        ]
        .into_iter()
        .map(|(code, word)| (code, s(word)))
        .collect(),
    }
}

/// The `columns` (indices into `schema`) of `table` for `rows`; with `parallel`, the columns
/// are built on the thread pool, each with its own words (see [`Words`]).
pub fn build<R: RowView + Sync>(
    table: FlowTable,
    schema: &crate::table::Schema,
    columns: &[usize],
    rows: &[R],
    topology: Option<&Topology>,
    parallel: bool,
) -> Vec<Column> {
    // With topology, the columns it fills come from each row's two ends (a blanked public side
    // is represented by its first public address).
    let ends = |r: &R| -> (Str, Str) {
        let side = |ip: &Str, public: &[PublicEntry]| {
            public.first().map_or_else(|| ip.clone(), |e| e.ip.clone())
        };
        (
            side(r.src_ip(), r.src_public()),
            side(r.dst_ip(), r.dst_public()),
        )
    };
    let pairs: Option<Vec<(Str, Str)>> = topology
        .filter(|_| {
            columns
                .iter()
                .any(|&i| topology::fills(&schema.fields[i].name))
        })
        .map(|_| rows.iter().map(ends).collect());
    let column = |words: &Words, i: usize| {
        let field = &schema.fields[i];
        if let (Some(topology), Some(pairs)) = (topology, &pairs) {
            if let Some(column) = topology::column(topology, &field.name, pairs) {
                return column;
            }
        }
        let built = match table {
            FlowTable::NtaNetAnalytics => nta_column(words, &field.name, rows),
            FlowTable::AzureNetworkAnalytics => nsg_column(words, &field.name, rows),
        };
        built.unwrap_or_else(|| Column::nulls(field.ty, rows.len()))
    };
    if parallel {
        columns
            .par_iter()
            .map(|&i| column(&new_words(), i))
            .collect()
    } else {
        let words = new_words();
        columns.iter().map(|&i| column(&words, i)).collect()
    }
}

fn strings<R: RowView>(rows: &[R], f: impl Fn(&R) -> Str) -> Column {
    Column::String(rows.iter().map(f).collect())
}

fn constant<R: RowView>(rows: &[R], value: &Str) -> Column {
    Column::String(vec![value.clone(); rows.len()])
}

/// A counter column: a total beyond a long is null, not a wrapped negative number.
fn longs<R: RowView>(rows: &[R], f: impl Fn(&R) -> u64) -> Column {
    Column::Long(rows.iter().map(|r| i64::try_from(f(r)).ok()).collect())
}

fn reals<R: RowView>(rows: &[R], f: impl Fn(&R) -> u64) -> Column {
    Column::Real(rows.iter().map(|r| Some(f(r) as f64)).collect())
}

/// A time column. Kusto's datetimes end with year 9999
/// (<https://learn.microsoft.com/kusto/query/scalar-data-types/datetime>): the end of an
/// interval that starts in 9999's last hour would be 10000-01-01, which no datetime holds, so
/// it is null rather than a year past the range (or, once wrapped, year −27258).
fn times<R: RowView>(rows: &[R], f: impl Fn(&R) -> i64) -> Column {
    let in_range = |t: i64| (-EPOCH_TICKS..PAST_YEAR_9999).contains(&t);
    Column::DateTime(
        rows.iter()
            .map(|r| Some(f(r)).filter(|&t| in_range(t)))
            .collect(),
    )
}

fn direction_word(w: &Words, r: &impl RowView) -> Str {
    match r.direction() {
        Direction::Inbound => w.inbound.clone(),
        Direction::Outbound => w.outbound.clone(),
        Direction::Unknown => w.empty.clone(),
    }
}

fn direction_letter(w: &Words, r: &impl RowView) -> Str {
    match r.direction() {
        Direction::Inbound => w.letter_i.clone(),
        Direction::Outbound => w.letter_o.clone(),
        Direction::Unknown => w.empty.clone(),
    }
}

fn status_word(w: &Words, r: &impl RowView) -> Str {
    if r.denied() {
        w.denied.clone()
    } else {
        w.allowed.clone()
    }
}

fn status_letter(w: &Words, r: &impl RowView) -> Str {
    if r.denied() {
        w.letter_d.clone()
    } else {
        w.letter_a.clone()
    }
}

/// `T` for TCP, `U` for UDP, any other protocol number as its decimal text.
fn l4_protocol(w: &Words, r: &impl RowView) -> Str {
    match r.protocol() {
        6 => w.tcp.clone(),
        17 => w.udp.clone(),
        n => Str::from(n.to_string()),
    }
}

fn flow_type(w: &Words, r: &impl RowView) -> Str {
    if r.src_public().is_empty() && r.dst_public().is_empty() {
        w.unknown_private.clone()
    } else {
        w.external_public.clone()
    }
}

fn schema_version(w: &Words, r: &impl RowView) -> Str {
    match r.context().origin {
        Origin::Vnet => w.vnet_schema.clone(),
        Origin::Nsg => w.nsg_schema.clone(),
        Origin::Aws => w.aws_schema.clone(),
    }
}

fn encryption_word(w: &Words, r: &impl RowView) -> Str {
    w.encryption
        .iter()
        .find(|(code, _)| *code == &**r.encryption())
        .map_or_else(|| r.encryption().clone(), |(_, word)| word.clone())
}

fn entries(w: &Words, list: &[PublicEntry]) -> Str {
    if list.is_empty() {
        return w.empty.clone();
    }
    let texts: Vec<String> = list.iter().map(PublicEntry::text).collect();
    Str::from(texts.join(" "))
}

/// Both sides' public entries, ascending by address (`PublicIPs_s`).
fn all_entries(w: &Words, r: &impl RowView) -> Str {
    if r.dst_public().is_empty() {
        return entries(w, r.src_public());
    }
    if r.src_public().is_empty() {
        return entries(w, r.dst_public());
    }
    let mut both: Vec<PublicEntry> = r
        .src_public()
        .iter()
        .chain(r.dst_public())
        .cloned()
        .collect();
    both.sort_by(|a, b| a.ip.cmp(&b.ip));
    entries(w, &both)
}

fn src_ports(r: &impl RowView) -> Str {
    let texts: Vec<String> = r.src_ports().iter().map(u16::to_string).collect();
    Str::from(texts.join("|"))
}

fn nta_column<R: RowView>(w: &Words, name: &str, rows: &[R]) -> Option<Column> {
    Some(match name {
        "AclGroup" => strings(rows, |r| r.context().acl_group.clone()),
        "AclRule" => strings(rows, |r| r.context().acl_rule.clone()),
        "AllowedInFlows" => longs(rows, |r| r.flows()[0]),
        "AllowedOutFlows" => longs(rows, |r| r.flows()[1]),
        "DeniedInFlows" => longs(rows, |r| r.flows()[2]),
        "DeniedOutFlows" => longs(rows, |r| r.flows()[3]),
        "CompletedFlows" => longs(rows, |r| r.completed()),
        "RecordCount" => longs(rows, |r| r.records()),
        "PacketsSrcToDest" => longs(rows, |r| r.counters()[0]),
        "BytesSrcToDest" => longs(rows, |r| r.counters()[1]),
        "PacketsDestToSrc" => longs(rows, |r| r.counters()[2]),
        "BytesDestToSrc" => longs(rows, |r| r.counters()[3]),
        "SrcIp" => strings(rows, |r| r.src_ip().clone()),
        "DestIp" => strings(rows, |r| r.dst_ip().clone()),
        "DestPort" => Column::Int(rows.iter().map(|r| r.dst_port().map(i32::from)).collect()),
        "SrcPorts" => strings(rows, src_ports),
        "SrcPublicIps" => strings(rows, |r| entries(w, r.src_public())),
        "DestPublicIps" => strings(rows, |r| entries(w, r.dst_public())),
        "FaSchemaVersion" => strings(rows, |r| schema_version(w, r)),
        "FlowDirection" => strings(rows, |r| direction_word(w, r)),
        "FlowStatus" => strings(rows, |r| status_word(w, r)),
        "FlowEncryption" => strings(rows, |r| encryption_word(w, r)),
        "FlowStartTime" => times(rows, |r| r.flow_start()),
        "FlowEndTime" => times(rows, |r| r.flow_end()),
        "FlowIntervalStartTime" => times(rows, |r| r.interval_start()),
        "FlowIntervalEndTime" | "TimeGenerated" | "TimeProcessed" => {
            times(rows, |r| r.interval_end())
        }
        "FlowLogResourceId" => strings(rows, |r| r.context().flow_log_id.clone()),
        "LogResourceId" => strings(rows, |r| r.context().log_resource_id.clone()),
        "TargetResourceId" => strings(rows, |r| r.context().target_id.clone()),
        "TargetResourceType" => strings(rows, |r| r.context().target_type.clone()),
        "FlowType" => strings(rows, |r| flow_type(w, r)),
        "L4Protocol" => strings(rows, |r| l4_protocol(w, r)),
        "L7Protocol" => strings(rows, |r| iana::service_name(r.protocol(), r.dst_port())),
        "MacAddress" => strings(rows, |r| r.context().mac.clone()),
        "NsgList" => strings(rows, |r| r.context().nsg_list.clone()),
        "NsgRule" => strings(rows, |r| r.context().nsg_rule.clone()),
        "NsgRuleType" => strings(rows, |r| r.context().nsg_rule_type.clone()),
        "Status" => constant(rows, &w.completed.clone()),
        "SubType" => constant(rows, &w.flow_log.clone()),
        "Type" => constant(rows, &w.nta.clone()),
        "_ResourceId" => strings(rows, |r| r.context().resource_id.clone()),
        "_SubscriptionId" => strings(rows, |r| r.context().subscription.clone()),
        _ => return None,
    })
}

/// The private side's address when the other side is public (`VMIP_s`).
fn vm_ip(w: &Words, r: &impl RowView) -> Str {
    match (r.src_ip().is_empty(), r.dst_ip().is_empty()) {
        (true, false) => r.dst_ip().clone(),
        (false, true) => r.src_ip().clone(),
        _ => w.empty.clone(),
    }
}

fn nsg_rules(w: &Words, r: &impl RowView) -> Str {
    Str::from(format!(
        "0|{}|{}|{}|{}",
        r.context().nsg_rule,
        direction_letter(w, r),
        status_letter(w, r),
        r.flow_count()
    ))
}

fn nsg_column<R: RowView>(w: &Words, name: &str, rows: &[R]) -> Option<Column> {
    Some(match name {
        "SubType_s" => constant(rows, &w.flow_log.clone()),
        "FASchemaVersion_s" => strings(rows, |r| schema_version(w, r)),
        "TimeProcessed_t" | "FlowIntervalEndTime_t" | "TimeGenerated" => {
            times(rows, |r| r.interval_end())
        }
        "FlowIntervalStartTime_t" => times(rows, |r| r.interval_start()),
        "FlowStartTime_t" => times(rows, |r| r.flow_start()),
        "FlowEndTime_t" => times(rows, |r| r.flow_end()),
        "FlowType_s" => strings(rows, |r| flow_type(w, r)),
        "SrcIP_s" => strings(rows, |r| r.src_ip().clone()),
        "DestIP_s" => strings(rows, |r| r.dst_ip().clone()),
        "VMIP_s" => strings(rows, |r| vm_ip(w, r)),
        "DestPort_d" => Column::Real(rows.iter().map(|r| r.dst_port().map(f64::from)).collect()),
        "L4Protocol_s" => strings(rows, |r| l4_protocol(w, r)),
        "L7Protocol_s" => strings(rows, |r| iana::service_name(r.protocol(), r.dst_port())),
        "FlowDirection_s" => strings(rows, |r| direction_letter(w, r)),
        "FlowStatus_s" => strings(rows, |r| status_letter(w, r)),
        "NSGList_s" => strings(rows, |r| r.context().nsg_list.clone()),
        "NSGRule_s" => strings(rows, |r| r.context().nsg_rule.clone()),
        "NSGRuleType_s" => strings(rows, |r| r.context().nsg_rule_type.clone()),
        "NSGRules_s" => strings(rows, |r| nsg_rules(w, r)),
        "MACAddress_s" => strings(rows, |r| r.context().mac.clone()),
        "AllowedInFlows_d" => reals(rows, |r| r.flows()[0]),
        "AllowedOutFlows_d" => reals(rows, |r| r.flows()[1]),
        "DeniedInFlows_d" => reals(rows, |r| r.flows()[2]),
        "DeniedOutFlows_d" => reals(rows, |r| r.flows()[3]),
        "FlowCount_d" => reals(rows, |r| r.flow_count()),
        "CompletedFlows_d" => reals(rows, |r| r.completed()),
        "OutboundPackets_d" => reals(rows, |r| r.counters()[0]),
        "OutboundBytes_d" => reals(rows, |r| r.counters()[1]),
        "InboundPackets_d" => reals(rows, |r| r.counters()[2]),
        "InboundBytes_d" => reals(rows, |r| r.counters()[3]),
        "PublicIPs_s" => strings(rows, |r| all_entries(w, r)),
        "SrcPublicIPs_s" => strings(rows, |r| entries(w, r.src_public())),
        "DestPublicIPs_s" => strings(rows, |r| entries(w, r.dst_public())),
        "Type" => constant(rows, &w.nsg_table.clone()),
        "_ResourceId" => strings(rows, |r| r.context().resource_id.clone()),
        "_SubscriptionId" => strings(rows, |r| r.context().subscription.clone()),
        _ => return None,
    })
}

/// Whether column `name` shows a tuple's addresses or encryption code (directly, as public-IP
/// entries, or through `--topology`): without one of these, a scan with interval 0 skips them.
pub fn shows_addresses(name: &str) -> bool {
    matches!(
        name,
        "SrcIp"
            | "DestIp"
            | "SrcPublicIps"
            | "DestPublicIps"
            | "FlowType"
            | "FlowEncryption"
            | "SrcIP_s"
            | "DestIP_s"
            | "VMIP_s"
            | "FlowType_s"
            | "PublicIPs_s"
            | "SrcPublicIPs_s"
            | "DestPublicIPs_s"
    ) || topology::fills(name)
}

/// Whether column `name` shows a row's public addresses (listed, counted, or as the row's
/// `FlowType`, or one end of a topology lookup): without one of these, aggregation does not
/// count them per address.
pub fn shows_public_peers(name: &str) -> bool {
    matches!(
        name,
        "SrcPublicIps"
            | "DestPublicIps"
            | "FlowType"
            | "PublicIPs_s"
            | "SrcPublicIPs_s"
            | "DestPublicIPs_s"
            | "FlowType_s"
    ) || topology::fills(name)
}

/// Whether column `name` lists a row's source ports: without it, aggregation skips them.
pub fn shows_source_ports(name: &str) -> bool {
    name == "SrcPorts"
}

/// Whether the reader fills column `name` of `table` (else it is empty or null on every row).
pub fn fills(table: FlowTable, name: &str) -> bool {
    let rows: [super::flow_row::FlowRow; 0] = [];
    match table {
        FlowTable::NtaNetAnalytics => nta_column(&new_words(), name, &rows),
        FlowTable::AzureNetworkAnalytics => nsg_column(&new_words(), name, &rows),
    }
    .is_some()
}

/// The type a filled column has, for tests that check the layout against the schema.
#[cfg(test)]
fn built_type(table: FlowTable, name: &str) -> Option<crate::table::Type> {
    let rows: [super::flow_row::FlowRow; 0] = [];
    match table {
        FlowTable::NtaNetAnalytics => nta_column(&new_words(), name, &rows),
        FlowTable::AzureNetworkAnalytics => nsg_column(&new_words(), name, &rows),
    }
    .map(|c| c.ty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::known_schema;

    #[test]
    fn filled_columns_have_their_schema_types() {
        for table in [FlowTable::NtaNetAnalytics, FlowTable::AzureNetworkAnalytics] {
            let schema = known_schema(table.name()).unwrap();
            for field in schema.fields.iter() {
                if let Some(ty) = built_type(table, &field.name) {
                    assert_eq!(ty, field.ty, "{} {}", table.name(), field.name);
                }
            }
        }
    }
}
