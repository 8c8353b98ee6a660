//! Writes kqlite's sample AWS VPC flow logs, Azure Firewall resource logs and topology exports,
//! in the folder layouts AWS and Azure use, from a fixed seed (the same files on every run):
//!
//! - `logs/aws/AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/<…>.log.gz`: S3 delivery, a
//!   header line per file (a custom v5 format with tcp-flags and flow-direction, and one v7 file
//!   with ECS fields), NODATA/SKIPDATA records, IPv6; plus `logs/aws/cloudwatch-export/*.log` in
//!   the default v2 format without a header.
//! - `logs/azfw/insights-logs-<category>/resourceId=/…/AZUREFIREWALLS/FW-HUB/y=/m=/d=/h=/m=00/PT1H.json`:
//!   flow trace (SYN-ACK, FIN, FIN-ACK, RST and the INVALID records asymmetric routing causes),
//!   network/application/NAT rules, DNS proxy, threat intel, IDPS, and one legacy category.
//! - `topology/`: `az network vnet list`, `az network nic list`, `az vm list` output for the hub
//!   and spokes of the Azure samples, and a small service-tags file.
//!
//! Usage: `kqlite-gen-aws [OUT_DIR]` (default `examples`).

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*), so the samples never change between runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// 2024-05-09T10:00:00Z, the first hour of every sample.
const START: i64 = 1_715_248_800;
const HOURS: i64 = 3;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "examples".into()));
    let mut rng = Rng(0x6b71_6c69_7465_2021);
    write_aws(&out.join("logs/aws"), &mut rng)?;
    write_firewall(&out.join("logs/azfw"), &mut rng)?;
    write_topology(&out.join("topology"))?;
    eprintln!("wrote samples under {}", out.display());
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}

fn gzip(text: &str) -> std::io::Result<Vec<u8>> {
    // A fixed header (mtime 0) keeps the bytes identical between runs.
    let mut encoder: GzEncoder<Vec<u8>> = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::default());
    encoder.write_all(text.as_bytes())?;
    encoder.finish()
}

// ---------------------------------------------------------------------------------------------
// AWS VPC flow logs
// ---------------------------------------------------------------------------------------------

const ACCOUNT: &str = "123456789012";
const REGION: &str = "ap-northeast-1";
const FLOW_LOG_ID: &str = "fl-0a1b2c3d4e5f60718";
const VPC: &str = "vpc-0c0ffee0c0ffee001";

/// An EC2 network interface of the sample VPC (10.30.0.0/16).
struct Eni {
    id: &'static str,
    instance: &'static str,
    subnet: &'static str,
    az: &'static str,
    ipv4: &'static str,
    ipv6: &'static str,
}

const WEB: Eni = Eni {
    id: "eni-0aa11bb22cc33dd44",
    instance: "i-0web000000000001a",
    subnet: "subnet-0pub0000000000001",
    az: "apne1-az4",
    ipv4: "10.30.1.10",
    ipv6: "2406:da14:abc:1100::10",
};
const APP: Eni = Eni {
    id: "eni-0ee55ff66aa77bb88",
    instance: "i-0app000000000002b",
    subnet: "subnet-0prv0000000000002",
    az: "apne1-az1",
    ipv4: "10.30.2.20",
    ipv6: "",
};

const V5_FIELDS: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

/// One v5 record's values (`-` where AWS writes it).
struct Record {
    eni: &'static Eni,
    src: String,
    dst: String,
    sport: String,
    dport: String,
    protocol: u8,
    packets: u64,
    bytes: u64,
    start: i64,
    end: i64,
    action: &'static str,
    status: &'static str,
    tcp_flags: String,
    kind: &'static str,
    src_service: &'static str,
    dst_service: &'static str,
    direction: &'static str,
    traffic_path: &'static str,
}

