//! `render piechart`: one pie per size column, side by side, with outside labels (name, value and
//! share) for the slices big enough to label, and a legend that lists every slice.
//!
//! Kusto's rules: the first string column names the slices (`xcolumn=` overrides; without a
//! string column, the first non-numeric column, else the first column), the first numeric column
//! sizes them (`ycolumns=A,B` draws one pie per column). Zero rows draw a "no data" chart;
//! negative sizes, or sizes that are all zero, are errors.

use super::canvas::{self, legend, legend_height, polygon, polyline, text, Area, LegendEntry, Px};
use super::data::{chart_error, column_index, is_measure, label, measure_values};
use super::properties::ChartSpec;
use super::style::{self, bold_font, fit, font, full_number, percent, LABEL_PX, MUTED_TEXT};
use crate::error::Error;
use crate::table::{Table, Type};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;
use std::f64::consts::PI;

const RADIUS: f64 = 140.0;
/// Room beside the pie for the outside labels, on each side.
const LABEL_ROOM: i32 = 150;
/// Gap between the rim and the labels' text.
const LABEL_GAP: i32 = 30;
const CELL_WIDTH: i32 = 2 * (RADIUS as i32 + LABEL_GAP + LABEL_ROOM);
/// Vertical room above and below the pie for labels and the pie's heading.
const CELL_PAD: i32 = 60;
const CELL_HEIGHT: i32 = 2 * RADIUS as i32 + 2 * CELL_PAD;
/// How far above the rim the pie's heading sits.
const HEADING_GAP: i32 = 36;
/// Vertical distance between two stacked outside labels (two text lines each).
const LABEL_PITCH: f64 = 32.0;
/// Slices under this share are left to the legend when a legend is shown.
const MIN_LABELLED_SHARE: f64 = 0.015;
const LEGEND_WIDTH: i32 = 320;

/// One pie: the size column's name and one size per slice.
struct PieData {
    name: String,
    sizes: Vec<f64>,
    total: f64,
}

pub fn render(table: &Table, spec: &ChartSpec) -> Result<String, Error> {
    let label_col = label_column(table, spec)?;
    let size_cols = size_columns(table, spec, label_col)?;
    let labels: Vec<String> = (0..table.num_rows())
        .map(|row| label(&table.columns[label_col], row))
        .collect();
    let mut pies = Vec::with_capacity(size_cols.len());
    for &col in &size_cols {
        let name = table.schema.fields[col].name.clone();
        let values = measure_values(&table.columns[col]).unwrap_or_default();
        if values.iter().all(Option::is_none) {
            continue;
        }
        let sizes = checked_sizes(&name, &values, &labels)?;
        let total = sizes.iter().sum();
        pies.push(PieData { name, sizes, total });
    }
    if pies.is_empty() {
        return canvas::no_data(spec.title.as_deref());
    }
    if labels.len() > super::MAX_SERIES * 4 {
        return Err(
            chart_error(format!("a pie of {} slices cannot be read", labels.len()))
                .with_help("summarize to fewer groups, e.g. `top 20 by …`"),
        );
    }
    draw(spec, &table.schema.fields[label_col].name, &labels, &pies)
}

/// The column that names the slices.
fn label_column(table: &Table, spec: &ChartSpec) -> Result<usize, Error> {
    if let Some(name) = &spec.xcolumn {
        return column_index(table, name, "label");
    }
    let fields = &table.schema.fields;
    fields
        .iter()
        .position(|f| f.ty == Type::String)
        .or_else(|| fields.iter().position(|f| !is_measure(f.ty)))
        .or(if fields.len() >= 2 { Some(0) } else { None })
        .ok_or_else(|| {
            chart_error("piechart needs a column that names the slices and a numeric column that sizes them")
        })
}

/// The size columns: `ycolumns=` or the first numeric column other than the labels.
fn size_columns(table: &Table, spec: &ChartSpec, label_col: usize) -> Result<Vec<usize>, Error> {
    if !spec.ycolumns.is_empty() {
        return spec
            .ycolumns
            .iter()
            .map(|name| {
                let i = column_index(table, name, "size")?;
                let ty = table.schema.fields[i].ty;
                if is_measure(ty) {
                    Ok(i)
                } else {
                    Err(chart_error(format!(
                        "size column `{name}` is {ty}; pie slices are sized by an int, long or real column"
                    )))
                }
            })
            .collect();
    }
    table
        .schema
        .fields
        .iter()
        .enumerate()
        .find(|(i, f)| *i != label_col && is_measure(f.ty))
        .map(|(i, _)| vec![i])
        .ok_or_else(|| {
            chart_error("piechart needs a numeric (int, long or real) column to size the slices")
        })
}

