//! `kqlite report`: the Traffic Analytics overview of the logs as one self-contained HTML page,
//! made of KQL panels (`reports/traffic/NN-name.kql`, [`panel`]).
//!
//! [`build`] is the whole pipeline: choose the panels whose condition holds, group them into
//! sections (a section whose tables the logs do not hold is left out), read each table the
//! panels use once ([`shared_scan`]), run every panel against those rows, and draw the charts.
//! [`html`] writes the page from the resulting [`Report`].

pub mod builtin;
pub mod html;
pub mod number_text;
pub mod panel;
pub mod shared_scan;
pub mod subnets;

use crate::catalog::Catalog;
use crate::error::Error;
use crate::func::EvalContext;
use crate::now::{LatestTimes, NowSpec};
use crate::table::Table;
use crate::{chart, Options};
use panel::{Header, Panel};
use rayon::prelude::*;
use shared_scan::{SharedTable, Since};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the report is asked for, beyond the panels and the logs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub now: NowSpec,
    /// `--since`: the time range, as ticks before `now`.
    pub since: Option<i64>,
    /// Query parameters and the rest of the run settings (`now` is resolved here).
    pub options: Options,
    /// Whether `--topology` was given (panels may ask for it or for its absence).
    pub topology: bool,
    /// What the logs were (the `--logs` paths), for the page's header.
    pub logs: Vec<String>,
}

/// A report ready to be written.
#[derive(Debug)]
pub struct Report {
    pub logs: Vec<String>,
    /// The `now` the panels ran with (ticks) and whether it was `latest`.
    pub now: i64,
    pub now_is_latest: bool,
    /// `--since` as given, in ticks, and the cut-off it gives.
    pub since: Option<(i64, i64)>,
    /// Each table the panels read, with its rows in the time range.
    pub tables: Vec<(String, usize)>,
    pub sections: Vec<Section>,
    /// How long the shared read of the tables took.
    pub scan_time: Duration,
}

#[derive(Debug)]
pub struct Section {
    pub title: String,
    pub panels: Vec<PanelResult>,
}

#[derive(Debug)]
pub struct PanelResult {
    pub panel: Panel,
    /// The header, or None when the header itself is wrong (then `outcome` is the error).
    pub header: Option<Header>,
    pub outcome: Outcome,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum Outcome {
    /// The tables the panel reads hold no rows (in the time range): it did not run.
    NoData,
    /// The result table, and the chart drawn from it (SVG) when the panel is a chart with rows.
    Shown { table: Table, chart: Option<String> },
    /// The panel's header or query is wrong (exit code 2), or the logs are (3).
    Failed(Error),
}

impl Report {
    /// 0 when every panel ran, else the highest exit code of the panels' errors.
    pub fn exit_code(&self) -> u8 {
        self.failures()
            .map(|(_, e)| e.exit_code())
            .max()
            .unwrap_or(0)
    }

    /// Each panel that failed, with its error.
    pub fn failures(&self) -> impl Iterator<Item = (&Panel, &Error)> {
        self.sections
            .iter()
            .flat_map(|s| &s.panels)
            .filter_map(|p| match &p.outcome {
                Outcome::Failed(e) => Some((&p.panel, e)),
                Outcome::Shown { .. } | Outcome::NoData => None,
            })
    }

