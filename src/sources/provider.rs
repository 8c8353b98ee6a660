//! The catalog provider for a flow table filled from raw logs: `open` only lists and sniffs the
//! files; each `scan` reads them (in parallel, a chunk at a time), aggregates, and hands the
//! requested columns to the sink in batches, from the calling thread, in a fixed order.
//!
//! Why rows of different files must be merged, and when a row is final: the group key holds the
//! target, the MAC and the interval, and a `PT1H.json` holds one hour of one MAC, so with 60- or
//! 10-minute intervals (which divide the hour) a group *almost* never spans files. But Azure
//! writes a tuple into the blob of the hour it is logged in, which can be just after the hour
//! its time stamp belongs to (a flow ending at 10:59:59.9 logged at 11:00:00.1), and files
//! outside the blob layout carry no hour at all. So rows go through a [`Merger`]. A flow log
//! writes one stream of blobs per NIC (`detect::blob_stream`), and a flow context is only ever
//! written to its own stream, so files are read one stream after another, each in the order of
//! the hours its blob paths name (files outside the layout last). Once a stream's blob of hour H
//! is read, its rows of intervals ending by H are final (a blob holds its hour's tuples and the
//! end of the hour before, never older ones), and when the next file is another stream's, all
//! of its rows are. Memory holds about an hour of one stream's rows, not the whole table; with
//! files that name no hour, everything waits for the end.

use super::aggregate::{FileAggregator, FileGroups};
use super::azure_ids::format_mac;
use super::columns::{self, FlowTable};
use super::detect::{self, Format};
use super::diagnostics::{Diagnostic, Diagnostics, Problem};
use super::flow_row::RowView;
use super::merge::{Merger, Released};
use super::pushdown::{FileFilter, FileVerdict, ScanFilter};
use super::scan_dict::ScanDict;
use super::topology::Topology;
use super::{json_stream, nsg_flow, vnet_flow, vpc_nta};
use crate::catalog::{known_schema, ScanRequest, ScanStats, TableProvider, BATCH_ROWS};
use crate::error::Error;
use crate::table::{Schema, Str, Table, TICKS_PER_SECOND};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

const HOUR: i64 = 3600 * TICKS_PER_SECOND;

/// One raw log file of a flow table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowFile {
    /// Shared: the file lists of several tables hold the same paths.
    pub path: Arc<Path>,
    pub format: Format,
    /// The hour its blob path names, if any.
    pub hour: Option<i64>,
    /// The NIC its blob path names (`00-22-48-E6-54-32`, as `MacAddress` shows it), if any.
    pub mac: Option<Str>,
    /// The stream of blobs it belongs to (`detect::blob_stream`), if it is a blob.
    pub stream: Option<Str>,
}

