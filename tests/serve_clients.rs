//! The real clients against `kqlite serve`, from the Python virtual environment `.ci/run`
//! makes (target/pyenv, tests/python/requirements.txt):
//! - azure-kusto-data's KustoClient (with_no_authentication): execute() compared with
//!   `kqlite query --format csv` on the same logs, execute_mgmt(), errors and truncation;
//! - the Log Analytics query API over HTTP, and azure-monitor-query's LogsQueryClient;
//! - the query page in headless Chromium driven by Selenium (grid, chart, error caret).
//!
//! Without the environment the tests say so and pass, except under CI (CI=true), where a
//! missing client is a failure.

mod serve_support;

use serve_support::{example_logs, Server, NOW};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's python, or None (a failure under CI) when it or `needs` is missing.
fn python(needs: &[&str]) -> Option<PathBuf> {
    let python = root().join("target/pyenv/bin/python");
    let missing: Vec<String> = std::iter::once(python.clone())
        .chain(needs.iter().map(PathBuf::from))
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return Some(python);
    }
    let message = format!(
        "missing {}: run .ci/run (it makes target/pyenv from tests/python/requirements.txt \
         and installs chromium and chromium-driver)",
        missing.join(", ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    eprintln!("skipped: {message}");
    None
}

fn run_script(python: &Path, script: &str, args: &[&str]) {
    let output = Command::new(python)
        .arg(root().join("tests/python").join(script))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{script}:\n{stdout}");
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(" passed, 0 failed") || script == "browser_page.py",
        "{stdout}"
    );
}

#[test]
fn kusto_python_client_matches_the_command_line() {
    let Some(python) = python(&[]) else { return };
    let server = Server::start(&example_logs(), &[]);
    let queries: Vec<String> = std::fs::read_dir(root().join("examples/queries"))
        .unwrap()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".kql"))
        .collect();
    let mut args = vec![
        server.url(),
        env!("CARGO_BIN_EXE_kqlite").to_string(),
        example_logs(),
        NOW.to_string(),
    ];
    args.extend(queries);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_script(&python, "kusto_client.py", &args);
}

#[test]
fn log_analytics_api_and_logs_query_client() {
    let Some(python) = python(&[]) else { return };
    let server = Server::start(&example_logs(), &[]);
    run_script(&python, "log_analytics.py", &[&server.url()]);
}

#[test]
fn query_page_in_headless_chromium() {
    let Some(python) = python(&["/usr/bin/chromium", "/usr/bin/chromedriver"]) else {
        return;
    };
    let server = Server::start(&example_logs(), &[]);
    let screenshot = root().join("target/serve-page.png");
    run_script(
        &python,
        "browser_page.py",
        &[
            &format!("{}/", server.url()),
            &screenshot.display().to_string(),
        ],
    );
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000);
}
