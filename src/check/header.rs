//! A check's header: the `// key: value` comments before its query says what the check is
//! called, what its result must look like, and how much a failure matters.
//!
//! ```kql
//! // name: No denied inbound SSH from the internet
//! // expect: empty
//! // severity: high
//! NTANetAnalytics | where FlowStatus == "Denied" and DestPort == 22 | …
//! ```
//!
//! Only the leading comment block is read; other keys (`// description:`, `// owner:`) are
//! left to the reader, and a header key may be written in any case.

use crate::ast::Span;
use crate::error::Error;
use std::fmt;

/// How much a failing check matters; `--fail-on` compares against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
}

impl Severity {
    pub const NAMES: [&'static str; 4] = ["high", "medium", "low", "informational"];

    pub fn parse(text: &str) -> Option<Severity> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "high" => Severity::High,
            "medium" => Severity::Medium,
            "low" => Severity::Low,
            "informational" => Severity::Informational,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Informational => "informational",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the number of result rows must be for the check to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// Like an alert rule: any row is a finding.
    Empty,
    NonEmpty,
    RowsEqual(usize),
    RowsAtLeast(usize),
    RowsAtMost(usize),
}

impl Expectation {
    /// `empty`, `nonempty`, `rows == N`, `rows >= N`, `rows <= N` (spaces optional).
    pub fn parse(text: &str) -> Option<Expectation> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        match compact.as_str() {
            "empty" => return Some(Expectation::Empty),
            "nonempty" | "non-empty" => return Some(Expectation::NonEmpty),
            _ => {}
        }
        let rest = compact.strip_prefix("rows")?;
        let (make, number): (fn(usize) -> Expectation, &str) =
            if let Some(n) = rest.strip_prefix("==") {
                (Expectation::RowsEqual, n)
            } else if let Some(n) = rest.strip_prefix(">=") {
                (Expectation::RowsAtLeast, n)
            } else if let Some(n) = rest.strip_prefix("<=") {
                (Expectation::RowsAtMost, n)
            } else {
                return None;
            };
        number.parse().ok().map(make)
    }

    pub fn holds(self, rows: usize) -> bool {
        match self {
            Expectation::Empty => rows == 0,
            Expectation::NonEmpty => rows > 0,
            Expectation::RowsEqual(n) => rows == n,
            Expectation::RowsAtLeast(n) => rows >= n,
            Expectation::RowsAtMost(n) => rows <= n,
        }
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Empty => write!(f, "empty"),
            Expectation::NonEmpty => write!(f, "nonempty"),
            Expectation::RowsEqual(n) => write!(f, "rows == {n}"),
            Expectation::RowsAtLeast(n) => write!(f, "rows >= {n}"),
            Expectation::RowsAtMost(n) => write!(f, "rows <= {n}"),
        }
    }
}

/// A check's header, with defaults for what it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// `// name:`, else the file's stem.
    pub name: String,
    pub expect: Expectation,
    pub severity: Severity,
    /// The 1-based line a failure is reported at: the `// expect:` line when there is one, else
    /// the query's first line.
    pub line: usize,
    /// `// allow-empty: true`: the check may read only empty tables (else that is an error).
    pub allow_empty: bool,
}

/// Read the header of `source`; `default_name` names a check without `// name:`. A value that
/// is not one of the accepted forms is an error pointing at it.
pub fn parse(source: &str, default_name: &str) -> Result<Header, Error> {
    let mut header = Header {
        name: default_name.to_string(),
        expect: Expectation::Empty,
        severity: Severity::High,
        line: 1,
        allow_empty: false,
    };
    let mut expect_line = None;
    let block = leading_comments(source);
    for comment in &block.comments {
        let Some((key, value, span)) = comment.key_value() else {
            continue;
        };
        match key.as_str() {
            "name" if !value.is_empty() => header.name = value.to_string(),
            "expect" => {
                header.expect = Expectation::parse(value).ok_or_else(|| {
                    Error::semantic(format!("unknown expectation `{value}`"), span).with_help(
                        "expect one of: empty, nonempty, rows == N, rows >= N, rows <= N",
                    )
                })?;
                expect_line = Some(comment.line);
            }
            "severity" => {
                header.severity = Severity::parse(value).ok_or_else(|| {
                    Error::semantic(format!("unknown severity `{value}`"), span).with_help(format!(
                        "severity is one of: {}",
                        Severity::NAMES.join(", ")
                    ))
                })?;
            }
            "allow-empty" => {
                header.allow_empty = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(Error::semantic(
                            format!("`allow-empty` is true or false, found `{value}`"),
                            span,
                        ))
                    }
                };
            }
            _ => {}
        }
    }
    let first_query_line = block.first_query_line;
    header.line = expect_line.or(first_query_line).unwrap_or(1);
    Ok(header)
}

/// The `// …` lines before a query's first line (blank lines between them are passed over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBlock<'a> {
    pub comments: Vec<CommentLine<'a>>,
    /// The 1-based line the query starts on, if there is one.
    pub first_query_line: Option<usize>,
}

