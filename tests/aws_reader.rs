//! AWS VPC flow logs through the binary (issue 14): the real examples of the AWS user guide as
//! S3 objects (`../shared/real-samples/aws`, read in place, never copied here), the same objects
//! concatenated into one file (a header further in starts a new format), and crafted defects in
//! `tests/data/aws-defects` (a last line cut without its newline, an action AWS never writes, a
//! record without `start`).
//! Field values: <https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html>.

mod common;

use common::{parse_csv, repo_root, run_kqlite, Outcome};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn kqlite(args: &[&str]) -> Outcome {
    run_kqlite(args, &repo_root(), "", Duration::from_secs(60))
}

/// `../shared/real-samples/aws`, or None (said on stderr) when the shared folder is absent.
fn real_samples() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/real-samples/aws");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("skipped: no ../shared/real-samples/aws beside the repository");
    None
}

/// Every `.log.gz` under `dir`, sorted.
fn gz_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(".log.gz") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// What the sample texts hold, counted by splitting each on its own header, independently of
/// kqlite: records, the sum of `bytes`, REJECT records, the sum of `tcp-flags`, and the
/// records of formats without `start`.
fn expected_totals(texts: &[String]) -> [i64; 5] {
    let mut totals = [0; 5];
    for text in texts {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split_ascii_whitespace().collect();
        let at = |name: &str| header.iter().position(|f| *f == name);
        for line in lines {
            // The guide's own TCP-flags example has a run of two spaces.
            let fields: Vec<&str> = line.split_ascii_whitespace().collect();
            let number = |name: &str| {
                at(name)
                    .and_then(|i| fields[i].parse::<i64>().ok())
                    .unwrap_or(0)
            };
            totals[0] += 1;
            totals[1] += number("bytes");
            totals[2] += i64::from(at("action").is_some_and(|i| fields[i] == "REJECT"));
            totals[3] += number("tcp-flags");
            totals[4] += i64::from(at("start").is_none());
        }
    }
    totals
}

const TOTALS: &str = "AWSVPCFlow | summarize n = count(), bytes = sum(Bytes), \
    rejects = countif(Action == 'REJECT'), flags = sum(TcpFlags), \
    untimed = countif(isnull(TimeGenerated))";

