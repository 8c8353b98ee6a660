//! The `render` kind and its `with (…)` properties, checked and typed: `Visualization` (text, as
//! the binder kept it) → `ChartSpec`. Every Kusto property name is known here; the one that only
//! tunes an interactive viewer (`ysplit`) is accepted and has no effect, so a query pasted from
//! Log Analytics still draws.

use crate::error::{suggest, Error, ErrorKind};
use crate::plan::Visualization;

/// What `render` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Pie,
    Column,
    Bar,
    Time,
    Line,
    Area,
    Scatter,
    /// `anomalychart`: a time chart whose `anomalycolumns=` mark points on the series.
    Anomaly,
    /// `table` and `card`: the result is shown as a table, no chart is drawn.
    NoChart,
}

/// The kinds kqlite draws (and the two it shows as a table), as Kusto spells them.
pub const KINDS: &[&str] = &[
    "anomalychart",
    "areachart",
    "barchart",
    "card",
    "columnchart",
    "linechart",
    "piechart",
    "scatterchart",
    "stackedareachart",
    "table",
    "timechart",
];

/// Kusto kinds that need an interactive viewer or a map; named so the error can say so.
const UNSUPPORTED_KINDS: &[&str] = &[
    "ladderchart",
    "pivotchart",
    "timepivot",
    "treemap",
    "sankey",
    "plotly",
    "3dchart",
    "graph",
];

/// Every property of Kusto's `render … with (…)`.
pub const PROPERTIES: &[&str] = &[
    "accumulate",
    "anomalycolumns",
    "kind",
    "legend",
    "series",
    "title",
    "xaxis",
    "xcolumn",
    "xtitle",
    "yaxis",
    "ycolumns",
    "ymax",
    "ymin",
    "ysplit",
    "ytitle",
];

/// How several series share one category (`kind=` of column, bar and area charts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stacking {
    /// Side by side (columns, bars) or overlapping (areas).
    Unstacked,
    /// On top of each other.
    Stacked,
    /// On top of each other, scaled so each category sums to 100%.
    Stacked100,
}

/// Linear or logarithmic axis (`xaxis=`, `yaxis=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    Log,
}

/// A checked visualization: the kind plus typed properties.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub title: Option<String>,
    pub xtitle: Option<String>,
    pub ytitle: Option<String>,
    pub legend: bool,
    pub xcolumn: Option<String>,
    pub ycolumns: Vec<String>,
    pub series: Vec<String>,
    pub ymin: Option<f64>,
    pub ymax: Option<f64>,
    pub stacking: Stacking,
    pub accumulate: bool,
    pub xaxis: Scale,
    pub yaxis: Scale,
    /// `anomalycolumns=`: columns whose non-zero values flag anomalies (anomalychart).
    pub anomalycolumns: Vec<String>,
}

fn chart_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Chart(message.into()))
}

