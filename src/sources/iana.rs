//! L7Protocol: the IANA service name of a destination port for the row's transport protocol,
//! from the registry compiled in as `iana_services.txt` (its header says where it comes from).

use crate::table::{empty_str, Str};
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

const REGISTRY: &str = include_str!("iana_services.txt");

/// The registry's transport protocols and their IANA protocol numbers.
const TRANSPORTS: &[(&str, u16)] = &[("tcp", 6), ("udp", 17), ("sctp", 132), ("dccp", 33)];

/// (protocol number, port) → service name, built on first use.
static NAMES: LazyLock<FxHashMap<(u16, u16), Str>> = LazyLock::new(|| {
    let mut names = FxHashMap::default();
    for line in REGISTRY.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let mut parts = line.split(' ');
        let (Some(port), Some(name), Some(protocols)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        let name = Str::from(name);
        for protocol in protocols.split(',') {
            if let Some(&(_, number)) = TRANSPORTS.iter().find(|(p, _)| *p == protocol) {
                names.entry((number, port)).or_insert_with(|| name.clone());
            }
        }
    }
    names
});

/// The service name of `port` for IANA protocol `protocol`; empty when it has none.
pub fn service_name(protocol: u16, port: Option<u16>) -> Str {
    port.and_then(|p| NAMES.get(&(protocol, p)).cloned())
        .unwrap_or_else(empty_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_iana_writes_them() {
        let tcp = |p| service_name(6, Some(p)).to_string();
        assert_eq!(tcp(80), "http");
        assert_eq!(tcp(443), "https");
        assert_eq!(tcp(22), "ssh");
        assert_eq!(tcp(23), "telnet");
        assert_eq!(tcp(3389), "ms-wbt-server");
        assert_eq!(tcp(2222), "EtherNet-IP-1");
        assert_eq!(tcp(8301), "amberon");
        assert_eq!(tcp(1025), "blackjack");
        assert_eq!(tcp(6010), "x11");
        assert_eq!(service_name(17, Some(53)).to_string(), "domain");
        assert_eq!(tcp(62078), "");
        assert_eq!(service_name(1, Some(80)).to_string(), "");
        assert_eq!(service_name(6, None).to_string(), "");
    }
}
