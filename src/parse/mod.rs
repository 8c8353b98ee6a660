//! KQL text → `ast::Query`. The pest grammar (`grammar/kql.pest`) decides the shape; this module
//! and its children walk the pairs into the AST: statements and sources here, operators in
//! `operator`, expressions and the precedence table in `expr`, literal values in `literal`, and
//! the translation of pest's errors into words in `error`.

mod error;
mod expr;
mod limits;
mod literal;
mod operator;

pub use error::OPERATOR_NAMES;

use crate::ast::{
    FunctionDef, Ident, LetValue, Param, ParamType, Query, Source, SourceKind, Span, Statement,
    StatementKind, TabularExpr, UnionSpec, UnionTable,
};
use crate::error::{Error, ErrorKind};
use pest::iterators::{Pair, Pairs};
use pest::Parser;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "grammar/kql.pest"]
struct KqlParser;

/// Parse a whole query.
pub fn parse(source: &str) -> Result<Query, Error> {
    limits::check(source)?;
    // Detailed attempts let errors name the punctuation that was expected (`(`, `,`, `|`).
    pest::set_error_detail(true);
    let mut pairs =
        KqlParser::parse(Rule::query, source).map_err(|e| error::syntax_error(source, &e))?;
    let query = next(&mut pairs);
    let span = span_of(&query);
    let statements = query
        .into_inner()
        .filter(|p| p.as_rule() != Rule::EOI)
        .map(statement)
        .collect::<Result<_, _>>()?;
    Ok(Query { statements, span })
}

type Result<T, E = Error> = std::result::Result<T, E>;

/// The byte span of a pair.
fn span_of(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// The next child, which the grammar guarantees is there.
fn next<'i>(pairs: &mut Pairs<'i, Rule>) -> Pair<'i, Rule> {
    pairs.next().expect("grammar guarantees a child")
}

/// A syntax error at `span`, for faults the grammar cannot see (bad literal values and the like).
fn syntax(expected: impl Into<String>, found: impl Into<String>, span: Span) -> Error {
    Error::at(
        ErrorKind::Syntax {
            expected: expected.into(),
            found: found.into(),
        },
        span,
    )
}

fn statement(pair: Pair<Rule>) -> Result<Statement> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::let_stmt => let_statement(pair)?,
        Rule::declare_stmt => {
            let params = pair
                .into_inner()
                .filter(|p| p.as_rule() == Rule::param)
                .map(param)
                .collect::<Result<_>>()?;
            StatementKind::DeclareParameters(params)
        }
        Rule::set_stmt => {
            let name = pair
                .into_inner()
                .find(|p| p.as_rule() == Rule::option_name)
                .expect("grammar guarantees an option name");
            StatementKind::Set {
                name: Ident {
                    name: name.as_str().to_string(),
                    span: span_of(&name),
                },
            }
        }
        Rule::pipeline => StatementKind::Tabular(tabular(pair)?),
        rule => unreachable!("statement {rule:?}"),
    };
    Ok(Statement { kind, span })
}

fn let_statement(pair: Pair<Rule>) -> Result<StatementKind> {
    let mut inner = pair.into_inner();
    let _let = next(&mut inner);
    let name = ident(next(&mut inner))?;
    let value = next(&mut inner);
    let value = match value.as_rule() {
        Rule::function_def => LetValue::Function(function_def(value)?),
        Rule::pipeline => LetValue::Expr(expr::pipeline_expr(value)?),
        rule => unreachable!("let value {rule:?}"),
    };
    Ok(StatementKind::Let { name, value })
}

fn function_def(pair: Pair<Rule>) -> Result<FunctionDef> {
    let span = span_of(&pair);
    let mut is_view = false;
    let mut params = Vec::new();
    let mut body = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_view => is_view = true,
            Rule::param => params.push(param(p)?),
            Rule::body => body = function_body(p)?,
            rule => unreachable!("function {rule:?}"),
        }
    }
    Ok(FunctionDef {
        params,
        body,
        is_view,
        span,
    })
}

/// `let` statements, then the result: a tabular statement when it has `|` steps or a tabular
/// source, else an expression statement the binder classifies (`{ x * 2 }`, `{ T }`).
fn function_body(pair: Pair<Rule>) -> Result<Vec<Statement>> {
    pair.into_inner()
        .map(|p| {
            let span = span_of(&p);
            let kind = match p.as_rule() {
                Rule::let_stmt => let_statement(p)?,
                Rule::pipeline if expr::is_plain_expr(&p) => {
                    StatementKind::Expr(expr::pipeline_expr(p)?)
                }
                Rule::pipeline => StatementKind::Tabular(tabular(p)?),
                rule => unreachable!("body {rule:?}"),
            };
            Ok(Statement { kind, span })
        })
        .collect()
}

fn param(pair: Pair<Rule>) -> Result<Param> {
    let mut inner = pair.into_inner();
    let name = ident(next(&mut inner))?;
    let ty = next(&mut inner);
    let ty = match ty.as_rule() {
        Rule::type_name => ParamType::Scalar(type_ident(&ty)),
        Rule::tabular_type => {
            let mut columns = Vec::new();
            let mut any = false;
            for c in ty.into_inner() {
                match c.as_rule() {
                    Rule::column_def => columns.push(column_def(c)?),
                    Rule::any_columns => any = true,
                    rule => unreachable!("tabular type {rule:?}"),
                }
            }
            ParamType::Tabular { columns, any }
        }
        rule => unreachable!("param type {rule:?}"),
    };
    let default = inner.next().map(expr::expr).transpose()?;
    Ok(Param { name, ty, default })
}