    /// Whether any table the panels read holds rows.
    pub fn has_data(&self) -> bool {
        self.tables.iter().any(|(_, rows)| *rows > 0)
    }
}

/// A panel once its header is read and its query bound.
struct Planned {
    panel: Panel,
    header: Result<Header, Error>,
    /// The catalog tables its query reads (empty when it does not bind).
    tables: BTreeSet<String>,
}

/// Run `panels` over `catalog`, whose tables `loaded` came from the logs.
pub fn build(
    panels: Vec<Panel>,
    catalog: &Catalog,
    loaded: &[String],
    settings: &Settings,
) -> Result<Report, Error> {
    let options = &settings.options;
    let planned: Vec<Planned> = panels
        .into_iter()
        .map(|panel| plan(panel, catalog, options))
        .filter(|p| match &p.header {
            Ok(h) => h
                .when
                .as_ref()
                .is_none_or(|c| c.holds(settings.topology, &options.params)),
            Err(_) => true,
        })
        .collect();
    let loaded: BTreeSet<String> = loaded.iter().cloned().collect();
    let sections = group(planned, &loaded);

    let started = Instant::now();
    let read: BTreeSet<String> = sections
        .iter()
        .flat_map(|(_, panels)| panels.iter().flat_map(|p| p.tables.iter().cloned()))
        .filter(|t| loaded.contains(t))
        .collect();
    let queries: Vec<&str> = sections
        .iter()
        .flat_map(|(_, panels)| panels.iter().map(|p| p.panel.source.as_str()))
        .collect();
    let used = shared_scan::columns_used(catalog, &read, &queries, options);
    let ctx = EvalContext { now: 0 };
    let mut shared = Vec::new();
    for name in &read {
        let (Some(real), Some(columns)) = (catalog.get(name), used.get(name)) else {
            continue;
        };
        shared.push((name.clone(), SharedTable::read(real.clone(), columns, ctx)?));
    }
    let (now, now_is_latest) = resolve_now(&settings.now, catalog, &shared)?;
    let since = settings.since.map(|span| Since { after: now - span });
    let mut shared_catalog = catalog.clone();
    let mut tables = Vec::new();
    for (name, table) in shared {
        let table = table.narrowed(since);
        tables.push((name.clone(), table.rows()));
        shared_catalog.register(name, Arc::new(table));
    }
    let scan_time = started.elapsed();

    let run_options = Options {
        now,
        ..options.clone()
    };
    let mut empty: BTreeSet<String> = read_absent(&sections, &loaded);
    empty.extend(
        tables
            .iter()
            .filter(|(_, rows)| *rows == 0)
            .map(|(name, _)| name.clone()),
    );
    let sections = sections
        .into_iter()
        .map(|(title, panels)| Section {
            title,
            panels: panels
                .into_par_iter()
                .map(|p| {
                    let no_data =
                        !p.tables.is_empty() && p.tables.iter().all(|t| empty.contains(t));
                    run(p, no_data, &shared_catalog, &run_options)
                })
                .collect(),
        })
        .collect();
    Ok(Report {
        logs: settings.logs.clone(),
        now,
        now_is_latest,
        since: settings.since.zip(since.map(|s| s.after)),
        tables,
        sections,
        scan_time,
    })
}

/// The tables panels read that the logs do not hold.
fn read_absent(sections: &[(String, Vec<Planned>)], loaded: &BTreeSet<String>) -> BTreeSet<String> {
    sections
        .iter()
        .flat_map(|(_, panels)| panels.iter().flat_map(|p| &p.tables))
        .filter(|t| !loaded.contains(*t))
        .cloned()
        .collect()
}

fn plan(panel: Panel, catalog: &Catalog, options: &Options) -> Planned {
    let header = panel.header();
    let tables = crate::parse(&panel.source)
        .and_then(|q| crate::bind(&q, catalog, options))
        .map(|bound| crate::now::tables_read(&bound.plan))
        .unwrap_or_default();
    Planned {
        panel,
        header,
        tables,
    }
}

/// Panels by section, sections in the order of their first panel. A section is left out when
/// its panels read tables and the logs hold none of them (a section of panels with broken
/// headers or queries stays, so their errors show).
fn group(planned: Vec<Planned>, loaded: &BTreeSet<String>) -> Vec<(String, Vec<Planned>)> {
    let mut sections: Vec<(String, Vec<Planned>)> = Vec::new();
    for p in planned {
        let title = match &p.header {
            Ok(h) => h.section.clone(),
            Err(_) => panel::DEFAULT_SECTION.to_string(),
        };
        match sections.iter_mut().find(|(t, _)| *t == title) {
            Some((_, panels)) => panels.push(p),
            None => sections.push((title, vec![p])),
        }
    }
    sections.retain(|(_, panels)| {
        let reads: BTreeSet<&String> = panels.iter().flat_map(|p| &p.tables).collect();
        let broken = panels
            .iter()
            .any(|p| p.header.is_err() || p.tables.is_empty());
        broken || reads.is_empty() || reads.iter().any(|t| loaded.contains(*t))
    });
    sections
}

/// The `now` the panels run with; `latest` is the latest event time of the tables read,
/// found in the rows already in memory.
fn resolve_now(
    spec: &NowSpec,
    catalog: &Catalog,
    shared: &[(String, SharedTable)],
) -> Result<(i64, bool), Error> {
    match spec {
        NowSpec::At(ticks) => Ok((*ticks, false)),
        NowSpec::WallClock => Ok((crate::now::wall_clock(), false)),
        NowSpec::Latest => {
            let mut in_memory = catalog.clone();
            let mut names = BTreeSet::new();
            for (name, table) in shared {
                in_memory.register(name.clone(), Arc::new(table.clone()));
                names.insert(name.clone());
            }
            let latest =
                crate::now::latest_event_time(&names, &in_memory, &LatestTimes::default())?;
            Ok(match latest {
                Some(ticks) => (ticks, true),
                None => (crate::now::wall_clock(), false),
            })
        }
    }
}

/// Run one panel and draw its chart; `no_data` when its tables hold no rows.
fn run(planned: Planned, no_data: bool, catalog: &Catalog, options: &Options) -> PanelResult {
    let started = Instant::now();
    let Planned { panel, header, .. } = planned;
    let (header, outcome) = match header {
        Err(error) => (None, Outcome::Failed(error)),
        Ok(header) if no_data => (Some(header), Outcome::NoData),
        Ok(header) => {
            let outcome = match show(&panel, &header, catalog, options) {
                Ok((table, chart)) => Outcome::Shown { table, chart },
                Err(error) => Outcome::Failed(error),
            };
            (Some(header), outcome)
        }
    };
    PanelResult {
        panel,
        header,
        outcome,
        elapsed: started.elapsed(),
    }
}

fn show(
    panel: &Panel,
    header: &Header,
    catalog: &Catalog,
    options: &Options,
) -> Result<(Table, Option<String>), Error> {
    let result = crate::run(&panel.source, catalog, options)?;
    let mut visualization = result.visualization.unwrap_or_default();
    match (&header.chart, visualization.kind.is_empty()) {
        (Some(kind), true) => visualization.kind = kind.clone(),
        (Some(kind), false) if *kind != visualization.kind => {
            return Err(Error::new(crate::error::ErrorKind::Usage(format!(
                "{}: the header says `chart: {kind}` but the query renders a {}",
                panel.path, visualization.kind
            ))));
        }
        _ => {}
    }
    if visualization.kind.is_empty() || result.table.num_rows() == 0 {
        return Ok((result.table, None));
    }
    let svg = chart::render_svg(&result.table, &visualization)?;
    Ok((result.table, svg))
}

#[cfg(test)]
mod tests;
