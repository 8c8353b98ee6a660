//! The flow-log benchmark: kqlite against the parse-only floor (and DuckDB when installed) over
//! about 1 GB of generated VNet flow logs of each of two shapes, in one run.
//!
//! ```text
//! cargo bench --bench flow_logs                     # generate (once) and run everything
//! KQLITE_BENCH_SIZE=100M cargo bench --bench flow_logs
//! KQLITE_BENCH_SHAPES=high KQLITE_BENCH_RUNS=5 KQLITE_BENCH_THREADS=2 cargo bench --bench flow_logs
//! KQLITE_BENCH_BASELINE=/path/to/older/kqlite cargo bench --bench flow_logs   # before/after
//! ```
//!
//! The data is made by the repository's generator (`examples/gen_flow_logs.rs`, `--size 1G
//! --rate 160`, and `--shape high` for the high-cardinality set: many distinct flows an hour and
//! the previous hour's tuples at blob starts) and cached under `target/bench-data/`. Each set
//! gets its own table, its ratios taken against the floor measured on that set in the same
//! run. Every measurement runs in a child
//! process (kqlite's binary, the floor in a copy of this program, DuckDB's Python), so its
//! wall time and peak RSS (`getrusage` of the child via `wait4`) are taken the same way; each
//! is the best of its runs. MB/s counts the VNet flow-log bytes under the folder every run
//! reads.
//!
//! The runs go in rounds (every measurement once per round, `KQLITE_BENCH_RUNS` rounds, default
//! 5) so that a slow spell of a shared machine slows them all alike.

#[allow(dead_code)]
mod parse_floor;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One child's run: wall seconds, CPU seconds (user + system), peak RSS in bytes, its stdout.
struct Run {
    seconds: f64,
    cpu: f64,
    rss: u64,
    stdout: String,
}

/// Spawn `cmd`, wait for it with `wait4`, and read its resource use.
/// With `discard`, its standard output goes to /dev/null (gigabytes of rows need not be kept).
fn measure(cmd: &mut Command, discard: bool) -> Result<Run, String> {
    let started = Instant::now();
    let child = cmd
        .stdout(if discard {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let stdout = child.stdout;
    let mut stderr = child.stderr.expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        if let Some(mut stdout) = stdout {
            std::io::Read::read_to_string(&mut stdout, &mut out).ok();
        }
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut out).ok();
        out
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, status and usage point to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if waited != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{cmd:?} failed: {}", stderr.trim()));
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Run {
        seconds,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss: usage.ru_maxrss as u64 * 1024,
        stdout,
    })
}

/// One command the table reports on: its row name and how to start it.
struct Measurement {
    name: String,
    command: Box<dyn Fn() -> Command>,
    /// Whether its output goes to /dev/null rather than being read back.
    discard: bool,
}

impl Measurement {
    fn new(name: impl Into<String>, command: impl Fn() -> Command + 'static) -> Measurement {
        Measurement {
            name: name.into(),
            command: Box::new(command),
            discard: false,
        }
    }

    fn discarding_output(mut self) -> Measurement {
        self.discard = true;
        self
    }
}

/// Each measurement's best (fastest) of `runs` runs, peak RSS the largest seen. The runs go in
/// rounds, every measurement once per round, so a slow spell of the machine touches them all
/// alike instead of one query's runs (the ratios to the floor are the point of the table).
fn best_of_rounds(measurements: &[Measurement], runs: usize) -> Result<Vec<Run>, String> {
    let mut best: Vec<Option<Run>> = measurements.iter().map(|_| None).collect();
    let mut rss = vec![0; measurements.len()];
    for _ in 0..runs.max(1) {
        for (i, m) in measurements.iter().enumerate() {
            let run = measure(&mut (m.command)(), m.discard)?;
            rss[i] = rss[i].max(run.rss);
            if best[i].as_ref().is_none_or(|b| run.seconds < b.seconds) {
                best[i] = Some(run);
            }
        }
    }
    Ok(best
        .into_iter()
        .zip(rss)
        .map(|(run, rss)| Run {
            rss,
            ..run.expect("at least one run")
        })
        .collect())
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// The generated set of `shape` (`low` or `high`) for `size`, made once by the repository's
/// generator.
fn data_set(root: &Path, size: &str, shape: &str) -> Result<PathBuf, String> {
    let name = match shape {
        "low" => format!("vnet-{}", size.to_lowercase()),
        _ => format!("vnet-{shape}-{}", size.to_lowercase()),
    };
    let dir = root.join("target/bench-data").join(name);
    let done = dir.join(".complete");
    if done.exists() {
        return Ok(dir);
    }
    eprintln!(
        "generating {size} of {shape}-cardinality flow logs into {} …",
        dir.display()
    );
    let _ = std::fs::remove_dir_all(&dir);
    let cargo = env_or("CARGO", "cargo");
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["run", "--release", "--example", "gen_flow_logs", "--"])
        .arg("--out")
        .arg(&dir)
        .args(["--size", size, "--rate", "160", "--shape", shape])
        .status()
        .map_err(|e| format!("cannot run the generator: {e}"))?;
    if !status.success() {
        return Err("the generator failed".into());
    }
    std::fs::write(&done, b"").map_err(|e| e.to_string())?;
    Ok(dir)
}

