//! Parsers of structured text into bags and arrays: `parse_path` (a file path's parts),
//! `parse_urlquery` (a URL query's parameters), `parse_command_line` (a Windows command
//! line's arguments, split as `CommandLineToArgvW` does), and `extract_json`/`extractjson`
//! (one JSONPath element of a JSON text).

use serde_json::{Map, Value as J};

use super::convert::cast_column;
use super::def::{
    Naming,
    ResultType::{Fixed, Rule},
    ScalarDef,
};
use super::string::query_parameters;
use super::{arg_error, ScalarFunc};
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{Column, Str};
use crate::value::datum::{map1, map2, Datum};

/// Which function a `ScalarFunc::ParseText` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParseFn {
    Path,
    UrlQuery,
    CommandLine,
    ExtractJson,
}

/// One step of a JSONPath: a property or an array position.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The steps of a JSONPath such as `$.a.b`, `$['a'][0]`, `$.list[2].name`; `None` when it is
/// malformed or uses what kqlite does not follow (wildcards, filters, recursion).
fn json_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 || r[..end].contains('*') {
                return None;
            }
            steps.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = r[..end].trim();
            let quoted = inner
                .strip_prefix('\'')
                .and_then(|x| x.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')));
            steps.push(match quoted {
                Some(key) => Step::Key(key.to_string()),
                None => Step::Index(inner.parse().ok()?),
            });
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// `extract_json(path, json)`: the element's text (a string as it is, anything else as JSON);
/// empty when the path or the JSON is malformed or the element is absent.
pub fn extract_json(path: &str, json: &str) -> String {
    let (Some(steps), Ok(mut at)) = (json_path(path), serde_json::from_str::<J>(json)) else {
        return String::new();
    };
    for step in steps {
        let next = match (&step, at) {
            (Step::Key(k), J::Object(mut o)) => o.remove(k),
            (Step::Index(i), J::Array(mut a)) if *i < a.len() => Some(a.swap_remove(*i)),
            _ => None,
        };
        match next {
            Some(v) => at = v,
            None => return String::new(),
        }
    }
    match at {
        J::String(s) => s,
        J::Null => String::new(),
        other => other.to_string(),
    }
}

/// `parse_path(path)`: Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension and
/// AlternateDataStreamName; either slash separates, `scheme://` and `\\?\` prefixes and a
/// `file:stream` alternate data stream are recognised.
pub fn parse_path(path: &str) -> J {
    let (scheme, rest) = match path.split_once("://") {
        Some((s, r))
            if s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) =>
        {
            (s, r)
        }
        _ => ("", path),
    };
    let is_slash = |c: char| c == '/' || c == '\\';
    let (directory, last) = match rest.rfind(is_slash) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => ("", rest),
    };
    // A colon in the last segment starts an alternate data stream (unless it is a drive).
    let drive_only = directory.is_empty() && is_drive(last);
    let (filename, stream) = match last.split_once(':') {
        Some((f, s)) if !drive_only => (f, s),
        _ => (last, ""),
    };
    let unprefixed = directory.trim_start_matches(['\\', '/', '?']);
    let root = if is_drive(unprefixed.get(..2).unwrap_or("")) {
        &unprefixed[..2]
    } else {
        ""
    };
    let directory_name = directory.rsplit(is_slash).next().unwrap_or("");
    let extension = match filename.rsplit_once('.') {
        Some((_, ext)) => ext,
        None => "",
    };
    let mut bag = Map::new();
    for (key, value) in [
        ("Scheme", scheme),
        ("RootPath", root),
        ("DirectoryPath", directory),
        ("DirectoryName", directory_name),
        ("Filename", filename),
        ("Extension", extension),
        ("AlternateDataStreamName", stream),
    ] {
        bag.insert(key.into(), J::String(value.into()));
    }
    J::Object(bag)
}

fn is_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// `parse_urlquery(query)`: `{"Query Parameters": {…}}`; a leading `?` is skipped.
pub fn parse_urlquery(query: &str) -> J {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut bag = Map::new();
    bag.insert(
        "Query Parameters".into(),
        J::Object(query_parameters(query)),
    );
    J::Object(bag)
}

