//! Kusto's documented examples (`shared/conformance/{cases,adapted}`), each run through the
//! built binary as a user would: `kqlite query -f CASE.kql --format csv`. The result is compared
//! with the case's CSV as the conformance README says: rows in order or as a multiset, `make_set`
//! columns as sets, JSON cells as parsed JSON with numbers by value, reals to 1e-12 relative.
//!
//! Prints each failing case with a one-line reason and ends with `N passed, N failed`. Fails
//! only when a case fails that `tests/conformance-known-failures.txt` does not list, so the
//! passing count can only go up. `BLESS=1` rewrites that list from the run. Arguments that do not start with `-` filter cases by name.
//!
//! The corpus is looked for in `../shared/conformance` beside the repository (or in the nearest
//! ancestor folder holding `shared/conformance`), or where `KQLITE_CONFORMANCE` points.

mod common;

use common::{parse_csv, repo_root, run_kqlite};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

const KNOWN_FAILURES: &str = "tests/conformance-known-failures.txt";
const TIME_LIMIT: Duration = Duration::from_secs(20);

fn main() -> ExitCode {
    let Some(corpus) = find_corpus() else {
        println!(
            "conformance: skipped, no shared/conformance folder found (set KQLITE_CONFORMANCE)"
        );
        return ExitCode::SUCCESS;
    };
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let known_path = repo_root().join(KNOWN_FAILURES);
    let known = read_known_failures(&known_path);

    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    let mut passed = 0;
    for (id, kql) in list_cases(&corpus) {
        if !filters.is_empty() && !filters.iter().any(|f| id.contains(f.as_str())) {
            continue;
        }
        match run_case(&kql) {
            Ok(()) => passed += 1,
            Err(reason) => {
                failures.insert(id, reason);
            }
        }
    }

    let mut unexpected = 0;
    for (id, reason) in &failures {
        let mark = if known.contains_key(id) {
            "known"
        } else {
            unexpected += 1;
            "NEW"
        };
        println!("FAIL {id} [{mark}]: {reason}");
    }
    if filters.is_empty() {
        for id in known.keys().filter(|id| !failures.contains_key(*id)) {
            println!("note: {id} passes now; remove it from {KNOWN_FAILURES}");
        }
        if std::env::var_os("BLESS").is_some() {
            write_known_failures(&known_path, &failures);
            println!("wrote {KNOWN_FAILURES} ({} cases)", failures.len());
            unexpected = 0;
        }
    }
    println!("{passed} passed, {} failed", failures.len());
    if unexpected > 0 {
        println!("{unexpected} failing case(s) not listed in {KNOWN_FAILURES}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn find_corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KQLITE_CONFORMANCE") {
        return Some(PathBuf::from(dir));
    }
    repo_root()
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/conformance"))
        .find(|dir| dir.join("cases").is_dir())
}

/// `(cases/001-abs, path to its .kql)` for both folders, in name order.
fn list_cases(corpus: &Path) -> Vec<(String, PathBuf)> {
    let mut cases = Vec::new();
    for folder in ["cases", "adapted"] {
        let Ok(entries) = std::fs::read_dir(corpus.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "kql") {
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                cases.push((format!("{folder}/{stem}"), path));
            }
        }
    }
    cases.sort();
    cases
}

/// The `// key: value` lines a case starts with.
struct Metadata {
    ordered: bool,
    set_columns: Vec<String>,
}

fn read_metadata(text: &str) -> Metadata {
    const KEYS: [&str; 7] = [
        "source",
        "source-commit",
        "ordered",
        "features",
        "set-columns",
        "note",
        "adapted-from",
    ];
    let mut meta = Metadata {
        ordered: false,
        set_columns: Vec::new(),
    };
    for line in text.lines() {
        let Some((key, value)) = line.strip_prefix("// ").and_then(|l| l.split_once(": ")) else {
            break;
        };
        if !KEYS.contains(&key) {
            break;
        }
        match key {
            "ordered" => meta.ordered = value.trim() == "true",
            "set-columns" => {
                meta.set_columns = value.split(',').map(|c| c.trim().to_string()).collect()
            }
            _ => {}
        }
    }
    meta
}

