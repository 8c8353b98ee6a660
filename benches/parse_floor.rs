//! The parse-only floor: the least work any query that looks at every flow tuple must do.
//!
//! A deliberately separate, minimal program that shares no code with kqlite's reader. It reads
//! every VNet flow-log file under a folder, deserializes every record with sonic-rs (the fastest
//! JSON crate measured here; serde_json was ~30% slower), parses all 13 fields of every tuple in
//! one hand-written pass, and sums the bytes; nothing else. Files are shared out to N threads.
//!
//! ```text
//! cargo bench --bench parse_floor -- DIR [THREADS]
//! ```
//!
//! The benchmark runner (`benches/flow_logs.rs`) includes this file as a module and runs it in
//! a child process of its own, so its time and peak memory are measured like kqlite's.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(Deserialize)]
struct LogFile<'a> {
    #[serde(borrow)]
    records: Vec<Record<'a>>,
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(rename = "macAddress", borrow)]
    mac: &'a str,
    #[serde(rename = "flowRecords", borrow)]
    flow_records: FlowRecords<'a>,
}

#[derive(Deserialize)]
struct FlowRecords<'a> {
    #[serde(borrow)]
    flows: Vec<AclFlows<'a>>,
}

#[derive(Deserialize)]
struct AclFlows<'a> {
    #[serde(rename = "flowGroups", borrow)]
    groups: Vec<RuleGroup<'a>>,
}

#[derive(Deserialize)]
struct RuleGroup<'a> {
    #[serde(borrow)]
    rule: &'a str,
    #[serde(rename = "flowTuples", borrow)]
    tuples: Vec<&'a str>,
}

/// What one pass over the files found.
#[derive(Debug, Default, Clone, Copy)]
pub struct FloorReport {
    pub files: usize,
    pub input_bytes: u64,
    pub tuples: u64,
    pub bad_tuples: u64,
    /// Sum of bytes src→dest plus bytes dest→src over every tuple.
    pub flow_bytes: u64,
    /// A fold of every other field, so no field's parse can be optimised away.
    pub checksum: u64,
    pub seconds: f64,
}

/// One tuple, every field parsed: `time,src,dst,sport,dport,proto,dir,state,enc,p1,b1,p2,b2`.
struct Fields<'a> {
    time: u64,
    src: &'a [u8],
    dst: &'a [u8],
    src_port: u64,
    dst_port: u64,
    protocol: u64,
    direction: u8,
    state: u8,
    encryption: &'a [u8],
    counters: [u64; 4],
}

/// Single pass: numbers accumulate digit by digit, strings are slices, commas end fields.
fn parse_tuple(t: &[u8]) -> Option<Fields<'_>> {
    let mut at = 0;
    let number = |at: &mut usize| -> Option<u64> {
        let mut n = 0u64;
        while *at < t.len() && t[*at] != b',' {
            let d = t[*at].wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            n = n * 10 + u64::from(d);
            *at += 1;
        }
        *at += 1;
        Some(n)
    };
    let text = |at: &mut usize| -> &[u8] {
        let start = *at;
        while *at < t.len() && t[*at] != b',' {
            *at += 1;
        }
        let s = &t[start..*at];
        *at += 1;
        s
    };
    let time = number(&mut at)?;
    let src = text(&mut at);
    let dst = text(&mut at);
    let src_port = number(&mut at)?;
    let dst_port = number(&mut at)?;
    let protocol = number(&mut at)?;
    let direction = *text(&mut at).first()?;
    let state = *text(&mut at).first()?;
    let encryption = text(&mut at);
    let mut counters = [0u64; 4];
    for c in &mut counters {
        *c = number(&mut at)?;
    }
    (at >= t.len()).then_some(Fields {
        time,
        src,
        dst,
        src_port,
        dst_port,
        protocol,
        direction,
        state,
        encryption,
        counters,
    })
}

fn read_one(path: &Path, report: &mut FloorReport) {
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    report.files += 1;
    report.input_bytes += bytes.len() as u64;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return;
    };
    let Ok(file) = sonic_rs::from_str::<LogFile>(text) else {
        return;
    };
    for record in &file.records {
        report.checksum = report.checksum.wrapping_add(record.mac.len() as u64);
        for flow in &record.flow_records.flows {
            for group in &flow.groups {
                report.checksum = report.checksum.wrapping_add(group.rule.len() as u64);
                for tuple in &group.tuples {
                    let Some(f) = parse_tuple(tuple.as_bytes()) else {
                        report.bad_tuples += 1;
                        continue;
                    };
                    report.tuples += 1;
                    report.flow_bytes += f.counters[1] + f.counters[3];
                    report.checksum = report.checksum.wrapping_add(
                        f.time
                            ^ (f.src.len() + f.dst.len() + f.encryption.len()) as u64
                            ^ (f.src_port << 16)
                            ^ (f.dst_port << 32)
                            ^ (f.protocol << 48)
                            ^ u64::from(f.direction)
                            ^ u64::from(f.state)
                            ^ f.counters[0]
                            ^ f.counters[2],
                    );
                }
            }
        }
    }
}

/// Every `PT1H.json` under `dir`, sorted (the VNet flow-log blobs of a storage-account copy).
pub fn flow_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "PT1H.json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Parse every file under `dir` on `threads` threads.
pub fn run(dir: &Path, threads: usize) -> FloorReport {
    let started = Instant::now();
    let files = flow_files(dir);
    let next = AtomicUsize::new(0);
    let partials: Vec<FloorReport> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut r = FloorReport::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        read_one(path, &mut r);
                    }
                    r
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut total = FloorReport::default();
    for p in partials {
        total.files += p.files;
        total.input_bytes += p.input_bytes;
        total.tuples += p.tuples;
        total.bad_tuples += p.bad_tuples;
        total.flow_bytes += p.flow_bytes;
        total.checksum = total.checksum.wrapping_add(p.checksum);
    }
    total.seconds = started.elapsed().as_secs_f64();
    total
}

/// One line the runner reads back: `files=… input_bytes=… tuples=… flow_bytes=… seconds=…`.
pub fn report_line(r: &FloorReport) -> String {
    format!(
        "files={} input_bytes={} tuples={} bad_tuples={} flow_bytes={} checksum={} seconds={:.4}",
        r.files, r.input_bytes, r.tuples, r.bad_tuples, r.flow_bytes, r.checksum, r.seconds
    )
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: parse_floor DIR [THREADS]");
        std::process::exit(2);
    };
    let threads = args.get(1).and_then(|t| t.parse().ok()).unwrap_or(2);
    println!("{}", report_line(&run(Path::new(dir), threads)));
}
