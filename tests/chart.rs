//! Charts: a golden SVG per kind (`BLESS=1` rewrites them), the structure of each (elements and
//! texts), and the edge cases of pies (one slice, fifty, long, unicode and empty labels, zero
//! rows, all-zero and negative sizes).

mod chart_common;

use chart_common::*;
use kqlite::chart::render_svg;
use kqlite::table::Column;
use kqlite::ErrorKind;
use std::path::PathBuf;

fn golden(name: &str, svg: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/charts")
        .join(format!("{name}.svg"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, svg).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with BLESS=1 to write it",
            path.display()
        )
    });
    assert!(
        expected == svg,
        "{name}.svg differs from the golden file; run with BLESS=1 if the change is intended"
    );
}

fn column_table() -> kqlite::Table {
    table(vec![
        ("FlowStatus", strings(&["Allowed", "Denied", "Unknown"])),
        ("Flows", longs(&[120, 45, 8])),
        ("Bytes", longs(&[90_000, 12_000, 3_000])),
    ])
}

fn time_table() -> kqlite::Table {
    table(vec![
        ("TimeGenerated", hours(&[2, 0, 1, 0, 1, 2, 3])),
        ("FlowStatus", strings(&["A", "A", "A", "D", "D", "D", "D"])),
        ("Flows", longs(&[30, 10, 25, 3, 8, 2, 6])),
    ])
}

#[test]
fn piechart_golden_and_structure() {
    let svg = render(
        &bytes_by_ip(),
        "piechart",
        &[("title", "Bytes by destination")],
    );
    golden("piechart", &svg);
    assert_eq!(count(&svg, "polygon"), 5, "one wedge per slice");
    assert_eq!(
        count(&svg, "polyline"),
        5,
        "one leader line per labelled slice"
    );
    let texts = texts(&svg);
    // title, pie heading, 5 × (name, value) labels, legend heading, 5 × (name, value) rows
    assert_eq!(texts.len(), 1 + 1 + 10 + 1 + 10, "{texts:?}");
    assert_eq!(texts[0], "Bytes by destination");
    assert!(
        texts.contains(&"TotalBytesSrcToDest (total 10,000,000)".to_string()),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"4,000,000 (40.0%)".to_string()),
        "{texts:?}"
    );
    assert!(texts.contains(&"10.12.4.20".to_string()));
    assert!(texts.contains(&"DestIp".to_string()), "legend heading");
    assert!(!svg.contains("NaN"));
}

#[test]
fn piechart_with_ycolumns_draws_one_pie_per_column() {
    let svg = render(
        &bytes_by_ip(),
        "piechart",
        &[("ycolumns", "TotalBytesSrcToDest,TotalBytesDestToSrc")],
    );
    golden("piechart-ycolumns", &svg);
    assert_eq!(count(&svg, "polygon"), 10);
    let texts = texts(&svg);
    assert!(
        texts.contains(&"TotalBytesDestToSrc (total 5,000,000)".to_string()),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"3,000,000 (60.0%)".to_string()),
        "{texts:?}"
    );
}

#[test]
fn columnchart_golden_and_structure() {
    let svg = render(
        &column_table(),
        "columnchart",
        &[("title", "Flows"), ("ycolumns", "Flows")],
    );
    golden("columnchart", &svg);
    // White background, plot background and 3 bars, 1 legend swatch.
    assert_eq!(count(&svg, "rect"), 1 + 3 + 1, "{svg}");
    let texts = texts(&svg);
    for want in ["Flows", "Allowed", "Denied", "Unknown", "FlowStatus"] {
        assert!(texts.contains(&want.to_string()), "{want} in {texts:?}");
    }
}

#[test]
fn columnchart_stacking_kinds() {
    for (kind, name) in [
        ("unstacked", "columnchart-unstacked"),
        ("stacked", "columnchart-stacked"),
        ("stacked100", "columnchart-stacked100"),
    ] {
        let svg = render(
            &column_table(),
            "columnchart",
            &[
                ("kind", kind),
                ("ycolumns", "Flows, Bytes"),
                ("yaxis", "linear"),
            ],
        );
        golden(name, &svg);
        assert_eq!(count(&svg, "rect"), 1 + 6 + 2, "{kind}");
    }
    let svg = render(
        &column_table(),
        "columnchart",
        &[("kind", "stacked100"), ("ycolumns", "Flows,Bytes")],
    );
    assert!(texts(&svg).contains(&"100%".to_string()));
}

