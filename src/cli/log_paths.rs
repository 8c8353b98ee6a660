//! What `--logs` was given, made into paths: glob patterns expanded (a pattern that matches
//! nothing is an input error naming it), and the positional arguments that a multi-valued
//! `--logs` swallowed (`--logs a b 'T | take 1'`, `--logs logs/ checks/`) handed back.

use super::args::LogsArgs;
use crate::error::Error;
use crate::sources::LogPath;
use std::path::{Path, PathBuf};

/// Whether `text` is a glob pattern rather than a plain path: it holds `*`, `?` or `[`, and no
/// file of that very name exists (blob folder names never hold those characters).
fn is_pattern(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.contains(['*', '?', '[']) && !path.exists()
}

/// Each pattern among `paths` replaced by the files and folders it matches, in name order; a
/// `NAME=PATTERN` names every match. A pattern that matches nothing, or is not a valid pattern,
/// is an input error.
pub fn expand(paths: &[LogPath]) -> Result<Vec<LogPath>, Error> {
    let mut out = Vec::with_capacity(paths.len());
    for log in paths {
        let (name, path) = match log {
            LogPath::Path(p) => (None, p),
            LogPath::Named { name, path } => (Some(name), path),
        };
        if !is_pattern(path) {
            out.push(log.clone());
            continue;
        }
        let shown = path.display().to_string();
        let matches = glob::glob(&shown)
            .map_err(|e| Error::input(&shown, format!("not a valid pattern: {e}")))?;
        let mut found: Vec<PathBuf> = matches.filter_map(Result::ok).collect();
        found.sort();
        // `dir/**` matches the folder and everything under it; reading the folder reads the
        // rest, so keep only the matches that no other match contains.
        let found = outermost(found);
        if found.is_empty() {
            return Err(Error::input(
                &shown,
                "the pattern matches no file or folder",
            ));
        }
        out.extend(found.into_iter().map(|p| match name {
            Some(name) => LogPath::Named {
                name: name.clone(),
                path: p,
            },
            None => LogPath::Path(p),
        }));
    }
    Ok(out)
}

/// `paths` (sorted) without those inside another of them.
fn outermost(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut kept: Vec<PathBuf> = Vec::new();
    for path in paths {
        if !kept.iter().any(|k| path.starts_with(k) && k.is_dir()) {
            kept.push(path);
        }
    }
    kept
}

/// The query text a multi-valued `--logs` took as its last value: `--logs x.csv 'T | take 1'`.
/// Only a value that is no existing path and no pattern, and reads like a query (it holds a
/// space or a `|`, or is a bare name), is taken back.
pub fn reclaim_query(logs: &mut LogsArgs) -> Option<String> {
    let Some(LogPath::Path(last)) = logs.logs.last() else {
        return None;
    };
    let text = last.to_string_lossy().to_string();
    let bare_name = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let reads_like_query = text.contains(char::is_whitespace) || text.contains('|') || bare_name;
    if last.exists() || is_pattern(last) || !reads_like_query {
        return None;
    }
    logs.logs.pop();
    Some(text)
}

/// The `.kql` files and folders of them at the end of `--logs`, taken back as the CHECK/QUERY
/// arguments of `check` and `validate` (`--logs logs/ checks/`), in the order given.
pub fn reclaim_query_files(logs: &mut LogsArgs) -> Vec<PathBuf> {
    let mut taken = Vec::new();
    while let Some(LogPath::Path(last)) = logs.logs.last() {
        if !holds_kql(last, 3) {
            break;
        }
        taken.push(last.clone());
        logs.logs.pop();
    }
    taken.reverse();
    taken
}

/// Whether `path` is a `.kql` file, or a folder with one within `depth` levels.
fn holds_kql(path: &Path, depth: usize) -> bool {
    if path.is_file() {
        return path.extension().is_some_and(|x| x == "kql");
    }
    if depth == 0 || !path.is_dir() {
        return false;
    }
    std::fs::read_dir(path).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| holds_kql(&e.path(), depth - 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expand_to_their_outermost_matches() {
        let dir = std::env::temp_dir().join(format!("kqlite-glob-{}", std::process::id()));
        for day in ["d=08", "d=09"] {
            std::fs::create_dir_all(dir.join(format!("y=2024/{day}/h=10"))).unwrap();
            std::fs::write(dir.join(format!("y=2024/{day}/h=10/PT1H.json")), "{}").unwrap();
        }
        let pattern = format!("{}/**/d=09/**", dir.display());
        let found = expand(&[LogPath::Path(PathBuf::from(&pattern))]).unwrap();
        // `d=09/**` matches what is under the folder; the outermost match stands for the rest.
        assert_eq!(found, vec![LogPath::Path(dir.join("y=2024/d=09/h=10"))]);
        let none = format!("{}/**/d=10/**", dir.display());
        let err = expand(&[LogPath::Path(PathBuf::from(&none))]).unwrap_err();
        assert_eq!(err.exit_code(), 3);
        assert!(err.to_string().contains("d=10"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
