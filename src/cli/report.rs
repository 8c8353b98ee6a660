//! `kqlite report`: load the logs, run the report's panels, write the HTML page; or, with
//! `--list-panels`, print the panels. Ends with exit code 2 when a panel is broken (the page
//! is written all the same, with the error in the panel's place).

use super::args::{LimitArgs, LogsArgs, RunArgs};
use super::{logs, note, usage, write_stdout, Failure};
use crate::now::NowSpec;
use crate::report::{self, builtin, html, panel, subnets};
use crate::table::{Column, Field, Schema, Table, Type, Value};
use crate::{output, params};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args, Debug)]
#[command(after_help = "\
Each panel is a .kql file; header comments say how the report shows it:
  // title: Top talkers: sources by bytes
  // chart: table | card | timechart | piechart | barchart | columnchart | …
  // section: Virtual network flows (NTANetAnalytics)
  // when: topology | no topology | PARAMETER        (optional)

Examples:
  kqlite report --logs logs/ --now latest --since 2d -o report.html
  kqlite report --logs logs/ --topology vnets.json --topology nics.json --topology vms.json
  kqlite report --list-panels --panels my-panels/")]
pub struct ReportArgs {
    #[command(flatten)]
    pub logs: LogsArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// The time range: only rows whose TimeGenerated is within this span before now (e.g.
    /// 2d, 12h), as Log Analytics' time picker does. Default: every row.
    #[arg(long, value_name = "TIMESPAN", value_parser = parse_since)]
    pub since: Option<i64>,
    /// Write the page to FILE.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        default_value = "report.html"
    )]
    pub output: PathBuf,
    /// A folder of .kql panels that add to the shipped ones, or replace those of the same file
    /// name. Repeatable.
    #[arg(long = "panels", value_name = "DIR")]
    pub panels: Vec<PathBuf>,
    /// Print the panels (file, section, title, chart) and stop.
    #[arg(long = "list-panels")]
    pub list_panels: bool,
    /// The ExpressRoute/VPN gateway subnet (IPv4 CIDR) for the gateway panel; default: the
    /// GatewaySubnet of --topology.
    #[arg(long = "gateway-subnet", value_name = "CIDR", value_parser = parse_cidr)]
    pub gateway_subnet: Option<String>,
    /// The Azure Firewall subnet (IPv4 CIDR) for the firewall panel; default: the
    /// AzureFirewallSubnet of --topology.
    #[arg(long = "firewall-subnet", value_name = "CIDR", value_parser = parse_cidr)]
    pub firewall_subnet: Option<String>,
}

pub fn run(args: ReportArgs) -> Result<u8, Failure> {
    let panels = panel::assemble(builtin::panels(), &args.panels)?;
    if args.list_panels {
        return list(&panels).map(|()| 0);
    }
    let now = NowSpec::or_env(args.run.now.clone())?;
    let loaded = logs::load(&args.logs)?;
    let mut options = args.run.options();
    args.logs.allow_local_data(&mut options);
    args.limits.apply(&mut options);
    let found = subnets::find(&args.logs.topology);
    for (name, value) in [
        (
            "gateway_subnet",
            args.gateway_subnet.clone().or(found.gateway),
        ),
        (
            "firewall_subnet",
            args.firewall_subnet.clone().or(found.firewall),
        ),
    ] {
        let given = options.params.iter().any(|(n, _)| n == name);
        if let (Some(value), false) = (value, given) {
            options.params.push((name.to_string(), value));
        }
    }
    let settings = report::Settings {
        now,
        since: args.since,
        options,
        topology: !args.logs.topology.is_empty(),
        logs: args.logs.logs.iter().map(shown_path).collect(),
    };
    let tables: Vec<String> = loaded
        .report
        .tables
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let built = report::build(panels, &loaded.catalog, &tables, &settings);
    loaded.report_problems();
    let report = built?;
    let page = html::page(&report);
    std::fs::write(&args.output, page).map_err(|e| {
        usage(format!(
            "cannot write the report to {}: {e}",
            args.output.display()
        ))
    })?;
    for (panel, error) in report.failures() {
        eprintln!("{}", error.render(&panel.source, &panel.path));
    }
    let panels: usize = report.sections.iter().map(|s| s.panels.len()).sum();
    let failed = report.failures().count();
    note(&format!(
        "wrote {}: {panels} panels in {} sections{}{}; the shared read of the tables took {:.2} s",
        args.output.display(),
        report.sections.len(),
        if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        },
        if report.has_data() { "" } else { ", no data" },
        report.scan_time.as_secs_f64()
    ));
    Ok(report.exit_code())
}

/// One line per panel: file, section, title, chart, and a header error if any.
fn list(panels: &[panel::Panel]) -> Result<(), Failure> {
    let mut columns: [Vec<Value>; 5] = Default::default();
    for p in panels {
        let (section, title, chart, problem) = match p.header() {
            Ok(h) => (
                h.section,
                h.title,
                h.chart.unwrap_or_default(),
                h.when.map(|w| format!("when: {w}")).unwrap_or_default(),
            ),
            Err(e) => (String::new(), String::new(), String::new(), e.to_string()),
        };
        for (column, text) in
            columns
                .iter_mut()
                .zip([p.path.clone(), section, title, chart, problem])
        {
            column.push(Value::String(Arc::from(text.as_str())));
        }
    }
    let names = ["Panel", "Section", "Title", "Chart", "Note"];
    let table = Table::new(
        Schema::new(names.iter().map(|n| Field::new(*n, Type::String)).collect()),
        columns
            .iter()
            .map(|values| {
                let mut column = Column::empty(Type::String);
                values.iter().for_each(|v| column.push(v));
                column
            })
            .collect(),
    );
    write_stdout(|out| output::write(&table, output::Format::Table, out))
}

/// A `--logs` argument as the user wrote it.
fn shown_path(log: &crate::sources::LogPath) -> String {
    match log {
        crate::sources::LogPath::Path(path) => path.display().to_string(),
        crate::sources::LogPath::Named { name, path } => format!("{name}={}", path.display()),
    }
}

fn parse_since(text: &str) -> Result<i64, String> {
    match params::typed_value(text, Type::TimeSpan)? {
        Value::TimeSpan(ticks) if ticks > 0 => Ok(ticks),
        _ => Err(format!(
            "`{text}` is not a positive timespan (e.g. 2d, 12h)"
        )),
    }
}

fn parse_cidr(text: &str) -> Result<String, String> {
    if subnets::is_ipv4_cidr(text) {
        Ok(text.to_string())
    } else {
        Err(format!("`{text}` is not an IPv4 CIDR (e.g. 10.10.4.0/24)"))
    }
}
