//! `kqlite serve`: the flags → a server configuration, the logs → a catalog loader, then
//! serve until SIGINT or SIGTERM.

use super::args::ServeArgs;
use super::{logs, Failure};
use crate::now::NowSpec;
use crate::serve::{self, CatalogLoader, Limits, ServeConfig};
use crate::sources::LogPath;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let now = NowSpec::or_env(args.run.now.clone())?;
    let defaults = Limits::default();
    let limits = Limits {
        max_records: args.max_records,
        max_bytes: args.max_result_bytes,
        query_timeout: args.query_timeout,
        max_body: args.max_body,
        max_running: args.max_concurrent.unwrap_or(defaults.max_running),
        max_waiting: args.max_queued,
    };
    let watched = args
        .logs
        .logs
        .iter()
        .map(|p| match p {
            LogPath::Path(path) | LogPath::Named { path, .. } => path.clone(),
        })
        .collect();
    let logs_args = args.logs.clone();
    let loader: CatalogLoader = Arc::new(move || {
        let loaded = logs::load(&logs_args)?;
        loaded.report_problems();
        Ok(loaded.catalog)
    });
    // `externaldata` may read local files inside the served log folders, as on the command line.
    let mut options = args.run.options();
    args.logs.allow_local_data(&mut options);
    args.memory.apply(&mut options);
    let config = ServeConfig {
        listen: args.listen,
        token: args.token.filter(|t| !t.is_empty()),
        database: args.database.clone(),
        now,
        options,
        limits,
        watched,
        rescan: (args.rescan > 0.0).then(|| Duration::from_secs_f64(args.rescan)),
    };
    let database = args.database;
    serve::serve(config, loader, move |address| {
        let mut out = std::io::stdout();
        let _ = writeln!(
            out,
            "kqlite serve: listening on http://{address} (database `{database}`); Ctrl+C stops"
        );
        let _ = out.flush();
    })
    .map_err(Failure::from)
}

/// `--query-timeout`: a timespan such as `30s`, `4m` or `00:04:00`.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    match crate::value::text::parse_timespan(text) {
        Some(ticks) if ticks > 0 => Ok(Duration::from_nanos(ticks as u64 * 100)),
        _ => Err(format!(
            "`{text}` is not a positive timespan (e.g. 30s, 4m, 00:04:00)"
        )),
    }
}
