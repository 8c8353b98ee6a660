//! The one line said when a query over flow tables returns nothing and counted from `now()`:
//! the data's time range and `--now latest`. A seed query's `ago(2d)` counts from today while
//! downloaded logs are older, and an empty answer alone does not say why.

use crate::catalog::Catalog;
use crate::format::datetime_text;
use crate::now;
use crate::table::Column;
use crate::Options;

const HOUR: i64 = 3600 * crate::table::TICKS_PER_SECOND;

/// The flow tables and the column that dates their rows.
const FLOW_TABLES: [(&str, &str); 3] = [
    ("NTANetAnalytics", "FlowEndTime"),
    ("AzureNetworkAnalytics_CL", "FlowEndTime_t"),
    ("AWSVPCFlow", "TimeGenerated"),
];

/// `no rows: the query counts from now() = …, but NTANetAnalytics holds … to …; try --now
/// latest`, when `source` uses `ago()` or `now()` and reads a flow table that holds rows.
pub fn time_range(source: &str, catalog: &Catalog, options: &Options) -> Option<String> {
    if !source.contains("ago(") && !source.contains("now(") {
        return None;
    }
    let bound = crate::parse(source)
        .and_then(|q| crate::bind(&q, catalog, options))
        .ok()?;
    let read = now::tables_read(&bound.plan);
    let ranges: Vec<String> = FLOW_TABLES
        .iter()
        .filter(|(table, _)| read.contains(*table))
        .filter_map(|(table, column)| {
            let (first, last) = range_of(table, column, catalog, options)?;
            // Data that reaches within the hour before now() is not what left the answer empty.
            (last + HOUR < options.now).then_some(())?;
            Some(format!(
                "{table} holds {} to {}",
                datetime_text(first),
                datetime_text(last)
            ))
        })
        .collect();
    if ranges.is_empty() {
        return None;
    }
    Some(format!(
        "no rows, and the query counts from now() = {}, but {}; try --now latest",
        datetime_text(options.now),
        ranges.join(", ")
    ))
}

/// No rows, or the one row of a count or sum over nothing (every cell zero or null).
pub fn found_nothing(table: &crate::table::Table) -> bool {
    says_nothing(table.num_rows() as u64, table)
}

/// [`found_nothing`] of a result of `rows` rows whose first row is the first of `first`.
pub fn says_nothing(rows: u64, first: &crate::table::Table) -> bool {
    match rows {
        0 => true,
        1 => first.columns.iter().all(|c| match c {
            Column::Long(v) => v[0].is_none_or(|x| x == 0),
            Column::Int(v) => v[0].is_none_or(|x| x == 0),
            Column::Real(v) => v[0].is_none_or(|x| x == 0.0),
            _ => false,
        }),
        _ => false,
    }
}

/// The earliest and latest `column` of `table`, by running a query for them.
fn range_of(table: &str, column: &str, catalog: &Catalog, options: &Options) -> Option<(i64, i64)> {
    let text = format!("{table} | summarize min({column}), max({column})");
    let result = crate::run(&text, catalog, options).ok()?;
    let cell = |i: usize| match result.table.columns.get(i)? {
        Column::DateTime(v) => v.first().copied().flatten(),
        _ => None,
    };
    Some((cell(0)?, cell(1)?))
}
