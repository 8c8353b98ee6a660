//! Generates realistic Azure VNet flow logs (flowLogVersion 4) and NSG flow logs (version 2) for
//! one hub-and-spoke network, in the folder layout Azure writes to a storage account
//! (`insights-logs-flowlogflowevent/flowLogResourceID=/…/y=/m=/d=/h=/m=00/macAddress=…/PT1H.json`).
//! The output depends only on the arguments, so the committed samples in `examples/logs/` can be
//! made again, and a bigger set for benchmarks:
//!
//! ```text
//! cargo run --example gen_flow_logs -- --out examples/logs            # the committed samples
//! cargo run --release --example gen_flow_logs -- --out flowlogs-1g --size 1G --rate 160
//! ```
//!
//! The network: hub VNet `vnet-hub` with an ExpressRoute gateway in GatewaySubnet 10.10.4.0/24
//! (instances 10.10.4.4 / 10.10.4.5, MACs 00-22-48-E6-54-32 and 60-45-BD-66-1C-8F) and Azure
//! Firewall in AzureFirewallSubnet 10.10.1.0/24 (instances 10.10.1.5 / 10.10.1.6, MACs
//! 00-22-48-EA-53-4B and 00-22-48-EA-5E-D7); spoke VNet `vnet-spoke-app` (10.12.0.0/16) with web,
//! app and database VMs behind NSG `nsg-spoke-app`; on-premises clients 192.168.10.0/24 and
//! servers 172.20.5.0/24 reach the spoke over ExpressRoute, through the firewall; spokes reach
//! the internet; internet scanners are denied.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const SUB: &str = "6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
const MINUTE_MS: u64 = 60_000;

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Where a NIC's flows are logged.
#[derive(Clone, Copy, PartialEq)]
enum Vnet {
    Hub,
    Spoke,
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Gateway,
    Firewall,
    Web,
    App,
    Db,
}

struct Nic {
    mac: &'static str,
    ip: &'static str,
    vnet: Vnet,
    role: Role,
}

const NICS: &[Nic] = &[
    Nic {
        mac: "002248E65432",
        ip: "10.10.4.4",
        vnet: Vnet::Hub,
        role: Role::Gateway,
    },
    Nic {
        mac: "6045BD661C8F",
        ip: "10.10.4.5",
        vnet: Vnet::Hub,
        role: Role::Gateway,
    },
    Nic {
        mac: "002248EA534B",
        ip: "10.10.1.5",
        vnet: Vnet::Hub,
        role: Role::Firewall,
    },
    Nic {
        mac: "002248EA5ED7",
        ip: "10.10.1.6",
        vnet: Vnet::Hub,
        role: Role::Firewall,
    },
    Nic {
        mac: "000D3A517C21",
        ip: "10.12.1.4",
        vnet: Vnet::Spoke,
        role: Role::Web,
    },
    Nic {
        mac: "000D3A519E04",
        ip: "10.12.1.5",
        vnet: Vnet::Spoke,
        role: Role::Web,
    },
    Nic {
        mac: "000D3A5210AA",
        ip: "10.12.2.4",
        vnet: Vnet::Spoke,
        role: Role::App,
    },
    Nic {
        mac: "000D3A532B6F",
        ip: "10.12.3.4",
        vnet: Vnet::Spoke,
        role: Role::Db,
    },
];

const HUB_ACL: &str = "3c9e5a71-84d2-4f0b-9a6e-1d2c3b4a5f60";
const SPOKE_ACL: &str = "7f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const INTERNET: &[&str] = &[
    "13.107.42.14",
    "20.190.151.68",
    "40.126.35.19",
    "52.239.184.180",
    "104.16.218.84",
    "151.101.1.69",
];
const SCANNERS: &[&str] = &[
    "113.4.137.244",
    "45.148.10.81",
    "185.224.128.17",
    "193.163.125.40",
    "103.145.13.56",
    "89.248.165.91",
    "162.142.125.12",
];
const SCANNED_PORTS: &[u16] = &[22, 23, 445, 3389, 1025, 2222, 8301, 5180, 62078, 113];
const AZURE_PLATFORM: &str = "168.63.129.16";

