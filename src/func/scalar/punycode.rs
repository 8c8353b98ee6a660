//! Punycode (RFC 3492), with the `idna` crate's codec: `punycode_from_string` encodes text and
//! `punycode_to_string` decodes it (no `xn--` prefix either way); `punycode_domain_to_string`
//! encodes each label of a domain name that is not plain ASCII as `xn--…`, and
//! `punycode_domain_from_string` decodes the `xn--` labels back. As the doc pages' examples
//! show, labels keep their case (no IDNA mapping), the full-width and ideographic dots separate
//! labels too and come out as `.`, and what cannot be encoded or decoded gives an empty string.

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{Column, Str};
use crate::value::datum::{map1, Datum};
use idna::punycode;

/// Which function a `ScalarFunc::Punycode` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PunycodeFn {
    FromString,
    ToString,
    DomainFromString,
    DomainToString,
}

/// The characters that end a domain label: the dot and its ideographic, full-width and
/// half-width forms (UTS #46).
const LABEL_DOTS: [char; 4] = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// `text` encoded; `None` when it cannot be.
pub fn encode(text: &str) -> Option<String> {
    punycode::encode_str(text)
}

/// `code` decoded; `None` when it is not punycode.
pub fn decode(code: &str) -> Option<String> {
    if !code.is_ascii() {
        return None;
    }
    punycode::decode_to_string(code)
}

/// Each non-ASCII label of `domain` as `xn--` and its punycode.
pub fn encode_domain(domain: &str) -> Option<String> {
    let labels: Option<Vec<String>> = domain
        .split(LABEL_DOTS)
        .map(|label| {
            if label.is_ascii() {
                Some(label.to_string())
            } else {
                encode(label).map(|code| format!("xn--{code}"))
            }
        })
        .collect();
    Some(labels?.join("."))
}

/// Each `xn--` label of `domain` decoded.
pub fn decode_domain(domain: &str) -> Option<String> {
    let labels: Option<Vec<String>> = domain
        .split(LABEL_DOTS)
        .map(|label| match label.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("xn--") => decode(&label[4..]),
            _ => Some(label.to_string()),
        })
        .collect();
    Some(labels?.join("."))
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Punycode(f) = func else {
        unreachable!("a punycode row holds a Punycode tag")
    };
    let codec: fn(&str) -> Option<String> = match f {
        PunycodeFn::FromString => encode,
        PunycodeFn::ToString => decode,
        PunycodeFn::DomainFromString => decode_domain,
        PunycodeFn::DomainToString => encode_domain,
    };
    Ok(Column::String(map1(len, &args[0].strs(), |s| {
        Str::from(codec(s).unwrap_or_default())
    })))
}

const fn row(f: PunycodeFn, names: &'static [&'static str]) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Punycode(f),
        names,
        arity: (1, 1),
        result: Fixed(T::String),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(PunycodeFn::FromString, &["punycode_from_string"]),
    row(PunycodeFn::ToString, &["punycode_to_string"]),
    row(
        PunycodeFn::DomainFromString,
        &["punycode_domain_from_string"],
    ),
    row(PunycodeFn::DomainToString, &["punycode_domain_to_string"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_as_the_docs_show() {
        assert_eq!(
            encode("académie-française").as_deref(),
            Some("acadmie-franaise-npb1a")
        );
        assert_eq!(encode("艺术").as_deref(), Some("cqv902d"));
        assert_eq!(
            decode("acadmie-franaise-npb1a").as_deref(),
            Some("académie-française")
        );
        assert_eq!(decode("ü"), None);
    }

    #[test]
    fn domains_as_the_docs_show() {
        assert_eq!(
            decode_domain("xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com").as_deref(),
            Some("Rúyì.Jīngū.Bàng.com")
        );
        assert_eq!(
            decode_domain("xn--Ge-mia.Bulg.edu").as_deref(),
            Some("Gáe.Bulg.edu")
        );
        assert_eq!(
            encode_domain("Lê Lợi。Thuận Thiên。com").as_deref(),
            Some("xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com")
        );
        assert_eq!(
            encode_domain("Riðill｡Skáldskaparmál｡org").as_deref(),
            Some("xn--Riill-jta.xn--Skldskaparml-dbbj.org")
        );
        assert_eq!(
            encode_domain("Kaledvoulc'h.Artorījos.edu").as_deref(),
            Some("Kaledvoulc'h.xn--Artorjos-ejb.edu")
        );
    }
}
