//! `--topology FILE...`: the user's own Azure topology export → what Traffic Analytics adds to a
//! flow: Src/Dest Subnet, Vm, Nic, Region, Subscription, and `FlowType`.
//!
//! Inputs are the JSON printed by `az network vnet list` (address spaces, subnets, peerings),
//! `az network nic list` (private IPs, MACs, attached VM), `az vm list` (VM ↔ NIC) and,
//! optionally, a `ServiceTags_Public_*.json` download (Azure's public prefixes by service and
//! region). Each file's kind is told from its content. Names follow Traffic Analytics' formats:
//! subnet `<rg>/<vnet>/<subnet>`, NIC `<rg>/<nic>`, VM `<rg>/<vm>`, subscription the GUID.
//!
//! FlowType (TABLES.md): a public side → `AzurePublic` when a service-tag prefix holds it, else
//! `ExternalPublic`; both sides private and inside known VNets → `IntraVNet` (same VNet) or
//! `InterVNet` (different VNets, peered or not); any other private flow → `UnknownPrivate`.

use super::flow_row::is_public;
use super::read_issue::{Position, ReadIssue};
use crate::error::Error;
use crate::table::{Column, Str, Type};
use rustc_hash::FxHashMap;
use serde_json::Value as Json;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// A loaded topology as loading options carry it (equal when it is the same topology).
#[derive(Debug, Clone)]
pub struct TopologyRef(pub Arc<Topology>);

impl PartialEq for TopologyRef {
    fn eq(&self, other: &TopologyRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for TopologyRef {}

/// Read `--topology` files; a file that cannot be read is an input error, one that is not a
/// topology export comes back as an issue.
pub fn load_files(paths: &[PathBuf]) -> Result<(Topology, Vec<ReadIssue>), Error> {
    let mut texts = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::input(&shown, e.to_string()))?;
        texts.push((shown, text));
    }
    Ok(Topology::load(
        texts.iter().map(|(p, t)| (p.as_str(), t.as_str())),
    ))
}

/// Flow-table columns topology fills, NTANetAnalytics names then AzureNetworkAnalytics_CL ones.
const ENRICHED_COLUMNS: &[&str] = &[
    "FlowType",
    "SrcSubnet",
    "DestSubnet",
    "SrcVm",
    "DestVm",
    "SrcNic",
    "DestNic",
    "SrcRegion",
    "DestRegion",
    "SrcSubscription",
    "DestSubscription",
    "AzureRegion",
    "SrcServiceTags",
    "DestServiceTags",
    "FlowType_s",
    "Subnet1_s",
    "Subnet2_s",
    "VM1_s",
    "VM2_s",
    "NIC1_s",
    "NIC2_s",
    "Region1_s",
    "Region2_s",
    "Subscription1_g",
    "Subscription2_g",
    "AzureRegion_s",
];

/// Whether topology fills the flow-table column `name`.
pub fn fills(name: &str) -> bool {
    ENRICHED_COLUMNS.contains(&name)
}

