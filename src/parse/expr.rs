//! Expressions: the precedence table (one PrattParser) and the walk from the grammar's flat
//! `expr` pairs to nested `ast::Expr`, plus the places where a pipeline stands for a scalar
//! (`let` values, call arguments, `in (…)` lists).

use super::{ident, literal, next, span_of, syntax, tabular, Result, Rule};
use crate::ast::{
    BinaryOp, Expr, ExprKind, Ident, Literal, NamedExpr, Source, SourceKind, StringOp, StringOpKind,
};
use crate::error::Error;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

/// Lowest to highest. Every binary operator is left-associative; `in`, `between` and
/// `has_any` are postfix operators (their operand list is part of the operator) at the level of
/// the comparisons; unary minus binds tighter than any binary operator, and indexing and
/// member access tighter still.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    use Assoc::Left;
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Left))
        .op(Op::infix(Rule::op_and, Left))
        .op(Op::infix(Rule::op_compare, Left)
            | Op::infix(Rule::op_string, Left)
            | Op::postfix(Rule::in_list)
            | Op::postfix(Rule::has_list)
            | Op::postfix(Rule::between))
        .op(Op::infix(Rule::op_add, Left) | Op::infix(Rule::op_sub, Left))
        .op(Op::infix(Rule::op_mul, Left)
            | Op::infix(Rule::op_div, Left)
            | Op::infix(Rule::op_mod, Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::postfix(Rule::index) | Op::postfix(Rule::member))
});

/// An `expr` pair.
pub(super) fn expr(pair: Pair<Rule>) -> Result<Expr> {
    debug_assert_eq!(pair.as_rule(), Rule::expr);
    PRATT
        .map_primary(primary)
        .map_prefix(|op, operand| {
            let operand = operand?;
            Ok(negate(operand, span_of(&op)))
        })
        .map_infix(|left, op, right| {
            let (left, right) = (left?, right?);
            let span = left.span.to(right.span);
            let op = binary_op(&op);
            Ok(Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                span,
            })
        })
        .map_postfix(|operand, op| postfix(operand?, op))
        .parse(pair.into_inner())
}

/// `-x`; a minus before a number, timespan literal folds into the literal (so `-5` is the
/// literal -5 and `long` min is writable).
fn negate(operand: Expr, op_span: crate::ast::Span) -> Expr {
    let span = op_span.to(operand.span);
    let folded = match &operand.kind {
        ExprKind::Literal(Literal::Long(v)) => v.checked_neg().map(Literal::Long),
        ExprKind::Literal(Literal::Int(v)) => v.checked_neg().map(Literal::Int),
        ExprKind::Literal(Literal::Real(v)) => Some(Literal::Real(-v)),
        ExprKind::Literal(Literal::TimeSpan(v)) => v.checked_neg().map(Literal::TimeSpan),
        _ => None,
    };
    match folded {
        Some(lit) => Expr {
            kind: ExprKind::Literal(lit),
            span,
        },
        None => Expr {
            kind: ExprKind::Neg(Box::new(operand)),
            span,
        },
    }
}

fn binary_op(op: &Pair<Rule>) -> BinaryOp {
    match op.as_rule() {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        Rule::op_mod => BinaryOp::Mod,
        Rule::op_compare => match op.as_str() {
            "==" => BinaryOp::Eq,
            "!=" | "<>" => BinaryOp::NotEq,
            "<" => BinaryOp::Lt,
            "<=" => BinaryOp::LtEq,
            ">" => BinaryOp::Gt,
            ">=" => BinaryOp::GtEq,
            "=~" => string_op(StringOpKind::Equals, false, false),
            "!~" => string_op(StringOpKind::Equals, false, true),
            other => unreachable!("comparison {other}"),
        },
        Rule::op_string => {
            let text = op.as_str();
            if text.starts_with("matches") {
                return string_op(StringOpKind::MatchesRegex, true, false);
            }
            let negated = text.starts_with('!');
            let word = text.trim_start_matches('!');
            let case_sensitive = word.ends_with("_cs");
            let kind = match word.trim_end_matches("_cs") {
                "contains" => StringOpKind::Contains,
                "has" => StringOpKind::Has,
                "hasprefix" => StringOpKind::HasPrefix,
                "hassuffix" => StringOpKind::HasSuffix,
                "startswith" => StringOpKind::StartsWith,
                "endswith" => StringOpKind::EndsWith,
                other => unreachable!("string operator {other}"),
            };
            string_op(kind, case_sensitive, negated)
        }
        rule => unreachable!("infix {rule:?}"),
    }
}