impl Record {
    fn v5_line(&self) -> String {
        let dash = |s: &str| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.to_string()
            }
        };
        let traffic = self.status == "OK";
        let number = |n: u64| if traffic { n.to_string() } else { "-".into() };
        [
            "5".to_string(),
            ACCOUNT.into(),
            self.eni.id.into(),
            dash(&self.src),
            dash(&self.dst),
            dash(&self.sport),
            dash(&self.dport),
            if traffic {
                self.protocol.to_string()
            } else {
                "-".into()
            },
            number(self.packets),
            number(self.bytes),
            self.start.to_string(),
            self.end.to_string(),
            dash(self.action),
            self.status.into(),
            VPC.into(),
            self.eni.subnet.into(),
            self.eni.instance.into(),
            dash(&self.tcp_flags),
            dash(self.kind),
            dash(&self.src),
            dash(&self.dst),
            REGION.into(),
            self.eni.az.into(),
            dash(self.src_service),
            dash(self.dst_service),
            dash(self.direction),
            dash(self.traffic_path),
        ]
        .join(" ")
    }
}

/// Internet peers (documentation ranges) and what they do.
const SCANNERS: &[&str] = &["198.51.100.7", "203.0.113.45", "192.0.2.200"];
const CLIENTS: &[&str] = &[
    "198.51.100.23",
    "203.0.113.9",
    "192.0.2.77",
    "198.51.100.150",
];
const S3_ADDRESSES: &[&str] = &["52.219.0.41", "52.219.4.18"];

/// The records of one five-minute window starting at `window`.
fn aws_window(rng: &mut Rng, window: i64) -> Vec<Record> {
    let mut records = Vec::new();
    let base = |eni: &'static Eni, start: i64| Record {
        eni,
        src: String::new(),
        dst: String::new(),
        sport: String::new(),
        dport: String::new(),
        protocol: 6,
        packets: 0,
        bytes: 0,
        start,
        end: start + 50 + rng_free_offset(start),
        action: "ACCEPT",
        status: "OK",
        tcp_flags: String::new(),
        kind: "IPv4",
        src_service: "",
        dst_service: "",
        direction: "",
        traffic_path: "",
    };
    // HTTPS from internet clients to the web server: the request side and the reply side.
    for _ in 0..2 + rng.below(2) {
        let client = *rng.pick(CLIENTS);
        let port = (49152 + rng.below(16000)).to_string();
        let start = window + rng.below(240) as i64;
        let packets = 8 + rng.below(30);
        records.push(Record {
            src: client.into(),
            dst: WEB.ipv4.into(),
            sport: port.clone(),
            dport: "443".into(),
            packets,
            bytes: packets * (60 + rng.below(400)),
            tcp_flags: "3".into(), // SYN + FIN over the interval
            direction: "ingress",
            ..base(&WEB, start)
        });
        let reply_packets = packets + rng.below(10);
        records.push(Record {
            src: WEB.ipv4.into(),
            dst: client.into(),
            sport: "443".into(),
            dport: port,
            packets: reply_packets,
            bytes: reply_packets * (600 + rng.below(800)),
            tcp_flags: "19".into(), // SYN-ACK + FIN
            direction: "egress",
            traffic_path: "8",
            ..base(&WEB, start)
        });
    }
    // SSH and RDP probes from scanners, rejected by the security group.
    for _ in 0..1 + rng.below(3) {
        let scanner = *rng.pick(SCANNERS);
        records.push(Record {
            src: scanner.into(),
            dst: WEB.ipv4.into(),
            sport: (1024 + rng.below(60000)).to_string(),
            dport: rng.pick(&["22", "3389", "23"]).to_string(),
            packets: 1 + rng.below(2),
            bytes: 40 + 20 * rng.below(2),
            action: "REJECT",
            tcp_flags: "2".into(), // SYN only
            direction: "ingress",
            ..base(&WEB, window + rng.below(280) as i64)
        });
    }
    // Web tier to app tier on 8080, inside the VPC.
    let port = (32768 + rng.below(28000)).to_string();
    let start = window + rng.below(200) as i64;
    let packets = 20 + rng.below(40);
    records.push(Record {
        src: WEB.ipv4.into(),
        dst: APP.ipv4.into(),
        sport: port.clone(),
        dport: "8080".into(),
        packets,
        bytes: packets * 300,
        tcp_flags: "3".into(),
        direction: "egress",
        traffic_path: "1",
        ..base(&WEB, start)
    });
    records.push(Record {
        src: WEB.ipv4.into(),
        dst: APP.ipv4.into(),
        sport: port,
        dport: "8080".into(),
        packets,
        bytes: packets * 300,
        tcp_flags: "3".into(),
        direction: "ingress",
        ..base(&APP, start)
    });
    // The app tier writes to S3 through the gateway endpoint.
    let packets = 40 + rng.below(200);
    records.push(Record {
        src: APP.ipv4.into(),
        dst: rng.pick(S3_ADDRESSES).to_string(),
        sport: (32768 + rng.below(28000)).to_string(),
        dport: "443".into(),
        packets,
        bytes: packets * 1200,
        tcp_flags: "3".into(),
        dst_service: "S3",
        direction: "egress",
        traffic_path: "7",
        ..base(&APP, window + rng.below(200) as i64)
    });
    // IPv6 HTTPS to the web server.
    if rng.below(2) == 0 {
        let packets = 10 + rng.below(10);
        records.push(Record {
            src: "2001:db8:1234:a100:8d6e:3477:df66:f105".into(),
            dst: WEB.ipv6.into(),
            sport: (49152 + rng.below(16000)).to_string(),
            dport: "443".into(),
            packets,
            bytes: packets * 500,
            tcp_flags: "3".into(),
            kind: "IPv6",
            direction: "ingress",
            ..base(&WEB, window + rng.below(200) as i64)
        });
    }
    // An idle interface reports NODATA now and then; a busy window once skipped records.
    if rng.below(3) == 0 {
        records.push(Record {
            action: "",
            status: "NODATA",
            kind: "",
            ..base(&APP, window)
        });
    }
    records.sort_by_key(|r| r.start);
    records
}

