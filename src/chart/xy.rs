//! The frame every x/y chart shares: title, axes with ticks and grid, axis titles, and a legend
//! on the right. The value axis is plotters' mesh; category and time axes get labels placed here
//! (plotters would put its ticks at round numbers, not at category centres or whole hours).

use super::canvas::{self, legend, text, Area, LegendEntry};
use super::data::chart_error;
use super::properties::{ChartSpec, Scale};
use super::style::{
    compact_number, fit, fit_distinct, font, text_width, AXIS, AXIS_TITLE_PX, GRID, LABEL_PX,
};
use crate::error::Error;
use crate::table::TICKS_PER_SECOND;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// What the x axis (the category axis of a bar chart) shows.
pub(crate) enum XAxis {
    /// Names at the centres 0.5, 1.5, … of a `0..n` axis.
    Categories(Vec<String>),
    /// Datetime ticks (100 ns since the epoch).
    Time,
    /// Plain numbers; timespan ticks when `timespan`.
    Number { timespan: bool },
    /// Positive numbers on a log axis (`xaxis=log`), plotted as their log10.
    LogNumber,
}

/// Whether the x axis is logarithmic: `xaxis=log` over numbers. Times and timespans stay
/// linear, as a log of a date means nothing.
pub(crate) fn log_x(spec: &ChartSpec, x_ty: crate::table::Type) -> bool {
    use crate::table::Type;
    spec.xaxis == Scale::Log && matches!(x_ty, Type::Int | Type::Long | Type::Real)
}

/// x values as plotted on a log axis: log10, and the points at zero or below left out (a log
/// axis cannot show them).
pub(crate) fn log_points(points: &mut Vec<(f64, f64)>) {
    points.retain(|p| p.0 > 0.0);
    for p in points.iter_mut() {
        p.0 = p.0.log10();
    }
}

/// Everything the frame needs to know; the data itself is drawn by the caller's closure.
pub(crate) struct Frame<'s> {
    pub spec: &'s ChartSpec,
    pub x: XAxis,
    pub x_range: (f64, f64),
    /// Value range, already in log10 units when the value axis is logarithmic.
    pub y_range: (f64, f64),
    /// Value labels as percentages (stacked100).
    pub y_percent: bool,
    /// Categories run down the vertical axis and values along the horizontal one (barchart).
    pub horizontal: bool,
    pub x_title: Option<String>,
    pub y_title: Option<String>,
    pub legend: Vec<LegendEntry>,
}

const WIDTH: i32 = 900;
const HEIGHT: i32 = 460;
const LEGEND_WIDTH: i32 = 230;
const MAX_CATEGORY_LABEL: f64 = 150.0;
const LABEL_SLOT_MIN: f64 = 16.0;

/// Value-axis range for `values`: from zero (or the lowest value, if negative) to the highest
/// with a little headroom, overridden by `ymin`/`ymax`; log10 units for a log axis.
pub(crate) fn value_range(values: impl Iterator<Item = f64>, spec: &ChartSpec) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if spec.yaxis == Scale::Log {
        let lo_log = if lo.is_finite() {
            lo.log10().floor()
        } else {
            0.0
        };
        let hi_log = if hi.is_finite() {
            hi.log10().ceil()
        } else {
            1.0
        };
        let lo_log = spec.ymin.filter(|&v| v > 0.0).map_or(lo_log, f64::log10);
        let hi_log = spec.ymax.filter(|&v| v > 0.0).map_or(hi_log, f64::log10);
        return if hi_log > lo_log {
            (lo_log, hi_log)
        } else {
            (lo_log, lo_log + 1.0)
        };
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let lo = spec.ymin.unwrap_or(lo.min(0.0));
    let hi = spec.ymax.unwrap_or_else(|| {
        let top = hi.max(0.0);
        top + (top - lo).abs() * 0.05
    });
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo + 1.0)
    }
}

/// A value as plotted: log10 on a log axis (`None` for values a log axis cannot show).
pub(crate) fn plotted(value: f64, spec: &ChartSpec) -> Option<f64> {
    match spec.yaxis {
        Scale::Linear => Some(value),
        Scale::Log if value > 0.0 => Some(value.log10()),
        Scale::Log => None,
    }
}