/// Tuple texts with the time (ms) they sort by.
type Tuples = Vec<(u64, String)>;

/// One connection as both log kinds record it.
struct Conn {
    start_ms: u64,
    end_ms: u64,
    src: String,
    dst: String,
    sport: u16,
    dport: u16,
    /// IANA protocol number.
    proto: u8,
    inbound: bool,
    allowed: bool,
    acl: &'static str,
    vnet_rule: &'static str,
    nsg_rule: &'static str,
    encryption: &'static str,
    /// Packets and bytes each way: src→dst, dst→src.
    pkts: (u64, u64),
    bytes: (u64, u64),
}

fn onprem_client(rng: &mut Rng) -> String {
    format!("192.168.10.{}", rng.range(10, 40))
}

fn onprem_server(rng: &mut Rng) -> String {
    format!("172.20.5.{}", rng.range(10, 12))
}

/// A host in one of the spoke's six subnets (10.12.1.0/24 … 10.12.6.0/24).
fn spoke_host(rng: &mut Rng) -> String {
    format!("10.12.{}.{}", rng.range(1, 6), rng.range(4, 254))
}

/// A destination port of east-west traffic: well-known services, or a dynamic RPC port.
fn service_port(rng: &mut Rng) -> u16 {
    if rng.chance(40) {
        rng.range(49_152, 65_535) as u16
    } else {
        *rng.pick(&[443, 80, 8080, 1433, 22, 3389, 445, 135, 5985, 6379])
    }
}

/// A pool of public peers ranked by popularity (Zipf, exponent 1): the first few carry most of
/// the traffic, the long tail appears once or twice an hour.
struct Peers {
    /// Cumulative weights of the ranks.
    cumulative: Vec<f64>,
}

impl Peers {
    fn new(count: usize) -> Peers {
        let mut total = 0.0;
        let cumulative = (1..=count.max(1))
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Peers { cumulative }
    }

    /// The address of a peer drawn by rank.
    fn pick(&self, rng: &mut Rng) -> String {
        let total = *self.cumulative.last().expect("at least one peer");
        let at = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let rank = self.cumulative.partition_point(|&c| c < at);
        peer_address(rank as u64)
    }
}

