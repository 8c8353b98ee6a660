//! Unit tests of the report pipeline over a small in-memory table.

use super::*;
use crate::catalog::MemoryTable;
use crate::table::{Column, Field, Schema, Type, TICKS_PER_DAY};

fn catalog() -> Catalog {
    let day = |d: i64| Some(d * TICKS_PER_DAY);
    let table = Table::new(
        Schema::new(vec![
            Field::new("TimeGenerated", Type::DateTime),
            Field::new("DestPort", Type::Long),
            Field::new("Bytes", Type::Long),
        ]),
        vec![
            Column::DateTime(vec![day(1), day(2), day(3)]),
            Column::Long(vec![Some(22), Some(443), Some(22)]),
            Column::Long(vec![Some(1000), Some(2_000_000), Some(3000)]),
        ],
    );
    let mut catalog = Catalog::new();
    catalog.register("Flows", Arc::new(MemoryTable::new(table, "test")));
    catalog
}

fn panel(name: &str, source: &str) -> Panel {
    Panel {
        name: name.into(),
        path: format!("panels/{name}"),
        source: source.into(),
    }
}

fn settings(now: NowSpec) -> Settings {
    Settings {
        now,
        since: None,
        options: Options::default(),
        topology: false,
        logs: vec!["logs/".into()],
    }
}

/// The report of `panels` over the `Flows` table, with `now` pinned.
fn build_over_flows(panels: Vec<Panel>) -> Report {
    build(
        panels,
        &catalog(),
        &["Flows".into()],
        &settings(NowSpec::At(0)),
    )
    .unwrap()
}

fn shown(result: &PanelResult) -> &Table {
    match &result.outcome {
        Outcome::Shown { table, .. } => table,
        Outcome::Failed(e) => panic!("{} failed: {e}", result.panel.name),
        Outcome::NoData => panic!("{} has no data", result.panel.name),
    }
}

#[test]
fn sections_group_panels_and_leave_out_absent_tables() {
    let panels = vec![
        panel(
            "10-ports.kql",
            "// title: Ports\n// chart: table\n// section: Flows\n\
             Flows | summarize Bytes = sum(Bytes) by DestPort | order by DestPort asc",
        ),
        panel(
            "20-aws.kql",
            "// title: AWS\n// section: AWS\nAWSVPCFlow | count",
        ),
        panel(
            "30-topology.kql",
            "// title: Only with topology\n// section: Flows\n// when: topology\nFlows",
        ),
    ];
    let report = build_over_flows(panels);
    let titles: Vec<&str> = report.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Flows"]);
    let flows = &report.sections[0].panels;
    assert_eq!(flows.len(), 1, "the topology panel is left out");
    assert_eq!(
        shown(&flows[0]).columns[1],
        Column::Long(vec![Some(4000), Some(2_000_000)])
    );
    assert_eq!(report.tables, [("Flows".to_string(), 3)]);
    assert_eq!(report.exit_code(), 0);
    let html = html::page(&report);
    assert!(html.contains("<h2>Flows</h2>"));
    assert!(html.contains("data-value=\"2000000\""), "{html}");
    assert!(html.contains("2.0\u{a0}MB"));
    assert!(!html.contains("<script"));
}

#[test]
fn latest_and_since_keep_the_last_days() {
    let mut settings = settings(NowSpec::Latest);
    settings.since = Some(TICKS_PER_DAY + TICKS_PER_DAY / 2);
    let panels = vec![
        panel(
            "10-count.kql",
            "// chart: card\n// section: Flows\nFlows | summarize Rows = count(), Bytes = sum(Bytes)",
        ),
        panel(
            "20-aws.kql",
            "// chart: card\n// section: Flows\nAWSVPCFlow | summarize count()",
        ),
    ];
    let report = build(panels, &catalog(), &["Flows".into()], &settings).unwrap();
    assert!(matches!(
        report.sections[0].panels[1].outcome,
        Outcome::NoData
    ));
    assert_eq!(report.now, 3 * TICKS_PER_DAY);
    assert!(report.now_is_latest);
    let table = shown(&report.sections[0].panels[0]);
    assert_eq!(table.columns[0], Column::Long(vec![Some(2)]));
    assert_eq!(table.columns[1], Column::Long(vec![Some(2_003_000)]));
    assert!(html::page(&report).contains("class=\"tiles\""));
}

#[test]
fn a_broken_panel_is_reported_and_the_others_still_run() {
    let panels = vec![
        panel("10-bad.kql", "// section: Flows\nFlows | summarize by"),
        panel("20-good.kql", "// section: Flows\nFlows | count"),
        panel(
            "30-empty.kql",
            "// section: Flows\nFlows | where DestPort == 1",
        ),
    ];
    let report = build_over_flows(panels);
    assert_eq!(report.exit_code(), 2);
    let failed: Vec<&str> = report.failures().map(|(p, _)| p.name.as_str()).collect();
    assert_eq!(failed, ["10-bad.kql"]);
    let html = html::page(&report);
    assert!(html.contains("panels/10-bad.kql:2:"), "{html}");
    assert!(html.contains("<p class=\"nodata\">No data.</p>"));
    assert_eq!(
        shown(&report.sections[0].panels[1]).columns[0],
        Column::Long(vec![Some(3)])
    );
}

#[test]
fn a_chart_panel_draws_svg_and_must_agree_with_the_query() {
    let panels = vec![
        panel(
            "10-pie.kql",
            "// chart: piechart\n// section: Flows\n\
             Flows | summarize Bytes = sum(Bytes) by Port = tostring(DestPort)",
        ),
        panel(
            "20-clash.kql",
            "// chart: piechart\n// section: Flows\nFlows | count | render barchart",
        ),
    ];
    let report = build_over_flows(panels);
    let Outcome::Shown {
        chart: Some(svg), ..
    } = &report.sections[0].panels[0].outcome
    else {
        panic!("no chart")
    };
    assert!(svg.contains("<svg"));
    let Outcome::Failed(error) = &report.sections[0].panels[1].outcome else {
        panic!("the clash is not reported")
    };
    assert!(error.to_string().contains("chart: piechart"), "{error}");
}

#[test]
fn no_logs_give_a_page_that_says_so() {
    let panels = builtin::panels();
    let report = build(panels, &Catalog::new(), &[], &settings(NowSpec::At(0))).unwrap();
    assert!(report.sections.is_empty());
    assert!(!report.has_data());
    assert!(html::page(&report).contains("id=\"no-data\""));
}