#[test]
fn barchart_golden_and_structure() {
    let svg = render(
        &column_table(),
        "barchart",
        &[("xtitle", "Status"), ("ytitle", "Count")],
    );
    golden("barchart", &svg);
    assert_eq!(count(&svg, "rect"), 1 + 6 + 2);
    let texts = texts(&svg);
    assert!(
        texts.contains(&"Status".to_string()) && texts.contains(&"Count".to_string()),
        "{texts:?}"
    );
}

#[test]
fn timechart_golden_and_structure() {
    let svg = render(&time_table(), "timechart", &[("title", "Flows per hour")]);
    golden("timechart", &svg);
    // One line per FlowStatus, sorted by time.
    let lines: Vec<&str> = svg
        .lines()
        .filter(|l| l.contains("<polyline") && l.contains("stroke-width=\"2\""))
        .collect();
    assert_eq!(lines.len(), 2, "{svg}");
    let texts = texts(&svg);
    assert!(texts.contains(&"Flows per hour".to_string()));
    assert!(texts.contains(&"05-09 00:00".to_string()), "{texts:?}");
    assert!(texts.contains(&"A".to_string()) && texts.contains(&"D".to_string()));
}

#[test]
fn timechart_points_are_sorted_by_time() {
    let svg = render(&time_table(), "timechart", &[]);
    let line = svg
        .lines()
        .find(|l| l.contains("<polyline") && l.contains("stroke-width=\"2\""))
        .unwrap();
    let points = line
        .split("points=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let xs: Vec<i32> = points
        .split_whitespace()
        .map(|p| p.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(xs.len(), 3);
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
}

#[test]
fn linechart_and_areachart_goldens() {
    let t = table(vec![
        ("Port", longs(&[22, 80, 443, 3389, 8080])),
        ("Flows", longs(&[5, 40, 90, 3, 12])),
        ("Denied", longs(&[4, 1, 2, 3, 0])),
    ]);
    let svg = render(&t, "linechart", &[("xtitle", "Destination port")]);
    golden("linechart", &svg);
    assert_eq!(
        svg.lines()
            .filter(|l| l.contains("<polyline") && l.contains("stroke-width=\"2\""))
            .count(),
        2
    );
    let svg = render(&time_table(), "areachart", &[("kind", "stacked")]);
    golden("areachart", &svg);
    assert_eq!(count(&svg, "polygon"), 2, "one filled band per series");
    let svg = render(&time_table(), "stackedareachart", &[]);
    assert_eq!(count(&svg, "polygon"), 2);
}

#[test]
fn scatterchart_golden_and_structure() {
    let t = table(vec![
        ("Flows", longs(&[1, 5, 9, 14, 20])),
        ("Bytes", reals(&[100.0, 480.0, 1000.0, 1300.5, 2100.0])),
    ]);
    let svg = render(&t, "scatterchart", &[("title", "Bytes vs flows")]);
    golden("scatterchart", &svg);
    assert_eq!(count(&svg, "circle"), 5);
    assert!(texts(&svg).contains(&"Bytes vs flows".to_string()));
}

#[test]
fn table_and_card_draw_no_chart() {
    for kind in ["table", "card"] {
        assert_eq!(render_svg(&column_table(), &vis(kind, &[])).unwrap(), None);
        assert!(!kqlite::chart::draws_chart(&vis(kind, &[])).unwrap());
    }
    assert!(kqlite::chart::draws_chart(&vis("piechart", &[])).unwrap());
}

#[test]
fn output_is_deterministic() {
    for kind in [
        "piechart",
        "columnchart",
        "barchart",
        "timechart",
        "areachart",
        "scatterchart",
    ] {
        let t = if kind == "timechart" || kind == "areachart" {
            time_table()
        } else {
            bytes_by_ip()
        };
        assert_eq!(render(&t, kind, &[]), render(&t, kind, &[]), "{kind}");
    }
}

#[test]
fn unknown_kind_and_property_name_the_valid_ones() {
    let err = render_svg(&column_table(), &vis("piechrat", &[])).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Chart(_)));
    assert!(
        err.help
            .as_deref()
            .unwrap()
            .contains("piechart, scatterchart"),
        "{err}"
    );
    let err = render_svg(&column_table(), &vis("piechart", &[("colour", "red")])).unwrap_err();
    assert_eq!(
        err.to_string().split(" (").next().unwrap(),
        "cannot draw the chart: unknown render property `colour`"
    );
    assert!(err
        .help
        .as_deref()
        .unwrap()
        .contains("title, xaxis, xcolumn"));
    assert_eq!(err.exit_code(), 2);
}

// ---- pie edge cases ----

