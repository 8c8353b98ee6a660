//! `kqlite serve`: the logs behind the HTTP APIs that query tools already speak.
//!
//! - the Kusto REST API ([`kusto`]: `/v2/rest/query`, `/v1/rest/query`, `/v1/rest/mgmt`, with
//!   the control commands of [`mgmt`]),
//! - the Log Analytics query API ([`log_analytics`]: `/v1/workspaces/{id}/query`),
//! - a query page at `/` ([`page`], every asset compiled into the binary).
//!
//! Every query goes through [`engine`], which applies the limits (time, records, bytes,
//! concurrency) and runs the library's pipeline on a blocking thread. [`snapshot`] holds the
//! catalog and lists the logs again when files are added or changed. [`routes`] maps paths to
//! handlers, checks the bearer token and turns failures into HTTP errors.

mod engine;
mod kusto;
mod log_analytics;
mod mgmt;
mod page;
mod request;
mod routes;
mod snapshot;
mod time_window;

use crate::catalog::Catalog;
use crate::error::{Error, ErrorKind};
use crate::now::NowSpec;
use crate::Options;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Builds the catalog from the logs; called at start and again when the logs change.
pub type CatalogLoader = Arc<dyn Fn() -> Result<Catalog, Error> + Send + Sync>;

/// What `kqlite serve` was asked to do.
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Clients must send `Authorization: Bearer TOKEN` (required off loopback).
    pub token: Option<String>,
    /// The database name clients see.
    pub database: String,
    pub now: NowSpec,
    /// `--param` and `--external-data`, for every query.
    pub options: Options,
    pub limits: Limits,
    /// The `--logs` paths, watched for new or changed files.
    pub watched: Vec<PathBuf>,
    /// How often to look for new or changed files (None: never).
    pub rescan: Option<Duration>,
}

/// The limits every query runs under (Kusto's defaults where Kusto has one).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Records in a result before it is truncated (Kusto: 500,000).
    pub max_records: usize,
    /// Bytes of result data before it is truncated (Kusto: 64 MB).
    pub max_bytes: usize,
    /// Time a query may run (Kusto's default for queries: 4 minutes).
    pub query_timeout: Duration,
    /// Size of a request body.
    pub max_body: usize,
    /// Queries running at once.
    pub max_running: usize,
    /// Queries waiting for a free slot before new ones are refused with 429.
    pub max_waiting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_records: 500_000,
            max_bytes: 64 * 1024 * 1024,
            query_timeout: Duration::from_secs(4 * 60),
            max_body: 1024 * 1024,
            max_running: std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
            max_waiting: 512,
        }
    }
}

/// Serve until SIGINT or SIGTERM. `ready` is called with the bound address once the server
/// accepts connections.
pub fn serve(
    config: ServeConfig,
    loader: CatalogLoader,
    ready: impl FnOnce(SocketAddr) + Send,
) -> Result<(), Error> {
    if !config.listen.ip().is_loopback() && config.token.is_none() {
        return Err(Error::new(ErrorKind::Usage(format!(
            "--listen {}: a non-loopback address needs --token (clients then send \
             `Authorization: Bearer TOKEN`)",
            config.listen
        ))));
    }
    let catalog = loader()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| startup(format!("cannot start the server runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| startup(format!("cannot listen on {}: {e}", config.listen)))?;
        let bound = listener
            .local_addr()
            .map_err(|e| startup(format!("cannot read the bound address: {e}")))?;
        let state = Arc::new(routes::AppState::new(&config, catalog));
        if let Some(every) = config.rescan {
            snapshot::watch(
                state.snapshots.clone(),
                loader.clone(),
                config.watched.clone(),
                every,
            );
        }
        let app = routes::router(state, &config.limits);
        ready(bound);
        axum::serve(listener, app)
            .with_graceful_shutdown(stop_signal())
            .await
            .map_err(|e| startup(format!("the server stopped: {e}")))
    })
}

fn startup(message: String) -> Error {
    Error::new(ErrorKind::Usage(message))
}

/// Resolves on SIGINT (Ctrl+C) or SIGTERM.
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