fn string_op(kind: StringOpKind, case_sensitive: bool, negated: bool) -> BinaryOp {
    BinaryOp::Str(StringOp {
        kind,
        case_sensitive,
        negated,
    })
}

fn postfix(operand: Expr, op: Pair<Rule>) -> Result<Expr> {
    let span = operand.span.to(span_of(&op));
    let kind = match op.as_rule() {
        Rule::index => ExprKind::Index {
            expr: Box::new(operand),
            index: Box::new(expr(next(&mut op.into_inner()))?),
        },
        Rule::member => ExprKind::Member {
            expr: Box::new(operand),
            name: ident(next(&mut op.into_inner()))?,
        },
        Rule::in_list => {
            let mut inner = op.into_inner();
            let word = next(&mut inner).as_str();
            let list = inner.map(pipeline_expr).collect::<Result<_>>()?;
            ExprKind::In {
                expr: Box::new(operand),
                list,
                negated: word.starts_with('!'),
                case_insensitive: word.ends_with('~'),
            }
        }
        Rule::has_list => {
            let mut inner = op.into_inner();
            let word = next(&mut inner);
            let kind = if word.as_str() == "has_any" {
                StringOpKind::HasAny
            } else {
                StringOpKind::HasAll
            };
            let list_span = crate::ast::Span::new(span_of(&word).end, span.end);
            let mut items: Vec<Expr> = inner.map(pipeline_expr).collect::<Result<_>>()?;
            // One item that is not a scalar literal (a `let` list, a dynamic, a subquery) is the
            // list itself; anything else is packed into an array.
            let scalar_literal = |e: &Expr| matches!(&e.kind, ExprKind::Literal(l) if !matches!(l, Literal::Dynamic(_)));
            let right = if items.len() == 1 && !scalar_literal(&items[0]) {
                items.remove(0)
            } else {
                Expr {
                    kind: ExprKind::Call {
                        name: Ident {
                            name: "pack_array".into(),
                            span: list_span,
                        },
                        args: items,
                    },
                    span: list_span,
                }
            };
            ExprKind::Binary {
                op: string_op(kind, false, false),
                left: Box::new(operand),
                right: Box::new(right),
            }
        }
        Rule::between => {
            let mut inner = op.into_inner();
            let negated = next(&mut inner).as_str().starts_with('!');
            ExprKind::Between {
                expr: Box::new(operand),
                low: Box::new(expr(next(&mut inner))?),
                high: Box::new(expr(next(&mut inner))?),
                negated,
            }
        }
        rule => unreachable!("postfix {rule:?}"),
    };
    Ok(Expr { kind, span })
}

fn primary(pair: Pair<Rule>) -> Result<Expr> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::name => ExprKind::Name(ident(pair)?.name),
        Rule::call => {
            let (name, args) = call_parts(pair)?;
            ExprKind::Call { name, args }
        }
        Rule::paren => {
            return pipeline_expr(next(&mut pair.into_inner())).map(|e| Expr { span, ..e })
        }
        Rule::type_of => {
            let ty = pair
                .into_inner()
                .find(|p| p.as_rule() == Rule::type_name)
                .expect("grammar guarantees a type");
            ExprKind::Type(super::type_ident(&ty))
        }
        Rule::join_side => {
            let mut inner = pair.into_inner();
            let right = next(&mut inner).as_str() == "right";
            ExprKind::JoinSide {
                right,
                column: ident(next(&mut inner))?,
            }
        }
        _ => ExprKind::Literal(literal::literal(pair)?),
    };
    Ok(Expr { kind, span })
}

