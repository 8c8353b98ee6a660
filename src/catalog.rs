//! Table name → provider. The catalog knows every known table's schema without loading rows;
//! providers (in-memory tables, raw-log readers) yield rows only when a query scans them.

use crate::error::Error;
use crate::func::EvalContext;
use crate::plan::{BoundExpr, ExternalRead};
use crate::table::{Column, Field, Schema, Table, Type};
use indexmap::IndexMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What a scan asks of a provider.
pub struct ScanRequest<'a> {
    /// Indices into the provider's schema, in the order the batches must have them.
    pub columns: &'a [usize],
    /// Conjuncts over the *produced* columns that a provider may use to skip rows; the
    /// executor applies them again, so ignoring them is always correct.
    pub predicates: &'a [BoundExpr],
    pub ctx: EvalContext,
    /// Where a reader that skips files, records or tuples counts what it skipped (`--stats`).
    pub stats: Option<&'a ScanStats>,
}

impl ScanRequest<'_> {
    /// The schema of the batches asked for: the requested fields of `full`, in order.
    pub fn output_schema(&self, full: &Schema) -> Schema {
        Schema::new(
            self.columns
                .iter()
                .map(|&i| full.fields[i].clone())
                .collect(),
        )
    }
}

/// What one scan skipped before building rows, counted by the reader (`--stats`).
#[derive(Debug, Default)]
pub struct ScanStats {
    pub files_read: AtomicU64,
    /// Files whose blob hour lies outside the time range of the pushed predicates.
    pub files_skipped_by_hour: AtomicU64,
    /// Files whose blob path names a MAC address the pushed predicates reject.
    pub files_skipped_by_mac: AtomicU64,
    /// Records written before the time range starts.
    pub records_skipped_by_time: AtomicU64,
    /// Flow groups whose capture context (MAC, rule, target, …) the predicates reject.
    pub groups_skipped_by_context: AtomicU64,
    /// Tuples whose interval lies outside the time range.
    pub tuples_skipped_by_time: AtomicU64,
    /// Tuples whose group key (address, port, protocol, …) the predicates reject.
    pub tuples_skipped_by_key: AtomicU64,
}