/// When the pie is sized by the first of several numeric columns, a line saying which it left
/// out and how to choose (Kusto draws the first without a word; a reader may expect another).
pub fn left_out_note(table: &Table, spec: &ChartSpec) -> Option<String> {
    if !spec.ycolumns.is_empty() {
        return None;
    }
    let label_col = label_column(table, spec).ok()?;
    let numbers: Vec<&str> = table
        .schema
        .fields
        .iter()
        .enumerate()
        .filter(|(i, f)| *i != label_col && is_measure(f.ty))
        .map(|(_, f)| f.name.as_str())
        .collect();
    let [drawn, rest @ ..] = numbers.as_slice() else {
        return None;
    };
    if rest.is_empty() {
        return None;
    }
    let quoted: Vec<String> = rest.iter().map(|n| format!("`{n}`")).collect();
    Some(format!(
        "piechart sized the slices by `{drawn}` and left out {}; choose with `render piechart with (ycolumns={})` (several names draw one pie each)",
        quoted.join(", "),
        rest[0]
    ))
}

/// Sizes with nulls as zero; an error for a negative size or a column of zeros.
fn checked_sizes(name: &str, values: &[Option<f64>], labels: &[String]) -> Result<Vec<f64>, Error> {
    if let Some(row) = values.iter().position(|v| v.is_some_and(|v| v < 0.0)) {
        return Err(chart_error(format!(
            "pie slice `{}` has a negative size ({}) in `{name}`",
            labels[row],
            full_number(values[row].unwrap_or_default())
        ))
        .with_help(
            "a pie shows shares of a total; filter out negative values or use columnchart",
        ));
    }
    let sizes: Vec<f64> = values.iter().map(|v| v.unwrap_or(0.0)).collect();
    if sizes.iter().all(|&v| v == 0.0) {
        return Err(chart_error(format!(
            "every size in `{name}` is zero, so there is no share to draw"
        )));
    }
    Ok(sizes)
}

/// A slice's place on the pie: its angles in radians, clockwise from 12 o'clock.
struct Wedge {
    start: f64,
    end: f64,
}

fn wedges(pie: &PieData) -> Vec<Wedge> {
    let mut angle = -PI / 2.0;
    pie.sizes
        .iter()
        .map(|&size| {
            let start = angle;
            angle += size / pie.total * 2.0 * PI;
            Wedge { start, end: angle }
        })
        .collect()
}

fn draw(
    spec: &ChartSpec,
    label_name: &str,
    labels: &[String],
    pies: &[PieData],
) -> Result<String, Error> {
    let title_h = canvas::title_height(spec.title.as_deref());
    let single = pies.len() == 1;
    let legend_entries: Vec<LegendEntry> = labels
        .iter()
        .enumerate()
        .map(|(i, name)| LegendEntry {
            name: name.clone(),
            value: single.then(|| {
                let pie = &pies[0];
                format!(
                    "{} ({})",
                    full_number(pie.sizes[i]),
                    percent(pie.sizes[i] / pie.total)
                )
            }),
            color: style::color(i),
        })
        .collect();
    let legend_w = if spec.legend { LEGEND_WIDTH } else { 0 };
    let pies_w = CELL_WIDTH * pies.len() as i32;
    let width = pies_w + legend_w + if spec.legend { 20 } else { 0 };
    let legend_top = title_h + 20;
    let legend_bottom = legend_top + legend_height(labels.len(), true) + 20;
    let height = (title_h + CELL_HEIGHT).max(if spec.legend { legend_bottom } else { 0 });
    canvas::svg((width as u32, height as u32), |area| {
        canvas::title(area, spec.title.as_deref(), width)?;
        for (i, pie) in pies.iter().enumerate() {
            // A long legend makes the canvas tall; the pie sits in the middle of it and its
            // labels may use the whole height.
            let center = (
                CELL_WIDTH * i as i32 + CELL_WIDTH / 2,
                (title_h + (height - title_h) / 2).max(title_h + CELL_PAD + RADIUS as i32),
            );
            let heading_y = center.1 - RADIUS as i32 - HEADING_GAP;
            let bounds = (f64::from(heading_y + 20), f64::from(height - 18));
            draw_pie(area, center, pie, labels, spec.legend, bounds)?;
        }
        if spec.legend {
            legend(
                area,
                (pies_w, legend_top),
                legend_w,
                Some(label_name),
                &legend_entries,
            )?;
        }
        Ok(())
    })
}