/// Draw the frame, then call `plot` with the chart in data coordinates (x = category position
/// or time/number, y = value; swapped on the canvas when `horizontal`).
pub(crate) fn draw(
    frame: &Frame<'_>,
    plot: impl FnOnce(&mut Chart<'_, '_>) -> Result<(), Error>,
) -> Result<String, Error> {
    let spec = frame.spec;
    let title_h = canvas::title_height(spec.title.as_deref());
    let show_legend = spec.legend && !frame.legend.is_empty();
    let legend_w = if show_legend { LEGEND_WIDTH } else { 0 };
    let legend_h = canvas::legend_height(frame.legend.len(), false) + title_h + 40;
    let width = WIDTH + legend_w;
    // A bar chart grows downwards so every category keeps a readable row.
    let rows_h = match (&frame.x, frame.horizontal) {
        (XAxis::Categories(names), true) => title_h + 100 + names.len() as i32 * 18,
        _ => 0,
    };
    let height = (HEIGHT + title_h).max(legend_h).max(rows_h);
    let plot_w = f64::from(WIDTH - 100);
    let plot_h = f64::from(height - title_h - 100);

    let category_labels = match &frame.x {
        XAxis::Categories(names) => Some(names.as_slice()),
        _ => None,
    };
    let widest = category_labels.map_or(0.0, |names| {
        names
            .iter()
            .map(|n| text_width(n, LABEL_PX))
            .fold(0.0, f64::max)
            .min(MAX_CATEGORY_LABEL)
    });
    // Category labels lie flat when they fit their slot, else they are turned upright.
    let slot = category_labels.map_or(0.0, |n| {
        (if frame.horizontal { plot_h } else { plot_w }) / n.len().max(1) as f64
    });
    let upright = !frame.horizontal && category_labels.is_some() && widest > slot - 6.0;
    let cat_title = frame.x_title.is_some();
    let val_title = frame.y_title.is_some();
    let desc_room = |has: bool| if has { 24 } else { 0 };
    let (x_area, y_area) = if frame.horizontal {
        (
            30 + desc_room(val_title),
            widest as i32 + 14 + desc_room(cat_title),
        )
    } else if category_labels.is_some() {
        let label_h = if upright { widest as i32 + 12 } else { 24 };
        (label_h + desc_room(cat_title), 56 + desc_room(val_title))
    } else {
        (30 + desc_room(cat_title), 56 + desc_room(val_title))
    };

    // An axis plotters cannot divide into ticks (a bound or the span past f64, as from values
    // near 1.8e308 or a `ymax` of 1e308) would never finish drawing: refuse it instead.
    for (axis, (lo, hi)) in [("x", frame.x_range), ("y", frame.y_range)] {
        if !(lo.is_finite() && hi.is_finite() && (hi - lo).is_finite()) {
            return Err(chart_error(format!(
                "the {axis} axis would run from {lo} to {hi}, beyond what a chart can divide into ticks; filter out the extreme values or set ymin/ymax"
            )));
        }
    }
    canvas::svg((width as u32, height as u32), |root| {
        canvas::title(root, spec.title.as_deref(), width)?;
        let (plot_area, _) = root.split_horizontally(WIDTH);
        let (x_range, y_range) = (
            frame.x_range.0..frame.x_range.1,
            frame.y_range.0..frame.y_range.1,
        );
        let mut builder = ChartBuilder::on(&plot_area);
        builder
            .margin(16)
            .margin_top(16 + title_h)
            .x_label_area_size(x_area)
            .y_label_area_size(y_area);
        let mut chart = if frame.horizontal {
            builder.build_cartesian_2d(y_range, x_range)
        } else {
            builder.build_cartesian_2d(x_range, y_range)
        }
        .map_err(canvas::draw_error)?;
        draw_mesh(&mut chart, frame)?;
        // Grid and labels first, so the data is drawn over the grid lines.
        match &frame.x {
            XAxis::Categories(names) => {
                category_labels_at(root, &chart, frame, names, upright, slot)?
            }
            XAxis::Time => time_labels(root, &chart, frame)?,
            XAxis::Number { .. } | XAxis::LogNumber => {}
        }
        plot(&mut chart)?;
        if show_legend {
            legend(
                root,
                (WIDTH, 16 + title_h),
                LEGEND_WIDTH - 16,
                None,
                &frame.legend,
            )?;
        }
        Ok(())
    })
}

