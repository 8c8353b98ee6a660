//! The regex-driven string functions: `trim`/`trim_start`/`trim_end`, `replace_regex`,
//! `extract`, `extract_all`, `indexof_regex`, and the per-call regex cache they share.

use std::num::NonZeroUsize;
use std::sync::Arc;

use lru::LruCache;
use regex::Regex;
use rustc_hash::FxHashMap;

use super::arg_error;
use super::convert::cast_column;
use super::def::{
    Naming,
    ResultType::{Fixed, Rule},
    ScalarDef,
};
use super::ScalarFunc as F;
use crate::error::Error;
use crate::table::Type as T;
use crate::table::{empty_str, Column, Str, Type};
use crate::value::datum::{Arr, Datum};

/// Compiles each distinct pattern once per call; a constant pattern compiles exactly once.
/// Behind the call's own memo sits one process-wide cache, so a pattern built from a row's
/// value (`where s matches regex Pattern`) is compiled once per run, not once per batch. Both
/// are bounded: a run of ever-new patterns (one per row) holds at most [`CALL_REGEXES`] +
/// [`SHARED_REGEXES`] compiled regexes, each compiled once, however many rows there are.
pub struct RegexCache {
    wrap: fn(&str) -> String,
    compiled: FxHashMap<String, Arc<Regex>>,
}

/// A call's own memo (no lock for a constant pattern, or a few patterns taking turns); it
/// starts over when full.
const CALL_REGEXES: usize = 256;

/// Compiled regexes by their final text, shared by every call: the most recently used stay.
/// Calls share each regex itself (not a clone: a cloned `Regex` starts with no search cache,
/// and building one costs about as much as a search), so a call whose memo was cleared gets
/// its patterns back warm.
const SHARED_REGEXES: usize = 1024;

type SharedRegexes = std::sync::Mutex<LruCache<String, Arc<Regex>>>;

fn shared() -> &'static SharedRegexes {
    static SHARED: std::sync::OnceLock<SharedRegexes> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let capacity = NonZeroUsize::new(SHARED_REGEXES).expect("not zero");
        std::sync::Mutex::new(LruCache::new(capacity))
    })
}

impl RegexCache {
    pub fn new() -> RegexCache {
        RegexCache::wrapped(|p| p.to_string())
    }

    /// Patterns are rewritten by `wrap` before compiling (e.g. anchored for `trim`).
    pub fn wrapped(wrap: fn(&str) -> String) -> RegexCache {
        RegexCache {
            wrap,
            compiled: FxHashMap::default(),
        }
    }

    pub fn get(&mut self, pattern: &str) -> Result<&Regex, Error> {
        if !self.compiled.contains_key(pattern) {
            let re = shared_regex(&(self.wrap)(pattern))
                .map_err(|e| arg_error(format!("invalid regular expression `{pattern}`: {e}")))?;
            if self.compiled.len() >= CALL_REGEXES {
                self.compiled.clear();
            }
            self.compiled.insert(pattern.to_string(), re);
        }
        Ok(&self.compiled[pattern])
    }
}

/// `text` compiled, from the shared cache when another call (or batch) compiled it already.
/// The lock is not held while compiling.
fn shared_regex(text: &str) -> Result<Arc<Regex>, regex::Error> {
    let lock = || shared().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(re) = lock().get(text) {
        return Ok(re.clone());
    }
    let re = Arc::new(Regex::new(text)?);
    #[cfg(test)]
    tests::count_compile(text);
    lock().put(text.to_string(), re.clone());
    Ok(re)
}

impl Default for RegexCache {
    fn default() -> Self {
        RegexCache::new()
    }
}

