//! The report as one self-contained HTML page: inline CSS and SVG, no scripts, no fonts or
//! images fetched, so it opens from a CI artifact or an e-mail with no network. Light and dark
//! follow `prefers-color-scheme` (charts keep their white card, legible on both), and print
//! drops the navigation. Tables keep the order the panel's query gives them (no script sorts
//! them). Every number is shown for people (`1.2 GB`, `34.5 K`) with its exact value in
//! `title` (shown on hover) and `data-value`.

use super::number_text::{self, Quantity};
use super::panel::Header;
use super::{Outcome, PanelResult, Report, Section};
use crate::format::{timespan_text, value_text};
use crate::table::{Column, Table, Value};
use std::fmt::Write as _;

/// Rows of a result table shown; the rest are counted in one line.
pub const SHOWN_ROWS: usize = 50;

/// The whole page.
pub fn page(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    out.push_str("<title>Traffic overview · kqlite report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    page_header(report, &mut out);
    out.push_str("<main>\n");
    if !report.has_data() {
        let _ = writeln!(
            out,
            "<p class=\"nodata-all\" id=\"no-data\">No data: the logs hold no rows of the \
             tables the panels read{}.</p>",
            if report.since.is_some() {
                " in the time range"
            } else {
                ""
            }
        );
    }
    for section in &report.sections {
        write_section(section, &mut out);
    }
    out.push_str("</main>\n");
    footer(&mut out);
    out.push_str("</body>\n</html>\n");
    out
}

fn page_header(report: &Report, out: &mut String) {
    out.push_str("<header>\n<h1>Traffic overview</h1>\n<p class=\"meta\">");
    let logs: Vec<String> = report
        .logs
        .iter()
        .map(|l| format!("<code>{}</code>", escape(l)))
        .collect();
    let logs = if logs.is_empty() {
        "none given".to_string()
    } else {
        logs.join(", ")
    };
    let _ = write!(
        out,
        "Logs: {logs} · now: {}",
        number_text::datetime(report.now)
    );
    if report.now_is_latest {
        out.push_str(" (the latest event)");
    }
    match report.since {
        Some((span, after)) => {
            let _ = write!(
                out,
                " · time range: the last {} (TimeGenerated after {})",
                escape(&timespan_words(span)),
                number_text::datetime(after)
            );
        }
        None => out.push_str(" · time range: every row"),
    }
    out.push_str("</p>\n");
    if !report.tables.is_empty() {
        out.push_str("<p class=\"meta\">Rows read: ");
        let tables: Vec<String> = report
            .tables
            .iter()
            .map(|(name, rows)| {
                format!(
                    "{} <span title=\"{rows}\">{}</span>",
                    escape(name),
                    Quantity::Count.text(*rows as f64)
                )
            })
            .collect();
        out.push_str(&tables.join(" · "));
        out.push_str("</p>\n");
    }
    if report.sections.len() > 1 {
        out.push_str("<nav>");
        for section in &report.sections {
            let _ = write!(
                out,
                "<a href=\"#{}\">{}</a>",
                section_id(&section.title),
                escape(&section.title)
            );
        }
        out.push_str("</nav>\n");
    }
    out.push_str("</header>\n");
}

/// `2d`, `12h`, `1.12:00:00` as words.
fn timespan_words(ticks: i64) -> String {
    let hours = ticks as f64 / (3600.0 * 1e7);
    if hours >= 24.0 && (hours / 24.0).fract() == 0.0 {
        let days = hours / 24.0;
        format!("{days} day{}", if days == 1.0 { "" } else { "s" })
    } else if hours.fract() == 0.0 && hours >= 1.0 {
        format!("{hours} hour{}", if hours == 1.0 { "" } else { "s" })
    } else {
        timespan_text(ticks)
    }
}

fn footer(out: &mut String) {
    let _ = writeln!(
        out,
        "<footer><p>Made by kqlite {} from the panels' KQL: each panel's query is under it, \
         ready to paste into Log Analytics. Bytes are in decimal units (1 KB = 1000 bytes); \
         K, M and B count thousands, millions and billions. Hover a number for its exact \
         value. Tables are in the order their query sorts them.</p></footer>",
        env!("CARGO_PKG_VERSION")
    );
}

fn section_id(title: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug: Vec<&str> = slug.split('-').filter(|s| !s.is_empty()).collect();
    format!("s-{}", slug.join("-"))
}

fn write_section(section: &Section, out: &mut String) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h2>{}</h2>\n<div class=\"grid\">",
        section_id(&section.title),
        escape(&section.title)
    );
    for panel in &section.panels {
        write_panel(panel, out);
    }
    out.push_str("</div>\n</section>\n");
}

