//! The benchmark's queries (benches/flow_logs.rs) give the answers computed here independently,
//! straight from the raw JSON with serde_json: one row per tuple with `--interval 0`, and
//! Traffic Analytics' grouping (TABLES.md) with the default 60-minute interval.
//!
//! By default this runs over the committed sample logs (`examples/logs/`, a few MB made by the
//! same generator as the benchmark's set), so it takes seconds in CI. Point it at a bigger set
//! with `KQLITE_BENCH_CHECK_DATA=DIR` (e.g. 100 MB from `gen_flow_logs --size 100M`; give the
//! `insights-logs-flowlogflowevent` folder or its parent) to check the same answers at scale.
//!
//! A second test makes a small high-cardinality set with the generator's `--shape high` (many
//! distinct flows an hour, the previous hour's tuples at blob starts, so groups span files) and
//! checks the same queries there, with 60- and 10-minute rows and one row per tuple.

#[allow(dead_code)]
#[path = "../examples/gen_flow_logs.rs"]
mod gen_flow_logs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const HOUR_MS: i64 = 3_600_000;

/// One raw tuple with what the queries need, as the row shows it.
#[derive(Clone)]
struct Tuple {
    /// target, flow log, MAC (raw), ACL, rule: what the row's context is made of.
    context: [String; 5],
    mac: String,
    time_ms: i64,
    src: String,
    dst: String,
    dst_port: String,
    protocol: String,
    direction: String,
    denied: bool,
    bytes: [i64; 2],
    /// The hour the blob path names (`y=/m=/d=/h=`), in ms.
    blob_hour_ms: i64,
}

fn blob_hour_ms(path: &Path) -> i64 {
    let text = path.to_string_lossy();
    let part = |key: &str| -> u32 {
        text.split('/')
            .find_map(|c| c.strip_prefix(key))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    chrono::NaiveDate::from_ymd_opt(part("y=") as i32, part("m="), part("d="))
        .and_then(|d| d.and_hms_opt(part("h="), 0, 0))
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

fn flow_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            flow_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "PT1H.json") {
            out.push(p);
        }
    }
}

fn data_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = std::env::var("KQLITE_BENCH_CHECK_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("examples/logs"));
    let vnet = base.join("insights-logs-flowlogflowevent");
    if vnet.is_dir() {
        vnet
    } else {
        base
    }
}

/// The private ranges TABLES.md lists; anything else that reads as IPv4 is public.
fn is_public(ip: &str) -> bool {
    let octets: Vec<u8> = ip.split('.').filter_map(|o| o.parse().ok()).collect();
    let [a, b, _, _] = octets[..] else {
        return false;
    };
    !(a == 10
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 100 && (64..128).contains(&b))
        || a == 127
        || (a == 169 && b == 254))
}

fn mac_text(raw: &str) -> String {
    raw.as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join("-")
}

fn read_tuples(files: &[PathBuf]) -> Vec<Tuple> {
    let mut out = Vec::new();
    for f in files {
        let blob_hour = blob_hour_ms(f);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for rec in json["records"].as_array().unwrap() {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
            for flow in rec["flowRecords"]["flows"].as_array().unwrap() {
                for group in flow["flowGroups"].as_array().unwrap() {
                    for t in group["flowTuples"].as_array().unwrap() {
                        let p: Vec<&str> = t.as_str().unwrap().split(',').collect();
                        let n: i64 = p[0].parse().unwrap();
                        let num = |x: &str| x.parse::<i64>().unwrap_or(0);
                        let (src, dst) = (p[1], p[2]);
                        out.push(Tuple {
                            context: [
                                s(&rec["targetResourceID"]),
                                s(&rec["flowLogResourceID"]),
                                s(&rec["macAddress"]),
                                s(&flow["aclID"]),
                                s(&group["rule"]),
                            ],
                            mac: mac_text(rec["macAddress"].as_str().unwrap()),
                            time_ms: if n >= 100_000_000_000 { n } else { n * 1000 },
                            src: if is_public(src) {
                                String::new()
                            } else {
                                src.into()
                            },
                            dst: if is_public(dst) {
                                String::new()
                            } else {
                                dst.into()
                            },
                            dst_port: p[4].into(),
                            protocol: p[5].into(),
                            direction: p[6].into(),
                            denied: p[7] == "D",
                            bytes: [num(p[10]), num(p[12])],
                            blob_hour_ms: blob_hour,
                        });
                    }
                }
            }
        }
    }
    out
}

/// A Traffic-Analytics row: its group's tuples folded.
struct Row {
    first: Tuple,
    flow_start_ms: i64,
    bytes: [i64; 2],
}

