//! The terminal features through the binary (issue 18): completions, the man page, colour,
//! `--logs` patterns, tables that fit, what kqlite knows, machine-readable formats, query
//! collections and errors that help. Runs that need a terminal go through a pseudo-terminal.

mod common;

use common::{repo_root, run_kqlite, Outcome};
use serde_json::Value as Json;
use std::process::Command;
use std::time::Duration;

fn kqlite(args: &[&str]) -> Outcome {
    run_kqlite(args, &repo_root(), "", Duration::from_secs(60))
}

/// Run `kqlite ARGS` on a pseudo-terminal with `env`, and everything it wrote (stdout and
/// stderr share the terminal).
fn on_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kqlite"));
    command.args(args).current_dir(repo_root());
    command.env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let mut session =
        rexpect::session::spawn_command(command, Some(30_000)).expect("spawn on a pty");
    session.exp_eof().expect("kqlite ends")
}

const FLOWS: &str = "tests/data/Flows.csv";
const NOW: &str = "2024-05-10T00:00:00Z";

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _kqlite"),
        ("zsh", "#compdef kqlite"),
        ("fish", "complete -c kqlite"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = kqlite(&["completions", shell]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert!(
            out.stdout.contains(marker),
            "{shell}: {}",
            &out.stdout[..200]
        );
        assert!(out.stdout.contains("logs"), "{shell} completes flags");
    }
    assert_eq!(kqlite(&["completions", "tcsh"]).code, Some(2));
}

/// `docs/man/` must be what the command line generates; `BLESS=1` rewrites it.
#[test]
fn the_man_pages_are_current() {
    let fresh = std::env::temp_dir().join(format!("kqlite-man-{}", std::process::id()));
    std::fs::create_dir_all(&fresh).unwrap();
    kqlite::cli::write_man_pages(&fresh).unwrap();
    let docs = repo_root().join("docs/man");
    if std::env::var_os("BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&docs);
        std::fs::create_dir_all(&docs).unwrap();
        kqlite::cli::write_man_pages(&docs).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(&fresh)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.contains(&"kqlite.1".to_string()) && names.contains(&"kqlite-query.1".to_string())
    );
    for name in &names {
        let want = std::fs::read_to_string(fresh.join(name)).unwrap();
        let have = std::fs::read_to_string(docs.join(name)).unwrap_or_default();
        assert!(
            want == have,
            "docs/man/{name} is stale: run `BLESS=1 cargo test --test cli_terminal the_man_pages_are_current`"
        );
    }
    let kept = std::fs::read_dir(&docs).unwrap().count();
    assert_eq!(
        kept,
        names.len(),
        "docs/man/ holds pages of commands that are gone"
    );
    std::fs::remove_dir_all(fresh).unwrap();
}

#[test]
fn colour_follows_the_flag_the_terminal_and_no_color() {
    let bad = ["query", "T | sumarize count()"];
    // Off a terminal: plain, unless --color always.
    let plain = kqlite(&bad);
    assert!(plain.stderr.starts_with("error: "), "{}", plain.stderr);
    let forced = kqlite(&["--color", "always", bad[0], bad[1]]);
    assert!(
        forced.stderr.starts_with("\u{1b}[1m\u{1b}[31merror:"),
        "{:?}",
        forced.stderr
    );
    // On a terminal: coloured, unless NO_COLOR or --color never.
    let tty = on_terminal(&bad, &[]);
    assert!(tty.contains("\u{1b}[31merror:"), "{tty:?}");
    let no_color = on_terminal(&bad, &[("NO_COLOR", "1")]);
    assert!(
        !no_color.contains('\u{1b}') && no_color.contains("error:"),
        "{no_color:?}"
    );
    let never = on_terminal(&["--color", "never", bad[0], bad[1]], &[]);
    assert!(!never.contains('\u{1b}'), "{never:?}");
    // Table headers are bold on a terminal; check's PASS is green.
    let table = on_terminal(&["query", "--logs", FLOWS, "Flows | count"], &[]);
    assert!(table.contains("\u{1b}[1mCount\u{1b}[0m"), "{table:?}");
    let check = kqlite(&[
        "--color",
        "always",
        "check",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "examples/ci/checks/no-internet-ssh-rdp-allowed.kql",
    ]);
    assert!(
        check.stdout.contains("\u{1b}[1m\u{1b}[32mPASS\u{1b}[0m"),
        "{:?}",
        check.stdout
    );
}

