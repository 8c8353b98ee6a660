//! `kqlite check`'s report for people: one line per check (PASS/FAIL/ERROR, severity, name, rows,
//! time), the first rows of a failing check as a table, the error of a broken one, and a
//! closing summary. Returns text; the CLI prints it.

use super::{CheckResult, Expectation, Outcome, Severity};
use crate::now::NowOrigin;
use crate::output::{self, Format};
use crate::table::Table;

/// `3 rows, expected empty`
pub fn failure_message(rows: usize, expect: Expectation) -> String {
    format!("{}, expected {expect}", plural(rows, "row"))
}

/// The first rows of a failing result as an aligned table, and how many more there are.
pub fn sample_text(sample: &Table, rows: usize) -> String {
    let mut text = output::render(sample, Format::Table);
    if rows > sample.num_rows() {
        let more = rows - sample.num_rows();
        let noun = if more == 1 { "row" } else { "rows" };
        text.push_str(&format!("… {more} more {noun}\n"));
    }
    text
}

/// The status line of one check.
pub fn result_line(result: &CheckResult, fail_on: Severity) -> String {
    let status = match &result.outcome {
        Outcome::Passed { .. } => "PASS",
        Outcome::Failed { .. } => "FAIL",
        Outcome::Error(_) => "ERROR",
    };
    let ms = result.elapsed.as_millis();
    let what = match &result.outcome {
        Outcome::Passed { rows } => format!("{}, {ms} ms", plural(*rows, "row")),
        Outcome::Failed { rows, .. } => {
            let mut text = format!("{}, {ms} ms", failure_message(*rows, result.header.expect));
            if !result.counts_as_failure(fail_on) {
                text.push_str(&format!("; below --fail-on {fail_on}"));
            }
            text
        }
        Outcome::Error(error) if error.exit_code() == 3 => "input error".to_string(),
        Outcome::Error(_) => "query error".to_string(),
    };
    format!(
        "{status:<5} {:<15} {} ({what})",
        format!("[{}]", result.header.severity),
        crate::control_chars::escape(&result.header.name)
    )
}

/// What follows a check's line: nothing for a pass; where it is, its `now` and its first rows
/// for a failure; the error with its caret for a broken check. Indented under the line.
pub fn result_details(result: &CheckResult, show_now: bool) -> String {
    let mut text = String::new();
    match &result.outcome {
        Outcome::Passed { .. } => {}
        Outcome::Failed { rows, sample } => {
            text.push_str(&format!(
                "at {}:{}\n",
                crate::control_chars::escape(&result.file.shown()),
                result.header.line
            ));
            if show_now {
                if let Some(now) = &result.now {
                    text.push_str(&format!("now: {now}\n"));
                }
            }
            text.push_str(&sample_text(sample, *rows));
        }
        Outcome::Error(error) => {
            text.push_str(&error.render(&result.file.source, &result.file.shown()));
            text.push('\n');
        }
    }
    indent(&text, "    ")
}

/// The `now` line printed before the checks: the pinned time or the wall clock; for `--now
/// latest` the time it resolved to, or, when checks read tables that end at different times,
/// one line per distinct `now` with how many checks used it.
pub fn now_line(results: &[CheckResult]) -> Option<String> {
    let first = results.iter().find_map(|r| r.now.as_ref())?;
    let each_own = results
        .iter()
        .filter_map(|r| r.now.as_ref())
        .any(|n| matches!(n.origin, NowOrigin::Latest(_) | NowOrigin::LatestOfNothing));
    if !each_own {
        return Some(format!("now: {first}"));
    }
    // Distinct resolved times, in order of first use, with their check counts.
    let mut distinct: Vec<(String, usize)> = Vec::new();
    for now in results.iter().filter_map(|r| r.now.as_ref()) {
        let text = now.to_string();
        match distinct.iter_mut().find(|(t, _)| *t == text) {
            Some((_, n)) => *n += 1,
            None => distinct.push((text, 1)),
        }
    }
    if let [(only, _)] = distinct.as_slice() {
        return Some(format!("now: latest = {only}"));
    }
    let mut text =
        "now: latest (each check: the latest event time in the tables it reads)".to_string();
    for (now, n) in distinct {
        text.push_str(&format!("\n  {now}: {}", plural(n, "check")));
    }
    Some(text)
}