/// A fixed public IPv4 address for a peer rank, spread over public /8s.
fn peer_address(rank: u64) -> String {
    const FIRST: &[u64] = &[
        13, 20, 23, 34, 40, 45, 52, 64, 89, 91, 103, 104, 151, 162, 185, 193,
    ];
    let mut mix = Rng(rank.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let bits = mix.next();
    format!(
        "{}.{}.{}.{}",
        FIRST[(bits % FIRST.len() as u64) as usize],
        (bits >> 8) & 0xff,
        (bits >> 16) & 0xff,
        ((bits >> 24) % 254) + 1
    )
}

/// What kind of traffic to write beyond the default hub-and-spoke flows.
struct Shape {
    /// High cardinality: many distinct flows a minute, peers drawn from this pool.
    peers: Option<Peers>,
    /// Percent of the previous hour's last-minute connections whose tuples a blob's first
    /// record carries (Azure logs a tuple in the blob of the hour it is written in).
    carry_over: u64,
}

/// The connections one NIC sees in one minute.
fn connections(nic: &Nic, minute_ms: u64, rate: u64, shape: &Shape, rng: &mut Rng) -> Vec<Conn> {
    let mut conns = Vec::new();
    let mut add = |src: String,
                   dst: String,
                   dport: u16,
                   proto: u8,
                   inbound: bool,
                   allowed: bool,
                   rules: (&'static str, &'static str),
                   size: u64,
                   rng: &mut Rng| {
        let start_ms = minute_ms + rng.below(MINUTE_MS - 1);
        let end_ms = (start_ms + rng.range(5, 40_000)).min(minute_ms + MINUTE_MS - 1);
        let bytes_out = if allowed {
            size / 2 + rng.below(size)
        } else {
            0
        };
        let bytes_in = if allowed {
            size + rng.below(size * 4)
        } else {
            0
        };
        let packets = |bytes: u64| if bytes == 0 { 0 } else { bytes / 900 + 1 };
        conns.push(Conn {
            start_ms,
            end_ms,
            src,
            dst,
            sport: rng.range(49152, 65535) as u16,
            dport,
            proto,
            inbound,
            allowed,
            acl: if nic.vnet == Vnet::Hub {
                HUB_ACL
            } else {
                SPOKE_ACL
            },
            vnet_rule: rules.0,
            nsg_rule: rules.1,
            encryption: if !allowed || proto != 6 {
                "NX"
            } else if rng.chance(20) {
                "X"
            } else if rng.chance(5) {
                "NX_LOCAL_DST"
            } else {
                "NX"
            },
            pkts: (packets(bytes_out), packets(bytes_in)),
            bytes: (bytes_out, bytes_in),
        });
    };
    let vnet_in = (
        "DefaultRule_AllowVnetInBound",
        "DefaultRule_AllowVnetInBound",
    );
    let vnet_out = (
        "DefaultRule_AllowVnetOutBound",
        "DefaultRule_AllowVnetOutBound",
    );
    let internet_out = (
        "DefaultRule_AllowInternetOutBound",
        "DefaultRule_AllowInternetOutBound",
    );
    let https_onprem = ("UserRule_allow-https-onprem", "UserRule_allow-https-onprem");
    let deny_in = ("DefaultRule_DenyAllInBound", "DefaultRule_DenyAllInBound");
    // About `base * rate / 4` connections a minute, at least one every other minute.
    let n = |rng: &mut Rng, base: u64| {
        let k = (base * rate).div_ceil(4);
        k / 2 + rng.below(k + 1)
    };
    match nic.role {
        Role::Gateway => {
            for _ in 0..n(rng, 4) {
                let web = if rng.chance(50) {
                    "10.12.1.4"
                } else {
                    "10.12.1.5"
                };
                add(
                    onprem_client(rng),
                    web.into(),
                    443,
                    6,
                    false,
                    true,
                    vnet_out,
                    40_000,
                    rng,
                );
            }
            for _ in 0..n(rng, 2) {
                let (dst, port) = if rng.chance(60) {
                    ("10.12.2.4", 8080)
                } else {
                    ("10.12.3.4", 1433)
                };
                add(
                    onprem_server(rng),
                    dst.into(),
                    port,
                    6,
                    false,
                    true,
                    vnet_out,
                    120_000,
                    rng,
                );
            }
            let peer = if nic.ip.ends_with(".4") {
                "10.10.4.5"
            } else {
                "10.10.4.4"
            };
            add(
                nic.ip.into(),
                peer.into(),
                179,
                6,
                false,
                true,
                vnet_out,
                300,
                rng,
            );
            if rng.chance(30) {
                add(
                    nic.ip.into(),
                    AZURE_PLATFORM.into(),
                    80,
                    6,
                    false,
                    true,
                    internet_out,
                    800,
                    rng,
                );
            }
        }
        Role::Firewall => {
            for _ in 0..n(rng, 3) {
                let dst = if rng.chance(70) {
                    "10.12.1.4"
                } else {
                    "10.12.1.5"
                };
                add(
                    onprem_client(rng),
                    dst.into(),
                    443,
                    6,
                    true,
                    true,
                    vnet_in,
                    40_000,
                    rng,
                );
            }
            for _ in 0..n(rng, 2) {
                let src = if rng.chance(50) {
                    "10.12.1.4"
                } else {
                    "10.12.2.4"
                };
                add(
                    src.into(),
                    "10.12.3.4".into(),
                    1433,
                    6,
                    true,
                    true,
                    vnet_in,
                    60_000,
                    rng,
                );
            }
            for _ in 0..n(rng, 2) {
                add(
                    nic.ip.into(),
                    rng.pick(INTERNET).to_string(),
                    443,
                    6,
                    false,
                    true,
                    internet_out,
                    20_000,
                    rng,
                );
            }
            if rng.chance(20) {
                add(
                    onprem_server(rng),
                    "10.12.2.4".into(),
                    8080,
                    6,
                    true,
                    true,
                    vnet_in,
                    90_000,
                    rng,
                );
            }
        }
        Role::Web | Role::App | Role::Db => {
            match nic.role {
                Role::Web => {
                    for _ in 0..n(rng, 2) {
                        add(
                            onprem_client(rng),
                            nic.ip.into(),
                            443,
                            6,
                            true,
                            true,
                            https_onprem,
                            40_000,
                            rng,
                        );
                    }
                    if rng.chance(40) {
                        add(
                            nic.ip.into(),
                            "10.12.3.4".into(),
                            1433,
                            6,
                            false,
                            true,
                            vnet_out,
                            30_000,
                            rng,
                        );
                    }
                }
                Role::App => {
                    for _ in 0..n(rng, 1) {
                        add(
                            onprem_server(rng),
                            nic.ip.into(),
                            8080,
                            6,
                            true,
                            true,
                            vnet_in,
                            120_000,
                            rng,
                        );
                    }
                    add(
                        nic.ip.into(),
                        "10.12.3.4".into(),
                        1433,
                        6,
                        false,
                        true,
                        vnet_out,
                        60_000,
                        rng,
                    );
                }
                _ => {
                    for _ in 0..n(rng, 2) {
                        let src = if rng.chance(50) {
                            "10.12.1.4"
                        } else {
                            "10.12.2.4"
                        };
                        add(
                            src.into(),
                            nic.ip.into(),
                            1433,
                            6,
                            true,
                            true,
                            vnet_in,
                            60_000,
                            rng,
                        );
                    }
                }
            }
            if rng.chance(50) {
                add(
                    nic.ip.into(),
                    rng.pick(INTERNET).to_string(),
                    443,
                    6,
                    false,
                    true,
                    internet_out,
                    15_000,
                    rng,
                );
            }
            if rng.chance(25) {
                add(
                    nic.ip.into(),
                    AZURE_PLATFORM.into(),
                    53,
                    17,
                    false,
                    true,
                    internet_out,
                    200,
                    rng,
                );
            }
            if rng.chance(10) {
                add(
                    onprem_client(rng),
                    nic.ip.into(),
                    0,
                    1,
                    true,
                    true,
                    vnet_in,
                    128,
                    rng,
                );
            }
            for _ in 0..rng.below(3) {
                add(
                    rng.pick(SCANNERS).to_string(),
                    nic.ip.into(),
                    *rng.pick(SCANNED_PORTS),
                    6,
                    true,
                    false,
                    deny_in,
                    0,
                    rng,
                );
            }
        }
    }
    // The high-cardinality shape adds traffic with many distinct keys a minute (the default
    // shape draws nothing more from `rng`, so its output stays as it was).
    if let Some(peers) = &shape.peers {
        for _ in 0..n(rng, 16) {
            let kind = rng.below(100);
            let (src, dst, dport, inbound, allowed, rules, size) = match (nic.role, kind) {
                // Gateways and firewalls forward between many on-premises and spoke hosts.
                (Role::Gateway, _) => (
                    format!("192.168.{}.{}", rng.below(64), rng.range(1, 254)),
                    spoke_host(rng),
                    service_port(rng),
                    false,
                    true,
                    vnet_out,
                    20_000,
                ),
                (Role::Firewall, 0..60) => (
                    spoke_host(rng),
                    spoke_host(rng),
                    service_port(rng),
                    true,
                    true,
                    vnet_in,
                    20_000,
                ),
                (Role::Firewall, _) => (
                    spoke_host(rng),
                    peers.pick(rng),
                    443,
                    false,
                    true,
                    internet_out,
                    10_000,
                ),
                // Hosts of the other subnets call this one on many ports.
                (_, 0..45) => (
                    spoke_host(rng),
                    nic.ip.into(),
                    service_port(rng),
                    true,
                    true,
                    vnet_in,
                    20_000,
                ),
                // Scanners from a large pool try every port.
                (_, 45..70) => (
                    peers.pick(rng),
                    nic.ip.into(),
                    rng.range(1, 65_535) as u16,
                    true,
                    false,
                    deny_in,
                    0,
                ),
                (_, _) => (
                    nic.ip.into(),
                    peers.pick(rng),
                    *rng.pick(&[80, 443, 443, 443, 123, 53]),
                    false,
                    true,
                    internet_out,
                    8_000,
                ),
            };
            add(src, dst, dport, 6, inbound, allowed, rules, size, rng);
        }
    }
    conns.sort_by_key(|c| c.start_ms);
    conns
}

/// The VNet flow-log tuples of a connection: `D` when denied, else `B`, maybe `C`, then `E`.
fn vnet_tuples(c: &Conn, out: &mut Vec<(u64, String)>) {
    let dir = if c.inbound { 'I' } else { 'O' };
    let head = |t: u64| {
        format!(
            "{t},{},{},{},{},{},{dir}",
            c.src, c.dst, c.sport, c.dport, c.proto
        )
    };
    if !c.allowed {
        out.push((
            c.start_ms,
            format!("{},D,{},0,0,0,0", head(c.start_ms), c.encryption),
        ));
        return;
    }
    out.push((
        c.start_ms,
        format!("{},B,{},0,0,0,0", head(c.start_ms), c.encryption),
    ));
    out.push((
        c.end_ms,
        format!(
            "{},E,{},{},{},{},{}",
            head(c.end_ms),
            c.encryption,
            c.pkts.0,
            c.bytes.0,
            c.pkts.1,
            c.bytes.1
        ),
    ));
}

/// The NSG v2 tuples: seconds, `T`/`U` letters, the decision, and empty counters on `B`.
fn nsg_tuples(c: &Conn, out: &mut Vec<(u64, String)>) {
    let proto = match c.proto {
        6 => "T".to_string(),
        17 => "U".to_string(),
        n => n.to_string(),
    };
    let dir = if c.inbound { 'I' } else { 'O' };
    let decision = if c.allowed { 'A' } else { 'D' };
    let head = |ms: u64| {
        format!(
            "{},{},{},{},{},{proto},{dir},{decision}",
            ms / 1000,
            c.src,
            c.dst,
            c.sport,
            c.dport
        )
    };
    out.push((c.start_ms, format!("{},B,,,,", head(c.start_ms))));
    if c.allowed {
        out.push((
            c.end_ms,
            format!(
                "{},E,{},{},{},{}",
                head(c.end_ms),
                c.pkts.0,
                c.bytes.0,
                c.pkts.1,
                c.bytes.1
            ),
        ));
    }
}

fn iso(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}0000Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `y=2024/m=05/d=09/h=10/m=00`
fn hour_path(hour_ms: u64) -> String {
    let (y, m, d) = civil_from_days((hour_ms / 86_400_000) as i64);
    format!(
        "y={y}/m={m:02}/d={d:02}/h={:02}/m=00",
        hour_ms % 86_400_000 / 3_600_000
    )
}

fn quoted_list(tuples: &[(u64, String)]) -> String {
    let mut s = String::new();
    for (i, (_, t)) in tuples.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "\"{t}\"");
    }
    s
}