/// Flow durations vary a little with the start second (kept out of the RNG stream on purpose,
/// so adding a record type does not reshuffle the others).
fn rng_free_offset(start: i64) -> i64 {
    start.rem_euclid(9)
}

fn write_aws(root: &Path, rng: &mut Rng) -> std::io::Result<()> {
    // S3: one file per five-minute window... kept to one per 20 minutes to stay small.
    for hour in 0..HOURS {
        for quarter in 0..3 {
            let window = START + hour * 3600 + quarter * 1200;
            let mut text = String::from(V5_FIELDS);
            text.push('\n');
            for record in aws_window(rng, window) {
                text.push_str(&record.v5_line());
                text.push('\n');
            }
            if hour == 1 && quarter == 2 {
                // Capacity trouble: AWS skipped records for this interface and interval.
                let skip = Record {
                    eni: &WEB,
                    src: String::new(),
                    dst: String::new(),
                    sport: String::new(),
                    dport: String::new(),
                    protocol: 0,
                    packets: 0,
                    bytes: 0,
                    start: window,
                    end: window + 60,
                    action: "",
                    status: "SKIPDATA",
                    tcp_flags: String::new(),
                    kind: "",
                    src_service: "",
                    dst_service: "",
                    direction: "",
                    traffic_path: "",
                };
                text.push_str(&skip.v5_line());
                text.push('\n');
            }
            let stamp = stamp(window);
            let day = &stamp[..8];
            let name = format!(
                "AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/{}/{}/{}/{ACCOUNT}_vpcflowlogs_{REGION}_{FLOW_LOG_ID}_{stamp}_{:08x}.log.gz",
                &day[..4],
                &day[4..6],
                &day[6..8],
                rng.next() as u32
            );
            write_file(&root.join(name), &gzip(&text)?)?;
        }
    }
    // A second flow log on the app interface with ECS fields (version 7): extra columns.
    let ecs_header = "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction ecs-cluster-name ecs-service-name ecs-task-id";
    let mut text = format!("{ecs_header}\n");
    for i in 0..6 {
        let start = START + 600 * i;
        let packets = 12 + rng.below(20);
        let _ = writeln!(
            text,
            "7 {} {} 10.30.3.{} {} 5432 6 {packets} {} {start} {} ACCEPT OK egress orders-cluster orders-api {:016x}{:016x}",
            APP.id,
            APP.ipv4,
            40 + i,
            40000 + rng.below(20000),
            packets * 180,
            start + 55,
            rng.next(),
            rng.next()
        );
    }
    let stamp = stamp(START);
    let name = format!(
        "AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/2024/05/09/{ACCOUNT}_vpcflowlogs_{REGION}_fl-0ecs0000000000007_{stamp}_5eed0007.log.gz"
    );
    write_file(&root.join(name), &gzip(&text)?)?;
    // CloudWatch Logs export: the default format, no header line.
    let mut text = String::new();
    for record in aws_window(rng, START + 2 * 3600 + 3000) {
        if record.status != "OK" || record.kind == "IPv6" {
            continue;
        }
        let _ = writeln!(
            text,
            "2 {ACCOUNT} {} {} {} {} {} {} {} {} {} {} {} OK",
            record.eni.id,
            record.src,
            record.dst,
            record.sport,
            record.dport,
            record.protocol,
            record.packets,
            record.bytes,
            record.start,
            record.end,
            record.action
        );
    }
    let _ = writeln!(
        text,
        "2 {ACCOUNT} {} - - - - - - - {} {} - NODATA",
        APP.id,
        START + 3 * 3600 - 300,
        START + 3 * 3600 - 240
    );
    write_file(
        &root.join("cloudwatch-export/vpc-flow-logs-default-format.log"),
        text.as_bytes(),
    )
}