/// Group tuples as TABLES.md says (context, interval of `interval_ms`, shown addresses, port,
/// protocol, direction, status).
fn ta_rows(tuples: &[Tuple], interval_ms: i64) -> Vec<Row> {
    let mut rows: BTreeMap<Vec<String>, Row> = BTreeMap::new();
    for t in tuples {
        let mut key = t.context.to_vec();
        key.extend([
            t.time_ms.div_euclid(interval_ms).to_string(),
            t.src.clone(),
            t.dst.clone(),
            t.dst_port.clone(),
            t.protocol.clone(),
            t.direction.clone(),
            t.denied.to_string(),
        ]);
        let row = rows.entry(key).or_insert_with(|| Row {
            first: t.clone(),
            flow_start_ms: t.time_ms,
            bytes: [0, 0],
        });
        row.flow_start_ms = row.flow_start_ms.min(t.time_ms);
        row.bytes[0] += t.bytes[0];
        row.bytes[1] += t.bytes[1];
    }
    rows.into_values().collect()
}

fn hour_text(ms: i64) -> String {
    let t = chrono::DateTime::from_timestamp_millis(ms.div_euclid(HOUR_MS) * HOUR_MS).unwrap();
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn status(denied: bool) -> &'static str {
    if denied {
        "Denied"
    } else {
        "Allowed"
    }
}