/// `5 checks: 3 passed, 1 failed, 1 error`
pub fn summary(results: &[CheckResult], fail_on: Severity) -> String {
    let passed = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Passed { .. }))
        .count();
    let failed = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed { .. }))
        .count();
    let tolerated = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed { .. }) && !r.counts_as_failure(fail_on))
        .count();
    let errors = results.len() - passed - failed;
    let mut text = format!(
        "{}: {passed} passed, {failed} failed, {}",
        plural(results.len(), "check"),
        plural(errors, "error")
    );
    if tolerated > 0 {
        text.push_str(&format!(
            " ({tolerated} failed below --fail-on {fail_on}, not counted)"
        ));
    }
    text
}

/// The whole report: the `now` line, each check's line and details, the summary.
pub fn full(results: &[CheckResult], fail_on: Severity) -> String {
    let mut text = String::new();
    let now = now_line(results);
    let per_check_now = now
        .as_deref()
        .is_some_and(|l| l.starts_with("now: latest ("));
    if let Some(line) = now {
        text.push_str(&line);
        text.push('\n');
    }
    for result in results {
        text.push_str(&result_line(result, fail_on));
        text.push('\n');
        text.push_str(&result_details(result, per_check_now));
    }
    text.push_str(&summary(results, fail_on));
    text.push('\n');
    text
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{prefix}{l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{header, QueryFile};
    use super::*;
    use crate::error::Error;
    use crate::table::{Column, Field, Schema};
    use std::path::PathBuf;
    use std::time::Duration;

    fn result(name: &str, severity: Severity, outcome: Outcome) -> CheckResult {
        CheckResult {
            file: QueryFile {
                path: PathBuf::from(format!("checks/{name}.kql")),
                source: "// expect: empty\nFlows\n| where DestPort == 22".into(),
            },
            header: header::Header {
                severity,
                ..header::parse("// expect: empty\nT", name).unwrap()
            },
            outcome,
            elapsed: Duration::from_millis(7),
            now: None,
        }
    }

    fn ports(n: usize) -> Table {
        Table::new(
            Schema::new(vec![Field::new("DestPort", crate::table::Type::Long)]),
            vec![Column::Long((0..n as i64).map(Some).collect())],
        )
    }

    #[test]
    fn lines_say_status_severity_name_rows_and_time() {
        let pass = result("quiet", Severity::High, Outcome::Passed { rows: 0 });
        assert_eq!(
            result_line(&pass, Severity::Informational),
            "PASS  [high]          quiet (0 rows, 7 ms)"
        );
        let fail = result(
            "noisy",
            Severity::Low,
            Outcome::Failed {
                rows: 1,
                sample: ports(1),
            },
        );
        assert_eq!(
            result_line(&fail, Severity::Informational),
            "FAIL  [low]           noisy (1 row, expected empty, 7 ms)"
        );
        assert_eq!(
            result_line(&fail, Severity::High),
            "FAIL  [low]           noisy (1 row, expected empty, 7 ms; below --fail-on high)"
        );
        let broken = result(
            "broken",
            Severity::Medium,
            Outcome::Error(Error::input("logs/a.json", "truncated")),
        );
        assert_eq!(
            result_line(&broken, Severity::High),
            "ERROR [medium]        broken (input error)"
        );
    }

    #[test]
    fn a_failure_shows_where_it_is_and_counts_rows_left_out() {
        let fail = result(
            "noisy",
            Severity::High,
            Outcome::Failed {
                rows: 12,
                sample: ports(10),
            },
        );
        let details = result_details(&fail, false);
        assert!(
            details.starts_with("    at checks/noisy.kql:1\n"),
            "{details}"
        );
        assert!(details.ends_with("    … 2 more rows\n"), "{details}");
    }

    #[test]
    fn the_summary_counts_each_outcome() {
        let results = [
            result("a", Severity::High, Outcome::Passed { rows: 0 }),
            result(
                "b",
                Severity::Low,
                Outcome::Failed {
                    rows: 2,
                    sample: ports(2),
                },
            ),
            result("c", Severity::High, Outcome::Error(Error::input("x", "y"))),
        ];
        assert_eq!(
            summary(&results, Severity::Medium),
            "3 checks: 1 passed, 1 failed, 1 error (1 failed below --fail-on medium, not counted)"
        );
        assert_eq!(
            summary(&results[..1], Severity::High),
            "1 check: 1 passed, 0 failed, 0 errors"
        );
    }
}