fn value_label(v: f64, frame: &Frame<'_>) -> String {
    if frame.y_percent {
        format!("{}%", compact_number(v))
    } else if frame.spec.yaxis == Scale::Log {
        compact_number(10f64.powf(v))
    } else {
        compact_number(v)
    }
}

fn x_number_label(v: f64, x: &XAxis) -> String {
    match x {
        XAxis::Number { timespan: true } => crate::format::timespan_text(v.round() as i64),
        XAxis::LogNumber => compact_number(10f64.powf(v)),
        _ => compact_number(v),
    }
}

fn draw_mesh(chart: &mut Chart<'_, '_>, frame: &Frame<'_>) -> Result<(), Error> {
    let value_fmt = |v: &f64| value_label(*v, frame);
    let x_fmt = |v: &f64| x_number_label(*v, &frame.x);
    let numeric_x = matches!(frame.x, XAxis::Number { .. } | XAxis::LogNumber);
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(GRID)
        .light_line_style(WHITE.mix(0.0))
        .axis_style(AXIS)
        .label_style(font(LABEL_PX))
        .axis_desc_style(font(AXIS_TITLE_PX));
    // The mesh's x is the canvas' horizontal axis; in a bar chart that is the value axis.
    let (h_title, v_title) = if frame.horizontal {
        (&frame.y_title, &frame.x_title)
    } else {
        (&frame.x_title, &frame.y_title)
    };
    if let Some(t) = h_title {
        mesh.x_desc(fit(t, AXIS_TITLE_PX, 700.0));
    }
    if let Some(t) = v_title {
        mesh.y_desc(fit(t, AXIS_TITLE_PX, 360.0));
    }
    if frame.horizontal {
        mesh.x_labels(8)
            .x_label_formatter(&value_fmt)
            .y_labels(0)
            .disable_y_mesh();
    } else {
        mesh.y_labels(8).y_label_formatter(&value_fmt);
        if numeric_x {
            mesh.x_labels(8).x_label_formatter(&x_fmt);
        } else {
            mesh.x_labels(0).disable_x_mesh();
        }
    }
    mesh.draw().map_err(canvas::draw_error)
}

/// Category names under (or beside) their centres, thinned out when they would crowd.
fn category_labels_at(
    root: &Area<'_>,
    chart: &Chart<'_, '_>,
    frame: &Frame<'_>,
    names: &[String],
    upright: bool,
    slot: f64,
) -> Result<(), Error> {
    let every = (LABEL_SLOT_MIN / slot.max(1e-9)).ceil().max(1.0) as usize;
    let style = font(LABEL_PX);
    // When thinned, keep the first category: at the left, or at the top of a bar chart (where
    // the names run in reverse).
    let order: Vec<usize> = if frame.horizontal {
        (0..names.len()).rev().step_by(every).collect()
    } else {
        (0..names.len()).step_by(every).collect()
    };
    let items: Vec<(&str, f64)> = names
        .iter()
        .map(|n| (n.as_str(), MAX_CATEGORY_LABEL))
        .collect();
    let cut = fit_distinct(&items, LABEL_PX);
    for i in order {
        let name = &names[i];
        let shown = &cut[i];
        let centre = i as f64 + 0.5;
        if frame.horizontal {
            let (x, y) = chart.backend_coord(&(frame.y_range.0, centre));
            text(root, shown, (x - 8, y), &style, (HPos::Right, VPos::Center))?;
        } else {
            let (x, y) = chart.backend_coord(&(centre, frame.y_range.0));
            if upright {
                let turned = style.transform(FontTransform::Rotate270);
                text(
                    root,
                    shown,
                    (x, y + 8),
                    &turned,
                    (HPos::Right, VPos::Center),
                )?;
            } else {
                text(root, name, (x, y + 8), &style, (HPos::Center, VPos::Top))?;
            }
        }
    }
    Ok(())
}

