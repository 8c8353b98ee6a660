//! The gateway and firewall subnets of `--topology` files (`az network vnet list` output):
//! Azure requires the names `GatewaySubnet` (ExpressRoute and VPN gateways) and
//! `AzureFirewallSubnet`, so their address prefixes are the CIDRs the report's gateway and
//! firewall panels filter on when `--gateway-subnet` / `--firewall-subnet` are not given.

use serde_json::Value as Json;
use std::path::PathBuf;

/// The address prefixes (IPv4 CIDRs) of the subnets named `GatewaySubnet` and
/// `AzureFirewallSubnet` in the files, first found first; files that are not VNet lists are
/// passed over (the loader reports them).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SpecialSubnets {
    pub gateway: Option<String>,
    pub firewall: Option<String>,
}

pub fn find(files: &[PathBuf]) -> SpecialSubnets {
    let mut found = SpecialSubnets::default();
    for path in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<Json>(&text) else {
            continue;
        };
        found.merge(from_vnets(&json));
    }
    found
}

impl SpecialSubnets {
    fn merge(&mut self, other: SpecialSubnets) {
        self.gateway = self.gateway.take().or(other.gateway);
        self.firewall = self.firewall.take().or(other.firewall);
    }
}

fn from_vnets(json: &Json) -> SpecialSubnets {
    let mut found = SpecialSubnets::default();
    let vnets = json.as_array().map(Vec::as_slice).unwrap_or_default();
    let subnets = vnets
        .iter()
        .filter_map(|v| v.get("subnets").and_then(Json::as_array))
        .flatten();
    for subnet in subnets {
        let slot = match subnet.get("name").and_then(Json::as_str) {
            Some("GatewaySubnet") => &mut found.gateway,
            Some("AzureFirewallSubnet") => &mut found.firewall,
            _ => continue,
        };
        if slot.is_none() {
            *slot = ipv4_prefix(subnet);
        }
    }
    found
}

/// `addressPrefix`, else the first IPv4 entry of `addressPrefixes`.
fn ipv4_prefix(subnet: &Json) -> Option<String> {
    let single = subnet.get("addressPrefix").and_then(Json::as_str);
    let listed = subnet
        .get("addressPrefixes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str);
    single
        .into_iter()
        .chain(listed)
        .find(|p| is_ipv4_cidr(p))
        .map(str::to_string)
}

/// Whether `text` is an IPv4 CIDR such as `10.10.4.0/24` (what `ipv4_is_in_range` takes).
pub fn is_ipv4_cidr(text: &str) -> bool {
    let Some((address, bits)) = text.split_once('/') else {
        return false;
    };
    address.parse::<std::net::Ipv4Addr>().is_ok() && bits.parse::<u8>().is_ok_and(|b| b <= 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_topology_names_both_subnets() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let found = find(&[
            root.join("examples/topology/nics.json"),
            root.join("examples/topology/vnets.json"),
        ]);
        assert_eq!(
            found,
            SpecialSubnets {
                gateway: Some("10.10.4.0/24".into()),
                firewall: Some("10.10.1.0/24".into()),
            }
        );
    }

    #[test]
    fn prefixes_may_be_listed_and_must_be_ipv4() {
        let json = serde_json::json!([{ "subnets": [
            { "name": "GatewaySubnet", "addressPrefixes": ["fd00::/64", "10.0.0.0/27"] },
            { "name": "AzureFirewallSubnet", "addressPrefix": "bad" }
        ]}]);
        let found = from_vnets(&json);
        assert_eq!(found.gateway.as_deref(), Some("10.0.0.0/27"));
        assert_eq!(found.firewall, None);
        assert!(is_ipv4_cidr("10.10.4.0/24"));
        assert!(!is_ipv4_cidr("10.10.4.0/33") && !is_ipv4_cidr("10.10.4.0"));
    }
}