/// `name:type`
fn column_def(pair: Pair<Rule>) -> Result<(Ident, Ident)> {
    let mut inner = pair.into_inner();
    let name = ident(next(&mut inner))?;
    let ty = type_ident(&next(&mut inner));
    Ok((name, ty))
}

fn type_ident(pair: &Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

/// A `name` pair (a plain identifier or `['bracketed']`) as an `Ident`.
fn ident(pair: Pair<Rule>) -> Result<Ident> {
    let span = span_of(&pair);
    let inner = match pair.as_rule() {
        Rule::name => next(&mut pair.into_inner()),
        _ => pair,
    };
    let name = match inner.as_rule() {
        Rule::ident | Rule::member_name | Rule::type_name => inner.as_str().to_string(),
        Rule::bracketed_name => literal::string_part(next(&mut inner.into_inner()))?,
        rule => unreachable!("name {rule:?}"),
    };
    Ok(Ident { name, span })
}

/// A pipeline in a position that needs a table: a statement, a join's right side, `union`.
fn tabular(pair: Pair<Rule>) -> Result<TabularExpr> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let source = source(next(&mut inner))?;
    let ops = inner.map(operator::operator).collect::<Result<_>>()?;
    Ok(TabularExpr { source, ops, span })
}

fn source(pair: Pair<Rule>) -> Result<Source> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::datatable => {
            let mut columns = Vec::new();
            let mut values = Vec::new();
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::kw_datatable => {}
                    Rule::column_def => columns.push(column_def(p)?),
                    Rule::expr => values.push(expr::expr(p)?),
                    rule => unreachable!("datatable {rule:?}"),
                }
            }
            SourceKind::Datatable { columns, values }
        }
        Rule::print_source => SourceKind::Print(
            pair.into_inner()
                .skip(1)
                .map(expr::named_expr)
                .collect::<Result<_>>()?,
        ),
        Rule::range_source => {
            let mut inner = pair
                .into_inner()
                .filter(|p| matches!(p.as_rule(), Rule::name | Rule::expr));
            SourceKind::Range {
                name: ident(next_filtered(&mut inner))?,
                from: expr::expr(next_filtered(&mut inner))?,
                to: expr::expr(next_filtered(&mut inner))?,
                step: expr::expr(next_filtered(&mut inner))?,
            }
        }
        Rule::union_source => {
            let body = pair
                .into_inner()
                .find(|p| p.as_rule() == Rule::union_body)
                .expect("grammar guarantees a union body");
            SourceKind::Union(union_body(body)?)
        }
        Rule::externaldata => {
            let (mut columns, mut uris, mut options) = (Vec::new(), Vec::new(), Vec::new());
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::kw_externaldata | Rule::kw_with => {}
                    Rule::column_def => columns.push(column_def(p)?),
                    Rule::expr => uris.push(expr::expr(p)?),
                    Rule::option => {
                        let mut inner = p.into_inner();
                        let name = ident(next(&mut inner))?;
                        options.push((name, expr::expr(next(&mut inner))?));
                    }
                    rule => unreachable!("externaldata {rule:?}"),
                }
            }
            SourceKind::ExternalData {
                columns,
                uris,
                options,
            }
        }
        Rule::expr => return expr::expr_source(pair),
        rule => unreachable!("source {rule:?}"),
    };
    Ok(Source { kind, span })
}

fn next_filtered<'i>(pairs: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Pair<'i, Rule> {
    pairs.next().expect("grammar guarantees a child")
}

/// `withsource=T kind=outer A, (B | …), f(1), AZFW*`
fn union_body(pair: Pair<Rule>) -> Result<UnionSpec> {
    let mut params = Vec::new();
    let mut tables = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::union_param => params.push(operator::param(p)?),
            Rule::sub_query => tables.push(UnionTable::Expr(sub_query(p)?)),
            Rule::call => {
                let span = span_of(&p);
                let (name, args) = expr::call_parts(p)?;
                tables.push(UnionTable::Expr(TabularExpr {
                    source: Source {
                        kind: SourceKind::Call { name, args },
                        span,
                    },
                    ops: Vec::new(),
                    span,
                }));
            }
            Rule::table_pattern => {
                let span = span_of(&p);
                let inner = next(&mut p.into_inner());
                let name = match inner.as_rule() {
                    Rule::pattern_word => inner.as_str().to_string(),
                    _ => ident(inner)?.name,
                };
                tables.push(UnionTable::Pattern(Ident { name, span }));
            }
            rule => unreachable!("union {rule:?}"),
        }
    }
    Ok(UnionSpec { params, tables })
}

/// `( T | … )` → the pipeline inside.
fn sub_query(pair: Pair<Rule>) -> Result<TabularExpr> {
    tabular(next(&mut pair.into_inner()))
}

/// A `table_ref` (a name or a call) as a pipeline with no steps.
fn table_ref(pair: Pair<Rule>) -> Result<TabularExpr> {
    let span = span_of(&pair);
    let inner = next(&mut pair.into_inner());
    let kind = match inner.as_rule() {
        Rule::call => {
            let (name, args) = expr::call_parts(inner)?;
            SourceKind::Call { name, args }
        }
        Rule::name => SourceKind::Name(ident(inner)?),
        rule => unreachable!("table ref {rule:?}"),
    };
    Ok(TabularExpr {
        source: Source { kind, span },
        ops: Vec::new(),
        span,
    })
}

#[cfg(test)]
mod tests;