/// One hour of one NIC's VNet flow log.
fn vnet_file(
    nic: &Nic,
    hour_ms: u64,
    rate: u64,
    shape: &Shape,
    rng: &mut Rng,
) -> (PathBuf, String) {
    let (fl, rg, vnet) = match nic.vnet {
        Vnet::Hub => ("FL-VNET-HUB", "rg-hub", "vnet-hub"),
        Vnet::Spoke => ("FL-VNET-SPOKE-APP", "rg-spoke", "vnet-spoke-app"),
    };
    let flow_log = format!("/SUBSCRIPTIONS/{}/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_JAPANEAST/FLOWLOGS/{fl}", SUB.to_uppercase());
    let target = format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}");
    let guid = if nic.vnet == Vnet::Hub {
        "0c4b2f7e-1a3d-4e59-8b6f-2d7a9c1e5f30"
    } else {
        "5e8d1c3b-7a2f-4d6e-9c0b-1f3e5a7d9b24"
    };
    let mut records = Vec::new();
    for minute in 0..60 {
        let minute_ms = hour_ms + minute * MINUTE_MS;
        let mut conns = connections(nic, minute_ms, rate, shape, rng);
        if minute == 0 && shape.carry_over > 0 {
            // The blob's first record also carries some of the previous hour's last minute.
            let late = connections(nic, hour_ms - MINUTE_MS, rate, shape, rng);
            let mut kept: Vec<Conn> = late
                .into_iter()
                .filter(|_| rng.chance(shape.carry_over))
                .collect();
            for c in &mut kept {
                c.end_ms = c.end_ms.min(hour_ms - 1);
            }
            kept.append(&mut conns);
            conns = kept;
        }
        // acl → rule → tuples, each level in a fixed order.
        let mut groups: Vec<(&str, &str, Tuples)> = Vec::new();
        for c in &conns {
            let i = match groups
                .iter()
                .position(|g| g.0 == c.acl && g.1 == c.vnet_rule)
            {
                Some(i) => i,
                None => {
                    groups.push((c.acl, c.vnet_rule, Vec::new()));
                    groups.len() - 1
                }
            };
            vnet_tuples(c, &mut groups[i].2);
        }
        if groups.is_empty() {
            continue;
        }
        groups.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut flows = String::new();
        let mut current_acl = "";
        for (acl, rule, mut tuples) in groups {
            tuples.sort_by_key(|t| t.0);
            if acl != current_acl {
                if !current_acl.is_empty() {
                    flows.push_str("]},");
                }
                let _ = write!(flows, "{{\"aclID\":\"{acl}\",\"flowGroups\":[");
                current_acl = acl;
            } else {
                flows.push(',');
            }
            let _ = write!(
                flows,
                "{{\"rule\":\"{rule}\",\"flowTuples\":[{}]}}",
                quoted_list(&tuples)
            );
        }
        flows.push_str("]}");
        records.push(format!(
            "{{\"time\":\"{}\",\"flowLogVersion\":4,\"flowLogGUID\":\"{guid}\",\"macAddress\":\"{}\",\"category\":\"FlowLogFlowEvent\",\"flowLogResourceID\":\"{flow_log}\",\"targetResourceID\":\"{target}\",\"operationName\":\"FlowLogFlowEvent\",\"flowRecords\":{{\"flows\":[{flows}]}}}}",
            iso(minute_ms + MINUTE_MS + 250 + rng.below(700)),
            nic.mac
        ));
    }
    let path = PathBuf::from(format!(
        "insights-logs-flowlogflowevent/flowLogResourceID={flow_log}/{}/macAddress={}/PT1H.json",
        hour_path(hour_ms),
        nic.mac
    ));
    (path, format!("{{\"records\":[{}]}}", records.join(",\n")))
}

