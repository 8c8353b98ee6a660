//! Window functions end to end (`row_number`, `prev`, `next`, `row_cumsum`,
//! `row_window_session`): results worked out
//! from Kusto's documented semantics and examples, the serialized-input rule, and the whole
//! input being seen at once even when it arrives in many batches.

use kqlite::catalog::Catalog;
use kqlite::format::value_text;
use kqlite::{ErrorKind, Options};

/// The result as column names plus rows of canonical value text.
fn run(query: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let result = kqlite::run(query, &Catalog::empty(), &Options::default())
        .unwrap_or_else(|e| panic!("{query}: {}", e.render(query, "query")));
    let names = result.table.schema.names().map(String::from).collect();
    let rows = result
        .table
        .rows()
        .map(|row| row.iter().map(value_text).collect())
        .collect();
    (names, rows)
}

/// One column of the result, as text.
fn column(query: &str, name: &str) -> Vec<String> {
    let (names, rows) = run(query);
    let i = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no column {name} in {names:?}"));
    rows.into_iter().map(|mut r| r.swap_remove(i)).collect()
}

fn texts(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

/// The semantic error message of a query that must not bind.
fn semantic_error(query: &str) -> String {
    match kqlite::run(query, &Catalog::empty(), &Options::default()) {
        Ok(_) => panic!("{query} ran, but should fail"),
        Err(e) => match &e.kind {
            ErrorKind::Semantic(message) => message.clone(),
            other => panic!("{query}: expected a semantic error, got {other:?}"),
        },
    }
}

#[test]
fn row_number_after_serialize_then_filtered() {
    let (names, rows) =
        run("range x from 1 to 5 step 1 | serialize rn = row_number() | where rn > 2");
    assert_eq!(names, ["x", "rn"]);
    assert_eq!(
        rows,
        [["3", "3"], ["4", "4"], ["5", "5"]].map(|r| texts(&r))
    );
}

#[test]
fn row_number_from_a_start_over_sorted_rows() {
    let q = "range a from 1 to 10 step 1 | sort by a desc | extend rn = row_number(7)";
    assert_eq!(
        column(q, "a"),
        texts(&["10", "9", "8", "7", "6", "5", "4", "3", "2", "1"])
    );
    assert_eq!(
        column(q, "rn"),
        texts(&["7", "8", "9", "10", "11", "12", "13", "14", "15", "16"])
    );
}

#[test]
fn row_number_restarts_per_partition() {
    // The partitioned example of Kusto's row_number() documentation.
    let q = r#"datatable (Airport:string, Airline:string, Departures:long)
        ["TLV", "LH", 1, "TLV", "LY", 100, "SEA", "LH", 1, "SEA", "BA", 2, "SEA", "LY", 0]
        | sort by Airport asc, Departures desc
        | extend Rank = row_number(1, prev(Airport) != Airport)"#;
    let (names, rows) = run(q);
    assert_eq!(names, ["Airport", "Airline", "Departures", "Rank"]);
    assert_eq!(
        rows,
        [
            ["SEA", "BA", "2", "1"],
            ["SEA", "LH", "1", "2"],
            ["SEA", "LY", "0", "3"],
            ["TLV", "LY", "100", "1"],
            ["TLV", "LH", "1", "2"],
        ]
        .map(|r| texts(&r))
    );
}

#[test]
fn prev_and_next_with_offsets_and_defaults() {
    let q = "range x from 1 to 5 step 1
        | extend p = prev(x), p2 = prev(x, 2, 0), n = next(x), n3 = next(x, 3, -1)";
    assert_eq!(column(q, "p"), texts(&["", "1", "2", "3", "4"]));
    assert_eq!(column(q, "p2"), texts(&["0", "0", "1", "2", "3"]));
    assert_eq!(column(q, "n"), texts(&["2", "3", "4", "5", ""]));
    assert_eq!(column(q, "n3"), texts(&["4", "5", "-1", "-1", "-1"]));
    let (names, _) = run(q);
    assert_eq!(names, ["x", "p", "p2", "n", "n3"]);
}

#[test]
fn prev_of_a_string_is_empty_before_the_first_row() {
    let q = r#"datatable (s:string) ["a", "b"] | serialize | extend p = prev(s), q = next(s, 1, "end")"#;
    assert_eq!(column(q, "p"), texts(&["", "a"]));
    assert_eq!(column(q, "q"), texts(&["b", "end"]));
}

#[test]
fn window_calls_inside_larger_expressions_and_project() {
    let q = "range x from 1 to 4 step 1 | project x, d = x * 10 - prev(x, 1, 0) * 10";
    let (names, rows) = run(q);
    assert_eq!(names, ["x", "d"]);
    assert_eq!(
        rows,
        [["1", "10"], ["2", "10"], ["3", "10"], ["4", "10"]].map(|r| texts(&r))
    );
}

#[test]
fn where_with_a_window_function_keeps_only_the_input_columns() {
    let (names, rows) = run("range x from 1 to 5 step 1 | where prev(x) >= 3");
    assert_eq!(names, ["x"]);
    assert_eq!(rows, [["4"], ["5"]].map(|r| texts(&r)));
}

#[test]
fn row_cumsum_of_even_numbers() {
    // The first example of Kusto's row_cumsum() documentation.
    let q = "datatable (a:long) [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        | where a % 2 == 0
        | serialize cs = row_cumsum(a)";
    assert_eq!(column(q, "cs"), texts(&["2", "6", "12", "20", "30"]));
}

#[test]
fn row_cumsum_restarts_per_partition() {
    // The partitioned example of Kusto's row_cumsum() documentation.
    let q = r#"datatable (name:string, month:int, salary:long)
        ["Alice", 1, 1000, "Bob", 1, 1000, "Alice", 2, 2000, "Bob", 2, 1950,
         "Alice", 3, 1400, "Bob", 3, 1450]
        | order by name asc, month asc
        | extend total = row_cumsum(salary, name != prev(name))"#;
    let (names, rows) = run(q);
    assert_eq!(names, ["name", "month", "salary", "total"]);
    assert_eq!(
        column(q, "total"),
        texts(&["1000", "3000", "4400", "1000", "2950", "4400"])
    );
    assert_eq!(rows[3], texts(&["Bob", "1", "1000", "1000"]));
}

#[test]
fn row_cumsum_keeps_real_and_int_types() {
    let q = "range x from 1 to 3 step 1 | extend r = row_cumsum(x * 0.5), i = row_cumsum(toint(x))
        | getschema";
    assert_eq!(column(q, "ColumnType"), texts(&["long", "real", "int"]));
    let q = "range x from 1 to 3 step 1 | extend r = row_cumsum(x * 0.5)";
    assert_eq!(column(q, "r"), texts(&["0.5", "1.5", "3"]));
}

#[test]
fn the_whole_input_is_seen_across_batches() {
    // range yields batches of a few thousand rows: numbering and neighbours must run on.
    let q = "range x from 1 to 20000 step 1
        | extend rn = row_number(), p = prev(x), n = next(x)
        | where rn != x or (x > 1 and p != x - 1) or (x < 20000 and n != x + 1)
        | count";
    assert_eq!(column(q, "Count"), texts(&["0"]));
    let q = "range x from 1 to 20000 step 1 | serialize s = row_cumsum(1) | summarize max(s)";
    assert_eq!(column(q, "max_s"), texts(&["20000"]));
}

#[test]
fn take_and_top_keep_or_make_rows_serialized() {
    let q = "range x from 1 to 9 step 1 | take 3 | extend n = next(x)";
    assert_eq!(column(q, "n"), texts(&["2", "3", ""]));
    let q = "datatable (x:long) [5, 1, 9] | top 2 by x | extend rn = row_number()";
    assert_eq!(column(q, "rn"), texts(&["1", "2"]));
}

#[test]
fn unserialized_input_is_rejected() {
    let message = semantic_error("datatable (x:long) [1, 2] | extend rn = row_number()");
    assert!(
        message.contains("`row_number()` needs a serialized input"),
        "{message}"
    );
    let message = semantic_error("range x from 1 to 3 step 1 | summarize by x | where prev(x) > 1");
    assert!(
        message.contains("`prev()` needs a serialized input"),
        "{message}"
    );
    let message = semantic_error(
        "range x from 1 to 3 step 1 | join (range x from 1 to 3 step 1) on x | project row_cumsum(x)",
    );
    assert!(message.contains("serialized"), "{message}");
    // After `serialize` the same query is fine.
    let q = "range x from 1 to 3 step 1 | summarize by x | serialize | extend p = prev(x)";
    assert_eq!(run(q).1.len(), 3);
}

#[test]
fn window_functions_elsewhere_are_rejected() {
    let message = semantic_error("range x from 1 to 3 step 1 | sort by prev(x)");
    assert!(
        message.contains("extend, project, where or serialize"),
        "{message}"
    );
    let message = semantic_error("range x from 1 to 3 step 1 | summarize count() by next(x)");
    assert!(
        message.contains("extend, project, where or serialize"),
        "{message}"
    );
}

#[test]
fn argument_errors() {
    let message = semantic_error("range x from 1 to 3 step 1 | extend p = prev(x + 1)");
    assert!(message.contains("column name"), "{message}");
    let message = semantic_error("range x from 1 to 3 step 1 | extend s = row_cumsum(x, 1)");
    assert!(message.contains("bool"), "{message}");
    let message = semantic_error("range x from 1 to 3 step 1 | extend s = row_cumsum(tostring(x))");
    assert!(message.contains("number"), "{message}");
}

#[test]
fn row_window_session_groups_rows_into_sessions() {
    // The example of Kusto's row_window_session() documentation.
    let q = r#"datatable (ID:string, Timestamp:datetime) [
            "1", datetime(2024-04-11 10:00:00),
            "2", datetime(2024-04-11 10:18:00),
            "1", datetime(2024-04-11 11:00:00),
            "3", datetime(2024-04-11 11:30:00),
            "2", datetime(2024-04-11 13:30:00),
            "2", datetime(2024-04-11 10:16:00)
        ]
        | sort by ID asc, Timestamp asc
        | extend SessionStarted = row_window_session(Timestamp, 1h, 5m, ID != prev(ID))"#;
    let (names, rows) = run(q);
    assert_eq!(names, ["ID", "Timestamp", "SessionStarted"]);
    assert_eq!(
        rows,
        [
            ["1", "2024-04-11T10:00:00Z", "2024-04-11T10:00:00Z"],
            ["1", "2024-04-11T11:00:00Z", "2024-04-11T11:00:00Z"],
            ["2", "2024-04-11T10:16:00Z", "2024-04-11T10:16:00Z"],
            ["2", "2024-04-11T10:18:00Z", "2024-04-11T10:16:00Z"],
            ["2", "2024-04-11T13:30:00Z", "2024-04-11T13:30:00Z"],
            ["3", "2024-04-11T11:30:00Z", "2024-04-11T11:30:00Z"],
        ]
        .map(|r| texts(&r))
    );
}
