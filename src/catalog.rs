//! Table name → provider. The catalog knows every known table's schema without loading rows;
//! providers (in-memory tables, raw-log readers) yield rows only when a query scans them.

use crate::error::Error;
use crate::func::EvalContext;
use crate::plan::BoundExpr;
use crate::table::{Field, Schema, Table, Type};
use indexmap::IndexMap;
use std::sync::Arc;

/// What a scan asks of a provider.
pub struct ScanRequest<'a> {
    /// Indices into the provider's schema, in the order the batches must have them.
    pub columns: &'a [usize],
    /// Conjuncts over the *produced* columns that a provider may use to skip rows; the
    /// executor applies them again, so ignoring them is always correct.
    pub predicates: &'a [BoundExpr],
    pub ctx: EvalContext,
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
    /// The latest event time (`--now latest`) when the provider can find it without a full
    /// scan: `Some(answer)`; None when the caller must scan the event-time column.
    fn latest_event_time(&self) -> Result<Option<Option<i64>>, Error> {
        Ok(None)
    }
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
        let schema = Schema::new(
            request
                .columns
                .iter()
                .map(|&i| self.table.schema.fields[i].clone())
                .collect(),
        );
        let rows = self.table.num_rows();
        let mut start = 0;
        loop {
            let len = BATCH_ROWS.min(rows - start);
            let columns = request
                .columns
                .iter()
                .map(|&i| self.table.columns[i].slice(start, len))
                .collect();
            sink(Table::new(schema.clone(), columns))?;
            start += len;
            if start >= rows {
                return Ok(());
            }
        }
    }

    fn origin(&self) -> String {
        self.origin.clone()
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
