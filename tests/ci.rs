//! `kqlite check`, `validate` and `export` as CI runs them: the binary is spawned, and its exit
//! codes, reports (text, JUnit XML, GitHub annotations) and files are checked. The example
//! checks in `examples/ci/` and the commands of the example workflow run here too.

mod common;

use common::{parse_csv, repo_root, run_kqlite, Outcome};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `--now` for the sample logs, which end on 2024-05-09.
const NOW: &str = "2024-05-10T00:00:00Z";

fn kqlite(args: &[&str]) -> Outcome {
    run_kqlite(args, &repo_root(), "", Duration::from_secs(60))
}

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kqlite-ci-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn status_line<'a>(out: &'a Outcome, name: &str) -> &'a str {
    out.stdout
        .lines()
        .find(|l| l.ends_with(')') && l.contains(&format!(" {name} (")))
        .unwrap_or_else(|| panic!("no line for {name}:\n{}", out.stdout))
}

#[test]
fn the_example_checks_pass_over_the_sample_logs() {
    let out = kqlite(&[
        "check",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "examples/ci/checks",
    ]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with(&format!("now: {NOW}\n")),
        "{}",
        out.stdout
    );
    let checks = std::fs::read_dir(repo_root().join("examples/ci/checks"))
        .unwrap()
        .count();
    assert!(checks >= 6);
    assert!(
        out.stdout.ends_with(&format!(
            "{checks} checks: {checks} passed, 0 failed, 0 errors\n"
        )),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
}

#[test]
fn a_broken_check_fails_with_exit_code_1_and_a_readable_report() {
    let out = kqlite(&[
        "check",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "tests/checks/failing",
    ]);
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    let expected_start = "\
now: 2024-05-10T00:00:00Z
FAIL  [high]          No denied inbound SSH from the internet (12 rows, expected empty, ";
    assert!(out.stdout.starts_with(expected_start), "{}", out.stdout);
    let expected_rows = "
    at tests/checks/failing/denied-ssh-must-not-happen.kql:2
    FlowStartTime             DestIp     DestPort  DeniedInFlows  AclRule
    ------------------------  ---------  --------  -------------  --------------------------
    2024-05-09T08:03:22.1Z    10.12.1.4        22              6  DefaultRule_DenyAllInBound
";
    assert!(out.stdout.contains(expected_rows), "{}", out.stdout);
    assert!(out.stdout.contains("    … 2 more rows\n"), "{}", out.stdout);
    assert!(out
        .stdout
        .ends_with("1 check: 0 passed, 1 failed, 0 errors\n"));
}

#[test]
fn every_expect_form_passes_and_fails_on_row_counts() {
    let dir = scratch("expect");
    // `range` makes three rows without any logs.
    let forms = [
        ("empty", "pass-empty", 0, true),
        ("empty", "fail-empty", 3, false),
        ("nonempty", "pass-nonempty", 3, true),
        ("nonempty", "fail-nonempty", 0, false),
        ("rows == 3", "pass-eq", 3, true),
        ("rows == 2", "fail-eq", 3, false),
        ("rows >= 3", "pass-ge", 3, true),
        ("rows >= 4", "fail-ge", 3, false),
        ("rows <= 3", "pass-le", 3, true),
        ("rows <= 2", "fail-le", 3, false),
    ];
    for (expect, name, rows, _) in forms {
        let query = if rows == 0 {
            "range x from 1 to 3 step 1 | where x > 10".to_string()
        } else {
            format!("range x from 1 to {rows} step 1")
        };
        write(
            &dir,
            &format!("{name}.kql"),
            &format!("// name: {name}\n// expect: {expect}\n{query}\n"),
        );
    }
    let out = kqlite(&["check", "--now", NOW, dir.to_str().unwrap()]);
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    for (expect, name, rows, passes) in forms {
        let line = status_line(&out, name);
        let rows_text = if rows == 1 {
            "1 row".to_string()
        } else {
            format!("{rows} rows")
        };
        if passes {
            assert!(line.starts_with("PASS"), "{line}");
            assert!(line.contains(&format!("({rows_text}, ")), "{line}");
        } else {
            assert!(line.starts_with("FAIL"), "{line}");
            assert!(
                line.contains(&format!("({rows_text}, expected {expect}, ")),
                "{line}"
            );
        }
    }
    assert!(out
        .stdout
        .ends_with("10 checks: 5 passed, 5 failed, 0 errors\n"));
}

#[test]
fn exit_codes_0_1_2_3_and_the_highest_wins() {
    let dir = scratch("exit-codes");
    let pass = write(&dir, "pass.kql", "print x = 1 | where x > 1\n");
    let fail = write(&dir, "fail.kql", "// name: fails\nprint x = 1\n");
    let broken = write(
        &dir,
        "broken.kql",
        "// name: broken\nprint x = 1\n| where y > 1\n",
    );
    let bad_header = write(&dir, "header.kql", "// expect: lots\nprint x = 1\n");
    let code = |args: &[&str]| {
        let out = kqlite(args);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        (out.code, out.stdout)
    };
    assert_eq!(code(&["check", "--now", NOW, &pass]).0, Some(0));
    assert_eq!(code(&["check", "--now", NOW, &pass, &fail]).0, Some(1));
    let (exit, stdout) = code(&["check", "--now", NOW, &fail, &broken, &pass]);
    assert_eq!(exit, Some(2), "{stdout}");
    assert!(
        stdout.contains("ERROR [high]          broken (query error)"),
        "{stdout}"
    );
    assert!(stdout.contains("unknown column `y`"), "{stdout}");
    assert!(stdout.contains("broken.kql:3:9"), "{stdout}");
    let (exit, stdout) = code(&["check", "--now", NOW, &bad_header]);
    assert_eq!(exit, Some(2));
    assert!(stdout.contains("unknown expectation `lots`"), "{stdout}");

    // Input errors: logs that are not there stop the run; a log that breaks while a check
    // scans it under --strict is that check's error, and 3 beats 1.
    let missing = dir.join("no-such-logs");
    let out = kqlite(&["check", "--logs", missing.to_str().unwrap(), &pass]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let sample = find_file(&repo_root().join("examples/logs/insights-logs-flowlogflowevent"));
    let bytes = std::fs::read(sample).unwrap();
    std::fs::write(logs.join("PT1H.json"), &bytes[..bytes.len() / 2]).unwrap();
    let scans = write(&dir, "scans.kql", "NTANetAnalytics | take 1\n");
    let logs = logs.to_str().unwrap();
    let out = kqlite(&[
        "check", "--strict", "--logs", logs, "--now", NOW, &scans, &fail,
    ]);
    assert_eq!(out.code, Some(3), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("(input error)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("FAIL  [high]          fails"),
        "{}",
        out.stdout
    );
    // Without --strict the broken record is a warning and the check runs on the rest.
    let out = kqlite(&["check", "--logs", logs, "--now", NOW, &scans]);
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("warning: "), "{}", out.stderr);
}

fn find_file(dir: &Path) -> PathBuf {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let first = entries.into_iter().next().unwrap();
    if first.is_dir() {
        find_file(&first)
    } else {
        first
    }
}

#[test]
fn fail_on_lets_low_severity_failures_pass_but_still_reports_them() {
    let dir = scratch("fail-on");
    let low = write(
        &dir,
        "low.kql",
        "// name: minor\n// severity: low\nprint x = 1\n",
    );
    let medium = write(
        &dir,
        "medium.kql",
        "// name: major\n// severity: medium\nprint x = 1\n",
    );
    let out = kqlite(&["check", "--now", NOW, "--fail-on", "medium", &low]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert!(out
        .stdout
        .contains("FAIL  [low]           minor (1 row, expected empty, "));
    assert!(
        out.stdout.contains("; below --fail-on medium)"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("(1 failed below --fail-on medium, not counted)"));
    let out = kqlite(&["check", "--now", NOW, "--fail-on", "medium", &low, &medium]);
    assert_eq!(out.code, Some(1));
    let out = kqlite(&["check", "--now", NOW, "--fail-on", "low", &low]);
    assert_eq!(out.code, Some(1));
    let out = kqlite(&["check", "--now", NOW, "--fail-on", "urgent", &low]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("unknown severity `urgent`"),
        "{}",
        out.stderr
    );
}

#[test]
fn junit_reports_have_the_junit_shape() {
    let dir = scratch("junit");
    let checks = dir.join("checks");
    std::fs::create_dir_all(&checks).unwrap();
    write(
        &checks,
        "a-pass.kql",
        "// name: quiet <ok> & \"fine\"\nprint x = 1 | where x > 1\n",
    );
    write(
        &checks,
        "b-fail.kql",
        "// name: loud\n// severity: medium\nprint x = '<&>'\n",
    );
    write(
        &checks,
        "c-low.kql",
        "// name: minor\n// severity: low\nprint x = 1\n",
    );
    write(
        &checks,
        "d-broken.kql",
        "// name: broken\nprint x = 1 | where y > 0\n",
    );
    let report = dir.join("report.xml");
    let out = kqlite(&[
        "check",
        "--now",
        NOW,
        "--fail-on",
        "medium",
        "--junit",
        report.to_str().unwrap(),
        checks.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the report is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.tag_name().name(), "testsuite");
    for (attribute, value) in [
        ("name", "kqlite check"),
        ("tests", "4"),
        ("failures", "1"),
        ("errors", "1"),
        ("skipped", "1"),
    ] {
        assert_eq!(
            suite.attribute(attribute),
            Some(value),
            "{attribute}: {xml}"
        );
    }
    assert!(suite.attribute("time").unwrap().parse::<f64>().is_ok());
    let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
    assert!(cases.iter().all(|c| c.tag_name().name() == "testcase"));
    let names: Vec<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(names, ["quiet <ok> & \"fine\"", "loud", "minor", "broken"]);
    for case in &cases {
        assert!(case
            .attribute("classname")
            .unwrap()
            .starts_with("kqlite.check."));
        assert!(case.attribute("time").unwrap().parse::<f64>().is_ok());
    }
    let child = |i: usize| {
        cases[i]
            .children()
            .find(|n| n.is_element())
            .map(|n| (n.tag_name().name().to_string(), n))
    };
    assert!(child(0).is_none());
    let (tag, failure) = child(1).unwrap();
    assert_eq!(tag, "failure");
    assert_eq!(failure.attribute("message"), Some("1 row, expected empty"));
    assert_eq!(failure.attribute("type"), Some("medium"));
    assert!(failure.text().unwrap().contains("<&>"));
    assert_eq!(child(2).unwrap().0, "skipped");
    let (tag, error) = child(3).unwrap();
    assert_eq!(tag, "error");
    assert_eq!(error.attribute("type"), Some("query error"));
    assert!(error.text().unwrap().contains("unknown column `y`"));

    // validate writes the same shape.
    let out = kqlite(&[
        "validate",
        "--junit",
        report.to_str().unwrap(),
        checks.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(2));
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc.root_element().first_element_child().unwrap();
    assert_eq!(suite.attribute("name"), Some("kqlite validate"));
    assert_eq!(suite.attribute("tests"), Some("4"));
    assert_eq!(suite.attribute("errors"), Some("1"));
}

#[test]
fn github_annotations_point_at_the_check_file() {
    let dir = scratch("github");
    let high = write(
        &dir,
        "high.kql",
        "// name: loud\n// expect: empty\nprint x = 1\n",
    );
    let low = write(
        &dir,
        "low.kql",
        "// name: minor\n// severity: informational\nprint x = 1\n",
    );
    let broken = write(&dir, "broken.kql", "print x = 1\n| where y > 0\n");
    let pass = write(&dir, "pass.kql", "print x = 1 | where x == 2\n");
    let out = kqlite(&[
        "check", "--now", NOW, "--github", &high, &low, &broken, &pass,
    ]);
    assert_eq!(out.code, Some(2));
    let annotations: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 3, "{}", out.stdout);
    assert!(
        annotations[0].starts_with(&format!(
            "::error file={high},line=2,col=1,title=loud (high)::1 row, expected empty%0Ax%0A-%0A1"
        )),
        "{}",
        annotations[0]
    );
    assert!(
        annotations[1].starts_with(&format!(
            "::warning file={low},line=3,col=1,title=minor (informational)::1 row, expected empty"
        )),
        "{}",
        annotations[1]
    );
    assert!(annotations[2].starts_with(&format!(
        "::error file={broken},line=2,col=9,title=broken%3A query error::error: unknown column `y`%0A"
    )), "{}", annotations[2]);
}

#[test]
fn validate_accepts_good_queries_and_explains_bad_ones() {
    let dir = scratch("validate");
    let good = write(
        &dir,
        "good.kql",
        "NTANetAnalytics\n| where FlowStartTime > ago(1d) and DestPort == 22\n| summarize count() by SrcIp\n",
    );
    let typo = write(
        &dir,
        "typo.kql",
        "NTANetAnalytics\n| where destport == 22\n",
    );
    let syntax = write(
        &dir,
        "syntax.kql",
        "NTANetAnalytics | where (DestPort == 22\n",
    );
    let custom = write(
        &dir,
        "custom.kql",
        "MyFlows_CL | summarize sum(Bytes_d) by Src_s\n",
    );
    let schema = write(
        &dir,
        "MyFlows_CL.csv",
        "column,type\nSrc_s,string\nBytes_d,real\n",
    );

    let out = kqlite(&["validate", &good, "examples/ci/checks"]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with(&format!("OK    {good}\n")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with(" valid, 0 invalid\n"));

    let out = kqlite(&["validate", &good, &typo, &syntax, &custom]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stdout
            .contains(&format!("ERROR {typo}:2:9: unknown column `destport`\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("      |         ^^^^^^^^\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("did you mean `DestPort`?"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("ERROR {syntax}:2:1: expected `)`")),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains(&format!("ERROR {custom}:1:1: unknown table `MyFlows_CL`")));
    assert!(
        out.stdout.ends_with("1 valid, 3 invalid\n"),
        "{}",
        out.stdout
    );

    let out = kqlite(&["validate", "--schema", &schema, &custom]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);

    // A table found under --logs is known too (a table file, named by its stem).
    let table = write(&dir, "Inventory.csv", "Host,Owner\nweb1,ops\n");
    let uses = write(&dir, "uses.kql", "Inventory | where Owner == 'ops'\n");
    assert_eq!(kqlite(&["validate", &uses]).code, Some(2));
    assert_eq!(kqlite(&["validate", "--logs", &table, &uses]).code, Some(0));
}

#[test]
fn now_latest_is_the_end_of_the_data() {
    let query = "NTANetAnalytics | where FlowEndTime > ago(1h) | summarize max(FlowEndTime)";
    let pinned = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "--now",
        "2024-05-09T11:00:00Z",
        "--format",
        "csv",
        query,
    ]);
    let latest = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "--now",
        "latest",
        "--format",
        "csv",
        query,
    ]);
    assert_eq!(latest.code, Some(0), "{}", latest.stderr);
    assert_eq!(latest.stdout, pinned.stdout);
    assert_eq!(
        latest.stdout,
        "max_FlowEndTime\r\n2024-05-09T10:59:59.999Z\r\n"
    );
    assert!(latest
        .stderr
        .contains("now() is 2024-05-09T10:59:59.999Z (latest event in NTANetAnalytics)"));

    // KQLITE_NOW does the same when --now is not given; check says which now each check used.
    let dir = scratch("latest");
    let check = write(
        &dir,
        "recent.kql",
        "// name: recent\n// expect: rows == 0\nNTANetAnalytics | where FlowEndTime > now()\n",
    );
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kqlite"));
    command
        .args(["check", "--logs", "examples/logs", &check])
        .current_dir(repo_root())
        .env("KQLITE_NOW", "latest");
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with(
            "now: latest = 2024-05-09T10:59:59.999Z (latest event in NTANetAnalytics)\n"
        ),
        "{stdout}"
    );
    let out = kqlite(&["check", "--now", "yesterday", &check]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("RFC 3339"), "{}", out.stderr);
}

#[test]
fn query_parameters_given_defaulted_missing_and_mistyped() {
    let query = "declare query_parameters(port:long, proto:string = 'T');\n\
                 NTANetAnalytics | where DestPort == port and L4Protocol == proto | count";
    let run = |params: &[&str]| {
        let mut args = vec!["query", "--logs", "examples/logs", "--format", "csv", query];
        for p in params {
            args.extend(["--param", p]);
        }
        kqlite(&args)
    };
    let given = run(&["port=22"]);
    assert_eq!(given.code, Some(0), "{}", given.stderr);
    let expected = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "--format",
        "csv",
        "NTANetAnalytics | where DestPort == 22 and L4Protocol == 'T' | count",
    ]);
    assert_eq!(given.stdout, expected.stdout);
    assert_eq!(given.stdout, "Count\r\n12\r\n");
    let udp = run(&["port=22", "proto=U"]);
    assert_eq!(udp.stdout, "Count\r\n0\r\n");

    let missing = run(&[]);
    assert_eq!(missing.code, Some(2));
    assert!(
        missing
            .stderr
            .contains("query parameter `port` has no value"),
        "{}",
        missing.stderr
    );
    assert!(missing.stderr.contains("--param"), "{}", missing.stderr);
    let mistyped = run(&["port=ssh"]);
    assert_eq!(mistyped.code, Some(2));
    assert!(
        mistyped
            .stderr
            .contains("error: --param port: `ssh` is not a long (e.g. 42)"),
        "{}",
        mistyped.stderr
    );
    assert!(mistyped
        .stderr
        .contains("1 | declare query_parameters(port:long"));
    let malformed = run(&["port"]);
    assert_eq!(malformed.code, Some(2));
    assert!(
        malformed.stderr.contains("NAME=VALUE"),
        "{}",
        malformed.stderr
    );

    // The same in check: the example allowlist check fails once the allowlist shrinks.
    let check = "examples/ci/checks/outbound-internet-allowlist.kql";
    let defaulted = kqlite(&["check", "--logs", "examples/logs", "--now", NOW, check]);
    assert_eq!(defaulted.code, Some(0), "{}", defaulted.stdout);
    let narrowed = kqlite(&[
        "check",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "--param",
        "approved=[\"168.63.129.16\"]",
        check,
    ]);
    assert_eq!(narrowed.code, Some(1), "{}", narrowed.stdout);
    assert!(
        narrowed.stdout.contains("104.16.218.84"),
        "{}",
        narrowed.stdout
    );
}

#[test]
fn an_exported_table_loads_back_with_the_same_answers() {
    let dir = scratch("export");
    let csv = dir.join("NTANetAnalytics.csv");
    let out = kqlite(&[
        "export",
        "--logs",
        "examples/logs",
        "--table",
        "NTANetAnalytics",
        "--format",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let records = parse_csv(&std::fs::read_to_string(&csv).unwrap()).unwrap();
    assert_eq!(records[0][0], "AclGroup");
    assert!(!records[0].iter().any(|c| c.starts_with('_')));
    let queries = [
        "NTANetAnalytics | summarize Flows = count(), Bytes = sum(BytesSrcToDest + BytesDestToSrc), \
         Ports = dcount(DestPort), Last = max(FlowEndTime) by FlowStatus, FlowDirection, MacAddress \
         | sort by MacAddress asc, FlowStatus asc, FlowDirection asc",
        "NTANetAnalytics | where FlowStartTime > ago(1d) and isnotempty(SrcPublicIps) \
         | project FlowStartTime, SrcPublicIps, DestIp, DestPort, FlowType \
         | sort by FlowStartTime asc, DestIp asc, DestPort asc",
        "NTANetAnalytics | sort by FlowStartTime asc, MacAddress asc, SrcIp asc, DestIp asc, \
         DestPort asc, FlowStatus asc, L4Protocol asc",
    ];
    for query in queries {
        let run = |logs: &str| {
            let out = kqlite(&[
                "query", "--logs", logs, "--now", NOW, "--format", "csv", query,
            ]);
            assert_eq!(out.code, Some(0), "{}", out.stderr);
            out.stdout
        };
        let raw = run("examples/logs");
        assert!(raw.lines().count() > 2, "{raw}");
        assert_eq!(run(csv.to_str().unwrap()), raw, "{query}");
    }
    assert_eq!(records.len() - 1, {
        let out = kqlite(&[
            "query",
            "--logs",
            "examples/logs",
            "--format",
            "csv",
            "NTANetAnalytics | count",
        ]);
        out.stdout.lines().nth(1).unwrap().parse::<usize>().unwrap()
    });

    // JSON lines: one object per row, typed values.
    let jsonl = kqlite(&[
        "export",
        "--logs",
        "examples/logs",
        "--table",
        "AZFWThreatIntel",
        "--format",
        "jsonl",
    ]);
    assert_eq!(jsonl.code, Some(0), "{}", jsonl.stderr);
    let row: serde_json::Value =
        serde_json::from_str(jsonl.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(row["Action"], "Deny");
    assert_eq!(row["DestinationPort"], 443);

    let unknown = kqlite(&["export", "--table", "NTANetanalytics"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("did you mean `NTANetAnalytics`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn adx_schema_creates_the_table_with_both_mappings() {
    let out = kqlite(&["export", "--adx-schema", "NTANetAnalytics"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let commands: Vec<&str> = out.stdout.split("\n\n").collect();
    assert_eq!(commands.len(), 3, "{}", out.stdout);
    assert!(
        commands[0].starts_with(".create table NTANetAnalytics (AclGroup:string, AclRule:string, ")
    );
    assert!(commands[0].contains("FlowStartTime:datetime"));
    assert!(commands[0].contains("DestPort:int"));
    assert!(!commands[0].contains("_ResourceId"));
    let export = kqlite(&["export", "--table", "NTANetAnalytics"]);
    let header = export.stdout.lines().next().unwrap().to_string();
    for (command, kind) in commands[1..].iter().zip(["json", "csv"]) {
        let mut lines = command.lines();
        assert_eq!(
            lines.next().unwrap(),
            format!(".create-or-alter table NTANetAnalytics ingestion {kind} mapping 'NTANetAnalytics_{kind}'")
        );
        let joined: String = lines
            .map(|l| l.strip_prefix('\'').unwrap().strip_suffix('\'').unwrap())
            .collect();
        let mapping: Vec<serde_json::Value> = serde_json::from_str(&joined).unwrap();
        let columns: Vec<&str> = mapping
            .iter()
            .map(|m| m["column"].as_str().unwrap())
            .collect();
        // The mapping names the export's columns, in the export's order.
        assert_eq!(columns.join(","), header);
    }
}

#[test]
fn the_example_workflow_runs_as_written() {
    let workflow =
        std::fs::read_to_string(repo_root().join("examples/ci/github-workflow.yml")).unwrap();
    let commands = workflow_kqlite_commands(&workflow);
    assert_eq!(commands.len(), 3, "{commands:?}");
    let dir = scratch("workflow");
    for command in commands {
        let mut args: Vec<String> = command
            .split_whitespace()
            .skip(1)
            .map(String::from)
            .collect();
        // The JUnit report goes to a scratch folder instead of the working directory.
        if let Some(i) = args.iter().position(|a| a == "--junit") {
            args[i + 1] = dir.join("kqlite-checks.xml").display().to_string();
        }
        // So does the traffic report.
        if let Some(i) = args.iter().position(|a| a == "-o") {
            args[i + 1] = dir.join("kqlite-report.html").display().to_string();
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = kqlite(&args);
        assert_eq!(
            out.code,
            Some(0),
            "{command}\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
    let xml = std::fs::read_to_string(dir.join("kqlite-checks.xml")).unwrap();
    roxmltree::Document::parse(&xml).unwrap();
    let page = std::fs::read_to_string(dir.join("kqlite-report.html")).unwrap();
    assert!(page.contains("<h1>Traffic overview</h1>"));
}

/// The `kqlite …` commands of the workflow's `run:` steps (plain and `>-` folded).
fn workflow_kqlite_commands(workflow: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut lines = workflow.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(run) = line.trim_start().strip_prefix("run: ") else {
            continue;
        };
        if run.starts_with("kqlite ") {
            commands.push(run.to_string());
        } else if run == ">-" {
            let mut folded = Vec::new();
            while let Some(next) = lines.peek() {
                let text = next.trim();
                if text.is_empty() || !next.starts_with("          ") {
                    break;
                }
                folded.push(text.to_string());
                lines.next();
            }
            let command = folded.join(" ");
            if command.starts_with("kqlite ") {
                commands.push(command);
            }
        }
    }
    commands
}
