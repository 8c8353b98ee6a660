//! Arbitrary bytes as a log or table file: the first byte picks the file name (and so the
//! reader for table files; raw logs are sniffed from their content) and, with its top bit, the
//! flow tables' interval (one row per tuple, or Traffic Analytics' 60-minute rows, which runs
//! the aggregation and the merge); the rest is the file. The file is loaded as `--logs` would
//! and every table is counted, which runs each reader.

#![no_main]

use kqlite::sources::{self, LogPath, SourceOptions};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "PT1H.json",
    "flows.log",
    "T.csv",
    "T.jsonl",
    "T.json",
    "PT1H.json.gz",
    "flows.log.gz",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("kqlite-fuzz-readers-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(NAMES[usize::from(pick) % NAMES.len()]);
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let mut catalog = kqlite::Catalog::new();
    let hour = 3600 * kqlite::table::TICKS_PER_SECOND;
    let options = SourceOptions {
        interval: if pick & 0x80 == 0 { 0 } else { hour },
        ..SourceOptions::default()
    };
    if let Ok(report) = sources::open(&[LogPath::Path(path.clone())], &options, &mut catalog) {
        let _ = sources::describe(&report, &catalog);
    }
    let _ = std::fs::remove_file(&path);
});