/// The column `name` for flows whose ends are `pairs` (source, destination: the address itself,
/// or for a public side blanked in the row, its first public address). None when topology does
/// not fill that column.
pub fn column(topology: &Topology, name: &str, pairs: &[(Str, Str)]) -> Option<Column> {
    if !fills(name) {
        return None;
    }
    let enriched: Vec<(Enrichment, &(Str, Str))> = pairs
        .iter()
        .map(|p| (topology.classify(&p.0, &p.1), p))
        .collect();
    let text = |f: &dyn Fn(&Enrichment, &(Str, Str)) -> String| {
        Column::String(enriched.iter().map(|(e, p)| Str::from(f(e, p))).collect())
    };
    let tags = |tag: &str, ip: &str| {
        if tag.is_empty() {
            String::new()
        } else {
            format!("{ip}|{tag}")
        }
    };
    Some(match name {
        "FlowType" | "FlowType_s" => text(&|e, _| e.flow_type.to_string()),
        "SrcSubnet" | "Subnet1_s" => text(&|e, _| e.src.subnet.clone()),
        "DestSubnet" | "Subnet2_s" => text(&|e, _| e.dest.subnet.clone()),
        "SrcVm" | "VM1_s" => text(&|e, _| e.src.vm.clone()),
        "DestVm" | "VM2_s" => text(&|e, _| e.dest.vm.clone()),
        "SrcNic" | "NIC1_s" => text(&|e, _| e.src.nic.clone()),
        "DestNic" | "NIC2_s" => text(&|e, _| e.dest.nic.clone()),
        "SrcRegion" | "Region1_s" => text(&|e, _| e.src.region.clone()),
        "DestRegion" | "Region2_s" => text(&|e, _| e.dest.region.clone()),
        "SrcSubscription" => text(&|e, _| e.src.subscription.clone()),
        "DestSubscription" => text(&|e, _| e.dest.subscription.clone()),
        "AzureRegion" | "AzureRegion_s" => text(&|e, _| e.azure_region.clone()),
        "SrcServiceTags" => text(&|e, p| tags(&e.src_service_tag, &p.0)),
        "DestServiceTags" => text(&|e, p| tags(&e.dest_service_tag, &p.1)),
        "Subscription1_g" | "Subscription2_g" => {
            let mut column = Column::with_capacity(Type::Guid, enriched.len());
            for (e, _) in &enriched {
                let side = if name == "Subscription1_g" {
                    &e.src
                } else {
                    &e.dest
                };
                let value = super::la_export::convert(&side.subscription, Type::Guid)
                    .unwrap_or(crate::table::Value::Null);
                column.push(&value);
            }
            column
        }
        _ => return None,
    })
}

/// What topology tells about one address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoint {
    pub subnet: String,
    pub vm: String,
    pub nic: String,
    pub region: String,
    pub subscription: String,
}

/// A flow's enrichment: its type and both ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enrichment {
    pub flow_type: &'static str,
    pub src: Endpoint,
    pub dest: Endpoint,
    /// Region of the service tag holding the public side (AzurePublic flows).
    pub azure_region: String,
    /// The service tag holding the public source / destination, if any.
    pub src_service_tag: String,
    pub dest_service_tag: String,
}

/// FlowType without a topology file: `ExternalPublic` when one side is public, else
/// `UnknownPrivate`.
pub fn flow_type_without_topology(src: &str, dest: &str) -> &'static str {
    if is_public(src) || is_public(dest) {
        "ExternalPublic"
    } else {
        "UnknownPrivate"
    }
}

/// An address as (family is IPv4, 128-bit value).
fn address_bits(ip: &str) -> Option<(bool, u128)> {
    match ip.trim().parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some((true, u128::from(u32::from(v4)))),
        IpAddr::V6(v6) => Some((false, u128::from(v6))),
    }
}

/// `10.12.1.0/24` → (IPv4, masked network, length).
fn parse_prefix(text: &str) -> Option<(bool, u128, u8)> {
    let (address, length) = text.trim().split_once('/').unwrap_or((text.trim(), ""));
    let (v4, bits) = address_bits(address)?;
    let width = if v4 { 32 } else { 128 };
    let length: u8 = if length.is_empty() {
        width
    } else {
        length.parse().ok()?
    };
    if length > width {
        return None;
    }
    Some((v4, mask(bits, length, width), length))
}

fn mask(bits: u128, length: u8, width: u8) -> u128 {
    if length == 0 {
        0
    } else {
        let keep = u128::MAX << (width - length);
        bits & keep
            & if width == 32 {
                u128::from(u32::MAX)
            } else {
                u128::MAX
            }
    }
}

/// Longest-prefix match: one hash map per (family, length), probed from the longest length down.
#[derive(Debug, Default)]
struct PrefixMap<T> {
    by_length: FxHashMap<(bool, u8), FxHashMap<u128, Vec<T>>>,
    lengths: Vec<(bool, u8)>,
}

