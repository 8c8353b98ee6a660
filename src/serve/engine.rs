//! One query under the server's limits: it waits for a free slot (or is refused when too many
//! wait), runs the library's pipeline on a blocking thread against the current catalog, stops
//! at its time limit (the query's `exec::Budget` carries a cancel flag the timeout sets; the
//! executor checks it between batches and in its long loops), and cuts the result at the
//! record and byte limits the way Kusto truncates.
//!
//! Limits: <https://learn.microsoft.com/azure/data-explorer/kusto/concepts/querylimits>

use super::request::RequestOptions;
use super::snapshot::{Snapshot, Snapshots};
use super::time_window::{self, TimeWindow};
use super::Limits;
use crate::catalog::{Catalog, ScanRequest, TableProvider};
use crate::error::{Error, ErrorKind, Limit};
use crate::now::{self, NowSpec};
use crate::output::cell_json;
use crate::table::{Column, Schema, Table};
use crate::{Options, Visualization};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What a client asked to run.
#[derive(Debug)]
pub struct QueryJob {
    pub text: String,
    pub options: RequestOptions,
    /// The Log Analytics `timespan`, applied to `TimeGenerated`.
    pub timespan: Option<String>,
}

/// A query's result, its rows already as JSON arrays (the same encoding serves every API).
pub struct Answer {
    /// The rows returned (after truncation).
    pub table: Table,
    pub visualization: Option<Visualization>,
    /// One JSON array per row of `table`.
    pub rows: Vec<String>,
    pub truncation: Option<Truncation>,
    pub elapsed: Duration,
}

/// Why a result was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    Records(usize),
    Bytes(usize),
}

impl Truncation {
    /// Kusto's message for the limit (the query limits page).
    pub fn message(self) -> String {
        let inner = match self {
            Truncation::Records(limit) => format!(
                "Query result set has exceeded the internal record count limit {limit} \
                 (E_QUERY_RESULT_SET_TOO_LARGE)."
            ),
            Truncation::Bytes(limit) => format!(
                "Query result set has exceeded the internal data size limit {limit} \
                 (E_QUERY_RESULT_SET_TOO_LARGE)."
            ),
        };
        format!("The Kusto DataEngine has failed to execute a query: '{inner}'")
    }
}

/// A query that does not parse, bind or run, with the text its error points into.
#[derive(Debug)]
pub struct FailedQuery {
    pub error: Error,
    pub text: String,
}

impl FailedQuery {
    pub fn new(error: Error, text: impl Into<String>) -> Box<FailedQuery> {
        Box::new(FailedQuery {
            error,
            text: text.into(),
        })
    }
}

/// Why a query gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{}", .0.error)]
    Query(Box<FailedQuery>),
    /// A request option or parameter that cannot be read.
    #[error("{0}")]
    BadRequest(String),
    #[error("the query ran past its time limit of {} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("too many queries are running or waiting; try again shortly")]
    Busy,
    /// The query needed more than `--max-memory`: Kusto's "runaway query", a limit hit while
    /// running, not a fault of the query text.
    #[error("{0}")]
    Runaway(String),
    #[error("internal error while running the query: {0}")]
    Internal(String),
}

/// Runs queries against the current snapshot, within the limits.
pub struct Engine {
    pub snapshots: Arc<Snapshots>,
    now: NowSpec,
    options: Options,
    pub limits: Limits,
    slots: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
}