fn draw_pie(
    area: &Area<'_>,
    center: Px,
    pie: &PieData,
    labels: &[String],
    legend_shown: bool,
    label_bounds: (f64, f64),
) -> Result<(), Error> {
    let wedges = wedges(pie);
    for (i, wedge) in wedges.iter().enumerate() {
        if pie.sizes[i] > 0.0 {
            polygon(area, wedge_points(center, wedge), style::color(i))?;
        }
    }
    // Wedge corners are whole pixels, so the drawn rim wobbles by up to half a pixel. The wedges
    // reach one pixel past the radius and an exact white ring trims them back to a true circle.
    canvas::ring(area, center, RADIUS as u32 + 1, 2, plotters::style::WHITE)?;
    let heading = format!("{} (total {})", pie.name, full_number(pie.total));
    text(
        area,
        &fit(&heading, 13.0, f64::from(CELL_WIDTH - 20)),
        (center.0, center.1 - RADIUS as i32 - HEADING_GAP),
        &bold_font(13.0),
        (HPos::Center, VPos::Center),
    )?;
    // Cut once for all slices, so two long names that differ never read the same.
    let room = f64::from(LABEL_ROOM - 6);
    let items: Vec<(&str, f64)> = labels.iter().map(|l| (l.as_str(), room)).collect();
    let shown = style::fit_distinct(&items, LABEL_PX);
    for placed in place_labels(center, pie, &wedges, legend_shown, label_bounds) {
        draw_label(area, center, &placed, pie, &shown)?;
    }
    Ok(())
}

/// The wedge as a polygon: the centre, then the arc in steps of at most one degree.
fn wedge_points(center: Px, wedge: &Wedge) -> Vec<Px> {
    let steps = ((wedge.end - wedge.start).to_degrees().ceil() as usize).max(1);
    let mut points = Vec::with_capacity(steps + 2);
    if wedge.end - wedge.start < 2.0 * PI - 1e-9 {
        points.push(center);
    }
    for k in 0..=steps {
        let angle = wedge.start + (wedge.end - wedge.start) * k as f64 / steps as f64;
        points.push(on_circle(center, RADIUS + 1.0, angle));
    }
    points
}

fn on_circle(center: Px, radius: f64, angle: f64) -> Px {
    (
        (f64::from(center.0) + radius * angle.cos()).round() as i32,
        (f64::from(center.1) + radius * angle.sin()).round() as i32,
    )
}

/// An outside label: the slice it names, its side and the y of its text block.
struct PlacedLabel {
    slice: usize,
    mid_angle: f64,
    right: bool,
    y: f64,
}

/// Choose the labelled slices and spread their labels vertically on each side so no two
/// overlap; when a side has more candidates than room, the smallest slices go to the legend only.
fn place_labels(
    center: Px,
    pie: &PieData,
    wedges: &[Wedge],
    legend_shown: bool,
    (top, bottom): (f64, f64),
) -> Vec<PlacedLabel> {
    let cy = f64::from(center.1);
    let capacity = ((bottom - top) / LABEL_PITCH) as usize + 1;
    let min_share = if legend_shown {
        MIN_LABELLED_SHARE
    } else {
        0.0
    };
    let mut sides: [Vec<PlacedLabel>; 2] = [Vec::new(), Vec::new()];
    for (slice, wedge) in wedges.iter().enumerate() {
        if pie.sizes[slice] <= 0.0 || pie.sizes[slice] / pie.total < min_share {
            continue;
        }
        let mid_angle = (wedge.start + wedge.end) / 2.0;
        let right = mid_angle.cos() >= 0.0;
        let y = cy + (RADIUS + 20.0) * mid_angle.sin();
        sides[usize::from(right)].push(PlacedLabel {
            slice,
            mid_angle,
            right,
            y,
        });
    }
    let mut placed = Vec::new();
    for mut side in sides {
        if side.len() > capacity {
            side.sort_by(|a, b| {
                pie.sizes[b.slice]
                    .total_cmp(&pie.sizes[a.slice])
                    .then(a.slice.cmp(&b.slice))
            });
            side.truncate(capacity);
        }
        side.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.slice.cmp(&b.slice)));
        spread(&mut side, top, bottom);
        placed.extend(side);
    }
    placed
}