/// One hour of one spoke NIC's NSG flow log (version 2).
fn nsg_file(nic: &Nic, hour_ms: u64, rate: u64, shape: &Shape, rng: &mut Rng) -> (PathBuf, String) {
    let nsg = format!("/SUBSCRIPTIONS/{}/RESOURCEGROUPS/RG-SPOKE/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-SPOKE-APP", SUB.to_uppercase());
    let mut records = Vec::new();
    for minute in 0..60 {
        let minute_ms = hour_ms + minute * MINUTE_MS;
        let conns = connections(nic, minute_ms, rate, shape, rng);
        let mut rules: Vec<(&str, Tuples)> = Vec::new();
        for c in &conns {
            let i = match rules.iter().position(|r| r.0 == c.nsg_rule) {
                Some(i) => i,
                None => {
                    rules.push((c.nsg_rule, Vec::new()));
                    rules.len() - 1
                }
            };
            nsg_tuples(c, &mut rules[i].1);
        }
        if rules.is_empty() {
            continue;
        }
        rules.sort_by(|a, b| a.0.cmp(b.0));
        let flows: Vec<String> = rules
            .into_iter()
            .map(|(rule, mut tuples)| {
                tuples.sort_by_key(|t| t.0);
                format!(
                    "{{\"rule\":\"{rule}\",\"flows\":[{{\"mac\":\"{}\",\"flowTuples\":[{}]}}]}}",
                    nic.mac,
                    quoted_list(&tuples)
                )
            })
            .collect();
        records.push(format!(
            "{{\"time\":\"{}\",\"systemId\":\"2b7c9d1e-3f4a-4b5c-8d6e-7f8091a2b3c4\",\"category\":\"NetworkSecurityGroupFlowEvent\",\"resourceId\":\"{nsg}\",\"operationName\":\"NetworkSecurityGroupFlowEvents\",\"properties\":{{\"Version\":2,\"flows\":[{}]}}}}",
            iso(minute_ms + MINUTE_MS + 300 + rng.below(600)),
            flows.join(",")
        ));
    }
    let path = PathBuf::from(format!(
        "insights-logs-networksecuritygroupflowevent/resourceId={nsg}/{}/macAddress={}/PT1H.json",
        hour_path(hour_ms),
        nic.mac
    ));
    (path, format!("{{\"records\":[{}]}}", records.join(",\n")))
}

