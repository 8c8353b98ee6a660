//! `--format az` prints exactly what `az monitor log-analytics query -o json` prints (issue 18).
//! The expected file was made by azure-cli's own transform and printer from `kqlite serve`'s
//! Log Analytics response to the same query (how: tests/data/az/README.md): every type, nulls
//! (`None`), booleans (`True`), reals as Python prints them (`1e-05`, `1000000000000000.0`),
//! dynamic values as Python `str()`s, keys sorted with `TableName` among them.

mod common;

use common::{repo_root, run_kqlite};
use std::time::Duration;

#[test]
fn az_format_matches_what_the_real_az_printed() {
    let out = run_kqlite(
        &[
            "query",
            "-f",
            "tests/data/az/all-types.kql",
            "--format",
            "az",
        ],
        &repo_root(),
        "",
        Duration::from_secs(60),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let expected =
        std::fs::read_to_string(repo_root().join("tests/data/az/all-types.az.json")).unwrap();
    assert_eq!(out.stdout, expected);
    // Not a vacuous match: four rows, each with the 12 columns and TableName.
    let rows: serde_json::Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4);
    assert_eq!(rows[1]["Port"], "None");
    assert_eq!(rows[2]["Ratio"], "1e-05");
    assert_eq!(rows[0].as_object().unwrap().len(), 13);
}

#[test]
fn an_empty_result_is_an_empty_list() {
    let out = run_kqlite(
        &["query", "print x = 1 | where x > 1", "--format", "az"],
        &repo_root(),
        "",
        Duration::from_secs(60),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // knack prints json.dumps([], indent=2) + "\n".
    assert_eq!(out.stdout, "[]\n");
}