/// Tick steps for a time axis, in seconds.
const TIME_STEPS: &[i64] = &[
    1,
    5,
    15,
    30,
    60,
    300,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    30 * 86_400,
    91 * 86_400,
    365 * 86_400,
];

/// Whole-unit time ticks (every 15 minutes, every hour, every day, …), at most 9 of them,
/// with a vertical grid line each.
fn time_labels(root: &Area<'_>, chart: &Chart<'_, '_>, frame: &Frame<'_>) -> Result<(), Error> {
    let (lo, hi) = frame.x_range;
    let span_s = (hi - lo) / TICKS_PER_SECOND as f64;
    let step = TIME_STEPS
        .iter()
        .copied()
        .find(|&s| span_s / s as f64 <= 8.0)
        // Past eight years: whole multiples of a year.
        .unwrap_or_else(|| 365 * 86_400 * (span_s / (8.0 * 365.0 * 86_400.0)).ceil() as i64);
    let step_ticks = step as f64 * TICKS_PER_SECOND as f64;
    let mut tick = (lo / step_ticks).ceil() * step_ticks;
    let style = font(LABEL_PX);
    let mut previous_day = None;
    while tick <= hi {
        let (x, y) = chart.backend_coord(&(tick, frame.y_range.0));
        let (_, top) = chart.backend_coord(&(tick, frame.y_range.1));
        root.draw(&PathElement::new(
            vec![(x, top), (x, y)],
            GRID.stroke_width(1),
        ))
        .map_err(canvas::draw_error)?;
        let label = time_text(tick as i64, step, &mut previous_day)?;
        text(root, &label, (x, y + 8), &style, (HPos::Center, VPos::Top))?;
        tick += step_ticks;
    }
    Ok(())
}

/// A tick's text: the date for day steps; the time of day for shorter steps, with the date in
/// front at the first tick of each day.
fn time_text(ticks: i64, step_s: i64, previous_day: &mut Option<String>) -> Result<String, Error> {
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let t = chrono::DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| chart_error("a datetime on the x axis is out of range"))?;
    let day = t.format("%Y-%m-%d").to_string();
    if step_s >= 86_400 {
        return Ok(day);
    }
    let time = if step_s < 60 {
        t.format("%H:%M:%S").to_string()
    } else {
        t.format("%H:%M").to_string()
    };
    let new_day = previous_day.as_deref() != Some(day.as_str());
    *previous_day = Some(day);
    Ok(if new_day {
        format!("{} {time}", t.format("%m-%d"))
    } else {
        time
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::properties::parse_spec;
    use crate::plan::Visualization;

    fn spec(props: &[(&str, &str)]) -> ChartSpec {
        parse_spec(&Visualization {
            kind: "linechart".into(),
            properties: props
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
        .unwrap()
    }

    #[test]
    fn value_range_starts_at_zero_with_headroom() {
        assert_eq!(
            value_range([10.0, 20.0].into_iter(), &spec(&[])),
            (0.0, 21.0)
        );
        assert_eq!(
            value_range([-10.0, 10.0].into_iter(), &spec(&[])),
            (-10.0, 11.0)
        );
        assert_eq!(value_range(std::iter::empty(), &spec(&[])), (0.0, 1.05));
        assert_eq!(
            value_range([10.0].into_iter(), &spec(&[("ymin", "5"), ("ymax", "50")])),
            (5.0, 50.0)
        );
        assert_eq!(
            value_range([3.0, 2000.0].into_iter(), &spec(&[("yaxis", "log")])),
            (0.0, 4.0)
        );
    }

    #[test]
    fn time_ticks_name_the_day_once() {
        let hour = 3600 * TICKS_PER_SECOND;
        let mut prev = None;
        let first = time_text(1_715_248_800 * TICKS_PER_SECOND, 3600, &mut prev).unwrap();
        let second = time_text(1_715_248_800 * TICKS_PER_SECOND + hour, 3600, &mut prev).unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("05-09 10:00", "11:00"));
        assert_eq!(time_text(0, 86_400, &mut None).unwrap(), "1970-01-01");
    }
}
