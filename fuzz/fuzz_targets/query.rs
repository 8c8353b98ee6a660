//! Query text → parse → bind → optimize → execute, over a small table the query can name (`T`).
//! Any outcome is fine except a panic, a hang or a blow-up.

#![no_main]

use libfuzzer_sys::fuzz_target;

/// A small table of every common type, so generated queries have columns to work on.
const TABLE: &str = "let T = datatable(x:long, r:real, s:string, t:datetime, d:dynamic, b:bool) [\
    1, 0.5, \"a b\", datetime(2024-05-09T10:00:00Z), dynamic([1, \"x\"]), true,\
    2, -1.5, \"\", datetime(2024-05-09T11:30:00Z), dynamic({\"k\": {\"n\": 3}}), false,\
    int(null), real(null), \"10.0.0.1\", datetime(null), dynamic(null), bool(null)];\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let catalog = kqlite::Catalog::new();
    let options = kqlite::Options::default();
    let _ = kqlite::run(&format!("{TABLE}{text}"), &catalog, &options);
});
