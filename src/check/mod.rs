//! `kqlite check`: queries as CI checks. Each check is a `.kql` file whose header comments
//! ([`header`]) say what its result must look like; a check passes when the number of rows it
//! returns meets that expectation (by default none: like an alert rule, a row is a finding).
//!
//! This module finds the check files, runs each against the catalog, and turns the results
//! into an exit code (highest wins: 1 a check failed, 2 a query error, 3 an input error;
//! `--fail-on` lets failures below a severity pass). [`report`] words the results for people,
//! [`junit`] and [`github`] for CI systems, from the same [`Case`]s.

pub mod empty_tables;
pub mod github;
pub mod header;
pub mod junit;
pub mod report;

pub use header::{Expectation, Header, Severity};

use crate::error::{Error, ErrorKind};
use crate::now::{LatestTimes, NowSpec, ResolvedNow};
use crate::table::Table;
use crate::{Catalog, Options};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Rows of a failing check's result shown in the report.
pub const SAMPLE_ROWS: usize = 10;

/// The `.kql` files named by `paths`: a file as given, a folder walked recursively for `.kql`
/// files, each folder's files in name order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = found.len();
            walk(path, &mut found)?;
            if found.len() == before {
                return Err(usage(format!(
                    "{}: no .kql files in this folder",
                    path.display()
                )));
            }
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(usage(format!("{}: no such file or folder", path.display())));
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| usage(format!("cannot read the folder {}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("kql"))
        {
            found.push(path);
        }
    }
    Ok(())
}

fn usage(message: String) -> Error {
    Error::new(ErrorKind::Usage(message))
}

/// A query file as read from disk: its text and where it came from.
#[derive(Debug, Clone)]
pub struct QueryFile {
    pub path: PathBuf,
    pub source: String,
}

impl QueryFile {
    pub fn read(path: &Path) -> Result<QueryFile, Error> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
        Ok(QueryFile {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The path as the user gave it, for messages and annotations.
    pub fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// The file name without its extension.
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.shown())
    }
}

/// What came of running one check.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub file: QueryFile,
    /// The header, or the defaults when the header itself is broken (then `outcome` is the error).
    pub header: Header,
    pub outcome: Outcome,
    pub elapsed: Duration,
    /// The `now` the query ran with (None when it did not run).
    pub now: Option<ResolvedNow>,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Passed {
        rows: usize,
    },
    /// The row count broke the expectation; `sample` holds the first rows.
    Failed {
        rows: usize,
        sample: Table,
    },
    /// The header or the query is wrong (exit code 2), or the logs are (3).
    Error(Error),
}

/// Run one check file against `catalog`. `options` carries the query parameters; `now` says
/// how each check's `now()` is chosen (`latest` remembers each table's time in `latest`).
pub fn run(
    file: QueryFile,
    catalog: &Catalog,
    options: &Options,
    now: &NowSpec,
    latest: &LatestTimes,
) -> CheckResult {
    let name = file.stem();
    run_named(file, &name, catalog, options, now, latest)
}

/// [`run`] for a check whose name, without a `// name:` header, is `default_name` (a query of
/// a collection: `flows: query 2 (Top talkers)`).
pub fn run_named(
    file: QueryFile,
    default_name: &str,
    catalog: &Catalog,
    options: &Options,
    now: &NowSpec,
    latest: &LatestTimes,
) -> CheckResult {
    let started = Instant::now();
    let header = header::parse(&file.source, default_name);
    let (header, outcome, now) = match header {
        Err(error) => (
            header::parse("", default_name).expect("the empty header is valid"),
            Outcome::Error(error),
            None,
        ),
        Ok(header) => match run_query(&file.source, &header, catalog, options, now, latest) {
            Ok((outcome, resolved)) => (header, outcome, Some(resolved)),
            Err(error) => (header, Outcome::Error(error), None),
        },
    };
    CheckResult {
        file,
        header,
        outcome,
        elapsed: started.elapsed(),
        now,
    }
}

