//! The binary as users run it: exit codes, where the query comes from, output formats, help.

mod common;

use common::{repo_root, run_kqlite, Outcome};
use std::time::Duration;

fn kqlite(args: &[&str]) -> Outcome {
    kqlite_with_stdin(args, "")
}

fn kqlite_with_stdin(args: &[&str], stdin: &str) -> Outcome {
    run_kqlite(args, &repo_root(), stdin, Duration::from_secs(30))
}

const FLOWS: &str = "tests/data/Flows.csv";

#[test]
fn help_lists_the_subcommands_and_exits_0() {
    let out = kqlite(&["--help"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for command in ["query", "tables", "schema"] {
        assert!(out.stdout.contains(command), "{}", out.stdout);
    }
    let out = kqlite(&["query", "--help"]);
    assert_eq!(out.code, Some(0));
    for flag in [
        "--logs",
        "--format",
        "--now",
        "--chart",
        "--interval",
        "--nta-from",
        "--strict",
    ] {
        assert!(
            out.stdout.contains(flag),
            "{flag} missing from\n{}",
            out.stdout
        );
    }
}

#[test]
fn a_query_from_the_argument_prints_a_table() {
    let out = kqlite(&["query", "print greeting = 'hello', n = 2"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "greeting  n\n--------  -\nhello     2\n");
}

#[test]
fn a_query_from_stdin_and_from_a_file() {
    let out = kqlite_with_stdin(&["query", "--format", "csv"], "print x = 1 + 1\n");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "x\r\n2\r\n");

    let out = kqlite_with_stdin(&["query", "-f", "-", "--format", "csv"], "print y = 3");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "y\r\n3\r\n");

    let out = kqlite(&[
        "query",
        "-f",
        "tests/cases/table/where-summarize-sort.kql",
        "--logs",
        FLOWS,
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("DestIp,Connections,TotalBytes,AvgBytes,LastSeen\r\n10.2.0.9,2,8000,"),
        "{}",
        out.stdout
    );
}

#[test]
fn every_format() {
    let query = "print s = 'a,b', n = 7, t = datetime(2024-05-09 10:00:00)";
    let csv = kqlite(&["query", query, "--format", "csv"]);
    assert_eq!(
        csv.stdout, "s,n,t\r\n\"a,b\",7,2024-05-09T10:00:00Z\r\n",
        "{}",
        csv.stderr
    );

    let json = kqlite(&["query", query, "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    assert_eq!(
        parsed["tables"][0]["rows"][0],
        serde_json::json!(["a,b", 7, "2024-05-09T10:00:00Z"])
    );
    assert_eq!(
        parsed["tables"][0]["columns"][1],
        serde_json::json!({"name": "n", "type": "long"})
    );

    let jsonl = kqlite(&["query", query, "--format", "jsonl"]);
    assert_eq!(
        jsonl.stdout,
        "{\"s\":\"a,b\",\"n\":7,\"t\":\"2024-05-09T10:00:00Z\"}\n"
    );

    let table = kqlite(&["query", query, "--format", "table"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert_eq!(table.stdout.lines().count(), 3);
}

#[test]
fn now_pins_the_clock() {
    let out = kqlite(&[
        "query",
        "print now(), ago(1d)",
        "--now",
        "2024-05-10T00:00:00Z",
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "print_0,print_1\r\n2024-05-10T00:00:00Z,2024-05-09T00:00:00Z\r\n"
    );
}

#[test]
fn query_errors_exit_2_with_a_caret() {
    let out = kqlite(&["query", "print x = nosuchfunction(1)"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains("--> <query>:1:"), "{}", out.stderr);
    assert!(out.stderr.contains('^'), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["query", "print 1", "--format", "xml"][..],
        &["query", "print 1", "--now", "yesterday"],
        &["query", "print 1", "--interval", "7m"],
        &["query", "-f", "tests/data/no-such-query.kql"],
        &["query", "print 1", "--chart", "out.svg"],
        &["frobnicate"],
        &["schema", "NoSuchTable"],
    ] {
        let out = kqlite(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.is_empty(), "{args:?} printed no error");
    }
    let out = kqlite_with_stdin(&["query"], "  \n");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("empty"), "{}", out.stderr);
}

#[test]
fn input_errors_exit_3() {
    let out = kqlite(&["query", "print 1", "--logs", "tests/data/no-such-file.csv"]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(
        out.stderr.contains("tests/data/no-such-file.csv"),
        "{}",
        out.stderr
    );
    let out = kqlite(&["tables", "--logs", "tests/data/no-such-folder"]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
}

#[test]
fn schema_lists_a_known_tables_columns() {
    let out = kqlite(&["schema", "NTANetAnalytics", "--format", "csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("ColumnName,ColumnType\r\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\r\nSrcPorts,string\r\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\r\nFlowStartTime,datetime\r\n"),
        "{}",
        out.stdout
    );

    let out = kqlite(&["schema", "ntanetanalytics"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("did you mean `NTANetAnalytics`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn tables_lists_table_files_with_row_counts() {
    let out = kqlite(&["tables", "--logs", FLOWS]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Flows"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(row.split_whitespace().nth(1) == Some("10"), "{row}");
}

#[test]
fn a_table_file_can_be_renamed() {
    let out = kqlite(&[
        "query",
        "Traffic | count",
        "--logs",
        &format!("Traffic={FLOWS}"),
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "Count\r\n10\r\n");
}

#[test]
fn render_without_chart_prints_the_table_and_a_hint() {
    let out = kqlite(&[
        "query",
        "print k = 'a', v = 1 | render piechart",
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "k,v\r\na,1\r\n");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("--chart"), "{}", out.stderr);
}

#[test]
fn a_closed_pipe_is_success() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_kqlite"))
        .args([
            "query",
            "range i from 1 to 200000 step 1",
            "--format",
            "csv",
        ])
        .current_dir(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn chart_file_is_written_and_the_table_printed() {
    let dir = std::env::temp_dir().join(format!("kqlite-cli-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("pie.svg");
    let query = "datatable(k:string, v:long)['a', 3, 'b', 1] | render piechart";
    let out = kqlite(&[
        "query",
        query,
        "--format",
        "csv",
        "--chart",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "k,v\r\na,3\r\nb,1\r\n");
    let written = std::fs::read_to_string(&svg).unwrap();
    assert!(
        written.starts_with("<svg"),
        "{}",
        &written[..written.len().min(80)]
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let out = kqlite(&["query", query, "--chart", "-"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.starts_with("<svg") && out.stdout.contains("</svg>"));
    assert!(!out.stdout.contains("k,v"));
}

#[test]
fn chart_errors_exit_2() {
    let negative = "datatable(k:string, v:long)['a', -3] | render piechart";
    let out = kqlite(&["query", negative, "--chart", "-"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let table_only = "print k = 'a' | render table";
    let out = kqlite(&["query", table_only, "--chart", "-"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
}

#[test]
fn bad_input_is_reported_and_skipped_or_fatal_with_strict() {
    let dir = std::env::temp_dir().join(format!("kqlite-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a log\n").unwrap();
    let logs = dir.to_str().unwrap();
    let out = kqlite(&["query", "print 1", "--logs", logs, "--format", "csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "print_0\r\n1\r\n");
    assert!(
        out.stderr.contains("warning: ") && out.stderr.contains("notes.txt"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1 problem in 1 file"), "{}", out.stderr);
    let out = kqlite(&["query", "print 1", "--logs", logs, "--strict"]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A GeoLite-style lookup over an `https` externaldata, as the Azure Firewall workbook writes it.
const GEO_QUERY: &str = r#"let geo = externaldata (network:string, geoname_id:long,
    continent_name:string, country_iso_code:string, is_anonymous_proxy:bool)
    [@"https://example.invalid/geo/geo.csv?sv=2024-01-01&sig=s3cr3t"]
    with (format="csv", ignoreFirstRecord=true);
datatable(ip:string) ["5.8.1.2", "8.8.8.8"]
| evaluate ipv4_lookup(geo, ip, network, return_unmatched = true)
| project ip, country_iso_code"#;

#[test]
fn externaldata_url_without_a_local_copy_is_an_input_error() {
    let out = kqlite(&["query", GEO_QUERY]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let first = out.stderr.lines().next().unwrap_or("");
    assert_eq!(
        first,
        "error: https://example.invalid/geo/geo.csv: kqlite is offline and does not download \
         external data"
    );
    assert!(
        out.stderr.contains(
            "help: download the file and pass --external-data https://example.invalid/geo/geo.csv=PATH"
        ),
        "{}",
        out.stderr
    );
    // The SAS token stays out of the message and the hint; only the quoted query line, the
    // user's own text, shows it.
    let hint = out.stderr.lines().last().unwrap_or("");
    assert!(
        !first.contains("s3cr3t") && !hint.contains("s3cr3t"),
        "{}",
        out.stderr
    );
}

#[test]
fn external_data_flag_reads_the_local_copy() {
    let copy = "https://example.invalid/geo/geo.csv=tests/data/external/geo.csv";
    let out = kqlite(&[
        "query",
        GEO_QUERY,
        "--external-data",
        copy,
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "ip,country_iso_code\r\n5.8.1.2,RU\r\n8.8.8.8,\r\n"
    );

    // A missing local copy is an input error naming the file.
    let missing = "https://example.invalid/geo/geo.csv=tests/data/external/no-such.csv";
    let out = kqlite(&["query", GEO_QUERY, "--external-data", missing]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("tests/data/external/no-such.csv: cannot read"),
        "{}",
        out.stderr
    );

    // The flag needs URL=PATH.
    let out = kqlite(&["query", GEO_QUERY, "--external-data", "geo.csv"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("URL=PATH"), "{}", out.stderr);
}

#[test]
fn externaldata_over_https_validates_and_runs_in_checks() {
    let dir = std::env::temp_dir().join(format!("kqlite-cli-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let check = dir.join("russia.kql");
    std::fs::write(
        &check,
        format!("// name: no traffic to Russia\n// expect: empty\n{GEO_QUERY}\n| where country_iso_code == \"RU\"\n"),
    )
    .unwrap();
    let check = check.to_str().unwrap();

    // Validation binds without reading rows, so the URL needs no copy.
    let out = kqlite(&["validate", check]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);

    let copy = "https://example.invalid/geo/geo.csv=tests/data/external/geo.csv";
    let out = kqlite(&["check", check, "--external-data", copy]);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("FAIL"), "{}", out.stdout);

    // Without the copy the check cannot run: an input error, exit code 3.
    let out = kqlite(&["check", check]);
    assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The README's first command is `cargo run --release -- query …`: with more than one binary in
/// the package, cargo runs it only when the manifest names kqlite as the default.
#[test]
fn the_readme_main_command_runs_kqlite() {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let first = readme
        .lines()
        .find(|l| l.starts_with("cargo "))
        .expect("a command in the README");
    assert!(
        first.starts_with("cargo run --release -- query "),
        "{first}"
    );
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let binaries = std::fs::read_dir(root.join("src/bin")).map_or(0, |d| d.count()) + 1;
    assert!(
        binaries == 1 || manifest.contains("default-run = \"kqlite\""),
        "{binaries} binaries and no default-run = \"kqlite\" in Cargo.toml"
    );
    // And the query it runs is there and reads the sample logs.
    let out = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "--now",
        "2024-05-10T00:00:00Z",
        "-f",
        "examples/queries/er-gateway-pie.kql",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("10.12.2.4"), "{}", out.stdout);
}

#[test]
fn stats_report_rows_per_operator_and_what_the_scan_skipped() {
    let query = "NTANetAnalytics | where FlowStartTime > ago(2h) and MacAddress == \
                 '00-0D-3A-52-10-AA' and DestPort == 443 | count";
    let base = [
        "query",
        "--logs",
        "examples/logs",
        "--now",
        "2024-05-09T12:00:00Z",
        "--format",
        "csv",
    ];
    let plain = kqlite(&[&base[..], &[query]].concat());
    let with_stats = kqlite(&[&base[..], &["--stats", query]].concat());
    assert_eq!(with_stats.code, Some(0), "{}", with_stats.stderr);
    // The answer does not change; the report goes to stderr.
    assert_eq!(with_stats.stdout, plain.stdout);
    assert_eq!(plain.stdout, "Count\r\n1\r\n");
    let report = &with_stats.stderr;
    assert!(report.starts_with("rows per operator:\n"), "{report}");
    assert!(
        report.contains("         1  Summarize Count = count() → Count\n"),
        "{report}"
    );
    assert!(
        report.contains("      Scan NTANetAnalytics pushed ["),
        "{report}"
    );
    // examples/logs holds 32 flow-log files: their hour skips 24, their MAC 7 of the rest.
    assert!(
        report.contains(
            "reader: 1 files read, 24 files skipped by hour, 7 files skipped by MAC, \
             286 tuples skipped by key\n"
        ),
        "{report}"
    );
    assert!(report.contains(" ms reading tables, "), "{report}");
}