/// `20240509T1020Z`.
fn stamp(unix: i64) -> String {
    let dt = chrono::DateTime::from_timestamp(unix, 0).expect("sample times are valid");
    dt.format("%Y%m%dT%H%MZ").to_string()
}

// ---------------------------------------------------------------------------------------------
// Azure Firewall resource logs
// ---------------------------------------------------------------------------------------------

const SUBSCRIPTION: &str = "6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
const FIREWALL_ID: &str = "/SUBSCRIPTIONS/6A1F0C2E-3B4D-4E5F-8A9B-0C1D2E3F4A5B/RESOURCEGROUPS/RG-HUB/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW-HUB";

/// Spoke workloads and on-premises clients (through the ExpressRoute gateway).
const SPOKE_HOSTS: &[&str] = &["10.12.1.4", "10.12.1.5", "10.12.2.4", "10.12.3.4"];
const ONPREM_HOSTS: &[&str] = &["192.168.10.21", "192.168.10.35", "192.168.20.8"];
const INTERNET_SITES: &[(&str, &str)] = &[
    ("www.microsoft.com", "23.72.254.146"),
    ("packages.ubuntu.com", "185.125.190.36"),
    ("api.github.com", "140.82.112.5"),
];

fn iso(unix: i64, fraction: u64) -> String {
    let dt = chrono::DateTime::from_timestamp(unix, 0).expect("sample times are valid");
    format!("{}.{fraction:07}Z", dt.format("%Y-%m-%dT%H:%M:%S"))
}

fn record(category: &str, time: String, operation: &str, properties: Value) -> Value {
    json!({
        "time": time,
        "resourceId": FIREWALL_ID,
        "category": category,
        "operationName": operation,
        "properties": properties,
    })
}

fn hour_path(category: &str, hour_start: i64) -> String {
    let dt = chrono::DateTime::from_timestamp(hour_start, 0).expect("sample times are valid");
    format!(
        "insights-logs-{}/resourceId={FIREWALL_ID}/{}/m=00/PT1H.json",
        category.to_ascii_lowercase(),
        dt.format("y=%Y/m=%m/d=%d/h=%H")
    )
}

/// `{"records": [...]}` as Azure Storage writes it.
fn records_file(records: &[Value]) -> String {
    let body: Vec<String> = records.iter().map(Value::to_string).collect();
    format!("{{\"records\":[{}]}}", body.join(",\n"))
}

/// One JSON object per line, as newer storage exports and Event Hub captures write.
fn json_lines(records: &[Value]) -> String {
    records.iter().map(|r| r.to_string() + "\n").collect()
}

