//! Files on disk → catalog tables: raw flow logs (one reader per format, read when a query
//! scans them) and table files (CSV / JSON / JSON lines, read when opened).
//!
//! [`open`] walks the paths given with `--logs`, sniffs each file's format from its content,
//! and registers one provider per table in the catalog; [`describe`] counts each table's rows
//! for `kqlite tables`. Problems in the input never stop the load (unless `strict`): they are
//! collected in the report's [`Diagnostics`], with file, line and record/tuple position.

mod aggregate;
mod azure_ids;
mod columns;
mod detect;
mod diagnostics;
mod flow_row;
mod iana;
mod json_stream;
mod merge;
mod nsg_flow;
mod provider;
mod pushdown;
mod query_api;
mod scan_dict;
mod sparse_table;
mod table_file;
mod tuple;
mod tuple_rows;
mod vnet_flow;

pub mod azure_resource;
pub mod external_data;
pub mod external_table;
pub mod la_export;
pub mod local_data;
pub mod read_issue;
pub mod record_tables;
pub mod scan_progress;
pub mod topology;
pub mod vpc_flow;
mod vpc_lines;
mod vpc_nta;

pub use columns::FlowTable;
pub use detect::{set_max_file_size, Format};
pub use diagnostics::{Diagnostic, Diagnostics};
pub use provider::{FlowFile, FlowLogProvider};
pub use table_file::TableFormat;

use crate::catalog::{Catalog, ScanRequest};
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::TICKS_PER_SECOND;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One `--logs` argument: a file or folder, or `NAME=PATH` for a table file with a chosen name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogPath {
    Path(PathBuf),
    Named { name: String, path: PathBuf },
}

impl LogPath {
    /// `NAME=PATH` when the part before `=` is a table name (letters, digits, `_`) and no file
    /// of the whole text exists; else a plain path.
    pub fn parse(arg: &str) -> LogPath {
        if let Some((name, path)) = arg.split_once('=') {
            let is_name = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            if is_name && !Path::new(arg).exists() {
                return LogPath::Named {
                    name: name.to_string(),
                    path: PathBuf::from(path),
                };
            }
        }
        LogPath::Path(PathBuf::from(arg))
    }
}

/// The sources whose rows may go into NTANetAnalytics (`--nta-from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowSource {
    Vnet,
    Nsg,
    Aws,
}

impl FlowSource {
    /// `vnet,nsg,aws` → the list; an unknown name is a usage error.
    pub fn parse_list(text: &str) -> Result<Vec<FlowSource>, Error> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s.to_ascii_lowercase().as_str() {
                "vnet" => Ok(FlowSource::Vnet),
                "nsg" => Ok(FlowSource::Nsg),
                "aws" => Ok(FlowSource::Aws),
                _ => Err(Error::new(crate::error::ErrorKind::Usage(format!(
                    "unknown flow-log source `{s}` in --nta-from (expected vnet, nsg or aws)"
                )))),
            })
            .collect()
    }
}

/// Settings that change how raw logs become rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOptions {
    /// Aggregation interval in ticks (`--interval`); 0 makes one row per tuple.
    pub interval: i64,
    /// Sources that fill NTANetAnalytics (`--nta-from`, default VNet only).
    pub nta_from: Vec<FlowSource>,
    /// Any bad input is an error (`--strict`).
    pub strict: bool,
    /// `--topology`: fills subnets, VMs, NICs, regions and FlowType of flow rows.
    pub topology: Option<topology::TopologyRef>,
    /// Follow symbolic links inside folders (`--follow`).
    pub follow_links: bool,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            interval: 60 * 60 * TICKS_PER_SECOND,
            nta_from: vec![FlowSource::Vnet],
            strict: false,
            topology: None,
            follow_links: false,
        }
    }
}

/// `--interval`: `60m`, `10m`, `1h`, `0` → ticks. Only intervals that divide an hour keep
/// files of different hours from sharing an interval, so others are refused.
pub fn parse_interval(text: &str) -> Result<i64, Error> {
    let usage = |m: String| Error::new(crate::error::ErrorKind::Usage(m));
    let t = text.trim();
    let minutes: i64 = if t == "0" {
        0
    } else if let Some(m) = t.strip_suffix('m') {
        m.parse()
            .map_err(|_| usage(format!("--interval `{text}`: expected 60m, 10m or 0")))?
    } else if let Some(h) = t.strip_suffix('h') {
        h.parse::<i64>()
            .map_err(|_| usage(format!("--interval `{text}`: expected 60m, 10m or 0")))?
            * 60
    } else {
        return Err(usage(format!(
            "--interval `{text}`: expected 60m, 10m or 0"
        )));
    };
    if minutes < 0 || (minutes > 0 && 60 % minutes != 0) {
        return Err(usage(format!(
            "--interval `{text}`: the interval must divide an hour (60m, 30m, 10m, 5m, 1m) or be 0"
        )));
    }
    Ok(minutes * 60 * TICKS_PER_SECOND)
}

