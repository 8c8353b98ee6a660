//! The string operators: `=~`, `contains`, `has` (whole terms), `hasprefix`, `hassuffix`,
//! `startswith`, `endswith`, `matches regex`, `has_any`, `has_all`, each case-insensitive unless
//! its `_cs` form was written, and their negations. A constant right side is prepared once per
//! batch (lower-cased, regex compiled).

use crate::ast::{StringOp, StringOpKind};
use crate::error::Error;
use crate::func::scalar::pattern::RegexCache;
use crate::table::Column;
use crate::value::datum::Datum;
use crate::value::terms::{find, has_term};

/// A prepared right-hand side.
struct Needle {
    text: String,
    /// Compare ignoring ASCII case only (the needle is ASCII, so that is exact).
    ascii_fold: bool,
    /// Lower-case both sides fully (a non-ASCII needle, case-insensitive).
    unicode_fold: bool,
}

impl Needle {
    fn new(text: &str, case_sensitive: bool) -> Needle {
        if case_sensitive {
            Needle {
                text: text.to_string(),
                ascii_fold: false,
                unicode_fold: false,
            }
        } else if text.is_ascii() {
            Needle {
                text: text.to_ascii_lowercase(),
                ascii_fold: true,
                unicode_fold: false,
            }
        } else {
            Needle {
                text: text.to_lowercase(),
                ascii_fold: false,
                unicode_fold: true,
            }
        }
    }

    fn test(&self, kind: StringOpKind, hay: &str) -> bool {
        if self.unicode_fold {
            let lower = hay.to_lowercase();
            return test_plain(kind, &lower, &self.text, false);
        }
        test_plain(kind, hay, &self.text, self.ascii_fold)
    }
}

fn test_plain(kind: StringOpKind, hay: &str, needle: &str, fold: bool) -> bool {
    let eq = |a: &[u8], b: &[u8]| {
        if fold {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    match kind {
        StringOpKind::Equals => eq(h, n),
        StringOpKind::Contains => find(hay, needle, 0, fold).is_some(),
        StringOpKind::StartsWith => h.len() >= n.len() && eq(&h[..n.len()], n),
        StringOpKind::EndsWith => h.len() >= n.len() && eq(&h[h.len() - n.len()..], n),
        StringOpKind::Has => has_term(hay, needle, fold, true, true),
        StringOpKind::HasPrefix => has_term(hay, needle, fold, true, false),
        StringOpKind::HasSuffix => has_term(hay, needle, fold, false, true),
        StringOpKind::MatchesRegex | StringOpKind::HasAny | StringOpKind::HasAll => {
            unreachable!("handled before plain tests")
        }
    }
}

/// The strings of a `has_any`/`has_all` list (a dynamic array, or one value).
fn list_items(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(a) => a.iter().map(crate::format::dynamic_text).collect(),
        serde_json::Value::Null => vec![],
        other => vec![crate::format::dynamic_text(other)],
    }
}

/// `l op r` for a string operator over `n` rows.
pub fn string_op(op: StringOp, l: &Datum, r: &Datum, n: usize) -> Result<Column, Error> {
    let hay = l.strs();
    let mut out: Vec<Option<bool>> = Vec::with_capacity(n);
    match op.kind {
        StringOpKind::MatchesRegex => {
            let mut cache = RegexCache::new();
            let pattern = r.strs();
            for i in 0..n {
                out.push(Some(cache.get(pattern.get(i))?.is_match(hay.get(i))));
            }
        }
        StringOpKind::HasAny | StringOpKind::HasAll => {
            let lists = r.dyns();
            let prepared = lists.one().map(|l| {
                list_items(l)
                    .iter()
                    .map(|s| Needle::new(s, op.case_sensitive))
                    .collect::<Vec<_>>()
            });
            for i in 0..n {
                let owned;
                let needles = match &prepared {
                    Some(p) => p,
                    None => {
                        owned = list_items(lists.get(i))
                            .iter()
                            .map(|s| Needle::new(s, op.case_sensitive))
                            .collect::<Vec<_>>();
                        &owned
                    }
                };
                let h = hay.get(i);
                let hit = |nd: &Needle| nd.test(StringOpKind::Has, h);
                out.push(Some(if op.kind == StringOpKind::HasAny {
                    needles.iter().any(hit)
                } else {
                    needles.iter().all(hit)
                }));
            }
        }
        kind => {
            let needles = r.strs();
            match needles.one() {
                Some(text) => {
                    let needle = Needle::new(text, op.case_sensitive);
                    out.extend((0..n).map(|i| Some(needle.test(kind, hay.get(i)))));
                }
                None => {
                    for i in 0..n {
                        let needle = Needle::new(needles.get(i), op.case_sensitive);
                        out.push(Some(needle.test(kind, hay.get(i))));
                    }
                }
            }
        }
    }
    if op.negated {
        for v in &mut out {
            *v = v.map(|b| !b);
        }
    }
    Ok(Column::Bool(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: StringOpKind, cs: bool, hay: &str, needle: &str) -> bool {
        Needle::new(needle, cs).test(kind, hay)
    }

    #[test]
    fn documented_examples() {
        use StringOpKind as K;
        assert!(check(K::Equals, false, "abc", "ABC"));
        assert!(check(K::Contains, false, "FabriKam", "BRik"));
        assert!(check(K::Contains, true, "FabriKam", "Kam"));
        assert!(!check(K::Contains, true, "FabriKam", "kam"));
        assert!(check(K::EndsWith, false, "Fabrikam", "Kam"));
        assert!(check(K::StartsWith, false, "Fabrikam", "fab"));
        assert!(check(K::Has, false, "North America", "america"));
        assert!(!check(K::Has, false, "North America", "amer"));
        assert!(check(K::Has, true, "North America", "America"));
        assert!(check(K::HasPrefix, false, "North America", "ame"));
        assert!(!check(K::HasPrefix, false, "North America", "mer"));
        assert!(check(K::HasSuffix, false, "North America", "ica"));
        assert!(!check(K::HasSuffix, false, "North America", "Amer"));
    }

    #[test]
    fn has_matches_whole_terms_only() {
        use StringOpKind as K;
        assert!(check(K::Has, false, "ip 10.1.2.3 blocked", "10.1.2"));
        assert!(!check(K::Has, false, "ip 10.1.2.3 blocked", "0.1.2"));
        assert!(check(K::Has, false, "Kusto: ad67d136-c1db-4f9f", "C1DB"));
        assert!(check(K::Has, false, "aa bb aab", "aab"));
        assert!(!check(K::Has, false, "aaab", "aab"));
        assert!(check(K::Has, false, "Ünïcode Wörds", "wörds"));
    }
}
