//! `--chart FILE` end to end: the extension picks SVG or PNG (and any other is an error naming
//! both), the PNG holds exactly the pixels of the SVG rasterised with the font the binary
//! carries, and the side notes and errors of issue 15 (the pie's left-out columns, the line chart
//! over a category column, labels that would be cut alike).

mod common;

use common::{repo_root, run_kqlite, Outcome};
use resvg::tiny_skia::Pixmap;
use std::path::PathBuf;
use std::time::Duration;

const NOW: &str = "2024-05-10T00:00:00Z";
const SERIES: &str = "NTANetAnalytics | make-series Flows=count() default=0 on FlowStartTime \
                      step 1h by FlowStatus | render timechart";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kqlite-chart-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn query(query: &str, chart: &str) -> Outcome {
    run_kqlite(
        &[
            "query",
            "--logs",
            "examples/logs",
            "--now",
            NOW,
            query,
            "--chart",
            chart,
        ],
        &repo_root(),
        "",
        Duration::from_secs(60),
    )
}

#[test]
fn png_pixels_are_the_svgs_render() {
    let (svg_path, png_path) = (scratch("series.svg"), scratch("series.png"));
    for path in [&svg_path, &png_path] {
        let out = query(SERIES, path.to_str().unwrap());
        assert_eq!(out.code, Some(0), "{}", out.stderr);
    }
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg"), "the .svg file holds SVG");
    let png = std::fs::read(&png_path).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "the .png file holds PNG");
    let decoded = Pixmap::decode_png(&png).unwrap();
    let expected = kqlite::chart::png::rasterise(&svg).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (expected.width(), expected.height())
    );
    assert!(
        decoded.data() == expected.data(),
        "the PNG's pixels differ from the SVG's render"
    );
    // Both series are drawn: the first two palette colours (Allowed, Denied) cover pixels.
    let has = |rgb: (u8, u8, u8)| {
        decoded
            .pixels()
            .iter()
            .any(|p| (p.red(), p.green(), p.blue()) == rgb)
    };
    assert!(has((0x31, 0x6F, 0xC4)) && has((0xF2, 0x8E, 0x1C)));
    // Text is drawn too: the near-black of labels is there.
    assert!(has((0x22, 0x22, 0x22)));
}

#[test]
fn other_extensions_are_an_error_naming_svg_and_png() {
    let out = query(SERIES, scratch("series.jpg").to_str().unwrap());
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains(".svg") && out.stderr.contains(".png"),
        "{}",
        out.stderr
    );
    assert!(!scratch("series.jpg").exists());
}

#[test]
fn a_pie_says_which_numeric_columns_it_left_out() {
    let out = query(
        "NTANetAnalytics | summarize Bytes=sum(BytesSrcToDest), Flows=count() by FlowStatus \
         | render piechart",
        "-",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let notes: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(
        notes[0].contains("`Bytes`")
            && notes[0].contains("left out `Flows`")
            && notes[0].contains("ycolumns=Flows"),
        "{}",
        notes[0]
    );
    let chosen = query(
        "NTANetAnalytics | summarize Bytes=sum(BytesSrcToDest), Flows=count() by FlowStatus \
         | render piechart with (ycolumns=Flows)",
        "-",
    );
    assert_eq!(chosen.stderr, "", "no note once the column is chosen");
}

#[test]
fn a_line_over_a_category_names_the_category_column() {
    let out = query(
        "NTANetAnalytics | summarize Flows=count() by FlowStatus | render linechart",
        "-",
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("x column `FlowStatus` is string"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("needs a numeric"), "{}", out.stderr);
    assert!(out.stderr.contains("columnchart"), "{}", out.stderr);
}

#[test]
fn long_ids_that_share_a_prefix_keep_their_tails() {
    let out = query(
        "NTANetAnalytics | summarize Bytes=sum(BytesSrcToDest) by TargetResourceId | render piechart",
        "-",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // plotters writes a text's content on a line of its own.
    let texts: Vec<&str> = out
        .stdout
        .lines()
        .filter(|t| t.starts_with("6a1f0c"))
        .collect();
    assert_eq!(
        texts.len(),
        4,
        "two slice labels and two legend entries: {texts:?}"
    );
    assert!(texts.iter().any(|t| t.ends_with("vnet-hub")), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.ends_with("vnet-spoke-app")),
        "{texts:?}"
    );
}