/// A table `open` registered, and the files it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedTable {
    pub name: String,
}

/// What `open` did: the tables it registered, and every problem found (more arrive while the
/// tables are scanned; read `diagnostics` after running the query).
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub tables: Vec<LoadedTable>,
    pub diagnostics: Arc<Diagnostics>,
}

/// Walk `paths`, recognise each file, and register the tables they fill in `catalog`. Raw
/// logs are only sniffed here (their first bytes); they are parsed when a query scans them.
pub fn open(
    paths: &[LogPath],
    options: &SourceOptions,
    catalog: &mut Catalog,
) -> Result<LoadReport, Error> {
    let diagnostics = Arc::new(Diagnostics::new());
    let mut report = LoadReport {
        tables: Vec::new(),
        diagnostics: diagnostics.clone(),
    };
    let mut flow_files: Vec<FlowFile> = Vec::new();
    let complain = |d: Diagnostic| -> Result<(), Error> {
        if options.strict {
            return Err(Error::input(d.path.clone(), d.message.clone()));
        }
        diagnostics.report(d);
        Ok(())
    };
    let mut read_once = std::collections::HashSet::new();
    for log_path in paths {
        let (name, path) = match log_path {
            LogPath::Named { name, path } => (Some(name.as_str()), path.as_path()),
            LogPath::Path(path) => (None, path.as_path()),
        };
        let shown = path.display().to_string();
        if !path.exists() {
            return Err(Error::input(shown, "no such file or folder"));
        }
        if let Some(name) = name {
            let format = table_format(path)?;
            load_table_file(path, name, format, options, &mut report, catalog)?;
            continue;
        }
        let explicit_file = path.is_file();
        let walk = detect::walk(path, options.follow_links)
            .map_err(|e| Error::input(&shown, e.to_string()))?;
        for (skipped, why) in walk.skipped {
            complain(Diagnostic::new(
                skipped.display().to_string(),
                None,
                "",
                why,
                0,
            ))?;
        }
        // A path is read once, however many arguments or links reach it.
        let files: Vec<PathBuf> = walk
            .files
            .into_iter()
            .filter(|file| explicit_file || !is_documentation(file))
            .filter(|file| read_once.insert(file_identity(file)))
            .collect();
        // Sniffing opens every file: done on all threads, the thousands of small reads of a
        // month of blobs overlap. What each file is stays in file order.
        let sniffed: Vec<Sniffed> = files.par_iter().map(|file| sniff_file(file)).collect();
        for (file, sniffed) in files.into_iter().zip(sniffed) {
            let file_shown = file.display().to_string();
            match sniffed {
                Sniffed::Log(format) => flow_files.push(FlowFile::new(file, format)),
                // Named or found in a folder, an empty file is a warning: a blob written at
                // the start of an hour may not have its records yet.
                Sniffed::Empty => complain(Diagnostic::new(
                    file_shown,
                    None,
                    "",
                    "the file is empty; skipped",
                    0,
                ))?,
                Sniffed::Unreadable(e) => complain(Diagnostic::new(
                    file_shown,
                    None,
                    "",
                    format!("cannot read the file: {e}"),
                    0,
                ))?,
                Sniffed::NotLog(reason) => {
                    match TableFormat::from_path(&file).filter(|_| explicit_file) {
                        Some(format) => {
                            let name = table_file::stem(&file);
                            load_table_file(&file, &name, format, options, &mut report, catalog)?;
                        }
                        None => complain(Diagnostic::new(file_shown, Some(1), "", reason, 0))?,
                    }
                }
            }
        }
    }
    let record_files = flow_files.clone();
    register_flow_tables(flow_files, options, &mut report, catalog);
    record_tables::register(&record_files, options, &mut report, catalog)?;
    Ok(report)
}

/// What makes two paths the same file, for reading each file once: its device and inode
/// where the platform has them (one `stat`; canonicalizing asks the file system about every
/// folder on the path, which for a blob path is a dozen calls per file), else its canonical
/// path.
#[derive(PartialEq, Eq, Hash)]
enum FileIdentity {
    Inode(u64, u64),
    Path(PathBuf),
}

fn file_identity(file: &Path) -> FileIdentity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata(file) {
            return FileIdentity::Inode(meta.dev(), meta.ino());
        }
    }
    FileIdentity::Path(std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf()))
}

/// What a file's first bytes say it is.
enum Sniffed {
    Log(Format),
    /// Not one byte (after gunzip).
    Empty,
    /// No log kqlite reads, and why not.
    NotLog(String),
    Unreadable(std::io::Error),
}

