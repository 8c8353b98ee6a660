//! One read of each table for the whole report. Reading raw flow logs (parsing the JSON,
//! aggregating tuples into Traffic Analytics rows) is what costs; the panels' own work over
//! those rows is small. So the report reads every table its panels use once, keeping only the
//! columns some panel asks for, and the panels then run against a catalog in which each of
//! those tables is served from memory under its own name: the panels' queries stay exactly the
//! text a reader copies into Log Analytics.
//!
//! Which columns to keep is learnt by a dry run: every panel runs once against stand-in tables
//! that record the columns each scan requests and yield no rows. `--since` (the report's time
//! range, like Log Analytics' time picker) keeps the rows whose `TimeGenerated` is after the
//! cut-off. A scan that asks for a column the dry run did not see (a plan that reads more once
//! it has rows) is served by the real table, read again, so answers never depend on the dry
//! run.

use crate::catalog::{scan_columns, Catalog, ScanRequest, TableProvider};
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::{Column, Schema, Table, Type};
use crate::Options;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// The time range a report covers: rows with `TimeGenerated` after `after` (ticks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since {
    pub after: i64,
}

/// The columns (indices into each table's schema) that the dry run saw requested.
pub type ColumnsUsed = BTreeMap<String, BTreeSet<usize>>;

/// Run each query in `queries` against stand-ins for `tables` (everything else as in
/// `catalog`) and return the columns their scans asked for. Queries that fail are skipped:
/// they fail again, with their error, when the report runs them.
pub fn columns_used(
    catalog: &Catalog,
    tables: &BTreeSet<String>,
    queries: &[&str],
    options: &Options,
) -> ColumnsUsed {
    let seen = Arc::new(Mutex::new(ColumnsUsed::new()));
    let mut stand_ins = catalog.clone();
    for name in tables {
        let Some(real) = catalog.get(name) else {
            continue;
        };
        stand_ins.register(
            name.clone(),
            Arc::new(Recorder {
                name: name.clone(),
                schema: real.schema().clone(),
                seen: seen.clone(),
            }),
        );
    }
    for query in queries {
        let _ = crate::run(query, &stand_ins, options);
    }
    // `latest` and `--since` read the event-time columns: keep them too.
    let memo = crate::now::LatestTimes::default();
    let _ = crate::now::latest_event_time(tables, &stand_ins, &memo);
    let mut used = std::mem::take(&mut *seen.lock().expect("no panics while recording"));
    for name in tables {
        if let Some(time) = catalog.get(name).and_then(|p| time_column(p.schema())) {
            used.entry(name.clone()).or_default().insert(time);
        }
    }
    used
}

/// A table's schema that yields no rows and notes the columns each scan asks for.
struct Recorder {
    name: String,
    schema: Schema,
    seen: Arc<Mutex<ColumnsUsed>>,
}

impl TableProvider for Recorder {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.seen
            .lock()
            .expect("no panics while recording")
            .entry(self.name.clone())
            .or_default()
            .extend(request.columns.iter().copied());
        sink(Table::empty(select_schema(&self.schema, request.columns)))
    }
}

fn select_schema(schema: &Schema, columns: &[usize]) -> Schema {
    Schema::new(columns.iter().map(|&i| schema.fields[i].clone()).collect())
}

/// `TimeGenerated`, the column `--since` filters on, when the table has it as a datetime.
fn time_column(schema: &Schema) -> Option<usize> {
    schema
        .index_of("TimeGenerated")
        .filter(|&i| schema.fields[i].ty == Type::DateTime)
}

/// Read `columns` of `provider` into memory, keeping only the rows after `since` (when the
/// table has a `TimeGenerated`).
fn read(
    provider: &dyn TableProvider,
    columns: &[usize],
    since: Option<Since>,
    ctx: EvalContext,
) -> Result<Table, Error> {
    let schema = provider.schema();
    // The time column rides along at the end when the caller did not ask for it.
    let time = since.and_then(|s| time_column(schema).map(|t| (s, t)));
    let mut wanted = columns.to_vec();
    let time_at = time.map(|(_, t)| match columns.iter().position(|&c| c == t) {
        Some(at) => at,
        None => {
            wanted.push(t);
            wanted.len() - 1
        }
    });
    let mut out = Table::empty(select_schema(schema, columns));
    let request = ScanRequest {
        columns: &wanted,
        predicates: &[],
        ctx,
        stats: None,
    };
    provider.scan(&request, &mut |batch| {
        let mut batch = batch;
        if let (Some((since, _)), Some(at)) = (time, time_at) {
            batch = keep_after(&batch, at, since.after);
        }
        batch.columns.truncate(columns.len());
        out.append(&batch);
        Ok(())
    })?;
    Ok(out)
}

/// The rows of `table` whose datetime column `at` is after `after` (nulls are dropped, as a
/// time-range filter drops them).
fn keep_after(table: &Table, at: usize, after: i64) -> Table {
    let Column::DateTime(times) = &table.columns[at] else {
        return table.clone();
    };
    let mask: Vec<bool> = times.iter().map(|t| t.is_some_and(|t| t > after)).collect();
    Table::new(
        table.schema.clone(),
        table.columns.iter().map(|c| c.filter(&mask)).collect(),
    )
}

