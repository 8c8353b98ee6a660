//! `render columnchart` (vertical bars) and `render barchart` (horizontal bars): one bar per
//! category and series, side by side, stacked, or stacked to 100% (`kind=`).
//!
//! Kusto's rules: the x column (`xcolumn=`, else the first string column, else the first column)
//! gives the categories in the order they appear; every numeric column is a series (`ycolumns=`
//! chooses), and other string columns (or `series=`) split series further. Rows of one category
//! and series add up.

use super::canvas::LegendEntry;
use super::data::{chart_error, first_of, label, measure_values, roles, split_series, Series};
use super::properties::{ChartKind, ChartSpec, Scale, Stacking};
use super::style;
use super::xy::{self, plotted, Chart, Frame, XAxis};
use crate::error::Error;
use crate::table::{Table, Type};
use indexmap::IndexSet;
use plotters::prelude::*;

/// Share of a category's slot filled by its bars (the rest is the gap between categories).
const GROUP_WIDTH: f64 = 0.8;

pub fn render(table: &Table, spec: &ChartSpec) -> Result<String, Error> {
    let what = if spec.kind == ChartKind::Bar {
        "barchart"
    } else {
        "columnchart"
    };
    if table.num_rows() == 0 {
        return super::canvas::no_data(spec.title.as_deref());
    }
    let default_x = |t: &Table| first_of(t, &[Type::String]).or(Some(0));
    let roles = roles(table, spec, default_x, what)?;
    let series = split_series(table, &roles)?;
    let x_col = &table.columns[roles.x];
    let row_category: Vec<String> = (0..table.num_rows()).map(|r| label(x_col, r)).collect();
    let categories: IndexSet<&str> = row_category.iter().map(String::as_str).collect();
    let mut values = category_values(table, &series, &row_category, &categories);
    if spec.accumulate {
        for row in &mut values {
            super::data::accumulate(row);
        }
    }
    if spec.yaxis == Scale::Log && spec.stacking != Stacking::Unstacked {
        return Err(chart_error("a stacked chart cannot use yaxis=log")
            .with_help("use kind=unstacked, or a linear y axis"));
    }
    let bars = layout(&values, spec.stacking);
    let range = xy::value_range(
        bars.iter()
            .flat_map(|b| [b.from, b.to])
            .chain(std::iter::once(0.0)),
        spec,
    );
    let range =
        if spec.stacking == Stacking::Stacked100 && spec.ymin.is_none() && spec.ymax.is_none() {
            (range.0.clamp(-100.0, 0.0), 100.0)
        } else {
            range
        };
    let horizontal = spec.kind == ChartKind::Bar;
    let n = categories.len();
    let mut names: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
    if horizontal {
        // The first category goes on top, as people read a list.
        names.reverse();
    }
    let frame = Frame {
        spec,
        x: XAxis::Categories(names),
        x_range: (0.0, n as f64),
        y_range: range,
        y_percent: spec.stacking == Stacking::Stacked100,
        horizontal,
        x_title: spec
            .xtitle
            .clone()
            .or_else(|| Some(table.schema.fields[roles.x].name.clone())),
        y_title: spec.ytitle.clone().or_else(|| {
            (roles.ys.len() == 1).then(|| table.schema.fields[roles.ys[0]].name.clone())
        }),
        legend: series
            .iter()
            .enumerate()
            .map(|(i, s)| LegendEntry {
                name: s.name.clone(),
                value: None,
                color: style::color(i),
            })
            .collect(),
    };
    xy::draw(&frame, |chart| {
        draw_bars(chart, &bars, n, horizontal, spec, range.0)
    })
}

/// `values[series][category]`: the sum of the series' y over the category's rows (0 when none).
fn category_values(
    table: &Table,
    series: &[Series],
    row_category: &[String],
    categories: &IndexSet<&str>,
) -> Vec<Vec<f64>> {
    series
        .iter()
        .map(|s| {
            let ys = measure_values(&table.columns[s.y]).unwrap_or_default();
            let mut sums = vec![0.0; categories.len()];
            for &row in &s.rows {
                if let (Some(v), Some(c)) =
                    (ys[row], categories.get_index_of(row_category[row].as_str()))
                {
                    sums[c] += v;
                }
            }
            sums
        })
        .collect()
}

