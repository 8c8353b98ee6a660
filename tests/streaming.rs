//! Streaming output through the binary (issue 13, items 5 and 6): rows leave as they are made,
//! a reader that closes the pipe ends the run at once and successfully, the table format shows
//! the first and last rows of a long result with a count, what is streamed is byte for byte
//! what the collected path (`--stats` runs it) prints, and the progress line shows only on a
//! terminal.

mod common;

use common::{repo_root, run_kqlite, Outcome};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LOGS: &str = "examples/logs";
/// Every flow tuple of the sample logs (8,022 rows at `--interval 0`), five columns.
const PROJECT: &str =
    "NTANetAnalytics | project FlowStartTime, SrcIp, DestIp, DestPort, BytesSrcToDest";

fn kqlite(args: &[&str]) -> Outcome {
    run_kqlite(args, &repo_root(), "", Duration::from_secs(120))
}

/// Start `kqlite ARGS` with stdout and stderr piped, read `lines` lines of stdout, close the
/// pipe, and return the exit code, what stderr said, the lines, and the time from start to exit.
fn read_lines_then_close(
    args: &[&str],
    lines: usize,
) -> (Option<i32>, String, Vec<String>, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kqlite"))
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the kqlite binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut read = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        read.push(line);
    }
    drop(stdout);
    let mut stderr = String::new();
    let mut err = child.stderr.take().unwrap();
    let waiter = std::thread::spawn(move || {
        let _ = err.read_to_string(&mut stderr);
        stderr
    });
    // A run that ignored the closed pipe would go on for minutes: give it a bounded time.
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let stderr = waiter.join().unwrap();
    (status.and_then(|s| s.code()), stderr, read, elapsed)
}

/// [`read_lines_then_close`], asserting that the run ended with exit code 0, nothing on stderr
/// and in a bounded time; the lines read.
fn closes_quietly(args: &[&str], lines: usize) -> Vec<String> {
    let (code, stderr, read, elapsed) = read_lines_then_close(args, lines);
    assert_eq!(
        code,
        Some(0),
        "{args:?}: killed after {elapsed:?}? stderr: {stderr}"
    );
    assert!(stderr.is_empty(), "{args:?}: {stderr}");
    assert!(elapsed < Duration::from_secs(20), "{args:?}: {elapsed:?}");
    read
}

#[test]
fn head_gets_its_lines_at_once_and_the_run_ends_quietly() {
    // 100 million rows: gathered before printing, they would take minutes and gigabytes.
    let lines = closes_quietly(
        &[
            "query",
            "range i from 1 to 100000000 step 1 | extend twice = i * 2 | where i % 2 == 1",
            "--format",
            "csv",
        ],
        3,
    );
    assert_eq!(lines, ["i,twice\r\n", "1,2\r\n", "3,6\r\n"]);

    // From a scan of flow logs, and in the other streamed formats.
    for format in ["csv", "jsonl", "json"] {
        let lines = closes_quietly(
            &[
                "query",
                PROJECT,
                "--logs",
                LOGS,
                "--interval",
                "0",
                "--format",
                format,
            ],
            3,
        );
        assert_eq!(lines.len(), 3);
        assert!(
            lines.iter().any(|l| l.contains("2024-05-07T09:00:16.848Z")),
            "{format}: {lines:?}"
        );
    }
}

#[test]
fn streamed_output_is_what_the_collected_path_prints() {
    let queries = [
        // No pipeline breaker: batches come straight from the scan, file by file.
        (PROJECT, "0"),
        // A breaker at the end: the rows come out of `summarize`.
        (
            "NTANetAnalytics | summarize Flows = count(), Bytes = sum(BytesSrcToDest) by SrcIp, FlowType",
            "60m",
        ),
        // Types that print differently in each format: dynamic, real, bool, timespan, null.
        (
            "NTANetAnalytics | take 300 | extend d = pack('p', DestPort), r = BytesSrcToDest / 3.0, b = DestPort > 1000, t = FlowEndTime - FlowStartTime, n = int(null)",
            "10m",
        ),
    ];
    for (query, interval) in queries {
        for format in ["csv", "json", "jsonl", "vertical", "az", "table"] {
            let args = [
                "query",
                query,
                "--logs",
                LOGS,
                "--interval",
                interval,
                "--format",
                format,
                "--max-rows",
                "0",
            ];
            let streamed = kqlite(&args);
            assert_eq!(streamed.code, Some(0), "{}", streamed.stderr);
            let mut with_stats = args.to_vec();
            with_stats.push("--stats");
            let collected = kqlite(&with_stats);
            assert_eq!(collected.code, Some(0), "{}", collected.stderr);
            assert!(streamed.stdout.len() > 1000, "{query} {format}");
            assert!(
                streamed.stdout == collected.stdout,
                "{query} as {format} differs from the collected result"
            );
        }
    }
}

