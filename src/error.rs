//! The one error type every stage returns, and its rendering: `file:line:col`, the query line,
//! a caret under the span, and one help line. Line and column are computed only here.

use crate::ast::Span;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub span: Option<Span>,
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// The text is not KQL: what was expected there, and what was found instead.
    #[error("expected {expected}, found {found}")]
    Syntax { expected: String, found: String },
    #[error("unknown table `{0}`")]
    UnknownTable(String),
    #[error("unknown column `{0}`")]
    UnknownColumn(String),
    #[error("unknown function `{0}`")]
    UnknownFunction(String),
    /// A well-formed query that does not type-check or misuses an operator.
    #[error("{0}")]
    Semantic(String),
    /// Valid KQL that kqlite does not implement.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// Raised while running (e.g. `toscalar` over several rows, a bad regex built at run time).
    #[error("{0}")]
    Runtime(String),
    /// A chart cannot be drawn from this result.
    #[error("cannot draw the chart: {0}")]
    Chart(String),
    /// A log or table file that cannot be read.
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    /// Wrong command-line use.
    #[error("{0}")]
    Usage(String),
    /// The run was stopped: cancelled, or past its time or memory limit.
    #[error("{0}")]
    Stopped(Limit),
}

/// Why a running query was stopped (`exec::Budget` checks these while it runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Limit {
    /// Its cancel flag was set (Ctrl-C in the shell, a client gone or timed out in `serve`).
    #[error("the query was cancelled")]
    Cancelled,
    /// It ran longer than the time it was given.
    #[error("the query ran longer than its time limit of {}", humantime::format_duration(*.0))]
    Timeout(std::time::Duration),
    /// The process's heap grew past the limit while it ran.
    #[error(
        "the query needed more memory than the limit of {} (the process held {} when it was \
         stopped)",
        bytesize::ByteSize(*limit).display().iec(),
        bytesize::ByteSize(*held).display().iec()
    )]
    Memory { limit: u64, held: u64 },
}

impl Error {
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            kind,
            span: None,
            help: None,
        }
    }

    pub fn at(kind: ErrorKind, span: Span) -> Error {
        Error {
            kind,
            span: Some(span),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    pub fn with_span(mut self, span: Span) -> Error {
        self.span.get_or_insert(span);
        self
    }

    pub fn semantic(message: impl Into<String>, span: Span) -> Error {
        Error::at(ErrorKind::Semantic(message.into()), span)
    }

    pub fn input(path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input {
            path: path.into(),
            message: message.into(),
        })
    }

    /// The process exit code for this error: 3 for input errors, 2 for everything else a user
    /// can fix in the query or the command line.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Input { .. } => 3,
            _ => 2,
        }
    }

    /// The error as a user sees it, pointing into `source` (the query text) named `origin`.
    /// Control characters in the message, the origin and the quoted line are escaped, so a
    /// file name cannot start a line of its own (`::error …`) or drive the terminal.
    pub fn render(&self, source: &str, origin: &str) -> String {
        let escape = crate::control_chars::escape;
        let mut out = format!("error: {}", escape(&self.kind.to_string()));
        let origin = escape(origin);
        if let Some(span) = self.span {
            let (line_no, col, line) = locate(source, span.start);
            let width = source[span.start.min(source.len())..span.end.min(source.len())]
                .lines()
                .next()
                .map_or(1, |s| s.chars().count().max(1));
            let gutter = " ".repeat(line_no.to_string().len());
            out.push_str(&format!(
                "\n{gutter}--> {origin}:{line_no}:{col}\n{gutter} |\n{line_no} | {}\n{gutter} | {}{}",
                escape(line),
                " ".repeat(col - 1),
                "^".repeat(width)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  = help: {}", escape(help)));
        }
        out
    }
}

/// 1-based line and column (in characters) of byte `offset`, and that line's text.
pub fn locate(source: &str, offset: usize) -> (usize, usize, &str) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let line_no = before.matches('\n').count() + 1;
    let col = source[line_start..offset].chars().count() + 1;
    (
        line_no,
        col,
        source[line_start..line_end].trim_end_matches('\r'),
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The closest of `candidates` to `name`, phrased as a help line: a case-insensitive match first
/// (KQL names are case-sensitive, so that is the commonest slip), then the nearest by edit
/// distance, else the list itself when it is short.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(format!("did you mean `{c}`? (names are case-sensitive)"));
    }
    let limit = (name.chars().count() / 3).max(1);
    let best = candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d);
    if let Some((_, c)) = best {
        return Some(format!("did you mean `{c}`?"));
    }
    if !candidates.is_empty() && candidates.len() <= 10 {
        return Some(format!("available: {}", candidates.join(", ")));
    }
    None
}

/// The help line of an unknown table: the close names (case slips, typos, a name that holds or
/// is held by the one written), else where to see them all.
pub fn suggest_tables<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return format!("did you mean `{c}`? (names are case-sensitive)");
    }
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    let mut close: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|c| {
            let c_lower = c.to_lowercase();
            let distance = edit_distance(&lower, &c_lower);
            let contains =
                lower.len() >= 3 && (c_lower.contains(&lower) || lower.contains(&c_lower));
            (distance <= limit || contains).then_some((distance, *c))
        })
        .collect();
    close.sort();
    close.dedup_by_key(|(_, c)| *c);
    let names: Vec<String> = close
        .iter()
        .take(5)
        .map(|(_, c)| format!("`{c}`"))
        .collect();
    match names.len() {
        0 => "`kqlite tables` lists the tables kqlite knows".to_string(),
        1 => format!("did you mean {}?", names[0]),
        n => format!(
            "did you mean {} or {}?",
            names[..n - 1].join(", "),
            names[n - 1]
        ),
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_the_span() {
        let src = "T\n| where Levle == 1";
        let err = Error::at(ErrorKind::UnknownColumn("Levle".into()), Span::new(10, 15))
            .with_help("did you mean `Level`?");
        let text = err.render(src, "query.kql");
        assert!(text.contains("--> query.kql:2:9"), "{text}");
        assert!(text.contains("2 | | where Levle == 1"), "{text}");
        assert!(text.contains("  |         ^^^^^"), "{text}");
        assert!(text.ends_with("= help: did you mean `Level`?"), "{text}");
    }

    #[test]
    fn unknown_tables_list_the_close_ones() {
        let known = [
            "NTANetAnalytics",
            "NTAIpDetails",
            "AZFWNetworkRule",
            "AZFWNatRule",
        ];
        assert_eq!(
            suggest_tables("NTANetAnalytic", known),
            "did you mean `NTANetAnalytics`?"
        );
        assert_eq!(
            suggest_tables("AZFW", known),
            "did you mean `AZFWNatRule` or `AZFWNetworkRule`?"
        );
        assert_eq!(
            suggest_tables("Syslog", known),
            "`kqlite tables` lists the tables kqlite knows"
        );
    }

    #[test]
    fn suggestions_prefer_case_then_distance() {
        assert_eq!(
            suggest("srcip", ["SrcIp", "DestIp"]).unwrap(),
            "did you mean `SrcIp`? (names are case-sensitive)"
        );
        assert_eq!(
            suggest("DestIP2", ["SrcIp", "DestIp"]).unwrap(),
            "did you mean `DestIp`?"
        );
    }
}
