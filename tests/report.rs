//! `kqlite report` end to end: the page over the sample logs is opened in headless Chromium
//! (a real browser: no console message, no script), every section's heading is there, and each
//! panel shows the same first number as its query run with `kqlite query`. Broken panels and
//! empty log folders give a page too, with the exit code saying what went wrong.

mod common;

use common::{repo_root, run_kqlite, Outcome};
use kqlite::report::{builtin, panel::Condition};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// `--now` for the sample logs, which end on 2024-05-09.
const NOW: &str = "2024-05-10T00:00:00Z";

fn kqlite(args: &[&str]) -> Outcome {
    run_kqlite(args, &repo_root(), "", Duration::from_secs(120))
}

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kqlite-report-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Load `page` in headless Chromium; the DOM it built and every console line it logged.
fn open_in_chromium(page: &Path, scratch: &Path) -> (String, Vec<String>) {
    assert!(
        Path::new(CHROMIUM).exists(),
        "this test needs Chromium: apt-get install -y chromium (.ci/run does)"
    );
    let profile = scratch.join("chromium-profile");
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    )
}

#[test]
fn chromium_reports_console_messages_so_their_absence_means_something() {
    let dir = scratch("console");
    let page = dir.join("noisy.html");
    std::fs::write(
        &page,
        "<html><body><script>console.error('noisy page')</script></body></html>",
    )
    .unwrap();
    let (_, console) = open_in_chromium(&page, &dir);
    assert!(
        console.iter().any(|l| l.contains("noisy page")),
        "{console:?}"
    );
}

/// The text of the `<article>` of panel `id` in `dom`.
fn article<'a>(dom: &'a str, id: &str) -> Option<&'a str> {
    let start = dom.find(&format!("data-panel=\"{id}\""))?;
    let end = dom[start..].find("</article>")? + start;
    Some(&dom[start..end])
}

/// The `data-value` of the cell of `column` in row 0 inside `html`.
fn first_row_value(html: &str, column: &str) -> Option<String> {
    let key = format!("data-column=\"{column}\" data-row=\"0\" data-value=\"");
    let at = html.find(&key)? + key.len();
    let end = html[at..].find('"')? + at;
    Some(html[at..end].to_string())
}

/// The panel's query through `kqlite query --format json`: column names and types, rows.
fn query_panel(path: &str, extra: &[&str]) -> (Vec<(String, String)>, Vec<Vec<serde_json::Value>>) {
    let mut args = vec![
        "query",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "-f",
        path,
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = kqlite(&args);
    assert_eq!(out.code, Some(0), "{path}: {}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let table = &json["tables"][0];
    let columns = table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap().to_string();
            (text("name"), text("type"))
        })
        .collect();
    let rows = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().clone())
        .collect();
    (columns, rows)
}

#[test]
fn the_report_over_the_sample_logs_opens_in_chromium_and_matches_kqlite_query() {
    // Without --topology and subnets, only the panels without a condition or for no topology
    // are shown.
    let shown = |when: &Option<Condition>| matches!(when, None | Some(Condition::NoTopology));
    check_report("sample", &[], &[], shown);
}

#[test]
fn with_a_topology_the_report_shows_its_panels_and_the_gateway_and_firewall_ones() {
    let topology = [
        "--topology",
        "examples/topology/vnets.json",
        "--topology",
        "examples/topology/nics.json",
        "--topology",
        "examples/topology/vms.json",
    ];
    // The subnets the report finds in vnets.json, given to `kqlite query` as parameters.
    let mut query_args = topology.to_vec();
    query_args.extend([
        "--param",
        "gateway_subnet=10.10.4.0/24",
        "--param",
        "firewall_subnet=10.10.1.0/24",
    ]);
    let shown = |when: &Option<Condition>| !matches!(when, Some(Condition::NoTopology));
    check_report("topology", &topology, &query_args, shown);
}

