//! `kqlite check`: load the logs once, run every check file against them, print the report
//! (and the CI reports asked for), and end with the combined exit code.

use super::args::{CheckArgs, CiReportArgs};
use super::{logs, usage, write_stdout, Failure};
use crate::check::{self, github, junit, report, Case, QueryFile};
use crate::now::{LatestTimes, NowSpec};

pub fn run(args: CheckArgs) -> Result<u8, Failure> {
    let files = check::discover(&args.checks)?;
    let now = NowSpec::or_env(args.run.now.clone())?;
    let loaded = logs::load(&args.logs)?;
    let mut options = args.run.options();
    args.logs.allow_local_data(&mut options);
    let latest = LatestTimes::default();
    let mut results = Vec::new();
    for path in &files {
        let file = QueryFile::read(path)?;
        results.push(check::run(file, &loaded.catalog, &options, &now, &latest));
    }
    // Raw logs are read while the checks scan them, so their problems are known only now.
    loaded.report_problems();
    let text = report::full(&results, args.fail_on);
    write_stdout(|out| out.write_all(text.as_bytes()))?;
    let cases: Vec<Case> = results.iter().map(|r| r.case(args.fail_on)).collect();
    write_ci_reports(&args.report, "kqlite check", &cases)?;
    Ok(check::exit_code(&results, args.fail_on))
}

/// `--github` annotations on stdout (where the Actions runner reads workflow commands) and the
/// `--junit` file.
pub fn write_ci_reports(args: &CiReportArgs, suite: &str, cases: &[Case]) -> Result<(), Failure> {
    if args.github {
        let annotations = github::annotations(cases);
        write_stdout(|out| out.write_all(annotations.as_bytes()))?;
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
