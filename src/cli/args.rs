//! The command line's shape (clap derive) and the parsers of flag values that are not plain
//! strings: `--now`, `--interval`, `--nta-from`, `--logs NAME=PATH`, `--format`.

pub use super::limits::{LimitArgs, MemoryArgs};
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
    /// When to colour errors, warnings, PASS/FAIL and table headers: auto (on a terminal,
    /// unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: clap::ColorChoice,
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
    /// Write the Traffic Analytics overview of the logs as one self-contained HTML page.
    Report(super::report::ReportArgs),
    /// Serve the logs over the Kusto and Log Analytics query APIs, with a query page at `/`.
    Serve(ServeArgs),
    /// Print the completion script of a shell: bash, zsh, fish or powershell.
    Completions(CompletionsArgs),
    /// An interactive prompt: queries over logs loaded once, with history and completion.
    Shell(ShellArgs),
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  kqlite completions bash > ~/.local/share/bash-completion/completions/kqlite
  kqlite completions zsh > ~/.zfunc/_kqlite")]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
#[command(after_help = "\
A query ends with a blank line or a `;` at the end of a line. Type .help for the dot commands.

Example:
  kqlite shell --logs logs/ --now latest")]
pub struct ShellArgs {
    #[command(flatten)]
    pub logs: LogsArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args, Debug)]
#[command(after_help = "\
The query comes from QUERY, from -f FILE, or from standard input.

Examples:
  kqlite query --logs logs/ 'NTANetAnalytics | summarize count() by FlowStatus'
  kqlite query --logs flows.csv -f top-talkers.kql --format csv
  kqlite query --logs logs/ --now 2024-05-10T00:00:00Z -f pie.kql --chart pie.svg
  kqlite query --logs 'logs/**/d=09/**' -f saved-queries.kql --all

A file of several queries separated by blank lines (as the portal's query tab keeps them) runs
the one --query N names (1-based) or each in turn with --all; without either flag the whole
file is one query.")]
pub struct QueryArgs {
    /// The KQL query text.
    #[arg(value_name = "QUERY", conflicts_with = "file")]
    pub query: Option<String>,
    /// Read the query from FILE (`-` for standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Run only the Nth query (1-based) of a file of queries separated by blank lines.
    #[arg(long = "query", value_name = "N", conflicts_with = "all",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub query_number: Option<u32>,
    /// Run each query of a file of queries separated by blank lines, in turn.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub logs: LogsArgs,
    /// Output format: table, vertical, csv, json, jsonl or az.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = parse_format)]
    pub format: Format,
    /// The most rows the table format shows: of a longer result, the first and last halves and
    /// a line with the row count (0: every row).
    #[arg(long, value_name = "N", default_value_t = crate::output::DEFAULT_MAX_ROWS)]
    pub max_rows: usize,
    /// Show no progress line on standard error (on a terminal, one is shown while the logs
    /// are read for longer than a second).
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Write the chart the query renders to FILE: SVG for FILE.svg, PNG for FILE.png (`-`: SVG
    /// to standard output, instead of the table).
    #[arg(long, value_name = "FILE.svg|FILE.png|-")]
    pub chart: Option<String>,
    /// Print the optimized plan instead of running the query: one operator per line, with its
    /// output columns; a scan shows the predicates pushed into its reader.
    #[arg(long, conflicts_with = "chart")]
    pub explain: bool,
    /// Run the query and print, on standard error, the rows each operator sent on, what each
    /// scan skipped, and the time spent reading vs. in operators.
    #[arg(long, conflicts_with = "explain")]
    pub stats: bool,
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
    /// A folder whose files `externaldata` may read by plain path or `file://` URL (besides
    /// the folders given with --logs). Repeatable.
    #[arg(long = "allow-local-data", value_name = "DIR")]
    pub allow_local_data: Vec<PathBuf>,
}

impl RunArgs {
    /// The run settings these flags give (`now` is resolved separately).
    pub fn options(&self) -> Options {
        let mut external_data = LocalCopies::new(self.external_data.clone());
        for dir in &self.allow_local_data {
            external_data.allow_local(dir);
        }
        Options {
            now: 0,
            params: self.params.clone(),
            external_data,
            budget: Default::default(),
        }
    }
}

impl LogsArgs {
    /// Let `externaldata` read the files and folders given with `--logs`.
    pub fn allow_local_data(&self, options: &mut Options) {
        for log in &self.logs {
            let (LogPath::Path(path) | LogPath::Named { path, .. }) = log;
            options.external_data.allow_local(path);
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
    /// Log files or folders (read recursively), glob patterns (`'logs/**/d=09/**'`), or table
    /// files (.csv, .json, .jsonl) named after their stem or as NAME=PATH. Takes several; a
    /// pattern that matches nothing is an error.
    #[arg(long = "logs", value_name = "PATH|NAME=PATH", num_args = 1..,
          value_parser = parse_logs)]
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
    /// Follow symbolic links inside --logs folders (links are skipped by default; a folder
    /// reached twice, as in a loop, is read once).
    #[arg(long)]
    pub follow: bool,
    /// The most bytes one log or data file may hold after gunzip (K, M, G suffixes: 1024s); a
    /// larger file (a gzip bomb) is skipped with a warning naming it.
    #[arg(long = "max-file-size", value_name = "SIZE", default_value = "1G",
          value_parser = parse_size)]
    pub max_file_size: u64,
}