/// Write the report over the sample logs with `report_args`, open it in Chromium, and check
/// every section heading and, for each panel `shown` keeps, its title and first number
/// against `kqlite query` with `query_args`.
fn check_report(
    test: &str,
    report_args: &[&str],
    query_args: &[&str],
    shown: impl Fn(&Option<Condition>) -> bool,
) {
    let dir = scratch(test);
    let page = dir.join("r.html");
    let page_arg = page.display().to_string();
    let mut args = vec![
        "report",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "-o",
        &page_arg,
    ];
    args.extend(report_args);
    let out = kqlite(&args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let written = std::fs::read_to_string(&page).unwrap();
    for fetched in ["<script", "<link", "src=\"http", "url(http", "@import"] {
        assert!(!written.contains(fetched), "the page has {fetched}");
    }

    let (dom, console) = open_in_chromium(&page, &dir);
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(dom.contains("<h1>Traffic overview</h1>"), "not the report");

    let mut sections = Vec::new();
    let mut checked = 0;
    for panel in &builtin::panels() {
        let header = panel.header().unwrap();
        let html = article(&dom, panel.id());
        if !shown(&header.when) {
            assert!(html.is_none(), "{} is shown", panel.name);
            continue;
        }
        if !sections.contains(&header.section) {
            sections.push(header.section.clone());
        }
        let html = html.unwrap_or_else(|| panic!("{} is not on the page", panel.name));
        assert!(
            html.contains(&format!("<h3>{}</h3>", header.title)),
            "{}",
            panel.name
        );
        let (columns, rows) = query_panel(&panel.path, query_args);
        if rows.is_empty() {
            assert!(html.contains("No data."), "{}", panel.name);
            continue;
        }
        let numeric = ["long", "int", "real"];
        let (index, (name, _)) = columns
            .iter()
            .enumerate()
            .find(|(_, (_, ty))| numeric.contains(&ty.as_str()))
            .unwrap_or_else(|| panic!("{} has no number", panel.name));
        let expected = rows[0][index].as_f64().unwrap();
        let shown = first_row_value(html, name)
            .unwrap_or_else(|| panic!("{}: no cell for {name} in row 0", panel.name));
        assert_eq!(
            shown.parse::<f64>().unwrap(),
            expected,
            "{}: {name}",
            panel.name
        );
        checked += 1;
    }
    assert_eq!(sections.len(), 4, "{sections:?}");
    for section in &sections {
        assert!(dom.contains(&format!("<h2>{section}</h2>")), "{section}");
    }
    assert!(checked >= 25, "only {checked} panels had a number");
}

#[test]
fn a_broken_panel_is_named_by_path_and_line_and_the_page_is_still_written() {
    let dir = scratch("broken");
    let panels = dir.join("panels");
    std::fs::create_dir_all(&panels).unwrap();
    std::fs::write(
        panels.join("95-broken.kql"),
        "// title: Broken\n// section: Mine\nNTANetAnalytics\n| where DestPort = = 22\n| count\n",
    )
    .unwrap();
    std::fs::write(
        panels.join("96-mine.kql"),
        "// title: Mine\n// chart: card\n// section: Mine\nNTANetAnalytics | summarize Rows = count()\n",
    )
    .unwrap();
    let page = dir.join("r.html");
    let out = kqlite(&[
        "report",
        "--logs",
        "examples/logs",
        "--now",
        NOW,
        "--panels",
        &panels.display().to_string(),
        "-o",
        &page.display().to_string(),
    ]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("95-broken.kql:4:"), "{}", out.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("95-broken.kql:4:"));
    let mine = article(&html, "96-mine").expect("the good panel is there");
    assert_eq!(first_row_value(mine, "Rows").as_deref(), Some("969"));
    assert!(
        article(&html, "10-summary").is_some(),
        "shipped panels stay"
    );

    let listed = kqlite(&[
        "report",
        "--list-panels",
        "--panels",
        &panels.display().to_string(),
    ]);
    assert_eq!(listed.code, Some(0));
    assert!(listed.stdout.contains("96-mine.kql") && listed.stdout.contains("10-summary.kql"));
}

#[test]
fn an_empty_log_folder_gives_a_page_that_says_there_is_no_data() {
    let dir = scratch("empty");
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let page = dir.join("r.html");
    let out = kqlite(&[
        "report",
        "--logs",
        &logs.display().to_string(),
        "--now",
        NOW,
        "-o",
        &page.display().to_string(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("id=\"no-data\""), "{html}");
    assert!(!html.contains("<section"));
}

#[test]
fn latest_and_since_narrow_the_report_to_the_last_hour() {
    let dir = scratch("since");
    let page = dir.join("r.html");
    let out = kqlite(&[
        "report",
        "--logs",
        "examples/logs",
        "--now",
        "latest",
        "--since",
        "1h",
        "--gateway-subnet",
        "10.10.4.0/24",
        "-o",
        &page.display().to_string(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("(the latest event)"), "{html}");
    assert!(html.contains("time range: the last 1 hour"));
    assert!(article(&html, "30-gateway-subnet-by-mac").is_some());
    // The latest event is an AWS record at 12:55; one hour before it, the VNet flows of 11:00
    // and later are all that is left, and the sample's VNet logs end at 11:00.
    let summary = article(&html, "10-summary").unwrap();
    assert!(
        summary.contains("No data: its tables hold no rows"),
        "{summary}"
    );
    let bad = kqlite(&["report", "--logs", "examples/logs", "--since", "soon"]);
    assert_eq!(bad.code, Some(2));
}