fn run_case(kql: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(kql).map_err(|e| format!("cannot read the case: {e}"))?;
    let expected_text = std::fs::read_to_string(kql.with_extension("csv"))
        .map_err(|e| format!("cannot read the expected CSV: {e}"))?;
    let meta = read_metadata(&text);
    let kql_arg = kql.to_string_lossy();
    let outcome = run_kqlite(
        &["query", "-f", &kql_arg, "--format", "csv"],
        &repo_root(),
        "",
        TIME_LIMIT,
    );
    match outcome.code {
        None => return Err(format!("timed out after {}s", TIME_LIMIT.as_secs())),
        Some(0) => {}
        Some(code) => {
            let first = outcome.stderr.lines().next().unwrap_or("").trim();
            return Err(format!("exit {code}: {first}"));
        }
    }
    let expected = parse_csv(&expected_text).map_err(|e| format!("expected CSV: {e}"))?;
    let actual = parse_csv(&outcome.stdout).map_err(|e| format!("output CSV: {e}"))?;
    compare(&expected, &actual, &meta)
}

/// Header exactly, then the rows in order or as a multiset.
fn compare(
    expected: &[Vec<String>],
    actual: &[Vec<String>],
    meta: &Metadata,
) -> Result<(), String> {
    let (Some(header), Some(got_header)) = (expected.first(), actual.first()) else {
        return Err("no header line in the output".into());
    };
    if header != got_header {
        return Err(format!("columns {got_header:?}, expected {header:?}"));
    }
    let is_set: Vec<bool> = header
        .iter()
        .map(|c| meta.set_columns.contains(c))
        .collect();
    let (want, got) = (&expected[1..], &actual[1..]);
    if want.len() != got.len() {
        return Err(format!("{} rows, expected {}", got.len(), want.len()));
    }
    let rows_equal = |a: &Vec<String>, b: &Vec<String>| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .zip(&is_set)
                .all(|((x, y), &set)| cells_equal(x, y, set))
    };
    if meta.ordered {
        for (i, (w, g)) in want.iter().zip(got).enumerate() {
            if !rows_equal(w, g) {
                return Err(format!(
                    "row {}: got {}, expected {}",
                    i + 1,
                    g.join(","),
                    w.join(",")
                ));
            }
        }
        return Ok(());
    }
    let mut unused: Vec<&Vec<String>> = got.iter().collect();
    for w in want {
        match unused.iter().position(|g| rows_equal(w, g)) {
            Some(i) => {
                unused.swap_remove(i);
            }
            None => return Err(format!("expected row not found: {}", w.join(","))),
        }
    }
    Ok(())
}

fn cells_equal(expected: &str, actual: &str, is_set: bool) -> bool {
    if expected == actual {
        return true;
    }
    if expected.starts_with(['[', '{']) {
        return match (
            serde_json::from_str::<Json>(expected),
            serde_json::from_str::<Json>(actual),
        ) {
            (Ok(a), Ok(b)) => json_equal(&a, &b, is_set),
            _ => false,
        };
    }
    match (expected.parse::<f64>(), actual.parse::<f64>()) {
        (Ok(a), Ok(b)) => reals_equal(a, b),
        _ => false,
    }
}

/// Structural equality with numbers compared by value; `as_set` compares the top-level array
/// ignoring order.
fn json_equal(a: &Json, b: &Json, as_set: bool) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => reals_equal(
            x.as_f64().unwrap_or(f64::NAN),
            y.as_f64().unwrap_or(f64::NAN),
        ),
        (Json::Array(x), Json::Array(y)) if as_set => {
            x.len() == y.len()
                && x.iter().all(|e| y.iter().any(|f| json_equal(e, f, false)))
                && y.iter().all(|f| x.iter().any(|e| json_equal(e, f, false)))
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(e, f)| json_equal(e, f, false))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w, false)))
        }
        _ => a == b,
    }
}

fn reals_equal(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

/// `cases/001-abs  reason` lines; `#` comments and blank lines are skipped.
fn read_known_failures(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((id, reason)) => (id.to_string(), reason.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

fn write_known_failures(path: &Path, failures: &BTreeMap<String, String>) {
    let mut text = String::from(
        "# Conformance cases that fail today, one per line: `folder/case  reason`.\n\
         # tests/conformance.rs fails when a case fails that is not listed here.\n\
         # `BLESS=1 cargo test --test conformance` rewrites this file from a run.\n",
    );
    for (id, reason) in failures {
        text.push_str(&format!("{id}  {reason}\n"));
    }
    std::fs::write(path, text).expect("the known-failures file is writable");
}
