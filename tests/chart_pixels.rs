//! Charts as a person sees them: the pie SVG is rasterised with resvg and each slice's colour
//! must cover a share of the disc proportional to its value (within 2%). With
//! `KQLITE_CHART_PNG=DIR` set, every sample chart is also written there as a PNG to look at.

mod chart_common;

use chart_common::*;
use resvg::{tiny_skia, usvg};

const SCALE: f32 = 3.0;

fn rasterise(svg: &str, with_text: bool) -> tiny_skia::Pixmap {
    let mut options = usvg::Options::default();
    if with_text {
        let fonts = options.fontdb_mut();
        fonts.load_system_fonts();
        // The charts ask for the generic `sans-serif`; map it to a font every Debian has.
        fonts.set_sans_serif_family("DejaVu Sans");
    }
    let tree = usvg::Tree::from_str(svg, &options).expect("the SVG parses");
    let size = tree.size().to_int_size().scale_by(SCALE).expect("a size");
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).expect("a pixmap");
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
}

type Rgb = (u8, u8, u8);

/// The wedges of the SVG: each polygon's fill colour and points.
fn wedges(svg: &str) -> Vec<(Rgb, Vec<(f64, f64)>)> {
    svg.lines()
        .filter(|l| l.starts_with("<polygon"))
        .map(|l| {
            let fill = l.split("fill=\"#").nth(1).unwrap();
            let hex = |i: usize| u8::from_str_radix(&fill[i..i + 2], 16).unwrap();
            let points = l
                .split("points=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let points = points
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            ((hex(0), hex(2), hex(4)), points)
        })
        .collect()
}

/// Share of the disc each slice colour covers: every pixel inside the disc counts for the
/// slice colour nearest to it (so anti-aliased edges split between their neighbours).
fn measured_shares(svg: &str) -> Vec<f64> {
    let wedges = wedges(svg);
    let all: Vec<(f64, f64)> = wedges.iter().flat_map(|w| w.1.iter().copied()).collect();
    let (min_x, max_x) = all
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (min_y, max_y) = all
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (cx, cy) = (
        (min_x + max_x) / 2.0 * SCALE as f64,
        (min_y + max_y) / 2.0 * SCALE as f64,
    );
    // The wedges reach a pixel past the visible rim (a white ring trims them); stay inside it.
    let r = ((max_x - min_x) / 2.0 - 1.5) * SCALE as f64;
    let pixmap = rasterise(svg, false);
    let mut counts = vec![0usize; wedges.len()];
    for y in 0..pixmap.height() {
        for x in 0..pixmap.width() {
            let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
            if dx * dx + dy * dy > r * r {
                continue;
            }
            let p = pixmap.pixel(x, y).unwrap().demultiply();
            let nearest = wedges
                .iter()
                .enumerate()
                .min_by_key(|(_, w)| {
                    let c = w.0;
                    (i32::from(c.0) - i32::from(p.red())).pow(2)
                        + (i32::from(c.1) - i32::from(p.green())).pow(2)
                        + (i32::from(c.2) - i32::from(p.blue())).pow(2)
                })
                .unwrap()
                .0;
            counts[nearest] += 1;
        }
    }
    let total: usize = counts.iter().sum();
    counts.iter().map(|&c| c as f64 / total as f64).collect()
}

fn assert_shares(sizes: &[i64]) {
    let labels: Vec<String> = (0..sizes.len()).map(|i| format!("slice {i}")).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let t = table(vec![("Name", strings(&labels)), ("Size", longs(sizes))]);
    let svg = render(&t, "piechart", &[("title", "Shares")]);
    let total: i64 = sizes.iter().sum();
    let shares = measured_shares(&svg);
    assert_eq!(shares.len(), sizes.len());
    for (i, (&size, measured)) in sizes.iter().zip(&shares).enumerate() {
        let expected = size as f64 / total as f64;
        let error = (measured - expected).abs() / expected;
        assert!(
            error <= 0.02,
            "slice {i}: expected {expected:.4} of the disc, measured {measured:.4} ({:.2}% off)",
            error * 100.0
        );
    }
}

#[test]
fn pie_slices_cover_areas_proportional_to_their_values() {
    assert_shares(&[40, 25, 15, 12, 8]);
}

#[test]
fn pie_areas_hold_for_the_flow_log_sample_and_uneven_sizes() {
    assert_shares(&[4_000_000, 2_500_000, 1_500_000, 1_200_000, 800_000]);
    assert_shares(&[70, 20, 10]);
    assert_shares(&[1, 1]);
}

#[test]
fn write_previews_when_asked() {
    let Some(dir) = std::env::var_os("KQLITE_CHART_PNG") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let names: Vec<String> = (0..50).map(|i| format!("10.12.{}.{}", i / 10, i)).collect();
    let labels: Vec<&str> = names.iter().map(String::as_str).collect();
    let sizes: Vec<i64> = (0..50).map(|i| 1000 - i * 19).collect();
    let time = table(vec![
        ("TimeGenerated", hours(&[0, 1, 2, 3, 0, 1, 2, 3])),
        (
            "FlowStatus",
            strings(&[
                "Allowed", "Allowed", "Allowed", "Allowed", "Denied", "Denied", "Denied", "Denied",
            ]),
        ),
        ("Flows", longs(&[10, 25, 30, 22, 3, 8, 2, 6])),
    ]);
    let status = table(vec![
        ("FlowStatus", strings(&["Allowed", "Denied", "Unknown"])),
        ("Flows", longs(&[120, 45, 8])),
        ("Bytes", longs(&[90, 12, 30])),
    ]);
    let many: Vec<String> = (0..30)
        .map(|i| format!("vm-{i:02}-westeurope-spoke"))
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let many = table(vec![
        ("Vm", strings(&many)),
        (
            "Flows",
            longs(&(0..30).map(|i| 100 + i * 37 % 200).collect::<Vec<_>>()),
        ),
    ]);
    let charts = [
        ("columnchart-many", render(&many, "columnchart", &[])),
        (
            "barchart-many",
            render(&many, "barchart", &[("title", "Flows per VM")]),
        ),
        (
            "pie",
            render(
                &bytes_by_ip(),
                "piechart",
                &[("title", "Bytes to spoke VMs through the ER gateway")],
            ),
        ),
        (
            "pie-two",
            render(
                &bytes_by_ip(),
                "piechart",
                &[("ycolumns", "TotalBytesSrcToDest,TotalBytesDestToSrc")],
            ),
        ),
        (
            "pie-50",
            render(
                &table(vec![("DestIp", strings(&labels)), ("Bytes", longs(&sizes))]),
                "piechart",
                &[],
            ),
        ),
        (
            "pie-labels",
            render(
                &table(vec![
                    (
                        "Name",
                        strings(&[
                            "a-very-long-resource-name-for-a-virtual-network-interface-card",
                            "東京-サーバー",
                            "",
                            "Zürich",
                        ]),
                    ),
                    ("Size", longs(&[5, 3, 2, 1])),
                ]),
                "piechart",
                &[],
            ),
        ),
        (
            "timechart",
            render(&time, "timechart", &[("title", "Flows per hour")]),
        ),
        (
            "areachart",
            render(&time, "areachart", &[("kind", "stacked")]),
        ),
        (
            "columnchart",
            render(&status, "columnchart", &[("title", "Flows and bytes")]),
        ),
        (
            "barchart",
            render(&status, "barchart", &[("kind", "stacked")]),
        ),
        (
            "scatterchart",
            render(
                &table(vec![
                    ("Flows", longs(&[1, 5, 9, 14, 20])),
                    ("Bytes", longs(&[100, 480, 1000, 1300, 2100])),
                ]),
                "scatterchart",
                &[],
            ),
        ),
    ];
    for (name, svg) in charts {
        std::fs::write(dir.join(format!("{name}.svg")), &svg).unwrap();
        rasterise(&svg, true)
            .save_png(dir.join(format!("{name}.png")))
            .unwrap();
    }
}