/// Check `vis` and type its properties.
pub fn parse_spec(vis: &Visualization) -> Result<ChartSpec, Error> {
    let kind_name = vis.kind.to_ascii_lowercase();
    let (kind, default_stacking) = match kind_name.as_str() {
        "piechart" => (ChartKind::Pie, Stacking::Unstacked),
        "columnchart" => (ChartKind::Column, Stacking::Unstacked),
        "barchart" => (ChartKind::Bar, Stacking::Unstacked),
        "timechart" => (ChartKind::Time, Stacking::Unstacked),
        "linechart" => (ChartKind::Line, Stacking::Unstacked),
        "areachart" => (ChartKind::Area, Stacking::Unstacked),
        "stackedareachart" => (ChartKind::Area, Stacking::Stacked),
        "scatterchart" => (ChartKind::Scatter, Stacking::Unstacked),
        "anomalychart" => (ChartKind::Anomaly, Stacking::Unstacked),
        "table" | "card" => (ChartKind::NoChart, Stacking::Unstacked),
        other => {
            let message = if UNSUPPORTED_KINDS.contains(&other) {
                format!("`render {}` is not supported by kqlite", vis.kind)
            } else {
                format!("unknown chart kind `{}`", vis.kind)
            };
            return Err(
                chart_error(message).with_help(format!("supported kinds: {}", KINDS.join(", ")))
            );
        }
    };
    let mut spec = ChartSpec {
        kind,
        title: None,
        xtitle: None,
        ytitle: None,
        legend: true,
        xcolumn: None,
        ycolumns: Vec::new(),
        series: Vec::new(),
        ymin: None,
        ymax: None,
        stacking: default_stacking,
        accumulate: false,
        xaxis: Scale::Linear,
        yaxis: Scale::Linear,
        anomalycolumns: Vec::new(),
    };
    for (name, raw) in &vis.properties {
        let value = unquote(raw);
        match name.as_str() {
            "title" => spec.title = Some(value.to_string()),
            "xtitle" => spec.xtitle = Some(value.to_string()),
            "ytitle" => spec.ytitle = Some(value.to_string()),
            "legend" => spec.legend = parse_choice(name, value, &["visible", "hidden"])? == 0,
            "xcolumn" => spec.xcolumn = Some(value.to_string()),
            "ycolumns" => spec.ycolumns = parse_list(value),
            "series" => spec.series = parse_list(value),
            "ymin" => spec.ymin = Some(parse_number(name, value)?),
            "ymax" => spec.ymax = Some(parse_number(name, value)?),
            "accumulate" => spec.accumulate = parse_choice(name, value, &["true", "false"])? == 0,
            "xaxis" => spec.xaxis = parse_scale(name, value)?,
            "yaxis" => spec.yaxis = parse_scale(name, value)?,
            "kind" => spec.stacking = parse_kind(kind, value, default_stacking)?,
            "anomalycolumns" => spec.anomalycolumns = parse_list(value),
            // A viewer layout hint with no meaning for a single static image.
            "ysplit" => {}
            other => {
                let help = suggest(other, PROPERTIES.iter().copied())
                    .map(|s| format!("{s}; properties: {}", PROPERTIES.join(", ")))
                    .unwrap_or_else(|| format!("properties: {}", PROPERTIES.join(", ")));
                return Err(
                    chart_error(format!("unknown render property `{other}`")).with_help(help)
                );
            }
        }
    }
    if let (Some(lo), Some(hi)) = (spec.ymin, spec.ymax) {
        if lo >= hi {
            return Err(chart_error(format!(
                "ymin ({lo}) must be less than ymax ({hi})"
            )));
        }
    }
    Ok(spec)
}

/// Values may arrive quoted (`title="Bytes"`); the quotes are syntax, not text.
fn unquote(raw: &str) -> &str {
    let trimmed = raw.trim();
    for quote in ['"', '\''] {
        if trimmed.len() >= 2 && trimmed.starts_with(quote) && trimmed.ends_with(quote) {
            return &trimmed[1..trimmed.len() - 1];
        }
    }
    trimmed
}

/// `A, B ,C` → `[A, B, C]`, each name unquoted.
fn parse_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|part| unquote(part).to_string())
        .filter(|part| !part.is_empty())
        .collect()
}

/// The index of `value` among `choices` (case-insensitive), or an error listing them.
fn parse_choice(name: &str, value: &str, choices: &[&str]) -> Result<usize, Error> {
    choices
        .iter()
        .position(|c| c.eq_ignore_ascii_case(value))
        .ok_or_else(|| {
            chart_error(format!("`{name}` cannot be `{value}`"))
                .with_help(format!("{name} is one of: {}", choices.join(", ")))
        })
}

fn parse_number(name: &str, value: &str) -> Result<f64, Error> {
    value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| chart_error(format!("`{name}` must be a number, found `{value}`")))
}

fn parse_scale(name: &str, value: &str) -> Result<Scale, Error> {
    Ok(match parse_choice(name, value, &["linear", "log"])? {
        0 => Scale::Linear,
        _ => Scale::Log,
    })
}

