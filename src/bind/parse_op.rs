//! `parse` and `parse-where`: the pattern compiled to one regex with a capture group per
//! column (named after the column, so the executor finds it by name). Simple and relaxed
//! patterns escape their literals, `kind=regex` uses them as written.
//!
//! Greediness follows the Kusto docs' examples: in simple and relaxed mode `*` and string
//! columns take as little as they can (a firewall line's `". Action: " Action "."` stops at the
//! first dot); in `kind=regex` they take as much as they can unless `flags=U` makes them lazy.
//! Typed captures match their type's text in simple and regex mode, where a value that does not
//! fit fails the row; relaxed mode captures any text and nulls only the value that does not
//! convert.

use super::expr::{type_named, Ctx};
use super::join::param_text;
use super::naming::Projection;
use super::ops::{projection, Out};
use super::scope::{Rel, Scope};
use super::Binder;
use crate::ast::{Expr, Ident, ParseItem, Span};
use crate::error::Error;
use crate::plan::{BoundExpr, ExprNode, Node, ParsePattern, Plan};
use crate::table::{Field, Schema, Type};
use std::sync::Arc;

/// How a pattern reads its text: `kind=simple` (the default), `relaxed` or `regex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseKind {
    Simple,
    Relaxed,
    Regex,
}

/// The regex text (without its group parentheses) a capture of `ty` matches.
fn capture_body(ty: Type, kind: ParseKind) -> &'static str {
    let any = if kind == ParseKind::Regex {
        ".*"
    } else {
        ".*?"
    };
    if kind == ParseKind::Relaxed {
        return any;
    }
    match ty {
        Type::Int | Type::Long => r"-?\d+",
        Type::Real => r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?",
        Type::Bool => "true|false|True|False|TRUE|FALSE|0|1",
        _ => any,
    }
}