/// A call's name and arguments; arguments may be `*`, `name = value`, or whole pipelines.
pub(super) fn call_parts(pair: Pair<Rule>) -> Result<(Ident, Vec<Expr>)> {
    let mut inner = pair.into_inner();
    let name = ident(next(&mut inner))?;
    let args = inner.map(argument).collect::<Result<_>>()?;
    Ok((name, args))
}

fn argument(pair: Pair<Rule>) -> Result<Expr> {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::star_arg => Ok(Expr {
            kind: ExprKind::Star,
            span,
        }),
        Rule::named_arg => {
            let mut inner = pair.into_inner();
            let name = ident(next(&mut inner))?;
            let value = expr(next(&mut inner))?;
            Ok(Expr {
                kind: ExprKind::NamedArg {
                    name,
                    value: Box::new(value),
                },
                span,
            })
        }
        Rule::pipeline => pipeline_expr(pair),
        rule => unreachable!("argument {rule:?}"),
    }
}

/// `a`, `name = a`, `(a, b) = f(x)`
pub(super) fn named_expr(pair: Pair<Rule>) -> Result<NamedExpr> {
    let mut names = Vec::new();
    let mut value = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::assign_names => {
                names = p.into_inner().map(ident).collect::<Result<_>>()?;
            }
            Rule::expr => value = Some(expr(p)?),
            rule => unreachable!("named expr {rule:?}"),
        }
    }
    Ok(NamedExpr {
        names,
        expr: value.expect("grammar guarantees an expression"),
    })
}

/// Whether a pipeline is just an expression: no `|` steps and an expression as its source.
pub(super) fn is_plain_expr(pair: &Pair<Rule>) -> bool {
    let mut inner = pair.clone().into_inner();
    let first = inner.next().map(|p| p.as_rule());
    first == Some(Rule::expr) && inner.next().is_none()
}

/// A pipeline where a scalar may stand: with no steps over an expression it is that expression
/// (parentheses dropped), otherwise it is `ExprKind::Tabular`.
pub(super) fn pipeline_expr(pair: Pair<Rule>) -> Result<Expr> {
    if is_plain_expr(&pair) {
        return expr(next(&mut pair.into_inner()));
    }
    let span = span_of(&pair);
    Ok(Expr {
        kind: ExprKind::Tabular(Box::new(tabular(pair)?)),
        span,
    })
}

/// An expression standing as a pipeline's source: a table name, a call, or a parenthesised
/// pipeline. Anything else is a scalar where a table is needed.
pub(super) fn expr_source(pair: Pair<Rule>) -> Result<Source> {
    let span = span_of(&pair);
    let mut inner: Pairs<Rule> = pair.clone().into_inner();
    let only = next(&mut inner);
    let kind = match (only.as_rule(), inner.next()) {
        (Rule::name, None) => SourceKind::Name(ident(only)?),
        (Rule::call, None) => {
            let (name, args) = call_parts(only)?;
            SourceKind::Call { name, args }
        }
        (Rule::paren, None) => SourceKind::Paren(Box::new(tabular(next(&mut only.into_inner()))?)),
        _ => return Err(not_tabular(&pair)),
    };
    Ok(Source { kind, span })
}

fn not_tabular(pair: &Pair<Rule>) -> Error {
    let text = pair.as_str();
    let found = match text.char_indices().nth(40) {
        Some((i, _)) => format!("`{}…`", &text[..i]),
        None => format!("`{text}`"),
    };
    syntax(
        "a tabular expression (a table name, `datatable`, `print`, `range`, or `union`)",
        format!("the scalar expression {found}"),
        span_of(pair),
    )
}
