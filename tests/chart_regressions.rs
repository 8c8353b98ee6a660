//! Replays every saved input of the `chart` fuzz target (tests/regressions/chart/) through the
//! same decoding and drawing the fuzzer ran (fuzz/chart_input.rs), on stable: each must draw or
//! refuse cleanly, without a panic, within the time limit.

#[path = "../fuzz/chart_input.rs"]
mod chart_input;

use std::time::{Duration, Instant};

#[test]
fn saved_chart_inputs_draw_or_refuse_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions/chart");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no saved inputs in {}", dir.display());
    for input in inputs {
        let bytes = std::fs::read(&input).unwrap();
        let started = Instant::now();
        chart_input::exercise(&bytes);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{} took {:?}",
            input.display(),
            started.elapsed()
        );
    }
}

#[test]
#[ignore = "prints what a saved input decodes to: CHART_INPUT=path cargo test -- --ignored"]
fn show_a_saved_input() {
    let Ok(path) = std::env::var("CHART_INPUT") else {
        return;
    };
    let (table, vis, png) = chart_input::decode(&std::fs::read(path).unwrap());
    eprintln!(
        "{vis:?} png={png}\n{}",
        kqlite::output::render(&table, kqlite::output::Format::Csv)
    );
}
