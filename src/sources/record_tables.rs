//! Catalog tables for the sources that give one row per record: AWS VPC flow logs (streamed
//! from disk file by file when a query scans `AWSVPCFlow`) and Azure resource logs (small, read
//! once when the logs are opened, into one in-memory table per category).
//!
//! Problems go to an [`IssueSink`], which the loader connects to its diagnostics (and which
//! returns an error under `--strict`).

use super::detect::Format;
use super::diagnostics::{Diagnostic, Diagnostics};
use super::read_issue::{Position, ReadIssue};
use super::{azure_resource, vpc_flow, FlowFile, LoadReport, LoadedTable, SourceOptions};
use crate::catalog::{is_hidden, Catalog, MemoryTable, ScanRequest, TableProvider};
use crate::error::Error;
use crate::table::{Column, Field, Schema, Table};
use indexmap::IndexMap;
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where readers' problems go; an `Err` stops the load (`--strict`).
pub type IssueSink = Arc<dyn Fn(ReadIssue) -> Result<(), Error> + Send + Sync>;

/// Files read in parallel per step of a scan (batches still reach the sink in file order).
const FILES_PER_STEP: usize = 16;

/// Register `AWSVPCFlow` (read when scanned) and the resource-log tables (read now) for the
/// files sniffed as AWS VPC flow logs or Azure resource logs.
pub fn register(
    files: &[FlowFile],
    options: &SourceOptions,
    report: &mut LoadReport,
    catalog: &mut Catalog,
) -> Result<(), Error> {
    let of = |format: Format| -> Vec<PathBuf> {
        files
            .iter()
            .filter(|f| f.format == format)
            .map(|f| f.path.to_path_buf())
            .collect()
    };
    let sink = issue_sink(report.diagnostics.clone(), options.strict);
    let aws = of(Format::AwsVpcFlow);
    if !aws.is_empty() {
        report.tables.push(LoadedTable {
            name: vpc_flow::TABLE.to_string(),
        });
        catalog.register(
            vpc_flow::TABLE,
            Arc::new(AwsVpcProvider::new(aws, sink.clone())),
        );
    }
    let resource = of(Format::AzureResourceLog);
    if !resource.is_empty() {
        let n = resource.len();
        for (name, table) in load_resource_logs(&resource, &sink)? {
            let origin = format!(
                "{n} Azure resource log file{}",
                if n == 1 { "" } else { "s" }
            );
            report.tables.push(LoadedTable { name: name.clone() });
            catalog.register(name, Arc::new(MemoryTable::new(table, origin)));
        }
    }
    Ok(())
}

/// Problems as the loader's diagnostics (each kept once), or an error under `--strict`.
pub fn issue_sink(diagnostics: Arc<Diagnostics>, strict: bool) -> IssueSink {
    Arc::new(move |issue: ReadIssue| {
        let (line, position) = match issue.position {
            Position::File => (None, String::new()),
            Position::Line(n) => (Some(n), String::new()),
            Position::Record(n) => (None, format!("record {n}")),
        };
        if strict {
            let place = line.map_or(position.clone(), |n| format!("line {n}"));
            let detail = if place.is_empty() {
                issue.message
            } else {
                format!("{place}: {}", issue.message)
            };
            return Err(Error::input(issue.path, detail));
        }
        diagnostics.report(Diagnostic::new(
            issue.path,
            line,
            position,
            issue.message,
            issue.skipped,
        ));
        Ok(())
    })
}

/// The text of a file, gunzipped when it is gzip; problems decoding it come back as issues.
pub fn read_text(path: &Path) -> Result<(String, Vec<ReadIssue>), ReadIssue> {
    let shown = path.display().to_string();
    let mut bytes = Vec::new();
    super::detect::read_raw(path, &mut bytes).map_err(|e| {
        ReadIssue::new(&shown, Position::File, format!("cannot read the file: {e}")).skipping(0)
    })?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(vpc_flow::gunzip_text(&bytes, &shown));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Vec::new())),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            let issue = ReadIssue::new(
                &shown,
                Position::Line(line),
                format!("a byte that is not UTF-8 at offset {valid}; it is replaced with U+FFFD"),
            )
            .skipping(0);
            Ok((String::from_utf8_lossy(&bytes).into_owned(), vec![issue]))
        }
    }
}

