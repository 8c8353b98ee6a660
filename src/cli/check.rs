//! `kqlite check`: load the logs once, run every check file against them, print the report
//! (and the CI reports asked for), and end with the combined exit code.

use super::args::{CheckArgs, CiReportArgs, ReportFormat};
use super::collection;
use super::{log_paths, logs, style, usage, Failure};
use crate::check::{self, github, junit, report, Case, CheckResult, Outcome, QueryFile};
use crate::error::ErrorKind;
use crate::now::{LatestTimes, NowSpec};
use serde_json::json;

pub fn run(mut args: CheckArgs) -> Result<u8, Failure> {
    if args.checks.is_empty() {
        args.checks = log_paths::reclaim_query_files(&mut args.logs);
    }
    if args.checks.is_empty() {
        return Err(usage(
            "no CHECK: give the check files (.kql) or folders of them",
        ));
    }
    let files = check::discover(&args.checks)?;
    let now = NowSpec::or_env(args.run.now.clone())?;
    let loaded = logs::load(&args.logs)?;
    let mut options = args.run.options();
    args.logs.allow_local_data(&mut options);
    args.limits.apply(&mut options);
    let latest = LatestTimes::default();
    let mut results = Vec::new();
    for path in &files {
        let file = QueryFile::read(path)?;
        let whole = check::run(file.clone(), &loaded.catalog, &options, &now, &latest);
        let pieces = collection::split(&file.source);
        let syntax_error = matches!(&whole.outcome, Outcome::Error(e) if matches!(e.kind, ErrorKind::Syntax { .. }));
        if !syntax_error || pieces.len() < 2 {
            results.push(whole);
            continue;
        }
        // A query collection: each query is a check of its own, named by its title or number.
        for (i, piece) in pieces.iter().enumerate() {
            let one = QueryFile {
                path: file.path.clone(),
                source: piece.text.clone(),
            };
            let name = collection_check_name(&file.stem(), piece, i + 1);
            let result = check::run_named(one, &name, &loaded.catalog, &options, &now, &latest);
            results.push(result);
        }
    }
    // Raw logs are read while the checks scan them, so their problems are known only now.
    loaded.report_problems();
    match args.format {
        ReportFormat::Text => {
            let text = style::paint_report(&report::full(&results, args.fail_on));
            write_colored(&text)?;
        }
        ReportFormat::Json => {
            let text = json_report(&results, args.fail_on);
            super::write_stdout(|out| writeln!(out, "{text}"))?;
        }
    }
    let cases: Vec<Case> = results.iter().map(|r| r.case(args.fail_on)).collect();
    write_ci_reports(&args.report, "kqlite check", &cases)?;
    Ok(check::exit_code(&results, args.fail_on))
}

/// Text with ANSI styles on stdout, stripped unless it is coloured (a terminal, `--color
/// always`).
fn write_colored(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = anstream::stdout();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(usage(format!("cannot write to standard output: {e}"))),
    }
}

/// The name of query `number` of a collection file `stem` when it has no `// name:`: its
/// first comment line (`flows: Top talkers`), or its number when that line is a header
/// (`// severity: low`) or missing (`flows: query 2`).
fn collection_check_name(stem: &str, piece: &collection::Piece, number: usize) -> String {
    let is_header = |title: &str| {
        title.split_once(':').is_some_and(|(key, _)| {
            matches!(key.trim(), "name" | "expect" | "severity" | "allow-empty")
        })
    };
    match piece.title.as_deref().filter(|t| !is_header(t)) {
        Some(title) => format!("{stem}: {title}"),
        None => format!("{stem}: query {number}"),
    }
}

/// `{"checks":[{name, file, line, severity, status, rows, expect, message, ms}], "passed": N,
/// "failed": N, "errors": N}`.
fn json_report(results: &[CheckResult], fail_on: check::Severity) -> serde_json::Value {
    let checks: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            let (status, rows, message) = match &r.outcome {
                Outcome::Passed { rows } => ("pass", Some(*rows), None),
                Outcome::Failed { rows, .. } => (
                    "fail",
                    Some(*rows),
                    Some(report::failure_message(*rows, r.header.expect)),
                ),
                Outcome::Error(e) => ("error", None, Some(e.to_string())),
            };
            json!({
                "name": r.header.name,
                "file": r.file.shown(),
                "line": r.header.line,
                "severity": r.header.severity.to_string(),
                "status": status,
                "counts": !matches!(r.outcome, Outcome::Failed { .. }) || r.counts_as_failure(fail_on),
                "rows": rows,
                "expect": r.header.expect.to_string(),
                "message": message,
                "ms": r.elapsed.as_millis() as u64,
            })
        })
        .collect();
    let count = |status: &str| checks.iter().filter(|c| c["status"] == status).count();
    json!({
        "checks": checks,
        "passed": count("pass"),
        "failed": count("fail"),
        "errors": count("error"),
    })
}

/// `--github` annotations on stdout (where the Actions runner reads workflow commands) and the
/// `--junit` file.
pub fn write_ci_reports(args: &CiReportArgs, suite: &str, cases: &[Case]) -> Result<(), Failure> {
    if args.github {
        let annotations = github::annotations(cases);
        super::write_stdout(|out| out.write_all(annotations.as_bytes()))?;
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, junit::write(suite, cases)).map_err(|e| {
            usage(format!(
                "cannot write the JUnit report {}: {e}",
                path.display()
            ))
        })?;
    }
    Ok(())
}
