//! `kqlite check` on a query collection (issue 18): a file of several queries separated by
//! blank lines, as the portal keeps a query tab, runs each query as its own check, named by its
//! first comment line or its number, with its own PASS/FAIL line; one failure makes exit 1.

mod common;

use common::{repo_root, run_kqlite};
use std::time::Duration;

const COLLECTION: &str = "// No SSH from outside
// severity: high
NTANetAnalytics | where DestPort == 22 and FlowDirection == 'Inbound' and FlowStatus == 'Allowed'

// severity: low
// expect: nonempty
NTANetAnalytics | take 1

// Denied flows exist
// expect: rows == 0
NTANetAnalytics
| where FlowStatus == 'Denied'
";

#[test]
fn each_query_of_a_collection_is_a_check_of_its_own() {
    let dir = std::env::temp_dir().join(format!("kqlite-collection-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("flows.kql");
    std::fs::write(&file, COLLECTION).unwrap();
    let file = file.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", file, "--logs", "examples/logs", "--now", "latest"];
        args.extend(extra);
        run_kqlite(&args, &repo_root(), "", Duration::from_secs(60))
    };
    let out = run(&[]);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[1].starts_with("PASS  [high]          flows: No SSH from outside (0 rows"),
        "{}",
        out.stdout
    );
    assert!(
        lines[2].starts_with("PASS  [low]           flows: query 2 (1 row"),
        "{}",
        out.stdout
    );
    assert!(
        lines[3].starts_with(
            "FAIL  [high]          flows: Denied flows exist (120 rows, expected rows == 0"
        ),
        "{}",
        out.stdout
    );
    // The failure points at the file's own line of that query's `expect`.
    assert_eq!(lines[4], format!("    at {file}:10"));
    assert!(out
        .stdout
        .ends_with("3 checks: 2 passed, 1 failed, 0 errors\n"));

    // The machine-readable report names each query too.
    let out = run(&["--format", "json"]);
    assert_eq!(out.code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "flows: No SSH from outside",
            "flows: query 2",
            "flows: Denied flows exist"
        ]
    );
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(2), Some(1))
    );

    // Without the failing query the file passes: exit 0.
    let passing: String = COLLECTION
        .split("\n\n// Denied")
        .next()
        .unwrap()
        .to_string()
        + "\n";
    std::fs::write(dir.join("flows.kql"), passing).unwrap();
    assert_eq!(run(&[]).code, Some(0));
    std::fs::remove_dir_all(&dir).unwrap();
}