/// The first line of a file (gunzipped when needed): enough to learn a VPC log's columns.
fn first_line(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic)?;
    let file = std::fs::File::open(path)?;
    let reader: Box<dyn Read> = if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut line = String::new();
    // A damaged file may not give even one line; the scan reports it.
    let _ = BufReader::new(reader).read_line(&mut line);
    Ok(line)
}

/// `AWSVPCFlow`: Sentinel's columns plus every extra header field of any of the files.
pub struct AwsVpcProvider {
    files: Vec<PathBuf>,
    schema: Schema,
    report: IssueSink,
}

impl AwsVpcProvider {
    /// Learn the table's columns from each file's header line; rows are read when scanned.
    pub fn new(files: Vec<PathBuf>, report: IssueSink) -> AwsVpcProvider {
        let extras: Vec<Field> = files
            .iter()
            .filter_map(|f| first_line(f).ok())
            .flat_map(|line| {
                let schema = vpc_flow::file_schema(&line);
                let known = vpc_flow::schema_with_extras(Vec::new());
                let fields: Vec<Field> = schema.fields.to_vec();
                fields
                    .into_iter()
                    .filter(move |f| known.index_of(&f.name).is_none())
            })
            .collect();
        AwsVpcProvider {
            files,
            schema: vpc_flow::schema_with_extras(extras),
            report,
        }
    }

    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

impl TableProvider for AwsVpcProvider {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let want = request.output_schema(&self.schema);
        super::scan_progress::plan(self.files.len());
        for step in self.files.chunks(FILES_PER_STEP) {
            let results: Vec<(Table, Vec<ReadIssue>)> = step
                .par_iter()
                .map(|path| match read_text(path) {
                    Ok((text, mut issues)) => {
                        let (table, more) =
                            vpc_flow::read(&text, &path.display().to_string(), &self.schema, &want);
                        issues.extend(more);
                        (table, issues)
                    }
                    Err(issue) => (Table::empty(want.clone()), vec![issue]),
                })
                .collect();
            for (table, issues) in results {
                for issue in issues {
                    (self.report)(issue)?;
                }
                if table.num_rows() > 0 {
                    sink(table)?;
                }
            }
        }
        Ok(())
    }

    fn origin(&self) -> String {
        let n = self.files.len();
        format!("{n} AWS VPC flow log file{}", if n == 1 { "" } else { "s" })
    }
}

/// Read every Azure resource-log file into one table per category's table, in file order.
pub fn load_resource_logs(
    files: &[PathBuf],
    report: &IssueSink,
) -> Result<IndexMap<String, Table>, Error> {
    let results: Vec<Result<azure_resource::ResourceLogs, ReadIssue>> = files
        .par_iter()
        .map(|path| {
            let (text, issues) = read_text(path)?;
            let mut logs = azure_resource::read(&text, &path.display().to_string());
            logs.issues.splice(0..0, issues);
            Ok(logs)
        })
        .collect();
    let mut tables: IndexMap<String, Table> = IndexMap::new();
    for result in results {
        let logs = match result {
            Ok(logs) => logs,
            Err(issue) => {
                report(issue)?;
                continue;
            }
        };
        for issue in logs.issues {
            report(issue)?;
        }
        for (name, table) in logs.tables {
            match tables.get_mut(&name) {
                Some(existing) => append_by_name(existing, &table),
                None => {
                    tables.insert(name, table);
                }
            }
        }
    }
    Ok(tables)
}