/// `trim(regex, s)`, `trim_start`, `trim_end`: remove repeated matches of `regex` at the
/// chosen ends.
pub fn trim(args: &[Datum], len: usize, start: bool, end: bool) -> Result<Column, Error> {
    let mut leading = RegexCache::wrapped(|p| format!("^(?:{p})+"));
    let mut trailing = RegexCache::wrapped(|p| format!("(?:{p})+$"));
    let patterns = args[0].strs();
    let text = args[1].strs();
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let (p, s) = (patterns.get(i), text.get(i));
        let mut t: &str = s;
        if start {
            if let Some(m) = leading.get(p)?.find(t) {
                t = &t[m.end()..];
            }
        }
        if end {
            if let Some(m) = trailing.get(p)?.find(t) {
                t = &t[..m.start()];
            }
        }
        out.push(if t.len() == s.len() {
            s.clone()
        } else {
            Str::from(t)
        });
    }
    Ok(Column::String(out))
}

/// Kusto rewrite text (`\1` for group 1) as the regex crate's (`${1}`; `$` escaped).
fn rewrite_template(rewrite: &str) -> String {
    let mut out = String::new();
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' if chars.peek().is_some_and(char::is_ascii_digit) => {
                let d = chars.next().expect("peeked");
                out.push_str(&format!("${{{d}}}"));
            }
            c => out.push(c),
        }
    }
    out
}

/// `replace_regex(text, regex, rewrite)`: every match replaced.
pub fn replace_regex(
    text: &Datum,
    regex: &Datum,
    rewrite: &Datum,
    len: usize,
) -> Result<Column, Error> {
    let mut cache = RegexCache::new();
    let (text, regex, rewrite) = (text.strs(), regex.strs(), rewrite.strs());
    let mut out = Vec::with_capacity(len);
    let mut template_for: Option<(Str, String)> = None;
    for i in 0..len {
        let re = cache.get(regex.get(i))?;
        let rw = rewrite.get(i);
        if template_for.as_ref().is_none_or(|(k, _)| k != rw) {
            template_for = Some((rw.clone(), rewrite_template(rw)));
        }
        let template = &template_for.as_ref().expect("set above").1;
        out.push(Str::from(
            re.replace_all(text.get(i), template.as_str()).as_ref(),
        ));
    }
    Ok(Column::String(out))
}

/// `extract(regex, group, text [, typeof(T)])`: the group's text of the first match, or ""
/// (null after conversion to another type) when nothing matches.
pub fn extract(args: &[Datum], ty: Type, len: usize) -> Result<Column, Error> {
    let mut cache = RegexCache::new();
    let (regex, group, text) = (args[0].strs(), args[1].longs(), args[2].strs());
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let re = cache.get(regex.get(i))?;
        let found = group.get(i).and_then(|g| {
            let caps = re.captures(text.get(i))?;
            Some(caps.get(usize::try_from(g).ok()?)?.as_str().to_string())
        });
        out.push(found.map_or_else(empty_str, Str::from));
    }
    Ok(cast_column(Column::String(out), ty))
}

/// `extract_all(regex, [groups,] text)`: all matches; one group → array of strings, several →
/// array of arrays. No match → null.
pub fn extract_all(args: &[Datum], len: usize) -> Result<Column, Error> {
    let mut cache = RegexCache::new();
    let regex = args[0].strs();
    let (groups, text) = match args.len() {
        3 => (Some(args[1].dyns()), args[2].strs()),
        _ => (None, args[1].strs()),
    };
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let re = cache.get(regex.get(i))?;
        let wanted: Vec<usize> = match &groups {
            Some(g) => match g.get(i) {
                serde_json::Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_u64())
                    .map(|x| x as usize)
                    .collect(),
                _ => vec![],
            },
            None if re.captures_len() > 1 => (1..re.captures_len()).collect(),
            None => vec![0],
        };
        let mut matches = Vec::new();
        for caps in re.captures_iter(text.get(i)) {
            let pick = |g: usize| {
                serde_json::Value::String(caps.get(g).map_or("", |m| m.as_str()).to_string())
            };
            if wanted.len() == 1 {
                matches.push(pick(wanted[0]));
            } else {
                matches.push(serde_json::Value::Array(
                    wanted.iter().map(|&g| pick(g)).collect(),
                ));
            }
        }
        out.push(if matches.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::Array(matches)
        });
    }
    Ok(Column::Dynamic(out))
}