/// One header comment: its text after `//` (trimmed), where that text starts in the source,
/// and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentLine<'a> {
    pub text: &'a str,
    pub start: usize,
    pub line: usize,
}

impl<'a> CommentLine<'a> {
    /// `key: value` as (lower-case key, trimmed value, the value's span in the source).
    pub fn key_value(&self) -> Option<(String, &'a str, Span)> {
        let (key, value) = self.text.split_once(':')?;
        let trimmed = value.trim();
        // `trimmed` is a slice of `self.text`: its offset there places the span.
        let at = self.start + (trimmed.as_ptr() as usize - self.text.as_ptr() as usize);
        Some((
            key.trim().to_ascii_lowercase(),
            trimmed,
            Span::new(at, at + trimmed.len()),
        ))
    }
}

/// The leading comment block of `source`.
pub fn leading_comments(source: &str) -> CommentBlock<'_> {
    let mut block = CommentBlock {
        comments: Vec::new(),
        first_query_line: None,
    };
    let mut offset = 0;
    for (index, line) in source.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix("//") else {
            block.first_query_line = Some(index + 1);
            break;
        };
        let text = comment.trim();
        block.comments.push(CommentLine {
            text,
            start: line_start + (text.as_ptr() as usize - line.as_ptr() as usize),
            line: index + 1,
        });
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_expect_form_parses() {
        let cases = [
            ("empty", Expectation::Empty),
            ("nonempty", Expectation::NonEmpty),
            ("NonEmpty", Expectation::NonEmpty),
            ("rows == 3", Expectation::RowsEqual(3)),
            ("rows==0", Expectation::RowsEqual(0)),
            ("rows >= 10", Expectation::RowsAtLeast(10)),
            ("rows <= 2", Expectation::RowsAtMost(2)),
        ];
        for (text, expected) in cases {
            assert_eq!(Expectation::parse(text), Some(expected), "{text}");
        }
        for bad in [
            "some",
            "rows = 3",
            "rows > 3",
            "rows == x",
            "rows == -1",
            "",
        ] {
            assert_eq!(Expectation::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn expectations_hold_on_row_counts() {
        assert!(Expectation::Empty.holds(0) && !Expectation::Empty.holds(1));
        assert!(Expectation::NonEmpty.holds(1) && !Expectation::NonEmpty.holds(0));
        assert!(Expectation::RowsEqual(2).holds(2) && !Expectation::RowsEqual(2).holds(3));
        assert!(Expectation::RowsAtLeast(2).holds(3) && !Expectation::RowsAtLeast(2).holds(1));
        assert!(Expectation::RowsAtMost(2).holds(0) && !Expectation::RowsAtMost(2).holds(3));
    }

    #[test]
    fn severities_order_from_informational_to_high() {
        assert!(Severity::Informational < Severity::Low);
        assert!(Severity::Low < Severity::Medium && Severity::Medium < Severity::High);
        assert_eq!(Severity::parse(" Medium "), Some(Severity::Medium));
        assert_eq!(Severity::parse("critical"), None);
    }

    #[test]
    fn header_comments_set_name_expectation_and_severity() {
        let source = "// name: No SSH from the internet\n\
                      // owner: netops\n\
                      \n\
                      // Expect: rows <= 2\n\
                      // severity: low\n\
                      NTANetAnalytics\n\
                      // expect: nonempty\n\
                      | count";
        let header = parse(source, "no-ssh").unwrap();
        assert_eq!(header.name, "No SSH from the internet");
        assert_eq!(header.expect, Expectation::RowsAtMost(2));
        assert_eq!(header.severity, Severity::Low);
        assert_eq!(header.line, 4);
    }

    #[test]
    fn defaults_are_empty_high_and_the_file_stem() {
        let header = parse("\n\nNTANetAnalytics | take 1", "stem").unwrap();
        assert_eq!(
            header,
            Header {
                name: "stem".into(),
                expect: Expectation::Empty,
                severity: Severity::High,
                line: 3,
                allow_empty: false,
            }
        );
    }

    #[test]
    fn a_bad_value_points_at_itself() {
        let source = "// name: x\n// expect: lots\nT";
        let err = parse(source, "x").unwrap_err();
        let span = err.span.unwrap();
        assert_eq!(&source[span.start..span.end], "lots");
        let text = err.render(source, "x.kql");
        assert!(text.contains("unknown expectation `lots`"), "{text}");
        assert!(text.contains("--> x.kql:2:12"), "{text}");
        assert!(text.contains("rows >= N"), "{text}");
        assert!(parse("// allow-empty: TRUE\nT", "x").unwrap().allow_empty);
        let err = parse("// allow-empty: yes\nT", "x").unwrap_err();
        assert!(
            err.to_string().contains("true or false, found `yes`"),
            "{err}"
        );
        let err = parse("// severity: urgent\nT", "x").unwrap_err();
        assert!(err.to_string().contains("unknown severity `urgent`"));
    }
}
