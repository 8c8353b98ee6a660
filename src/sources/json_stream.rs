//! The records of an Azure log file, one at a time: `{"records": [r, r, …]}` as storage accounts
//! hold them, a bare array `[r, …]`, or one record per line as Event Hub captures write them.
//!
//! Each record is deserialized on its own, borrowing from the file's text, so a bad record is
//! skipped and reported while the others load, and a file cut short while Azure was still
//! appending to it keeps every complete record before the cut.

use super::diagnostics::Problem;
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::borrow::Cow;

/// A JSON string borrowed from the file when it has no escapes (always, in flow logs), owned
/// otherwise. (serde's own `Cow<str>` never borrows inside a `Vec`.)
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text<'a>(pub Cow<'a, str>);

impl<'a> Text<'a> {
    /// The borrowed text, if it is a slice of the file (so it lives as long as the file).
    pub fn borrowed(&self) -> Option<&'a str> {
        match self.0 {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

/// The file's bytes as text. Bytes that are not UTF-8 are replaced by `?` (one per byte, so
/// offsets are unchanged) and their offsets returned, so the reader can skip what holds them.
pub fn text_of(bytes: &[u8]) -> (Cow<'_, str>, Vec<usize>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut text = String::with_capacity(bytes.len());
    let mut bad = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for _ in chunk.invalid() {
            bad.push(text.len());
            text.push('?');
        }
    }
    (Cow::Owned(text), bad)
}

/// Call `each(index, offset, record, problems)` for every record of `text`, in order; problems (a record of
/// the wrong shape, a syntax error, a truncated end) go to `problems`, each naming the record.
pub fn for_each_record<'a, T: Deserialize<'a>>(
    text: &'a str,
    problems: &mut Vec<Problem>,
    mut each: impl FnMut(usize, usize, T, &mut Vec<Problem>),
) {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if bytes[pos..].starts_with(b"\xEF\xBB\xBF") {
        pos = skip_ws(bytes, pos + 3);
    }
    // `{"records": [` (wrapped) or a bare `[`.
    let wrapped = bytes.get(pos) == Some(&b'{');
    let in_array = match records_array_start(bytes, pos) {
        Some(start) => {
            pos = start;
            true
        }
        None => false,
    };
    let mut index = 0;
    loop {
        pos = skip_ws(bytes, pos);
        if pos >= bytes.len() {
            if in_array {
                problems.push(Problem::new(
                    pos,
                    format!("after record {index}"),
                    "the file ends before the records array is closed (truncated?)",
                    0,
                ));
            }
            return;
        }
        if in_array && bytes[pos] == b']' {
            return check_trailer(bytes, pos + 1, wrapped, problems);
        }
        let record = index + 1;
        let start = pos;
        let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<T>();
        match stream.next() {
            Some(Ok(value)) => {
                pos += stream.byte_offset();
                each(index, start, value, problems);
            }
            Some(Err(e)) if e.is_data() => {
                // Valid JSON of the wrong shape: step over it and go on with the next record.
                let mut skip =
                    serde_json::Deserializer::from_str(&text[pos..]).into_iter::<IgnoredAny>();
                match skip.next() {
                    Some(Ok(_)) => {
                        problems.push(Problem::new(
                            start,
                            format!("record {record}"),
                            message_of(&e),
                            1,
                        ));
                        pos += skip.byte_offset();
                    }
                    _ => {
                        problems.push(broken(start, record, &e, false));
                        return;
                    }
                }
            }
            Some(Err(e)) => {
                let at = if e.is_eof() {
                    start
                } else {
                    start + offset_in(&text[start..], &e)
                };
                // A damaged record whose brackets still close (a stray character, a missing
                // comma) is skipped alone; reading resumes at the next record.
                let resume = if e.is_eof() {
                    None
                } else if in_array {
                    value_end(bytes, start).filter(|&end| {
                        matches!(bytes.get(skip_ws(bytes, end)), Some(b',') | Some(b']'))
                    })
                } else {
                    // One record per line, or pretty-printed over several: after its brackets
                    // close, else at the next line. (By bytes: the error's offset can fall
                    // inside a multi-byte character, a BOM in the middle of a file.)
                    value_end(bytes, start).or_else(|| {
                        let rest = bytes.get(at..)?;
                        rest.iter().position(|&b| b == b'\n').map(|n| at + n)
                    })
                };
                problems.push(broken(at, record, &e, resume.is_some()));
                match resume {
                    Some(end) => pos = end,
                    None => return,
                }
            }
            None => return,
        }
        index += 1;
        pos = skip_ws(bytes, pos);
        if in_array {
            match bytes.get(pos) {
                Some(b',') => pos += 1,
                Some(b']') => return check_trailer(bytes, pos + 1, wrapped, problems),
                None => continue,
                Some(_) => {
                    problems.push(Problem::new(
                        pos,
                        format!("after record {index}"),
                        "expected `,` or `]` between records",
                        0,
                    ));
                    return;
                }
            }
        }
    }
}

/// After the records array closes (at `pos`): the `}` of `{"records": […]}` and then nothing.
/// A second `"records"` key or a second document is reported, not silently ignored.
fn check_trailer(bytes: &[u8], mut pos: usize, wrapped: bool, problems: &mut Vec<Problem>) {
    pos = skip_ws(bytes, pos);
    if wrapped && bytes.get(pos) == Some(&b'}') {
        pos = skip_ws(bytes, pos + 1);
    } else if wrapped && pos < bytes.len() {
        let message =
            "more properties follow the records array (a second `records`?); they are not read";
        problems.push(Problem::new(pos, "after the records", message, 0));
        return;
    }
    if pos < bytes.len() {
        let message = "a second JSON document follows the first; it is not read";
        problems.push(Problem::new(pos, "after the records", message, 0));
    }
}

/// Where a `{"records": [` or `[` opening at `pos` puts the first record, if it does.
fn records_array_start(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'[' => Some(pos + 1),
        b'{' => {
            let mut at = skip_ws(bytes, pos + 1);
            at = expect(bytes, at, b"\"records\"")?;
            at = expect(bytes, skip_ws(bytes, at), b":")?;
            expect(bytes, skip_ws(bytes, at), b"[")
        }
        _ => None,
    }
}