impl<T> PrefixMap<T> {
    fn insert(&mut self, prefix: &str, value: T) -> bool {
        let Some((v4, network, length)) = parse_prefix(prefix) else {
            return false;
        };
        self.by_length
            .entry((v4, length))
            .or_default()
            .entry(network)
            .or_default()
            .push(value);
        if !self.lengths.contains(&(v4, length)) {
            self.lengths.push((v4, length));
            self.lengths.sort_by_key(|l| std::cmp::Reverse(l.1));
        }
        true
    }

    /// Every value of the longest prefix holding `ip`.
    fn longest(&self, ip: &str) -> &[T] {
        let Some((v4, bits)) = address_bits(ip) else {
            return &[];
        };
        let width = if v4 { 32 } else { 128 };
        for &(family, length) in &self.lengths {
            if family != v4 {
                continue;
            }
            if let Some(values) = self.by_length[&(family, length)].get(&mask(bits, length, width))
            {
                return values;
            }
        }
        &[]
    }
}

#[derive(Debug, Clone)]
struct Vnet {
    /// Lower-case resource id (peerings name VNets by id).
    id: String,
    region: String,
    subscription: String,
}

#[derive(Debug, Clone)]
struct Subnet {
    /// `<rg>/<vnet>/<subnet>`.
    name: String,
    vnet: usize,
}

#[derive(Debug, Clone, Default)]
struct Nic {
    name: String,
    /// Lower-case VM id, when a VM uses the NIC.
    vm_id: String,
    region: String,
    subscription: String,
}

#[derive(Debug, Clone)]
struct ServiceTag {
    name: String,
    region: String,
    /// A named service (`Storage`), not just the region's whole range (`AzureCloud`).
    has_service: bool,
}

/// Everything the topology files say, indexed for per-address lookups.
#[derive(Debug, Default)]
pub struct Topology {
    vnets: Vec<Vnet>,
    vnet_prefixes: PrefixMap<usize>,
    subnets: Vec<Subnet>,
    subnet_prefixes: PrefixMap<usize>,
    /// Peered VNet pairs, by index (both orders).
    peerings: Vec<(usize, usize)>,
    nics: Vec<Nic>,
    nic_by_ip: FxHashMap<u128, usize>,
    nic_by_mac: FxHashMap<String, usize>,
    /// Lower-case NIC id → NIC.
    nic_by_id: FxHashMap<String, usize>,
    /// Lower-case VM id → `<rg>/<vm>`.
    vm_names: FxHashMap<String, String>,
    service_tags: Vec<ServiceTag>,
    tag_prefixes: PrefixMap<usize>,
    /// Peerings whose remote VNet is read later: (local VNet, lower-case remote id).
    pending_peerings: Vec<(usize, String)>,
}

/// Which `az` output a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyKind {
    Vnets,
    Nics,
    Vms,
    ServiceTags,
}

/// Tell a topology file's kind from its content.
pub fn kind_of(json: &Json) -> Option<TopologyKind> {
    if json.get("values").is_some_and(Json::is_array) {
        return Some(TopologyKind::ServiceTags);
    }
    let first = match json {
        Json::Array(items) => items.first()?,
        other => other,
    };
    if first.get("addressSpace").is_some() || first.get("subnets").is_some() {
        Some(TopologyKind::Vnets)
    } else if first.get("ipConfigurations").is_some() {
        Some(TopologyKind::Nics)
    } else if first.get("networkProfile").is_some() || first.get("hardwareProfile").is_some() {
        Some(TopologyKind::Vms)
    } else {
        None
    }
}