fn run_query(
    source: &str,
    header: &Header,
    catalog: &Catalog,
    options: &Options,
    now: &NowSpec,
    latest: &LatestTimes,
) -> Result<(Outcome, ResolvedNow), Error> {
    let resolved = crate::now::resolve(now, source, catalog, options, latest)?;
    let options = Options {
        now: resolved.ticks,
        ..options.clone()
    };
    // A check's `render` is peeled off by the binder into the visualization, which a check
    // has no use for.
    let bound = crate::parse(source)
        .and_then(|query| crate::bind(&query, catalog, &options))
        .map(crate::optimize)?;
    let table = crate::execute(&bound, catalog, &crate::external_tables(&options), &options)?.table;
    if !header.allow_empty {
        if let Some(error) = empty_tables::error_if_all_empty(&bound.plan, catalog)? {
            return Err(error);
        }
    }
    let rows = table.num_rows();
    let outcome = if header.expect.holds(rows) {
        Outcome::Passed { rows }
    } else {
        Outcome::Failed {
            rows,
            sample: first_rows(&table, SAMPLE_ROWS),
        }
    };
    Ok((outcome, resolved))
}

fn first_rows(table: &Table, n: usize) -> Table {
    let len = table.num_rows().min(n);
    Table::new(
        table.schema.clone(),
        table.columns.iter().map(|c| c.slice(0, len)).collect(),
    )
}

impl CheckResult {
    /// Whether this result decides the exit code as a failure: a failed check at or above
    /// `fail_on`.
    pub fn counts_as_failure(&self, fail_on: Severity) -> bool {
        matches!(self.outcome, Outcome::Failed { .. }) && self.header.severity >= fail_on
    }

    /// 0 passed (or failed below `fail_on`), 1 failed, 2 query error, 3 input error.
    pub fn exit_code(&self, fail_on: Severity) -> u8 {
        match &self.outcome {
            Outcome::Passed { .. } => 0,
            Outcome::Failed { .. } => u8::from(self.counts_as_failure(fail_on)),
            Outcome::Error(error) => error.exit_code(),
        }
    }

    /// The result as a CI report entry.
    pub fn case(&self, fail_on: Severity) -> Case {
        let seconds = self.elapsed.as_secs_f64();
        let file = self.file.shown();
        let (line, column, verdict) = match &self.outcome {
            Outcome::Passed { .. } => (self.header.line, 1, Verdict::Pass),
            Outcome::Failed { rows, sample } => (
                self.header.line,
                1,
                Verdict::Fail {
                    severity: self.header.severity,
                    counts: self.counts_as_failure(fail_on),
                    message: report::failure_message(*rows, self.header.expect),
                    details: report::sample_text(sample, *rows),
                },
            ),
            Outcome::Error(error) => error_verdict(error, &self.file),
        };
        Case {
            name: self.header.name.clone(),
            file,
            line,
            column,
            seconds,
            verdict,
        }
    }
}

/// Where an error points (line, column) and how it reads, as a report entry's verdict.
pub fn error_verdict(error: &Error, file: &QueryFile) -> (usize, usize, Verdict) {
    let (line, column) = error.span.map_or((1, 1), |span| {
        let (line, column, _) = crate::error::locate(&file.source, span.start);
        (line, column)
    });
    let kind = if error.exit_code() == 3 {
        "input error"
    } else {
        "query error"
    };
    let verdict = Verdict::Error {
        kind,
        message: error.to_string(),
        details: error.render(&file.source, &file.shown()),
    };
    (line, column, verdict)
}

/// The exit code of a whole run: the highest of its results' (0 when there are none).
pub fn exit_code(results: &[CheckResult], fail_on: Severity) -> u8 {
    results
        .iter()
        .map(|r| r.exit_code(fail_on))
        .max()
        .unwrap_or(0)
}