/// `indexof_regex(s, regex [, start [, length [, occurrence]]])`: the character index of the
/// occurrence-th match, else -1.
pub fn indexof_regex(args: &[Datum], len: usize) -> Result<Column, Error> {
    let start = args.get(2).map_or(Arr::One(Some(0)), Datum::longs);
    let length = args.get(3).map_or(Arr::One(Some(-1)), Datum::longs);
    let occurrence = args.get(4).map_or(Arr::One(Some(1)), Datum::longs);
    let (text, regex) = (args[0].strs(), args[1].strs());
    let mut cache = RegexCache::new();
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let re = cache.get(regex.get(i))?;
        let s = text.get(i);
        let found = (|| {
            let (start, length, occurrence) =
                ((*start.get(i))?, (*length.get(i))?, (*occurrence.get(i))?);
            let count = s.chars().count() as i64;
            if start < 0 || start > count || occurrence < 1 {
                return None;
            }
            let end = if length < 0 {
                count
            } else {
                (start + length).min(count)
            };
            let byte = |c: i64| s.char_indices().nth(c as usize).map_or(s.len(), |(b, _)| b);
            let window = &s[byte(start)..byte(end)];
            Some(match re.find_iter(window).nth(occurrence as usize - 1) {
                Some(m) => start + window[..m.start()].chars().count() as i64,
                None => -1,
            })
        })();
        out.push(found);
    }
    Ok(Column::Long(out))
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::Trim,
        names: &["trim"],
        arity: (2, 2),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| trim(args, len, true, true),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::TrimStart,
        names: &["trim_start"],
        arity: (2, 2),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| trim(args, len, true, false),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::TrimEnd,
        names: &["trim_end"],
        arity: (2, 2),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| trim(args, len, false, true),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ReplaceRegex,
        names: &["replace_regex"],
        arity: (3, 3),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| replace_regex(&args[0], &args[1], &args[2], len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Replace,
        names: &["replace"],
        arity: (3, 3),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| replace_regex(&args[2], &args[0], &args[1], len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Extract,
        names: &["extract"],
        arity: (3, 4),
        result: Rule(|args| {
            Ok({
                match args.get(3) {
                    None => T::String,
                    Some(t) => super::registry::literal_text(t)
                        .and_then(T::from_name)
                        .ok_or_else(|| crate::func::LookupError::Argument {
                            index: 3,
                            message: "expected `typeof(<type>)`".into(),
                        })?,
                }
            })
        }),
        run: |_, args, ty, len, _ctx| extract(args, ty, len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ExtractAll,
        names: &["extract_all"],
        arity: (2, 3),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| extract_all(args, len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IndexOfRegex,
        names: &["indexof_regex"],
        arity: (2, 5),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| indexof_regex(args, len),
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// How often each pattern text was compiled (tests use patterns of their own).
    static COMPILES: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

    pub(super) fn count_compile(text: &str) {
        let mut counts = COMPILES.lock().unwrap_or_else(|e| e.into_inner());
        *counts
            .get_or_insert_with(HashMap::new)
            .entry(text.to_string())
            .or_default() += 1;
    }

    fn compiles_of(text: &str) -> usize {
        let counts = COMPILES.lock().unwrap_or_else(|e| e.into_inner());
        counts
            .as_ref()
            .and_then(|c| c.get(text))
            .copied()
            .unwrap_or(0)
    }

    #[test]
    fn a_pattern_from_row_values_compiles_once_per_run_not_per_row() {
        // 200,000 rows in 100 batches (a cache per call, as each batch's evaluation makes),
        // whose pattern column holds 7 distinct texts: 7 compiles in all.
        let patterns: Vec<String> = (0..7).map(|i| format!("^per-row-test-{i}-")).collect();
        for _batch in 0..100 {
            let mut cache = RegexCache::new();
            for row in 0..2_000 {
                let pattern = &patterns[row % 7];
                let text = format!("per-row-test-{}-x", row % 5);
                let _ = cache.get(pattern).unwrap().is_match(&text);
            }
        }
        for pattern in &patterns {
            assert_eq!(compiles_of(pattern), 1, "{pattern}");
        }
    }

    #[test]
    fn ever_new_patterns_stay_bounded_and_a_hot_one_stays_compiled() {
        // One new pattern per row, and one used on every row: the memo and the shared cache
        // stay within their bounds, and the hot pattern (always recently used) is compiled once.
        let mut cache = RegexCache::new();
        let hot = "^bounded-test-hot$";
        for i in 0..2_000 {
            cache.get(&format!("^bounded-test-{i}$")).unwrap();
            assert!(cache.get(hot).unwrap().is_match("bounded-test-hot"));
            assert!(cache.compiled.len() <= CALL_REGEXES);
        }
        assert_eq!(compiles_of(hot), 1);
        assert!(shared().lock().unwrap().len() <= SHARED_REGEXES);
        // Another call gets the same regex (its search cache warm), not a copy.
        let mut other = RegexCache::new();
        assert!(std::ptr::eq(
            cache.get(hot).unwrap(),
            other.get(hot).unwrap()
        ));
    }

    use super::*;
    use crate::table::Value;
    use serde_json::json;

    fn t(s: &str) -> Datum<'static> {
        Datum::Scalar(Value::String(s.into()), Type::String)
    }

    fn l(v: i64) -> Datum<'static> {
        Datum::Scalar(Value::Long(v), Type::Long)
    }

    fn text(c: Column) -> String {
        match c.get(0) {
            Value::String(s) => s.to_string(),
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn trim_by_regex() {
        assert_eq!(
            text(trim(&[t("--"), t("--https://bing.com--")], 1, true, true).unwrap()),
            "https://bing.com"
        );
        assert_eq!(text(trim(&[t("1"), t("11")], 1, true, true).unwrap()), "");
        assert_eq!(
            text(trim(&[t(r"[^\w]+"), t("-  Te st1// $")], 1, true, true).unwrap()),
            "Te st1"
        );
        assert_eq!(
            text(trim(&[t(r"\s+"), t("  x  ")], 1, false, true).unwrap()),
            "  x"
        );
        assert!(trim(&[t("("), t("x")], 1, true, true).is_err());
    }

    #[test]
    fn replacing() {
        assert_eq!(
            text(super::super::string::replace_string(
                &[t("A cat"), t("cat"), t("hamster")],
                1
            )),
            "A hamster"
        );
        let r = replace_regex(&t("abc1def2"), &t(r"(\d)"), &t(r"<\1>"), 1).unwrap();
        assert_eq!(text(r), "abc<1>def<2>");
        let r = replace_regex(&t("a.b"), &t(r"\."), &t("$"), 1).unwrap();
        assert_eq!(text(r), "a$b");
    }

    #[test]
    fn extracting() {
        let row = t("User: James, Email: James@example.com, Age: 29");
        assert_eq!(
            text(extract(&[t("User: ([^,]+)"), l(1), row.clone()], Type::String, 1).unwrap()),
            "James"
        );
        assert_eq!(
            text(extract(&[t(r"\d+"), l(0), row.clone()], Type::String, 1).unwrap()),
            "29"
        );
        assert_eq!(
            text(extract(&[t("Phone: (x)"), l(1), row], Type::String, 1).unwrap()),
            ""
        );
        let m = extract(&[t(r"-(\d{2})-"), l(1), t("21-07-2023")], Type::Int, 1).unwrap();
        assert_eq!(m.get(0), Value::Int(7));
        let all = extract_all(&[t(r"(\d+)"), t("a1b22")], 1).unwrap();
        assert_eq!(all.get(0), Value::Dynamic(json!(["1", "22"])));
        let pairs = extract_all(&[t(r"(\w)(\d)"), t("a1 b2")], 1).unwrap();
        assert_eq!(
            pairs.get(0),
            Value::Dynamic(json!([["a", "1"], ["b", "2"]]))
        );
    }
}