/// Push labels (sorted by y) apart to at least `LABEL_PITCH`, within `top..=bottom`.
fn spread(labels: &mut [PlacedLabel], top: f64, bottom: f64) {
    let mut prev = f64::NEG_INFINITY;
    for l in labels.iter_mut() {
        l.y = l.y.max(top).max(prev + LABEL_PITCH);
        prev = l.y;
    }
    let mut next = f64::INFINITY;
    for l in labels.iter_mut().rev() {
        l.y = l.y.min(bottom).min(next - LABEL_PITCH);
        next = l.y;
    }
}

fn draw_label(
    area: &Area<'_>,
    center: Px,
    placed: &PlacedLabel,
    pie: &PieData,
    labels: &[String],
) -> Result<(), Error> {
    let y = placed.y.round() as i32;
    let sign = if placed.right { 1 } else { -1 };
    let text_x = center.0 + sign * (RADIUS as i32 + LABEL_GAP);
    let rim = on_circle(center, RADIUS + 1.0, placed.mid_angle);
    let elbow = on_circle(center, RADIUS + 12.0, placed.mid_angle);
    let line_color = RGBColor(0x99, 0x99, 0x99);
    polyline(
        area,
        vec![rim, elbow, (text_x - sign * 4, y)],
        line_color,
        1,
    )?;
    let anchor = if placed.right {
        HPos::Left
    } else {
        HPos::Right
    };
    let size = pie.sizes[placed.slice];
    text(
        area,
        &labels[placed.slice],
        (text_x, y - 7),
        &font(LABEL_PX),
        (anchor, VPos::Center),
    )?;
    let detail = format!("{} ({})", full_number(size), percent(size / pie.total));
    text(
        area,
        &fit(&detail, 11.0, f64::from(LABEL_ROOM - 6)),
        (text_x, y + 8),
        &font(11.0).color(&MUTED_TEXT),
        (anchor, VPos::Center),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wedges_cover_the_circle_clockwise_from_noon() {
        let pie = PieData {
            name: "x".into(),
            sizes: vec![1.0, 3.0],
            total: 4.0,
        };
        let w = wedges(&pie);
        assert!((w[0].start + PI / 2.0).abs() < 1e-12);
        assert!((w[0].end - 0.0).abs() < 1e-12);
        assert!((w[1].end - 3.0 * PI / 2.0).abs() < 1e-12);
    }

    #[test]
    fn labels_never_overlap() {
        let sizes = vec![1.0; 40];
        let pie = PieData {
            name: "x".into(),
            total: 40.0,
            sizes,
        };
        let w = wedges(&pie);
        let placed = place_labels((300, 300), &pie, &w, true, (120.0, 480.0));
        for side in [true, false] {
            let mut ys: Vec<f64> = placed
                .iter()
                .filter(|p| p.right == side)
                .map(|p| p.y)
                .collect();
            ys.sort_by(f64::total_cmp);
            assert!(!ys.is_empty());
            assert!(
                ys.windows(2).all(|p| p[1] - p[0] >= LABEL_PITCH - 1e-9),
                "{ys:?}"
            );
        }
    }

    #[test]
    fn negative_and_zero_sizes_are_errors() {
        let labels = vec!["a".to_string(), "b".to_string()];
        let err = checked_sizes("Bytes", &[Some(1.0), Some(-2.0)], &labels).unwrap_err();
        assert!(
            err.to_string().contains("`b` has a negative size (-2)"),
            "{err}"
        );
        let err = checked_sizes("Bytes", &[Some(0.0), None], &labels).unwrap_err();
        assert!(
            err.to_string().contains("every size in `Bytes` is zero"),
            "{err}"
        );
        assert_eq!(
            checked_sizes("B", &[Some(2.0), None], &labels).unwrap(),
            vec![2.0, 0.0]
        );
    }
}
