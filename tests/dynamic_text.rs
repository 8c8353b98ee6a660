//! How dynamic values print, end to end: a dynamic real alone as a real (Kusto's `parse_json`
//! example gives `118` for `118.0`), datetimes inside arrays with seven fraction digits (as the
//! `make-series` examples show the axis).

use kqlite::catalog::Catalog;
use kqlite::format::value_text;
use kqlite::Options;

/// The first row of the result, as canonical text.
fn first_row(query: &str) -> Vec<String> {
    let result = kqlite::run(query, &Catalog::empty(), &Options::default())
        .unwrap_or_else(|e| panic!("{query}: {}", e.render(query, "query")));
    let row = result.table.rows().next().expect("a row");
    row.iter().map(value_text).collect()
}

#[test]
fn a_dynamic_real_alone_prints_as_a_real() {
    let row = first_row(
        r#"print d = parse_json('{"value":118.0,"avg":2.5}')
        | extend v = d.value, s = tostring(d.value), a = tostring(d.avg)"#,
    );
    assert_eq!(row[1..], ["118", "118", "2.5"]);
}

#[test]
fn datetimes_in_arrays_keep_seven_fraction_digits() {
    let row =
        first_row("print a = pack_array(datetime(2017-01-01), datetime(2017-01-01 10:30:00.5))");
    assert_eq!(
        row,
        [r#"["2017-01-01T00:00:00.0000000Z","2017-01-01T10:30:00.5000000Z"]"#]
    );
    let row = first_row(
        "datatable (t:datetime, n:long) [datetime(2017-01-01), 1, datetime(2017-01-03), 2]
        | make-series sum(n) on t from datetime(2017-01-01) to datetime(2017-01-04) step 1d",
    );
    assert_eq!(
        row,
        [
            "[1,0,2]",
            r#"["2017-01-01T00:00:00.0000000Z","2017-01-02T00:00:00.0000000Z","2017-01-03T00:00:00.0000000Z"]"#
        ]
    );
}
