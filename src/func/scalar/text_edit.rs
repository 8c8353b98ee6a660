//! String functions beyond the basics: `translate`, `regex_quote`, `repeat` (an array of one
//! value), `strcmp`, `string_size`, `isascii`, `isutf8`, `has_any_index`. Null and empty
//! strings are the same (kqlite strings have no null).

use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{Column, Str};
use crate::value::datum::{map1, map2, map3, Datum};
use crate::value::terms::has_term;

/// Which function a `ScalarFunc::TextEdit` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextFn {
    Translate,
    RegexQuote,
    Repeat,
    Strcmp,
    StringSize,
    IsAscii,
    IsUtf8,
    HasAnyIndex,
}

/// `translate(search, replacement, source)`: each character of `search` in `source` becomes
/// the replacement character at its position (the last one when `replacement` is shorter), or
/// is removed when `replacement` is empty.
pub fn translate(search: &str, replacement: &str, source: &str) -> String {
    let search: Vec<char> = search.chars().collect();
    let replacement: Vec<char> = replacement.chars().collect();
    source
        .chars()
        .filter_map(|c| match search.iter().position(|s| *s == c) {
            None => Some(c),
            Some(_) if replacement.is_empty() => None,
            Some(i) => Some(replacement[i.min(replacement.len() - 1)]),
        })
        .collect()
}

/// `regex_quote(s)`: `s` with the regex metacharacters escaped, as .NET's `Regex.Escape` does
/// (Kusto's regexes are RE2, where the same escapes mean the literal character).
pub fn regex_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '*' | '+' | '?' | '|' | '{' | '[' | '(' | ')' | '^' | '$' | '.' | '#' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x0c' => out.push_str("\\f"),
            _ => out.push(c),
        }
    }
    out
}

/// `has_any_index(source, values)`: the position in `values` of the first one `source` has
/// (whole-term match, case-insensitive, as `has`), -1 when none does.
pub fn has_any_index(source: &str, values: &J) -> Option<i64> {
    let J::Array(values) = values else {
        return None;
    };
    let hit = values.iter().position(|v| {
        let needle = match v {
            J::String(s) => s.clone(),
            J::Null => return false,
            other => other.to_string(),
        };
        !needle.is_empty() && has_term(source, &needle, true, true, true)
    });
    Some(hit.map_or(-1, |i| i as i64))
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::TextEdit(f) = func else {
        unreachable!("a text row holds a TextEdit tag")
    };
    let text = |f: fn(&str) -> String| -> Column {
        Column::String(map1(len, &args[0].strs(), |s| Str::from(f(s))))
    };
    Ok(match f {
        TextFn::Translate => Column::String(map3(
            len,
            &args[0].strs(),
            &args[1].strs(),
            &args[2].strs(),
            |a, b, s| Str::from(translate(a, b, s)),
        )),
        TextFn::RegexQuote => text(regex_quote),
        TextFn::Repeat => {
            Column::Dynamic(map2(
                len,
                &args[0].dyns(),
                &args[1].longs(),
                |v, n| match n {
                    Some(n) => J::Array(vec![v.clone(); (*n).clamp(0, 1 << 20) as usize]),
                    None => J::Null,
                },
            ))
        }
        TextFn::Strcmp => Column::Long(map2(len, &args[0].strs(), &args[1].strs(), |a, b| {
            Some(a.cmp(b) as i64)
        })),
        TextFn::StringSize => Column::Long(map1(len, &args[0].strs(), |s| Some(s.len() as i64))),
        TextFn::IsAscii => Column::Bool(map1(len, &args[0].strs(), |s| Some(s.is_ascii()))),
        // Every kqlite string is valid UTF-8 (input bytes that are not were replaced on read).
        TextFn::IsUtf8 => Column::Bool(map1(len, &args[0].strs(), |_| Some(true))),
        TextFn::HasAnyIndex => Column::Long(map2(len, &args[0].strs(), &args[1].dyns(), |s, v| {
            has_any_index(s, v)
        })),
    })
}

const fn row(
    f: TextFn,
    names: &'static [&'static str],
    arity: usize,
    ty: T,
    naming: Naming,
) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::TextEdit(f),
        names,
        arity: (arity, arity),
        result: Fixed(ty),
        run,
        naming,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(
        TextFn::Translate,
        &["translate"],
        3,
        T::String,
        Naming::Positional,
    ),
    row(
        TextFn::RegexQuote,
        &["regex_quote"],
        1,
        T::String,
        Naming::Positional,
    ),
    row(
        TextFn::Repeat,
        &["repeat"],
        2,
        T::Dynamic,
        Naming::Prefix("repeat"),
    ),
    row(TextFn::Strcmp, &["strcmp"], 2, T::Long, Naming::Positional),
    row(
        TextFn::StringSize,
        &["string_size"],
        1,
        T::Long,
        Naming::NameAndFirst,
    ),
    row(
        TextFn::IsAscii,
        &["isascii"],
        1,
        T::Bool,
        Naming::Positional,
    ),
    row(TextFn::IsUtf8, &["isutf8"], 1, T::Bool, Naming::Positional),
    row(
        TextFn::HasAnyIndex,
        &["has_any_index"],
        2,
        T::Long,
        Naming::Positional,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn translate_maps_removes_and_pads() {
        assert_eq!(translate("krasp", "otsku", "spark"), "kusto");
        assert_eq!(translate("abc", "", "ab"), "");
        assert_eq!(translate("abc", "x", "abc"), "xxx");
        assert_eq!(translate("", "x", "abc"), "abc");
    }

    #[test]
    fn regex_quote_escapes_metacharacters() {
        assert_eq!(regex_quote("(so$me.Te^xt)"), r"\(so\$me\.Te\^xt\)");
        assert_eq!(regex_quote("a b\tc"), r"a\ b\tc");
        let re = regex::Regex::new(&regex_quote("1+1=2?")).unwrap();
        assert!(re.is_match("is 1+1=2?"));
    }

    #[test]
    fn has_any_index_matches_terms() {
        let s = "this is an example";
        assert_eq!(has_any_index(s, &json!(["this", "example"])), Some(0));
        assert_eq!(has_any_index(s, &json!(["not", "example"])), Some(1));
        assert_eq!(has_any_index(s, &json!(["not", "found"])), Some(-1));
        assert_eq!(has_any_index(s, &json!(["amp"])), Some(-1));
        assert_eq!(has_any_index(s, &json!([])), Some(-1));
        assert_eq!(has_any_index(s, &json!(5)), None);
    }
}
