//! String functions: concatenation, slicing, case, trimming by regex, splitting, replacing,
//! extracting with regexes, searching (`indexof`, `countof`), encodings (URL, base64),
//! `parse_csv`, `parse_url`. Character positions count Unicode scalar values.

use super::def::{Naming, ResultType::Fixed, ScalarDef, MANY};
use super::pattern::RegexCache;
use super::ScalarFunc as F;
use crate::error::Error;
use crate::table::Type as T;
use crate::table::{empty_str, Column, Str};
use crate::value::datum::{map1, map2, map3, Arr, Datum};

/// `f` over the text of every row.
pub fn map_text(x: &Datum, len: usize, f: impl Fn(&str) -> String) -> Column {
    Column::String(map1(len, &x.strs(), |s| Str::from(f(s))))
}

pub fn strcat(args: &[Datum], len: usize) -> Column {
    let views: Vec<_> = args.iter().map(Datum::strs).collect();
    Column::String(
        (0..len)
            .map(|i| {
                let mut out = String::new();
                for v in &views {
                    out.push_str(v.get(i));
                }
                Str::from(out)
            })
            .collect(),
    )
}

pub fn strcat_delim(args: &[Datum], len: usize) -> Column {
    let delim = args[0].strs();
    let views: Vec<_> = args[1..].iter().map(Datum::strs).collect();
    Column::String(
        (0..len)
            .map(|i| {
                let parts: Vec<&str> = views.iter().map(|v| v.get(i).as_ref()).collect();
                Str::from(parts.join(delim.get(i)))
            })
            .collect(),
    )
}

pub fn strlen(x: &Datum, len: usize) -> Column {
    Column::Long(map1(len, &x.strs(), |s| Some(s.chars().count() as i64)))
}

/// `substring(s, start [, length])`: a negative start counts from the end.
pub fn substring(args: &[Datum], len: usize) -> Column {
    let length = args.get(2).map_or(Arr::One(None), Datum::longs);
    Column::String(map3(
        len,
        &args[0].strs(),
        &args[1].longs(),
        &length,
        |s, start, n| {
            let Some(start) = *start else {
                return empty_str();
            };
            let count = s.chars().count() as i64;
            let start = if start < 0 {
                (count + start).max(0)
            } else {
                start.min(count)
            };
            let take = n.map_or(count - start, |n| n.max(0).min(count - start));
            s.chars()
                .skip(start as usize)
                .take(take as usize)
                .collect::<String>()
                .into()
        },
    ))
}

/// `split(s, delimiter [, index])`: a dynamic array of the pieces (or of the one piece asked for).
pub fn split(args: &[Datum], len: usize) -> Column {
    let index = args.get(2).map_or(Arr::One(None), Datum::longs);
    Column::Dynamic(map3(
        len,
        &args[0].strs(),
        &args[1].strs(),
        &index,
        |s, d, idx| {
            let pieces: Vec<serde_json::Value> = if d.is_empty() {
                vec![serde_json::Value::String(s.to_string())]
            } else {
                s.split(d.as_ref())
                    .map(|p| serde_json::Value::String(p.into()))
                    .collect()
            };
            match idx {
                None => serde_json::Value::Array(pieces),
                Some(i) => {
                    let n = pieces.len() as i64;
                    let i = if *i < 0 { n + i } else { *i };
                    match usize::try_from(i).ok().and_then(|i| pieces.get(i)) {
                        Some(p) => serde_json::Value::Array(vec![p.clone()]),
                        None => serde_json::Value::Array(vec![]),
                    }
                }
            }
        },
    ))
}

pub fn replace_string(args: &[Datum], len: usize) -> Column {
    Column::String(map3(
        len,
        &args[0].strs(),
        &args[1].strs(),
        &args[2].strs(),
        |s, from, to| {
            if from.is_empty() || !s.contains(from.as_ref()) {
                s.clone()
            } else {
                s.replace(from.as_ref(), to).into()
            }
        },
    ))
}