/// A table read once and served from memory; scans for columns it does not hold go to the
/// real table. Clones share the rows.
#[derive(Clone)]
pub struct SharedTable {
    real: Arc<dyn TableProvider>,
    /// Schema index → the column, for the columns read.
    held: Arc<BTreeMap<usize, Column>>,
    rows: usize,
    since: Option<Since>,
}

impl SharedTable {
    /// Read `columns` of `real` once.
    pub fn read(
        real: Arc<dyn TableProvider>,
        columns: &BTreeSet<usize>,
        ctx: EvalContext,
    ) -> Result<SharedTable, Error> {
        let columns: Vec<usize> = columns.iter().copied().collect();
        let table = read(real.as_ref(), &columns, None, ctx)?;
        Ok(SharedTable {
            rows: table.num_rows(),
            held: Arc::new(columns.into_iter().zip(table.columns).collect()),
            real,
            since: None,
        })
    }

    /// The same table narrowed to the rows after `since` (a no-op without `TimeGenerated`).
    pub fn narrowed(self, since: Option<Since>) -> SharedTable {
        let Some(since) = since else { return self };
        let Some(time) = time_column(self.real.schema()) else {
            return self;
        };
        let Some(Column::DateTime(times)) = self.held.get(&time) else {
            return self;
        };
        let mask: Vec<bool> = times
            .iter()
            .map(|t| t.is_some_and(|t| t > since.after))
            .collect();
        let rows = mask.iter().filter(|&&m| m).count();
        SharedTable {
            held: Arc::new(
                self.held
                    .iter()
                    .map(|(&i, c)| (i, c.filter(&mask)))
                    .collect(),
            ),
            rows,
            real: self.real,
            since: Some(since),
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }
}

impl TableProvider for SharedTable {
    fn schema(&self) -> &Schema {
        self.real.schema()
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let held: Option<Vec<&Column>> = request.columns.iter().map(|i| self.held.get(i)).collect();
        match held {
            Some(held) => scan_columns(self.schema(), request.columns, &held, self.rows, sink),
            None => sink(read(
                self.real.as_ref(),
                request.columns,
                self.since,
                request.ctx,
            )?),
        }
    }

    fn origin(&self) -> String {
        self.real.origin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::MemoryTable;
    use crate::table::{Field, TICKS_PER_DAY};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A table that counts how often it is scanned.
    struct Counted {
        table: MemoryTable,
        scans: AtomicUsize,
    }

    impl TableProvider for Counted {
        fn schema(&self) -> &Schema {
            self.table.schema()
        }
        fn scan(
            &self,
            request: &ScanRequest<'_>,
            sink: &mut dyn FnMut(Table) -> Result<(), Error>,
        ) -> Result<(), Error> {
            self.scans.fetch_add(1, Ordering::SeqCst);
            self.table.scan(request, sink)
        }
    }

    fn flows() -> Arc<Counted> {
        let day = |d: i64| Some(d * TICKS_PER_DAY);
        let table = Table::new(
            Schema::new(vec![
                Field::new("TimeGenerated", Type::DateTime),
                Field::new("Port", Type::Long),
                Field::new("Bytes", Type::Long),
                Field::new("Unused", Type::String),
            ]),
            vec![
                Column::DateTime(vec![day(1), day(2), day(3)]),
                Column::Long(vec![Some(22), Some(443), Some(22)]),
                Column::Long(vec![Some(10), Some(20), Some(30)]),
                Column::String(vec!["a".into(), "b".into(), "c".into()]),
            ],
        );
        Arc::new(Counted {
            table: MemoryTable::new(table, "test"),
            scans: AtomicUsize::new(0),
        })
    }

    #[test]
    fn the_dry_run_finds_the_columns_the_queries_read() {
        let mut catalog = Catalog::empty();
        catalog.register("Flows", flows());
        let tables = BTreeSet::from(["Flows".to_string()]);
        let used = columns_used(
            &catalog,
            &tables,
            &[
                "Flows | summarize sum(Bytes) by Port",
                "Flows | where Port == 22 | count",
            ],
            &Options::default(),
        );
        assert_eq!(used["Flows"], BTreeSet::from([0, 1, 2]));
    }

    #[test]
    fn panels_read_the_shared_rows_and_since_keeps_the_later_ones() {
        let real = flows();
        let shared = SharedTable::read(
            real.clone(),
            &BTreeSet::from([0, 1, 2]),
            EvalContext { now: 0 },
        )
        .unwrap()
        .narrowed(Some(Since {
            after: TICKS_PER_DAY + 1,
        }));
        assert_eq!(shared.rows(), 2);
        let mut catalog = Catalog::empty();
        catalog.register("Flows", Arc::new(shared));
        let run = |q: &str| crate::run(q, &catalog, &Options::default()).unwrap().table;
        let sums = run("Flows | summarize Bytes = sum(Bytes) by Port | order by Port asc");
        assert_eq!(sums.columns[1], Column::Long(vec![Some(30), Some(20)]));
        assert_eq!(run("Flows | count").columns[0], Column::Long(vec![Some(2)]));
        assert_eq!(real.scans.load(Ordering::SeqCst), 1, "served from memory");
        // A column that was not read comes from the real table, with the same time range.
        let unused = run("Flows | summarize make_set(Unused)");
        assert_eq!(
            crate::format::value_text(&unused.columns[0].get(0)),
            r#"["b","c"]"#,
            "{unused:?}"
        );
        assert_eq!(real.scans.load(Ordering::SeqCst), 2);
    }
}
