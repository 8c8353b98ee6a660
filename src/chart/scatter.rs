//! `render scatterchart`: one dot per row and y column, coloured by series.
//!
//! Kusto's rules: x is `xcolumn=`, else the first numeric or datetime column; the other numeric
//! columns are y columns and the string columns split series, as in a line chart.

use super::data::{first_of, roles};
use super::line::{frame, lines};
use super::properties::{ChartSpec, Stacking};
use super::style;
use super::xy::{self, plotted};
use crate::error::Error;
use crate::table::{Table, Type};
use plotters::prelude::*;

const DOT_RADIUS: u32 = 4;

pub fn render(table: &Table, spec: &ChartSpec) -> Result<String, Error> {
    if table.num_rows() == 0 {
        return super::canvas::no_data(spec.title.as_deref());
    }
    let default_x = |t: &Table| {
        first_of(
            t,
            &[
                Type::Int,
                Type::Long,
                Type::Real,
                Type::DateTime,
                Type::TimeSpan,
            ],
        )
    };
    let roles = roles(table, spec, default_x, "scatterchart")?;
    let mut lines = lines(table, &roles, "scatterchart")?;
    let x_ty = table.schema.fields[roles.x].ty;
    if xy::log_x(spec, x_ty) {
        lines.iter_mut().for_each(|l| xy::log_points(&mut l.points));
    }
    let mut frame = frame(table, spec, &roles, &lines, x_ty, Stacking::Unstacked);
    // Dots at the ends of the x range would be cut in half by the plot's edge.
    let pad = (frame.x_range.1 - frame.x_range.0) * 0.04;
    frame.x_range = (frame.x_range.0 - pad, frame.x_range.1 + pad);
    xy::draw(&frame, |chart| {
        for (i, line) in lines.iter().enumerate() {
            let color = style::color(i);
            let dots = line.points.iter().filter_map(|&(x, y)| {
                Some(Circle::new(
                    (x, plotted(y, spec)?),
                    DOT_RADIUS,
                    color.mix(0.8).filled(),
                ))
            });
            chart.draw_series(dots).map_err(super::canvas::draw_error)?;
        }
        Ok(())
    })
}