impl Topology {
    /// Read every topology file (path, text); a file of unknown kind or bad JSON is reported and
    /// left out.
    pub fn load<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Topology, Vec<ReadIssue>) {
        let mut topology = Topology::default();
        let mut issues = Vec::new();
        let mut parsed = Vec::new();
        for (path, text) in files {
            match serde_json::from_str::<Json>(text.trim_start_matches('\u{feff}')) {
                Ok(json) => match kind_of(&json) {
                    Some(kind) => parsed.push((kind, json)),
                    None => issues.push(
                        ReadIssue::new(
                            path,
                            Position::File,
                            "not a topology file: expected the JSON of `az network vnet list`, `az network nic list`, `az vm list` or a ServiceTags_Public file",
                        )
                        .skipping(0),
                    ),
                },
                Err(e) => issues.push(
                    ReadIssue::new(path, Position::Line(e.line()), format!("not valid JSON: {e}")).skipping(0),
                ),
            }
        }
        // VNets first, then NICs, then VMs, whatever the order of the files.
        parsed.sort_by_key(|(kind, _)| *kind as u8);
        for (kind, json) in &parsed {
            let items: Vec<&Json> = match json {
                Json::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            match kind {
                TopologyKind::Vnets => items.into_iter().for_each(|v| topology.add_vnet(v)),
                TopologyKind::Nics => items.into_iter().for_each(|n| topology.add_nic(n)),
                TopologyKind::Vms => items.into_iter().for_each(|v| topology.add_vm(v)),
                TopologyKind::ServiceTags => topology.add_service_tags(json),
            }
        }
        topology.resolve_peerings();
        (topology, issues)
    }

    fn add_vnet(&mut self, vnet: &Json) {
        let id = text(vnet, "id");
        let index = self.vnets.len();
        self.vnets.push(Vnet {
            id: id.to_ascii_lowercase(),
            region: text(vnet, "location").to_string(),
            subscription: id_segment(id, "subscriptions").to_string(),
        });
        for prefix in strings(vnet.pointer("/addressSpace/addressPrefixes")) {
            self.vnet_prefixes.insert(prefix, index);
        }
        let vnet_name = text(vnet, "name");
        let group = id_segment(id, "resourceGroups");
        for subnet in vnet
            .get("subnets")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let subnet_index = self.subnets.len();
            self.subnets.push(Subnet {
                name: format!("{group}/{vnet_name}/{}", text(subnet, "name")),
                vnet: index,
            });
            let single = subnet.get("addressPrefix").and_then(Json::as_str);
            for prefix in single
                .into_iter()
                .chain(strings(subnet.get("addressPrefixes")))
            {
                self.subnet_prefixes.insert(prefix, subnet_index);
            }
        }
        for peering in vnet
            .get("virtualNetworkPeerings")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let remote = peering
                .pointer("/remoteVirtualNetwork/id")
                .and_then(Json::as_str)
                .unwrap_or("");
            if !remote.is_empty() {
                self.pending_peerings
                    .push((index, remote.to_ascii_lowercase()));
            }
        }
    }

    fn resolve_peerings(&mut self) {
        for (local, remote_id) in std::mem::take(&mut self.pending_peerings) {
            if let Some(remote) = self.vnets.iter().position(|v| v.id == remote_id) {
                self.peerings.push((local, remote));
                self.peerings.push((remote, local));
            }
        }
    }

    fn add_nic(&mut self, nic: &Json) {
        let id = text(nic, "id");
        let index = self.nics.len();
        let vm_id = nic
            .pointer("/virtualMachine/id")
            .and_then(Json::as_str)
            .unwrap_or("");
        self.nics.push(Nic {
            name: format!("{}/{}", id_segment(id, "resourceGroups"), text(nic, "name")),
            vm_id: vm_id.to_ascii_lowercase(),
            region: text(nic, "location").to_string(),
            subscription: id_segment(id, "subscriptions").to_string(),
        });
        if !vm_id.is_empty() {
            let vm_name = format!(
                "{}/{}",
                id_segment(vm_id, "resourceGroups"),
                last_segment(vm_id)
            );
            self.vm_names
                .entry(vm_id.to_ascii_lowercase())
                .or_insert(vm_name);
        }
        self.nic_by_id.insert(id.to_ascii_lowercase(), index);
        let mac = normalise_mac(text(nic, "macAddress"));
        if !mac.is_empty() {
            self.nic_by_mac.insert(mac, index);
        }
        for config in nic
            .get("ipConfigurations")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some((_, bits)) = address_bits(text(config, "privateIPAddress")) {
                self.nic_by_ip.insert(bits, index);
            }
        }
    }

    fn add_vm(&mut self, vm: &Json) {
        let id = text(vm, "id");
        let name = format!("{}/{}", id_segment(id, "resourceGroups"), text(vm, "name"));
        self.vm_names.insert(id.to_ascii_lowercase(), name);
        for nic in vm
            .pointer("/networkProfile/networkInterfaces")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let nic_id = text(nic, "id").to_ascii_lowercase();
            if let Some(&index) = self.nic_by_id.get(&nic_id) {
                if self.nics[index].vm_id.is_empty() {
                    self.nics[index].vm_id = id.to_ascii_lowercase();
                }
            }
        }
    }

    fn add_service_tags(&mut self, file: &Json) {
        for tag in file
            .get("values")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let properties = tag.get("properties");
            let index = self.service_tags.len();
            self.service_tags.push(ServiceTag {
                name: text(tag, "name").to_string(),
                region: properties.map_or("", |p| text(p, "region")).to_string(),
                has_service: properties.is_some_and(|p| !text(p, "systemService").is_empty()),
            });
            for prefix in strings(properties.and_then(|p| p.get("addressPrefixes"))) {
                self.tag_prefixes.insert(prefix, index);
            }
        }
    }

    /// What the topology knows about `ip` (empty fields where it knows nothing).
    pub fn endpoint(&self, ip: &str) -> Endpoint {
        let mut endpoint = Endpoint::default();
        if let Some(&subnet) = self.subnet_prefixes.longest(ip).first() {
            let subnet = &self.subnets[subnet];
            endpoint.subnet = subnet.name.clone();
            endpoint.region = self.vnets[subnet.vnet].region.clone();
            endpoint.subscription = self.vnets[subnet.vnet].subscription.clone();
        } else if let Some(&vnet) = self.vnet_prefixes.longest(ip).first() {
            endpoint.region = self.vnets[vnet].region.clone();
            endpoint.subscription = self.vnets[vnet].subscription.clone();
        }
        let nic = address_bits(ip).and_then(|(_, bits)| self.nic_by_ip.get(&bits));
        if let Some(&nic) = nic {
            let nic = &self.nics[nic];
            endpoint.nic = nic.name.clone();
            endpoint.vm = self.vm_names.get(&nic.vm_id).cloned().unwrap_or_default();
            if !nic.region.is_empty() {
                endpoint.region = nic.region.clone();
            }
            if endpoint.subscription.is_empty() {
                endpoint.subscription = nic.subscription.clone();
            }
        }
        endpoint
    }

    /// The NIC and VM behind a MAC address (any spelling: `00224871C205`, `00-22-48-71-C2-05`).
    pub fn nic_of_mac(&self, mac: &str) -> Option<(String, String)> {
        let nic = &self.nics[*self.nic_by_mac.get(&normalise_mac(mac))?];
        let vm = self.vm_names.get(&nic.vm_id).cloned().unwrap_or_default();
        Some((nic.name.clone(), vm))
    }

    fn vnet_of(&self, ip: &str) -> Option<usize> {
        self.vnet_prefixes.longest(ip).first().copied().or_else(|| {
            let subnet = *self.subnet_prefixes.longest(ip).first()?;
            Some(self.subnets[subnet].vnet)
        })
    }

    /// The service tag holding a public address: the longest prefix; among tags of equal
    /// prefixes, a named service over a whole region's range, then a regional tag, then the
    /// smaller name (so the choice never depends on file order).
    fn service_tag(&self, ip: &str) -> Option<&ServiceTag> {
        self.tag_prefixes
            .longest(ip)
            .iter()
            .map(|&i| &self.service_tags[i])
            .min_by(|a, b| {
                (!a.has_service, a.region.is_empty(), &a.name).cmp(&(
                    !b.has_service,
                    b.region.is_empty(),
                    &b.name,
                ))
            })
    }

    /// Whether two VNets are peered (in either direction).
    pub fn peered(&self, a: usize, b: usize) -> bool {
        self.peerings.contains(&(a, b))
    }

    /// Enrich one flow from `src` to `dest`.
    pub fn classify(&self, src: &str, dest: &str) -> Enrichment {
        let mut enrichment = Enrichment {
            src: self.endpoint(src),
            dest: self.endpoint(dest),
            ..Enrichment::default()
        };
        let (src_public, dest_public) = (is_public(src), is_public(dest));
        if src_public || dest_public {
            let src_tag = src_public.then(|| self.service_tag(src)).flatten();
            let dest_tag = dest_public.then(|| self.service_tag(dest)).flatten();
            enrichment.src_service_tag = src_tag.map_or_else(String::new, |t| t.name.clone());
            enrichment.dest_service_tag = dest_tag.map_or_else(String::new, |t| t.name.clone());
            let tag = dest_tag.or(src_tag);
            enrichment.azure_region = tag.map_or_else(String::new, |t| t.region.clone());
            enrichment.flow_type = if tag.is_some() {
                "AzurePublic"
            } else {
                "ExternalPublic"
            };
            return enrichment;
        }
        enrichment.flow_type = match (self.vnet_of(src), self.vnet_of(dest)) {
            (Some(a), Some(b)) if a == b => "IntraVNet",
            (Some(_), Some(_)) => "InterVNet",
            _ => "UnknownPrivate",
        };
        enrichment
    }

    /// The index of the VNet holding `ip`, for callers that compare VNets themselves.
    pub fn vnet_index(&self, ip: &str) -> Option<usize> {
        self.vnet_of(ip)
    }
}

