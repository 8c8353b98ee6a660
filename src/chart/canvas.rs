//! Drawing primitives over plotters' SVG backend, in pixels: text with an anchor, rectangles,
//! polygons, polylines, the chart title, the legend, and the "no data" chart.

use super::data::chart_error;
use super::style::{
    bold_font, fit, fit_distinct, font, text_width, BLACK_TEXT, LABEL_PX, MUTED_TEXT, TITLE_PX,
};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A pixel position.
pub(crate) type Px = (i32, i32);

pub(crate) fn draw_error(e: DrawingAreaErrorKind<std::io::Error>) -> Error {
    chart_error(format!("drawing failed: {e}"))
}

/// Run `draw` on a white `width` × `height` canvas and return the SVG text.
pub(crate) fn svg(
    (width, height): (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<(), Error>,
) -> Result<String, Error> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        draw(&root)?;
        root.present().map_err(draw_error)?;
    }
    Ok(out)
}

/// Draw `text` at `at`; `anchor` says which point of the text `at` is.
pub(crate) fn text(
    area: &Area<'_>,
    text: &str,
    at: Px,
    style: &TextStyle<'_>,
    anchor: (HPos, VPos),
) -> Result<(), Error> {
    let style = style.clone().pos(Pos::new(anchor.0, anchor.1));
    area.draw(&Text::new(text.to_string(), at, style))
        .map_err(draw_error)
}

pub(crate) fn rect(area: &Area<'_>, from: Px, to: Px, color: RGBColor) -> Result<(), Error> {
    area.draw(&Rectangle::new([from, to], color.filled()))
        .map_err(draw_error)
}

pub(crate) fn polygon(area: &Area<'_>, points: Vec<Px>, color: RGBColor) -> Result<(), Error> {
    area.draw(&Polygon::new(points, color.filled()))
        .map_err(draw_error)
}

pub(crate) fn polyline(
    area: &Area<'_>,
    points: Vec<Px>,
    color: RGBColor,
    width: u32,
) -> Result<(), Error> {
    area.draw(&PathElement::new(points, color.stroke_width(width)))
        .map_err(draw_error)
}

/// A circle outline of `radius` pixels around `center`.
pub(crate) fn ring(
    area: &Area<'_>,
    center: Px,
    radius: u32,
    width: u32,
    color: RGBColor,
) -> Result<(), Error> {
    area.draw(&Circle::new(center, radius, color.stroke_width(width)))
        .map_err(draw_error)
}

/// Height taken by the title row (0 without a title).
pub(crate) fn title_height(title: Option<&str>) -> i32 {
    if title.is_some() {
        40
    } else {
        0
    }
}

/// The chart title, centred at the top of a canvas `width` wide.
pub(crate) fn title(area: &Area<'_>, title: Option<&str>, width: i32) -> Result<(), Error> {
    if let Some(t) = title {
        let shown = fit(t, TITLE_PX, f64::from(width - 20));
        text(
            area,
            &shown,
            (width / 2, 24),
            &bold_font(TITLE_PX),
            (HPos::Center, VPos::Center),
        )?;
    }
    Ok(())
}

/// A small chart that says there is nothing to draw.
pub(crate) fn no_data(title_text: Option<&str>) -> Result<String, Error> {
    let (w, h) = (600, 300);
    svg((w as u32, h as u32), |area| {
        title(area, title_text, w)?;
        text(
            area,
            "no data",
            (w / 2, h / 2),
            &font(16.0).color(&MUTED_TEXT),
            (HPos::Center, VPos::Center),
        )
    })
}

/// One legend row: a colour swatch, a name, and an optional value shown right-aligned.
pub(crate) struct LegendEntry {
    pub name: String,
    pub value: Option<String>,
    pub color: RGBColor,
}

pub(crate) const LEGEND_ROW: i32 = 18;
const LEGEND_HEADING: i32 = 24;

/// Pixel height of a legend with `rows` entries and an optional heading.
pub(crate) fn legend_height(rows: usize, heading: bool) -> i32 {
    i32::from(heading) * LEGEND_HEADING + rows as i32 * LEGEND_ROW
}

/// Draw a legend whose top-left corner is `at`, `width` pixels wide.
pub(crate) fn legend(
    area: &Area<'_>,
    at: Px,
    width: i32,
    heading: Option<&str>,
    entries: &[LegendEntry],
) -> Result<(), Error> {
    let (x, mut y) = at;
    if let Some(h) = heading {
        let shown = fit(h, 13.0, f64::from(width));
        text(
            area,
            &shown,
            (x, y + 8),
            &bold_font(13.0),
            (HPos::Left, VPos::Center),
        )?;
        y += LEGEND_HEADING;
    }
    let label = font(LABEL_PX);
    let value_style = font(LABEL_PX).color(&MUTED_TEXT);
    let rooms: Vec<(&str, f64)> = entries
        .iter()
        .map(|entry| {
            let value_w = entry
                .value
                .as_ref()
                .map_or(0.0, |v| text_width(v, LABEL_PX) + 10.0);
            (
                entry.name.as_str(),
                (f64::from(width - 18) - value_w).max(30.0),
            )
        })
        .collect();
    let names = fit_distinct(&rooms, LABEL_PX);
    for (entry, name) in entries.iter().zip(names) {
        let mid = y + LEGEND_ROW / 2 - 2;
        rect(area, (x, mid - 6), (x + 12, mid + 6), entry.color)?;
        if let Some(value) = &entry.value {
            text(
                area,
                value,
                (x + width, mid),
                &value_style,
                (HPos::Right, VPos::Center),
            )?;
        }
        text(
            area,
            &name,
            (x + 18, mid),
            &label.color(&BLACK_TEXT),
            (HPos::Left, VPos::Center),
        )?;
        y += LEGEND_ROW;
    }
    Ok(())
}