/// `--now` for the set: the end of the last hour its blob paths name.
fn end_of_data(files: &[PathBuf]) -> String {
    let mut latest = String::new();
    for f in files {
        let text = f.to_string_lossy();
        let part = |key: &str| {
            text.split('/')
                .find_map(|c| c.strip_prefix(key))
                .map(str::to_string)
        };
        if let (Some(y), Some(m), Some(d), Some(h)) =
            (part("y="), part("m="), part("d="), part("h="))
        {
            latest = latest.max(format!("{y}-{m}-{d}T{h}"));
        }
    }
    let hour = chrono::NaiveDateTime::parse_from_str(&format!("{latest}:00"), "%Y-%m-%dT%H:%M")
        .map(|t| t + chrono::Duration::hours(1))
        .unwrap_or_default();
    hour.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

struct Row {
    name: String,
    run: Run,
}

fn print_table(rows: &[Row], floor: f64, input_bytes: u64) {
    let mb = input_bytes as f64 / 1e6;
    println!(
        "\n| {:<44} | {:>8} | {:>8} | {:>8} | {:>8} | {:>9} |",
        "query", "seconds", "CPU s", "MB/s", "× floor", "peak RSS"
    );
    println!(
        "|{:-<46}|{:->10}|{:->10}|{:->10}|{:->10}|{:->11}|",
        "", ":", ":", ":", ":", ":"
    );
    for r in rows {
        println!(
            "| {:<44} | {:>8.3} | {:>8.2} | {:>8.0} | {:>8.2} | {:>5.0} MiB |",
            r.name,
            r.run.seconds,
            r.run.cpu,
            mb / r.run.seconds,
            r.run.seconds / floor,
            r.run.rss as f64 / (1024.0 * 1024.0)
        );
    }
}

/// One data set's measurements: the floor first, then the queries.
struct SetRun {
    shape: String,
    vnet: PathBuf,
    files: usize,
    input_bytes: u64,
    now: String,
    measurements: Vec<Measurement>,
}

/// The measurements of one set (`shape`), the floor first.
fn set_measurements(
    root: &Path,
    kqlite: &Path,
    size: &str,
    shape: &str,
    threads: &str,
) -> Result<SetRun, String> {
    let set = data_set(root, size, shape)?;
    let vnet = set.join("insights-logs-flowlogflowevent");
    let files = parse_floor::flow_files(&vnet);
    let input_bytes: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let now = end_of_data(&files);
    // Warm the page cache, as every anchor of the issue is measured warm.
    for f in &files {
        let _ = std::fs::read(f);
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut measurements = vec![Measurement::new("parse-only floor (sonic-rs)", {
        let (vnet, threads) = (vnet.clone(), threads.to_string());
        move || {
            let mut c = Command::new(&me);
            c.arg("--floor").arg(&vnet).arg(&threads);
            c
        }
    })];

    let summarize = "NTANetAnalytics | summarize count(), sum(BytesSrcToDest + BytesDestToSrc) by bin(FlowStartTime, 1h), FlowStatus";
    let er_gateway = read_query(root, "er-gateway-pie")?;
    // (row name, query, --interval, --now: None for the end of the data)
    let queries: Vec<(&str, String, &str, Option<&str>)> = vec![
        ("summarize by hour, status (--interval 0)", summarize.into(), "0", None),
        ("summarize by hour, status (60m TA rows)", summarize.into(), "60m", None),
        ("summarize by hour, status (--interval 10m)", summarize.into(), "10m", None),
        ("NTANetAnalytics | count (60m)", "NTANetAnalytics | count".into(), "60m", None),
        ("seed: er-gateway-pie", er_gateway.clone(), "60m", None),
        ("seed: er-gateway-pie (--now latest)", er_gateway, "60m", Some("latest")),
        ("seed: firewall-pie", read_query(root, "firewall-pie")?, "60m", None),
        ("seed: gateway-macs", read_query(root, "gateway-macs")?, "60m", None),
        (
            "selective: where MacAddress == one NIC",
            "NTANetAnalytics | where MacAddress == \"00-22-48-E6-54-32\" | summarize count(), sum(BytesSrcToDest) by DestIp".into(),
            "60m",
            None,
        ),
        (
            "selective: where FlowStartTime > ago(1h)",
            "NTANetAnalytics | where FlowStartTime > ago(1h) | summarize count(), sum(BytesSrcToDest) by FlowStatus".into(),
            "60m",
            None,
        ),
    ];
    // The binaries measured: this build, and a baseline build when `KQLITE_BENCH_BASELINE`
    // names one (a before/after comparison in one run, each row twice).
    let mut binaries = vec![(String::new(), kqlite.to_path_buf())];
    if let Ok(baseline) = std::env::var("KQLITE_BENCH_BASELINE") {
        binaries.push((" [baseline]".to_string(), PathBuf::from(baseline)));
    }
    for (name, query, interval, pinned) in queries {
        for (suffix, binary) in &binaries {
            let (kqlite, vnet, threads) = (binary.clone(), vnet.clone(), threads.to_string());
            let (query, now) = (query.clone(), pinned.unwrap_or(&now).to_string());
            measurements.push(Measurement::new(format!("{name}{suffix}"), move || {
                let mut c = Command::new(&kqlite);
                c.args(["--threads", &threads, "query", "--logs"])
                    .arg(&vnet)
                    .args(["--interval", interval, "--now", &now, "--format", "csv"])
                    .arg(&query);
                c
            }));
        }
    }
    for (suffix, binary) in &binaries {
        let (kqlite, vnet, threads) = (binary.clone(), vnet.clone(), threads.to_string());
        measurements.push(Measurement::new(
            format!("tables (60m){suffix}"),
            move || {
                let mut c = Command::new(&kqlite);
                c.args(["--threads", &threads, "tables", "--logs"])
                    .arg(&vnet);
                c
            },
        ));
    }

    // Output at scale (#13): every row of five columns as CSV, the same cut short by `head`
    // (the time to the first lines and an exit), and the whole table exported.
    let project =
        "NTANetAnalytics | project FlowStartTime, SrcIp, DestIp, DestPort, BytesSrcToDest";
    for (suffix, binary) in &binaries {
        let (kqlite, data, n) = (binary.clone(), vnet.clone(), threads.to_string());
        measurements.push(
            Measurement::new(
                format!("project 5 columns, all rows, CSV (60m){suffix}"),
                move || {
                    let mut c = Command::new(&kqlite);
                    c.args(["--threads", &n, "query", "--logs"])
                        .arg(&data)
                        .args(["--now", "latest", "--format", "csv", project]);
                    c
                },
            )
            .discarding_output(),
        );
        let (kqlite, data, n) = (binary.clone(), vnet.clone(), threads.to_string());
        measurements.push(Measurement::new(
            format!("the same into `head -3`{suffix}"),
            move || {
                // The shell pipes the two; the measurement ends when both have exited.
                let script = format!(
                    "'{}' --threads {n} query --logs '{}' --now latest --format csv '{project}' | head -3",
                    kqlite.display(),
                    data.display()
                );
                let mut c = Command::new("sh");
                c.args(["-c", &script]);
                c
            },
        ));
        let (kqlite, data, n) = (binary.clone(), vnet.clone(), threads.to_string());
        measurements.push(
            Measurement::new(
                format!("export --table NTANetAnalytics --format csv (60m){suffix}"),
                move || {
                    let mut c = Command::new(&kqlite);
                    c.args(["--threads", &n, "export", "--logs"])
                        .arg(&data)
                        .args(["--table", "NTANetAnalytics", "--format", "csv"]);
                    c
                },
            )
            .discarding_output(),
        );
    }

    let python = env_or("KQLITE_BENCH_PYTHON", "python3");
    let has_duckdb = Command::new(&python)
        .args(["-c", "import duckdb"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has_duckdb {
        let script = root.join("benches/duckdb_side_by_side.py");
        for (q, label) in [
            ("q3", "DuckDB: summarize by hour, status (raw JSON)"),
            ("q1", "DuckDB: gateway-macs (raw JSON)"),
        ] {
            let (python, script, vnet, threads) = (
                python.clone(),
                script.clone(),
                vnet.clone(),
                threads.to_string(),
            );
            measurements.push(Measurement::new(label, move || {
                let mut c = Command::new(&python);
                c.arg(&script)
                    .arg("--data")
                    .arg(&vnet)
                    .args(["--query", q, "--threads", &threads]);
                c
            }));
        }
    } else {
        println!(
            "DuckDB skipped: `{python} -c 'import duckdb'` failed (pip install duckdb, or set KQLITE_BENCH_PYTHON)"
        );
    }
    Ok(SetRun {
        shape: shape.to_string(),
        vnet,
        files: files.len(),
        input_bytes,
        now,
        measurements,
    })
}

fn run() -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let kqlite = PathBuf::from(env!("CARGO_BIN_EXE_kqlite"));
    let size = env_or("KQLITE_BENCH_SIZE", "1G");
    let runs: usize = env_or("KQLITE_BENCH_RUNS", "5").parse().unwrap_or(5);
    let threads = env_or("KQLITE_BENCH_THREADS", "2");
    let shapes = env_or("KQLITE_BENCH_SHAPES", "low,high");
    let mut sets = Vec::new();
    for shape in shapes.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if shape != "low" && shape != "high" {
            return Err(format!(
                "KQLITE_BENCH_SHAPES: `{shape}` is neither low nor high"
            ));
        }
        sets.push(set_measurements(&root, &kqlite, &size, shape, &threads)?);
    }
    for set in &sets {
        println!(
            "{}-cardinality set: {} VNet flow-log files, {:.0} MB, under {}; --now {}",
            set.shape,
            set.files,
            set.input_bytes as f64 / 1e6,
            set.vnet.display(),
            set.now
        );
    }
    println!("{threads} threads; best of {runs} rounds");

    let empty = root.join("target/bench-data/empty");
    std::fs::create_dir_all(&empty).map_err(|e| e.to_string())?;
    let cold = Measurement::new("cold start: query on an empty folder", move || {
        let mut c = Command::new(&kqlite);
        c.args(["query", "--format", "csv", "--logs"])
            .arg(&empty)
            .arg("NTANetAnalytics | count");
        c
    });

    // Every measurement of every set in each round, so a slow spell touches both sets alike.
    let mut all: Vec<Measurement> = Vec::new();
    let mut owner = Vec::new();
    for (i, set) in sets.iter_mut().enumerate() {
        owner.extend(std::iter::repeat_n(Some(i), set.measurements.len()));
        all.append(&mut set.measurements);
    }
    all.push(cold);
    owner.push(None);
    let results = best_of_rounds(&all, runs)?;
    for (m, run) in all.iter().zip(&results) {
        let out = run.stdout.trim();
        match out.lines().count() {
            0 | 1 => println!("{}: {out}", m.name),
            n => println!("{}: {} result rows", m.name, n - 1),
        }
    }
    let mut rows: Vec<(Option<usize>, Row)> = all
        .into_iter()
        .zip(results)
        .zip(owner)
        .map(|((m, run), set)| (set, Row { name: m.name, run }))
        .collect();
    let mut cold = rows.pop().map(|(_, row)| row);
    for (i, set) in sets.iter().enumerate() {
        let mut mine: Vec<Row> = rows
            .extract_if(.., |(owner, _)| *owner == Some(i))
            .map(|(_, row)| row)
            .collect();
        println!(
            "\n{}-cardinality set ({} files, {:.0} MB)",
            set.shape,
            set.files,
            set.input_bytes as f64 / 1e6
        );
        mine.extend(cold.take());
        print_table(&mine, mine[0].run.seconds, set.input_bytes);
    }
    Ok(())
}

fn read_query(root: &Path, name: &str) -> Result<String, String> {
    let path = root.join(format!("examples/queries/{name}.kql"));
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("--floor") {
        let dir = PathBuf::from(&args[1]);
        let threads = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(2);
        println!(
            "{}",
            parse_floor::report_line(&parse_floor::run(&dir, threads))
        );
        return;
    }
    if let Err(e) = run() {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}