fn text<'a>(json: &'a Json, key: &str) -> &'a str {
    json.get(key).and_then(Json::as_str).unwrap_or("")
}

fn strings(json: Option<&Json>) -> impl Iterator<Item = &str> {
    json.and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
}

/// The segment after `/<key>/` in a resource id (key matched case-insensitively).
fn id_segment<'a>(id: &'a str, key: &str) -> &'a str {
    let mut segments = id.split('/');
    while let Some(segment) = segments.next() {
        if segment.eq_ignore_ascii_case(key) {
            return segments.next().unwrap_or("");
        }
    }
    ""
}

fn last_segment(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or("")
}

/// `00:22:48:71:c2:05`, `00-22-48-71-C2-05`, `00224871C205` → `00224871C205`.
fn normalise_mac(mac: &str) -> String {
    mac.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "1111aaaa-0000-0000-0000-000000000001";

    fn vnets() -> String {
        let id = |rg: &str, name: &str| {
            format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name}")
        };
        serde_json::json!([
            {
                "name": "vnet-hub", "id": id("rg-hub", "vnet-hub"), "location": "japaneast",
                "addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
                "subnets": [
                    {"name": "AzureFirewallSubnet", "addressPrefix": "10.10.1.0/24"},
                    {"name": "GatewaySubnet", "addressPrefix": "10.10.4.0/24"}
                ],
                "virtualNetworkPeerings": [
                    {"name": "hub-to-spoke1", "remoteVirtualNetwork": {"id": id("rg-spoke1", "vnet-spoke1")}, "peeringState": "Connected"}
                ]
            },
            {
                "name": "vnet-spoke1", "id": id("rg-spoke1", "vnet-spoke1"), "location": "japaneast",
                "addressSpace": {"addressPrefixes": ["10.12.0.0/20"]},
                "subnets": [
                    {"name": "snet-web", "addressPrefix": "10.12.1.0/24"},
                    {"name": "snet-app", "addressPrefixes": ["10.12.2.0/24"]}
                ]
            },
            {
                "name": "vnet-island", "id": id("rg-other", "vnet-island"), "location": "japanwest",
                "addressSpace": {"addressPrefixes": ["192.168.50.0/24"]},
                "subnets": [{"name": "default", "addressPrefix": "192.168.50.0/24"}]
            }
        ])
        .to_string()
    }

    fn nics() -> String {
        serde_json::json!([{
            "name": "nic-web1", "location": "japaneast", "macAddress": "00-22-48-71-C2-05",
            "id": format!("/subscriptions/{SUB}/resourceGroups/rg-spoke1/providers/Microsoft.Network/networkInterfaces/nic-web1"),
            "ipConfigurations": [{"privateIPAddress": "10.12.1.4"}],
            "virtualMachine": {"id": format!("/subscriptions/{SUB}/resourceGroups/RG-SPOKE1/providers/Microsoft.Compute/virtualMachines/vm-web1")}
        }, {
            "name": "nic-app1", "location": "japaneast", "macAddress": "00-22-48-71-C2-06",
            "id": format!("/subscriptions/{SUB}/resourceGroups/rg-spoke1/providers/Microsoft.Network/networkInterfaces/nic-app1"),
            "ipConfigurations": [{"privateIPAddress": "10.12.2.5"}]
        }])
        .to_string()
    }

    fn vms() -> String {
        serde_json::json!([{
            "name": "vm-app1", "location": "japaneast",
            "id": format!("/subscriptions/{SUB}/resourceGroups/rg-spoke1/providers/Microsoft.Compute/virtualMachines/vm-app1"),
            "hardwareProfile": {"vmSize": "Standard_B2s"},
            "networkProfile": {"networkInterfaces": [{"id": format!("/subscriptions/{SUB}/resourceGroups/rg-spoke1/providers/Microsoft.Network/networkInterfaces/nic-app1")}]}
        }])
        .to_string()
    }

    fn tags() -> String {
        serde_json::json!({
            "changeNumber": 1, "cloud": "Public",
            "values": [
                {"name": "AzureCloud.japaneast", "id": "AzureCloud.japaneast", "properties": {"region": "japaneast", "systemService": "", "addressPrefixes": ["20.0.0.0/8"]}},
                {"name": "Storage.JapanEast", "id": "Storage.JapanEast", "properties": {"region": "japaneast", "systemService": "AzureStorage", "addressPrefixes": ["20.60.0.0/16"]}},
                {"name": "Storage", "id": "Storage", "properties": {"region": "", "systemService": "AzureStorage", "addressPrefixes": ["20.60.0.0/16", "2603:1040::/48"]}}
            ]
        })
        .to_string()
    }

    fn topology() -> Topology {
        let (vnets, nics, vms, tags) = (vnets(), nics(), vms(), tags());
        // Files in any order: the VM list before the NIC list still links them.
        let (topology, issues) = Topology::load([
            ("tags.json", tags.as_str()),
            ("vms.json", vms.as_str()),
            ("nics.json", nics.as_str()),
            ("vnets.json", vnets.as_str()),
        ]);
        assert!(issues.is_empty(), "{issues:?}");
        topology
    }

    #[test]
    fn two_subnets_of_one_vnet_are_intra_vnet_with_both_subnets_named() {
        let e = topology().classify("10.12.1.4", "10.12.2.5");
        assert_eq!(e.flow_type, "IntraVNet");
        assert_eq!(e.src.subnet, "rg-spoke1/vnet-spoke1/snet-web");
        assert_eq!(e.dest.subnet, "rg-spoke1/vnet-spoke1/snet-app");
        assert_eq!(e.src.nic, "rg-spoke1/nic-web1");
        assert_eq!(e.src.vm, "RG-SPOKE1/vm-web1");
        assert_eq!(e.dest.nic, "rg-spoke1/nic-app1");
        assert_eq!(e.dest.vm, "rg-spoke1/vm-app1", "linked through the VM list");
        assert_eq!(e.src.region, "japaneast");
        assert_eq!(e.src.subscription, SUB);
    }

    #[test]
    fn peered_vnets_are_inter_vnet() {
        let topology = topology();
        let e = topology.classify("10.12.1.4", "10.10.1.4");
        assert_eq!(e.flow_type, "InterVNet");
        assert_eq!(e.dest.subnet, "rg-hub/vnet-hub/AzureFirewallSubnet");
        let (hub, spoke) = (
            topology.vnet_index("10.10.4.4").unwrap(),
            topology.vnet_index("10.12.1.4").unwrap(),
        );
        assert!(topology.peered(hub, spoke) && topology.peered(spoke, hub));
        let island = topology.vnet_index("192.168.50.9").unwrap();
        assert!(!topology.peered(hub, island));
    }

    #[test]
    fn public_addresses_in_a_service_tag_are_azure_public() {
        let topology = topology();
        let e = topology.classify("10.12.1.4", "20.60.1.2");
        assert_eq!(e.flow_type, "AzurePublic");
        assert_eq!(e.dest_service_tag, "Storage.JapanEast");
        assert_eq!(e.azure_region, "japaneast");
        let e = topology.classify("20.1.2.3", "10.12.1.4");
        assert_eq!(
            (e.flow_type, e.src_service_tag.as_str()),
            ("AzurePublic", "AzureCloud.japaneast")
        );
        let e = topology.classify("2603:1040::1", "10.12.1.4");
        assert_eq!(
            (e.flow_type, e.src_service_tag.as_str()),
            ("AzurePublic", "Storage")
        );
        assert_eq!(
            topology.classify("198.51.100.7", "10.12.1.4").flow_type,
            "ExternalPublic"
        );
    }

    #[test]
    fn unmapped_private_addresses_are_unknown_private() {
        let topology = topology();
        let e = topology.classify("10.12.1.4", "172.16.0.9");
        assert_eq!(e.flow_type, "UnknownPrivate");
        assert_eq!(e.dest, Endpoint::default());
    }

    #[test]
    fn macs_find_their_nic_in_any_spelling() {
        let topology = topology();
        let expected = Some((
            "rg-spoke1/nic-web1".to_string(),
            "RG-SPOKE1/vm-web1".to_string(),
        ));
        assert_eq!(topology.nic_of_mac("00224871c205"), expected);
        assert_eq!(topology.nic_of_mac("00:22:48:71:C2:05"), expected);
        assert_eq!(topology.nic_of_mac("00-00-00-00-00-00"), None);
    }

    #[test]
    fn files_that_are_not_topology_are_reported() {
        let (_, issues) = Topology::load([("x.json", "{\"records\": []}"), ("y.json", "[1,")]);
        assert_eq!(issues.len(), 2);
        assert!(issues[0].message.contains("not a topology file"));
        assert!(issues[1].message.contains("not valid JSON"));
    }

    #[test]
    fn example_topology_classifies_the_sample_network() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/topology");
        let texts: Vec<(String, String)> = [
            "vnets.json",
            "nics.json",
            "vms.json",
            "ServiceTags_Public_sample.json",
        ]
        .iter()
        .map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect();
        let (topology, issues) =
            Topology::load(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        assert!(issues.is_empty(), "{issues:?}");
        let e = topology.classify("10.12.1.4", "10.12.2.4");
        assert_eq!(e.flow_type, "IntraVNet");
        assert_eq!(
            (e.src.vm.as_str(), e.dest.vm.as_str()),
            ("rg-spoke/vm-web1", "rg-spoke/vm-app1")
        );
        assert_eq!(e.dest.subnet, "rg-spoke/vnet-spoke-app/snet-app");
        assert_eq!(
            topology.classify("10.12.1.4", "10.10.1.5").flow_type,
            "InterVNet"
        );
        assert_eq!(
            topology.classify("10.10.4.5", "10.12.1.4").src.subnet,
            "rg-hub/vnet-hub/GatewaySubnet"
        );
        assert_eq!(
            topology.classify("10.12.2.4", "52.239.144.10").flow_type,
            "AzurePublic"
        );
        assert_eq!(
            topology.classify("192.168.10.21", "10.12.1.4").flow_type,
            "UnknownPrivate"
        );
        assert_eq!(
            topology.nic_of_mac("000D3A517C21").unwrap().1,
            "rg-spoke/vm-web1"
        );
    }
}