struct Args {
    out: PathBuf,
    start_ms: u64,
    hours: u64,
    rate: Option<u64>,
    size: Option<u64>,
    seed: u64,
    high: bool,
    peers: usize,
    carry_over: Option<u64>,
}

const USAGE: &str = "usage: gen_flow_logs --out DIR [--start 2024-05-09T08] [--hours 3] [--rate 4] [--size 1G] [--seed 1]
                     [--shape low|high] [--peers 200000] [--carry-over PERCENT]
  --hours   hours of logs (default 3), ignored with --size
  --rate    connections per minute per NIC, roughly (default 4; 1 for the sample set)
  --start   the first hour (default 2024-05-01T00 with --size)
  --size    keep adding hours until about this many bytes are written (K, M, G suffixes)
  --shape   low (default): a few hundred flows an hour per NIC, which aggregate very well;
            high: also many distinct flows a minute (hosts of six spoke subnets calling each
            other on service and dynamic ports, on-premises hosts of a /18, scanners and
            internet peers drawn from a Zipf-ranked pool), and --carry-over 30
  --peers   the size of the high shape's pool of public peers (default 200000)
  --carry-over  percent of the previous hour's last-minute connections written into the
            first record of each VNet blob, as Azure does (default 0; 30 with --shape high)
  Without --start and --size, writes the committed sample set: 2024-05-09 08:00-11:00 for every
  NIC (VNet and NSG logs) and 2024-05-07 09:00-11:00 for the gateway and firewall NICs.";