fn write_firewall(root: &Path, rng: &mut Rng) -> std::io::Result<()> {
    for hour in 0..HOURS {
        let hour_start = START + hour * 3600;
        let time = |rng: &mut Rng| (hour_start + rng.below(3600) as i64, rng.below(10_000_000));

        // Flow trace: handshake flags for ordinary flows, and INVALID ones where the return path
        // bypasses the firewall (on-premises replies routed straight to the spoke).
        let mut trace = Vec::new();
        for _ in 0..10 + rng.below(6) {
            let (secs, frac) = time(rng);
            let src = *rng.pick(SPOKE_HOSTS);
            let (dst, port) = if rng.below(3) == 0 {
                (*rng.pick(ONPREM_HOSTS), *rng.pick(&[1433_u16, 445, 22]))
            } else {
                let (_, ip) = *rng.pick(INTERNET_SITES);
                (ip, 443)
            };
            let flag = *rng.pick(&["SYN-ACK", "FIN", "FIN-ACK", "RST", "SYN-ACK", "FIN"]);
            trace.push((secs, frac, src, dst, 49152 + rng.below(16000), port, flag));
        }
        for _ in 0..2 + rng.below(4) {
            let (secs, frac) = time(rng);
            let onprem = *rng.pick(ONPREM_HOSTS);
            let spoke = *rng.pick(SPOKE_HOSTS);
            // The SYN-ACK of a session the firewall never saw start: no state, so INVALID.
            trace.push((
                secs,
                frac,
                spoke,
                onprem,
                rng.pick(&[443_u64, 1433, 3389]).to_owned(),
                (49152 + rng.below(16000)) as u16,
                "INVALID",
            ));
        }
        trace.sort_by_key(|t| (t.0, t.1));
        let records: Vec<Value> = trace
            .into_iter()
            .map(|(secs, frac, src, dst, sport, dport, flag)| {
                record(
                    "AZFWFlowTrace",
                    iso(secs, frac),
                    "AzureFirewallFlowTrace",
                    json!({
                        "Protocol": "TCP",
                        "SourceIp": src,
                        "SourcePort": sport,
                        "DestinationIp": dst,
                        "DestinationPort": dport,
                        "Flag": flag,
                        "Action": "Log",
                        "ActionReason": "Additional TCP Log",
                    }),
                )
            })
            .collect();
        write_file(
            &root.join(hour_path("AZFWFlowTrace", hour_start)),
            records_file(&records).as_bytes(),
        )?;

        // Network rules: spokes to on-premises allowed, everything else denied by default.
        let mut network = Vec::new();
        for _ in 0..6 + rng.below(4) {
            let (secs, frac) = time(rng);
            let src = *rng.pick(SPOKE_HOSTS);
            let allowed = rng.below(3) != 0;
            let (dst, port, protocol) = if allowed {
                (
                    *rng.pick(ONPREM_HOSTS),
                    *rng.pick(&[1433_u16, 445, 53]),
                    "TCP",
                )
            } else {
                (
                    *rng.pick(&["23.72.254.146", "8.8.8.8", "10.12.2.4"]),
                    *rng.pick(&[123_u16, 3389, 25]),
                    "UDP",
                )
            };
            let props = if allowed {
                json!({"Protocol": protocol, "SourceIp": src, "SourcePort": 49152 + rng.below(16000), "DestinationIp": dst, "DestinationPort": port,
                       "Action": "Allow", "Policy": "fwpol-hub", "RuleCollectionGroup": "DefaultNetworkRuleCollectionGroup", "RuleCollection": "spokes-to-onprem", "Rule": "allow-sql-smb-dns", "ActionReason": ""})
            } else {
                json!({"Protocol": protocol, "SourceIp": src, "SourcePort": 49152 + rng.below(16000), "DestinationIp": dst, "DestinationPort": port,
                       "Action": "Deny", "Policy": "", "RuleCollectionGroup": "", "RuleCollection": "", "Rule": "", "ActionReason": "Default Action"})
            };
            network.push((secs, frac, props));
        }
        network.sort_by_key(|n| (n.0, n.1));
        let records: Vec<Value> = network
            .into_iter()
            .map(|(s, f, p)| {
                record(
                    "AZFWNetworkRule",
                    iso(s, f),
                    "AzureFirewallNetworkRuleLog",
                    p,
                )
            })
            .collect();
        write_file(
            &root.join(hour_path("AZFWNetworkRule", hour_start)),
            json_lines(&records).as_bytes(),
        )?;

        // Application rules and DNS proxy: spokes browsing allowed sites, one blocked site.
        let mut app = Vec::new();
        let mut dns = Vec::new();
        for _ in 0..4 + rng.below(3) {
            let (secs, frac) = time(rng);
            let src = *rng.pick(SPOKE_HOSTS);
            let blocked = rng.below(4) == 0;
            let (fqdn, _) = if blocked {
                ("games.example.net", "198.51.100.99")
            } else {
                *rng.pick(INTERNET_SITES)
            };
            app.push((secs, frac, json!({
                "Protocol": "HTTPS", "SourceIp": src, "SourcePort": 49152 + rng.below(16000), "DestinationPort": 443,
                "Fqdn": fqdn, "TargetUrl": "", "Action": if blocked { "Deny" } else { "Allow" },
                "Policy": if blocked { "" } else { "fwpol-hub" },
                "RuleCollectionGroup": if blocked { "" } else { "DefaultApplicationRuleCollectionGroup" },
                "RuleCollection": if blocked { "" } else { "web-allow" },
                "Rule": if blocked { "" } else { "allow-updates" },
                "ActionReason": if blocked { "No rule matched. Proceeding with default action" } else { "" },
                "IsTlsInspected": false, "WebCategory": "", "IsExplicitProxyRequest": false,
            })));
            dns.push((secs, frac.saturating_sub(1), json!({
                "SourceIp": src, "SourcePort": 49152 + rng.below(16000), "QueryId": rng.below(65536), "QueryType": "A",
                "QueryClass": "IN", "QueryName": format!("{fqdn}."), "Protocol": "udp", "RequestSize": 40 + fqdn.len(),
                "DnssecOkBit": false, "EDNS0BufferSize": 1232, "ResponseCode": "NOERROR", "ResponseFlags": "qr,rd,ra",
                "ResponseSize": 56 + fqdn.len(), "RequestDurationSecs": 0.001 * (1 + rng.below(40)) as f64,
                "ErrorNumber": 0, "ErrorMessage": "",
            })));
        }
        app.sort_by_key(|a| (a.0, a.1));
        dns.sort_by_key(|d| (d.0, d.1));
        let records: Vec<Value> = app
            .into_iter()
            .map(|(s, f, p)| {
                record(
                    "AZFWApplicationRule",
                    iso(s, f),
                    "AzureFirewallApplicationRuleLog",
                    p,
                )
            })
            .collect();
        write_file(
            &root.join(hour_path("AZFWApplicationRule", hour_start)),
            records_file(&records).as_bytes(),
        )?;
        let records: Vec<Value> = dns
            .into_iter()
            .map(|(s, f, p)| record("AZFWDnsQuery", iso(s, f), "AzureFirewallDnsProxyLog", p))
            .collect();
        write_file(
            &root.join(hour_path("AZFWDnsQuery", hour_start)),
            records_file(&records).as_bytes(),
        )?;
    }

    // One hour of the rarer categories.
    let hour_start = START;
    let nat = vec![record(
        "AZFWNatRule",
        iso(START + 754, 1_234_000),
        "AzureFirewallNatRuleLog",
        json!({
        "Protocol": "TCP", "SourceIp": "203.0.113.9", "SourcePort": 53211, "DestinationIp": "20.48.1.10", "DestinationPort": 3389,
        "TranslatedIp": "10.12.1.4", "TranslatedPort": 3389, "Policy": "fwpol-hub", "RuleCollectionGroup": "DefaultDnatRuleCollectionGroup",
        "RuleCollection": "dnat-rdp", "Rule": "rdp-jump"}),
    )];
    write_file(
        &root.join(hour_path("AZFWNatRule", hour_start)),
        records_file(&nat).as_bytes(),
    )?;
    let threat = vec![record(
        "AZFWThreatIntel",
        iso(START + 1800, 42),
        "AzureFirewallThreatIntelLog",
        json!({
        "Protocol": "TCP", "SourceIp": "10.12.2.4", "SourcePort": 50443, "DestinationIp": "192.0.2.66", "DestinationPort": 443,
        "Fqdn": "malware.example.org", "TargetUrl": "", "Action": "Deny", "ThreatDescription": "Known malicious domain", "IsTlsInspected": false}),
    )];
    write_file(
        &root.join(hour_path("AZFWThreatIntel", hour_start)),
        records_file(&threat).as_bytes(),
    )?;
    let idps = vec![record(
        "AZFWIdpsSignature",
        iso(START + 2400, 500),
        "AzureFirewallIDSLog",
        json!({
        "Protocol": "TCP", "SourceIp": "198.51.100.7", "SourcePort": 40213, "DestinationIp": "10.12.1.4", "DestinationPort": 22,
        "Action": "alert", "SignatureId": "2001219", "Category": "Attempted Information Leak", "Description": "ET SCAN Potential SSH Scan", "Severity": 2}),
    )];
    write_file(
        &root.join(hour_path("AZFWIdpsSignature", hour_start)),
        records_file(&idps).as_bytes(),
    )?;
    // A firewall still on legacy diagnostics: AzureDiagnostics rows with a text message.
    let legacy = vec![
        record(
            "AzureFirewallNetworkRule",
            iso(START + 300, 0),
            "AzureFirewallNetworkRuleLog",
            json!({"msg": "TCP request from 10.12.1.4:51234 to 192.168.10.21:1433. Action: Allow. Rule Collection: spokes-to-onprem. Rule: allow-sql-smb-dns"}),
        ),
        record(
            "AzureFirewallNetworkRule",
            iso(START + 360, 0),
            "AzureFirewallNetworkRuleLog",
            json!({"msg": "UDP request from 10.12.2.4:50123 to 8.8.8.8:123. Action: Deny. No rule matched. Proceeding with default action"}),
        ),
    ];
    write_file(
        &root.join(hour_path("AzureFirewallNetworkRule", hour_start)),
        records_file(&legacy).as_bytes(),
    )
}

