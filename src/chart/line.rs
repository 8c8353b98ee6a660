//! `render timechart`, `linechart` and `areachart` (`stackedareachart`): one line (or filled
//! area) per series over a continuous x axis, points sorted by x. `render anomalychart` is a
//! time chart that also marks the points its `anomalycolumns=` flag (non-zero).
//!
//! Kusto's rules: x is `xcolumn=`, else the first datetime column (a timechart needs one), else
//! for line and area charts the first numeric or timespan column; every other numeric column is
//! a y column (`ycolumns=` chooses) and the string columns (or `series=`) split series.

use super::canvas::LegendEntry;
use super::data::{
    accumulate, axis_values, chart_error, first_of, measure_values, roles, split_series, Roles,
};
use super::properties::{ChartKind, ChartSpec, Scale, Stacking};
use super::style;
use super::xy::{self, plotted, Chart, Frame, XAxis};
use crate::error::Error;
use crate::table::{Table, Type, TICKS_PER_SECOND};
use plotters::prelude::*;
use plotters::style::RGBColor;

/// A named series' points, sorted by x, nulls left out.
pub(crate) struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

pub fn render(table: &Table, spec: &ChartSpec) -> Result<String, Error> {
    let what = match spec.kind {
        ChartKind::Time => "timechart",
        ChartKind::Area => "areachart",
        ChartKind::Anomaly => "anomalychart",
        _ => "linechart",
    };
    if table.num_rows() == 0 {
        return super::canvas::no_data(spec.title.as_deref());
    }
    let time_only = matches!(spec.kind, ChartKind::Time | ChartKind::Anomaly);
    let default_x = |t: &Table| {
        first_of(t, &[Type::DateTime]).or_else(|| {
            (!time_only)
                .then(|| first_of(t, &[Type::TimeSpan, Type::Int, Type::Long, Type::Real]))
                .flatten()
        })
    };
    if spec.xcolumn.is_none() && !time_only {
        check_category_x(table, what)?;
    }
    let mut roles = roles(table, spec, default_x, what)?;
    let flags = anomaly_columns(table, spec)?;
    if spec.ycolumns.is_empty() {
        roles.ys.retain(|y| !flags.contains(y));
    }
    if roles.ys.is_empty() {
        return Err(chart_error(format!(
            "{what} needs a numeric column to draw besides its anomaly columns"
        )));
    }
    let marks = anomaly_marks(table, &roles, &flags)?;
    let mut lines = lines(table, &roles, what)?;
    if spec.accumulate {
        for line in &mut lines {
            let mut ys: Vec<f64> = line.points.iter().map(|p| p.1).collect();
            accumulate(&mut ys);
            for (p, y) in line.points.iter_mut().zip(ys) {
                p.1 = y;
            }
        }
    }
    let stacking = if spec.kind == ChartKind::Area {
        spec.stacking
    } else {
        Stacking::Unstacked
    };
    if stacking != Stacking::Unstacked {
        if spec.yaxis == Scale::Log {
            return Err(chart_error("a stacked chart cannot use yaxis=log"));
        }
        lines = stack(&lines, stacking);
    }
    let x_ty = table.schema.fields[roles.x].ty;
    if xy::log_x(spec, x_ty) {
        lines.iter_mut().for_each(|l| xy::log_points(&mut l.points));
    }
    let mut frame = frame(table, spec, &roles, &lines, x_ty, stacking);
    if !flags.is_empty() {
        frame.legend.push(LegendEntry {
            name: "anomalies".into(),
            value: None,
            color: ANOMALY,
        });
    }
    let area = spec.kind == ChartKind::Area;
    xy::draw(&frame, |chart| {
        draw_lines(chart, &lines, spec, area, frame.y_range.0)?;
        draw_marks(chart, &marks, spec)
    })
}

/// The colour of anomaly marks: a dark red none of the first series use.
const ANOMALY: RGBColor = RGBColor(0xB0, 0x00, 0x20);

/// A line or area chart draws against a datetime or numeric x axis. When the result has only a
/// category (string) column and one number, the number cannot be both the axis and the values:
/// say that the category column is the problem, not the number.
fn check_category_x(table: &Table, what: &str) -> Result<(), Error> {
    let fields = &table.schema.fields;
    let axis_like = |ty: Type| {
        matches!(
            ty,
            Type::DateTime | Type::TimeSpan | Type::Int | Type::Long | Type::Real
        )
    };
    let numbers = fields.iter().filter(|f| axis_like(f.ty)).count();
    let category = fields.iter().find(|f| !axis_like(f.ty));
    match category {
        Some(c) if numbers < 2 && fields.iter().all(|f| f.ty != Type::DateTime) => {
            Err(chart_error(format!(
                "{what} needs a datetime or numeric x axis, and the result's x column `{}` is {}",
                c.name, c.ty
            ))
            .with_help(
                "for one value per category use columnchart or barchart; for a line over time \
                 group by a time bin, e.g. `by bin(TimeGenerated, 1h)`",
            ))
        }
        _ => Ok(()),
    }
}