fn parse_args(words: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        out: PathBuf::new(),
        start_ms: 0,
        hours: 3,
        rate: None,
        size: None,
        seed: 1,
        high: false,
        peers: 200_000,
        carry_over: None,
    };
    let mut it = words.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => args.out = PathBuf::from(value()?),
            "--start" => {
                let v = value()?;
                let bad = || format!("--start `{v}`: expected YYYY-MM-DDTHH");
                let (date, hour) = v.split_once('T').ok_or_else(bad)?;
                let parts: Vec<u32> = date
                    .split('-')
                    .map(|p| p.parse().map_err(|_| bad()))
                    .collect::<Result<_, _>>()?;
                let hour: u64 = hour.parse().map_err(|_| bad())?;
                if parts.len() != 3 || hour > 23 {
                    return Err(bad());
                }
                let days = days_from_civil(i64::from(parts[0]), parts[1], parts[2]);
                args.start_ms = days as u64 * 86_400_000 + hour * 3_600_000;
            }
            "--hours" => args.hours = value()?.parse().map_err(|_| "--hours: expected a number")?,
            "--rate" => {
                args.rate = Some(value()?.parse().map_err(|_| "--rate: expected a number")?)
            }
            "--shape" => match value()?.as_str() {
                "low" => args.high = false,
                "high" => args.high = true,
                other => return Err(format!("--shape `{other}`: expected low or high")),
            },
            "--peers" => args.peers = value()?.parse().map_err(|_| "--peers: expected a number")?,
            "--carry-over" => {
                let v: u64 = value()?
                    .parse()
                    .map_err(|_| "--carry-over: expected a percentage")?;
                if v > 100 {
                    return Err("--carry-over: expected a percentage from 0 to 100".into());
                }
                args.carry_over = Some(v);
            }
            "--seed" => args.seed = value()?.parse().map_err(|_| "--seed: expected a number")?,
            "--size" => {
                let v = value()?;
                let (digits, unit) = match v.chars().last() {
                    Some('K' | 'k') => (&v[..v.len() - 1], 1 << 10),
                    Some('M' | 'm') => (&v[..v.len() - 1], 1 << 20),
                    Some('G' | 'g') => (&v[..v.len() - 1], 1 << 30),
                    _ => (v.as_str(), 1),
                };
                args.size = Some(
                    digits
                        .parse::<u64>()
                        .map_err(|_| format!("--size `{v}`: expected e.g. 1G"))?
                        * unit,
                );
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if args.out.as_os_str().is_empty() {
        return Err(USAGE.to_string());
    }
    Ok(args)
}