fn expect(bytes: &[u8], at: usize, token: &[u8]) -> Option<usize> {
    bytes[at.min(bytes.len())..]
        .starts_with(token)
        .then_some(at + token.len())
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// Where the JSON value opening at `start` (`{` or `[`) ends, counting brackets outside
/// strings; None when it never closes.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The problem for a record that is not well-formed JSON: skipped alone when reading could
/// resume after it (`resumed`), else nothing after it can be trusted.
fn broken(offset: usize, record: usize, e: &serde_json::Error, resumed: bool) -> Problem {
    let message = if e.is_eof() {
        "the file ends inside this record (truncated while being written?); the records before it are kept".to_string()
    } else if resumed {
        format!("not valid JSON: {}; the record is skipped", message_of(e))
    } else {
        format!(
            "not valid JSON: {}; the rest of the file is skipped",
            message_of(e)
        )
    };
    Problem::new(offset, format!("record {record}"), message, 1)
}

/// serde_json's message without its `at line L column C` suffix (the diagnostic has the line).
fn message_of(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Byte offset within `text` of the line and column serde_json reports.
fn offset_in(text: &str, e: &serde_json::Error) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + e.column().saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Rec<'a> {
        a: i64,
        #[serde(borrow)]
        s: Cow<'a, str>,
    }

    fn collect(text: &str) -> (Vec<(usize, i64)>, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        for_each_record::<Rec>(text, &mut problems, |i, _, r, _| seen.push((i, r.a)));
        (seen, problems)
    }

    #[test]
    fn reads_the_three_layouts() {
        let (seen, problems) = collect(r#" {"records": [ {"a":1,"s":"x"}, {"a":2,"s":"y"} ] }"#);
        assert_eq!(seen, vec![(0, 1), (1, 2)]);
        assert!(problems.is_empty());
        let (seen, _) = collect(r#"[{"a":1,"s":"x"}]"#);
        assert_eq!(seen, vec![(0, 1)]);
        let (seen, problems) = collect("{\"a\":1,\"s\":\"x\"}\n{\"a\":2,\"s\":\"y\"}\n");
        assert_eq!(seen, vec![(0, 1), (1, 2)]);
        assert!(problems.is_empty());
    }

    #[test]
    fn truncated_file_keeps_complete_records() {
        let (seen, problems) = collect(r#"{"records":[{"a":1,"s":"x"},{"a":2,"s":"#);
        assert_eq!(seen, vec![(0, 1)]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].position, "record 2");
        assert!(problems[0].message.contains("truncated"));
        assert_eq!(problems[0].offset, 28);
    }

    #[test]
    fn wrong_shape_skips_one_record() {
        let (seen, problems) = collect(r#"{"records":[{"a":"no","s":"x"},{"a":3,"s":"z"}]}"#);
        assert_eq!(seen, vec![(1, 3)]);
        assert_eq!(problems[0].position, "record 1");
        assert!(problems[0].message.contains("invalid type"), "{problems:?}");
    }

    #[test]
    fn a_malformed_record_is_skipped_alone() {
        let text =
            r#"{"records":[{"a":1,"s":"x"},{"a":2 "s":"}{"},{"a":3,"s":"z"},{"a":4,"s":"w"}]}"#;
        let (seen, problems) = collect(text);
        assert_eq!(seen, vec![(0, 1), (2, 3), (3, 4)]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].position, "record 2");
        assert!(
            problems[0].message.ends_with("the record is skipped"),
            "{problems:?}"
        );
        let (seen, problems) =
            collect("{\"a\":1,\"s\":\"x\"}\n{\"a\":2,,}\n{\"a\":3,\"s\":\"y\"}\n");
        assert_eq!(seen, vec![(0, 1), (2, 3)]);
        assert_eq!(problems.len(), 1);
        // Pretty-printed with a trailing comma: one problem, not one per line.
        let (seen, problems) =
            collect("{\n  \"a\": 1,\n  \"s\": \"x\",\n}\n{\"a\":2,\"s\":\"y\"}\n");
        assert_eq!(seen, vec![(1, 2)]);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn what_follows_the_records_is_reported() {
        let one = r#"{"records":[{"a":1,"s":"x"}]}"#;
        let (seen, problems) = collect(&format!("{one}\n"));
        assert_eq!((seen.len(), problems.len()), (1, 0));
        let (seen, problems) = collect(&format!("{one}{one}"));
        assert_eq!(seen, vec![(0, 1)]);
        assert!(
            problems[0].message.contains("a second JSON document"),
            "{problems:?}"
        );
        let (_, problems) =
            collect(r#"{"records":[{"a":1,"s":"x"}], "records":[{"a":2,"s":"y"}]}"#);
        assert!(
            problems[0].message.contains("a second `records`"),
            "{problems:?}"
        );
    }

    #[test]
    fn not_json_is_one_problem() {
        let (seen, problems) = collect("hello world");
        assert!(seen.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("not valid JSON"));
    }

    #[test]
    fn invalid_utf8_is_replaced_in_place() {
        let (text, bad) = text_of(b"ab\xffc\xfe");
        assert_eq!(text, "ab?c?");
        assert_eq!(bad, vec![2, 4]);
    }
}