#[test]
fn the_table_format_shows_the_first_and_last_rows_of_a_long_result() {
    let csv = kqlite(&[
        "query",
        PROJECT,
        "--logs",
        LOGS,
        "--interval",
        "0",
        "--format",
        "csv",
    ]);
    let records = common::parse_csv(&csv.stdout).unwrap();
    assert_eq!(records.len(), 1 + 8022);
    let rows = &records[1..];

    let table = kqlite(&["query", PROJECT, "--logs", LOGS, "--interval", "0"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    // Header, rule, 20 rows, the gap, 20 rows, the count.
    assert_eq!(lines.len(), 2 + 20 + 1 + 20 + 1, "{}", table.stdout);
    assert_eq!(
        lines[lines.len() - 1],
        "8,022 rows (40 shown); --format csv or --max-rows N for more"
    );
    assert!(
        lines[22].split_whitespace().all(|cell| cell == "⋮"),
        "{}",
        lines[22]
    );
    let first_cell = |line: &str| line.split_whitespace().next().unwrap().to_string();
    for i in 0..20 {
        assert_eq!(first_cell(lines[2 + i]), rows[i][0]);
        assert_eq!(first_cell(lines[23 + i]), rows[8002 + i][0]);
    }
    // The last shown row is the result's last row, every cell.
    let last: Vec<&str> = lines[42].split_whitespace().collect();
    let expected: Vec<&str> = rows[8021]
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(last, expected);

    // --max-rows N: the first ceil(N/2) and the last floor(N/2).
    let five = kqlite(&[
        "query",
        PROJECT,
        "--logs",
        LOGS,
        "--interval",
        "0",
        "--max-rows",
        "5",
    ]);
    let lines: Vec<&str> = five.stdout.lines().collect();
    assert_eq!(lines.len(), 2 + 3 + 1 + 2 + 1, "{}", five.stdout);
    assert_eq!(first_cell(lines[4]), rows[2][0]);
    assert_eq!(first_cell(lines[6]), rows[8020][0]);
    assert!(
        lines[8].starts_with("8,022 rows (5 shown);"),
        "{}",
        lines[8]
    );

    // --max-rows 0: every row, no count line.
    let all = kqlite(&[
        "query",
        PROJECT,
        "--logs",
        LOGS,
        "--interval",
        "0",
        "--max-rows",
        "0",
    ]);
    assert_eq!(all.stdout.lines().count(), 2 + 8022);
    assert!(!all.stdout.contains("rows ("));

    // A result that fits is printed as it always was: no gap, no count.
    let short = kqlite(&["query", "range i from 1 to 40 step 1"]);
    assert_eq!(short.stdout.lines().count(), 2 + 40);
    assert!(!short.stdout.contains('⋮') && !short.stdout.contains("shown"));
}

#[test]
fn export_streams_and_stops_at_a_closed_pipe() {
    let lines = closes_quietly(
        &[
            "export",
            "--logs",
            LOGS,
            "--interval",
            "0",
            "--table",
            "NTANetAnalytics",
            "--format",
            "csv",
        ],
        2,
    );
    assert!(lines[0].starts_with("AclGroup,AclRule,"), "{}", lines[0]);
    assert!(
        lines[1].contains(",2024-05-07T09:00:16.848Z,"),
        "{}",
        lines[1]
    );
}

/// Long enough (over a second, even in a release build) for the progress line to appear.
const SLOW: &str = "range i from 1 to 100000000 step 1 | summarize count()";

#[test]
fn no_progress_line_when_stderr_is_not_a_terminal() {
    let out = kqlite(&["query", SLOW]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("100000000"), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{:?}", out.stderr);
}

/// On a terminal, the line appears after a second and is erased at the end; `--quiet` hides it.
#[test]
fn the_progress_line_shows_on_a_terminal_unless_quiet() {
    let on_terminal = |args: &[&str]| -> String {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kqlite"));
        // The line shows after 100 ms here, so the runs need not outlast a second.
        command
            .args(args)
            .current_dir(repo_root())
            .env("KQLITE_PROGRESS_DELAY_MS", "100");
        let mut session =
            rexpect::session::spawn_command(command, Some(120_000)).expect("spawn on a pty");
        session.exp_eof().expect("kqlite ends")
    };
    // The sample logs are read first, then `range` keeps the run going past the second.
    let shown = on_terminal(&[
        "query",
        "--logs",
        LOGS,
        "--interval",
        "0",
        "union (NTANetAnalytics | project i = long(0)), (range i from 1 to 100000000 step 1) \
         | summarize count()",
    ]);
    let files = regex::Regex::new(r"(\d+)/(\d+) files, \d+\.\d MB, \d+\.\d MB/s, 0 rows").unwrap();
    // The last line drawn: on a loaded machine the first may come while files are still read.
    let counts = files
        .captures_iter(&shown)
        .last()
        .unwrap_or_else(|| panic!("{shown:?}"));
    assert_eq!(
        counts[1], counts[2],
        "every planned file is read: {shown:?}"
    );
    assert_ne!(&counts[1], "0");
    assert!(shown.contains("\u{1b}[2K"), "the line is erased: {shown:?}");
    assert!(shown.contains("100008022"), "{shown:?}");
    let rows_only = on_terminal(&["query", SLOW]);
    // `range` reads no file: the line counts rows (none until `summarize` ends).
    assert!(
        rows_only.contains(" 0 rows") && !rows_only.contains("files"),
        "{rows_only:?}"
    );
    let quiet = on_terminal(&["query", SLOW, "--quiet"]);
    assert!(!quiet.contains(" rows"), "{quiet:?}");
    assert!(quiet.contains("100000000"), "{quiet:?}");
}
