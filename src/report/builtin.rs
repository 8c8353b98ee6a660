//! The panels shipped with kqlite: `reports/traffic/*.kql`, compiled in so the binary needs no
//! files beside it. A unit test keeps this list equal to the folder.

use super::panel::Panel;

/// Where the shipped panels live in the repository (shown as each panel's path).
pub const FOLDER: &str = "reports/traffic";

const FILES: &[(&str, &str)] = &[
    (
        "10-summary.kql",
        include_str!("../../reports/traffic/10-summary.kql"),
    ),
    (
        "11-flow-types.kql",
        include_str!("../../reports/traffic/11-flow-types.kql"),
    ),
    (
        "12-bytes-over-time.kql",
        include_str!("../../reports/traffic/12-bytes-over-time.kql"),
    ),
    (
        "13-flows-over-time.kql",
        include_str!("../../reports/traffic/13-flows-over-time.kql"),
    ),
    (
        "14-by-nic.kql",
        include_str!("../../reports/traffic/14-by-nic.kql"),
    ),
    (
        "15-by-vnet.kql",
        include_str!("../../reports/traffic/15-by-vnet.kql"),
    ),
    (
        "16-by-subnet.kql",
        include_str!("../../reports/traffic/16-by-subnet.kql"),
    ),
    (
        "17-by-vm.kql",
        include_str!("../../reports/traffic/17-by-vm.kql"),
    ),
    (
        "18-by-region.kql",
        include_str!("../../reports/traffic/18-by-region.kql"),
    ),
    (
        "20-top-ip-pairs.kql",
        include_str!("../../reports/traffic/20-top-ip-pairs.kql"),
    ),
    (
        "21-top-sources-by-bytes.kql",
        include_str!("../../reports/traffic/21-top-sources-by-bytes.kql"),
    ),
    (
        "22-top-destinations-by-bytes.kql",
        include_str!("../../reports/traffic/22-top-destinations-by-bytes.kql"),
    ),
    (
        "23-top-sources-by-flows.kql",
        include_str!("../../reports/traffic/23-top-sources-by-flows.kql"),
    ),
    (
        "24-top-destinations-by-flows.kql",
        include_str!("../../reports/traffic/24-top-destinations-by-flows.kql"),
    ),
    (
        "25-application-ports.kql",
        include_str!("../../reports/traffic/25-application-ports.kql"),
    ),
    (
        "26-l7-protocols.kql",
        include_str!("../../reports/traffic/26-l7-protocols.kql"),
    ),
    (
        "27-rule-hits.kql",
        include_str!("../../reports/traffic/27-rule-hits.kql"),
    ),
    (
        "28-denied-by-rule.kql",
        include_str!("../../reports/traffic/28-denied-by-rule.kql"),
    ),
    (
        "29-from-the-internet.kql",
        include_str!("../../reports/traffic/29-from-the-internet.kql"),
    ),
    (
        "30-gateway-subnet-by-mac.kql",
        include_str!("../../reports/traffic/30-gateway-subnet-by-mac.kql"),
    ),
    (
        "31-firewall-subnet-by-mac.kql",
        include_str!("../../reports/traffic/31-firewall-subnet-by-mac.kql"),
    ),
    (
        "40-nsg-summary.kql",
        include_str!("../../reports/traffic/40-nsg-summary.kql"),
    ),
    (
        "41-nsg-flows-over-time.kql",
        include_str!("../../reports/traffic/41-nsg-flows-over-time.kql"),
    ),
    (
        "42-nsg-rule-hits.kql",
        include_str!("../../reports/traffic/42-nsg-rule-hits.kql"),
    ),
    (
        "43-nsg-top-talkers.kql",
        include_str!("../../reports/traffic/43-nsg-top-talkers.kql"),
    ),
    (
        "44-nsg-ports.kql",
        include_str!("../../reports/traffic/44-nsg-ports.kql"),
    ),
    (
        "45-nsg-from-the-internet.kql",
        include_str!("../../reports/traffic/45-nsg-from-the-internet.kql"),
    ),
    (
        "60-azfw-actions-by-rule-collection.kql",
        include_str!("../../reports/traffic/60-azfw-actions-by-rule-collection.kql"),
    ),
    (
        "61-azfw-denied-destinations.kql",
        include_str!("../../reports/traffic/61-azfw-denied-destinations.kql"),
    ),
    (
        "62-azfw-denied-fqdns.kql",
        include_str!("../../reports/traffic/62-azfw-denied-fqdns.kql"),
    ),
    (
        "63-azfw-threat-intel.kql",
        include_str!("../../reports/traffic/63-azfw-threat-intel.kql"),
    ),
    (
        "64-azfw-idps.kql",
        include_str!("../../reports/traffic/64-azfw-idps.kql"),
    ),
    (
        "65-azfw-flow-trace-flags.kql",
        include_str!("../../reports/traffic/65-azfw-flow-trace-flags.kql"),
    ),
    (
        "66-azfw-invalid-pairs.kql",
        include_str!("../../reports/traffic/66-azfw-invalid-pairs.kql"),
    ),
    (
        "80-aws-summary.kql",
        include_str!("../../reports/traffic/80-aws-summary.kql"),
    ),
    (
        "81-aws-bytes-over-time.kql",
        include_str!("../../reports/traffic/81-aws-bytes-over-time.kql"),
    ),
    (
        "82-aws-records-over-time.kql",
        include_str!("../../reports/traffic/82-aws-records-over-time.kql"),
    ),
    (
        "83-aws-by-interface.kql",
        include_str!("../../reports/traffic/83-aws-by-interface.kql"),
    ),
    (
        "84-aws-top-talkers.kql",
        include_str!("../../reports/traffic/84-aws-top-talkers.kql"),
    ),
    (
        "85-aws-ports.kql",
        include_str!("../../reports/traffic/85-aws-ports.kql"),
    ),
    (
        "86-aws-rejected-sources.kql",
        include_str!("../../reports/traffic/86-aws-rejected-sources.kql"),
    ),
];

/// The shipped panels, in name order.
pub fn panels() -> Vec<Panel> {
    FILES
        .iter()
        .map(|(name, source)| Panel {
            name: name.to_string(),
            path: format!("{FOLDER}/{name}"),
            source: source.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_every_file_of_the_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FOLDER);
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".kql"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn every_shipped_panel_has_a_title_a_chart_and_a_section() {
        for panel in panels() {
            let header = panel.header().unwrap();
            assert_ne!(header.title, panel.id(), "{} has no title", panel.name);
            assert!(header.chart.is_some(), "{} has no chart", panel.name);
            assert_ne!(
                header.section,
                super::super::panel::DEFAULT_SECTION,
                "{}",
                panel.name
            );
        }
    }
}
