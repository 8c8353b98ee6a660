//! Hostile input through the binary (issue 14): every case ends with a documented exit code and
//! a clear message, in bounded time, and never reads what the user did not hand to kqlite.

mod common;

use common::{repo_root, run_kqlite, Outcome};
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn kqlite(args: &[&str]) -> Outcome {
    run_kqlite(args, &repo_root(), "", LIMIT)
}

fn kqlite_in(dir: &Path, args: &[&str]) -> Outcome {
    run_kqlite(args, dir, "", LIMIT)
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kqlite-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Make a FIFO at `path` (reading it would block until a writer comes).
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status();
    assert!(status.unwrap().success());
}

fn external(path: &str) -> String {
    format!("externaldata (line:string) [@\"{path}\"] with (format=\"txt\") | count")
}

/// Assert that the run's standard error holds each of `expected`.
fn assert_stderr_has(out: &Outcome, expected: &[&str]) {
    for text in expected {
        assert!(out.stderr.contains(text), "{text}\n{}", out.stderr);
    }
}

/// The `error:` line of a failed run (warnings about the logs may come before it).
fn error_line(out: &Outcome) -> String {
    let line = out.stderr.lines().find(|l| l.starts_with("error:"));
    line.unwrap_or("").to_string()
}

#[test]
fn externaldata_reads_no_local_file_it_was_not_handed() {
    let dir = scratch("externaldata");
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("hosts.txt"), "a\nb\n").unwrap();
    std::fs::write(dir.join("secret.txt"), "SECRET=1\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), logs.join("escape.txt")).unwrap();
    let logs_arg = logs.to_str().unwrap();
    let secret = dir.join("secret.txt");
    let secret = secret.to_str().unwrap();

    // Inside a --logs folder: read.
    let inside = logs.join("hosts.txt");
    let out = kqlite(&[
        "query",
        &external(inside.to_str().unwrap()),
        "--logs",
        logs_arg,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains('2'), "{}", out.stdout);

    // Outside it, a missing file, `..`, a symlink out, a file:// URL and /proc: one refusal.
    let probes = [
        secret.to_string(),
        format!("{}/missing.txt", dir.display()),
        format!("{logs_arg}/../secret.txt"),
        format!("{logs_arg}/escape.txt"),
        format!("file://{secret}"),
        format!("file://localhost{secret}"),
        "/proc/self/environ".to_string(),
        "/dev/zero".to_string(),
    ];
    let mut messages = Vec::new();
    for probe in &probes {
        let out = kqlite(&["query", &external(probe), "--logs", logs_arg]);
        assert_eq!(out.code, Some(3), "{probe}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{probe}: {}", out.stdout);
        assert!(!out.stderr.contains("SECRET"), "{}", out.stderr);
        let first = error_line(&out);
        assert!(
            first.contains("externaldata reads only regular files inside a folder given with"),
            "{probe}: {first}"
        );
        messages.push(first.replacen(probe.as_str(), "PATH", 1));
    }
    // The missing and the present file give the same error, so paths cannot be probed.
    assert_eq!(
        messages[0].replace(secret, "PATH"),
        messages[1].replace(&format!("{}/missing.txt", dir.display()), "PATH")
    );

    // No --logs at all: nothing local is readable, unless --allow-local-data says so.
    let out = kqlite(&["query", &external(secret)]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    let dir_arg = dir.to_str().unwrap();
    let out = kqlite(&["query", &external(secret), "--allow-local-data", dir_arg]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);

    // In a check, the refusal is an input error, never a green run.
    let check = dir.join("leak.kql");
    std::fs::write(
        &check,
        format!(
            "// severity: low\n// expect: empty\n{}\n| where false\n",
            external("/proc/self/environ")
        ),
    )
    .unwrap();
    let out = kqlite(&["check", check.to_str().unwrap(), "--fail-on", "medium"]);
    assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn externaldata_refuses_a_fifo_instead_of_blocking() {
    let dir = scratch("fifo-ext");
    let fifo = dir.join("pipe.txt");
    mkfifo(&fifo);
    let dir_arg = dir.to_str().unwrap();
    let out = kqlite_in(
        &dir,
        &[
            "query",
            &external("pipe.txt"),
            "--allow-local-data",
            dir_arg,
        ],
    );
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    let copy = format!("https://example.invalid/p.txt={}", fifo.display());
    let out = kqlite(&[
        "query",
        &external("https://example.invalid/p.txt"),
        "--external-data",
        &copy,
    ]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn control_characters_are_escaped_in_human_and_annotation_output() {
    let dir = scratch("controls");
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    // A file name that would start its own `::error` line, and an ESC sequence.
    std::fs::write(logs.join("x\n::error::owned\u{1b}[2J.txt"), "not a log\n").unwrap();
    std::fs::write(dir.join("T.csv"), "Name\n\"a\u{1b}]0;title\u{7}b\"\n").unwrap();
    let csv = dir.join("T.csv");
    let out = kqlite(&[
        "query",
        "T | extend N2 = Name",
        "--logs",
        logs.to_str().unwrap(),
        "--logs",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(
        out.stdout.contains("a\\x1b]0;title\\x07b"),
        "{:?}",
        out.stdout
    );
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert!(
        out.stderr.lines().all(|l| !l.starts_with("::")),
        "{:?}",
        out.stderr
    );
    assert_stderr_has(&out, &["x\\n::error::owned\\x1b[2J.txt"]);

    // A failing check whose rows hold the ESC: the report and the annotation escape it, the
    // JUnit file stays well-formed XML.
    let check = dir.join("c.kql");
    std::fs::write(&check, "// name: odd \u{1b}[1m name\nT\n").unwrap();
    let junit = dir.join("junit.xml");
    let out = kqlite(&[
        "check",
        check.to_str().unwrap(),
        "--logs",
        csv.to_str().unwrap(),
        "--github",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(out.stdout.contains("::error "), "{:?}", out.stdout);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(roxmltree::Document::parse(&xml).is_ok(), "{xml}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An AWS VPC flow log of 3 records.
fn aws_log() -> String {
    std::fs::read_to_string(repo_root().join("tests/data/aws/vpc-flowlog-sample.log")).unwrap()
}

fn aws_count(args: &[&str]) -> Outcome {
    let mut all = vec!["query", "AWSVPCFlow | count", "--format", "csv"];
    all.extend_from_slice(args);
    kqlite(&all)
}

#[test]
fn folder_walks_skip_links_unless_asked_and_read_a_path_once() {
    let dir = scratch("links");
    let logs = dir.join("logs");
    std::fs::create_dir_all(logs.join("a")).unwrap();
    std::fs::write(logs.join("a/flows.log"), aws_log()).unwrap();
    let outside = dir.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("other.log"), aws_log()).unwrap();
    // A loop back to the top, a link to a sibling, and a link out of the tree.
    std::os::unix::fs::symlink(&logs, logs.join("a/loop")).unwrap();
    std::os::unix::fs::symlink(logs.join("a"), logs.join("again")).unwrap();
    std::os::unix::fs::symlink(&outside, logs.join("out")).unwrap();
    let logs_arg = logs.to_str().unwrap();

    let out = aws_count(&["--logs", logs_arg]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n3\r\n", "{}", out.stderr);
    assert_stderr_has(&out, &["not followed (--follow reads it)"]);

    // --follow reads the link out of the tree, and the loop and second link only once.
    let out = aws_count(&["--logs", logs_arg, "--follow"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n6\r\n", "{}", out.stderr);
    assert_stderr_has(&out, &["a folder already read"]);

    // The same file named twice is read once.
    let file = logs.join("a/flows.log");
    let file = file.to_str().unwrap();
    let out = aws_count(&["--logs", file, "--logs", file, "--logs", logs_arg]);
    assert_eq!(out.stdout, "Count\r\n3\r\n", "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fifos_and_empty_files_are_warnings_not_hangs_or_fatal() {
    let dir = scratch("fifo-logs");
    std::fs::write(dir.join("flows.log"), aws_log()).unwrap();
    let fifo = dir.join("pipe.log");
    mkfifo(&fifo);
    let empty = dir.join("PT1H.json");
    std::fs::write(&empty, "").unwrap();
    let dir_arg = dir.to_str().unwrap();

    // In a folder and named: skipped with a warning naming the file; the good file loads.
    let out = aws_count(&["--logs", dir_arg]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n3\r\n");
    assert_stderr_has(&out, &["pipe.log: not a regular file"]);
    assert_stderr_has(&out, &["PT1H.json: the file is empty"]);
    let flows = dir.join("flows.log");
    let named = [
        "--logs",
        fifo.to_str().unwrap(),
        "--logs",
        empty.to_str().unwrap(),
        "--logs",
        flows.to_str().unwrap(),
    ];
    let out = aws_count(&named);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n3\r\n");
    assert_stderr_has(&out, &["not a regular file"]);
    assert_stderr_has(&out, &["the file is empty"]);

    // --strict makes them fatal: exit 3.
    let mut strict = named.to_vec();
    strict.push("--strict");
    assert_eq!(aws_count(&strict).code, Some(3));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Run a query given on standard input (too long for an argument list).
fn query_stdin(query: &str) -> Outcome {
    run_kqlite(&["query", "--format", "csv"], &repo_root(), query, LIMIT)
}

#[test]
fn deep_queries_are_refused_with_the_limit_and_where() {
    let parens = format!("print x = {}1{}", "(".repeat(4000), ")".repeat(4000));
    let out = query_stdin(&parens);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: the query nests more than 128 levels of brackets"),
        "{}",
        out.stderr
    );
    assert_stderr_has(&out, &["<stdin>:1:139"]);

    let wheres = format!("print x = 1{}", "\n| where x > 0".repeat(10_000));
    let out = query_stdin(&wheres);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_stderr_has(&out, &["more than 1000 operators"]);
    assert_stderr_has(&out, &["<stdin>:1002:1"]);

    let toscalar = format!(
        "print x = {}1{}",
        "toscalar(print ".repeat(1000),
        ")".repeat(1000)
    );
    let out = query_stdin(&toscalar);
    assert_eq!(out.code, Some(2), "{}", out.stderr);

    // Under the limits, a deep query runs (the run has the stack for it).
    let nested = format!("print x = {}1{}", "(".repeat(128), ")".repeat(128));
    let out = query_stdin(&nested);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "x\r\n1\r\n"),
        "{}",
        out.stderr
    );
    let extends: String = (0..900)
        .map(|i| format!("\n| extend c{i} = x + {i}"))
        .collect();
    let out = query_stdin(&format!("print x = 1{extends}\n| project c899"));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "c899\r\n900\r\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn long_operator_chains_run_or_fail_cleanly() {
    let terms = format!("print x = 1{}", " + 1".repeat(10_000));
    let out = query_stdin(&terms);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "x\r\n10001\r\n"),
        "{}",
        out.stderr
    );
    let ors = format!(
        "print x = 1 | where {}",
        vec!["x == 2"; 10_000].join(" or ")
    );
    let out = query_stdin(&format!("{ors} or x == 1"));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "x\r\n1\r\n"),
        "{}",
        out.stderr
    );
}

/// A VNet flow log of the examples (331 tuples).
const GOOD_VNET: &str = "examples/logs/insights-logs-flowlogflowevent/flowLogResourceID=/SUBSCRIPTIONS/6A1F0C2E-3B4D-4E5F-8A9B-0C1D2E3F4A5B/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_JAPANEAST/FLOWLOGS/FL-VNET-SPOKE-APP/y=2024/m=05/d=09/h=09/m=00/macAddress=000D3A5210AA/PT1H.json";

/// `NTANetAnalytics | count` over `logs`, one row per tuple, as CSV.
fn nta_count(logs: &str) -> Outcome {
    let query = "NTANetAnalytics | count";
    kqlite(&[
        "query",
        query,
        "--logs",
        logs,
        "--interval",
        "0",
        "--format",
        "csv",
    ])
}

#[test]
fn deeply_nested_json_logs_are_skipped_and_the_good_files_load() {
    let dir = scratch("deep-json");
    for name in ["vnet-nested-11000.json", "azfw-nested-11000.json"] {
        std::fs::copy(
            repo_root().join("tests/regressions/logs").join(name),
            dir.join(name),
        )
        .unwrap();
    }
    std::fs::copy(repo_root().join(GOOD_VNET), dir.join("good.json")).unwrap();
    let dir_arg = dir.to_str().unwrap();
    let out = nta_count(dir_arg);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n331\r\n");
    assert_stderr_has(
        &out,
        &[
            "vnet-nested-11000.json",
            "azfw-nested-11000.json",
            "recursion limit exceeded",
        ],
    );
    let out = kqlite(&["tables", "--logs", dir_arg]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `head` then `filler` bytes of `x`, gzip-compressed (about 1000:1).
fn gzip_bomb(head: &str, filler: usize) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(head.as_bytes()).unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..filler >> 20 {
        gz.write_all(&block).unwrap();
    }
    gz.finish().unwrap()
}

#[test]
fn gzip_bombs_stop_at_max_file_size_with_a_warning() {
    let dir = scratch("bomb");
    let vnet = "{\"records\":[{\"time\":\"2024-05-09T10:00:00Z\",\"flowLogVersion\":4,\
                \"category\":\"FlowLogFlowEvent\",\"x\":\"";
    std::fs::write(dir.join("bomb.json.gz"), gzip_bomb(vnet, 24 << 20)).unwrap();
    let aws = "version account-id interface-id srcaddr dstaddr srcport dstport protocol \
               packets bytes start end action log-status\n";
    std::fs::write(dir.join("bomb.log.gz"), gzip_bomb(aws, 24 << 20)).unwrap();
    std::fs::copy(repo_root().join(GOOD_VNET), dir.join("good.json")).unwrap();
    let dir_arg = dir.to_str().unwrap();
    let query = "union NTANetAnalytics, AWSVPCFlow | count";
    let run = |extra: &[&str]| {
        let mut args = vec![
            "query",
            query,
            "--logs",
            dir_arg,
            "--interval",
            "0",
            "--format",
            "csv",
        ];
        args.extend_from_slice(extra);
        kqlite(&args)
    };
    let out = run(&["--max-file-size", "16M"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n331\r\n", "{}", out.stderr);
    for name in ["bomb.json.gz", "bomb.log.gz"] {
        let line = out.stderr.lines().find(|l| l.contains(name)).unwrap_or("");
        assert!(
            line.contains("--max-file-size limit; skipped"),
            "{}",
            out.stderr
        );
    }
    // --strict makes it fatal.
    assert_eq!(run(&["--max-file-size", "16M", "--strict"]).code, Some(3));

    // externaldata: the same limit, an input error.
    let copy = format!(
        "https://example.invalid/b.txt.gz={}/bomb.log.gz",
        dir.display()
    );
    let out = kqlite(&[
        "query",
        &external("https://example.invalid/b.txt.gz"),
        "--external-data",
        &copy,
        "--max-file-size",
        "1M",
    ]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert_stderr_has(&out, &["--max-file-size"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn endless_ranges_are_refused_before_they_run() {
    for query in [
        "range x from 1 to 1000000000000 step 1 | count",
        "range x from 1 to 2 step 1e-300 | count",
        "range t from datetime(2000-01-01) to datetime(2024-01-01) step 1tick | count",
    ] {
        let out = query_stdin(query);
        assert_eq!(out.code, Some(2), "{query}: {}", out.stderr);
        assert_stderr_has(&out, &["more than the limit of 100000000"]);
    }
    let out = query_stdin("range x from 1 to 10 step 0");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_stderr_has(&out, &["must not be zero"]);
    // Kusto docs, "range operator" (https://learn.microsoft.com/kusto/query/range-operator):
    // the column's type is that of the bounds and step; a real step makes it real.
    let out = query_stdin(
        "range x from 1 to 2 step 0.5 | summarize s = sum(x), t = take_any(gettype(x))",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "s,t\r\n4.5,real\r\n", "{}", out.stderr);
}

#[test]
fn a_check_over_empty_tables_is_an_error_unless_allowed() {
    let dir = scratch("empty-check");
    let check = dir.join("ssh.kql");
    let body = "NTANetAnalytics | where DestPort == 22 and FlowStatus == \"Allowed\"\n";
    std::fs::write(&check, format!("// name: no ssh\n// severity: low\n{body}")).unwrap();
    let check_arg = check.to_str().unwrap();
    let empty_logs = dir.join("logs");
    std::fs::create_dir_all(&empty_logs).unwrap();
    let junit = dir.join("junit.xml");
    for extra in [vec![], vec!["--logs", empty_logs.to_str().unwrap()]] {
        let mut args = vec!["check", check_arg, "--fail-on", "medium"];
        args.extend(extra);
        args.extend(["--junit", junit.to_str().unwrap()]);
        let out = kqlite(&args);
        assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains("ERROR"), "{}", out.stdout);
        assert!(
            out.stdout
                .contains("NTANetAnalytics: the only table the check reads has no rows"),
            "{}",
            out.stdout
        );
        assert!(std::fs::read_to_string(&junit).unwrap().contains("<error"));
    }
    // `// allow-empty: true` says no rows is a valid state.
    std::fs::write(&check, format!("// allow-empty: true\n{body}")).unwrap();
    let out = kqlite(&["check", check_arg]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    // A check that reads no table is not affected; one with rows runs as before.
    std::fs::write(&check, "print x = 1 | where x > 1\n").unwrap();
    assert_eq!(kqlite(&["check", check_arg]).code, Some(0));
    std::fs::write(&check, "AWSVPCFlow | where DstPort == 1\n").unwrap();
    let out = kqlite(&["check", check_arg, "--logs", "tests/data/aws"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_checks_the_header_as_check_does() {
    let dir = scratch("validate-header");
    let check = dir.join("bad.kql");
    std::fs::write(&check, "// expect: lots\nprint 1\n").unwrap();
    let out = kqlite(&["validate", check.to_str().unwrap()]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("unknown expectation `lots`"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_malformed_record_costs_only_itself() {
    let dir = scratch("bad-record");
    let good = std::fs::read_to_string(repo_root().join(GOOD_VNET)).unwrap();
    let lines: Vec<&str> = good.split_inclusive('\n').collect();
    assert!(lines.len() > 3, "one record per line");
    // Record 2 loses a colon; the same file without record 2 is the truth.
    let damaged: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                l.replacen("\"flowLogGUID\":", "\"flowLogGUID\" ", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    let without: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| *l)
        .collect();
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    std::fs::write(dir.join("a/PT1H.json"), damaged).unwrap();
    std::fs::write(dir.join("b/PT1H.json"), without).unwrap();
    let count = |sub: &str| {
        let logs = dir.join(sub);
        nta_count(logs.to_str().unwrap())
    };
    let (damaged, truth) = (count("a"), count("b"));
    assert_eq!(damaged.code, Some(0), "{}", damaged.stderr);
    assert_eq!(damaged.stdout, truth.stdout);
    assert_ne!(damaged.stdout, "Count\r\n0\r\n");
    assert_stderr_has(&damaged, &["record 2: not valid JSON", "1 record skipped"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_of_range_values_are_reported_and_nulled() {
    let dir = scratch("ranges");
    let aws = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags\n\
        3 999 eni-1 1.2.3.4 10.0.0.1 70000 80 6 5 260 1596470553 1596470610 ACCEPT OK 2\n\
        3 999 eni-1 1.2.3.4 10.0.0.1 1000 80 999 5 -1 1596470553 1596470610 ACCEPT OK 2\n\
        3 999 eni-1 1.2.3.4 10.0.0.1 1000 80 6 5 1 - 1596470610 ACCEPT OK 2\n\
        3 999 eni-1 1.2.3.4 10.0.0.1 1000 80 6 5 1 999999999999 1596470610 ACCEPT OK 2\n";
    std::fs::write(dir.join("flows.log"), aws).unwrap();
    let logs = dir.to_str().unwrap();
    let query = "AWSVPCFlow | summarize n = count(), ports = countif(isnull(SrcPort)), \
                 protocols = countif(isnull(Protocol)), bytes = countif(isnull(Bytes)), \
                 latest = max(TimeGenerated)";
    let out = kqlite(&["query", query, "--logs", logs, "--format", "csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout, "n,ports,protocols,bytes,latest\r\n4,1,1,1,2020-08-03T16:03:30Z\r\n",
        "{}",
        out.stderr
    );
    for expected in [
        ":2: `srcport` is not a port (0 to 65535): `70000`; the value is left null",
        ":3: `protocol` is not a protocol number (0 to 255): `999`",
        ":3: `bytes` is negative: `-1`",
        ":5: `start` is not a time from year 1 to 9999: `999999999999`",
    ] {
        assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
    }
    let out = kqlite(&[
        "query",
        "NTANetAnalytics | count",
        "--logs",
        logs,
        "--nta-from",
        "aws",
        "--interval",
        "0",
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_stderr_has(&out, &[":4: a record without `start`"]);

    // A VNet tuple after year 9999 is reported, and `--now latest` does not move there.
    let good = std::fs::read_to_string(repo_root().join(GOOD_VNET)).unwrap();
    let far = good.replacen("\"1715245232859,", "\"253402300800000,", 1);
    std::fs::write(dir.join("flows.log"), "").unwrap();
    std::fs::write(dir.join("PT1H.json"), far).unwrap();
    let out = kqlite(&[
        "query",
        "NTANetAnalytics | summarize max(FlowEndTime)",
        "--logs",
        logs,
        "--interval",
        "0",
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("2024-05-09"), "{}", out.stdout);
    assert_stderr_has(&out, &["after year 9999"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_firewall_record_with_a_redacted_port_is_kept_with_a_warning() {
    let dir = scratch("azfw");
    let record = |port: &str| {
        format!(
            "{{\"category\":\"AZFWNetworkRule\",\"time\":\"2023-09-06T14:22:44Z\",\
             \"resourceId\":\"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW\",\
             \"properties\":{{\"Protocol\":\"UDP\",\"SourceIp\":\"10.13.1.4\",\"SourcePort\":52555,\
             \"DestinationIp\":\"23.72.254.146\",\"DestinationPort\":{port},\"Action\":\"Deny\"}}}}"
        )
    };
    let text = format!(
        "{{\"records\":[{},{}]}}",
        record("443"),
        record("\"<redacted>\"")
    );
    std::fs::write(dir.join("PT1H.json"), text).unwrap();
    let out = kqlite(&[
        "query",
        "AZFWNetworkRule | summarize n = count(), nulls = countif(isnull(DestinationPort))",
        "--logs",
        dir.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "n,nulls\r\n2,1\r\n");
    assert!(
        out.stderr
            .contains("property `DestinationPort`: \"<redacted>\" is not a int; left null"),
        "{}",
        out.stderr
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_regression_input_ends_cleanly() {
    let root = repo_root().join("tests/regressions");
    let files = |sub: &str| {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths
    };
    for query in files("query") {
        let text = std::fs::read_to_string(&query).unwrap();
        let started = std::time::Instant::now();
        let out = query_stdin(&text);
        let name = query.display();
        assert!(
            matches!(out.code, Some(0 | 2 | 3)),
            "{name}: {:?} {}",
            out.code,
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
        assert!(started.elapsed() < LIMIT, "{name}");
    }
    for log in files("logs") {
        let out = kqlite(&["tables", "--logs", log.to_str().unwrap()]);
        let name = log.display();
        assert!(
            matches!(out.code, Some(0 | 3)),
            "{name}: {:?} {}",
            out.code,
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
    }
}

#[test]
fn a_second_json_document_is_reported() {
    let dir = scratch("two-documents");
    let good = std::fs::read_to_string(repo_root().join(GOOD_VNET)).unwrap();
    std::fs::write(dir.join("PT1H.json"), format!("{good}\n{good}")).unwrap();
    let out = nta_count(dir.to_str().unwrap());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n331\r\n");
    assert_stderr_has(
        &out,
        &["a second JSON document follows the first; it is not read"],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn duplicate_and_empty_csv_header_names_keep_their_columns() {
    let dir = scratch("csv-header");
    let csv = dir.join("T.csv");
    std::fs::write(&csv, "Port,,Port,Name\n1,2,3,a\n").unwrap();
    let out = kqlite(&[
        "query",
        "T",
        "--logs",
        csv.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Port,Column2,Port1,Name\r\n1,2,3,a\r\n");
    assert_stderr_has(
        &out,
        &[
            "column 2: the header has no name; the column is called `Column2`",
            "column 3: the header repeats a name; the column is called `Port1`",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn firewall_records_without_resource_id_are_read() {
    let dir = scratch("azfw-no-id");
    let record = "{\"category\":\"AZFWNetworkRule\",\"time\":\"2023-09-06T14:22:44Z\",\
        \"properties\":{\"Protocol\":\"UDP\",\"SourceIp\":\"10.13.1.4\",\"SourcePort\":52555,\
        \"DestinationIp\":\"23.72.254.146\",\"DestinationPort\":443,\"Action\":\"Deny\"}}";
    let records = [record; 11].join(",");
    std::fs::write(
        dir.join("PT1H.json"),
        format!("{{\"records\":[{records}]}}"),
    )
    .unwrap();
    let out = kqlite(&[
        "query",
        "AZFWNetworkRule | count",
        "--logs",
        dir.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n11\r\n", "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `query` with `extra` flags, the query as an argument, CSV out.
fn query_with(query: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["query", query, "--format", "csv"];
    args.extend_from_slice(extra);
    kqlite(&args)
}

#[test]
fn doubling_lets_and_functions_are_refused_while_binding() {
    let root = repo_root().join("tests/regressions/query");
    for (file, name) in [
        // A shared `let` is refused at the use whose plan, as a tree, passes the bound.
        ("doubling-let-30.kql", "`a17`"),
        ("doubling-function-30.kql", "`f"),
    ] {
        let started = std::time::Instant::now();
        let out = query_stdin(&std::fs::read_to_string(root.join(file)).unwrap());
        assert_eq!(out.code, Some(2), "{file}: {}", out.stderr);
        assert!(
            error_line(&out).starts_with("error: the query's plan grows past 200000 operators"),
            "{file}: {}",
            out.stderr
        );
        assert_stderr_has(&out, &[&format!("each use of {name}")]);
        assert!(started.elapsed() < Duration::from_secs(20), "{file}");
    }
}

#[test]
fn a_cartesian_join_stops_at_the_memory_limit() {
    // 60 M pairs of rows when hashed on the smaller side: well past 128 MiB.
    let query = "range x from 1 to 1000 step 1 | extend k = 1 \
                 | join kind=inner (range y from 1 to 60000 step 1 | extend k = 1) on k | count";
    let out = query_with(query, &["--max-memory", "128MiB"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        error_line(&out)
            .starts_with("error: the query needed more memory than the limit of 128.0 MiB"),
        "{}",
        out.stderr
    );
    assert_stderr_has(&out, &["--max-memory"]);
    // The same join under the default limit (a share of the machine's memory) gives its count.
    let small = query.replace("60000", "600");
    let out = query_with(&small, &[]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "Count\r\n600000\r\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn long_queries_stop_at_the_timeout() {
    // A join whose larger left side streams 1.2 G rows through the right's hash, and chained
    // mv-expands that make 400 M rows from one: neither holds much memory, both run long.
    for query in [
        "range x from 1 to 400000 step 1 | extend k = 1 \
         | join kind=inner (range y from 1 to 3000 step 1 | extend k = 1) on k | count",
        "range x from 1 to 20000 step 1 | summarize a = make_list(x) \
         | mv-expand x = a | mv-expand y = a | count",
        // A table plugin's input runs under the budget like any operator's (it once ran while
        // binding, past the limit); pivot also reads it once while binding, to learn its columns.
        "range x from 1 to 100000000 step 1 | where tostring(x) matches regex '^9+$' \
         | evaluate narrow()",
        "range x from 1 to 100000000 step 1 | where tostring(x) matches regex '^9+$' \
         | evaluate pivot(x)",
    ] {
        let started = std::time::Instant::now();
        let out = query_with(query, &["--timeout", "2s"]);
        assert_eq!(out.code, Some(2), "{query}: {}", out.stderr);
        assert_stderr_has(
            &out,
            &[
                "error: the query ran longer than its time limit of 2s",
                "--timeout",
            ],
        );
        assert!(started.elapsed() < Duration::from_secs(15), "{query}");
    }
    // A check past its time limit is a query error (exit 2), reported like one.
    let dir = scratch("timeout-check");
    let check = dir.join("slow.kql");
    std::fs::write(
        &check,
        "range x from 1 to 100000000 step 1 | where tostring(x) matches regex '^9+$'\n",
    )
    .unwrap();
    let out = kqlite(&["check", check.to_str().unwrap(), "--timeout", "1s"]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("the query ran longer than its time limit of 1s"),
        "{}",
        out.stdout
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn limit_flags_reject_values_they_cannot_read() {
    for (flag, value, expected) in [
        ("--timeout", "soon", "expected a duration such as 30s"),
        ("--timeout", "0s", "must be more than zero"),
        ("--max-memory", "lots", "expected a size such as 2GB"),
    ] {
        let out = query_with("print 1", &[flag, value]);
        assert_eq!(out.code, Some(2), "{flag} {value}: {}", out.stderr);
        assert_stderr_has(&out, &[expected]);
    }
}

/// `--now latest` taken from one file far after the rest moves every `ago()` window there:
/// kqlite warns and names the file, for a lone blob a month after the others and for a tuple
/// later than its blob's hour allows.
#[test]
fn now_latest_from_one_outlier_file_is_warned_of() {
    let dir = scratch("latest-outlier");
    let good = std::fs::read_to_string(repo_root().join(GOOD_VNET)).unwrap();
    let blob = |day: &str, text: &str| {
        let folder = dir.join(format!(
            "flowLogResourceID=/SUBSCRIPTIONS/S/RESOURCEGROUPS/R/PROVIDERS/MICROSOFT.NETWORK/\
             NETWORKWATCHERS/N/FLOWLOGS/F/y=2024/m={day}/h=09/m=00/macAddress=000D3A5210AA"
        ));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("PT1H.json"), text).unwrap();
    };
    blob("05/d=09", &good);
    let logs = dir.to_str().unwrap();
    let query = "NTANetAnalytics | where FlowStartTime > ago(1d) | count";
    let latest = |extra: &[&str]| {
        let mut args = vec!["query", query, "--logs", logs, "--now", "latest"];
        args.extend(extra);
        kqlite(&args)
    };
    let out = latest(&[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!out.stderr.contains("--now latest"), "{}", out.stderr);

    // The same NIC's blob 42 days later (its tuples moved by as much): a lone outlier.
    blob("06/d=20", &good.replace("\"171524", "\"171887"));
    let out = latest(&[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_stderr_has(
        &out,
        &[
            "m=06/d=20/h=09/m=00/macAddress=000D3A5210AA/PT1H.json",
            "`--now latest` resolves to 2024-06-20T",
            "from this one file, 42 days after any other blob",
        ],
    );
    // A pinned `now` asks nothing of the files.
    let out = kqlite(&["query", query, "--logs", logs, "--now", "2024-05-10"]);
    assert!(!out.stderr.contains("--now latest"), "{}", out.stderr);

    // A tuple years after its blob's hour.
    std::fs::remove_dir_all(&dir).unwrap();
    blob(
        "05/d=09",
        &good.replacen("\"1715245232859,", "\"1893456000000,", 1),
    );
    let out = latest(&[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_stderr_has(
        &out,
        &[
            "`--now latest` resolves to 2030-01-01T00:00:00",
            "later than the newest blob hour (2024-05-09T09:00:00",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_binds_a_plugin_without_reading_its_input() {
    // A table plugin runs when the query runs, not while it is bound: `validate` of a plugin
    // over a file it may not read still binds (nothing is read), where `query` refuses the file.
    let dir = scratch("validate-plugin");
    let query = dir.join("narrow.kql");
    std::fs::write(
        &query,
        "externaldata (a:string, b:long) [@\"flows/missing.csv\"]\n| evaluate narrow()\n",
    )
    .unwrap();
    let out = kqlite_in(&dir, &["validate", "narrow.kql"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 valid, 0 invalid"), "{}", out.stdout);
    let out = kqlite_in(&dir, &["query", "-f", "narrow.kql"]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert_stderr_has(&out, &["externaldata reads only regular files"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_long_let_chain_binds_and_runs() {
    // Each `let` uses the one before: the plan shares it instead of copying it per use, so a
    // 400-line chain binds (it once took gigabytes); the answer is the chain's last column.
    let mut query = String::from("let t0 = range x from 1 to 3 step 1;\n");
    for i in 1..=400 {
        query.push_str(&format!("let t{i} = t{} | extend c{i} = x + {i};\n", i - 1));
    }
    query.push_str("t400 | summarize sum(c400)");
    let out = query_stdin(&query);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("1206"), "{}", out.stdout);
}

/// The number of MiB in "the process held N MiB when it was stopped".
fn held_mib(out: &Outcome) -> f64 {
    let line = error_line(out);
    let held = line
        .split("the process held ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<f64>().ok());
    held.unwrap_or_else(|| panic!("no held size in {line}"))
}

#[test]
fn table_plugin_kernels_stop_partway_at_the_limits() {
    // Inputs that take no time, kernels that take minutes: each window of rolling_percentile
    // gathers up to 30,000 bins, and active_users_count looks back over every appearance of
    // the one id. The kernel asks the query's budget as it goes, so `--timeout` stops it.
    for query in [
        "range i from 1 to 30000 step 1 \
         | evaluate rolling_percentile(i, 50, i, 1, 30000) | count",
        "range i from 1 to 40000 step 1 | extend Id = 'one', T = datetime(2024-01-01) + i * 1s \
         | evaluate active_users_count(Id, T, datetime(2024-01-01), datetime(2024-01-02), \
           1d, 1s, 2, 1h) | count",
    ] {
        let started = std::time::Instant::now();
        let out = query_with(query, &["--timeout", "2s"]);
        assert_eq!(out.code, Some(2), "{query}: {}", out.stderr);
        assert!(
            error_line(&out).starts_with("error: the query ran longer than its time limit of 2s"),
            "{query}: {}",
            out.stderr
        );
        // The stop is the query's, as any operator's: no caret under the plugin call.
        assert!(!out.stderr.contains('^'), "{}", out.stderr);
        assert!(started.elapsed() < Duration::from_secs(10), "{query}");
    }
    // narrow() of 2 M rows makes 6 M: about 900 MiB when it runs to the end. Under a 400 MiB
    // cap it stops partway, holding far less than the whole output (before kernels asked the
    // budget, the check after the kernel saw it all).
    let query = "range x from 1 to 2000000 step 1 | extend a = strcat('row ', x), b = x * 2 \
                 | evaluate narrow() | count";
    let out = query_with(query, &["--max-memory", "400MiB"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        error_line(&out)
            .starts_with("error: the query needed more memory than the limit of 400.0 MiB"),
        "{}",
        out.stderr
    );
    assert!(held_mib(&out) < 700.0, "{}", out.stderr);
}

#[test]
fn a_pivot_probe_and_its_run_share_one_deadline() {
    // pivot reads its input once while binding (to learn its columns) and again when the query
    // runs. The time limit counts from when binding began, so a slow input stops at about the
    // limit once, not the limit twice (3 s for the probe, then 3 s more for the run).
    let query = "range x from 1 to 100000000 step 1 | where tostring(x) matches regex '^9+$' \
                 | evaluate pivot(x)";
    let started = std::time::Instant::now();
    let out = query_with(query, &["--timeout", "3s"]);
    let took = started.elapsed();
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        error_line(&out).starts_with("error: the query ran longer than its time limit of 3s"),
        "{}",
        out.stderr
    );
    assert!(took < Duration::from_millis(5500), "{took:?}");
}

#[test]
fn json_lines_rows_that_each_add_a_key_cost_what_they_hold() {
    // 10,000 rows, row i holding only `ki`: 10,000 columns. Laid out whole that is 100 M cells
    // (1.6 GB); kept as its present cells it fits a 200 MiB cap, with the same answers.
    let dir = scratch("wide-jsonl");
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!("{{\"k{i}\": {i}}}\n"));
    }
    let file = dir.join("wide.jsonl");
    std::fs::write(&file, text).unwrap();
    let logs = file.to_str().unwrap();
    let started = std::time::Instant::now();
    let out = query_with(
        "wide | summarize count(), countif(isnotnull(k1)), sum(k1), countif(isnotempty(k9999))",
        &["--logs", logs, "--max-memory", "200MiB"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // k9999 first appears past the rows types are inferred from: a string column.
    assert_eq!(
        out.stdout, "count_,countif_,sum_k1,countif_1\r\n10000,1,1,1\r\n",
        "{}",
        out.stderr
    );
    let out = query_with(
        "wide | where isnotempty(k5000) | project k4999, k5000, k5001",
        &["--logs", logs, "--max-memory", "200MiB"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "k4999,k5000,k5001\r\n,5000,\r\n");
    assert!(started.elapsed() < Duration::from_secs(20));
    std::fs::remove_dir_all(&dir).unwrap();
}
