//! End-to-end tests of `open` + provider scans on files written to a temporary folder: table
//! shapes, the NSG rows of seed-queries/nsg-traffic-analytics-rows.md, every bad-input case,
//! strict mode, `--nta-from`, cross-file merging and thread-count independence.

use super::*;
use crate::table::{Table, Value};
use std::io::Write;

const SUB: &str = "6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

/// A fresh temporary folder for one test.
fn folder(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kqlite-sources-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, content: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn vnet_record(mac: &str, groups: &[(&str, &[&str])]) -> String {
    let groups = groups
        .iter()
        .map(|(rule, tuples)| {
            let list: Vec<String> = tuples.iter().map(|t| format!("\"{t}\"")).collect();
            format!(r#"{{"rule":"{rule}","flowTuples":[{}]}}"#, list.join(","))
        })
        .collect::<Vec<_>>()
        .join(",");
    format!(
        r#"{{"time":"2024-05-09T10:01:00.0000000Z","flowLogVersion":4,"flowLogGUID":"0f0e0d0c-0000-4000-8000-000000000001","macAddress":"{mac}","category":"FlowLogFlowEvent","flowLogResourceID":"/SUBSCRIPTIONS/{SUB}/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_JAPANEAST/FLOWLOGS/FL-VNET-HUB","targetResourceID":"/subscriptions/{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub","operationName":"FlowLogFlowEvent","flowRecords":{{"flows":[{{"aclID":"9a8b7c6d-0000-4000-8000-00000000acl1","flowGroups":[{groups}]}}]}}}}"#
    )
}

fn records(list: &[String]) -> String {
    format!("{{\"records\":[{}]}}", list.join(",\n"))
}

fn nsg_file(groups: &[(&str, &[&str])]) -> String {
    let flows = groups
        .iter()
        .map(|(rule, tuples)| {
            let list: Vec<String> = tuples.iter().map(|t| format!("\"{t}\"")).collect();
            format!(
                r#"{{"rule":"{rule}","flows":[{{"mac":"7C1E5223B81E","flowTuples":[{}]}}]}}"#,
                list.join(",")
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    records(&[format!(
        r#"{{"time":"2024-09-19T06:00:35.3899262Z","systemId":"5b3a0f1e-0000-4000-8000-000000000002","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/{}/RESOURCEGROUPS/RG-TEST-NSGFLOW/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-TEST-WEB","operationName":"NetworkSecurityGroupFlowEvents","properties":{{"Version":2,"flows":[{flows}]}}}}"#,
        SUB.to_uppercase()
    )])
}

fn blob(dir: &Path, hour: u32, mac: &str) -> PathBuf {
    dir.join(format!(
        "insights-logs-flowlogflowevent/flowLogResourceID=/SUBSCRIPTIONS/{SUB}/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_JAPANEAST/FLOWLOGS/FL-VNET-HUB/y=2024/m=05/d=09/h={hour:02}/m=00/macAddress={mac}/PT1H.json"
    ))
}

/// Every column of `name`, all batches appended.
fn scan_all(catalog: &Catalog, name: &str) -> Result<Table, Error> {
    let provider = catalog.get(name).unwrap();
    let columns: Vec<usize> = (0..provider.schema().len()).collect();
    let request = ScanRequest {
        columns: &columns,
        predicates: &[],
        ctx: EvalContext { now: 0 },
        stats: None,
    };
    let mut all = Table::empty(provider.schema().clone());
    provider.scan(&request, &mut |batch| {
        all.append(&batch);
        Ok(())
    })?;
    Ok(all)
}

fn text(table: &Table, column: &str, row: usize) -> String {
    crate::format::value_text(&table.column(column).unwrap().get(row))
}

fn load(dir: &Path, options: &SourceOptions) -> (Catalog, LoadReport) {
    let mut catalog = Catalog::new();
    let report = open(&[LogPath::Path(dir.to_path_buf())], options, &mut catalog).unwrap();
    (catalog, report)
}

#[test]
fn vnet_rows_fill_every_derived_column() {
    let dir = folder("vnet-columns");
    let mac = "002248E65432";
    write(
        &blob(&dir, 10, mac),
        records(&[vnet_record(
            mac,
            &[
                (
                    "DefaultRule_AllowInternetOutBound",
                    &[
                        "1715248800000,10.12.1.4,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0",
                        "1715248806000,10.12.1.4,52.239.184.180,23957,443,6,O,E,X,3,767,2,1580",
                    ],
                ),
                (
                    "BlockHighRiskTCPPortsFromInternet",
                    &["1715248810,101.33.218.153,10.12.1.4,55188,22,6,I,D,NX,,,,"],
                ),
            ],
        )])
        .as_bytes(),
    );
    let (catalog, report) = load(&dir, &SourceOptions::default());
    assert!(
        report.diagnostics.all().is_empty(),
        "{:?}",
        report.diagnostics.all()
    );
    let t = scan_all(&catalog, "NTANetAnalytics").unwrap();
    assert_eq!(t.num_rows(), 2);
    assert_eq!(
        t.schema,
        crate::catalog::known_schema("NTANetAnalytics").unwrap()
    );
    // Rows are sorted by rule within the target: the deny rule first.
    let (deny, out) = (0, 1);
    assert_eq!(
        text(&t, "AclRule", out),
        "DefaultRule_AllowInternetOutBound"
    );
    assert_eq!(
        text(&t, "AclGroup", out),
        "9a8b7c6d-0000-4000-8000-00000000acl1"
    );
    assert_eq!(text(&t, "SrcIp", out), "10.12.1.4");
    assert_eq!(text(&t, "DestIp", out), "");
    assert_eq!(
        text(&t, "DestPublicIps", out),
        "52.239.184.180|1|1|3|2|767|1580"
    );
    assert_eq!(text(&t, "SrcPorts", out), "23956|23957");
    assert_eq!(text(&t, "DestPort", out), "443");
    assert_eq!(text(&t, "L4Protocol", out), "T");
    assert_eq!(text(&t, "L7Protocol", out), "https");
    assert_eq!(text(&t, "FlowDirection", out), "Outbound");
    assert_eq!(text(&t, "FlowStatus", out), "Allowed");
    assert_eq!(text(&t, "FlowEncryption", out), "Unencrypted");
    assert_eq!(text(&t, "FlowType", out), "ExternalPublic");
    assert_eq!(text(&t, "AllowedOutFlows", out), "1");
    assert_eq!(text(&t, "CompletedFlows", out), "1");
    assert_eq!(text(&t, "RecordCount", out), "2");
    assert_eq!(text(&t, "PacketsSrcToDest", out), "3");
    assert_eq!(text(&t, "BytesSrcToDest", out), "767");
    assert_eq!(text(&t, "PacketsDestToSrc", out), "2");
    assert_eq!(text(&t, "BytesDestToSrc", out), "1580");
    assert_eq!(text(&t, "FlowStartTime", out), "2024-05-09T10:00:00Z");
    assert_eq!(text(&t, "FlowEndTime", out), "2024-05-09T10:00:06Z");
    assert_eq!(
        text(&t, "FlowIntervalStartTime", out),
        "2024-05-09T10:00:00Z"
    );
    assert_eq!(text(&t, "FlowIntervalEndTime", out), "2024-05-09T11:00:00Z");
    assert_eq!(text(&t, "TimeGenerated", out), "2024-05-09T11:00:00Z");
    assert_eq!(text(&t, "TimeProcessed", out), "2024-05-09T11:00:00Z");
    assert_eq!(text(&t, "MacAddress", out), "00-22-48-E6-54-32");
    assert_eq!(
        text(&t, "TargetResourceId", out),
        format!("{SUB}/rg-hub/vnet-hub")
    );
    assert_eq!(text(&t, "TargetResourceType", out), "VirtualNetwork");
    assert_eq!(
        text(&t, "FlowLogResourceId", out),
        "NETWORKWATCHERRG/NETWORKWATCHER_JAPANEAST/FL-VNET-HUB"
    );
    assert!(text(&t, "LogResourceId", out).ends_with("/FLOWLOGS/FL-VNET-HUB"));
    assert_eq!(text(&t, "SubType", out), "FlowLog");
    assert_eq!(text(&t, "FaSchemaVersion", out), "3");
    assert_eq!(text(&t, "Status", out), "Completed");
    assert_eq!(text(&t, "Type", out), "NTANetAnalytics");
    assert_eq!(text(&t, "_SubscriptionId", out), SUB);
    assert_eq!(text(&t, "NsgRule", out), "");
    assert_eq!(
        t.column("IsFlowCapturedAtUdrHop").unwrap().get(out),
        Value::Null
    );
    assert_eq!(text(&t, "SrcIp", deny), "");
    assert_eq!(text(&t, "SrcPublicIps", deny), "101.33.218.153|1|0|0|0|0|0");
    assert_eq!(text(&t, "FlowStatus", deny), "Denied");
    assert_eq!(text(&t, "DeniedInFlows", deny), "1");
    assert_eq!(text(&t, "L7Protocol", deny), "ssh");
    assert_eq!(text(&t, "FlowStartTime", deny), "2024-05-09T10:00:10Z");
}

/// seed-queries/nsg-traffic-analytics-rows.md, rows 1 and 2, from hand-written v2 tuples.
#[test]
fn nsg_rows_have_the_traffic_analytics_shape() {
    let dir = folder("nsg-shape");
    let path = dir.join(format!(
        "insights-logs-networksecuritygroupflowevent/resourceId=/SUBSCRIPTIONS/{}/RESOURCEGROUPS/RG-TEST-NSGFLOW/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-TEST-WEB/y=2024/m=09/d=19/h=06/m=00/macAddress=7C1E5223B81E/PT1H.json",
        SUB.to_uppercase()
    ));
    // 2024-09-19T06:01:10Z and on.
    write(
        &path,
        nsg_file(&[
            (
                "DefaultRule_AllowVnetInBound",
                &[
                    "1726725670,10.8.0.4,10.8.0.68,50100,80,T,I,A,E,5,560,0,0",
                    "1726725675,10.8.0.4,10.8.0.68,50102,80,T,I,A,E,5,560,0,0",
                ],
            ),
            (
                "DefaultRule_DenyAllInBound",
                &["1726725680,113.4.137.244,10.8.0.68,40000,23,T,I,D,B,,,,"],
            ),
        ])
        .as_bytes(),
    );
    let options = SourceOptions {
        interval: parse_interval("10m").unwrap(),
        ..SourceOptions::default()
    };
    let (catalog, report) = load(&dir, &options);
    assert_eq!(
        report
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        vec!["AzureNetworkAnalytics_CL"]
    );
    let t = scan_all(&catalog, "AzureNetworkAnalytics_CL").unwrap();
    assert_eq!(t.num_rows(), 2);
    let (web, telnet) = (0, 1);
    assert_eq!(text(&t, "FASchemaVersion_s", web), "2");
    assert_eq!(text(&t, "SubType_s", web), "FlowLog");
    assert_eq!(
        text(&t, "FlowIntervalStartTime_t", web),
        "2024-09-19T06:00:00Z"
    );
    assert_eq!(
        text(&t, "FlowIntervalEndTime_t", web),
        "2024-09-19T06:10:00Z"
    );
    assert_eq!(text(&t, "FlowStartTime_t", web), "2024-09-19T06:01:10Z");
    assert_eq!(text(&t, "FlowEndTime_t", web), "2024-09-19T06:01:15Z");
    assert_eq!(text(&t, "FlowType_s", web), "UnknownPrivate");
    assert_eq!(
        (text(&t, "SrcIP_s", web), text(&t, "DestIP_s", web)),
        ("10.8.0.4".into(), "10.8.0.68".into())
    );
    assert_eq!(t.column("DestPort_d").unwrap().get(web), Value::Real(80.0));
    assert_eq!(
        (text(&t, "L4Protocol_s", web), text(&t, "L7Protocol_s", web)),
        ("T".into(), "http".into())
    );
    assert_eq!(
        (
            text(&t, "FlowDirection_s", web),
            text(&t, "FlowStatus_s", web)
        ),
        ("I".into(), "A".into())
    );
    assert_eq!(
        text(&t, "NSGList_s", web),
        format!("{SUB}/rg-test-nsgflow/nsg-test-web")
    );
    assert_eq!(text(&t, "NSGRules_s", web), "0|allowvnetinbound|I|A|0");
    assert_eq!(text(&t, "NSGRule_s", web), "allowvnetinbound");
    assert_eq!(text(&t, "NSGRuleType_s", web), "Default");
    for (column, value) in [
        ("AllowedInFlows_d", 0.0),
        ("DeniedInFlows_d", 0.0),
        ("AllowedOutFlows_d", 0.0),
        ("DeniedOutFlows_d", 0.0),
        ("FlowCount_d", 0.0),
        ("InboundPackets_d", 0.0),
        ("OutboundPackets_d", 10.0),
        ("InboundBytes_d", 0.0),
        ("OutboundBytes_d", 1120.0),
        ("CompletedFlows_d", 2.0),
    ] {
        assert_eq!(
            t.column(column).unwrap().get(web),
            Value::Real(value),
            "{column}"
        );
    }
    assert_eq!(text(&t, "MACAddress_s", web), "7C-1E-52-23-B8-1E");
    assert_eq!(text(&t, "Type", web), "AzureNetworkAnalytics_CL");
    assert_eq!(text(&t, "TimeGenerated", web), "2024-09-19T06:10:00Z");
    assert_eq!(text(&t, "VMIP_s", web), "");

    assert_eq!(text(&t, "FlowType_s", telnet), "ExternalPublic");
    assert_eq!(text(&t, "SrcIP_s", telnet), "");
    assert_eq!(
        (text(&t, "DestIP_s", telnet), text(&t, "VMIP_s", telnet)),
        ("10.8.0.68".into(), "10.8.0.68".into())
    );
    assert_eq!(text(&t, "L7Protocol_s", telnet), "telnet");
    assert_eq!(
        (
            text(&t, "FlowDirection_s", telnet),
            text(&t, "FlowStatus_s", telnet)
        ),
        ("I".into(), "D".into())
    );
    assert_eq!(text(&t, "NSGRules_s", telnet), "0|denyallinbound|I|D|1");
    assert_eq!(text(&t, "NSGRule_s", telnet), "denyallinbound");
    assert_eq!(
        t.column("DeniedInFlows_d").unwrap().get(telnet),
        Value::Real(1.0)
    );
    assert_eq!(
        t.column("FlowCount_d").unwrap().get(telnet),
        Value::Real(1.0)
    );
    assert_eq!(
        t.column("OutboundBytes_d").unwrap().get(telnet),
        Value::Real(0.0)
    );
    assert_eq!(
        t.column("CompletedFlows_d").unwrap().get(telnet),
        Value::Real(0.0)
    );
    assert_eq!(text(&t, "PublicIPs_s", telnet), "113.4.137.244|1|0|0|0|0|0");
    assert_eq!(
        text(&t, "SrcPublicIPs_s", telnet),
        "113.4.137.244|1|0|0|0|0|0"
    );
    assert_eq!(text(&t, "DestPublicIPs_s", telnet), "");

    // With --nta-from vnet,nsg the same tuples also fill NTANetAnalytics, marked "2".
    let options = SourceOptions {
        nta_from: FlowSource::parse_list("vnet,nsg").unwrap(),
        ..options
    };
    let (catalog, _) = load(&dir, &options);
    let nta = scan_all(&catalog, "NTANetAnalytics").unwrap();
    assert_eq!(nta.num_rows(), 2);
    assert_eq!(text(&nta, "FaSchemaVersion", 0), "2");
    assert_eq!(text(&nta, "FlowDirection", 0), "Inbound");
    assert_eq!(text(&nta, "NsgRule", 1), "denyallinbound");
    assert_eq!(text(&nta, "TargetResourceType", 1), "NetworkSecurityGroup");
    assert_eq!(text(&nta, "AclRule", 1), "DefaultRule_DenyAllInBound");
}

#[test]
fn bad_input_is_reported_once_with_file_and_position() {
    let dir = folder("bad-input");
    let mac = "002248EA534B";
    let good = "1715248800000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,50";
    // Not JSON at all.
    write(&dir.join("notes/flows.log"), b"these are my flow logs\n");
    // Notes beside the logs are passed over quietly.
    write(&dir.join("notes/README.md"), b"# my logs\n");
    // Truncated while Azure was appending: the first record is complete.
    let complete = vnet_record(mac, &[("r", &[good])]);
    let truncated = format!("{{\"records\":[{complete},\n{}", &complete[..200]);
    write(&blob(&dir, 10, mac), truncated.as_bytes());
    // Wrong field count, non-numeric port and protocol, and a good tuple, gzip-compressed.
    let file = records(&[vnet_record(
        mac,
        &[(
            "r",
            &[
                "1715252400000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1",
                "1715252400000,10.10.4.4,10.12.1.4,abc,443,6,O,E,NX,1,100,1,50",
                "1715252400000,10.10.4.4,10.12.1.4,40000,443,TCP,O,E,NX,1,100,1,50",
                "1715252400000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,50",
            ],
        )],
    )]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(file.as_bytes()).unwrap();
    write(&blob(&dir, 11, mac), &gz.finish().unwrap());
    // A byte that is not UTF-8 inside the second tuple.
    let mut bytes = records(&[vnet_record(
        mac,
        &[(
            "r",
            &[
                "1715256000000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,50",
                "1715256000000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,5X",
            ],
        )],
    )])
    .into_bytes();
    let x = bytes.iter().rposition(|&b| b == b'X').unwrap();
    bytes[x] = 0xff;
    write(&blob(&dir, 12, mac), &bytes);

    let (catalog, report) = load(&dir, &SourceOptions::default());
    let t = scan_all(&catalog, "NTANetAnalytics").unwrap();
    // One good tuple in each of the three flow-log files, each in its own hour.
    assert_eq!(t.num_rows(), 3);
    assert_eq!(text(&t, "BytesSrcToDest", 0), "100");
    // A second scan reports nothing new.
    scan_all(&catalog, "NTANetAnalytics").unwrap();
    let all: Vec<String> = report
        .diagnostics
        .all()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(all.len(), 6, "{all:#?}");
    let find = |needle: &str| {
        all.iter()
            .find(|d| d.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {all:#?}"))
    };
    assert!(find("flows.log").contains("not JSON"));
    assert!(find("record 2:").contains(&format!(
        "h=10/m=00/macAddress={mac}/PT1H.json:2: record 2: the file ends inside this record"
    )));
    assert!(find("tuple 1:").contains("h=11/m=00/macAddress=002248EA534B/PT1H.json:1: record 1, flow 1, group 1, tuple 1: expected 13 comma-separated fields, found 12"));
    assert!(find("tuple 2:").ends_with(
        "record 1, flow 1, group 1, tuple 2: source port `abc` is not a number from 0 to 65535"
    ));
    assert!(find("tuple 3:").ends_with("tuple 3: protocol `TCP` is not a number"));
    let utf8 = all
        .iter()
        .filter(|d| d.contains("h=12"))
        .collect::<Vec<_>>();
    assert_eq!(utf8.len(), 1, "{utf8:#?}");
    assert!(
        utf8[0].contains(
            "record 1, flow 1, group 1, tuple 2: byte 63 of the tuple is not valid UTF-8"
        ),
        "{utf8:#?}"
    );
    assert_eq!(report.diagnostics.skipped(), 5);
    assert_eq!(
        report.diagnostics.summary().unwrap(),
        "6 problems in 4 files; 5 records skipped"
    );

    // --strict: the first bad file is fatal, with exit code 3.
    let strict = SourceOptions {
        strict: true,
        ..SourceOptions::default()
    };
    let mut catalog = Catalog::new();
    let err = open(&[LogPath::Path(dir.clone())], &strict, &mut catalog).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(err.to_string().contains("flows.log"), "{err}");
    std::fs::remove_dir_all(dir.join("notes")).unwrap();
    let mut catalog = Catalog::new();
    open(&[LogPath::Path(dir.clone())], &strict, &mut catalog).unwrap();
    let err = scan_all(&catalog, "NTANetAnalytics").unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(
        err.to_string()
            .contains("line 2, record 2: the file ends inside this record"),
        "{err}"
    );
}

/// A `.gz` blob cut off while it was copied: the records decoded before the cut still load, and
/// the cut is reported with the file.
#[test]
fn a_truncated_gzip_keeps_the_records_before_the_cut() {
    let dir = folder("truncated-gzip");
    let mac = "002248EA534B";
    let tuple =
        |port: u32| format!("1715248800000,10.10.4.4,10.12.1.4,{port},443,6,O,E,NX,1,100,1,50");
    // Enough records that the cut falls well after the first ones.
    let list: Vec<String> = (0..400)
        .map(|i| vnet_record(mac, &[("r", &[tuple(40000 + i).as_str()])]))
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(records(&list).as_bytes()).unwrap();
    let whole = gz.finish().unwrap();
    write(&blob(&dir, 10, mac), &whole[..whole.len() * 2 / 3]);
    for interval in [0, 3600 * crate::table::TICKS_PER_SECOND] {
        let options = SourceOptions {
            interval,
            ..SourceOptions::default()
        };
        let (catalog, report) = load(&dir, &options);
        let t = scan_all(&catalog, "NTANetAnalytics").unwrap();
        let rows = text(&t, "RecordCount", 0);
        assert!(!rows.is_empty());
        let tuples: usize = (0..t.num_rows())
            .map(|r| text(&t, "RecordCount", r).parse::<usize>().unwrap())
            .sum();
        assert!(tuples > 100 && tuples < 400, "{tuples} tuples kept");
        let all: Vec<String> = report
            .diagnostics
            .all()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert!(
            all.iter().any(|d| d.contains("PT1H.json")
                && d.contains("the gzip stream is damaged or truncated")),
            "{all:#?}"
        );
    }
}

#[test]
fn groups_spanning_files_merge_and_threads_do_not_matter() {
    let dir = folder("merge");
    let mac = "002248E65432";
    // A flow of 10:59:59 logged in the 11:00 blob joins the 10:00 row.
    write(
        &blob(&dir, 10, mac),
        records(&[vnet_record(
            mac,
            &[(
                "r",
                &["1715248900000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,50"],
            )],
        )])
        .as_bytes(),
    );
    write(
        &blob(&dir, 11, mac),
        records(&[vnet_record(
            mac,
            &[(
                "r",
                &[
                    "1715252399000,10.10.4.4,10.12.1.4,40001,443,6,O,E,NX,2,200,2,60",
                    "1715252500000,10.10.4.4,10.12.1.4,40002,443,6,O,E,NX,4,400,4,70",
                ],
            )],
        )])
        .as_bytes(),
    );
    for h in 12..16 {
        let t = 1_715_248_800_000u64 + (h - 10) * 3_600_000;
        write(
            &blob(&dir, h as u32, mac),
            records(&[vnet_record(
                mac,
                &[(
                    "r",
                    &[&format!(
                        "{t},10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,1,1,1"
                    )],
                )],
            )])
            .as_bytes(),
        );
    }
    let (catalog, _) = load(&dir, &SourceOptions::default());
    let scan = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| scan_all(&catalog, "NTANetAnalytics").unwrap())
    };
    let one = scan(1);
    assert_eq!(one, scan(2));
    assert_eq!(one, scan(3));
    assert_eq!(one.num_rows(), 6);
    assert_eq!(
        text(&one, "FlowIntervalStartTime", 0),
        "2024-05-09T10:00:00Z"
    );
    assert_eq!(text(&one, "BytesSrcToDest", 0), "300");
    assert_eq!(text(&one, "SrcPorts", 0), "40000|40001");
    assert_eq!(text(&one, "BytesSrcToDest", 1), "400");
    let interval0 = SourceOptions {
        interval: 0,
        ..SourceOptions::default()
    };
    let dir = folder("merge");
    write(
        &blob(&dir, 10, mac),
        records(&[vnet_record(
            mac,
            &[(
                "r",
                &[
                    "1715248900000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,50",
                    "1715248900000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,50",
                ],
            )],
        )])
        .as_bytes(),
    );
    let (catalog, _) = load(&dir, &interval0);
    let t = scan_all(&catalog, "NTANetAnalytics").unwrap();
    assert_eq!(t.num_rows(), 2);
    assert_eq!(
        text(&t, "FlowIntervalEndTime", 0),
        text(&t, "FlowStartTime", 0)
    );
}

#[test]
fn only_requested_columns_are_built() {
    let dir = folder("columns");
    let mac = "002248E65432";
    write(
        &blob(&dir, 10, mac),
        records(&[vnet_record(
            mac,
            &[(
                "r",
                &["1715248900000,10.10.4.4,10.12.1.4,40000,443,6,O,E,NX,1,100,1,50"],
            )],
        )])
        .as_bytes(),
    );
    let (catalog, report) = load(&dir, &SourceOptions::default());
    let provider = catalog.get("NTANetAnalytics").unwrap();
    let schema = provider.schema();
    let wanted = [
        schema.index_of("DestIp").unwrap(),
        schema.index_of("BytesSrcToDest").unwrap(),
    ];
    let request = ScanRequest {
        columns: &wanted,
        predicates: &[],
        ctx: EvalContext { now: 0 },
        stats: None,
    };
    let mut batches = Vec::new();
    provider
        .scan(&request, &mut |b| {
            batches.push(b);
            Ok(())
        })
        .unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(
        batches[0].schema.names().collect::<Vec<_>>(),
        vec!["DestIp", "BytesSrcToDest"]
    );
    assert_eq!(
        batches[0].rows().next().unwrap(),
        vec![Value::String("10.12.1.4".into()), Value::Long(100)]
    );
    let summary = describe(&report, &catalog).unwrap();
    assert_eq!(
        summary,
        vec![TableSummary {
            name: "NTANetAnalytics".into(),
            rows: 1,
            origin: "1 VNet flow log file".into()
        }]
    );
}

#[test]
fn table_files_by_stem_or_name() {
    let dir = folder("table-files");
    let csv = dir.join("Hosts.csv");
    write(&csv, b"Name,Port\nweb,443\n");
    let exported = dir.join("export.json");
    write(&exported, br#"[{"SrcIp":"10.0.0.1","BytesSrcToDest":5}]"#);
    let mut catalog = Catalog::new();
    let report = open(
        &[
            LogPath::Path(csv),
            LogPath::parse(&format!("NTANetAnalytics={}", exported.display())),
        ],
        &SourceOptions::default(),
        &mut catalog,
    )
    .unwrap();
    assert_eq!(
        report
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Hosts", "NTANetAnalytics"]
    );
    let hosts = scan_all(&catalog, "Hosts").unwrap();
    assert_eq!(
        hosts.rows().next().unwrap(),
        vec![Value::String("web".into()), Value::Long(443)]
    );
    let nta = scan_all(&catalog, "NTANetAnalytics").unwrap();
    assert_eq!(nta.column("BytesSrcToDest").unwrap().get(0), Value::Long(5));
    let summary = describe(&report, &catalog).unwrap();
    assert_eq!(summary[0].rows, 1);
    assert!(summary[0].origin.ends_with("Hosts.csv (CSV)"));
}

#[test]
fn options_parse() {
    assert_eq!(parse_interval("60m").unwrap(), 36_000_000_000);
    assert_eq!(parse_interval("10m").unwrap(), 6_000_000_000);
    assert_eq!(parse_interval("1h").unwrap(), 36_000_000_000);
    assert_eq!(parse_interval("0").unwrap(), 0);
    assert!(parse_interval("7m").is_err());
    assert!(parse_interval("soon").is_err());
    assert_eq!(
        FlowSource::parse_list("vnet, NSG").unwrap(),
        vec![FlowSource::Vnet, FlowSource::Nsg]
    );
    assert!(FlowSource::parse_list("gcp").is_err());
    assert_eq!(
        LogPath::parse("T=a.csv"),
        LogPath::Named {
            name: "T".into(),
            path: "a.csv".into()
        }
    );
    assert_eq!(
        LogPath::parse("logs/x=1/PT1H.json"),
        LogPath::Path("logs/x=1/PT1H.json".into())
    );
}

/// Totals per key, computed straight from the raw tuples of `examples/logs` (serde_json::Value,
/// no kqlite code): the three seed NTANetAnalytics queries' answers, with `--now`
/// 2024-05-10T00:00:00Z.
fn raw_totals(
    macs: &[&str],
    after_ms: u64,
    src_excluded: &str,
    by_src: bool,
) -> std::collections::BTreeMap<String, (u64, u64)> {
    let mut totals = std::collections::BTreeMap::new();
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/logs/insights-logs-flowlogflowevent");
    for file in detect::walk(&root, false).unwrap().files {
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        for record in doc["records"].as_array().unwrap() {
            if !macs.contains(&record["macAddress"].as_str().unwrap()) {
                continue;
            }
            for flow in record["flowRecords"]["flows"].as_array().unwrap() {
                for group in flow["flowGroups"].as_array().unwrap() {
                    for tuple in group["flowTuples"].as_array().unwrap() {
                        let f: Vec<&str> = tuple.as_str().unwrap().split(',').collect();
                        let time: u64 = f[0].parse().unwrap();
                        let (src, dst) = (f[1], f[2]);
                        let private = |ip: &str| {
                            ip.starts_with("10.")
                                || ip.starts_with("192.168.")
                                || ip.starts_with("172.20.")
                        };
                        if time <= after_ms
                            || src.contains(src_excluded)
                            || !private(src)
                            || !dst.contains("10.12.")
                        {
                            continue;
                        }
                        let key = if by_src { src } else { dst };
                        let entry = totals.entry(key.to_string()).or_insert((0, 0));
                        entry.0 += f[10].parse::<u64>().unwrap_or(0);
                        entry.1 += f[12].parse::<u64>().unwrap_or(0);
                    }
                }
            }
        }
    }
    totals
}

/// The same totals from the NTANetAnalytics rows kqlite builds, filtered as the seed queries do.
fn table_totals(
    t: &Table,
    macs: &[&str],
    after: i64,
    src_excluded: &str,
    by_src: bool,
) -> std::collections::BTreeMap<String, (u64, u64)> {
    let mut totals = std::collections::BTreeMap::new();
    for row in 0..t.num_rows() {
        let get = |c: &str| text(t, c, row);
        let start = match t.column("FlowStartTime").unwrap().get(row) {
            Value::DateTime(v) => v,
            other => panic!("{other:?}"),
        };
        let (src, dst) = (get("SrcIp"), get("DestIp"));
        if get("SubType") != "FlowLog"
            || get("FaSchemaVersion") != "3"
            || start <= after
            || src.contains(src_excluded)
            || src.is_empty()
            || !dst.contains("10.12.")
            || !macs.contains(&get("MacAddress").as_str())
        {
            continue;
        }
        let key = if by_src { src } else { dst };
        let entry = totals.entry(key).or_insert((0, 0));
        entry.0 += get("BytesSrcToDest").parse::<u64>().unwrap();
        entry.1 += get("BytesDestToSrc").parse::<u64>().unwrap();
    }
    totals
}

#[test]
fn examples_answer_the_seed_queries() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/logs");
    let (catalog, report) = load(&examples, &SourceOptions::default());
    assert!(
        report.diagnostics.all().is_empty(),
        "{:?}",
        report.diagnostics.all()
    );
    let t = scan_all(&catalog, "NTANetAnalytics").unwrap();
    let now_ms: u64 = 1_715_299_200_000; // 2024-05-10T00:00:00Z
    let day_ms = 86_400_000;
    let ticks = |ms: u64| ms as i64 * 10_000;

    // vnet-er-gateway-pie.kql: bytes per destination through the ExpressRoute gateway.
    let er_raw = raw_totals(
        &["002248E65432", "6045BD661C8F"],
        now_ms - 2 * day_ms,
        "10.10.4",
        false,
    );
    let er = table_totals(
        &t,
        &["00-22-48-E6-54-32", "60-45-BD-66-1C-8F"],
        ticks(now_ms - 2 * day_ms),
        "10.10.4",
        false,
    );
    assert_eq!(er, er_raw);
    assert_eq!(
        er.keys().collect::<Vec<_>>(),
        vec!["10.12.1.4", "10.12.1.5", "10.12.2.4", "10.12.3.4"]
    );

    // vnet-firewall-pie.kql: bytes per source through Azure Firewall, over three days.
    let fw_raw = raw_totals(
        &["002248EA534B", "002248EA5ED7"],
        now_ms - 3 * day_ms,
        "10.10.1",
        true,
    );
    let fw = table_totals(
        &t,
        &["00-22-48-EA-53-4B", "00-22-48-EA-5E-D7"],
        ticks(now_ms - 3 * day_ms),
        "10.10.1",
        true,
    );
    assert_eq!(fw, fw_raw);
    assert!(
        fw.len() > 5
            && fw.contains_key("10.12.1.4")
            && fw.keys().any(|k| k.starts_with("192.168.10."))
    );

    // vnet-gateway-macs.kql: rows whose source is in GatewaySubnet, counted by MAC.
    let mut macs = std::collections::BTreeMap::new();
    for row in 0..t.num_rows() {
        if text(&t, "SrcIp", row).contains("10.10.4") {
            *macs.entry(text(&t, "MacAddress", row)).or_insert(0) += 1;
        }
    }
    assert_eq!(
        macs.keys().collect::<Vec<_>>(),
        vec!["00-22-48-E6-54-32", "60-45-BD-66-1C-8F"]
    );

    // The NSG logs of the spoke fill AzureNetworkAnalytics_CL, denied scanners included.
    let nsg = scan_all(&catalog, "AzureNetworkAnalytics_CL").unwrap();
    assert!(nsg.num_rows() > 100);
    let denied = (0..nsg.num_rows())
        .filter(|&r| text(&nsg, "FlowStatus_s", r) == "D")
        .count();
    assert!(denied > 10);
    let summary = describe(&report, &catalog).unwrap();
    assert_eq!(
        summary.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        vec![
            "NTANetAnalytics",
            "AzureNetworkAnalytics_CL",
            "AWSVPCFlow",
            "AZFWApplicationRule",
            "AZFWDnsQuery",
            "AZFWFlowTrace",
            "AZFWIdpsSignature",
            "AZFWNatRule",
            "AZFWNetworkRule",
            "AZFWThreatIntel",
            "AzureDiagnostics"
        ]
    );
    assert_eq!(summary[0].origin, "32 VNet flow log files");
    assert_eq!(summary[1].origin, "12 NSG flow log files");
    assert_eq!(summary[0].rows, t.num_rows());
}