fn pie(labels: &[&str], sizes: &[i64]) -> kqlite::Table {
    table(vec![("Name", strings(labels)), ("Size", longs(sizes))])
}

#[test]
fn pie_with_one_slice_is_a_full_disc() {
    let svg = render(&pie(&["only"], &[7]), "piechart", &[]);
    golden("piechart-one-slice", &svg);
    assert_eq!(count(&svg, "polygon"), 1);
    assert!(texts(&svg).contains(&"7 (100.0%)".to_string()));
}

#[test]
fn pie_with_fifty_slices_lists_every_slice_in_the_legend() {
    let names: Vec<String> = (0..50).map(|i| format!("10.12.{}.{}", i / 10, i)).collect();
    let labels: Vec<&str> = names.iter().map(String::as_str).collect();
    let sizes: Vec<i64> = (0..50).map(|i| 1000 - i * 19).collect();
    let svg = render(&pie(&labels, &sizes), "piechart", &[]);
    golden("piechart-50-slices", &svg);
    assert_eq!(count(&svg, "polygon"), 50);
    let texts = texts(&svg);
    for name in &names {
        assert!(texts.contains(name), "{name} is in the legend");
    }
    // 50 legend swatches, each in its slice's colour, all distinct.
    let fills: std::collections::BTreeSet<&str> = svg
        .lines()
        .filter(|l| l.starts_with("<polygon"))
        .map(|l| {
            l.split("fill=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(fills.len(), 50);
    // The bigger slices get outside labels (as many as fit beside the pie without overlapping;
    // the unit tests check the spacing), the rest are named by the legend only.
    let labelled = count(&svg, "polyline");
    assert!((20..50).contains(&labelled), "{labelled}");
}

#[test]
fn pie_long_unicode_and_empty_labels() {
    let long = "a-very-long-resource-name-for-a-virtual-network-interface-card-in-west-europe";
    let svg = render(
        &pie(
            &[long, "東京-サーバー", "", "Zürich <&> \"quoted\""],
            &[5, 3, 2, 1],
        ),
        "piechart",
        &[],
    );
    golden("piechart-labels", &svg);
    let texts = texts(&svg);
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("a-very") && t.contains('…') && t.ends_with("west-europe")),
        "{texts:?}"
    );
    assert!(!texts.contains(&long.to_string()), "long labels are cut");
    assert!(texts.contains(&"東京-サーバー".to_string()));
    assert!(
        texts.contains(&"(empty)".to_string()),
        "empty labels are named"
    );
    assert!(
        texts.contains(&"Zürich &lt;&amp;&gt; &quot;quoted&quot;".to_string()),
        "{texts:?}"
    );
}

#[test]
fn pie_without_rows_says_no_data() {
    let svg = render(&pie(&[], &[]), "piechart", &[("title", "Nothing")]);
    golden("piechart-no-data", &svg);
    assert_eq!(texts(&svg), ["Nothing", "no data"]);
    assert_eq!(count(&svg, "polygon"), 0);
}

#[test]
fn pie_with_all_zero_sizes_is_an_error() {
    let err = render_svg(&pie(&["a", "b"], &[0, 0]), &vis("piechart", &[])).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Chart("every size in `Size` is zero, so there is no share to draw".into())
    );
}

#[test]
fn pie_with_a_negative_size_is_an_error() {
    let err = render_svg(&pie(&["a", "b"], &[5, -1]), &vis("piechart", &[])).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Chart("pie slice `b` has a negative size (-1) in `Size`".into())
    );
    assert!(err.help.is_some());
}

#[test]
fn pie_null_sizes_count_as_zero() {
    let t = table(vec![
        ("Name", strings(&["a", "b", "c"])),
        ("Size", Column::Long(vec![Some(3), None, Some(1)])),
    ]);
    let svg = render(&t, "piechart", &[]);
    assert_eq!(count(&svg, "polygon"), 2);
    assert!(texts(&svg).contains(&"3 (75.0%)".to_string()));
}

#[test]
fn pie_without_a_numeric_column_is_an_error() {
    let t = table(vec![("Name", strings(&["a"])), ("Other", strings(&["b"]))]);
    let err = render_svg(&t, &vis("piechart", &[])).unwrap_err();
    assert!(err.to_string().contains("numeric"), "{err}");
    let err = render_svg(&bytes_by_ip(), &vis("piechart", &[("ycolumns", "DestIp")])).unwrap_err();
    assert!(err.to_string().contains("`DestIp` is string"), "{err}");
}