// ---------------------------------------------------------------------------------------------
// Topology
// ---------------------------------------------------------------------------------------------

fn arm(group: &str, provider: &str, kind: &str, name: &str) -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/{provider}/{kind}/{name}"
    )
}

fn vnet_json(
    group: &str,
    name: &str,
    prefixes: &[&str],
    subnets: &[(&str, &str)],
    peers: &[(&str, &str)],
) -> Value {
    let id = arm(group, "Microsoft.Network", "virtualNetworks", name);
    json!({
        "name": name, "id": id, "location": "japaneast", "resourceGroup": group, "type": "Microsoft.Network/virtualNetworks",
        "addressSpace": {"addressPrefixes": prefixes},
        "subnets": subnets.iter().map(|(subnet, prefix)| json!({
            "name": subnet, "id": format!("{id}/subnets/{subnet}"), "addressPrefix": prefix, "resourceGroup": group,
        })).collect::<Vec<_>>(),
        "virtualNetworkPeerings": peers.iter().map(|(peer_group, peer)| json!({
            "name": format!("{name}-to-{peer}"), "peeringState": "Connected",
            "remoteVirtualNetwork": {"id": arm(peer_group, "Microsoft.Network", "virtualNetworks", peer)},
        })).collect::<Vec<_>>(),
    })
}

