//! Problems found in input files: each names the file, where in it (line, record, tuple), what
//! was wrong, and how many records or tuples were skipped because of it. Readers collect them per
//! file; the shared [`Diagnostics`] log keeps each one once, however often a table is scanned.

use rustc_hash::FxHashSet;
use std::fmt;
use std::sync::Mutex;

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line in the (decompressed) file, when known.
    pub line: Option<usize>,
    /// Where in the file's structure: `record 3, flow 1, group 2, tuple 5`, `row 7, column Bytes`.
    pub position: String,
    pub message: String,
    /// Records or tuples left out because of this problem.
    pub skipped: usize,
}

impl Diagnostic {
    pub fn new(
        path: impl Into<String>,
        line: Option<usize>,
        position: impl Into<String>,
        message: impl Into<String>,
        skipped: usize,
    ) -> Diagnostic {
        Diagnostic {
            path: path.into(),
            line,
            position: position.into(),
            message: message.into(),
            skipped,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Shown to people: a file name or value must not start a line or drive the terminal.
        let escape = crate::control_chars::escape;
        write!(f, "{}", escape(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.position.is_empty() {
            write!(f, ": {}", escape(&self.position))?;
        }
        write!(f, ": {}", escape(&self.message))
    }
}

/// Every problem reported while opening and scanning, each kept once.
#[derive(Debug, Default)]
pub struct Diagnostics {
    inner: Mutex<Log>,
}

#[derive(Debug, Default)]
struct Log {
    seen: FxHashSet<String>,
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Add `diagnostic` unless the same one was reported before (a table scanned twice).
    pub fn report(&self, diagnostic: Diagnostic) {
        let mut log = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if log.seen.insert(diagnostic.to_string()) {
            log.list.push(diagnostic);
        }
    }

    /// Every problem so far, in the order reported.
    pub fn all(&self) -> Vec<Diagnostic> {
        let log = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        log.list.clone()
    }

    /// How many records or tuples were skipped in all.
    pub fn skipped(&self) -> usize {
        self.all().iter().map(|d| d.skipped).sum()
    }

    /// One line for stderr, e.g. `3 problems in 2 files; 5 records skipped`; None when clean.
    pub fn summary(&self) -> Option<String> {
        let all = self.all();
        if all.is_empty() {
            return None;
        }
        let files: FxHashSet<&str> = all.iter().map(|d| d.path.as_str()).collect();
        let skipped: usize = all.iter().map(|d| d.skipped).sum();
        Some(format!(
            "{} problem{} in {} file{}; {} record{} skipped",
            all.len(),
            plural(all.len()),
            files.len(),
            plural(files.len()),
            skipped,
            plural(skipped)
        ))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A problem a reader found in the file it is reading, located by byte offset; the provider
/// turns it into a [`Diagnostic`] naming the file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub position: String,
    pub message: String,
    pub skipped: usize,
}

impl Problem {
    pub fn new(
        offset: usize,
        position: impl Into<String>,
        message: impl Into<String>,
        skipped: usize,
    ) -> Problem {
        Problem {
            offset,
            position: position.into(),
            message: message.into(),
            skipped,
        }
    }

    /// The problem as a diagnostic about `path`, whose decompressed text is `text`.
    pub fn locate(self, path: &str, text: &[u8]) -> Diagnostic {
        Diagnostic::new(
            path,
            Some(line_at(text, self.offset)),
            self.position,
            self.message,
            self.skipped,
        )
    }
}

/// 1-based line number of byte `offset` in `text`.
pub fn line_at(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    text[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_once_and_summarises() {
        let log = Diagnostics::new();
        let d = Diagnostic::new("a.json", Some(3), "record 2", "truncated", 1);
        log.report(d.clone());
        log.report(d);
        log.report(Diagnostic::new("b.json", None, "", "not JSON", 0));
        assert_eq!(log.all().len(), 2);
        assert_eq!(log.all()[0].to_string(), "a.json:3: record 2: truncated");
        assert_eq!(log.all()[1].to_string(), "b.json: not JSON");
        assert_eq!(
            log.summary().unwrap(),
            "2 problems in 2 files; 1 record skipped"
        );
    }

    #[test]
    fn line_numbers_count_newlines_before() {
        assert_eq!(line_at(b"ab\ncd\nef", 0), 1);
        assert_eq!(line_at(b"ab\ncd\nef", 4), 2);
        assert_eq!(line_at(b"ab\ncd\nef", 99), 3);
    }
}