/// `kind=` means stacking for column, bar and area charts; Kusto's `map` (pie and scatter on a
/// world map) needs map tiles, which an offline tool does not have.
fn parse_kind(kind: ChartKind, value: &str, default: Stacking) -> Result<Stacking, Error> {
    match kind {
        ChartKind::Column | ChartKind::Bar | ChartKind::Area => {
            let choices = ["default", "unstacked", "stacked", "stacked100"];
            Ok(match parse_choice("kind", value, &choices)? {
                0 => default,
                1 => Stacking::Unstacked,
                2 => Stacking::Stacked,
                _ => Stacking::Stacked100,
            })
        }
        _ if value.eq_ignore_ascii_case("default") => Ok(default),
        ChartKind::Pie | ChartKind::Scatter if value.eq_ignore_ascii_case("map") => Err(
            chart_error("`kind=map` draws on a world map, which kqlite cannot do offline"),
        ),
        _ => Err(
            chart_error(format!("`kind={value}` does not apply to this chart")).with_help(
                "kind=stacked|unstacked|stacked100 applies to columnchart, barchart and areachart",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vis(kind: &str, props: &[(&str, &str)]) -> Visualization {
        Visualization {
            kind: kind.to_string(),
            properties: props
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn properties_are_typed_and_unquoted() {
        let spec = parse_spec(&vis(
            "columnchart",
            &[
                ("title", "\"Bytes per IP\""),
                ("ycolumns", "A, 'B'"),
                ("kind", "stacked100"),
                ("legend", "hidden"),
                ("ymin", "0"),
                ("ymax", "10.5"),
                ("accumulate", "true"),
            ],
        ))
        .unwrap();
        assert_eq!(spec.kind, ChartKind::Column);
        assert_eq!(spec.title.as_deref(), Some("Bytes per IP"));
        assert_eq!(spec.ycolumns, vec!["A", "B"]);
        assert_eq!(spec.stacking, Stacking::Stacked100);
        assert!(!spec.legend);
        assert_eq!((spec.ymin, spec.ymax), (Some(0.0), Some(10.5)));
        assert!(spec.accumulate);
    }

    #[test]
    fn unknown_property_names_the_valid_ones() {
        let err = parse_spec(&vis("piechart", &[("tittle", "x")])).unwrap_err();
        assert_eq!(
            err.kind,
            ErrorKind::Chart("unknown render property `tittle`".into())
        );
        let help = err.help.unwrap();
        assert!(help.starts_with("did you mean `title`?"), "{help}");
        assert!(help.contains("ycolumns"), "{help}");
    }

    #[test]
    fn unknown_kind_names_the_valid_ones() {
        let err = parse_spec(&vis("piechar", &[])).unwrap_err();
        assert_eq!(
            err.kind,
            ErrorKind::Chart("unknown chart kind `piechar`".into())
        );
        assert!(err.help.unwrap().contains("piechart"));
        let err = parse_spec(&vis("treemap", &[])).unwrap_err();
        assert!(err.to_string().contains("not supported"));
    }

    #[test]
    fn table_and_card_draw_nothing() {
        assert_eq!(
            parse_spec(&vis("table", &[])).unwrap().kind,
            ChartKind::NoChart
        );
        assert_eq!(
            parse_spec(&vis("card", &[])).unwrap().kind,
            ChartKind::NoChart
        );
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(parse_spec(&vis("timechart", &[("ymin", "low")])).is_err());
        assert!(parse_spec(&vis("timechart", &[("legend", "maybe")])).is_err());
        assert!(parse_spec(&vis("timechart", &[("ymin", "5"), ("ymax", "1")])).is_err());
        assert!(parse_spec(&vis("piechart", &[("kind", "map")])).is_err());
        assert!(parse_spec(&vis("piechart", &[("kind", "stacked")])).is_err());
        assert_eq!(
            parse_spec(&vis("stackedareachart", &[])).unwrap().stacking,
            Stacking::Stacked
        );
        // Viewer-only hints are accepted.
        assert!(parse_spec(&vis("timechart", &[("ysplit", "panels")])).is_ok());
    }
}