/// The `anomalycolumns=` columns, checked to exist and be numeric.
fn anomaly_columns(table: &Table, spec: &ChartSpec) -> Result<Vec<usize>, Error> {
    spec.anomalycolumns
        .iter()
        .map(|name| {
            let i = super::data::column_index(table, name, "anomaly")?;
            let ty = table.schema.fields[i].ty;
            if !ty.is_numeric() {
                return Err(chart_error(format!(
                    "anomaly column `{name}` is {ty}; anomalycolumns= names numeric columns \
                     (such as series_decompose_anomalies' flags: 1, -1 or 0)"
                )));
            }
            Ok(i)
        })
        .collect()
}

/// The points to mark: on each series of the first value column, every row where one of the
/// anomaly columns is non-zero.
fn anomaly_marks(table: &Table, roles: &Roles, flags: &[usize]) -> Result<Vec<(f64, f64)>, Error> {
    if flags.is_empty() {
        return Ok(Vec::new());
    }
    let xs = axis_values(&table.columns[roles.x]).unwrap_or_default();
    let flag_values: Vec<Vec<Option<f64>>> = flags
        .iter()
        .map(|&f| measure_values(&table.columns[f]).unwrap_or_default())
        .collect();
    let first = Roles {
        ys: vec![roles.ys[0]],
        ..roles.clone()
    };
    let mut marks = Vec::new();
    for series in split_series(table, &first)? {
        let ys = measure_values(&table.columns[series.y]).unwrap_or_default();
        for &row in &series.rows {
            let flagged = flag_values
                .iter()
                .any(|f| f.get(row).copied().flatten().is_some_and(|v| v != 0.0));
            if let (true, Some(Some(x)), Some(Some(y))) = (flagged, xs.get(row), ys.get(row)) {
                marks.push((*x, *y));
            }
        }
    }
    Ok(marks)
}

fn draw_marks(
    chart: &mut Chart<'_, '_>,
    marks: &[(f64, f64)],
    spec: &ChartSpec,
) -> Result<(), Error> {
    let dots = marks.iter().filter_map(|&(x, y)| {
        let at = (x, plotted(y, spec)?);
        Some(
            EmptyElement::at(at)
                + Circle::new((0, 0), 6, ANOMALY.filled())
                + Circle::new((0, 0), 6, WHITE.stroke_width(1)),
        )
    });
    chart.draw_series(dots).map_err(super::canvas::draw_error)?;
    Ok(())
}

/// The series as sorted point lists; an error when the x column cannot be an axis.
pub(crate) fn lines(table: &Table, roles: &Roles, what: &str) -> Result<Vec<Line>, Error> {
    let x_field = &table.schema.fields[roles.x];
    let xs = axis_values(&table.columns[roles.x]).ok_or_else(|| {
        chart_error(format!(
            "{what} needs a datetime or numeric x axis, and `{}` is {}",
            x_field.name, x_field.ty
        ))
        .with_help("use columnchart for categories, or choose the x axis with `xcolumn=`")
    })?;
    let series = split_series(table, roles)?;
    Ok(series
        .into_iter()
        .map(|s| {
            let ys = measure_values(&table.columns[s.y]).unwrap_or_default();
            let mut points: Vec<(f64, f64)> = s
                .rows
                .iter()
                .filter_map(|&r| Some((xs[r]?, ys[r]?)))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            Line {
                name: s.name,
                points,
            }
        })
        .collect())
}

/// Stack the series on the union of their x values (a missing point counts as zero), scaled to
/// 100% per x for `stacked100`.
fn stack(lines: &[Line], stacking: Stacking) -> Vec<Line> {
    let mut xs: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let value_at =
        |line: &Line, x: f64| -> f64 { line.points.iter().filter(|p| p.0 == x).map(|p| p.1).sum() };
    let totals: Vec<f64> = xs
        .iter()
        .map(|&x| lines.iter().map(|l| value_at(l, x).abs()).sum())
        .collect();
    let mut running = vec![0.0; xs.len()];
    lines
        .iter()
        .map(|line| {
            let points = xs
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    let mut v = value_at(line, x);
                    if stacking == Stacking::Stacked100 {
                        v = if totals[i] > 0.0 {
                            v / totals[i] * 100.0
                        } else {
                            0.0
                        };
                    }
                    running[i] += v;
                    (x, running[i])
                })
                .collect();
            Line {
                name: line.name.clone(),
                points,
            }
        })
        .collect()
}