/// Compile a pattern: anchored at the start; a last capture with nothing after it takes the
/// rest of the text (anchored at the end, so `flags=U` cannot make it stop early).
pub fn compile(items: &[ParseItem], kind: ParseKind, flags: &str) -> Result<ParsePattern, String> {
    let mut regex = String::new();
    let flags: String = flags
        .chars()
        .filter(|c| matches!(c, 'i' | 'm' | 's' | 'U'))
        .collect();
    if !flags.is_empty() {
        regex.push_str(&format!("(?{flags})"));
    }
    regex.push('^');
    let mut captures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let last = i + 1 == items.len();
        match item {
            ParseItem::Literal(text) if kind == ParseKind::Regex => regex.push_str(text),
            ParseItem::Literal(text) => regex.push_str(&regex::escape(text)),
            ParseItem::Wildcard if kind == ParseKind::Regex => regex.push_str(".*"),
            ParseItem::Wildcard => regex.push_str(".*?"),
            ParseItem::Capture { name, ty } => {
                let ty = match ty {
                    Some(t) => type_named(t).map_err(|e| e.kind.to_string())?,
                    None => Type::String,
                };
                let body = capture_body(ty, kind);
                // Name the group after its column when the name can be a group name, so groups
                // the user's own regex (`kind=regex`) opens cannot shift the numbering.
                let nameable = crate::ast::is_identifier(&name.name)
                    && !captures.iter().any(|(n, _)| *n == name.name);
                if nameable {
                    regex.push_str(&format!("(?P<{}>{body})", name.name));
                } else {
                    regex.push_str(&format!("({body})"));
                }
                if last {
                    regex.push('$');
                }
                captures.push((name.name.clone(), ty));
            }
        }
    }
    regex::Regex::new(&regex)
        .map_err(|e| format!("the parse pattern is not a valid regex: {e}"))?;
    Ok(ParsePattern {
        regex,
        captures,
        strict: kind != ParseKind::Relaxed,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn parse(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    params: &[(Ident, Expr)],
    source: &Expr,
    pattern: &[ParseItem],
    where_only: bool,
    span: Span,
) -> Result<Rel, Error> {
    let kind = match param_text(params, "kind") {
        None => ParseKind::Simple,
        Some((k, _)) if k == "simple" => ParseKind::Simple,
        Some((k, _)) if k == "relaxed" => ParseKind::Relaxed,
        Some((k, _)) if k == "regex" => ParseKind::Regex,
        Some((k, at)) => {
            return Err(Error::semantic(format!("unknown parse kind `{k}`"), at)
                .with_help("parse kinds are simple, regex and relaxed"))
        }
    };
    let flags = param_text(params, "flags")
        .map(|(f, _)| f)
        .unwrap_or_default();
    let compiled = compile(pattern, kind, &flags).map_err(|m| Error::semantic(m, span))?;
    let mut bound = b.expr(&mut Ctx::new(scope, input.schema()), source)?;
    if bound.ty != Type::String {
        bound = to_string(bound)?;
    }
    let width = input.schema().len();
    let mut fields = input.schema().fields.to_vec();
    fields.extend(
        compiled
            .captures
            .iter()
            .map(|(n, t)| Field::new(format!("\u{0}capture {n}"), *t)),
    );
    let mut hidden = input.hidden.clone();
    hidden.extend(compiled.captures.iter().map(|_| false));
    // A capture named like an input column replaces it; new names are appended.
    let mut out: Projection<Out> = Projection::default();
    for (i, f) in input.schema().fields.iter().enumerate() {
        out.add(
            &f.name,
            (BoundExpr::column(i, f.ty, Span::default()), input.hidden[i]),
            false,
        );
    }
    for (k, (name, ty)) in compiled.captures.iter().enumerate() {
        out.add(name, (BoundExpr::column(width + k, *ty, span), false), true);
    }
    let parsed = Rel {
        plan: Plan {
            node: Node::Parse {
                input: Arc::new(input.plan),
                source: bound,
                pattern: compiled,
                where_only,
            },
            schema: Schema::new(fields),
        },
        hidden,
    };
    Ok(projection(parsed, out.columns))
}

/// Parse reads text: other values are converted with `tostring()`.
fn to_string(e: BoundExpr) -> Result<BoundExpr, Error> {
    let span = e.span;
    match crate::func::scalar::lookup("tostring", &[e.as_arg()]) {
        Ok((func, ty)) => Ok(BoundExpr {
            kind: ExprNode::Call {
                func,
                args: vec![e],
            },
            ty,
            span,
        }),
        Err(_) => Err(Error::semantic(
            format!("parse needs a string, this is {}", e.ty),
            span,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Ident;

    fn capture(name: &str, ty: Option<&str>) -> ParseItem {
        ParseItem::Capture {
            name: Ident {
                name: name.into(),
                span: Span::default(),
            },
            ty: ty.map(|t| Ident {
                name: t.into(),
                span: Span::default(),
            }),
        }
    }

    #[test]
    fn simple_patterns_escape_literals_and_end_greedy() {
        let items = vec![
            ParseItem::Wildcard,
            ParseItem::Literal("src=".into()),
            capture("ip", None),
            ParseItem::Literal(" port=".into()),
            capture("port", Some("long")),
            ParseItem::Literal(" (".into()),
            capture("rest", None),
        ];
        let p = compile(&items, ParseKind::Simple, "").unwrap();
        assert_eq!(
            p.regex,
            r"^.*?src=(?P<ip>.*?) port=(?P<port>-?\d+) \((?P<rest>.*?)$"
        );
        assert!(p.strict);
        assert_eq!(p.captures[1], ("port".to_string(), Type::Long));
        let re = regex::Regex::new(&p.regex).unwrap();
        let m = re.captures("x src=1.2.3.4 port=80 (a) b").unwrap();
        assert_eq!(&m[1], "1.2.3.4");
        assert_eq!(&m[2], "80");
        assert_eq!(&m[3], "a) b");
    }

    #[test]
    fn regex_kind_keeps_the_user_regex() {
        let items = vec![ParseItem::Literal(r"\d+ ".into()), capture("w", None)];
        let p = compile(&items, ParseKind::Regex, "i").unwrap();
        assert_eq!(p.regex, r"(?i)^\d+ (?P<w>.*)$");
        assert!(compile(&[ParseItem::Literal("(".into())], ParseKind::Regex, "").is_err());
    }

    #[test]
    fn regex_kind_is_greedy_unless_flag_u() {
        // The Kusto docs' example: `* "resourceName=" resourceName ',' *` takes up to the last
        // comma, and up to the first with flags=U.
        let items = vec![
            ParseItem::Wildcard,
            ParseItem::Literal("name=".into()),
            capture("name", None),
            ParseItem::Literal(",".into()),
            ParseItem::Wildcard,
        ];
        let text = "x name=a, b=1, c=2)";
        for (flags, want) in [("", "a, b=1"), ("U", "a")] {
            let p = compile(&items, ParseKind::Regex, flags).unwrap();
            let re = regex::Regex::new(&p.regex).unwrap();
            assert_eq!(&re.captures(text).unwrap()["name"], want, "flags {flags:?}");
        }
    }

    #[test]
    fn relaxed_captures_any_text_for_typed_columns() {
        let items = vec![
            ParseItem::Literal("n=".into()),
            capture("n", Some("long")),
            ParseItem::Literal(" d=".into()),
            capture("d", None),
        ];
        let p = compile(&items, ParseKind::Relaxed, "").unwrap();
        assert!(!p.strict);
        let re = regex::Regex::new(&p.regex).unwrap();
        let m = re.captures("n=x d=7").unwrap();
        assert_eq!((&m["n"], &m["d"]), ("x", "7"));
    }
}