impl Engine {
    pub fn new(
        snapshots: Arc<Snapshots>,
        now: NowSpec,
        options: Options,
        limits: Limits,
    ) -> Engine {
        Engine {
            snapshots,
            now,
            options,
            slots: Arc::new(Semaphore::new(limits.max_running.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            limits,
        }
    }

    /// Run `job`; the wait for a slot counts against its time limit.
    pub async fn run(&self, job: QueryJob) -> Result<Answer, Failure> {
        let mut options = job.options;
        options
            .apply_set_statements(&job.text)
            .map_err(Failure::BadRequest)?;
        let limit = options
            .server_timeout
            .map_or(self.limits.query_timeout, |t| {
                t.min(self.limits.query_timeout)
            });
        let cancel = Arc::new(AtomicBool::new(false));
        let work = async {
            let permit = self.admit().await?;
            let run = Run {
                snapshot: self.snapshots.current(),
                now: self.now.clone(),
                base: self.options.clone(),
                limits: self.limits.clone(),
                cancel: cancel.clone(),
            };
            let text = job.text;
            let timespan = job.timespan;
            tokio::task::spawn_blocking(move || {
                // The slot is held until the work really stops, even past a timeout.
                let _permit = permit;
                run.compute(text, options, timespan)
            })
            .await
            .map_err(|e| Failure::Internal(panic_text(e)))?
        };
        match tokio::time::timeout(limit, work).await {
            Ok(result) => result,
            Err(_) => {
                cancel.store(true, Ordering::Relaxed);
                Err(Failure::Timeout(limit))
            }
        }
    }

    /// A running slot, waiting for one when all are taken; refused when too many wait.
    async fn admit(&self) -> Result<OwnedSemaphorePermit, Failure> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.limits.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Failure::Busy);
        }
        let _waiting = Waiting(self.waiting.clone());
        self.slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Failure::Busy)
    }
}

/// Counts a query as waiting until it is dropped (also when its wait times out).
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The failure a query error is: a limit hit while running is the limit's failure (the time
/// limit's 504, the memory limit's runaway query), anything else a failed query.
fn failure_of(error: Error, text: &str) -> Failure {
    match error.kind {
        ErrorKind::Stopped(Limit::Timeout(limit)) => Failure::Timeout(limit),
        ErrorKind::Stopped(limit @ Limit::Memory { .. }) => Failure::Runaway(limit.to_string()),
        _ => Failure::Query(FailedQuery::new(error, text)),
    }
}

fn panic_text(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".into()),
        Err(e) => e.to_string(),
    }
}

/// Everything one query needs on its blocking thread.
struct Run {
    snapshot: Arc<Snapshot>,
    now: NowSpec,
    base: Options,
    limits: Limits,
    cancel: Arc<AtomicBool>,
}

impl Run {
    fn compute(
        self,
        text: String,
        request: RequestOptions,
        timespan: Option<String>,
    ) -> Result<Answer, Failure> {
        let started = Instant::now();
        let mut options = self.base.clone();
        for (name, value) in &request.params {
            options.params.retain(|(n, _)| n != name);
            options.params.push((name.clone(), value.clone()));
        }
        let query_error = |error: Error| failure_of(error, &text);
        options.now = match request.now {
            Some(ticks) => ticks,
            None => {
                let latest = self
                    .snapshot
                    .latest
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                now::resolve(&self.now, &text, &self.snapshot.catalog, &options, &latest)
                    .map_err(query_error)?
                    .ticks
            }
        };
        let window = timespan
            .map(|t| time_window::parse(&t, options.now))
            .transpose()
            .map_err(Failure::BadRequest)?;
        options.budget = options.budget.with_cancel_flag(self.cancel.clone());
        let windowed;
        let catalog = match window {
            Some(window) => {
                windowed = windowed_catalog(&self.snapshot.catalog, window);
                &windowed
            }
            None => &self.snapshot.catalog,
        };
        let result = crate::run(&text, catalog, &options).map_err(query_error)?;
        let (max_records, max_bytes) = if request.no_truncation {
            (usize::MAX, usize::MAX)
        } else {
            (
                request.max_records.unwrap_or(self.limits.max_records),
                request.max_bytes.unwrap_or(self.limits.max_bytes),
            )
        };
        let (rows, truncation) = json_rows(&result.table, max_records, max_bytes);
        let table = match truncation {
            Some(_) => first_rows(&result.table, rows.len()),
            None => result.table,
        };
        Ok(Answer {
            table,
            visualization: result.visualization,
            rows,
            truncation,
            elapsed: started.elapsed(),
        })
    }
}

