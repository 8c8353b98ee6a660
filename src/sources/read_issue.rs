//! A problem found while reading one file: which file, where in it, and what was wrong.
//!
//! Readers never stop at bad input: they keep the good records and hand back one `ReadIssue`
//! per bad one, so the loader can report them (or fail under `--strict`).

use std::fmt;

/// Where in a file a problem sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The file as a whole (not readable, no usable header, …).
    File,
    /// A 1-based line of a text file.
    Line(usize),
    /// A 1-based record of a JSON file (an element of `records`, or a line of JSON lines).
    Record(usize),
}

/// One bad record or file, with enough context to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadIssue {
    pub path: String,
    pub position: Position,
    pub message: String,
    /// Records left out because of this problem (1 for a bad record; 0 when nothing was lost
    /// or the count is unknown).
    pub skipped: usize,
}

impl ReadIssue {
    pub fn new(path: &str, position: Position, message: impl Into<String>) -> ReadIssue {
        ReadIssue {
            path: path.to_string(),
            position,
            message: message.into(),
            skipped: 1,
        }
    }

    /// The same problem, saying it cost `skipped` records.
    pub fn skipping(mut self, skipped: usize) -> ReadIssue {
        self.skipped = skipped;
        self
    }
}

impl fmt::Display for ReadIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::File => write!(f, "{}: {}", self.path, self.message),
            Position::Line(n) => write!(f, "{}:{}: {}", self.path, n, self.message),
            Position::Record(n) => write!(f, "{}: record {}: {}", self.path, n, self.message),
        }
    }
}