#[derive(Args, Debug)]
pub struct TablesArgs {
    #[command(flatten)]
    pub logs: LogsArgs,
    /// Output format: table, vertical, csv, json, jsonl or az.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = parse_format)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// A known table (NTANetAnalytics, AWSVPCFlow, …) or one found under --logs.
    #[arg(value_name = "TABLE")]
    pub table: String,
    #[command(flatten)]
    pub logs: LogsArgs,
    /// Output format: table, vertical, csv, json, jsonl or az.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = parse_format)]
    pub format: Format,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Each check is a .kql file; header comments say what its result must be:
  // name: No inbound SSH from the internet
  // expect: empty | nonempty | rows == N | rows >= N | rows <= N   (default: empty)
  // severity: high | medium | low | informational                  (default: high)
  // allow-empty: true       (a check whose tables have no rows is an ERROR without it)

Exit codes: 0 all passed, 1 a check failed, 2 a query error, 3 an input error (highest wins).

Example:
  kqlite check --logs logs/ --now latest --junit report.xml checks/")]
pub struct CheckArgs {
    /// Check files (.kql) or folders of them.
    #[arg(value_name = "CHECK")]
    pub checks: Vec<PathBuf>,
    #[command(flatten)]
    pub logs: LogsArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Failures below this severity are reported but do not fail the run: high, medium, low
    /// or informational.
    #[arg(long, value_name = "SEVERITY", default_value = "informational",
          value_parser = parse_severity)]
    pub fail_on: Severity,
    #[command(flatten)]
    pub report: CiReportArgs,
    /// The report's format: text, or json (one object per check).
    #[arg(long, value_name = "text|json", default_value = "text", value_parser = parse_report_format)]
    pub format: ReportFormat,
}

/// `check --format`: the report for people, or one JSON document for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
}

fn parse_report_format(text: &str) -> Result<ReportFormat, String> {
    match text {
        "text" => Ok(ReportFormat::Text),
        "json" => Ok(ReportFormat::Json),
        _ => Err(format!("unknown format `{text}`; expected text or json")),
    }
}

#[derive(Args, Debug)]
#[command(after_help = "\
Queries bind against every known table, the tables of --schema files and those under --logs.
Exit codes: 0 all valid, 2 a query does not compile.

Example:
  kqlite validate --schema MyTable_CL.csv detections/")]
pub struct ValidateArgs {
    /// Query files (.kql) or folders of them.
    #[arg(value_name = "QUERY")]
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
    /// Show no progress line on standard error (on a terminal, one is shown while the logs
    /// are read for longer than a second).
    #[arg(long)]
    pub quiet: bool,
    /// Print the Azure Data Explorer `.create table` command and JSON/CSV ingestion mappings
    /// for TABLE instead of rows.
    #[arg(long = "adx-schema", value_name = "TABLE", conflicts_with = "table")]
    pub adx_schema: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Endpoints: POST /v2/rest/query, /v1/rest/query and /v1/rest/mgmt (the Kusto REST API),
GET/POST /v1/workspaces/ID/query (the Log Analytics query API), and the query page at /.

Examples:
  kqlite serve --logs logs/ --now latest
  kqlite serve --logs logs/ --listen 0.0.0.0:8080 --token \"$(openssl rand -hex 16)\"")]
pub struct ServeArgs {
    #[command(flatten)]
    pub logs: LogsArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// The address to listen on; anything but loopback needs --token.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Require `Authorization: Bearer TOKEN` on every request (the page asks for it once).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// The database name clients see.
    #[arg(long, value_name = "NAME", default_value = "kqlite")]
    pub database: String,
    /// The time a query may run; a client's `servertimeout` may only shorten it.
    #[arg(long, value_name = "TIMESPAN", default_value = "4m",
          value_parser = crate::cli::serve::parse_timeout)]
    pub query_timeout: std::time::Duration,
    /// Records in a result before it is truncated (`set notruncation;` lifts it).
    #[arg(long, value_name = "N", default_value_t = 500_000)]
    pub max_records: usize,
    /// Bytes of result data before it is truncated.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_result_bytes: usize,
    /// The largest request body accepted.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body: usize,
    /// Queries running at once (default: twice the cores); more wait for a slot.
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<usize>,
    /// Queries waiting for a slot before more are refused with HTTP 429.
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_queued: usize,
    #[command(flatten)]
    pub memory: MemoryArgs,
    /// Seconds between looks for new or changed log files (0: never).
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub rescan: f64,
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

/// `--max-file-size`: bytes, or a number with K, M or G (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => {
            return Err(format!(
                "`{text}`: expected bytes, or a number with K, M or G"
            ))
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}`: expected bytes, or a number with K, M or G"))?;
    n.checked_mul(1 << shift)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}`: the size must be above 0 and below 16 EiB"))
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
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err() && parse_size("1T").is_err() && parse_size("M").is_err());
        assert!(Cli::try_parse_from(["kqlite", "query", "--format", "xml"]).is_err());
        assert!(Cli::try_parse_from(["kqlite", "query", "--interval", "7m"]).is_err());
        assert!(Cli::try_parse_from(["kqlite", "query", "--nta-from", "gcp"]).is_err());
    }
}
