//! The command line's shape (clap derive) and the parsers of flag values that are not plain
//! strings: `--now`, `--interval`, `--nta-from`, `--logs NAME=PATH`, `--format`.

use crate::output::Format;
use crate::sources::{self, FlowSource, LogPath};
use crate::table::TICKS_PER_SECOND;
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
    /// The time `now()` and `ago()` count from, RFC 3339 (default: the wall clock).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Write the chart the query renders as SVG to FILE (`-`: to standard output, instead of the
    /// table).
    #[arg(long, value_name = "FILE.svg|-")]
    pub chart: Option<String>,
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

/// An RFC 3339 time (`2024-05-10T00:00:00Z`, `2024-05-10T02:00:00+02:00`) as ticks since the
/// Unix epoch; a bare date means its midnight UTC.
pub fn parse_now(text: &str) -> Result<i64, String> {
    let parsed = chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        })
        .map_err(|_| format!("`{text}` is not an RFC 3339 time (e.g. 2024-05-10T00:00:00Z)"))?;
    Ok(parsed.timestamp() * TICKS_PER_SECOND + i64::from(parsed.timestamp_subsec_nanos() / 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_rfc3339_in_ticks() {
        assert_eq!(parse_now("1970-01-01T00:00:01Z"), Ok(TICKS_PER_SECOND));
        assert_eq!(
            parse_now("2024-05-10T02:00:00.5+02:00"),
            Ok(1_715_299_200 * TICKS_PER_SECOND + TICKS_PER_SECOND / 2)
        );
        assert_eq!(
            parse_now("2024-05-10"),
            Ok(1_715_299_200 * TICKS_PER_SECOND)
        );
        assert!(parse_now("yesterday").unwrap_err().contains("RFC 3339"));
    }

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