#[test]
fn legend_hidden_drops_the_legend() {
    let svg = render(&bytes_by_ip(), "piechart", &[("legend", "hidden")]);
    assert!(!texts(&svg).contains(&"DestIp".to_string()));
    let svg = render(
        &column_table(),
        "columnchart",
        &[("legend", "hidden"), ("ycolumns", "Flows")],
    );
    assert_eq!(count(&svg, "rect"), 1 + 3);
}

#[test]
fn cartesian_charts_without_rows_say_no_data() {
    let empty = table(vec![("T", hours(&[])), ("N", longs(&[]))]);
    for kind in [
        "timechart",
        "columnchart",
        "barchart",
        "linechart",
        "areachart",
        "scatterchart",
    ] {
        let svg = render(&empty, kind, &[]);
        assert!(texts(&svg).contains(&"no data".to_string()), "{kind}");
    }
}

#[test]
fn timechart_needs_a_datetime_column() {
    let err = render_svg(&column_table(), &vis("timechart", &[])).unwrap_err();
    assert!(
        err.to_string()
            .contains("timechart needs a datetime column"),
        "{err}"
    );
}

#[test]
fn too_many_series_is_an_error() {
    let names: Vec<String> = (0..60).map(|i| format!("s{i}")).collect();
    let labels: Vec<&str> = names.iter().map(String::as_str).collect();
    let t = table(vec![
        ("T", hours(&[0; 60])),
        ("S", strings(&labels)),
        ("N", longs(&[1; 60])),
    ]);
    let err = render_svg(&t, &vis("timechart", &[])).unwrap_err();
    assert!(err.to_string().contains("60 series"), "{err}");
}

#[test]
fn ymin_ymax_accumulate_and_log_axis() {
    let t = table(vec![("T", hours(&[0, 1, 2])), ("N", longs(&[1, 10, 1000]))]);
    let svg = render(
        &t,
        "timechart",
        &[("ymin", "0"), ("ymax", "5000"), ("accumulate", "true")],
    );
    assert!(
        texts(&svg).contains(&"5000".to_string()),
        "{:?}",
        texts(&svg)
    );
    let svg = render(&t, "linechart", &[("yaxis", "log")]);
    assert!(
        texts(&svg).contains(&"1000".to_string()),
        "{:?}",
        texts(&svg)
    );
    let err = render_svg(
        &t,
        &vis("areachart", &[("yaxis", "log"), ("kind", "stacked")]),
    )
    .unwrap_err();
    assert!(err.to_string().contains("log"));
}

#[test]
fn time_axis_over_centuries_keeps_few_ticks() {
    let t = table(vec![
        (
            "T",
            Column::DateTime(vec![Some(0), Some(300 * 365 * 86_400 * 10_000_000)]),
        ),
        ("N", longs(&[1, 2])),
    ]);
    let svg = render(&t, "timechart", &[]);
    let dates = texts(&svg)
        .iter()
        .filter(|t| t.len() == 10 && t.as_bytes()[4] == b'-')
        .count();
    assert!((2..=9).contains(&dates), "{dates}");
}

/// `xaxis=log`: numbers a decade apart sit equally far apart, the decades are labelled, and the
/// points a log axis cannot show (zero, negative) are left out.
#[test]
fn log_x_axis_spaces_decades_evenly() {
    let t = table(vec![
        ("X", longs(&[1, 10, 100, 1000, 0, -5])),
        ("N", longs(&[1, 2, 3, 4, 5, 6])),
    ]);
    let cx = |svg: &str| -> Vec<f64> {
        svg.split("<circle")
            .skip(1)
            .filter_map(|c| c.split("cx=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect()
    };
    let linear = render(&t, "scatterchart", &[]);
    assert_eq!(cx(&linear).len(), 6);
    let log = render(&t, "scatterchart", &[("xaxis", "log")]);
    let mut xs = cx(&log);
    assert_eq!(xs.len(), 4, "zero and -5 have no place on a log axis");
    xs.sort_by(f64::total_cmp);
    let gaps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|g| (g - gaps[0]).abs() <= 1.0), "{xs:?}");
    let labels = texts(&log);
    for decade in ["1", "10", "100", "1000"] {
        assert!(labels.contains(&decade.to_string()), "{labels:?}");
    }
    // A line chart takes the same axis; a time axis stays linear.
    let line = render(&t, "linechart", &[("xaxis", "log")]);
    assert!(texts(&line).contains(&"1000".to_string()));
    let times = table(vec![("T", hours(&[0, 1, 2])), ("N", longs(&[1, 2, 3]))]);
    assert_eq!(
        render(&times, "timechart", &[("xaxis", "log")]),
        render(&times, "timechart", &[])
    );
}
