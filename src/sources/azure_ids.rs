//! Azure identifiers as Traffic Analytics rewrites them: ARM resource ids cut to
//! `<subscription>/<resourceGroup>/<name>`, MAC addresses as `00-22-48-E6-54-32`, NSG rule names
//! split into prefix (rule type) and name.

/// The parts of an ARM id `/subscriptions/S/resourceGroups/RG/providers/NS/TYPE/NAME[/SUB/NAME]`
/// (segment names matched case-insensitively, values kept as written).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceId<'a> {
    pub subscription: &'a str,
    pub resource_group: &'a str,
    /// `(type, name)` pairs after the provider namespace, outermost first.
    pub resources: Vec<(&'a str, &'a str)>,
}

impl<'a> ResourceId<'a> {
    pub fn parse(id: &'a str) -> ResourceId<'a> {
        let mut parsed = ResourceId::default();
        let mut parts = id.split('/').filter(|p| !p.is_empty());
        while let Some(part) = parts.next() {
            if part.eq_ignore_ascii_case("subscriptions") {
                parsed.subscription = parts.next().unwrap_or("");
            } else if part.eq_ignore_ascii_case("resourceGroups") {
                parsed.resource_group = parts.next().unwrap_or("");
            } else if part.eq_ignore_ascii_case("providers") {
                let _namespace = parts.next();
                while let (Some(ty), Some(name)) = (parts.next(), parts.next()) {
                    parsed.resources.push((ty, name));
                }
            }
        }
        parsed
    }

    /// The innermost resource's name (the subnet of a subnet id).
    pub fn name(&self) -> &'a str {
        self.resources.last().map_or("", |r| r.1)
    }

    /// The innermost resource's type segment (`virtualNetworks`, `subnets`, …).
    pub fn kind(&self) -> &'a str {
        self.resources.last().map_or("", |r| r.0)
    }

    /// `<subscription>/<resourceGroup>/<name>`.
    pub fn short(&self) -> String {
        format!(
            "{}/{}/{}",
            self.subscription,
            self.resource_group,
            self.name()
        )
    }
}

/// TargetResourceType of a VNet flow log's target: VirtualNetwork, Subnet or NetworkInterface.
pub fn target_type(kind: &str) -> &'static str {
    if kind.eq_ignore_ascii_case("virtualNetworks") {
        "VirtualNetwork"
    } else if kind.eq_ignore_ascii_case("subnets") {
        "Subnet"
    } else if kind.eq_ignore_ascii_case("networkInterfaces") {
        "NetworkInterface"
    } else {
        ""
    }
}

/// `<resourceGroup>/<networkWatcher>/<flowLog>` of a flow log's id.
pub fn flow_log_short(id: &str) -> String {
    let parsed = ResourceId::parse(id);
    let watcher = parsed.resources.first().map_or("", |r| r.1);
    format!("{}/{}/{}", parsed.resource_group, watcher, parsed.name())
}

/// `00224871C205` → `00-22-48-71-C2-05`; anything that is not 12 hex digits (or already has
/// separators) is upper-cased with `:` turned into `-`.
pub fn format_mac(raw: &str) -> String {
    if raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut out = String::with_capacity(17);
        for (i, c) in raw.chars().enumerate() {
            if i > 0 && i % 2 == 0 {
                out.push('-');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    } else {
        raw.to_ascii_uppercase().replace(':', "-")
    }
}

/// An NSG rule as AzureNetworkAnalytics_CL shows it: (`NSGRule_s`, `NSGRuleType_s`) —
/// `DefaultRule_AllowVnetInBound` → (`allowvnetinbound`, `Default`), `UserRule_web` → (`web`,
/// `User Defined`).
pub fn nsg_rule(raw: &str) -> (String, &'static str) {
    if let Some(name) = raw.strip_prefix("DefaultRule_") {
        (name.to_lowercase(), "Default")
    } else if let Some(name) = raw.strip_prefix("UserRule_") {
        (name.to_lowercase(), "User Defined")
    } else {
        (raw.to_lowercase(), "User Defined")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_ids_shorten() {
        let id = ResourceId::parse("/subscriptions/s-1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/GatewaySubnet");
        assert_eq!(id.short(), "s-1/rg-net/GatewaySubnet");
        assert_eq!(target_type(id.kind()), "Subnet");
        let nsg = ResourceId::parse("/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-WEB");
        assert_eq!(nsg.short(), "S/RG/NSG-WEB");
        assert_eq!(
            flow_log_short("/SUBSCRIPTIONS/S/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/FL1"),
            "NETWORKWATCHERRG/NETWORKWATCHER_EASTUS/FL1"
        );
        assert_eq!(target_type("networkInterfaces"), "NetworkInterface");
        assert_eq!(target_type("VIRTUALNETWORKS"), "VirtualNetwork");
    }

    #[test]
    fn macs_get_dashes() {
        assert_eq!(format_mac("00224871c205"), "00-22-48-71-C2-05");
        assert_eq!(format_mac("7c:1e:52:23:b8:1e"), "7C-1E-52-23-B8-1E");
    }

    #[test]
    fn nsg_rules_lose_their_prefix() {
        assert_eq!(
            nsg_rule("DefaultRule_AllowVnetInBound"),
            ("allowvnetinbound".to_string(), "Default")
        );
        assert_eq!(
            nsg_rule("UserRule_Allow-Web"),
            ("allow-web".to_string(), "User Defined")
        );
    }
}