fn write_file(out: &Path, (path, text): (PathBuf, String)) -> std::io::Result<u64> {
    let full = out.join(path);
    std::fs::create_dir_all(full.parent().expect("a blob path has folders"))?;
    std::fs::write(&full, &text)?;
    Ok(text.len() as u64)
}

fn main() {
    match generate(std::env::args().skip(1)) {
        Ok((files, written, out)) => {
            eprintln!("wrote {files} files, {written} bytes under {out}")
        }
        Err((code, message)) => {
            eprintln!("{message}");
            std::process::exit(code);
        }
    }
}

/// Write the set the arguments describe; (files, bytes, folder) or (exit code, message).
/// `tests/bench_queries.rs` calls it to make a small high-cardinality set.
pub fn generate(
    args: impl IntoIterator<Item = String>,
) -> Result<(u64, u64, String), (i32, String)> {
    let args = parse_args(args).map_err(|m| (2, m))?;
    let mut rng = Rng(args.seed);
    let shape = Shape {
        peers: args.high.then(|| Peers::new(args.peers)),
        carry_over: args.carry_over.unwrap_or(if args.high { 30 } else { 0 }),
    };
    let mut written = 0u64;
    let mut files = 0u64;
    let mut failure = None;
    let mut emit = |file, written: &mut u64| match write_file(&args.out, file) {
        Ok(n) => {
            *written += n;
            files += 1;
        }
        Err(e) => {
            failure.get_or_insert(format!("cannot write under {}: {e}", args.out.display()));
        }
    };
    let sample = args.start_ms == 0 && args.size.is_none();
    let rate = args.rate.unwrap_or(if sample { 1 } else { 4 });
    let start_ms = if args.start_ms != 0 {
        args.start_ms
    } else if sample {
        days_from_civil(2024, 5, 9) as u64 * 86_400_000 + 8 * 3_600_000
    } else {
        days_from_civil(2024, 5, 1) as u64 * 86_400_000
    };
    let mut hour = 0;
    loop {
        let done = match args.size {
            Some(size) => written >= size,
            None => hour >= args.hours,
        };
        if done {
            break;
        }
        let hour_ms = start_ms + hour * 3_600_000;
        for nic in NICS {
            emit(
                vnet_file(nic, hour_ms, rate, &shape, &mut rng),
                &mut written,
            );
            if nic.vnet == Vnet::Spoke {
                emit(nsg_file(nic, hour_ms, rate, &shape, &mut rng), &mut written);
            }
        }
        hour += 1;
    }
    if sample {
        // Two older hours for the gateway and firewall NICs: inside `ago(3d)` of the suggested
        // --now 2024-05-10T00:00:00Z, outside `ago(2d)`.
        let older = days_from_civil(2024, 5, 7) as u64 * 86_400_000 + 9 * 3_600_000;
        for h in 0..2 {
            for nic in NICS.iter().filter(|n| n.vnet == Vnet::Hub) {
                emit(
                    vnet_file(nic, older + h * 3_600_000, rate, &shape, &mut rng),
                    &mut written,
                );
            }
        }
    }
    if let Some(message) = failure {
        return Err((1, message));
    }
    Ok((files, written, args.out.display().to_string()))
}
