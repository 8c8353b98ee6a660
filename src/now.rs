//! The `now` a run uses, so that `now()` and `ago()` give the same answer every time: an
//! RFC 3339 time, `latest` (the latest event time in the tables the query reads, so `ago(2d)`
//! in a blog query means "the two days before the data ends"), `KQLITE_NOW` from the
//! environment, else the wall clock.
//!
//! The event time of a row is `FlowEndTime` in flow tables (`FlowEndTime_t` in
//! AzureNetworkAnalytics_CL) and `TimeGenerated` in every other table (TABLES.md "Time").

use crate::catalog::{Catalog, ScanRequest};
use crate::error::{Error, ErrorKind};
use crate::format::datetime_text;
use crate::func::EvalContext;
use crate::plan::{Node, Plan};
use crate::table::{Column, TICKS_PER_SECOND};
use crate::Options;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The environment variable that sets `--now` when the flag is not given.
pub const ENV_VAR: &str = "KQLITE_NOW";

/// How `now` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NowSpec {
    /// A pinned time, in ticks since the Unix epoch.
    At(i64),
    /// The latest event time in the tables each query reads.
    Latest,
    /// The wall clock when the run starts.
    WallClock,
}

impl NowSpec {
    /// `--now` text: `latest`, or an RFC 3339 time (a bare date is its midnight UTC).
    pub fn parse(text: &str) -> Result<NowSpec, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("latest") {
            return Ok(NowSpec::Latest);
        }
        rfc3339_ticks(text).map(NowSpec::At).ok_or_else(|| {
            format!("`{text}` is not an RFC 3339 time (e.g. 2024-05-10T00:00:00Z) or `latest`")
        })
    }

    /// The flag when given, else `KQLITE_NOW` when set (and not empty), else the wall clock.
    pub fn or_env(flag: Option<NowSpec>) -> Result<NowSpec, Error> {
        if let Some(spec) = flag {
            return Ok(spec);
        }
        match std::env::var(ENV_VAR).ok().filter(|v| !v.trim().is_empty()) {
            Some(text) => NowSpec::parse(&text)
                .map_err(|m| Error::new(ErrorKind::Usage(format!("{ENV_VAR}: {m}")))),
            None => Ok(NowSpec::WallClock),
        }
    }
}

/// The `now` a query ran with, and where it came from (for `check`'s report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedNow {
    pub ticks: i64,
    pub origin: NowOrigin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NowOrigin {
    Pinned,
    WallClock,
    /// The latest event time of these tables.
    Latest(Vec<String>),
    /// `latest` was asked for, but the query reads no table with rows: the wall clock.
    LatestOfNothing,
}

impl std::fmt::Display for ResolvedNow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = datetime_text(self.ticks);
        match &self.origin {
            NowOrigin::Pinned => write!(f, "{at}"),
            NowOrigin::WallClock => write!(f, "{at} (the wall clock)"),
            NowOrigin::Latest(tables) => {
                write!(f, "{at} (latest event in {})", tables.join(", "))
            }
            NowOrigin::LatestOfNothing => {
                write!(
                    f,
                    "{at} (the wall clock: the query reads no rows for `latest`)"
                )
            }
        }
    }
}

/// The latest event time of each table already scanned for `latest`, so a run of many checks
/// scans each table once rather than once per check.
#[derive(Debug, Default)]
pub struct LatestTimes(RefCell<BTreeMap<String, Option<i64>>>);

impl LatestTimes {
    /// The memo for `table`: Some(None) when it was scanned and has no event time.
    pub fn get(&self, table: &str) -> Option<Option<i64>> {
        self.0.borrow().get(table).copied()
    }
}

/// The `now` for running `source` against `catalog`. For `latest` this binds the query to find
/// the tables it reads and scans their event-time column (once per table in `latest`); a query
/// that does not bind is left to fail when it runs, with the wall clock as its `now`.
pub fn resolve(
    spec: &NowSpec,
    source: &str,
    catalog: &Catalog,
    options: &Options,
    latest: &LatestTimes,
) -> Result<ResolvedNow, Error> {
    let fixed = |ticks, origin| Ok(ResolvedNow { ticks, origin });
    match spec {
        NowSpec::At(ticks) => fixed(*ticks, NowOrigin::Pinned),
        NowSpec::WallClock => fixed(wall_clock(), NowOrigin::WallClock),
        NowSpec::Latest => {
            let bound = crate::parse(source).and_then(|q| crate::bind(&q, catalog, options));
            let Ok(bound) = bound else {
                return fixed(wall_clock(), NowOrigin::LatestOfNothing);
            };
            let tables = tables_read(&bound.plan);
            match latest_event_time(&tables, catalog, latest)? {
                Some(ticks) => fixed(ticks, NowOrigin::Latest(tables.into_iter().collect())),
                None => fixed(wall_clock(), NowOrigin::LatestOfNothing),
            }
        }
    }
}

/// The latest event time over `tables` (None when they hold no rows with one); tables in
/// `memo` are not scanned again.
pub fn latest_event_time(
    tables: &BTreeSet<String>,
    catalog: &Catalog,
    memo: &LatestTimes,
) -> Result<Option<i64>, Error> {
    let mut latest: Option<i64> = None;
    for name in tables {
        if let Some(known) = memo.get(name) {
            latest = latest.max(known);
            continue;
        }
        let table_latest = table_event_time(name, catalog)?;
        memo.0.borrow_mut().insert(name.clone(), table_latest);
        latest = latest.max(table_latest);
    }
    Ok(latest)
}