/// kqlite's CSV answer, rows sorted (header dropped).
fn kqlite(dir: &Path, interval: &str, now: &str, query: &str) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_kqlite"))
        .args(["--threads", "2", "query", "--logs"])
        .arg(dir)
        .args([
            "--interval",
            interval,
            "--now",
            now,
            "--format",
            "csv",
            query,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn set(rows: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    rows.into_iter().collect()
}

/// Counts and byte sums by a key, as `key,count,sum` lines (or `key,sum1,sum2`).
fn by_key<T>(
    items: &[T],
    keep: impl Fn(&T) -> bool,
    key: impl Fn(&T) -> String,
    values: impl Fn(&T) -> [i64; 2],
) -> BTreeMap<String, [i64; 2]> {
    let mut out: BTreeMap<String, [i64; 2]> = BTreeMap::new();
    for item in items.iter().filter(|i| keep(i)) {
        let e = out.entry(key(item)).or_default();
        let v = values(item);
        e[0] += v[0];
        e[1] += v[1];
    }
    out
}

fn lines(map: BTreeMap<String, [i64; 2]>) -> BTreeSet<String> {
    set(map.into_iter().map(|(k, [a, b])| format!("{k},{a},{b}")))
}

#[test]
fn benchmark_queries_match_answers_from_the_raw_json() {
    check_queries(&data_dir());
}

#[test]
fn high_cardinality_answers_match_the_raw_json() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-queries-high");
    let _ = std::fs::remove_dir_all(&out);
    let args = "--shape high --peers 5000 --rate 6 --hours 3 --start 2024-05-09T08";
    let words = ["--out", out.to_str().unwrap()]
        .into_iter()
        .chain(args.split(' '))
        .map(str::to_string);
    gen_flow_logs::generate(words).unwrap();
    let dir = out.join("insights-logs-flowlogflowevent");
    let mut files = Vec::new();
    flow_files(&dir, &mut files);
    let tuples = read_tuples(&files);
    let rows = ta_rows(&tuples, HOUR_MS);
    // The shape the set is for: many distinct flows (tuples aggregate to well under a tenth
    // in the default shape), and tuples of the previous hour in a blob's first record.
    assert!(
        rows.len() * 4 > tuples.len(),
        "{} rows of {} tuples",
        rows.len(),
        tuples.len()
    );
    assert!(tuples
        .iter()
        .any(|t| t.time_ms.div_euclid(HOUR_MS) < t.blob_hour_ms.div_euclid(HOUR_MS)));
    check_queries(&dir);

    // `--now latest` is the latest tuple time (read from the latest blobs only).
    let latest_ms = tuples.iter().map(|t| t.time_ms).max().unwrap();
    let latest = chrono::DateTime::from_timestamp_millis(latest_ms).unwrap();
    let got = kqlite(
        &dir,
        "60m",
        "latest",
        "NTANetAnalytics | where FlowEndTime > ago(1h) | summarize max(FlowEndTime) | extend n = now()",
    );
    let mut text = latest.format("%Y-%m-%dT%H:%M:%S").to_string();
    if latest_ms % 1000 != 0 {
        text += format!(".{:03}", latest_ms % 1000).trim_end_matches('0');
    }
    text.push('Z');
    assert_eq!(got, set([format!("{text},{text}")]));

    // 10-minute rows too.
    let now = "2024-05-09T11:00:00Z";
    let summarize = "NTANetAnalytics | summarize count(), sum(BytesSrcToDest + BytesDestToSrc) by bin(FlowStartTime, 1h), FlowStatus";
    let expected = lines(by_key(
        &ta_rows(&tuples, HOUR_MS / 6),
        |_| true,
        |r| format!("{},{}", hour_text(r.flow_start_ms), status(r.first.denied)),
        |r| [1, r.bytes[0] + r.bytes[1]],
    ));
    assert_eq!(kqlite(&dir, "10m", now, summarize), expected);
}

fn check_queries(dir: &Path) {
    let dir = dir.to_path_buf();
    let mut files = Vec::new();
    flow_files(&dir, &mut files);
    assert!(!files.is_empty(), "no PT1H.json under {}", dir.display());
    let tuples = read_tuples(&files);
    let last_ms = tuples.iter().map(|t| t.time_ms).max().unwrap();
    let now_ms = (last_ms.div_euclid(HOUR_MS) + 1) * HOUR_MS;
    let now = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let rows = ta_rows(&tuples, HOUR_MS);
    let summarize = "NTANetAnalytics | summarize count(), sum(BytesSrcToDest + BytesDestToSrc) by bin(FlowStartTime, 1h), FlowStatus";

    // One row per tuple.
    let expected = lines(by_key(
        &tuples,
        |_| true,
        |t| format!("{},{}", hour_text(t.time_ms), status(t.denied)),
        |t| [1, t.bytes[0] + t.bytes[1]],
    ));
    assert_eq!(kqlite(&dir, "0", &now, summarize), expected);

    // Traffic Analytics rows.
    let expected = lines(by_key(
        &rows,
        |_| true,
        |r| format!("{},{}", hour_text(r.flow_start_ms), status(r.first.denied)),
        |r| [1, r.bytes[0] + r.bytes[1]],
    ));
    assert_eq!(kqlite(&dir, "60m", &now, summarize), expected);

    // The seed queries.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seed = |name: &str| {
        std::fs::read_to_string(root.join(format!("examples/queries/{name}.kql"))).unwrap()
    };
    let pie = |gateway: &str, macs: [&str; 2], days: i64, by_dst: bool| {
        lines(by_key(
            &rows,
            |r| {
                let t = &r.first;
                r.flow_start_ms > now_ms - days * 24 * HOUR_MS
                    && !t.src.contains(gateway)
                    && !t.src.is_empty()
                    && t.dst.contains("10.12.")
                    && macs.contains(&t.mac.as_str())
            },
            |r| {
                if by_dst {
                    r.first.dst.clone()
                } else {
                    r.first.src.clone()
                }
            },
            |r| r.bytes,
        ))
    };
    let er = pie(
        "10.10.4",
        ["00-22-48-E6-54-32", "60-45-BD-66-1C-8F"],
        2,
        true,
    );
    assert!(!er.is_empty());
    assert_eq!(kqlite(&dir, "60m", &now, &seed("er-gateway-pie")), er);
    let fw = pie(
        "10.10.1",
        ["00-22-48-EA-53-4B", "00-22-48-EA-5E-D7"],
        3,
        false,
    );
    assert!(!fw.is_empty());
    assert_eq!(kqlite(&dir, "60m", &now, &seed("firewall-pie")), fw);
    let macs: BTreeSet<String> = by_key(
        &rows,
        |r| r.first.src.contains("10.10.4"),
        |r| r.first.mac.clone(),
        |_| [1, 0],
    )
    .into_iter()
    .map(|(k, [n, _])| format!("{k},{n}"))
    .collect();
    assert!(!macs.is_empty());
    assert_eq!(kqlite(&dir, "60m", &now, &seed("gateway-macs")), macs);

    // The selective queries, pruned by blob path and record time.
    let one_nic = lines(by_key(
        &rows,
        |r| r.first.mac == "00-22-48-E6-54-32",
        |r| r.first.dst.clone(),
        |r| [1, r.bytes[0]],
    ));
    assert_eq!(
        kqlite(
            &dir,
            "60m",
            &now,
            "NTANetAnalytics | where MacAddress == \"00-22-48-E6-54-32\" | summarize count(), sum(BytesSrcToDest) by DestIp"
        ),
        one_nic
    );
    let last_hour = lines(by_key(
        &rows,
        |r| r.flow_start_ms > now_ms - HOUR_MS,
        |r| status(r.first.denied).to_string(),
        |r| [1, r.bytes[0]],
    ));
    assert!(!last_hour.is_empty());
    assert_eq!(
        kqlite(
            &dir,
            "60m",
            &now,
            "NTANetAnalytics | where FlowStartTime > ago(1h) | summarize count(), sum(BytesSrcToDest) by FlowStatus"
        ),
        last_hour
    );
    // Pushed down with interval 0 too: only tuples of the last hour count.
    let last_hour_tuples = lines(by_key(
        &tuples,
        |t| t.time_ms > now_ms - HOUR_MS,
        |t| status(t.denied).to_string(),
        |t| [1, t.bytes[0]],
    ));
    assert_eq!(
        kqlite(
            &dir,
            "0",
            &now,
            "NTANetAnalytics | where FlowStartTime > ago(1h) | summarize count(), sum(BytesSrcToDest) by FlowStatus"
        ),
        last_hour_tuples
    );
}