impl ScanStats {
    /// Add `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        if n > 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Every counter with its name, in the order above.
    pub fn counters(&self) -> [(&'static str, &AtomicU64); 7] {
        [
            ("files read", &self.files_read),
            ("files skipped by hour", &self.files_skipped_by_hour),
            ("files skipped by MAC", &self.files_skipped_by_mac),
            ("records skipped by time", &self.records_skipped_by_time),
            (
                "flow groups skipped by context",
                &self.groups_skipped_by_context,
            ),
            ("tuples skipped by time", &self.tuples_skipped_by_time),
            ("tuples skipped by key", &self.tuples_skipped_by_key),
        ]
    }

    /// The counters that are not zero, named, in the order above.
    pub fn nonzero(&self) -> Vec<(&'static str, u64)> {
        self.counters()
            .into_iter()
            .map(|(name, c)| (name, c.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// A source of rows for one table.
pub trait TableProvider: Send + Sync {
    /// Every column, visible ones first, then hidden ones (names starting with `_`).
    fn schema(&self) -> &Schema;
    /// Yield the requested columns in batches.
    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error>;
    /// Where the rows come from (files and formats), for `kqlite tables`.
    fn origin(&self) -> String {
        String::new()
    }
    /// What the reader would do with each of `request.predicates`, in order (`--explain`);
    /// None when it uses none of them (the executor's filters decide alone).
    fn predicate_uses(&self, _request: &ScanRequest<'_>) -> Option<Vec<String>> {
        None
    }

    /// The latest event time (`--now latest`) when the provider can find it without a full
    /// scan: `Some(answer)`; None when the caller must scan the event-time column.
    fn latest_event_time(&self) -> Result<Option<Option<i64>>, Error> {
        Ok(None)
    }
}

/// Opens the tables a query describes inline (`externaldata`) as providers, so the executor
/// reads them like any other table and never opens a file itself.
pub trait ExternalTables {
    /// A provider of the rows `read` names, under the declared `schema`.
    fn open(&self, read: &ExternalRead, schema: &Schema) -> Result<Arc<dyn TableProvider>, Error>;
}

/// A table held in memory: files given as tables, and known tables no source filled.
pub struct MemoryTable {
    pub table: Table,
    pub origin: String,
}

impl MemoryTable {
    pub fn new(table: Table, origin: impl Into<String>) -> MemoryTable {
        MemoryTable {
            table,
            origin: origin.into(),
        }
    }
}

/// Rows per batch handed out by in-memory scans.
pub const BATCH_ROWS: usize = 8192;

impl TableProvider for MemoryTable {
    fn schema(&self) -> &Schema {
        &self.table.schema
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let columns: Vec<&Column> = request
            .columns
            .iter()
            .map(|&i| &self.table.columns[i])
            .collect();
        let rows = self.table.num_rows();
        scan_columns(&self.table.schema, request.columns, &columns, rows, sink)
    }

    fn origin(&self) -> String {
        self.origin.clone()
    }
}

/// Hand `columns` (the columns at `indices` of `schema`, `rows` long) to `sink` in batches of
/// [`BATCH_ROWS`]; an empty table still gets one (empty) batch.
pub fn scan_columns(
    schema: &Schema,
    indices: &[usize],
    columns: &[&Column],
    rows: usize,
    sink: &mut dyn FnMut(Table) -> Result<(), Error>,
) -> Result<(), Error> {
    let schema = Schema::new(indices.iter().map(|&i| schema.fields[i].clone()).collect());
    in_batches(rows, BATCH_ROWS, sink, |start, len| {
        let batch = columns.iter().map(|c| c.slice(start, len)).collect();
        Table::new(schema.clone(), batch)
    })
}

/// Hand rows `0..rows` to `sink` in batches of at most `batch_rows`, each made by `batch(start,
/// len)`; an empty table still gets one (empty) batch.
pub fn in_batches(
    rows: usize,
    batch_rows: usize,
    sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    batch: impl Fn(usize, usize) -> Table,
) -> Result<(), Error> {
    let mut start = 0;
    loop {
        let len = batch_rows.min(rows - start);
        sink(batch(start, len))?;
        start += len;
        if start >= rows {
            return Ok(());
        }
    }
}

/// Every table a query can name.
#[derive(Clone)]
pub struct Catalog {
    tables: IndexMap<String, Arc<dyn TableProvider>>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}

impl Catalog {
    /// A catalog holding every known table, empty.
    pub fn new() -> Catalog {
        let mut tables: IndexMap<String, Arc<dyn TableProvider>> = IndexMap::new();
        for (name, _) in KNOWN_SCHEMAS {
            let schema = known_schema(name).expect("compiled-in schema");
            tables.insert(
                name.to_string(),
                Arc::new(MemoryTable::new(Table::empty(schema), "")),
            );
        }
        Catalog { tables }
    }

    /// An empty catalog with no tables at all.
    pub fn empty() -> Catalog {
        Catalog {
            tables: IndexMap::new(),
        }
    }

    /// Add or replace a table.
    pub fn register(&mut self, name: impl Into<String>, provider: Arc<dyn TableProvider>) {
        self.tables.insert(name.into(), provider);
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn TableProvider>> {
        self.tables.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }
}

/// The known tables' schemas, compiled in from `src/schemas/` (`column,type` CSV).
pub const KNOWN_SCHEMAS: &[(&str, &str)] = &[
    (
        "NTANetAnalytics",
        include_str!("schemas/NTANetAnalytics.csv"),
    ),
    (
        "AzureNetworkAnalytics_CL",
        include_str!("schemas/AzureNetworkAnalytics_CL.csv"),
    ),
    ("AWSVPCFlow", include_str!("schemas/AWSVPCFlow.csv")),
    ("AZFWFlowTrace", include_str!("schemas/AZFWFlowTrace.csv")),
    (
        "AZFWNetworkRule",
        include_str!("schemas/AZFWNetworkRule.csv"),
    ),
    (
        "AZFWApplicationRule",
        include_str!("schemas/AZFWApplicationRule.csv"),
    ),
    ("AZFWNatRule", include_str!("schemas/AZFWNatRule.csv")),
    (
        "AZFWThreatIntel",
        include_str!("schemas/AZFWThreatIntel.csv"),
    ),
    (
        "AZFWIdpsSignature",
        include_str!("schemas/AZFWIdpsSignature.csv"),
    ),
    ("AZFWDnsQuery", include_str!("schemas/AZFWDnsQuery.csv")),
    (
        "AzureDiagnostics",
        include_str!("schemas/AzureDiagnostics.csv"),
    ),
    ("AzureActivity", include_str!("schemas/AzureActivity.csv")),
    (
        "CommonSecurityLog",
        include_str!("schemas/CommonSecurityLog.csv"),
    ),
    ("DnsEvents", include_str!("schemas/DnsEvents.csv")),
    ("NTAIpDetails", include_str!("schemas/NTAIpDetails.csv")),
    (
        "NTATopologyDetails",
        include_str!("schemas/NTATopologyDetails.csv"),
    ),
    ("SecurityAlert", include_str!("schemas/SecurityAlert.csv")),
    (
        "ThreatIntelligenceIndicator",
        include_str!("schemas/ThreatIntelligenceIndicator.csv"),
    ),
    ("VMConnection", include_str!("schemas/VMConnection.csv")),
];

/// Columns every Log Analytics table has; appended when a schema file lacks them (TABLES.md).
const STANDARD_COLUMNS: &[(&str, Type)] = &[
    ("TenantId", Type::String),
    ("SourceSystem", Type::String),
    ("TimeGenerated", Type::DateTime),
    ("Type", Type::String),
];

/// Hidden columns: left out of `T` and `*`, but a query may name them.
const HIDDEN_COLUMNS: &[(&str, Type)] = &[
    ("_BilledSize", Type::Real),
    ("_IsBillable", Type::String),
    ("_ItemId", Type::String),
    ("_ResourceId", Type::String),
    ("_SubscriptionId", Type::String),
];

/// Whether `name` is a hidden column (`_ResourceId` and the like).
pub fn is_hidden(name: &str) -> bool {
    name.starts_with('_')
}

/// The full schema of a known table: its CSV's columns (hidden ones moved last), the standard
/// columns it lacks, then the hidden ones.
pub fn known_schema(name: &str) -> Option<Schema> {
    let (_, csv) = KNOWN_SCHEMAS.iter().find(|(n, _)| *n == name)?;
    let mut visible = Vec::new();
    for line in csv.lines().skip(1).filter(|l| !l.is_empty()) {
        let (column, ty) = line.split_once(',').expect("schema line is `column,type`");
        let ty = Type::from_name(ty).expect("schema type is a KQL type");
        if !is_hidden(column) {
            visible.push(Field::new(column, ty));
        }
    }
    for (column, ty) in STANDARD_COLUMNS {
        if !visible.iter().any(|f| f.name == *column) {
            visible.push(Field::new(*column, *ty));
        }
    }
    visible.extend(HIDDEN_COLUMNS.iter().map(|(c, t)| Field::new(*c, *t)));
    Some(Schema::new(visible))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_schema_parses_with_standard_columns() {
        for (name, _) in KNOWN_SCHEMAS {
            let schema = known_schema(name).unwrap();
            for column in ["TimeGenerated", "Type", "_ResourceId"] {
                assert!(schema.index_of(column).is_some(), "{name} lacks {column}");
            }
            let first_hidden = schema
                .fields
                .iter()
                .position(|f| is_hidden(&f.name))
                .unwrap();
            assert!(schema.fields[first_hidden..]
                .iter()
                .all(|f| is_hidden(&f.name)));
        }
    }

    #[test]
    fn nta_has_src_ports_not_src_port() {
        let schema = known_schema("NTANetAnalytics").unwrap();
        assert!(schema.index_of("SrcPorts").is_some());
        assert!(schema.index_of("SrcPort").is_none());
        assert_eq!(
            schema.fields[schema.index_of("FlowStartTime").unwrap()].ty,
            Type::DateTime
        );
    }
}