/// The rows as JSON arrays, up to `max_records` rows and `max_bytes` of JSON.
fn json_rows(
    table: &Table,
    max_records: usize,
    max_bytes: usize,
) -> (Vec<String>, Option<Truncation>) {
    let total = table.num_rows();
    let mut rows = Vec::with_capacity(total.min(max_records));
    let mut bytes = 0usize;
    for r in 0..total {
        if r == max_records {
            return (rows, Some(Truncation::Records(max_records)));
        }
        let row: Vec<serde_json::Value> = table.columns.iter().map(|c| cell_json(c, r)).collect();
        let text = serde_json::Value::Array(row).to_string();
        bytes += text.len();
        if bytes > max_bytes {
            return (rows, Some(Truncation::Bytes(max_bytes)));
        }
        rows.push(text);
    }
    (rows, None)
}

fn first_rows(table: &Table, n: usize) -> Table {
    let columns: Vec<Column> = table.columns.iter().map(|c| c.slice(0, n)).collect();
    Table::new(table.schema.clone(), columns)
}

/// The catalog with every table that has a `TimeGenerated` column wrapped, so that only rows
/// whose `TimeGenerated` falls in `window` are produced.
fn windowed_catalog(catalog: &Catalog, window: TimeWindow) -> Catalog {
    let mut wrapped = Catalog::empty();
    for name in catalog.names() {
        let Some(inner) = catalog.get(name) else {
            continue;
        };
        let provider: Arc<dyn TableProvider> = match inner.schema().index_of("TimeGenerated") {
            Some(time_column) => Arc::new(WindowedTable {
                inner: inner.clone(),
                time_column,
                window,
            }),
            None => inner.clone(),
        };
        wrapped.register(name, provider);
    }
    wrapped
}

/// A table seen through a Log Analytics `timespan`.
struct WindowedTable {
    inner: Arc<dyn TableProvider>,
    time_column: usize,
    window: TimeWindow,
}

impl WindowedTable {
    /// `request` with the time column riding along at the end (predicates index the requested
    /// columns, which keep their places).
    fn widened<'r>(
        &self,
        request: &ScanRequest<'r>,
        columns: &'r mut Vec<usize>,
    ) -> ScanRequest<'r> {
        columns.extend_from_slice(request.columns);
        columns.push(self.time_column);
        ScanRequest {
            columns,
            predicates: request.predicates,
            ctx: request.ctx,
            stats: request.stats,
        }
    }
}

impl TableProvider for WindowedTable {
    fn schema(&self) -> &Schema {
        self.inner.schema()
    }

    fn origin(&self) -> String {
        self.inner.origin()
    }

    fn predicate_uses(&self, request: &ScanRequest<'_>) -> Option<Vec<String>> {
        let mut columns = Vec::new();
        self.inner
            .predicate_uses(&self.widened(request, &mut columns))
    }