/// The shared frame of line, area and scatter charts.
pub(crate) fn frame<'s>(
    table: &Table,
    spec: &'s ChartSpec,
    roles: &Roles,
    lines: &[Line],
    x_ty: Type,
    stacking: Stacking,
) -> Frame<'s> {
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let (mut lo, mut hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let log_x = xy::log_x(spec, x_ty);
    if log_x {
        // Whole decades, as the value axis does.
        (lo, hi) = (lo.floor(), hi.ceil());
    }
    if hi <= lo {
        let pad = if x_ty == Type::DateTime {
            3600.0 * TICKS_PER_SECOND as f64
        } else {
            1.0
        };
        (lo, hi) = (lo - pad, hi + pad);
    }
    let ys = lines
        .iter()
        .flat_map(|l| l.points.iter().filter_map(|p| plotted(p.1, spec)));
    let y_range = match spec.yaxis {
        // `value_range` takes raw values for a log axis.
        Scale::Log => xy::value_range(
            lines
                .iter()
                .flat_map(|l| l.points.iter().map(|p| p.1))
                .filter(|v| *v > 0.0),
            spec,
        ),
        Scale::Linear => xy::value_range(ys, spec),
    };
    let y_range = if stacking == Stacking::Stacked100 && spec.ymax.is_none() {
        (y_range.0, 100.0)
    } else {
        y_range
    };
    Frame {
        spec,
        x: match x_ty {
            _ if log_x => XAxis::LogNumber,
            Type::DateTime => XAxis::Time,
            Type::TimeSpan => XAxis::Number { timespan: true },
            _ => XAxis::Number { timespan: false },
        },
        x_range: (lo, hi),
        y_range,
        y_percent: stacking == Stacking::Stacked100,
        horizontal: false,
        x_title: spec
            .xtitle
            .clone()
            .or_else(|| Some(table.schema.fields[roles.x].name.clone())),
        y_title: spec.ytitle.clone().or_else(|| {
            (roles.ys.len() == 1).then(|| table.schema.fields[roles.ys[0]].name.clone())
        }),
        legend: lines
            .iter()
            .enumerate()
            .map(|(i, l)| LegendEntry {
                name: l.name.clone(),
                value: None,
                color: style::color(i),
            })
            .collect(),
    }
}

fn draw_lines(
    chart: &mut Chart<'_, '_>,
    lines: &[Line],
    spec: &ChartSpec,
    area: bool,
    floor: f64,
) -> Result<(), Error> {
    let err = super::canvas::draw_error;
    // Areas first, lines on top, so no fill hides a line. Stacked areas are drawn top series
    // first so each lower band shows in front.
    if area {
        for (i, line) in lines.iter().enumerate().rev() {
            let pts: Vec<(f64, f64)> = line
                .points
                .iter()
                .filter_map(|p| Some((p.0, plotted(p.1, spec)?)))
                .collect();
            if pts.len() < 2 {
                continue;
            }
            let baseline = floor.max(0.0).min(xy_top(chart));
            let mut polygon = Vec::with_capacity(pts.len() + 2);
            polygon.push((pts[0].0, baseline));
            polygon.extend(pts.iter().copied());
            polygon.push((pts[pts.len() - 1].0, baseline));
            let fill = if spec.stacking == Stacking::Unstacked {
                0.35
            } else {
                0.85
            };
            chart
                .draw_series(std::iter::once(Polygon::new(
                    polygon,
                    style::color(i).mix(fill).filled(),
                )))
                .map_err(err)?;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let pts: Vec<(f64, f64)> = line
            .points
            .iter()
            .filter_map(|p| Some((p.0, plotted(p.1, spec)?)))
            .collect();
        let color = style::color(i);
        if pts.len() == 1 {
            chart
                .draw_series(std::iter::once(Circle::new(pts[0], 3, color.filled())))
                .map_err(err)?;
        } else if pts.len() > 1 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    pts,
                    color.stroke_width(2),
                )))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The top of the value axis.
fn xy_top(chart: &Chart<'_, '_>) -> f64 {
    chart.y_range().end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacking_adds_up_over_the_union_of_x() {
        let lines = vec![
            Line {
                name: "a".into(),
                points: vec![(1.0, 1.0), (2.0, 2.0)],
            },
            Line {
                name: "b".into(),
                points: vec![(2.0, 3.0)],
            },
        ];
        let stacked = stack(&lines, Stacking::Stacked);
        assert_eq!(stacked[1].points, vec![(1.0, 1.0), (2.0, 5.0)]);
        let full = stack(&lines, Stacking::Stacked100);
        assert_eq!(full[0].points, vec![(1.0, 100.0), (2.0, 40.0)]);
        assert_eq!(full[1].points, vec![(1.0, 100.0), (2.0, 100.0)]);
    }
}