/// One entry of a CI report (a check, or a query `validate` bound), in the terms JUnit and
/// GitHub annotations use.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    /// The query file, as given on the command line.
    pub file: String,
    /// 1-based position a failure is annotated at.
    pub line: usize,
    pub column: usize,
    pub seconds: f64,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pass,
    /// The check's rows broke its expectation. `counts` is false when `--fail-on` lets this
    /// severity pass.
    Fail {
        severity: Severity,
        counts: bool,
        message: String,
        details: String,
    },
    /// The query (or header) is wrong, or the logs are: `kind` says which.
    Error {
        kind: &'static str,
        message: String,
        details: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::MemoryTable;
    use crate::table::{Column, Field, Schema, Type};
    use std::sync::Arc;

    fn file(source: &str) -> QueryFile {
        QueryFile {
            path: PathBuf::from("checks/demo.kql"),
            source: source.to_string(),
        }
    }

    fn catalog() -> Catalog {
        let mut catalog = Catalog::new();
        let ports = vec![Some(22), Some(443), Some(3389)];
        let table = Table::new(
            Schema::new(vec![Field::new("DestPort", Type::Long)]),
            vec![Column::Long(ports)],
        );
        catalog.register("Flows", Arc::new(MemoryTable::new(table, "test")));
        catalog
    }

    fn run_source(source: &str) -> CheckResult {
        run(
            file(source),
            &catalog(),
            &Options::default(),
            &NowSpec::At(0),
            &LatestTimes::default(),
        )
    }

    #[test]
    fn a_header_error_is_a_query_error() {
        let result = run_source("// name: demo\n// expect: maybe\nFlows");
        assert_eq!(result.header.name, "demo");
        assert_eq!(result.exit_code(Severity::High), 2);
        let case = result.case(Severity::High);
        assert_eq!((case.line, case.column), (2, 12));
        let Verdict::Error { kind, details, .. } = case.verdict else {
            panic!("not an error: {:?}", case.verdict)
        };
        assert_eq!(kind, "query error");
        assert!(details.contains("--> checks/demo.kql:2:12"), "{details}");
    }

    #[test]
    fn an_unknown_column_is_a_query_error_at_its_position() {
        let result = run_source("// name: ports\nFlows | where Port == 22");
        assert_eq!(result.exit_code(Severity::High), 2);
        let case = result.case(Severity::High);
        assert_eq!((case.line, case.column), (2, 15));
        assert_eq!(case.name, "ports");
    }

    #[test]
    fn rows_decide_pass_or_fail_and_failures_keep_their_first_rows() {
        let pass = run_source("// expect: rows == 1\nFlows | where DestPort == 22");
        assert!(
            matches!(pass.outcome, Outcome::Passed { rows: 1 }),
            "{:?}",
            pass.outcome
        );
        let fail = run_source("// name: no admin ports\nFlows | where DestPort in (22, 3389)");
        let Outcome::Failed { rows, sample } = &fail.outcome else {
            panic!("not a failure: {:?}", fail.outcome)
        };
        assert_eq!(*rows, 2);
        assert_eq!(sample.columns[0], Column::Long(vec![Some(22), Some(3389)]));
        assert_eq!(fail.exit_code(Severity::High), 1);
        assert_eq!(fail.now.as_ref().unwrap().ticks, 0);
        let rendered = run_source("Flows | where DestPort > 1000 | render piechart");
        assert_eq!(rendered.exit_code(Severity::High), 1);
    }

    #[test]
    fn exit_codes_combine_highest_first_and_respect_fail_on() {
        let failed = |severity| CheckResult {
            header: Header {
                severity,
                ..header::parse("", "x").unwrap()
            },
            outcome: Outcome::Failed {
                rows: 1,
                sample: Table::empty(Schema::default()),
            },
            ..run_source("// x\nFlows")
        };
        let errored = CheckResult {
            outcome: Outcome::Error(Error::input("logs/x.json", "truncated")),
            ..failed(Severity::Low)
        };
        let passed = CheckResult {
            outcome: Outcome::Passed { rows: 0 },
            ..failed(Severity::High)
        };
        assert_eq!(exit_code(&[], Severity::Informational), 0);
        assert_eq!(
            exit_code(std::slice::from_ref(&passed), Severity::Informational),
            0
        );
        let low = failed(Severity::Low);
        assert_eq!(exit_code(&[passed.clone(), low.clone()], Severity::Low), 1);
        assert_eq!(exit_code(&[passed, low.clone()], Severity::Medium), 0);
        assert_eq!(exit_code(&[low.clone(), errored.clone()], Severity::Low), 3);
        assert!(!low.counts_as_failure(Severity::High));
        let Verdict::Fail { counts, .. } = low.case(Severity::High).verdict else {
            panic!("not a failure")
        };
        assert!(!counts);
        let Verdict::Error { kind, .. } = errored.case(Severity::High).verdict else {
            panic!("not an error")
        };
        assert_eq!(kind, "input error");
    }

    #[test]
    fn discover_walks_folders_for_kql_files_in_name_order() {
        let dir = std::env::temp_dir().join(format!("kqlite-discover-{}", std::process::id()));
        let nested = dir.join("b-nested");
        std::fs::create_dir_all(&nested).unwrap();
        for name in ["c.kql", "a.kql", "notes.md"] {
            std::fs::write(dir.join(name), "T").unwrap();
        }
        std::fs::write(nested.join("z.kql"), "T").unwrap();
        let found = discover(std::slice::from_ref(&dir)).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.kql", "b-nested/z.kql", "c.kql"]);
        assert!(discover(&[dir.join("missing.kql")])
            .unwrap_err()
            .to_string()
            .contains("no such file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