/// `indexof(s, lookup [, start [, length [, occurrence]]])`: the character index of the
/// occurrence-th match at or after `start` (within `length` characters), else -1.
pub fn indexof(args: &[Datum], len: usize) -> Column {
    let start = args.get(2).map_or(Arr::One(Some(0)), Datum::longs);
    let length = args.get(3).map_or(Arr::One(Some(-1)), Datum::longs);
    let occurrence = args.get(4).map_or(Arr::One(Some(1)), Datum::longs);
    let (s, lookup) = (args[0].strs(), args[1].strs());
    Column::Long(
        (0..len)
            .map(|i| {
                let (s, lookup) = (s.get(i), lookup.get(i));
                let (start, length, occurrence) =
                    ((*start.get(i))?, (*length.get(i))?, (*occurrence.get(i))?);
                let chars: Vec<(usize, char)> = s.char_indices().collect();
                let count = chars.len() as i64;
                let start = if start < 0 { count + start } else { start };
                if start < 0 || start > count || occurrence < 1 {
                    return None;
                }
                let end = if length < 0 {
                    count
                } else {
                    (start + length).min(count)
                };
                let byte = |c: i64| chars.get(c as usize).map_or(s.len(), |(b, _)| *b);
                let window = &s[byte(start)..byte(end)];
                let mut found = 0;
                let mut from = 0;
                while let Some(pos) = window[from..].find(lookup.as_ref()) {
                    let at = from + pos;
                    found += 1;
                    if found == occurrence {
                        return Some(start + window[..at].chars().count() as i64);
                    }
                    from = at + window[at..].chars().next().map_or(1, char::len_utf8);
                    if from > window.len() {
                        break;
                    }
                }
                Some(-1)
            })
            .collect(),
    )
}

/// `countof(text, search [, kind])`: plain matches may overlap, regex matches do not.
pub fn countof(args: &[Datum], len: usize) -> Result<Column, Error> {
    let kind = args
        .get(2)
        .map_or(Arr::One(Str::from("normal")), Datum::strs);
    let (text, search) = (args[0].strs(), args[1].strs());
    let mut cache = RegexCache::new();
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let (t, s) = (text.get(i), search.get(i));
        let n = if kind.get(i).eq_ignore_ascii_case("regex") {
            cache.get(s)?.find_iter(t).count()
        } else if s.is_empty() {
            0
        } else {
            let mut n = 0;
            let mut from = 0;
            while let Some(pos) = t[from..].find(s.as_ref()) {
                n += 1;
                from += pos + t[from + pos..].chars().next().map_or(1, char::len_utf8);
            }
            n
        };
        out.push(Some(n as i64));
    }
    Ok(Column::Long(out))
}

/// `strcat_array(array, delimiter)`: the elements' text joined.
pub fn strcat_array(args: &[Datum], len: usize) -> Column {
    Column::String(map2(
        len,
        &args[0].dyns(),
        &args[1].strs(),
        |a, d| match a {
            serde_json::Value::Array(items) => {
                let parts: Vec<String> = items.iter().map(crate::format::dynamic_text).collect();
                Str::from(parts.join(d))
            }
            _ => empty_str(),
        },
    ))
}

/// `format_bytes(size [, precision [, units]])`: base-1024 units, chosen automatically unless
/// given (`564 Bytes`, `10.1 KB`, `19 MB`).
pub fn format_bytes(args: &[Datum], len: usize) -> Column {
    const UNITS: [&str; 7] = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];
    let precision = args.get(1).map_or(Arr::One(Some(0)), Datum::longs);
    let units = args.get(2).map_or(Arr::One(empty_str()), Datum::strs);
    Column::String(map3(
        len,
        &args[0].reals(),
        &precision,
        &units,
        |size, p, unit| {
            let Some(size) = *size else {
                return empty_str();
            };
            let p = p.unwrap_or(0).clamp(0, 15);
            let index = match UNITS.iter().position(|u| u.eq_ignore_ascii_case(unit)) {
                Some(i) => i,
                None => {
                    let mut i = 0;
                    while i + 1 < UNITS.len() && size.abs() >= 1024f64.powi(i as i32 + 1) {
                        i += 1;
                    }
                    i
                }
            };
            let scaled = super::math::round_real(size / 1024f64.powi(index as i32), p);
            Str::from(format!(
                "{} {}",
                crate::format::real_text(scaled),
                UNITS[index]
            ))
        },
    ))
}

/// `strrep(value, n [, delimiter])`.
pub fn strrep(args: &[Datum], len: usize) -> Column {
    let delim = args.get(2).map_or(Arr::One(empty_str()), Datum::strs);
    Column::String(map3(
        len,
        &args[0].strs(),
        &args[1].longs(),
        &delim,
        |s, n, d| {
            let n = n.unwrap_or(0).clamp(0, 1024) as usize;
            vec![s.as_ref(); n].join(d).into()
        },
    ))
}

/// Percent-encoding with lower-case hex, `space` standing for a blank (`+` or `%20`).
pub fn url_encode(s: &str, space: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'*'
            | b'('
            | b')' => out.push(b as char),
            b' ' => out.push_str(space),
            b => out.push_str(&format!("%{b:02x}")),
        }
    }
    out
}

pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(b[i + 1]) << 4 | hex(b[i + 2]));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = B64.iter().position(|&b| b == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

/// `base64_decode_tostring`: invalid input or non-UTF-8 bytes give "".
pub fn base64_decode_text(s: &str) -> String {
    base64_decode(s)
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// `parse_csv(s)`: the fields of one CSV record (`""` escapes a quote) as a string array.
pub fn parse_csv(x: &Datum, len: usize) -> Column {
    Column::Dynamic(map1(len, &x.strs(), |s| {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    fields.push(serde_json::Value::String(std::mem::take(&mut field)))
                }
                '\n' | '\r' if !quoted => break,
                c => field.push(c),
            }
        }
        fields.push(serde_json::Value::String(field));
        serde_json::Value::Array(fields)
    }))
}

/// The `k=v&…` pairs of a URL query as a bag, values URL-decoded (`parse_url`,
/// `parse_urlquery`).
pub fn query_parameters(query: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut params = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(k.to_string(), serde_json::Value::String(url_decode(v)));
    }
    params
}

/// `parse_url(s)`: a bag of Scheme, Host, Port, Path, Username, Password, Query Parameters and
/// Fragment; "" when the text is not an absolute URL.
pub fn parse_url(x: &Datum, len: usize) -> Column {
    Column::Dynamic(map1(len, &x.strs(), |s| {
        parse_url_text(s).unwrap_or(serde_json::Value::Null)
    }))
}

