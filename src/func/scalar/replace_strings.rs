//! `replace_strings(text, lookups, rewrites)`: several literal replacements in one pass. The
//! lookups claim their matches in list order (an earlier lookup's matches win, and a later one
//! cannot match across them), matches never overlap, and each match becomes the rewrite at the
//! same index; a lookup that is not a string (or is empty) is ignored, and a rewrite that is not
//! a string leaves its matches as they were.

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::{Column, Str, Type as T};
use crate::value::datum::Datum;
use serde_json::Value as J;

/// One claimed match: its byte range and what replaces it (`None`: the text stays).
struct Claim<'a> {
    start: usize,
    end: usize,
    rewrite: Option<&'a str>,
}

/// `text` with the replacements made.
pub fn replace_strings(text: &str, lookups: &[J], rewrites: &[J]) -> String {
    let mut claims: Vec<Claim> = Vec::new();
    for (i, lookup) in lookups.iter().enumerate() {
        let Some(pattern) = lookup.as_str().filter(|p| !p.is_empty()) else {
            continue;
        };
        let rewrite = rewrites.get(i).and_then(J::as_str);
        let mut from = 0;
        while let Some(offset) = text[from..].find(pattern) {
            let start = from + offset;
            let end = start + pattern.len();
            if claims.iter().any(|c| start < c.end && c.start < end) {
                // Overlaps an earlier lookup's match: try again one character on.
                from = start + text[start..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            claims.push(Claim {
                start,
                end,
                rewrite,
            });
            from = end;
        }
    }
    claims.sort_by_key(|c| c.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for c in claims {
        out.push_str(&text[at..c.start]);
        out.push_str(c.rewrite.unwrap_or(&text[c.start..c.end]));
        at = c.end;
    }
    out.push_str(&text[at..]);
    out
}

fn run(
    _func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let (texts, lookups, rewrites) = (args[0].strs(), args[1].dyns(), args[2].dyns());
    let items = |v: &J| -> Vec<J> { v.as_array().cloned().unwrap_or_default() };
    Ok(Column::String(
        (0..len)
            .map(|i| {
                let (lookups, rewrites) = (items(lookups.get(i)), items(rewrites.get(i)));
                Str::from(replace_strings(texts.get(i), &lookups, &rewrites))
            })
            .collect(),
    ))
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[ScalarDef {
    func: ScalarFunc::ReplaceStrings,
    names: &["replace_strings"],
    arity: (3, 3),
    result: Fixed(T::String),
    run,
    naming: Naming::Positional,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn replace(text: &str, lookups: J, rewrites: J) -> String {
        replace_strings(
            text,
            lookups.as_array().unwrap(),
            rewrites.as_array().unwrap(),
        )
    }

    #[test]
    fn the_docs_examples() {
        let text = "A magic trick can turn a cat into a dog";
        assert_eq!(
            replace(text, json!(["cat", "dog"]), json!(["dog", "pigeon"])),
            "A magic trick can turn a dog into a pigeon"
        );
        assert_eq!(
            replace(
                text,
                json!(["turn", " into a dog"]),
                json!(["disappear", ""])
            ),
            "A magic trick can disappear a cat"
        );
        let text = "This is an example of using replace_strings()";
        assert_eq!(
            replace(text, json!(["This", "is"]), json!(["This", "was"])),
            "This was an example of using replace_strings()"
        );
        assert_eq!(
            replace(text, json!(["is", "This"]), json!(["was", "This"])),
            "Thwas was an example of using replace_strings()"
        );
        assert_eq!(
            replace(text, json!(["This", "is"]), json!([12345, "was"])),
            "This was an example of using replace_strings()"
        );
    }

    #[test]
    fn overlaps_and_odd_input() {
        // "aab": "ab" claims 1..3 first, so "aa" finds no free match.
        assert_eq!(replace("aab", json!(["ab", "aa"]), json!(["X", "Y"])), "aX");
        assert_eq!(replace("ééa", json!(["éa", "é"]), json!(["1", "2"])), "21");
        assert_eq!(replace("abc", json!([1, ""]), json!(["x", "y"])), "abc");
        assert_eq!(replace("abc", json!(["b"]), json!([])), "abc");
    }
}
