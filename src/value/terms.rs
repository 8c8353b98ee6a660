//! Kusto's string search: where a needle occurs (optionally ignoring ASCII case) and whether it
//! occurs as a term (`has`: letters and digits on neither side). The `has`/`contains` operators
//! and functions such as `has_any_index` share it.

/// Where `needle` occurs in `hay` at or after byte `from`.
pub fn find(hay: &str, needle: &str, from: usize, fold: bool) -> Option<usize> {
    if !fold {
        return hay[from..].find(needle).map(|i| i + from);
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(from);
    }
    let first = n[0];
    let mut i = from;
    while i + n.len() <= h.len() {
        if h[i].to_ascii_lowercase() == first && h[i..i + n.len()].eq_ignore_ascii_case(n) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn is_term_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Does `needle` occur in `hay` with a term boundary before it (`start`) and/or after it
/// (`end`)? A needle that itself begins (ends) with a separator needs no boundary there.
pub fn has_term(hay: &str, needle: &str, fold: bool, start: bool, end: bool) -> bool {
    if needle.is_empty() {
        return true;
    }
    let needs_start = start && is_term_char(needle.chars().next());
    let needs_end = end && is_term_char(needle.chars().next_back());
    let mut from = 0;
    while let Some(at) = find(hay, needle, from, fold) {
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        if (!needs_start || !is_term_char(before)) && (!needs_end || !is_term_char(after)) {
            return true;
        }
        from = at + hay[at..].chars().next().map_or(1, char::len_utf8);
        if from > hay.len() {
            break;
        }
    }
    false
}