/// A Windows command line split into arguments: whitespace separates outside quotes; `2n`
/// backslashes before a quote are `n` backslashes and the quote toggles quoting, `2n+1` are `n`
/// and a literal quote; `""` inside quotes is a literal quote; other backslashes are literal.
pub fn windows_arguments(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut args = Vec::new();
    let mut current = String::new();
    let (mut in_quotes, mut started) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let run = chars[i..].iter().take_while(|c| **c == '\\').count();
                if chars.get(i + run) == Some(&'"') {
                    current.extend(std::iter::repeat_n('\\', run / 2));
                    if run % 2 == 1 {
                        current.push('"');
                        i += run + 1;
                    } else {
                        i += run;
                    }
                } else {
                    current.extend(std::iter::repeat_n('\\', run));
                    i += run;
                }
                started = true;
                continue;
            }
            '"' => {
                if in_quotes && chars.get(i + 1) == Some(&'"') {
                    current.push('"');
                    i += 1;
                } else {
                    in_quotes = !in_quotes;
                }
                started = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if started {
                    args.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            c => {
                current.push(c);
                started = true;
            }
        }
        i += 1;
    }
    if started {
        args.push(current);
    }
    args
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::ParseText(f) = func else {
        unreachable!("a parse row holds a ParseText tag")
    };
    if f == ParseFn::ExtractJson {
        let text = map2(len, &args[0].strs(), &args[1].strs(), |p, j| {
            Str::from(extract_json(p, j))
        });
        return Ok(cast_column(Column::String(text), ty));
    }
    Ok(Column::Dynamic(match f {
        ParseFn::Path => map1(len, &args[0].strs(), |s| parse_path(s)),
        ParseFn::UrlQuery => map1(len, &args[0].strs(), |s| parse_urlquery(s)),
        ParseFn::CommandLine => {
            let parsers = args[1].strs();
            if let Some(p) = parsers.one() {
                if !p.eq_ignore_ascii_case("windows") {
                    return Err(arg_error(format!(
                        "parse_command_line: unknown parser `{p}` (Kusto supports \"windows\")"
                    )));
                }
            }
            map2(len, &args[0].strs(), &parsers, |s, p| {
                if p.eq_ignore_ascii_case("windows") {
                    J::Array(windows_arguments(s).into_iter().map(J::String).collect())
                } else {
                    J::Null
                }
            })
        }
        ParseFn::ExtractJson => unreachable!("handled above"),
    }))
}

const fn row(f: ParseFn, names: &'static [&'static str], arity: usize) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::ParseText(f),
        names,
        arity: (arity, arity),
        result: Fixed(T::Dynamic),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(ParseFn::Path, &["parse_path"], 1),
    row(ParseFn::UrlQuery, &["parse_urlquery"], 1),
    row(ParseFn::CommandLine, &["parse_command_line"], 2),
    ScalarDef {
        func: ScalarFunc::ParseText(ParseFn::ExtractJson),
        names: &["extract_json", "extractjson"],
        arity: (2, 3),
        // A string, or the type a third `typeof(T)` argument names.
        result: Rule(|args| match args.get(2) {
            None => Ok(T::String),
            Some(t) => super::registry::literal_text(t)
                .and_then(T::from_name)
                .ok_or_else(|| crate::func::LookupError::Argument {
                    index: 2,
                    message: "expected `typeof(<type>)`".into(),
                }),
        }),
        run,
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parts(p: &str) -> Vec<String> {
        let J::Object(o) = parse_path(p) else {
            panic!()
        };
        o.values()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn paths_split_like_the_docs() {
        assert_eq!(
            parts(r"C:\temp\file.txt"),
            ["", "C:", r"C:\temp", "temp", "file.txt", "txt", ""]
        );
        assert_eq!(
            parts(r"temp\file.txt"),
            ["", "", "temp", "temp", "file.txt", "txt", ""]
        );
        assert_eq!(
            parts("file://C:/temp/file.txt:some.exe"),
            ["file", "C:", "C:/temp", "temp", "file.txt", "txt", "some.exe"]
        );
        assert_eq!(
            parts(r"\\shared\users\temp\file.txt.gz"),
            [
                "",
                "",
                r"\\shared\users\temp",
                "temp",
                "file.txt.gz",
                "gz",
                ""
            ]
        );
        assert_eq!(
            parts("/usr/lib/temp/file.txt"),
            ["", "", "/usr/lib/temp", "temp", "file.txt", "txt", ""]
        );
        assert_eq!(
            parts(r"\\?\C:\a\b.exe"),
            ["", "C:", r"\\?\C:\a", "a", "b.exe", "exe", ""]
        );
    }

    #[test]
    fn windows_command_lines() {
        assert_eq!(
            windows_arguments(r#"echo "hello world!" print$?"#),
            ["echo", "hello world!", "print$?"]
        );
        assert_eq!(
            windows_arguments(r#"a\\\"b "c d" e\f"#),
            [r#"a\"b"#, "c d", r"e\f"]
        );
        assert_eq!(windows_arguments(r#"x "" y"#), ["x", "", "y"]);
        assert_eq!(windows_arguments(r#""say ""hi""""#), [r#"say "hi""#]);
        assert!(windows_arguments("   ").is_empty());
    }

    #[test]
    fn json_paths_extract_elements() {
        let doc = r#"{"a": {"b": [10, {"c": "x"}]}, "s": "text", "n": null}"#;
        assert_eq!(extract_json("$.a.b[0]", doc), "10");
        assert_eq!(extract_json("$['a']['b'][1].c", doc), "x");
        assert_eq!(extract_json("$.a.b", doc), r#"[10,{"c":"x"}]"#);
        assert_eq!(extract_json("$.s", doc), "text");
        assert_eq!(extract_json("$.n", doc), "");
        assert_eq!(extract_json("$.missing", doc), "");
        assert_eq!(extract_json("$.a.*", doc), "");
        assert_eq!(extract_json("$.a", "not json"), "");
        assert_eq!(json_path("a.b"), None);
    }

    #[test]
    fn url_queries() {
        assert_eq!(
            parse_urlquery("k1=v1&k2=v2&k3=v3"),
            json!({"Query Parameters": {"k1": "v1", "k2": "v2", "k3": "v3"}})
        );
        assert_eq!(
            parse_urlquery("?a=%20b"),
            json!({"Query Parameters": {"a": " b"}})
        );
    }
}