impl FlowFile {
    pub fn new(path: PathBuf, format: Format) -> FlowFile {
        let hour = detect::blob_hour(&path);
        let mac = detect::blob_mac(&path).map(|m| Str::from(format_mac(m)));
        let stream = detect::blob_stream(&path).map(Str::from);
        FlowFile {
            path: path.into(),
            format,
            hour,
            mac,
            stream,
        }
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
        // A stream's blobs in hour order, one stream after another; files outside the blob
        // layout last (see the module doc).
        files.sort_by(|a, b| {
            let order =
                |f: &FlowFile| (f.stream.is_none(), f.stream.clone(), f.hour, f.path.clone());
            order(a).cmp(&order(b))
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

/// How a scan's batches are laid out: the table, its schema, and the columns asked for.
pub struct Layout<'s> {
    pub table: FlowTable,
    pub schema: &'s Schema,
    pub columns: &'s [usize],
    pub out_schema: &'s Schema,
    pub topology: Option<&'s Topology>,
}

impl Layout<'_> {
    /// `rows` as batches of at most `BATCH_ROWS`, on the calling thread.
    fn batches<R: RowView + Sync>(&self, rows: &[R], out: &mut Vec<Table>) {
        self.lay_out(rows, out, false);
    }

    /// [`Layout::batches`] with each batch's columns built on the thread pool when there are
    /// enough cells to pay for the trip: for the merged rows, which all pass through the one
    /// thread that merges. (A small release is laid out where it is: waking the pool for it
    /// costs the merging thread more than the work, while the readers wait on it.)
    fn batches_on_pool<R: RowView + Sync>(&self, rows: &[R], out: &mut Vec<Table>) {
        const POOL_CELLS: usize = 64 * 1024;
        let parallel = rows.len().saturating_mul(self.columns.len()) >= POOL_CELLS;
        self.lay_out(rows, out, parallel);
    }

    fn lay_out<R: RowView + Sync>(&self, rows: &[R], out: &mut Vec<Table>, parallel: bool) {
        for chunk in rows.chunks(BATCH_ROWS) {
            let cols = columns::build(
                self.table,
                self.schema,
                self.columns,
                chunk,
                self.topology,
                parallel,
            );
            out.push(Table::new(self.out_schema.clone(), cols));
        }
    }
}

/// What reading one file gives: aggregated groups still to be merged with other files', or,
/// with interval 0 (one row per tuple, nothing to merge), the finished batches.
pub enum FileRows {
    Groups(FileGroups),
    Batches(Vec<Table>),
}

/// The file's bytes (decompressed when gzip) into `buf`. A gzip stream that breaks off keeps
/// what was decoded before the break (the JSON reader then keeps every complete record of it);
/// the break is returned as a problem to report.
fn read_bytes(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<Option<String>> {
    detect::read_raw(path, buf)?;
    if !buf.starts_with(&[0x1f, 0x8b]) {
        return Ok(None);
    }
    let raw = std::mem::take(buf);
    Ok(detect::gunzip_keeping_prefix(&raw, buf).map(|e| {
        if detect::is_too_large(&e) {
            return e.to_string();
        }
        format!(
            "the gzip stream is damaged or truncated after {} decompressed bytes ({e}); \
             the records before the damage are read",
            buf.len()
        )
    }))
}

/// What every file of one scan is read with.
pub struct ScanSetup<'s> {
    pub interval: i64,
    pub filter: &'s ScanFilter,
    pub layout: &'s Layout<'s>,
    /// The scan's ids for strings and contexts (interval > 0).
    pub dict: &'s ScanDict,
}

impl ScanSetup<'_> {
    /// What a file that gave nothing gives.
    fn nothing(&self) -> FileRows {
        if self.interval == 0 {
            FileRows::Batches(Vec::new())
        } else {
            FileRows::Groups(FileGroups {
                interval: self.interval,
                runs: Vec::new(),
            })
        }
    }
}

/// What a reading thread keeps from one file to the next: the buffer for a file's bytes, so a
/// scan does not map and fault in fresh memory for each, and how many rows (groups, or tuples
/// with interval 0) the last file gave, to size the next one's table at once: a table that
/// grows by doubling holds its old and new storage together while it moves, and a stream's
/// files are alike. (The thread owns this rather than a thread-local, so it is freed before the
/// scan's scope returns: a thread-local is freed only as the thread exits, which leak checkers
/// flag.)
#[derive(Default)]
pub struct ReaderScratch {
    bytes: Vec<u8>,
    rows_expected: usize,
}

/// Read, parse and aggregate one file, keeping what the filter lets through; its groups (or,
/// with interval 0, its batches) and its problems.
pub fn read_file(
    file: &FlowFile,
    setup: &ScanSetup<'_>,
    scratch: &mut ReaderScratch,
) -> (FileRows, Vec<Diagnostic>) {
    let path = file.path.display().to_string();
    let buf = &mut scratch.bytes;
    let damage = match read_bytes(&file.path, buf) {
        Ok(damage) => damage,
        Err(e) => {
            let d = Diagnostic::new(path, None, "", format!("cannot read the file: {e}"), 0);
            return (setup.nothing(), vec![d]);
        }
    };
    let (interval, layout) = (setup.interval, setup.layout);
    let (text, bad_bytes) = json_stream::text_of(buf);
    let mut problems = Vec::new();
    let rows = {
        let shown = |shows: fn(&str) -> bool| {
            layout
                .columns
                .iter()
                .any(|&i| shows(&layout.schema.fields[i].name))
        };
        let mut agg = FileAggregator::new(interval)
            .texts(shown(columns::shows_addresses))
            .source_ports(shown(columns::shows_source_ports))
            .public_peers(shown(columns::shows_public_peers))
            .expecting(scratch.rows_expected);
        let mut filter = FileFilter::new(Some(setup.filter));
        match file.format {
            Format::VnetFlow => {
                vnet_flow::read(&text, &bad_bytes, &mut agg, &mut filter, &mut problems)
            }
            Format::NsgFlow => {
                nsg_flow::read(&text, &bad_bytes, &mut agg, &mut filter, &mut problems)
            }
            Format::AwsVpcFlow => vpc_nta::aggregate(&text, &mut agg, &mut problems),
            // Resource logs are tables of their own, never flow rows.
            Format::AzureResourceLog => {}
        }
        scratch.rows_expected = agg.rows();
        if interval == 0 {
            let tuples = agg.finish_tuples();
            let mut batches = Vec::new();
            if !tuples.is_empty() {
                for start in (0..tuples.len()).step_by(BATCH_ROWS) {
                    let len = BATCH_ROWS.min(tuples.len() - start);
                    layout.batches(&tuples.views(start, len), &mut batches);
                }
            }
            FileRows::Batches(batches)
        } else {
            FileRows::Groups(agg.finish_groups(setup.dict))
        }
    };
    report_stray_bytes(text.as_bytes(), &bad_bytes, &mut problems);
    if let Some(message) = damage {
        problems.push(Problem::new(
            text.len(),
            "end of the decompressed data",
            message,
            0,
        ));
    }
    (rows, located(problems, &path, &text))
}

/// Problems in file order, with their lines.
fn located(mut problems: Vec<Problem>, path: &str, text: &str) -> Vec<Diagnostic> {
    problems.sort_by_key(|p| p.offset);
    problems
        .into_iter()
        .map(|p| p.locate(path, text.as_bytes()))
        .collect()
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

    /// Files are read by `--threads` workers, each taking the next file in order; the calling
    /// thread puts their results back in file order and hands them on, so the operators above
    /// the scan run while the next files are read, and batches arrive in the same order
    /// whatever the thread count.
    fn predicate_uses(&self, request: &ScanRequest<'_>) -> Option<Vec<String>> {
        Some(ScanFilter::new(self.table, &self.schema, request, self.interval).uses())
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let out_schema = request.output_schema(&self.schema);
        let layout = Layout {
            table: self.table,
            schema: &self.schema,
            columns: request.columns,
            out_schema: &out_schema,
            topology: self.topology.as_deref(),
        };
        let filter = ScanFilter::new(self.table, &self.schema, request, self.interval);
        let files: Vec<&FlowFile> = self
            .files
            .iter()
            .filter(|f| match filter.file_verdict(&f.path, f.hour) {
                FileVerdict::Keep => true,
                FileVerdict::OutsideTime => {
                    ScanStats::add(&filter.skipped.files_skipped_by_hour, 1);
                    false
                }
                FileVerdict::OtherMac => {
                    ScanStats::add(&filter.skipped.files_skipped_by_mac, 1);
                    false
                }
            })
            .collect();
        ScanStats::add(&filter.skipped.files_read, files.len() as u64);
        super::scan_progress::plan(files.len());
        let workers = rayon::current_num_threads().clamp(1, files.len().max(1));
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let dict = Arc::new(ScanDict::default());
        let setup = ScanSetup {
            interval: self.interval,
            filter: &filter,
            layout: &layout,
            dict: &dict,
        };
        let result = std::thread::scope(|s| {
            let (tx, rx) = mpsc::sync_channel(workers * 2);
            for _ in 0..workers {
                let tx = tx.clone();
                let (files, next, stop, setup) = (&files, &next, &stop, &setup);
                s.spawn(move || {
                    let mut scratch = ReaderScratch::default();
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        let read = read_file(file, setup, &mut scratch);
                        if tx.send((i, read)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let merger = Merger::new(dict.clone(), self.interval.max(1));
            let result = self.consume(rx, &files, &layout, merger, sink);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            result
        });
        // The workers have finished (the scope joined them): every file's counts are in.
        if let Some(stats) = request.stats {
            for ((_, from), (_, to)) in filter.skipped.counters().into_iter().zip(stats.counters())
            {
                ScanStats::add(to, from.load(Ordering::Relaxed));
            }
        }
        result
    }

    fn origin(&self) -> String {
        self.origin.clone()
    }

    /// Azure writes a tuple into the blob of the hour it is logged in, never before its time,
    /// so a blob of hour H holds no tuple after H + 1 h and the latest `FlowEndTime` is in the
    /// files of the latest blob hour (or in files whose path names no hour): only those are
    /// read, one row per tuple, going back an hour at a time while what was found could still
    /// be beaten by an earlier blob.
    fn latest_event_time(&self) -> Result<Option<Option<i64>>, Error> {
        let Some(column) = ["FlowEndTime", "FlowEndTime_t"]
            .iter()
            .find_map(|c| self.schema.index_of(c))
        else {
            return Ok(None);
        };
        let latest_of = |files: Vec<FlowFile>| -> Result<Option<i64>, Error> {
            if files.is_empty() {
                return Ok(None);
            }
            let part = FlowLogProvider {
                table: self.table,
                schema: self.schema.clone(),
                files,
                interval: 0,
                strict: self.strict,
                diagnostics: self.diagnostics.clone(),
                origin: String::new(),
                topology: None,
            };
            let request = ScanRequest {
                columns: &[column],
                predicates: &[],
                ctx: crate::func::EvalContext { now: 0 },
                stats: None,
            };
            let mut latest: Option<i64> = None;
            part.scan(&request, &mut |batch| {
                if let Some(crate::table::Column::DateTime(times)) = batch.columns.first() {
                    latest = latest.max(times.iter().flatten().max().copied());
                }
                Ok(())
            })?;
            Ok(latest)
        };
        // Files without an hour can hold any time: they are always read.
        let unplaced: Vec<FlowFile> = self
            .files
            .iter()
            .filter(|f| f.hour.is_none())
            .cloned()
            .collect();
        let mut latest = latest_of(unplaced)?;
        let mut hours: Vec<i64> = self.files.iter().filter_map(|f| f.hour).collect();
        hours.sort_unstable();
        hours.dedup();
        for &hour in hours.iter().rev() {
            if latest.is_some_and(|t| t >= hour + HOUR) {
                break;
            }
            let of_hour: Vec<FlowFile> = self
                .files
                .iter()
                .filter(|f| f.hour == Some(hour))
                .cloned()
                .collect();
            latest = latest.max(latest_of(of_hour)?);
            // Tuples at or after the hour cannot be beaten by earlier blobs; tuples before it
            // (the previous hour's, logged late) can, by a later tuple of that hour.
            if latest.is_some_and(|t| t >= hour) {
                break;
            }
        }
        if let Some(latest) = latest {
            self.warn_of_outlier(latest, &hours);
        }
        Ok(Some(latest))
    }
}

/// How far the latest blob may stand from the one before it before `--now latest` calls it an
/// outlier: a day of silence is unusual for a flow log that writes a blob every hour.
const OUTLIER_GAP: i64 = 24 * HOUR;

impl FlowLogProvider {
    /// `--now latest` moves every `ago()` window to the latest event; one file far after the
    /// rest (a clock gone wrong, a test blob, a tuple a century ahead) would move it there and
    /// leave the windows empty, so a check would pass on nothing. Warn, naming the file, when
    /// the latest event lies past what its blob's hour allows, or when the latest blob hour
    /// holds a single file and stands more than a day after every other.
    fn warn_of_outlier(&self, latest: i64, hours: &[i64]) {
        let Some(&last_hour) = hours.last() else {
            return;
        };
        let in_last: Vec<&FlowFile> = self
            .files
            .iter()
            .filter(|f| f.hour == Some(last_hour))
            .collect();
        let at = crate::value::format::datetime_text(latest);
        let path_of = |f: &FlowFile| f.path.display().to_string();
        let message = if latest > last_hour + 2 * HOUR {
            let blob = crate::value::format::datetime_text(last_hour);
            format!(
                "`--now latest` resolves to {at}, later than the newest blob hour ({blob}) \
                 allows; a file of that hour holds a tuple from the future (pin `--now` to \
                 ignore it)"
            )
        } else if let ([_], Some(&before)) = (in_last.as_slice(), hours.iter().rev().nth(1)) {
            if last_hour - before <= OUTLIER_GAP {
                return;
            }
            let days = (last_hour - before) / (24 * HOUR);
            format!(
                "`--now latest` resolves to {at} from this one file, {days} days after any \
                 other blob; if it is an outlier, pin `--now`"
            )
        } else {
            return;
        };
        let path = match in_last.as_slice() {
            [only] => path_of(only),
            _ => format!("{} files of the newest blob hour", in_last.len()),
        };
        self.diagnostics
            .report(Diagnostic::new(path, None, "", message, 0));
    }
}

impl FlowLogProvider {
    /// Take the workers' results in file order: report problems, merge rows across files (or
    /// pass batches on), and emit rows once no later file can add to them.
    fn consume(
        &self,
        rx: mpsc::Receiver<(usize, (FileRows, Vec<Diagnostic>))>,
        files: &[&FlowFile],
        layout: &Layout<'_>,
        mut merger: Merger,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let emit = |rows: Released, sink: &mut dyn FnMut(Table) -> Result<(), Error>| {
            if rows.is_empty() {
                return Ok(());
            }
            let mut batches = Vec::new();
            rows.with_rows(|rows| layout.batches_on_pool(rows, &mut batches));
            // The groups are freed before the operators above run on their batches.
            drop(rows);
            batches.into_iter().try_for_each(sink)
        };
        let mut pending = BTreeMap::new();
        let mut want = 0;
        for (i, read) in rx {
            pending.insert(i, read);
            while let Some((rows, problems)) = pending.remove(&want) {
                self.report(problems)?;
                match rows {
                    FileRows::Batches(batches) => batches.into_iter().try_for_each(&mut *sink)?,
                    FileRows::Groups(groups) => {
                        merger.add(groups, files[want].stream.as_ref());
                    }
                }
                want += 1;
                if self.interval > 0 {
                    let done = files[want - 1];
                    // A blob holds its hour's tuples and a few from the end of the hour before,
                    // never older ones (TABLES.md): once a stream's blob of hour H is read, its
                    // rows of intervals ending by H are final, and once the next file belongs
                    // to another stream, all of its rows are.
                    // (Two files of one stream and hour, copies say, are both read first.)
                    if let (Some(hour), Some(stream)) = (done.hour, &done.stream) {
                        let next = files
                            .get(want)
                            .filter(|f| f.stream.as_ref() == Some(stream));
                        let watermark = match next {
                            None => Some(i64::MAX),
                            Some(f) if f.hour == Some(hour) => None,
                            Some(_) => Some(hour),
                        };
                        if let Some(watermark) = watermark {
                            emit(merger.take_stream_ended_by(stream, watermark), sink)?;
                        }
                    }
                }
            }
        }
        if !merger.is_empty() {
            emit(merger.take_all(), sink)?;
        }
        Ok(())
    }
}