fn write_topology(root: &Path) -> std::io::Result<()> {
    // The network of the Azure flow-log samples (examples/gen_flow_logs.rs): a hub with the
    // firewall and the ExpressRoute gateway, peered with the application spoke.
    let vnets = json!([
        vnet_json(
            "rg-hub",
            "vnet-hub",
            &["10.10.0.0/16"],
            &[
                ("AzureFirewallSubnet", "10.10.1.0/24"),
                ("GatewaySubnet", "10.10.4.0/24")
            ],
            &[("rg-spoke", "vnet-spoke-app")]
        ),
        vnet_json(
            "rg-spoke",
            "vnet-spoke-app",
            &["10.12.0.0/16"],
            &[
                ("snet-web", "10.12.1.0/24"),
                ("snet-app", "10.12.2.0/24"),
                ("snet-db", "10.12.3.0/24")
            ],
            &[("rg-hub", "vnet-hub")]
        ),
    ]);
    let nic = |group: &str,
               name: &str,
               ip: &str,
               subnet: (&str, &str, &str),
               mac: &str,
               vm: Option<&str>| {
        let mut value = json!({
            "name": name, "id": arm(group, "Microsoft.Network", "networkInterfaces", name), "location": "japaneast",
            "resourceGroup": group, "macAddress": mac, "primary": true,
            "ipConfigurations": [{
                "name": "ipconfig1", "privateIPAddress": ip, "privateIPAllocationMethod": "Dynamic",
                "subnet": {"id": format!("{}/subnets/{}", arm(subnet.0, "Microsoft.Network", "virtualNetworks", subnet.1), subnet.2)},
            }],
        });
        if let Some(vm) = vm {
            value["virtualMachine"] =
                json!({"id": arm(group, "Microsoft.Compute", "virtualMachines", vm)});
        }
        value
    };
    let web = ("rg-spoke", "vnet-spoke-app", "snet-web");
    let nics = json!([
        nic(
            "rg-spoke",
            "vm-web1-nic",
            "10.12.1.4",
            web,
            "00-0D-3A-51-7C-21",
            Some("vm-web1")
        ),
        nic(
            "rg-spoke",
            "vm-web2-nic",
            "10.12.1.5",
            web,
            "00-0D-3A-51-9E-04",
            Some("vm-web2")
        ),
        nic(
            "rg-spoke",
            "vm-app1-nic",
            "10.12.2.4",
            ("rg-spoke", "vnet-spoke-app", "snet-app"),
            "00-0D-3A-52-10-AA",
            None
        ),
        nic(
            "rg-spoke",
            "vm-db1-nic",
            "10.12.3.4",
            ("rg-spoke", "vnet-spoke-app", "snet-db"),
            "00-0D-3A-53-2B-6F",
            Some("vm-db1")
        ),
    ]);
    let vm = |group: &str, name: &str, nic: &str| {
        json!({
            "name": name, "id": arm(group, "Microsoft.Compute", "virtualMachines", name), "location": "japaneast",
            "resourceGroup": group, "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
            "networkProfile": {"networkInterfaces": [{"id": arm(group, "Microsoft.Network", "networkInterfaces", nic), "primary": true}]},
        })
    };
    // vm-app1's NIC names no VM: the VM list links them.
    let vms = json!([
        vm("rg-spoke", "vm-web1", "vm-web1-nic"),
        vm("rg-spoke", "vm-web2", "vm-web2-nic"),
        vm("rg-spoke", "vm-app1", "vm-app1-nic"),
        vm("rg-spoke", "vm-db1", "vm-db1-nic"),
    ]);
    // A tiny, illustrative subset in the shape of Microsoft's weekly download (not its data).
    let tag = |name: &str, region: &str, service: &str, prefixes: &[&str]| {
        json!({
            "name": name, "id": name,
            "properties": {"changeNumber": 1, "region": region, "regionId": 0, "platform": "Azure",
                           "systemService": service, "addressPrefixes": prefixes, "networkFeatures": ["NSG", "UDR", "FW"]},
        })
    };
    let tags = json!({
        "changeNumber": 1, "cloud": "Public",
        "values": [
            tag("AzureCloud.japaneast", "japaneast", "", &["20.18.0.0/16", "20.48.0.0/17", "52.140.192.0/18"]),
            tag("Storage.JapanEast", "japaneast", "AzureStorage", &["20.60.172.0/23", "52.239.144.0/23"]),
            tag("AzureMonitor.JapanEast", "japaneast", "AzureMonitor", &["20.18.179.0/24"]),
        ],
    });
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("JSON values serialise") + "\n";
    write_file(&root.join("vnets.json"), pretty(&vnets).as_bytes())?;
    write_file(&root.join("nics.json"), pretty(&nics).as_bytes())?;
    write_file(&root.join("vms.json"), pretty(&vms).as_bytes())?;
    write_file(
        &root.join("ServiceTags_Public_sample.json"),
        pretty(&tags).as_bytes(),
    )
}