fn write_panel(result: &PanelResult, out: &mut String) {
    let panel = &result.panel;
    let title = result
        .header
        .as_ref()
        .map_or(panel.id(), |h| h.title.as_str());
    let wide = is_wide(result);
    let _ = writeln!(
        out,
        "<article class=\"panel{}\" id=\"p-{id}\" data-panel=\"{id}\">\n<h3>{}</h3>",
        if wide { " wide" } else { "" },
        escape(title),
        id = escape(panel.id()),
    );
    if let Some(caption) = result.header.as_ref().map(|h| &h.caption) {
        if !caption.is_empty() {
            let _ = writeln!(out, "<p class=\"caption\">{}</p>", escape(caption));
        }
    }
    match &result.outcome {
        Outcome::Failed(error) => {
            let _ = writeln!(
                out,
                "<pre class=\"error\">{}</pre>",
                escape(&error.render(&panel.source, &panel.path))
            );
        }
        Outcome::NoData => {
            out.push_str(
                "<p class=\"nodata\">No data: its tables hold no rows in the time range.</p>\n",
            );
        }
        Outcome::Shown { table, .. } if table.num_rows() == 0 => {
            out.push_str("<p class=\"nodata\">No data.</p>\n");
        }
        Outcome::Shown { table, chart } => {
            let header = result.header.as_ref();
            if header.and_then(|h| h.chart.as_deref()) == Some("card") {
                write_tiles(table, out);
            } else if let Some(svg) = chart {
                let _ = writeln!(out, "<figure class=\"chart\">{}</figure>", inline_svg(svg));
                let _ = writeln!(
                    out,
                    "<details class=\"data\"><summary>Data ({} rows)</summary>",
                    table.num_rows()
                );
                write_table(table, out);
                out.push_str("</details>\n");
            } else {
                write_table(table, out);
            }
        }
    }
    let _ = writeln!(
        out,
        "<details class=\"query\"><summary>Query · <code>{}</code></summary>\n<pre><code>{}</code></pre></details>",
        escape(&panel.path),
        escape(panel.source.trim_end())
    );
    out.push_str("</article>\n");
}

/// Charts, wide tables and errors take the whole row of the grid.
fn is_wide(result: &PanelResult) -> bool {
    match &result.outcome {
        Outcome::Failed(_) => true,
        Outcome::NoData => false,
        Outcome::Shown { table, chart } => {
            let kind = result
                .header
                .as_ref()
                .and_then(|h: &Header| h.chart.as_deref());
            let long_text = table.columns.iter().any(|c| match c {
                Column::String(values) => values.iter().take(SHOWN_ROWS).any(|v| v.len() > 32),
                _ => false,
            });
            (chart.is_some() && kind != Some("piechart")) || table.schema.len() > 5 || long_text
        }
    }
}

/// The chart's SVG without anything before its root element.
fn inline_svg(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |at| &svg[at..])
}

/// The first row as figures, one per column.
fn write_tiles(table: &Table, out: &mut String) {
    out.push_str("<dl class=\"tiles\">\n");
    for (field, column) in table.schema.fields.iter().zip(&table.columns) {
        let _ = write!(out, "<div><dt>{}</dt>", escape(&field.name));
        let cell = Cell::of(&field.name, column, 0);
        let _ = writeln!(out, "<dd{}>{}</dd></div>", cell.attributes, cell.text);
    }
    out.push_str("</dl>\n");
}