/// Append `more` to `table`, matching columns by name; a column only `more` has is added
/// (before the hidden columns) and back-filled with nulls, one only `table` has gets nulls.
fn append_by_name(table: &mut Table, more: &Table) {
    for field in more.schema.fields.iter() {
        if table.schema.index_of(&field.name).is_none() {
            let rows = table.num_rows();
            let at = if is_hidden(&field.name) {
                table.schema.len()
            } else {
                table
                    .schema
                    .fields
                    .iter()
                    .position(|f| is_hidden(&f.name))
                    .unwrap_or(table.schema.len())
            };
            table.schema.fields_mut().insert(at, field.clone());
            table.columns.insert(at, Column::nulls(field.ty, rows));
        }
    }
    let added = more.num_rows();
    for (field, column) in table.schema.fields.iter().zip(table.columns.iter_mut()) {
        match more.column(&field.name) {
            Some(other) => column.extend_from(other),
            None => column.extend_from(&Column::nulls(field.ty, added)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::EvalContext;
    use crate::table::{Type, Value};
    use std::sync::Mutex;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "kqlite-record-tables-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn collecting_sink() -> (IssueSink, Arc<Mutex<Vec<ReadIssue>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let store = seen.clone();
        let sink: IssueSink = Arc::new(move |issue| {
            store.lock().unwrap().push(issue);
            Ok(())
        });
        (sink, seen)
    }

    fn scan_all(provider: &dyn TableProvider) -> Table {
        let columns: Vec<usize> = (0..provider.schema().len()).collect();
        let request = ScanRequest {
            columns: &columns,
            predicates: &[],
            ctx: EvalContext { now: 0 },
            stats: None,
        };
        let mut out = Table::empty(provider.schema().clone());
        provider
            .scan(&request, &mut |batch| {
                out.append(&batch);
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn aws_files_with_different_headers_share_one_schema() {
        use std::io::Write;
        let dir = temp_dir("aws");
        std::fs::write(
            dir.join("a.log"),
            "version srcaddr ecs-task-id log-status\n7 10.0.0.1 t-1 OK\n7 10.0.0.2 t-2 OK\n",
        )
        .unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(
            b"version srcaddr reject-reason log-status\n8 10.0.0.3 BPA OK\n8 10.0.0.4 - OK oops\n",
        )
        .unwrap();
        std::fs::write(dir.join("b.log.gz"), gz.finish().unwrap()).unwrap();
        let (sink, seen) = collecting_sink();
        let provider = AwsVpcProvider::new(vec![dir.join("a.log"), dir.join("b.log.gz")], sink);
        let schema = provider.schema();
        assert_eq!(
            schema.fields[schema.index_of("EcsTaskId").unwrap()].ty,
            Type::String
        );
        assert!(schema.index_of("RejectReason").is_some());
        let table = scan_all(&provider);
        assert_eq!(table.num_rows(), 3);
        let task = table.column("EcsTaskId").unwrap();
        let reason = table.column("RejectReason").unwrap();
        assert_eq!(task.get(1), Value::String(Arc::from("t-2")));
        assert_eq!(task.get(2), Value::String(Arc::from("")));
        assert_eq!(reason.get(2), Value::String(Arc::from("BPA")));
        let seen = seen.lock().unwrap();
        // Neither header names `start`: one note per file, at its header.
        let (startless, bad): (Vec<&ReadIssue>, Vec<&ReadIssue>) = seen
            .iter()
            .partition(|i| i.message.contains("names no `start` field"));
        assert_eq!(startless.len(), 2);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].path.ends_with("b.log.gz") && bad[0].position == Position::Line(3));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn strict_sinks_stop_the_scan() {
        let dir = temp_dir("strict");
        std::fs::write(dir.join("a.log"), "srcaddr packets\n10.0.0.1 x\n").unwrap();
        let sink: IssueSink =
            Arc::new(|issue| Err(Error::input(issue.path.clone(), issue.message.clone())));
        let provider = AwsVpcProvider::new(vec![dir.join("a.log")], sink);
        let request = ScanRequest {
            columns: &[0],
            predicates: &[],
            ctx: EvalContext { now: 0 },
            stats: None,
        };
        assert!(provider.scan(&request, &mut |_| Ok(())).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn resource_logs_of_several_files_merge_by_table() {
        let dir = temp_dir("azfw");
        let record = |category: &str, props: &str| {
            format!(
                r#"{{"time":"2024-05-09T10:00:00Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW","category":"{category}","properties":{props}}}"#
            )
        };
        std::fs::write(
            dir.join("a.json"),
            format!(
                "{{\"records\":[{}]}}",
                record("AZFWFlowTrace", r#"{"Flag":"INVALID"}"#)
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("b.json"),
            format!(
                "{}\n{}\n{}\n",
                record("AZFWFlowTrace", r#"{"Flag":"RST"}"#),
                record("AzureFirewallNetworkRule", r#"{"msg":"a","one":1}"#),
                record("AzureFirewallNetworkRule", r#"{"msg":"b","two":"x"}"#)
            ),
        )
        .unwrap();
        let (sink, seen) = collecting_sink();
        let tables = load_resource_logs(&[dir.join("a.json"), dir.join("b.json")], &sink).unwrap();
        assert!(seen.lock().unwrap().is_empty());
        let trace = &tables["AZFWFlowTrace"];
        assert_eq!(trace.num_rows(), 2);
        assert_eq!(
            trace.column("Flag").unwrap().get(1),
            Value::String(Arc::from("RST"))
        );
        let diag = &tables["AzureDiagnostics"];
        assert_eq!(diag.num_rows(), 2);
        assert_eq!(diag.column("one_d").unwrap().get(1), Value::Null);
        assert_eq!(
            diag.column("two_s").unwrap().get(1),
            Value::String(Arc::from("x"))
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn examples_with_topology_and_aws_in_nta() {
        use crate::sources::{open, topology, FlowSource, LogPath, SourceOptions};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let topology_files: Vec<PathBuf> = [
            "vnets.json",
            "nics.json",
            "vms.json",
            "ServiceTags_Public_sample.json",
        ]
        .iter()
        .map(|f| root.join("topology").join(f))
        .collect();
        let (loaded, issues) = topology::load_files(&topology_files).unwrap();
        assert!(issues.is_empty(), "{issues:?}");
        let options = SourceOptions {
            nta_from: FlowSource::parse_list("vnet,aws").unwrap(),
            topology: Some(topology::TopologyRef(Arc::new(loaded))),
            ..SourceOptions::default()
        };
        let mut catalog = Catalog::new();
        let report = open(&[LogPath::Path(root.join("logs"))], &options, &mut catalog).unwrap();
        assert!(
            report.diagnostics.all().is_empty(),
            "{:?}",
            report.diagnostics.all()
        );
        let nta = scan_all(catalog.get("NTANetAnalytics").unwrap().as_ref());
        let text = |column: &str, row: usize| match nta.column(column).unwrap().get(row) {
            Value::String(s) => s.to_string(),
            other => panic!("{other:?}"),
        };
        let mut flow_types = std::collections::BTreeSet::new();
        let (mut aws_rows, mut named_subnets) = (0, 0);
        for row in 0..nta.num_rows() {
            flow_types.insert(text("FlowType", row));
            if text("FaSchemaVersion", row) == "aws" {
                aws_rows += 1;
                assert_eq!(text("TargetResourceType", row), "AwsNetworkInterface");
                assert!(text("TargetResourceId", row).starts_with("eni-"));
            }
            if text("SrcIp", row) == "10.12.1.4" {
                assert_eq!(text("SrcSubnet", row), "rg-spoke/vnet-spoke-app/snet-web");
                assert_eq!(text("SrcVm", row), "rg-spoke/vm-web1");
                named_subnets += 1;
            }
        }
        assert!(aws_rows > 0 && named_subnets > 0);
        for expected in ["IntraVNet", "ExternalPublic"] {
            assert!(flow_types.contains(expected), "{flow_types:?}");
        }
        let aws = scan_all(catalog.get("AWSVPCFlow").unwrap().as_ref());
        assert!(aws.num_rows() > 50);
        assert!(aws.schema.index_of("EcsClusterName").is_some());
        let trace = scan_all(catalog.get("AZFWFlowTrace").unwrap().as_ref());
        let invalid = (0..trace.num_rows())
            .filter(|&r| {
                trace.column("Flag").unwrap().get(r) == Value::String(Arc::from("INVALID"))
            })
            .count();
        assert!(invalid > 0);
    }
}
