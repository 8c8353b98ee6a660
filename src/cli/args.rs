//! The command line's shape (clap derive) and the parsers of flag values that are not plain
//! strings: `--now`, `--interval`, `--nta-from`, `--logs NAME=PATH`, `--format`.

use crate::check::Severity;
use crate::export::ExportFormat;
use crate::now::NowSpec;
use crate::output::Format;
use crate::params;
use crate::sources::external_data::LocalCopies;
use crate::sources::{self, FlowSource, LogPath};
use crate::Options;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Run Azure Log Analytics KQL queries offline over flow-log files.
#[derive(Parser, Debug)]
#[command(name = "kqlite", version, about, propagate_version = true)]
pub struct Cli {
    /// Worker threads for reading files and running queries (default: all cores).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(usize))]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a KQL query over log files and print the result.
    Query(QueryArgs),
    /// List the tables found in the logs, with row counts and where they came from.
    Tables(TablesArgs),
    /// Print a table's columns and types.
    Schema(SchemaArgs),
    /// Run queries as CI checks over the logs: PASS/FAIL per check, exit code 1 on a failure.
    Check(CheckArgs),
    /// Parse and bind queries against the known schemas without reading any rows.
    Validate(ValidateArgs),
    /// Write a table as CSV or JSON lines, or the Azure Data Explorer commands to create it.
    Export(ExportArgs),
}

#[derive(Args, Debug)]
#[command(after_help = "\
The query comes from QUERY, from -f FILE, or from standard input.

Examples:
  kqlite query --logs logs/ 'NTANetAnalytics | summarize count() by FlowStatus'
  kqlite query --logs flows.csv -f top-talkers.kql --format csv
  kqlite query --logs logs/ --now 2024-05-10T00:00:00Z -f pie.kql --chart pie.svg")]
pub struct QueryArgs {
    /// The KQL query text.
    #[arg(value_name = "QUERY", conflicts_with = "file")]
    pub query: Option<String>,
    /// Read the query from FILE (`-` for standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub logs: LogsArgs,
    /// Output format: table, csv, json or jsonl.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = parse_format)]
    pub format: Format,
    #[command(flatten)]
    pub run: RunArgs,
    /// Write the chart the query renders to FILE: SVG for FILE.svg, PNG for FILE.png (`-`: SVG
    /// to standard output, instead of the table).
    #[arg(long, value_name = "FILE.svg|FILE.png|-")]
    pub chart: Option<String>,
}

/// The flags that fix what a query computes: `now` and query parameters.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// The time `now()` and `ago()` count from: RFC 3339, or `latest` (the latest event time in
    /// the tables the query reads). Default: $KQLITE_NOW, else the wall clock.
    #[arg(long, value_name = "RFC3339|latest", value_parser = NowSpec::parse)]
    pub now: Option<NowSpec>,
    /// A value for a parameter the query declares with `declare query_parameters(…)`, read as
    /// the declared type. Repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = params::parse_assignment)]
    pub params: Vec<(String, String)>,
    /// A local copy of a URL that `externaldata` reads (kqlite does not download): the URL as
    /// the query writes it (its `?…` SAS part may be left out), `=`, then the file. Repeatable.
    #[arg(long = "external-data", value_name = "URL=PATH",
          value_parser = LocalCopies::check_assignment)]
    pub external_data: Vec<String>,
}

impl RunArgs {
    /// The run settings these flags give (`now` is resolved separately).
    pub fn options(&self) -> Options {
        Options {
            now: 0,
            params: self.params.clone(),
            external_data: LocalCopies::new(self.external_data.clone()),
        }
    }
}

/// The flags of the reports CI systems read.
#[derive(Args, Debug, Clone)]
pub struct CiReportArgs {
    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print GitHub Actions annotations (`::error file=…,line=…::`) for what did not pass.
    #[arg(long)]
    pub github: bool,
}

/// The flags that say which logs to read and how to turn them into tables.
#[derive(Args, Debug, Clone)]
pub struct LogsArgs {
    /// A log file or folder (read recursively), or a table file (.csv, .json, .jsonl) named
    /// after its stem or as NAME=PATH. Repeatable.
    #[arg(long = "logs", value_name = "PATH|NAME=PATH", value_parser = parse_logs)]
    pub logs: Vec<LogPath>,
    /// Traffic Analytics aggregation interval for flow tables: 60m, 10m (or another divisor of
    /// an hour), or 0 (one row per flow tuple).
    #[arg(long, value_name = "60m|10m|0", default_value = "60m", value_parser = parse_interval)]
    pub interval: i64,
    /// Sources whose flows go into NTANetAnalytics, comma-separated: vnet, nsg, aws.
    #[arg(long = "nta-from", value_name = "vnet,nsg,aws", default_value = "vnet",
          value_parser = parse_nta_from)]
    pub nta_from: NtaFrom,
    /// Your Azure topology, to fill the subnet, VM, NIC, region and FlowType columns of flow
    /// tables: JSON from `az network vnet list`, `az network nic list`, `az vm list`, and
    /// optionally a ServiceTags_Public_*.json download. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub topology: Vec<PathBuf>,
    /// Treat any malformed record as a fatal input error instead of skipping it.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args, Debug)]
