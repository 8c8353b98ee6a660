//! A chart's SVG as PNG, rasterised with resvg. The text is set in DejaVu Sans, which the binary
//! carries (`assets/fonts`, Bitstream Vera licence), never in a font of the machine: the same
//! query gives the same PNG bytes everywhere.

use super::data::chart_error;
use crate::error::Error;
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// Pixels per SVG unit: twice the SVG's size, sharp enough to paste into a ticket.
pub const SCALE: f32 = 2.0;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The font database, built once: DejaVu Sans (regular and bold) as every generic family.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(REGULAR.to_vec());
            db.load_font_data(BOLD.to_vec());
            for set in [
                usvg::fontdb::Database::set_sans_serif_family,
                usvg::fontdb::Database::set_serif_family,
                usvg::fontdb::Database::set_monospace_family,
            ] {
                set(&mut db, "DejaVu Sans");
            }
            Arc::new(db)
        })
        .clone()
}

/// Rasterise `svg` at [`SCALE`] on a white background.
pub fn rasterise(svg: &str) -> Result<tiny_skia::Pixmap, Error> {
    let options = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options)
        .map_err(|e| chart_error(format!("the chart's SVG cannot be rasterised: {e}")))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| chart_error("the chart is too large to rasterise"))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| chart_error("the chart is too large to rasterise"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

/// `svg` as PNG file bytes.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, Error> {
    rasterise(svg)?
        .encode_png()
        .map_err(|e| chart_error(format!("cannot encode the chart as PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_with_the_carried_font() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">
            <text x="2" y="15" font-family="sans-serif" font-size="14">Wg</text></svg>"#;
        let pixmap = rasterise(svg).unwrap();
        assert_eq!((pixmap.width(), pixmap.height()), (120, 40));
        let dark = pixmap.pixels().iter().filter(|p| p.red() < 128).count();
        assert!(dark > 50, "the text left {dark} dark pixels");
        let png = svg_to_png(svg).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert_eq!(svg_to_png(svg).unwrap(), png, "the same bytes every time");
    }
}