    /// The wrapped table's answer when it lies inside the window (or before it: no row is
    /// in the window then); past the window's end the rows must be scanned.
    fn latest_event_time(&self) -> Result<Option<Option<i64>>, Error> {
        Ok(match self.inner.latest_event_time()? {
            Some(Some(t)) if t >= self.window.to => None,
            Some(Some(t)) if t < self.window.from => Some(None),
            answer => answer,
        })
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        // The time column is used for the window and dropped again.
        let mut columns = Vec::new();
        let widened = self.widened(request, &mut columns);
        let kept = request.columns.len();
        let window = self.window;
        self.inner.scan(&widened, &mut |batch| {
            let mask: Vec<bool> = match &batch.columns[kept] {
                Column::DateTime(times) => times
                    .iter()
                    .map(|t| t.is_some_and(|t| t >= window.from && t < window.to))
                    .collect(),
                _ => vec![true; batch.num_rows()],
            };
            let schema = Schema::new(batch.schema.fields[..kept].to_vec());
            let columns = batch.columns[..kept]
                .iter()
                .map(|c| c.filter(&mask))
                .collect();
            sink(Table::new(schema, columns))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, Type};

    #[test]
    fn a_limit_hit_while_running_is_the_limit_not_a_bad_query() {
        let stopped = |limit| Error::new(ErrorKind::Stopped(limit));
        let limit = Duration::from_secs(2);
        assert!(matches!(
            failure_of(stopped(Limit::Timeout(limit)), "T"),
            Failure::Timeout(d) if d == limit
        ));
        let memory = Limit::Memory { limit: 1, held: 2 };
        match failure_of(stopped(memory), "T") {
            Failure::Runaway(message) => assert!(message.contains("more memory"), "{message}"),
            other => panic!("{other:?}"),
        }
        let unknown = Error::new(ErrorKind::Runtime("no".into()));
        assert!(matches!(failure_of(unknown, "T"), Failure::Query(_)));
    }

    fn numbers(n: i64) -> Table {
        Table::new(
            Schema::new(vec![Field::new("n", Type::Long)]),
            vec![Column::Long((0..n).map(Some).collect())],
        )
    }

    /// A table that answers `--explain` and `--now latest` without a scan.
    struct Knowing(Schema);

    impl TableProvider for Knowing {
        fn schema(&self) -> &Schema {
            &self.0
        }
        fn scan(
            &self,
            _: &ScanRequest<'_>,
            _: &mut dyn FnMut(Table) -> Result<(), Error>,
        ) -> Result<(), Error> {
            Ok(())
        }
        fn predicate_uses(&self, request: &ScanRequest<'_>) -> Option<Vec<String>> {
            Some(vec![format!("{} columns", request.columns.len())])
        }
        fn latest_event_time(&self) -> Result<Option<Option<i64>>, Error> {
            Ok(Some(Some(50)))
        }
    }

    #[test]
    fn a_windowed_table_forwards_what_its_table_knows() {
        let schema = Schema::new(vec![
            Field::new("n", Type::Long),
            Field::new("TimeGenerated", Type::DateTime),
        ]);
        let windowed = |from, to| WindowedTable {
            inner: Arc::new(Knowing(schema.clone())),
            time_column: 1,
            window: TimeWindow { from, to },
        };
        let request = ScanRequest {
            columns: &[0],
            predicates: &[],
            ctx: crate::func::EvalContext { now: 0 },
            stats: None,
        };
        // The time column rides along, so the reader sees two columns.
        let uses = windowed(0, 100).predicate_uses(&request);
        assert_eq!(uses, Some(vec!["2 columns".to_string()]));
        assert_eq!(windowed(0, 100).latest_event_time(), Ok(Some(Some(50))));
        // Past the window's end the answer is unknown; before its start there is no row.
        assert_eq!(windowed(0, 40).latest_event_time(), Ok(None));
        assert_eq!(windowed(60, 100).latest_event_time(), Ok(Some(None)));
    }

    #[test]
    fn results_are_cut_at_the_record_limit() {
        let (rows, truncation) = json_rows(&numbers(10), 4, usize::MAX);
        assert_eq!(rows, ["[0]", "[1]", "[2]", "[3]"]);
        assert_eq!(truncation, Some(Truncation::Records(4)));
        let (rows, truncation) = json_rows(&numbers(4), 4, usize::MAX);
        assert_eq!((rows.len(), truncation), (4, None));
    }

    #[test]
    fn results_are_cut_at_the_byte_limit() {
        let (rows, truncation) = json_rows(&numbers(100), usize::MAX, 20);
        assert_eq!(rows.len(), 6, "{rows:?}");
        assert_eq!(truncation, Some(Truncation::Bytes(20)));
        assert!(Truncation::Bytes(20)
            .message()
            .contains("exceeded the internal data size limit 20 (E_QUERY_RESULT_SET_TOO_LARGE)"));
    }
}