pub struct TablesArgs {
    #[command(flatten)]
    pub logs: LogsArgs,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// A known table (NTANetAnalytics, AWSVPCFlow, …) or one found under --logs.
    #[arg(value_name = "TABLE")]
    pub table: String,
    #[command(flatten)]
    pub logs: LogsArgs,
    /// Output format: table, csv, json or jsonl.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = parse_format)]
    pub format: Format,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Each check is a .kql file; header comments say what its result must be:
  // name: No inbound SSH from the internet
  // expect: empty | nonempty | rows == N | rows >= N | rows <= N   (default: empty)
  // severity: high | medium | low | informational                  (default: high)

Exit codes: 0 all passed, 1 a check failed, 2 a query error, 3 an input error (highest wins).

Example:
  kqlite check --logs logs/ --now latest --junit report.xml checks/")]
pub struct CheckArgs {
    /// Check files (.kql) or folders of them.
    #[arg(value_name = "CHECK", required = true)]
    pub checks: Vec<PathBuf>,
    #[command(flatten)]
    pub logs: LogsArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// Failures below this severity are reported but do not fail the run: high, medium, low
    /// or informational.
    #[arg(long, value_name = "SEVERITY", default_value = "informational",
          value_parser = parse_severity)]
    pub fail_on: Severity,
    #[command(flatten)]
    pub report: CiReportArgs,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Queries bind against every known table, the tables of --schema files and those under --logs.
Exit codes: 0 all valid, 2 a query does not compile.

Example:
  kqlite validate --schema MyTable_CL.csv detections/")]
pub struct ValidateArgs {
    /// Query files (.kql) or folders of them.
    #[arg(value_name = "QUERY", required = true)]
    pub queries: Vec<PathBuf>,
    /// A table schema: a CSV of `column,type` lines; the file's stem names the table.
    /// Repeatable.
    #[arg(long = "schema", value_name = "FILE.csv")]
    pub schemas: Vec<PathBuf>,
    #[command(flatten)]
    pub logs: LogsArgs,
    /// Values for declared query parameters (NAME=VALUE); without one, a parameter without a
    /// default binds with a stand-in of its type.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = params::parse_assignment)]
    pub params: Vec<(String, String)>,
    #[command(flatten)]
    pub report: CiReportArgs,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  kqlite export --logs logs/ --table NTANetAnalytics --format csv -o NTANetAnalytics.csv
  kqlite export --adx-schema NTANetAnalytics > create-table.kql")]
pub struct ExportArgs {
    /// The table to export.
    #[arg(long, value_name = "TABLE", required_unless_present = "adx_schema")]
    pub table: Option<String>,
    #[command(flatten)]
    pub logs: LogsArgs,
    /// csv or jsonl.
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = parse_export_format)]
    pub format: ExportFormat,
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the Azure Data Explorer `.create table` command and JSON/CSV ingestion mappings
    /// for TABLE instead of rows.
    #[arg(long = "adx-schema", value_name = "TABLE", conflicts_with = "table")]
    pub adx_schema: Option<String>,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text).ok_or_else(|| {
        format!(
            "unknown severity `{text}`; expected one of: {}",
            Severity::NAMES.join(", ")
        )
    })
}

fn parse_export_format(text: &str) -> Result<ExportFormat, String> {
    ExportFormat::from_name(text)
        .ok_or_else(|| format!("unknown export format `{text}`; expected csv or jsonl"))
}

/// `--nta-from`: the flow sources that fill NTANetAnalytics.
#[derive(Debug, Clone, PartialEq)]
pub struct NtaFrom(pub Vec<FlowSource>);

fn parse_nta_from(text: &str) -> Result<NtaFrom, String> {
    FlowSource::parse_list(text)
        .map(NtaFrom)
        .map_err(|e| e.kind.to_string())
}

/// A path, or NAME=PATH (blob folders have `=` in their names; `LogPath::parse` tells them apart).
fn parse_logs(text: &str) -> Result<LogPath, String> {
    Ok(LogPath::parse(text))
}

fn parse_interval(text: &str) -> Result<i64, String> {
    sources::parse_interval(text).map_err(|e| e.kind.to_string())
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::from_name(text).ok_or_else(|| {
        format!(
            "unknown format `{text}`; expected one of: {}",
            Format::NAMES.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_parses() {
        let cli = Cli::try_parse_from([
            "kqlite",
            "query",
            "T | take 1",
            "--logs",
            "a.csv",
            "--logs",
            "B=b.json",
            "--format",
            "csv",
            "--nta-from",
            "vnet,nsg",
            "--interval",
            "0",
            "--threads",
            "2",
        ])
        .unwrap();
        assert_eq!(cli.threads, Some(2));
        let Command::Query(q) = cli.command else {
            panic!("not a query")
        };
        assert_eq!(q.query.as_deref(), Some("T | take 1"));
        assert_eq!(q.format, Format::Csv);
        assert_eq!(q.logs.logs.len(), 2);
        assert_eq!(
            q.logs.nta_from,
            NtaFrom(vec![FlowSource::Vnet, FlowSource::Nsg])
        );
        assert_eq!(q.logs.interval, 0);
        assert!(Cli::try_parse_from(["kqlite", "query", "--format", "xml"]).is_err());
        assert!(Cli::try_parse_from(["kqlite", "query", "--interval", "7m"]).is_err());
        assert!(Cli::try_parse_from(["kqlite", "query", "--nta-from", "gcp"]).is_err());
    }
}
