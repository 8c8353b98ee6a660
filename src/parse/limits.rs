//! How deep and how long a query may be, checked on the text before the grammar sees it: the
//! parser, the binder and the executor recurse on nesting, so a query nested thousands of levels
//! (a generated one, or a hostile check in a pull request) would overflow the stack. A query
//! past a limit is a syntax error naming where the limit was passed and the limit itself.

use crate::ast::Span;
use crate::error::{Error, ErrorKind};

/// The deepest nesting of `(`, `[` and `{` a query may have. Real queries stay under 20.
pub const MAX_NESTING: usize = 128;

/// The most tabular operators (`|`) one query may chain. Real queries stay under 100.
pub const MAX_OPERATORS: usize = 1000;

/// The error for the first place `source` passes a limit, if it does. String literals and
/// `//` comments are skipped: what they hold is not structure.
pub fn check(source: &str) -> Result<(), Error> {
    let bytes = source.as_bytes();
    let (mut depth, mut pipes) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            quote @ (b'"' | b'\'') => {
                // A verbatim string (`@"…"`) has no escapes; a regular one has `\`.
                let verbatim = i > 0 && bytes[i - 1] == b'@';
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if !verbatim && bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(too_deep(
                        i,
                        format!("the query nests more than {MAX_NESTING} levels of brackets"),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'|' => {
                pipes += 1;
                if pipes > MAX_OPERATORS {
                    return Err(too_deep(
                        i,
                        format!("the query chains more than {MAX_OPERATORS} operators (`|`)"),
                    ));
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn too_deep(at: usize, message: String) -> Error {
    Error::at(ErrorKind::Semantic(message), Span::new(at, at + 1))
        .with_help("split the query, or build the list with a `let` and `in`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_and_long_chains_stop_at_the_limit() {
        let ok = format!("{}1{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(check(&ok).is_ok());
        let deep = format!("print {}1", "(".repeat(MAX_NESTING + 1));
        let err = check(&deep).unwrap_err();
        assert_eq!(err.span, Some(Span::new(6 + MAX_NESTING, 7 + MAX_NESTING)));
        assert!(err.to_string().contains("128 levels"), "{err}");
        let chain = format!("T{}", "| where true ".repeat(MAX_OPERATORS + 1));
        assert!(check(&chain)
            .unwrap_err()
            .to_string()
            .contains("1000 operators"));
        // Brackets in strings and comments are text.
        let text = format!("print '{0}', @\"{0}\\\" // {0}\n", "(".repeat(500));
        assert!(check(&text).is_ok());
    }
}
