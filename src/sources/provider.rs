//! The catalog provider for a flow table filled from raw logs: `open` only lists and sniffs the
//! files; each `scan` reads them (in parallel, a chunk at a time), aggregates, and hands the
//! requested columns to the sink in batches, from the calling thread, in a fixed order.
//!
//! Why rows of different files must be merged, and when a row is final: the group key holds the
//! target, the MAC and the interval, and a `PT1H.json` holds one hour of one MAC, so with 60- or
//! 10-minute intervals (which divide the hour) a group *almost* never spans files. But Azure
//! writes a tuple into the blob of the hour it is logged in, which can be just after the hour
//! its time stamp belongs to (a flow ending at 10:59:59.9 logged at 11:00:00.1), and files
//! outside the blob layout carry no hour at all. So rows go through a [`Merger`]: files are read
//! in order of the hour their blob path names (files with none last), and once every file of
//! hours before H has been read, a row whose interval ended by H − 1 h is final, since only
//! tuples logged more than an hour late could still join it. Memory holds about two hours of
//! rows, not the whole table; with files that name no hour, everything waits for the end.

use super::aggregate::{FileAggregator, FlowRow, Merger};
use super::columns::{self, FlowTable};
use super::detect::{self, Format};
use super::diagnostics::{Diagnostic, Diagnostics, Problem};
use super::topology::Topology;
use super::{json_stream, nsg_flow, vnet_flow, vpc_nta};
use crate::catalog::{known_schema, ScanRequest, TableProvider, BATCH_ROWS};
use crate::error::Error;
use crate::table::{Schema, Table, TICKS_PER_SECOND};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

const HOUR: i64 = 3600 * TICKS_PER_SECOND;

/// One raw log file of a flow table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowFile {
    pub path: PathBuf,
    pub format: Format,
    /// The hour its blob path names, if any.
    pub hour: Option<i64>,
}

impl FlowFile {
    pub fn new(path: PathBuf, format: Format) -> FlowFile {
        let hour = detect::blob_hour(&path);
        FlowFile { path, format, hour }
    }
}

/// NTANetAnalytics or AzureNetworkAnalytics_CL, read from raw flow logs at scan time.
pub struct FlowLogProvider {
    table: FlowTable,
    schema: Schema,
    files: Vec<FlowFile>,
    interval: i64,
    strict: bool,
    diagnostics: Arc<Diagnostics>,
    origin: String,
    topology: Option<Arc<Topology>>,
}

impl FlowLogProvider {
    /// `interval` in ticks (0: one row per tuple); problems go to `diagnostics`, or fail the
    /// scan when `strict`.
    pub fn new(
        table: FlowTable,
        mut files: Vec<FlowFile>,
        interval: i64,
        strict: bool,
        diagnostics: Arc<Diagnostics>,
    ) -> FlowLogProvider {
        files.sort_by(|a, b| {
            (a.hour.unwrap_or(i64::MAX), &a.path).cmp(&(b.hour.unwrap_or(i64::MAX), &b.path))
        });
        let origin = describe_files(&files);
        FlowLogProvider {
            table,
            schema: known_schema(table.name()).expect("flow tables have compiled-in schemas"),
            files,
            interval,
            strict,
            diagnostics,
            origin,
            topology: None,
        }
    }

    /// Enrich rows from `--topology` (subnets, VMs, NICs, regions, FlowType).
    pub fn with_topology(mut self, topology: Option<Arc<Topology>>) -> FlowLogProvider {
        self.topology = topology;
        self
    }

    pub fn files(&self) -> &[FlowFile] {
        &self.files
    }

    /// Hand over one file's problems: fatal when strict, else logged.
    fn report(&self, problems: Vec<Diagnostic>) -> Result<(), Error> {
        for d in problems {
            if self.strict {
                let mut detail = String::new();
                if let Some(line) = d.line {
                    detail.push_str(&format!("line {line}, "));
                }
                if !d.position.is_empty() {
                    detail.push_str(&format!("{}: ", d.position));
                }
                detail.push_str(&d.message);
                return Err(Error::input(d.path, detail));
            }
            self.diagnostics.report(d);
        }
        Ok(())
    }
}

