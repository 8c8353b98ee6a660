//! Test tables and helpers shared by the chart tests.
#![allow(dead_code)]

use kqlite::table::{Column, Field, Schema, Table, TICKS_PER_SECOND};
use kqlite::Visualization;
use std::sync::Arc;

pub fn table(columns: Vec<(&str, Column)>) -> Table {
    let fields = columns
        .iter()
        .map(|(name, col)| Field::new(*name, col.ty()))
        .collect();
    Table::new(
        Schema::new(fields),
        columns.into_iter().map(|(_, c)| c).collect(),
    )
}

pub fn strings(values: &[&str]) -> Column {
    Column::String(values.iter().map(|s| Arc::from(*s)).collect())
}

pub fn longs(values: &[i64]) -> Column {
    Column::Long(values.iter().map(|&v| Some(v)).collect())
}

pub fn reals(values: &[f64]) -> Column {
    Column::Real(values.iter().map(|&v| Some(v)).collect())
}

/// Datetimes `hours` hours after 2024-05-09T00:00:00Z.
pub fn hours(values: &[i64]) -> Column {
    let base = 1_715_212_800 * TICKS_PER_SECOND;
    Column::DateTime(
        values
            .iter()
            .map(|&h| Some(base + h * 3600 * TICKS_PER_SECOND))
            .collect(),
    )
}

pub fn vis(kind: &str, props: &[(&str, &str)]) -> Visualization {
    Visualization {
        kind: kind.to_string(),
        properties: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// The bytes per destination IP of the ER-gateway analysis, as its pie query returns them.
pub fn bytes_by_ip() -> Table {
    table(vec![
        (
            "DestIp",
            strings(&[
                "10.12.1.4",
                "10.12.2.10",
                "10.12.3.7",
                "10.12.1.5",
                "10.12.4.20",
            ]),
        ),
        (
            "TotalBytesSrcToDest",
            longs(&[4_000_000, 2_500_000, 1_500_000, 1_200_000, 800_000]),
        ),
        (
            "TotalBytesDestToSrc",
            longs(&[900_000, 3_000_000, 400_000, 100_000, 600_000]),
        ),
    ])
}

pub fn render(table: &Table, kind: &str, props: &[(&str, &str)]) -> String {
    kqlite::chart::render_svg(table, &vis(kind, props))
        .unwrap_or_else(|e| panic!("{kind}: {e}"))
        .expect("a chart")
}

/// How many elements named `tag` the SVG has.
pub fn count(svg: &str, tag: &str) -> usize {
    svg.matches(&format!("<{tag} ")).count() + svg.matches(&format!("<{tag}>")).count()
}

/// The text content of every `<text>` element, entities left as written.
pub fn texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let after = &rest[start..];
        let open_end = after.find('>').expect("tag end") + 1;
        let close = after.find("</text>").expect("closing tag");
        out.push(after[open_end..close].trim().to_string());
        rest = &after[close..];
    }
    out
}