fn write_table(table: &Table, out: &mut String) {
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for (field, column) in table.schema.fields.iter().zip(&table.columns) {
        let class = if is_numeric(column) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(out, "<th{class}>{}</th>", escape(&field.name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let shown = table.num_rows().min(SHOWN_ROWS);
    for row in 0..shown {
        out.push_str("<tr>");
        for (field, column) in table.schema.fields.iter().zip(&table.columns) {
            let cell = Cell::of(&field.name, column, row);
            let _ = write!(out, "<td{}>{}</td>", cell.attributes, cell.text);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    if table.num_rows() > shown {
        let _ = writeln!(
            out,
            "<p class=\"more\">{} more rows are not shown; run the query for all of them.</p>",
            table.num_rows() - shown
        );
    }
}

fn is_numeric(column: &Column) -> bool {
    matches!(column, Column::Int(_) | Column::Long(_) | Column::Real(_))
}

/// A value's text and the attributes of its element (already escaped).
struct Cell {
    attributes: String,
    text: String,
}

impl Cell {
    fn of(name: &str, column: &Column, row: usize) -> Cell {
        let value = column.get(row);
        let exact = value_text(&value);
        let number = match value {
            Value::Int(v) => Some(v as f64),
            Value::Long(v) => Some(v as f64),
            Value::Real(v) => Some(v),
            _ => None,
        };
        let (class, text) = match (&value, number) {
            (_, Some(n)) => ("num", Quantity::of_column(name).text(n)),
            (Value::DateTime(t), _) => ("time", number_text::datetime(*t)),
            (Value::Dynamic(json), _) => ("", list_text(json).unwrap_or_else(|| exact.clone())),
            _ => ("", exact.clone()),
        };
        let mut attributes = format!(
            " data-column=\"{}\" data-row=\"{row}\" data-value=\"{}\"",
            escape(name),
            escape(&exact)
        );
        if !class.is_empty() {
            let _ = write!(attributes, " class=\"{class}\"");
        }
        if text != exact {
            let _ = write!(attributes, " title=\"{}\"", escape(&exact));
        }
        Cell {
            attributes,
            text: escape(&text),
        }
    }
}

/// An array of scalars as `a, b, c` (sets of ports and addresses read better so).
fn list_text(json: &serde_json::Value) -> Option<String> {
    let items = json.as_array()?;
    let texts: Option<Vec<String>> = items
        .iter()
        .map(|item| match item {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
        .collect();
    texts.map(|t| t.join(", "))
}

/// `text` safe inside HTML text and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --bg: #f6f7f9; --card: #ffffff; --text: #1d232b; --muted: #5b6572; --line: #dde1e6;
  --accent: #316fc4; --bad: #b42323; --stripe: #f2f4f7; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --card: #1e232a; --text: #e4e8ee; --muted: #a2acb8; --line: #353c46;
    --accent: #7fb0f0; --bad: #ff8a80; --stripe: #242a32; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header, main, footer { max-width: 1500px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 0 0 6px; }
.meta { color: var(--muted); margin: 2px 0; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
nav { margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 6px 16px; }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
  min-width: 0; }
.panel.wide { grid-column: 1 / -1; }
.caption { color: var(--muted); margin: 0 0 8px; font-size: 13px; }
.nodata, .nodata-all { color: var(--muted); font-style: italic; margin: 6px 0; }
.nodata-all { font-size: 16px; padding: 14px; border: 1px dashed var(--line); border-radius: 8px; }
.error { color: var(--bad); white-space: pre-wrap; background: transparent; margin: 6px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: var(--stripe); }
.more { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0; }
.tiles > div { flex: 1 1 130px; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.tiles dt { color: var(--muted); font-size: 12px; }
.tiles dd { margin: 2px 0 0; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tiles dd.time { font-size: 15px; padding-top: 5px; }
figure.chart { margin: 0; background: #ffffff; border-radius: 6px; padding: 4px; }
figure.chart svg { display: block; width: 100%; height: auto; max-height: 460px; }
details { margin-top: 8px; }
summary { cursor: pointer; color: var(--muted); font-size: 12.5px; }
details pre { background: var(--stripe); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
  overflow-x: auto; margin: 6px 0 0; }
footer { color: var(--muted); font-size: 12px; padding-top: 18px; padding-bottom: 24px; }
@media print {
  :root { --bg: #ffffff; --card: #ffffff; --text: #000000; --muted: #333333; --line: #bbbbbb;
    --stripe: #f4f4f4; --accent: #000000; }
  nav { display: none; }
  .grid { display: block; }
  .panel { break-inside: avoid; margin-bottom: 10px; }
  figure.chart svg { max-height: none; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, Schema, Type};

    #[test]
    fn cells_show_people_numbers_and_keep_the_exact_value() {
        let bytes = Column::Long(vec![Some(563_548_682)]);
        let cell = Cell::of("Bytes", &bytes, 0);
        assert_eq!(cell.text, "564\u{a0}MB");
        assert!(cell.attributes.contains("data-value=\"563548682\""));
        assert!(cell.attributes.contains("title=\"563548682\""));
        let port = Cell::of("DestPort", &Column::Long(vec![Some(3389)]), 0);
        assert_eq!(port.text, "3389");
        assert!(!port.attributes.contains("title="));
        let set = Column::Dynamic(vec![serde_json::json!([22, 3389])]);
        assert_eq!(Cell::of("Ports", &set, 0).text, "22, 3389");
        let name = Column::String(vec!["<b>&".into()]);
        assert_eq!(Cell::of("Rule", &name, 0).text, "&lt;b&gt;&amp;");
    }

    #[test]
    fn a_long_table_shows_its_first_rows_and_counts_the_rest() {
        let n = SHOWN_ROWS + 3;
        let table = Table::new(
            Schema::new(vec![Field::new("Flows", Type::Long)]),
            vec![Column::Long((0..n as i64).map(Some).collect())],
        );
        let mut out = String::new();
        write_table(&table, &mut out);
        assert_eq!(out.matches("<tr>").count(), SHOWN_ROWS + 1);
        assert!(out.contains("3 more rows are not shown"));
    }

    #[test]
    fn section_ids_and_time_spans_read_well() {
        assert_eq!(
            section_id("NSG flows (AzureNetworkAnalytics_CL)"),
            "s-nsg-flows-azurenetworkanalytics-cl"
        );
        let hour = 3600 * 10_000_000;
        assert_eq!(timespan_words(48 * hour), "2 days");
        assert_eq!(timespan_words(hour), "1 hour");
        assert_eq!(timespan_words(hour / 2), "00:30:00");
    }
}
