//! Behaviour as data: every `tests/cases/**/NAME.kql` runs through the built binary
//! (`kqlite query -f NAME.kql --format csv`, from the repository root) and its output is compared
//! byte for byte with the file beside it:
//!
//! - `NAME.csv` / `NAME.out` (`--format table`) / `NAME.json` / `NAME.jsonl` / `NAME.svg`
//!   (`--chart -`): stdout of a successful run;
//! - `NAME.plan`: stdout of `--explain` (the optimized plan), for every case under an
//!   `explain/` folder or whose header passes `--explain`;
//! - `NAME.err`: stderr of a failing run, whose exit code must be 2 or as `// exit:` says.
//!
//! A case may start with header lines: `// args: --logs tests/data/Flows.csv --now …` (extra
//! flags, split on whitespace) and `// exit: 3`. `BLESS=1` rewrites the expected files from the
//! run; arguments that do not start with `-` filter cases by path.

mod common;

use common::{repo_root, run_kqlite};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

const TIME_LIMIT: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    let root = repo_root();
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let bless = std::env::var_os("BLESS").is_some();
    let mut cases = Vec::new();
    collect_cases(&root.join("tests/cases"), &mut cases);
    cases.sort();

    let (mut passed, mut failed) = (0, 0);
    for case in cases {
        let name = case
            .strip_prefix(&root)
            .unwrap_or(&case)
            .to_string_lossy()
            .into_owned();
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        match run_case(&root, &name, bless) {
            Ok(()) => passed += 1,
            Err(reason) => {
                failed += 1;
                println!("FAIL {name}: {reason}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn collect_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "kql") {
            out.push(path);
        }
    }
}

/// The flags a case asks for, and the exit code it expects when it fails.
struct Header {
    args: Vec<String>,
    exit: i32,
}

fn read_header(text: &str) -> Header {
    let mut header = Header {
        args: Vec::new(),
        exit: 2,
    };
    for line in text.lines() {
        if let Some(args) = line.strip_prefix("// args:") {
            header
                .args
                .extend(args.split_whitespace().map(String::from));
        } else if let Some(code) = line.strip_prefix("// exit:") {
            header.exit = code.trim().parse().unwrap_or(2);
        } else {
            break;
        }
    }
    header
}

/// The expected-output extension for a successful run with these flags.
fn output_extension(args: &[String]) -> &'static str {
    if args.iter().any(|a| a == "--explain") {
        return "plan";
    }
    if args.windows(2).any(|w| w[0] == "--chart" && w[1] == "-") {
        return "svg";
    }
    match args
        .windows(2)
        .find(|w| w[0] == "--format")
        .map(|w| w[1].as_str())
    {
        Some("table") => "out",
        Some("json") => "json",
        Some("jsonl") => "jsonl",
        _ => "csv",
    }
}

fn run_case(root: &Path, name: &str, bless: bool) -> Result<(), String> {
    let kql = root.join(name);
    let text = std::fs::read_to_string(&kql).map_err(|e| format!("cannot read: {e}"))?;
    let mut header = read_header(&text);
    // A case under `explain/` pins the plan `--explain` prints (NAME.plan).
    let explain = Path::new(name)
        .components()
        .any(|c| c.as_os_str() == "explain");
    if explain && !header.args.iter().any(|a| a == "--explain") {
        header.args.push("--explain".into());
    }
    let mut args = vec!["query".to_string(), "-f".into(), name.to_string()];
    if !header.args.iter().any(|a| a == "--format") {
        args.extend(["--format".into(), "csv".into()]);
    }
    args.extend(header.args.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = run_kqlite(&args, root, "", TIME_LIMIT);

    let out_path = kql.with_extension(output_extension(&header.args));
    let err_path = kql.with_extension("err");
    let (path, actual, stale) = match outcome.code {
        None => return Err(format!("timed out after {}s", TIME_LIMIT.as_secs())),
        Some(0) => (&out_path, &outcome.stdout, &err_path),
        Some(code) => {
            if code != header.exit && !bless {
                let first = outcome.stderr.lines().next().unwrap_or("");
                return Err(format!("exit {code}, expected {}: {first}", header.exit));
            }
            (&err_path, &outcome.stderr, &out_path)
        }
    };
    if bless {
        std::fs::write(path, actual).map_err(|e| format!("cannot bless: {e}"))?;
        let _ = std::fs::remove_file(stale);
        return Ok(());
    }
    let expected = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(_) if stale.exists() => {
            let first = actual.lines().next().unwrap_or("");
            let wanted = stale.file_name().unwrap().to_string_lossy();
            return Err(match outcome.code {
                Some(0) => format!("succeeded, but {wanted} expects an error: {first}"),
                code => format!("failed (exit {code:?}), but {wanted} expects success: {first}"),
            });
        }
        Err(_) => return Err(format!("no {} (run with BLESS=1)", path.display())),
    };
    if *actual == expected {
        return Ok(());
    }
    Err(first_difference(&expected, actual))
}

/// Where two texts part, as one line each way.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut want = expected.split_inclusive('\n');
    let mut got = actual.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (want.next(), got.next()) {
            (Some(w), Some(g)) if w == g => line += 1,
            (w, g) => {
                return format!(
                    "line {line}: got {:?}, expected {:?}",
                    g.unwrap_or("<end>"),
                    w.unwrap_or("<end>")
                )
            }
        }
    }
}