/// The latest event time in one table.
fn table_event_time(name: &str, catalog: &Catalog) -> Result<Option<i64>, Error> {
    let Some(provider) = catalog.get(name) else {
        return Ok(None);
    };
    if let Some(cheap) = provider.latest_event_time()? {
        return Ok(cheap);
    }
    let schema = provider.schema();
    let Some(column) = ["FlowEndTime", "FlowEndTime_t", "TimeGenerated"]
        .iter()
        .find_map(|c| schema.index_of(c))
    else {
        return Ok(None);
    };
    let request = ScanRequest {
        columns: &[column],
        predicates: &[],
        ctx: EvalContext { now: 0 },
        stats: None,
    };
    let mut latest: Option<i64> = None;
    provider.scan(&request, &mut |batch| {
        if let Some(Column::DateTime(times)) = batch.columns.first() {
            let batch_max = times.iter().flatten().max().copied();
            latest = latest.max(batch_max);
        }
        Ok(())
    })?;
    Ok(latest)
}

/// Every catalog table a plan scans, in subqueries and `toscalar` too.
pub fn tables_read(plan: &Plan) -> BTreeSet<String> {
    let mut tables = BTreeSet::new();
    plan.walk(&mut |node| {
        if let Node::Scan { table, .. } = &node.node {
            tables.insert(table.clone());
        }
    });
    tables
}

/// A time as `--now` takes it (`2024-05-10T00:00:00Z`, `…+02:00`, a bare date for its midnight
/// UTC, any form a datetime literal takes), in ticks since the Unix epoch.
pub fn rfc3339_ticks(text: &str) -> Option<i64> {
    crate::value::text::parse_datetime(text)
}

/// Now, in ticks since the Unix epoch.
pub fn wall_clock() -> i64 {
    let now = chrono::Utc::now();
    now.timestamp() * TICKS_PER_SECOND + i64::from(now.timestamp_subsec_nanos() / 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::MemoryTable;
    use crate::table::{Field, Schema, Table, Type};
    use std::sync::Arc;

    const MAY_10: i64 = 1_715_299_200 * TICKS_PER_SECOND;

    #[test]
    fn now_text_is_rfc3339_or_latest() {
        assert_eq!(NowSpec::parse("latest"), Ok(NowSpec::Latest));
        assert_eq!(
            NowSpec::parse("2024-05-10T00:00:00Z"),
            Ok(NowSpec::At(MAY_10))
        );
        assert_eq!(
            NowSpec::parse("2024-05-10T02:00:00.5+02:00"),
            Ok(NowSpec::At(MAY_10 + TICKS_PER_SECOND / 2))
        );
        assert_eq!(NowSpec::parse("2024-05-10"), Ok(NowSpec::At(MAY_10)));
        assert!(NowSpec::parse("tomorrow").unwrap_err().contains("RFC 3339"));
    }

    fn catalog_with(name: &str, column: &str, times: Vec<Option<i64>>) -> Catalog {
        let mut catalog = Catalog::new();
        let schema = Schema::new(vec![
            Field::new(column, Type::DateTime),
            Field::new("Note", Type::String),
        ]);
        let notes = vec![Arc::from("x"); times.len()];
        let table = Table::new(schema, vec![Column::DateTime(times), Column::String(notes)]);
        catalog.register(name, Arc::new(MemoryTable::new(table, "test")));
        catalog
    }

    #[test]
    fn latest_is_the_latest_event_in_the_tables_read() {
        let hour = 3600 * TICKS_PER_SECOND;
        let catalog = catalog_with(
            "Flows",
            "TimeGenerated",
            vec![Some(MAY_10 - hour), None, Some(MAY_10 - 3 * hour)],
        );
        let options = Options::default();
        let resolved = resolve(
            &NowSpec::Latest,
            "let recent = Flows | where TimeGenerated > ago(1h); recent | count",
            &catalog,
            &options,
            &LatestTimes::default(),
        )
        .unwrap();
        assert_eq!(resolved.ticks, MAY_10 - hour);
        assert_eq!(resolved.origin, NowOrigin::Latest(vec!["Flows".into()]));
        assert_eq!(
            resolved.to_string(),
            "2024-05-09T23:00:00Z (latest event in Flows)"
        );
    }

    #[test]
    fn flow_tables_use_the_flow_end_time() {
        let catalog = catalog_with("Custom", "FlowEndTime", vec![Some(MAY_10)]);
        let tables = tables_read(
            &crate::bind(
                &crate::parse("print n = toscalar(Custom | count)").unwrap(),
                &catalog,
                &Options::default(),
            )
            .unwrap()
            .plan,
        );
        assert_eq!(tables.iter().collect::<Vec<_>>(), ["Custom"]);
        let memo = LatestTimes::default();
        assert_eq!(
            latest_event_time(&tables, &catalog, &memo).unwrap(),
            Some(MAY_10)
        );
        // A second query over the table takes the time from the memo, without a scan: an empty
        // catalog would otherwise give none.
        assert_eq!(memo.get("Custom"), Some(Some(MAY_10)));
        assert_eq!(
            latest_event_time(&tables, &Catalog::new(), &memo).unwrap(),
            Some(MAY_10)
        );
    }

    #[test]
    fn latest_of_empty_tables_falls_back_to_the_wall_clock() {
        let resolved = resolve(
            &NowSpec::Latest,
            "NTANetAnalytics | take 1",
            &Catalog::new(),
            &Options::default(),
            &LatestTimes::default(),
        )
        .unwrap();
        assert_eq!(resolved.origin, NowOrigin::LatestOfNothing);
        assert!(resolved.ticks > MAY_10);
    }
}