fn totals(logs: &str) -> (Vec<i64>, Outcome) {
    let out = kqlite(&["query", TOTALS, "--logs", logs, "--format", "csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = parse_csv(&out.stdout).unwrap();
    let values = rows[1].iter().map(|v| v.parse().unwrap()).collect();
    (values, out)
}

/// `query` over NTANetAnalytics filled from the AWS logs in `logs`, as CSV.
fn nta_from_aws(query: &str, logs: &str, extra: &[&str]) -> Outcome {
    let mut args = vec![
        "query",
        query,
        "--logs",
        logs,
        "--nta-from",
        "aws",
        "--format",
        "csv",
    ];
    args.extend(extra);
    kqlite(&args)
}

/// The warning lines of a run (the lines that name a log file).
fn warnings(out: &Outcome) -> Vec<&str> {
    out.stderr.lines().filter(|l| l.contains(".log")).collect()
}

#[test]
fn the_aws_guide_examples_load_each_by_its_own_header() {
    let Some(dir) = real_samples() else { return };
    let files = gz_files(&dir);
    assert_eq!(files.len(), 5, "{files:?}");
    let texts: Vec<String> = files.iter().map(|f| gunzip(f)).collect();
    let expected = expected_totals(&texts);
    // As awk counts them: 27 records, 23,496,020 bytes, 2 REJECTs, TCP flags summing to 130,
    // 10 records in formats without `start`.
    assert_eq!(expected, [27, 23_496_020, 2, 130, 10]);
    let (values, out) = totals(dir.to_str().unwrap());
    assert_eq!(values, expected, "{}", out.stderr);
    // The NAT and transit-gateway examples name no `start`: said once per file, nothing else.
    let warned = warnings(&out);
    assert_eq!(warned.len(), 2, "{}", out.stderr);
    for line in warned {
        assert!(
            line.contains(":1: the header names no `start` field: TimeGenerated of the records under it is null"),
            "{line}"
        );
    }
    // In NTANetAnalytics they make no flow row, and each file says how many.
    let out = nta_from_aws(
        "NTANetAnalytics | count",
        dir.to_str().unwrap(),
        &["--interval", "0"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for count in [4, 6] {
        let expected =
            format!("the header names no `start` field: its {count} records make no flow row");
        assert!(out.stderr.contains(&expected), "{expected}\n{}", out.stderr);
    }
}

#[test]
fn concatenated_s3_objects_keep_every_format() {
    let Some(dir) = real_samples() else { return };
    let files = gz_files(&dir);
    let texts: Vec<String> = files.iter().map(|f| gunzip(f)).collect();
    let expected = expected_totals(&texts);
    let scratch = std::env::temp_dir().join(format!("kqlite-aws-concat-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("plain")).unwrap();
    std::fs::create_dir_all(scratch.join("gzip")).unwrap();
    // As `cat` joins the objects: decompressed text, and gzip members one after another.
    std::fs::write(scratch.join("plain/all.log"), texts.concat()).unwrap();
    let members: Vec<u8> = files
        .iter()
        .flat_map(|f| std::fs::read(f).unwrap())
        .collect();
    std::fs::write(scratch.join("gzip/all.log.gz"), members).unwrap();
    for folder in ["plain", "gzip"] {
        let (values, out) = totals(scratch.join(folder).to_str().unwrap());
        assert_eq!(values, expected, "{folder}: {}", out.stderr);
        // Only the two formats without `start` are reported, at their header lines.
        let warned = warnings(&out);
        assert_eq!(warned.len(), 2, "{folder}: {}", out.stderr);
        assert!(warned.iter().all(|l| l.contains("no `start` field")));
        assert!(
            !out.stderr.contains("space-separated fields"),
            "{}",
            out.stderr
        );
    }
    std::fs::remove_dir_all(&scratch).unwrap();
}

#[test]
fn a_last_line_cut_without_its_newline_is_reported_not_kept() {
    for (file, expected) in [
        (
            "cut-in-status.log",
            "cut-in-status.log:3: the last line has no newline and does not parse (`log-status` is not OK, NODATA or SKIPDATA: `NODAT`",
        ),
        (
            "cut-in-bytes.log",
            "cut-in-bytes.log:3: the last line has no newline and does not parse (expected 14 space-separated fields, found 10)",
        ),
    ] {
        let path = format!("tests/data/aws-defects/{file}");
        let (values, out) = totals(&path);
        // Only the whole first record counts: no `48` bytes, no `NODAT` row.
        assert_eq!(values, [1, 48720, 0, 0, 0], "{file}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{file}: {}", out.stderr);
        assert!(out.stderr.contains("1 record skipped"), "{}", out.stderr);
        let strict = kqlite(&["query", TOTALS, "--logs", &path, "--strict"]);
        assert_eq!(strict.code, Some(3), "{}", strict.stderr);
    }
}

#[test]
fn a_second_object_with_other_fields_is_read_by_its_own_header() {
    let path = "tests/data/aws-defects/two-objects.log";
    let query = "AWSVPCFlow | project InterfaceId, SrcPort, Bytes, Action, TimeGenerated, End";
    let out = kqlite(&["query", query, "--logs", path, "--format", "csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "InterfaceId,SrcPort,Bytes,Action,TimeGenerated,End\r\n\
         eni-1,40000,300,ACCEPT,2014-12-14T04:06:50Z,2014-12-14T04:07:50Z\r\n\
         eni-2,,,REJECT,2014-12-14T04:08:20Z,2014-12-14T04:09:20Z\r\n\
         eni-2,,,,2014-12-14T04:09:20Z,2014-12-14T04:09:20Z\r\n"
    );
    for expected in [
        "two-objects.log:3: the header names `ecs-task-id`, which AWSVPCFlow has no column for here",
        "two-objects.log:5: `action` is not ACCEPT or REJECT: `ALLOW`; the value is left null",
        "two-objects.log:5: the record has no `start` (`-`): TimeGenerated is taken from `end`",
    ] {
        assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
    }
    assert!(out.stderr.contains("0 records skipped"), "{}", out.stderr);
}

#[test]
fn an_interval_that_would_end_after_year_9999_ends_null() {
    // Kusto's datetimes end with 9999-12-31 23:59:59
    // (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime): a flow in that last
    // hour has an interval end no datetime holds, so it is null, never a wrapped year −27258.
    let dir = std::env::temp_dir().join(format!("kqlite-aws-9999-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("last.log"),
        "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 100 253402300799 253402300799 ACCEPT OK\n\
         2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 100 253402300800 253402300800 ACCEPT OK\n",
    )
    .unwrap();
    let query = "NTANetAnalytics | project FlowEndTime, FlowIntervalStartTime, FlowIntervalEndTime, TimeGenerated";
    let out = nta_from_aws(query, dir.to_str().unwrap(), &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "FlowEndTime,FlowIntervalStartTime,FlowIntervalEndTime,TimeGenerated\r\n\
         9999-12-31T23:59:59Z,9999-12-31T23:00:00Z,,\r\n"
    );
    // The record at 10000-01-01 is out of range: reported, and makes no row.
    assert!(
        out.stderr
            .contains("last.log:2: `start` is not a time from year 1 to 9999: `253402300800`"),
        "{}",
        out.stderr
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
