//! Result table + `render` visualization → SVG text, drawn with plotters' SVG backend.
//!
//! [`render_svg`] checks the kind and properties ([`properties`]), picks the columns Kusto's
//! rules assign to each role ([`data`]) and hands over to one module per chart family: [`pie`],
//! [`bar`] (column and bar charts), [`line`] (time, line, area and anomaly charts) and
//! [`scatter`]. A `make-series` result (arrays per row) is first unrolled into one row per bin
//! ([`series_rows`]). The output is byte-for-byte deterministic: no font engine, no clock, no
//! hash order.

pub mod bar;
mod canvas;
pub mod data;
pub mod line;
pub mod pie;
pub mod png;
pub mod properties;
pub mod scatter;
pub mod series_rows;
pub mod style;
mod xy;

use crate::error::Error;
use crate::plan::Visualization;
use crate::table::Table;
pub use properties::{ChartKind, ChartSpec, KINDS, PROPERTIES};

/// More series (or pies) than this cannot be told apart by colour.
pub const MAX_SERIES: usize = 50;

/// Draw `table` as `vis` asks. `Ok(None)` for `render table` and `render card`, which Kusto
/// shows as a table: the caller prints the table and draws nothing.
pub fn render_svg(table: &Table, vis: &Visualization) -> Result<Option<String>, Error> {
    let spec = properties::parse_spec(vis)?;
    let unrolled = match spec.kind {
        ChartKind::NoChart | ChartKind::Pie => None,
        _ => series_rows::unroll(table, &spec),
    };
    let (table, spec) = match &unrolled {
        Some((t, s)) => (t, s.clone()),
        None => (table, spec),
    };
    let svg = match spec.kind {
        ChartKind::NoChart => return Ok(None),
        ChartKind::Pie => pie::render(table, &spec)?,
        ChartKind::Column | ChartKind::Bar => bar::render(table, &spec)?,
        ChartKind::Time | ChartKind::Line | ChartKind::Area | ChartKind::Anomaly => {
            line::render(table, &spec)?
        }
        ChartKind::Scatter => scatter::render(table, &spec)?,
    };
    Ok(Some(svg))
}

/// What the reader of `render_svg(table, vis)`'s chart should be told on the side (one line
/// each): today, the numeric columns a pie left out.
pub fn notes(table: &Table, vis: &Visualization) -> Vec<String> {
    match properties::parse_spec(vis) {
        Ok(spec) if spec.kind == ChartKind::Pie => {
            pie::left_out_note(table, &spec).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// Whether `vis` draws a chart at all (false for `table` and `card`); errors for an unknown kind
/// or property, so a caller can refuse `--chart` before running the query.
pub fn draws_chart(vis: &Visualization) -> Result<bool, Error> {
    Ok(properties::parse_spec(vis)?.kind != ChartKind::NoChart)
}