#[test]
fn logs_take_several_paths_and_patterns() {
    let both = kqlite(&[
        "query",
        "--logs",
        FLOWS,
        "examples/logs",
        "union Flows, NTANetAnalytics | count",
    ]);
    assert_eq!(both.code, Some(0), "{}", both.stderr);
    let count = |o: &Outcome| o.stdout.lines().nth(2).unwrap_or("").trim().to_string();
    let flows = kqlite(&["query", "--logs", FLOWS, "Flows | count"]);
    let nta = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "NTANetAnalytics | count",
    ]);
    let sum: i64 = count(&flows).parse::<i64>().unwrap() + count(&nta).parse::<i64>().unwrap();
    assert_eq!(count(&both), sum.to_string());

    // One day of the blob layout picked by a pattern: fewer rows than all days, more than none.
    let day = kqlite(&[
        "query",
        "--logs",
        "examples/logs/**/d=09/**",
        "NTANetAnalytics | summarize min(FlowStartTime), n=count()",
    ]);
    assert_eq!(day.code, Some(0), "{}", day.stderr);
    assert!(day.stdout.contains("2024-05-09T"), "{}", day.stdout);
    assert!(!day.stdout.contains("2024-05-07T"), "{}", day.stdout);

    let none = kqlite(&[
        "query",
        "--logs",
        "examples/logs/**/d=31/**",
        "NTANetAnalytics | count",
    ]);
    assert_eq!(none.code, Some(3));
    assert!(
        none.stderr
            .contains("examples/logs/**/d=31/**: the pattern matches no file or folder"),
        "{}",
        none.stderr
    );

    // Check files after --logs are still the checks.
    let check = kqlite(&[
        "check",
        "--now",
        NOW,
        "--logs",
        "examples/logs",
        "examples/ci/checks/no-internet-ssh-rdp-allowed.kql",
    ]);
    assert_eq!(check.code, Some(0), "{}{}", check.stdout, check.stderr);
}

#[test]
fn wide_tables_fit_the_terminal_and_vertical_shows_every_column() {
    let query = "NTANetAnalytics | take 1";
    let tty = on_terminal(
        &["query", "--logs", "examples/logs", query],
        &[("COLUMNS", "100")],
    );
    let lines: Vec<&str> = tty.lines().collect();
    let note = lines
        .iter()
        .find(|l| l.contains("more columns"))
        .expect("an elision note");
    let elided: usize = note
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .expect("a count");
    assert!(
        note.trim_end()
            .ends_with("more columns; --format vertical shows all"),
        "{note:?}"
    );
    assert!(elided > 80, "{note}");
    let plain: Vec<String> = lines
        .iter()
        .map(|l| anstream::adapter::strip_str(l).to_string())
        .collect();
    assert!(
        plain
            .iter()
            .take(3)
            .all(|l| l.trim_end().chars().count() <= 100),
        "{plain:?}"
    );

    // Off a terminal nothing is elided.
    let piped = kqlite(&["query", "--logs", "examples/logs", query]);
    assert!(!piped.stdout.contains("more columns"));
    let header = piped.stdout.lines().next().unwrap();
    assert_eq!(header.split_whitespace().count(), 91, "{header}");
    assert!(header.contains("FlowStatus"));
    assert!(!tty.lines().next().unwrap().contains("FlowStatus"));

    let vertical = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "--format",
        "vertical",
        query,
    ]);
    assert_eq!(vertical.code, Some(0));
    let cells = vertical.stdout.lines().filter(|l| l.contains(':')).count();
    // NTANetAnalytics has 96 columns; the five `_` ones are hidden, as in Log Analytics.
    assert_eq!(cells, 91, "one line per column:\n{}", vertical.stdout);
    assert!(vertical.stdout.starts_with("-[ row 1 ]-\n"));
}