fn parse_url_text(s: &str) -> Option<serde_json::Value> {
    let (scheme, rest) = s.split_once("://")?;
    if scheme.is_empty() {
        return None;
    }
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (u, h),
        None => ("", authority),
    };
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || hostport.starts_with('[') => (h, p),
        _ => (hostport, ""),
    };
    let params = query_parameters(query);
    let mut bag = serde_json::Map::new();
    let text = |s: &str| serde_json::Value::String(s.to_string());
    bag.insert("Scheme".into(), text(scheme));
    bag.insert("Host".into(), text(host));
    bag.insert("Port".into(), text(port));
    bag.insert("Path".into(), text(path));
    bag.insert("Username".into(), text(user));
    bag.insert("Password".into(), text(password));
    bag.insert("Query Parameters".into(), serde_json::Value::Object(params));
    bag.insert("Fragment".into(), text(fragment));
    Some(serde_json::Value::Object(bag))
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::Strcat,
        names: &["strcat"],
        arity: (1, MANY),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(strcat(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StrcatDelim,
        names: &["strcat_delim"],
        arity: (3, MANY),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(strcat_delim(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Strlen,
        names: &["strlen"],
        arity: (1, 1),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(strlen(&args[0], len)),
        naming: Naming::NameAndFirst,
    },
    ScalarDef {
        func: F::Substring,
        names: &["substring"],
        arity: (2, 3),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(substring(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ToLower,
        names: &["tolower"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, |s| s.to_lowercase())),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ToUpper,
        names: &["toupper"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, |s| s.to_uppercase())),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Split,
        names: &["split"],
        arity: (2, 3),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(split(args, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ReplaceString,
        names: &["replace_string"],
        arity: (3, 3),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(replace_string(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IndexOf,
        names: &["indexof"],
        arity: (2, 5),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(indexof(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::CountOf,
        names: &["countof"],
        arity: (2, 3),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| countof(args, len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::FormatBytes,
        names: &["format_bytes"],
        arity: (1, 3),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(format_bytes(args, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::StrcatArray,
        names: &["strcat_array", "array_strcat"],
        arity: (2, 2),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(strcat_array(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Strrep,
        names: &["strrep"],
        arity: (2, 3),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(strrep(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Reverse,
        names: &["reverse"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, |s| s.chars().rev().collect())),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::UrlEncode,
        names: &["url_encode"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, |s| url_encode(s, "+"))),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::UrlEncodeComponent,
        names: &["url_encode_component"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, |s| url_encode(s, "%20"))),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::UrlDecode,
        names: &["url_decode"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, url_decode)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Base64Encode,
        names: &["base64_encode_tostring"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, |s| base64_encode(s.as_bytes()))),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Base64Decode,
        names: &["base64_decode_tostring"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(map_text(&args[0], len, base64_decode_text)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ParseCsv,
        names: &["parse_csv"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(parse_csv(&args[0], len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ParseUrl,
        names: &["parse_url"],
        arity: (1, 1),
        result: Fixed(T::Dynamic),
        run: |_, args, _ty, len, _ctx| Ok(parse_url(&args[0], len)),
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::scalar::pattern::indexof_regex;
    use crate::table::{Type, Value};
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
    fn concatenation_converts_values() {
        assert_eq!(text(strcat(&[t("a"), l(1), t("-")], 1)), "a1-");
        assert_eq!(text(strcat_delim(&[t("-"), l(1), t("b")], 1)), "1-b");
    }

    #[test]
    fn substring_counts_characters() {
        assert_eq!(text(substring(&[t("123456"), l(1)], 1)), "23456");
        assert_eq!(text(substring(&[t("123456"), l(2), l(2)], 1)), "34");
        assert_eq!(text(substring(&[t("123456"), l(-2), l(2)], 1)), "56");
        assert_eq!(text(substring(&[t("ABCD"), l(10)], 1)), "");
        assert_eq!(strlen(&t("C\u{327}edilla"), 1).get(0), Value::Long(8));
        assert_eq!(strlen(&t("⒦⒰⒮⒯⒪"), 1).get(0), Value::Long(5));
    }

    #[test]
    fn split_as_documented() {
        let s = |args: &[Datum]| split(args, 1).get(0);
        assert_eq!(
            s(&[t("aa_bb"), t("_")]),
            Value::Dynamic(json!(["aa", "bb"]))
        );
        assert_eq!(
            s(&[t("aaa_bbb_ccc"), t("_"), l(1)]),
            Value::Dynamic(json!(["bbb"]))
        );
        assert_eq!(s(&[t(""), t("_")]), Value::Dynamic(json!([""])));
        assert_eq!(
            s(&[t("a__b"), t("_")]),
            Value::Dynamic(json!(["a", "", "b"]))
        );
        assert_eq!(
            s(&[t("aabbcc"), t("bb")]),
            Value::Dynamic(json!(["aa", "cc"]))
        );
    }

    #[test]
    fn searching() {
        let idx = |args: &[Datum]| indexof(args, 1).get(0);
        assert_eq!(idx(&[t("abcdefg"), t("cde")]), Value::Long(2));
        assert_eq!(idx(&[t("abcdefg"), t("cde"), l(1), l(4)]), Value::Long(2));
        assert_eq!(idx(&[t("abcdefg"), t("cde"), l(1), l(2)]), Value::Long(-1));
        assert_eq!(idx(&[t("abcdefg"), t("cde"), l(3)]), Value::Long(-1));
        assert_eq!(idx(&[t("abcdefg"), t("cde"), l(10)]), Value::Null);
        assert_eq!(
            idx(&[t("abcabc"), t("bc"), l(0), l(-1), l(2)]),
            Value::Long(4)
        );
        let count = |args: &[Datum]| countof(args, 1).unwrap().get(0);
        assert_eq!(count(&[t("aaaa"), t("aa")]), Value::Long(3));
        assert_eq!(count(&[t("ababa"), t("aba"), t("regex")]), Value::Long(1));
        assert_eq!(count(&[t("abcabc"), t("a.c"), t("regex")]), Value::Long(2));
    }

    #[test]
    fn regex_index_bytes_and_arrays() {
        let idx = |args: &[Datum]| indexof_regex(args, 1).unwrap().get(0);
        assert_eq!(idx(&[t("abcabc"), t("a.c")]), Value::Long(0));
        assert_eq!(idx(&[t("abcabc"), t("a.c"), l(1)]), Value::Long(3));
        assert_eq!(idx(&[t("abcabc"), t("x")]), Value::Long(-1));
        let fb = |args: &[Datum]| text(format_bytes(args, 1));
        assert_eq!(fb(&[l(564)]), "564 Bytes");
        assert_eq!(fb(&[l(10332), l(1)]), "10.1 KB");
        assert_eq!(fb(&[l(20010332)]), "19 MB");
        assert_eq!(fb(&[l(20010332), l(2)]), "19.08 MB");
        assert_eq!(fb(&[l(20010332), l(0), t("KB")]), "19541 KB");
        let arr = Datum::Scalar(Value::Dynamic(serde_json::json!(["a", 1])), Type::Dynamic);
        assert_eq!(text(strcat_array(&[arr, t("-")], 1)), "a-1");
    }

    #[test]
    fn encodings() {
        assert_eq!(
            url_encode("https://www.bing.com/hello world", "+"),
            "https%3a%2f%2fwww.bing.com%2fhello+world"
        );
        assert_eq!(
            url_decode("https%3a%2f%2fwww.bing.com%2f"),
            "https://www.bing.com/"
        );
        assert_eq!(base64_encode(b"Kusto1"), "S3VzdG8x");
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_decode_text("S3VzdG8x"), "Kusto1");
        assert_eq!(base64_decode_text("YWI="), "ab");
        assert_eq!(text(strrep(&[t("ABC"), l(2), t(",")], 1)), "ABC,ABC");
    }

    #[test]
    fn csv_and_url() {
        assert_eq!(
            parse_csv(&t(r#"aa,"b,b",""""#), 1).get(0),
            Value::Dynamic(json!(["aa", "b,b", "\""]))
        );
        let url = parse_url(&t("https://user:pw@host:1234/a/b?k1=v1&k2=v2#frag"), 1).get(0);
        assert_eq!(
            url,
            Value::Dynamic(
                json!({"Scheme":"https","Host":"host","Port":"1234","Path":"/a/b",
                "Username":"user","Password":"pw","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"frag"})
            )
        );
    }
}
