//! The catalog queries run against, and keeping it current: the logs are listed once at start
//! and again when a file under `--logs` is added, removed or changed (new hours of blobs arrive
//! while the server runs). A reload builds a whole new catalog and swaps it in; queries already
//! running keep the one they started with.

use super::CatalogLoader;
use crate::catalog::Catalog;
use crate::now::LatestTimes;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

/// One listing of the logs.
pub struct Snapshot {
    pub catalog: Catalog,
    /// `--now latest`: each table's latest event time, found once per listing.
    pub latest: Mutex<LatestTimes>,
}

impl Snapshot {
    pub fn new(catalog: Catalog) -> Snapshot {
        Snapshot {
            catalog,
            latest: Mutex::new(LatestTimes::default()),
        }
    }
}

/// The current snapshot, swapped whole on reload.
pub struct Snapshots(RwLock<Arc<Snapshot>>);

impl Snapshots {
    pub fn new(catalog: Catalog) -> Snapshots {
        Snapshots(RwLock::new(Arc::new(Snapshot::new(catalog))))
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn replace(&self, catalog: Catalog) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Snapshot::new(catalog));
    }
}

/// Every file under `paths` with its size and modification time, sorted: equal listings mean
/// nothing was added, removed or rewritten.
pub fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files);
    }
    files.sort();
    files
}

fn collect(path: &Path, files: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            collect(&entry.path(), files);
        }
    } else {
        files.push((path.to_path_buf(), meta.len(), meta.modified().ok()));
    }
}

/// Look at the logs every `every` and reload the catalog when the listing changed. A reload
/// that fails (a file half-written, say) keeps the old catalog and is tried again next time.
pub fn watch(
    snapshots: Arc<Snapshots>,
    loader: CatalogLoader,
    paths: Vec<PathBuf>,
    every: Duration,
) {
    tokio::spawn(async move {
        let listed = {
            let paths = paths.clone();
            tokio::task::spawn_blocking(move || fingerprint(&paths)).await
        };
        let mut known = listed.unwrap_or_default();
        loop {
            tokio::time::sleep(every).await;
            let paths_now = paths.clone();
            let Ok(now) = tokio::task::spawn_blocking(move || fingerprint(&paths_now)).await else {
                continue;
            };
            if now == known {
                continue;
            }
            let loader = loader.clone();
            match tokio::task::spawn_blocking(move || loader()).await {
                Ok(Ok(catalog)) => {
                    snapshots.replace(catalog);
                    eprintln!("note: the logs changed; listed {} files again", now.len());
                    known = now;
                }
                Ok(Err(error)) => {
                    eprintln!("warning: the logs changed but cannot be read: {error}")
                }
                Err(_) => eprintln!("warning: reading the changed logs failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_sees_added_and_changed_files() {
        let dir = std::env::temp_dir().join(format!("kqlite-fp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("h=01")).unwrap();
        std::fs::write(dir.join("h=01/a.json"), "{}").unwrap();
        let first = fingerprint(std::slice::from_ref(&dir));
        assert_eq!(first.len(), 1);
        assert_eq!(first, fingerprint(std::slice::from_ref(&dir)));
        std::fs::write(dir.join("h=01/b.json"), "{}").unwrap();
        let second = fingerprint(std::slice::from_ref(&dir));
        assert_eq!(second.len(), 2);
        std::fs::write(dir.join("h=01/a.json"), "{\"records\":[]}").unwrap();
        assert_ne!(second, fingerprint(std::slice::from_ref(&dir)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
