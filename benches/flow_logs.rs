mod parse_floor;
use kqlite::catalog::ScanRequest;
use kqlite::func::EvalContext;
use kqlite::sources::{self, LogPath, SourceOptions};
use kqlite::Catalog;
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = &args[0];
    let interval: i64 = args
        .get(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(36_000_000_000);
    let t = Instant::now();
    let mut catalog = Catalog::new();
    let opts = SourceOptions {
        interval,
        ..SourceOptions::default()
    };
    sources::open(&[LogPath::Path(dir.into())], &opts, &mut catalog).unwrap();
    let p = catalog.get("NTANetAnalytics").unwrap();
    let s = p.schema();
    let cols: Vec<usize> = [
        "FlowStartTime",
        "FlowStatus",
        "BytesSrcToDest",
        "BytesDestToSrc",
    ]
    .iter()
    .map(|n| s.index_of(n).unwrap())
    .collect();
    let mut rows = 0;
    p.scan(
        &ScanRequest {
            columns: &cols,
            predicates: &[],
            ctx: EvalContext { now: 0 },
        },
        &mut |b| {
            rows += b.num_rows();
            Ok(())
        },
    )
    .unwrap();
    println!("rows={rows} seconds={:.3}", t.elapsed().as_secs_f64());
}