/// One bar: its series, category, place across the slot and value extent.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    series: usize,
    category: usize,
    /// Offset of the bar within its category slot, and its width, both in slot units.
    offset: f64,
    width: f64,
    from: f64,
    to: f64,
}

fn layout(values: &[Vec<f64>], stacking: Stacking) -> Vec<Bar> {
    let k = values.len().max(1);
    let categories = values.first().map_or(0, Vec::len);
    let pad = (1.0 - GROUP_WIDTH) / 2.0;
    let mut bars = Vec::new();
    for c in 0..categories {
        let total: f64 = values.iter().map(|s| s[c].abs()).sum();
        let (mut up, mut down) = (0.0, 0.0);
        for (s, series) in values.iter().enumerate() {
            let v = series[c];
            let v = if stacking == Stacking::Stacked100 {
                if total > 0.0 {
                    v / total * 100.0
                } else {
                    0.0
                }
            } else {
                v
            };
            let bar = match stacking {
                Stacking::Unstacked => Bar {
                    series: s,
                    category: c,
                    offset: pad + GROUP_WIDTH * s as f64 / k as f64,
                    width: GROUP_WIDTH / k as f64,
                    from: 0.0,
                    to: v,
                },
                Stacking::Stacked | Stacking::Stacked100 => {
                    let base = if v >= 0.0 { &mut up } else { &mut down };
                    let from = *base;
                    *base += v;
                    Bar {
                        series: s,
                        category: c,
                        offset: pad,
                        width: GROUP_WIDTH,
                        from,
                        to: *base,
                    }
                }
            };
            bars.push(bar);
        }
    }
    bars
}

fn draw_bars(
    chart: &mut Chart<'_, '_>,
    bars: &[Bar],
    categories: usize,
    horizontal: bool,
    spec: &ChartSpec,
    floor: f64,
) -> Result<(), Error> {
    let rects = bars.iter().filter_map(|bar| {
        let (from, to) = match spec.yaxis {
            Scale::Linear => (bar.from, bar.to),
            // On a log axis a bar grows from the bottom of the axis.
            Scale::Log => (floor, plotted(bar.to, spec)?),
        };
        if from == to {
            return None;
        }
        let slot = if horizontal {
            (categories - 1 - bar.category) as f64
        } else {
            bar.category as f64
        };
        let (a, b) = (slot + bar.offset, slot + bar.offset + bar.width);
        let corners = if horizontal {
            [(from, a), (to, b)]
        } else {
            [(a, from), (b, to)]
        };
        Some(Rectangle::new(corners, style::color(bar.series).filled()))
    });
    chart
        .draw_series(rects)
        .map_err(super::canvas::draw_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstacked_bars_sit_side_by_side() {
        let bars = layout(&[vec![1.0, 2.0], vec![3.0, 4.0]], Stacking::Unstacked);
        assert_eq!(bars.len(), 4);
        assert!((bars[0].offset - 0.1).abs() < 1e-12 && (bars[0].width - 0.4).abs() < 1e-12);
        assert!((bars[1].offset - 0.5).abs() < 1e-12);
        assert_eq!((bars[1].from, bars[1].to), (0.0, 3.0));
    }

    #[test]
    fn stacked_bars_pile_up_and_negatives_go_down() {
        let bars = layout(&[vec![1.0], vec![-2.0], vec![3.0]], Stacking::Stacked);
        let extents: Vec<(f64, f64)> = bars.iter().map(|b| (b.from, b.to)).collect();
        assert_eq!(extents, [(0.0, 1.0), (0.0, -2.0), (1.0, 4.0)]);
    }

    #[test]
    fn stacked100_sums_to_a_hundred() {
        let bars = layout(&[vec![1.0], vec![3.0]], Stacking::Stacked100);
        assert_eq!((bars[1].from, bars[1].to), (25.0, 100.0));
    }
}