fn sniff_file(file: &Path) -> Sniffed {
    match detect::sniff_file(file) {
        Ok((head, _)) if head.is_empty() => Sniffed::Empty,
        Ok((_, Some(format))) => Sniffed::Log(format),
        Ok((head, None)) => Sniffed::NotLog(not_recognised(&head)),
        Err(e) => Sniffed::Unreadable(e),
    }
}

/// A README or Markdown note kept beside the logs: a folder walk passes over it quietly, while
/// any other file that is no log is reported.
fn is_documentation(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".md") || name.starts_with("readme") || name.starts_with("license")
}

/// Why a file is not read, from what its first bytes hold.
fn not_recognised(head: &[u8]) -> String {
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => "the file is empty".to_string(),
        Some(b'{') | Some(b'[') => {
            "JSON, but not a flow log kqlite reads (VNet or NSG flow log); skipped".to_string()
        }
        Some(_) => "not JSON and not a flow log kqlite reads; skipped".to_string(),
    }
}

fn table_format(path: &Path) -> Result<TableFormat, Error> {
    if let Some(format) = TableFormat::from_path(path) {
        return Ok(format);
    }
    let head = detect::read_head(path)
        .map_err(|e| Error::input(path.display().to_string(), e.to_string()))?;
    Ok(match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => TableFormat::Json,
        Some(b'{') => TableFormat::JsonLines,
        _ => TableFormat::Csv,
    })
}

fn load_table_file(
    path: &Path,
    name: &str,
    format: TableFormat,
    options: &SourceOptions,
    report: &mut LoadReport,
    catalog: &mut Catalog,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    let table = table_file::load(path, name, format, &mut problems)?;
    for d in problems {
        if options.strict {
            return Err(Error::input(
                d.path.clone(),
                format!("{}: {}", d.position, d.message),
            ));
        }
        report.diagnostics.report(d);
    }
    let origin = format!("{} ({})", path.display(), format.label());
    catalog.register(name, Arc::new(table.with_origin(origin)));
    report.tables.push(LoadedTable {
        name: name.to_string(),
    });
    Ok(())
}

fn register_flow_tables(
    files: Vec<FlowFile>,
    options: &SourceOptions,
    report: &mut LoadReport,
    catalog: &mut Catalog,
) {
    let vnet: Vec<FlowFile> = files
        .iter()
        .filter(|f| f.format == Format::VnetFlow)
        .cloned()
        .collect();
    let nsg: Vec<FlowFile> = files
        .iter()
        .filter(|f| f.format == Format::NsgFlow)
        .cloned()
        .collect();
    let mut nta = Vec::new();
    if options.nta_from.contains(&FlowSource::Vnet) {
        nta.extend(vnet);
    }
    if options.nta_from.contains(&FlowSource::Nsg) {
        nta.extend(nsg.iter().cloned());
    }
    if options.nta_from.contains(&FlowSource::Aws) {
        nta.extend(
            files
                .iter()
                .filter(|f| f.format == Format::AwsVpcFlow)
                .cloned(),
        );
    }
    for (table, files) in [
        (FlowTable::NtaNetAnalytics, nta),
        (FlowTable::AzureNetworkAnalytics, nsg),
    ] {
        if files.is_empty() {
            continue;
        }
        let provider = FlowLogProvider::new(
            table,
            files,
            options.interval,
            options.strict,
            report.diagnostics.clone(),
        )
        .with_topology(options.topology.as_ref().map(|t| t.0.clone()));
        report.tables.push(LoadedTable {
            name: table.name().to_string(),
        });
        catalog.register(table.name(), Arc::new(provider));
    }
}

/// One line of `kqlite tables`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub name: String,
    pub rows: usize,
    /// Where the rows come from: `40 VNet flow log files, …` or `path (CSV)`.
    pub origin: String,
}

/// Each table `open` registered, with its row count (this scans the raw logs).
pub fn describe(report: &LoadReport, catalog: &Catalog) -> Result<Vec<TableSummary>, Error> {
    let mut summaries = Vec::new();
    for table in &report.tables {
        let Some(provider) = catalog.get(&table.name) else {
            continue;
        };
        let schema = provider.schema();
        let column = schema.index_of("Type").unwrap_or(0);
        let mut rows = 0;
        if !schema.is_empty() {
            let request = ScanRequest {
                columns: &[column],
                predicates: &[],
                ctx: EvalContext { now: 0 },
                stats: None,
            };
            provider.scan(&request, &mut |batch| {
                rows += batch.num_rows();
                Ok(())
            })?;
        }
        summaries.push(TableSummary {
            name: table.name.clone(),
            rows,
            origin: provider.origin(),
        });
    }
    Ok(summaries)
}

#[cfg(test)]
mod tests;
