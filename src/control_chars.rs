//! Control characters in text kqlite shows people or CI: log values, file names, messages. A
//! newline in a file name must not start a stderr line with `::error`, and an escape sequence in
//! a log value must not drive the terminal, so human and annotation outputs show them escaped
//! (`\n`, `\x1b`, `\u{202e}`). Machine formats (CSV, JSON, JUnit) keep their own quoting.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls, DEL, and the Unicode
/// bidirectional overrides and isolates (which reorder what a reviewer sees).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` on one line with every unsafe character escaped; a backslash is doubled when anything
/// is escaped, so the escaped text reads back unambiguously. Borrowed when nothing needs it.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_unsafe(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// As [`escape`], but keeping line breaks: for multi-line text whose lines kqlite lays out
/// itself (each line is escaped on its own).
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.split('\n').map(escape).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_plain_text_borrowed() {
        assert!(matches!(escape("plain é text"), Cow::Borrowed(_)));
        assert_eq!(escape("a\nb"), "a\\nb");
        assert_eq!(escape("x.json\n::error::owned"), "x.json\\n::error::owned");
        assert_eq!(escape("\u{1b}[31mred"), "\\x1b[31mred");
        assert_eq!(escape("c:\\x\t"), "c:\\\\x\\t");
        assert_eq!(escape("\u{7f}\u{85}\u{202e}"), "\\x7f\\u{85}\\u{202e}");
        assert_eq!(escape_lines("a\u{1b}\nb"), "a\\x1b\nb");
        assert!(matches!(escape_lines("a\nb"), Cow::Borrowed(_)));
    }
}