/// `40 VNet flow log files, 6 NSG flow log files`.
fn describe_files(files: &[FlowFile]) -> String {
    let mut parts = Vec::new();
    for format in [Format::VnetFlow, Format::NsgFlow, Format::AwsVpcFlow] {
        let n = files.iter().filter(|f| f.format == format).count();
        if n > 0 {
            parts.push(format!(
                "{n} {} file{}",
                format.label(),
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    parts.join(", ")
}

/// Read, parse and aggregate one file; its rows and its problems.
pub fn read_file(file: &FlowFile, interval: i64) -> (Vec<FlowRow>, Vec<Diagnostic>) {
    let path = file.path.display().to_string();
    let bytes = match detect::read_all(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let d = Diagnostic::new(path, None, "", format!("cannot read the file: {e}"), 0);
            return (Vec::new(), vec![d]);
        }
    };
    let (text, bad_bytes) = json_stream::text_of(&bytes);
    let mut problems = Vec::new();
    let rows = {
        let mut agg = FileAggregator::new(interval);
        match file.format {
            Format::VnetFlow => vnet_flow::read(&text, &bad_bytes, &mut agg, &mut problems),
            Format::NsgFlow => nsg_flow::read(&text, &bad_bytes, &mut agg, &mut problems),
            Format::AwsVpcFlow => vpc_nta::aggregate(&text, &mut agg, &mut problems),
            // Resource logs are tables of their own, never flow rows.
            Format::AzureResourceLog => {}
        }
        agg.finish()
    };
    report_stray_bytes(text.as_bytes(), &bad_bytes, &mut problems);
    problems.sort_by_key(|p| p.offset);
    let diagnostics = problems
        .into_iter()
        .map(|p| p.locate(&path, text.as_bytes()))
        .collect();
    (rows, diagnostics)
}

/// Bytes that were not UTF-8 outside any tuple reported for it (in a rule name, say): the
/// record still loads, with `?` in their place, but the user hears of each once.
fn report_stray_bytes(text: &[u8], bad: &[usize], problems: &mut Vec<Problem>) {
    let tuple_starts: Vec<usize> = problems
        .iter()
        .filter(|p| p.message.contains("not valid UTF-8"))
        .map(|p| p.offset)
        .collect();
    for &b in bad {
        let inside_reported_tuple = tuple_starts
            .iter()
            .any(|&start| start <= b && !text[start..b].contains(&b'"'));
        if !inside_reported_tuple {
            problems.push(Problem::new(
                b,
                format!("byte {}", b + 1),
                "this byte is not valid UTF-8; it was read as `?`",
                0,
            ));
        }
    }
}

impl TableProvider for FlowLogProvider {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let out_schema = Schema::new(
            request
                .columns
                .iter()
                .map(|&i| self.schema.fields[i].clone())
                .collect(),
        );
        let mut emit = |rows: Vec<FlowRow>| -> Result<(), Error> {
            for batch in rows.chunks(BATCH_ROWS) {
                let cols = columns::build(
                    self.table,
                    &self.schema,
                    request.columns,
                    batch,
                    self.topology.as_deref(),
                );
                sink(Table::new(out_schema.clone(), cols))?;
            }
            Ok(())
        };
        let chunk = (rayon::current_num_threads() * 2).max(2);
        let mut merger = Merger::default();
        for (n, files) in self.files.chunks(chunk).enumerate() {
            let results: Vec<(Vec<FlowRow>, Vec<Diagnostic>)> = files
                .par_iter()
                .map(|f| read_file(f, self.interval))
                .collect();
            for (rows, problems) in results {
                self.report(problems)?;
                if self.interval == 0 {
                    emit(rows)?;
                } else {
                    merger.add(rows);
                }
            }
            if self.interval > 0 {
                let next = self.files.get((n + 1) * chunk).and_then(|f| f.hour);
                if let Some(next_hour) = next {
                    emit(merger.take_ended_by(next_hour - HOUR))?;
                }
            }
        }
        if !merger.is_empty() {
            emit(merger.take_all())?;
        }
        Ok(())
    }

    fn origin(&self) -> String {
        self.origin.clone()
    }
}