#[test]
fn tables_without_logs_lists_what_kqlite_knows() {
    let out = kqlite(&["tables", "--format", "json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let json: Json = serde_json::from_str(&out.stdout).unwrap();
    let rows = json["tables"][0]["rows"].as_array().unwrap();
    let nta = rows.iter().find(|r| r[0] == "NTANetAnalytics").unwrap();
    assert!(nta[1].as_str().unwrap().contains("VNet flow logs"));
    assert_eq!(nta[2], 96);
    assert!(rows.iter().any(|r| r[0] == "AWSVPCFlow"));

    let unknown = kqlite(&["schema", "AZFWNetwork"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("did you mean `AZFWNetworkRule`"),
        "{}",
        unknown.stderr
    );
    let far = kqlite(&["query", "Syslog | take 1"]);
    assert!(
        far.stderr
            .contains("`kqlite tables` lists the tables kqlite knows"),
        "{}",
        far.stderr
    );
}

#[test]
fn json_output_reads_back_as_a_table_and_az_has_the_cli_shape() {
    let dir = std::env::temp_dir().join(format!("kqlite-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let query = "Flows | summarize Bytes=sum(BytesSent), Last=max(TimeGenerated) by SrcIp | order by SrcIp asc";
    let first = kqlite(&["query", "--logs", FLOWS, "--format", "json", query]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let file = dir.join("Again.json");
    std::fs::write(&file, &first.stdout).unwrap();
    let back = kqlite(&[
        "query",
        "--logs",
        file.to_str().unwrap(),
        "--format",
        "json",
        "Again | project SrcIp, Bytes, Last",
    ]);
    assert_eq!(back.code, Some(0), "{}", back.stderr);
    assert_eq!(
        back.stdout,
        first.stdout.replace("Flows", "Again"),
        "types and values survive"
    );

    let az = kqlite(&["query", "--logs", FLOWS, "--format", "az", query]);
    let rows: Json = serde_json::from_str(&az.stdout).unwrap();
    assert_eq!(rows[0]["TableName"], "PrimaryResult");
    assert!(rows[0]["Bytes"].is_string());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn check_and_schema_speak_json() {
    let out = kqlite(&[
        "check",
        "--format",
        "json",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "examples/ci/checks",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let report: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["failed"], 0);
    assert!(report["passed"].as_u64().unwrap() >= 5);
    assert_eq!(report["checks"][0]["status"], "pass");
    let schema = kqlite(&["schema", "AWSVPCFlow", "--format", "json"]);
    let json: Json = serde_json::from_str(&schema.stdout).unwrap();
    assert_eq!(json["tables"][0]["rows"][0][0], "AccountId");
}

const COLLECTION: &str = "// Allowed flows\nFlows\n| where FlowStatus == \"Allowed\"\n\n| count\n";

#[test]
fn a_file_of_queries_runs_one_or_all() {
    let dir = std::env::temp_dir().join(format!("kqlite-coll-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("saved.kql");
    let text = "// Allowed flows\nFlows\n| where FlowStatus == \"Allowed\"\n| count\n\n\
                // By source\n\nFlows\n| summarize n=count() by SrcIp\n| order by SrcIp asc\n";
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    let second = kqlite(&[
        "query", "--logs", FLOWS, "-f", f, "--query", "2", "--format", "csv",
    ]);
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(
        second.stdout.starts_with("SrcIp,n\r\n"),
        "{}",
        second.stdout
    );
    let all = kqlite(&["query", "--logs", FLOWS, "-f", f, "--all"]);
    assert_eq!(all.code, Some(0), "{}", all.stderr);
    assert!(
        all.stdout.starts_with("// Allowed flows\nCount\n"),
        "{}",
        all.stdout
    );
    assert!(
        all.stdout.contains("\n\n// By source\nSrcIp"),
        "{}",
        all.stdout
    );
    let past = kqlite(&["query", "--logs", FLOWS, "-f", f, "--query", "3"]);
    assert_eq!(past.code, Some(2));
    assert!(past.stderr.contains("holds 2 queries"), "{}", past.stderr);
    // Without the flags the file is one query, and the error says what the file is.
    let whole = kqlite(&["query", "--logs", FLOWS, "-f", f]);
    assert_eq!(whole.code, Some(2));
    assert!(
        whole
            .stderr
            .contains("the file holds 2 queries separated by blank lines"),
        "{}",
        whole.stderr
    );
    // A blank line inside one query still works where it did.
    let inner = dir.join("inner.kql");
    std::fs::write(&inner, COLLECTION).unwrap();
    let one = kqlite(&["query", "--logs", FLOWS, "-f", inner.to_str().unwrap()]);
    assert_eq!(one.code, Some(0), "{}", one.stderr);

    // validate names the query of the file that is wrong.
    let broken = dir.join("broken.kql");
    std::fs::write(
        &broken,
        "Flows | count\n\n// Typo\nFlows | sumarize count()\n",
    )
    .unwrap();
    let out = kqlite(&["validate", "--logs", FLOWS, broken.to_str().unwrap()]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stdout.contains("broken.kql query 2 (Typo):4:"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("OK    "), "{}", out.stdout);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_empty_answer_from_old_data_says_how_to_see_it() {
    let out = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "NTANetAnalytics | where FlowStartTime > ago(2d)",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("NTANetAnalytics holds 2024-05-07T09:00:32.275Z to 2024-05-09T10:59:59.999Z; try --now latest"),
        "{}",
        out.stderr
    );
    let pinned = kqlite(&[
        "query",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "NTANetAnalytics | where FlowStartTime > ago(2d) | count",
    ]);
    assert!(
        !pinned.stderr.contains("try --now latest"),
        "{}",
        pinned.stderr
    );
}
