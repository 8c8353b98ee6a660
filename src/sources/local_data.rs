//! Which local files a query may read. A check contributed in a pull request runs with the CI
//! job's files around it, so `externaldata` reads only what the user handed to kqlite: files
//! inside a folder given with `--logs` or `--allow-local-data`, a file given with `--logs`, or
//! the file an `--external-data URL=PATH` names. Never anything under `/proc`, `/sys` or `/dev`,
//! never through a symbolic link that leads out of the allowed folder, and only regular files
//! (a FIFO or a device would block the run forever).
//!
//! Every refusal is the same error whether or not the file exists, so a query cannot probe the
//! machine's paths.

use crate::error::Error;
use std::path::{Path, PathBuf};

/// System folders whose files describe the machine and its processes (`/proc/self/environ`
/// holds the CI job's secrets); never read, whatever folder is allowed.
const SYSTEM_FOLDERS: &[&str] = &["/proc", "/sys", "/dev"];

/// The folders and files the user handed to kqlite, as given (resolved when a file is checked,
/// so a folder created after the flags were read still counts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalDataPolicy {
    allowed: Vec<PathBuf>,
}

impl LocalDataPolicy {
    /// Nothing allowed yet.
    pub const fn new() -> LocalDataPolicy {
        LocalDataPolicy {
            allowed: Vec::new(),
        }
    }

    /// Allow reading `path` (a file) or anything inside it (a folder).
    pub fn allow(&mut self, path: impl Into<PathBuf>) {
        self.allowed.push(path.into());
    }

    /// The file `path` resolves to, when a query may read it; else the one refusal error,
    /// naming the path as the query wrote it (`shown`).
    pub fn check(&self, path: &Path, shown: &str) -> Result<PathBuf, Error> {
        let resolved = std::fs::canonicalize(path).map_err(|_| refusal(shown))?;
        if SYSTEM_FOLDERS.iter().any(|s| resolved.starts_with(s)) {
            return Err(refusal(shown));
        }
        regular_file(&resolved, shown)?;
        let inside = self
            .allowed
            .iter()
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .any(|root| resolved.starts_with(&root));
        if !inside {
            return Err(refusal(shown));
        }
        Ok(resolved)
    }
}

/// `path` with every symbolic link resolved, unless that is in a system folder (or does not
/// resolve): the check for a file the user named on the command line, who may learn that it
/// is missing.
pub fn outside_system_folders(path: &Path, shown: &str) -> Result<PathBuf, Error> {
    let resolved = std::fs::canonicalize(path)
        .map_err(|e| Error::input(shown, format!("cannot read: {e}")))?;
    if SYSTEM_FOLDERS.iter().any(|s| resolved.starts_with(s)) {
        return Err(refusal(shown));
    }
    regular_file(&resolved, shown)?;
    Ok(resolved)
}

/// `path` (already resolved) when it is a regular file; FIFOs, sockets and devices block or
/// never end, so they are refused with the same error.
pub fn regular_file(path: &Path, shown: &str) -> Result<(), Error> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        _ => Err(refusal(shown)),
    }
}

fn refusal(shown: &str) -> Error {
    Error::input(
        shown,
        "externaldata reads only regular files inside a folder given with --logs or \
         --allow-local-data, or a file given with --external-data URL=PATH; this path is not one",
    )
    .with_help("pass --allow-local-data FOLDER to let queries read the files in FOLDER")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kqlite-local-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("allowed")).unwrap();
        dir
    }

    #[test]
    fn reads_only_regular_files_inside_allowed_folders() {
        let dir = temp_dir("policy");
        let allowed = dir.join("allowed");
        std::fs::write(allowed.join("a.csv"), "x\n").unwrap();
        std::fs::write(dir.join("secret.txt"), "s\n").unwrap();
        std::os::unix::fs::symlink(dir.join("secret.txt"), allowed.join("link.csv")).unwrap();
        let mut policy = LocalDataPolicy::default();
        policy.allow(&allowed);
        let ok = policy.check(&allowed.join("a.csv"), "a.csv").unwrap();
        assert_eq!(ok, std::fs::canonicalize(allowed.join("a.csv")).unwrap());
        let refused = |p: &Path| policy.check(p, "q").unwrap_err().to_string();
        let outside = refused(&dir.join("secret.txt"));
        let missing = refused(&dir.join("missing.txt"));
        let up = refused(&allowed.join("../secret.txt"));
        let link = refused(&allowed.join("link.csv"));
        let folder = refused(&allowed);
        let environ = refused(Path::new("/proc/self/environ"));
        // One message for all: a missing file and a present one cannot be told apart.
        for other in [&missing, &up, &link, &folder, &environ] {
            assert_eq!(&outside, other);
        }
        let mut everything = LocalDataPolicy::default();
        everything.allow("/");
        assert!(everything
            .check(Path::new("/proc/self/environ"), "e")
            .is_err());
        assert!(everything.check(Path::new("/dev/null"), "n").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
