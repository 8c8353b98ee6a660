//! Tabular operators: one `| step` pair → one `ast::Operator`.

use super::expr::{call_parts, expr, named_expr};
use super::{
    ident, literal, next, span_of, sub_query, table_ref, type_ident, union_body, Result, Rule,
};
use crate::ast::{
    ColumnPattern, Expr, ExprKind, Ident, JoinCondition, Literal, MakeSeries, MvExpand,
    MvExpandItem, NamedExpr, NullsOrder, Operator, OperatorKind, ParseItem, SortKey, SortOrder,
    Source, SourceKind, Span, TabularExpr, TopNestedLevel,
};
use crate::error::Error;
use pest::iterators::Pair;

pub(super) fn operator(pair: Pair<Rule>) -> Result<Operator> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    // Every operator starts with its keyword; the rest are its parts.
    let mut parts = pair.into_inner();
    let keyword = if rule != Rule::top_nested_op {
        parts.next().map(|k| k.as_str())
    } else {
        None
    };
    let kind = match rule {
        Rule::where_op => OperatorKind::Where(expr(next(&mut parts))?),
        Rule::project_op => OperatorKind::Project(named_exprs(parts)?),
        Rule::extend_op => OperatorKind::Extend(named_exprs(parts)?),
        Rule::project_away_op => OperatorKind::ProjectAway(patterns(parts)?),
        Rule::project_keep_op => OperatorKind::ProjectKeep(patterns(parts)?),
        Rule::project_rename_op => OperatorKind::ProjectRename(
            parts
                .map(|p| {
                    let mut inner = p.into_inner();
                    Ok((ident(next(&mut inner))?, ident(next(&mut inner))?))
                })
                .collect::<Result<_>>()?,
        ),
        Rule::project_reorder_op => OperatorKind::ProjectReorder(
            parts
                .map(|p| {
                    let mut inner = p.into_inner();
                    let pattern = column_pattern(next(&mut inner))?;
                    let order = inner.next().map(|o| {
                        if o.as_str().ends_with("desc") {
                            SortOrder::Desc
                        } else {
                            SortOrder::Asc
                        }
                    });
                    Ok((pattern, order))
                })
                .collect::<Result<_>>()?,
        ),
        Rule::summarize_op => {
            let mut aggregates = Vec::new();
            let mut by = Vec::new();
            for p in parts {
                match p.as_rule() {
                    Rule::hint_param => {}
                    Rule::aggregates => aggregates = named_exprs(p.into_inner())?,
                    Rule::summarize_by => by = named_exprs(p.into_inner().skip(1))?,
                    rule => unreachable!("summarize {rule:?}"),
                }
            }
            OperatorKind::Summarize { aggregates, by }
        }
        Rule::sort_op => OperatorKind::Sort(
            parts
                .filter(|p| p.as_rule() == Rule::sort_key)
                .map(sort_key)
                .collect::<Result<_>>()?,
        ),
        Rule::take_op => OperatorKind::Take(last_expr(parts)?),
        Rule::top_op => {
            let mut count = None;
            let mut by = Vec::new();
            for p in parts {
                match p.as_rule() {
                    Rule::expr => count = Some(expr(p)?),
                    // Kusto's `top` takes one sort expression; Kusto.Language rejects a second
                    // (`top 3 by a, b`: "The incomplete fragment is unexpected").
                    Rule::sort_key if !by.is_empty() => {
                        return Err(Error::semantic(
                            "`top` takes one sort expression",
                            span_of(&p),
                        )
                        .with_help("to order by several columns use `sort by a, b | take N`"));
                    }
                    Rule::sort_key => by.push(sort_key(p)?),
                    _ => {}
                }
            }
            OperatorKind::Top {
                count: count.expect("grammar guarantees a count"),
                by,
            }
        }
        Rule::count_op => OperatorKind::Count,
        Rule::distinct_op => OperatorKind::Distinct(
            parts
                .filter(|p| p.as_rule() != Rule::hint_param)
                .map(|p| match p.as_rule() {
                    Rule::star => Ok(NamedExpr {
                        names: Vec::new(),
                        expr: Expr {
                            kind: ExprKind::Star,
                            span: span_of(&p),
                        },
                    }),
                    _ => named_expr(p),
                })
                .collect::<Result<_>>()?,
        ),
        Rule::union_op => OperatorKind::Union(union_body(next(&mut parts))?),
        Rule::mv_expand_op => {
            let (params, items, mut limit, _) = mv_parts(parts)?;
            // The legacy spelling `mvexpand` stops at 128 rows per input row unless it says
            // otherwise (https://learn.microsoft.com/azure/data-explorer/kusto/query/mvexpandoperator).
            if limit.is_none() && keyword.is_some_and(|k| k.eq_ignore_ascii_case("mvexpand")) {
                limit = Some(Expr {
                    kind: ExprKind::Literal(Literal::Long(128)),
                    span,
                });
            }
            OperatorKind::MvExpand(MvExpand {
                params,
                items,
                limit,
            })
        }
        Rule::mv_apply_op => {
            let (params, items, limit, body) = mv_parts(parts)?;
            let item_index = params
                .into_iter()
                .find(|(k, _)| k.name == "with_itemindex")
                .and_then(|(_, v)| match v.kind {
                    ExprKind::Name(name) => Some(Ident { name, span: v.span }),
                    _ => None,
                });
            OperatorKind::MvApply {
                items,
                limit,
                item_index,
                body: Box::new(body.expect("grammar guarantees an mv-apply body")),
            }
        }
        Rule::getschema_op => OperatorKind::GetSchema,
        Rule::serialize_op => OperatorKind::Serialize(named_exprs(parts)?),
        Rule::as_op => OperatorKind::As(ident(
            parts
                .find(|p| p.as_rule() == Rule::name)
                .expect("grammar guarantees a name"),
        )?),
        Rule::render_op => {
            let kind = type_ident(&next(&mut parts));
            let properties = parts
                .filter(|p| p.as_rule() == Rule::render_prop)
                .map(render_property)
                .collect::<Result<_>>()?;
            OperatorKind::Render { kind, properties }
        }
        Rule::join_op | Rule::lookup_op => {
            let mut params = Vec::new();
            let mut right = None;
            let mut on = Vec::new();
            for p in parts {
                match p.as_rule() {
                    Rule::join_param => params.push(param(p)?),
                    Rule::join_right => {
                        let inner = next(&mut p.into_inner());
                        right = Some(match inner.as_rule() {
                            Rule::sub_query => sub_query(inner)?,
                            _ => table_ref(inner)?,
                        });
                    }
                    Rule::join_on => join_conditions(p, &mut on)?,
                    rule => unreachable!("join {rule:?}"),
                }
            }
            let right = Box::new(right.expect("grammar guarantees a right side"));
            if rule == Rule::join_op {
                OperatorKind::Join { params, right, on }
            } else {
                OperatorKind::Lookup { params, right, on }
            }
        }
        Rule::parse_op | Rule::parse_where_op => {
            let mut params = Vec::new();
            let mut source = None;
            let mut pattern = Vec::new();
            for p in parts {
                match p.as_rule() {
                    Rule::parse_param => params.push(param(p)?),
                    Rule::expr => source = Some(expr(p)?),
                    Rule::kw_with => {}
                    Rule::string => pattern.push(ParseItem::Literal(literal::string(p)?)),
                    Rule::star => pattern.push(ParseItem::Wildcard),
                    Rule::parse_capture => {
                        let mut inner = p.into_inner();
                        let name_pair = next(&mut inner);
                        let bare = name_pair.as_str() == name_pair.as_str().trim_start_matches('[');
                        let name = ident(name_pair)?;
                        if bare && needs_brackets_in_parse(&name.name) {
                            return Err(Error::semantic(
                                format!(
                                    "the name `{0}` needs to be bracketed as ['{0}'] to be used \
                                     as a parse column",
                                    name.name
                                ),
                                name.span,
                            )
                            .with_help(format!("write ['{}']", name.name)));
                        }
                        let ty = inner.next().map(|t| type_ident(&t));
                        pattern.push(ParseItem::Capture { name, ty });
                    }
                    rule => unreachable!("parse {rule:?}"),
                }
            }
            OperatorKind::Parse {
                params,
                source: source.expect("grammar guarantees a source"),
                pattern,
                where_only: rule == Rule::parse_where_op,
            }
        }
        Rule::make_series_op => OperatorKind::MakeSeries(make_series(parts)?),
        Rule::top_nested_op => {
            OperatorKind::TopNested(parts.map(top_nested_level).collect::<Result<_>>()?)
        }
        Rule::invoke_op => {
            let (name, args) = call_parts(next(&mut parts))?;
            OperatorKind::Invoke { name, args }
        }
        Rule::sample_op => OperatorKind::Sample(expr(next(&mut parts))?),
        Rule::evaluate_op => {
            let call = parts
                .find(|p| p.as_rule() == Rule::call)
                .expect("grammar guarantees a call");
            let (name, args) = call_parts(call)?;
            OperatorKind::Evaluate { name, args }
        }
        rule => unreachable!("operator {rule:?}"),
    };
    Ok(Operator { kind, span })
}

fn named_exprs<'i>(pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Result<Vec<NamedExpr>> {
    pairs.map(named_expr).collect()
}

fn last_expr<'i>(pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Result<Expr> {
    let pair = pairs
        .filter(|p| p.as_rule() == Rule::expr)
        .last()
        .expect("grammar guarantees an expression");
    expr(pair)
}

fn patterns<'i>(pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Result<Vec<ColumnPattern>> {
    pairs.map(column_pattern).collect()
}

fn column_pattern(pair: Pair<Rule>) -> Result<ColumnPattern> {
    let span = span_of(&pair);
    let inner = next(&mut pair.into_inner());
    let pattern = match inner.as_rule() {
        Rule::pattern_word => inner.as_str().to_string(),
        _ => ident(inner)?.name,
    };
    Ok(ColumnPattern { pattern, span })
}

/// `key=value` parameters (`kind=inner`, `hint.strategy=shuffle`, `isfuzzy=true`).
pub(super) fn param(pair: Pair<Rule>) -> Result<(Ident, Expr)> {
    let mut inner = pair.into_inner();
    let key = next(&mut inner);
    let key = Ident {
        name: key.as_str().to_string(),
        span: span_of(&key),
    };
    let value = next(&mut inner);
    let span = span_of(&value);
    let value = next(&mut value.into_inner());
    let kind = match value.as_rule() {
        Rule::name => ExprKind::Name(ident(value)?.name),
        _ => ExprKind::Literal(literal::literal(value)?),
    };
    Ok((key, Expr { kind, span }))
}

fn sort_key(pair: Pair<Rule>) -> Result<SortKey> {
    let (mut value, mut order, mut nulls) = (None, None, None);
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::expr => value = Some(expr(p)?),
            Rule::sort_order => order = Some(sort_order(&p)),
            Rule::nulls_order => {
                nulls = Some(if p.as_str().ends_with("first") {
                    NullsOrder::First
                } else {
                    NullsOrder::Last
                });
            }
            rule => unreachable!("sort key {rule:?}"),
        }
    }
    Ok(SortKey {
        expr: value.expect("grammar guarantees an expression"),
        order,
        nulls,
    })
}

fn sort_order(pair: &Pair<Rule>) -> SortOrder {
    if pair.as_str() == "desc" {
        SortOrder::Desc
    } else {
        SortOrder::Asc
    }
}

type MvParts = (
    Vec<(Ident, Expr)>,
    Vec<MvExpandItem>,
    Option<Expr>,
    Option<TabularExpr>,
);

/// The shared parts of `mv-expand` and `mv-apply`: parameters, items, `limit`, and for
/// `mv-apply` its `on ( … )` body.
fn mv_parts<'i>(pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Result<MvParts> {
    let (mut params, mut items, mut limit, mut body) = (Vec::new(), Vec::new(), None, None);
    for p in pairs {
        match p.as_rule() {
            Rule::mv_param => params.push(param(p)?),
            Rule::mv_item => items.push(mv_item(p)?),
            Rule::mv_limit => limit = Some(last_expr(p.into_inner())?),
            Rule::kw_on => {}
            Rule::apply_body => body = Some(apply_body(p)?),
            rule => unreachable!("mv {rule:?}"),
        }
    }
    Ok((params, items, limit, body))
}

/// `name = expr to typeof(long)`
fn mv_item(pair: Pair<Rule>) -> Result<MvExpandItem> {
    let (mut name, mut value, mut to_type) = (None, None, None);
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::name => name = Some(ident(p)?),
            Rule::expr => value = Some(expr(p)?),
            Rule::mv_to_type => {
                let ty = p
                    .into_inner()
                    .find(|t| t.as_rule() == Rule::type_name)
                    .expect("grammar guarantees a type");
                to_type = Some(type_ident(&ty));
            }
            rule => unreachable!("mv item {rule:?}"),
        }
    }
    Ok(MvExpandItem {
        name,
        expr: value.expect("grammar guarantees an expression"),
        to_type,
    })
}

/// The operators inside `mv-apply … on ( … )`, over the implicit per-record input.
fn apply_body(pair: Pair<Rule>) -> Result<TabularExpr> {
    let span = span_of(&pair);
    let ops = pair
        .into_inner()
        .map(operator)
        .collect::<Result<Vec<_>>>()?;
    Ok(TabularExpr {
        source: Source {
            kind: SourceKind::ApplyInput,
            span: Span::new(span.start, span.start),
        },
        ops,
        span,
    })
}

/// `title="x"`; several values (`ycolumns=a, b`) become `pack_array(a, b)`.
fn render_property(pair: Pair<Rule>) -> Result<(Ident, Expr)> {
    let mut inner = pair.into_inner();
    let name = ident(next(&mut inner))?;
    let mut values = inner.map(expr).collect::<Result<Vec<_>>>()?;
    let value = if values.len() == 1 {
        values.remove(0)
    } else {
        let span = values[0].span.to(values[values.len() - 1].span);
        Expr {
            kind: ExprKind::Call {
                name: Ident {
                    name: "pack_array".into(),
                    span,
                },
                args: values,
            },
            span,
        }
    };
    Ok((name, value))
}

/// The conditions under `pair` (a `join_on`, or a parenthesised group), flattened into `out`.
fn join_conditions(pair: Pair<Rule>, out: &mut Vec<JoinCondition>) -> Result<()> {
    for condition in pair.into_inner() {
        if condition.as_rule() == Rule::join_condition {
            join_condition(condition, out)?;
        }
    }
    Ok(())
}

/// `Key`, `$left.a == $right.b`, or `( … )` holding more of them.
fn join_condition(pair: Pair<Rule>, out: &mut Vec<JoinCondition>) -> Result<()> {
    let first = next(&mut pair.clone().into_inner());
    match first.as_rule() {
        Rule::name => out.push(JoinCondition::Same(ident(first)?)),
        Rule::join_condition => join_conditions(pair, out)?,
        _ => {
            let mut sides = pair.into_inner();
            let (a_right, a) = join_side(next(&mut sides))?;
            let (_, b) = join_side(next(&mut sides))?;
            // `$right.b == $left.a` is the same condition written the other way round.
            out.push(if a_right {
                JoinCondition::Pair { left: b, right: a }
            } else {
                JoinCondition::Pair { left: a, right: b }
            });
        }
    }
    Ok(())
}

fn join_side(pair: Pair<Rule>) -> Result<(bool, Ident)> {
    let mut inner = pair.into_inner();
    let right = next(&mut inner).as_str() == "right";
    Ok((right, ident(next(&mut inner))?))
}

fn make_series<'i>(pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Result<MakeSeries> {
    let (mut params, mut aggregates, mut by) = (Vec::new(), Vec::new(), Vec::new());
    let (mut on, mut from, mut to, mut step, mut in_range) = (None, None, None, None, None);
    for p in pairs {
        match p.as_rule() {
            Rule::hint_param | Rule::series_param => params.push(param(p)?),
            Rule::series_aggregate => {
                let mut inner = p.into_inner();
                let aggregate = named_expr(next(&mut inner))?;
                let default = inner
                    .find(|d| d.as_rule() == Rule::expr)
                    .map(expr)
                    .transpose()?;
                aggregates.push((aggregate, default));
            }
            Rule::kw_on => {}
            Rule::expr => on = Some(expr(p)?),
            Rule::series_in_range => {
                let mut exprs = p.into_inner().filter(|e| e.as_rule() == Rule::expr);
                let mut take = || expr(exprs.next().expect("grammar guarantees three bounds"));
                let (start, stop, range_step) = (take()?, take()?, take()?);
                step = Some(range_step.clone());
                in_range = Some((start, stop, range_step));
            }
            Rule::series_from => from = Some(last_expr(p.into_inner())?),
            Rule::series_to => to = Some(last_expr(p.into_inner())?),
            Rule::series_step => step = Some(last_expr(p.into_inner())?),
            Rule::series_by => by = named_exprs(p.into_inner().skip(1))?,
            rule => unreachable!("make-series {rule:?}"),
        }
    }
    Ok(MakeSeries {
        params,
        aggregates,
        on: on.expect("grammar guarantees `on`"),
        from,
        to,
        step: step.expect("grammar guarantees a step"),
        by,
        in_range,
    })
}

/// `top-nested 3 of a with others = "x" by count() desc`
fn top_nested_level(pair: Pair<Rule>) -> Result<TopNestedLevel> {
    let mut count = None;
    let mut of = None;
    let mut others = None;
    let mut by = None;
    let mut order = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_top_nested | Rule::kw_of | Rule::kw_by => {}
            Rule::top_nested_count => count = Some(last_expr(p.into_inner())?),
            Rule::named_expr if of.is_none() => of = Some(named_expr(p)?),
            Rule::named_expr => by = Some(named_expr(p)?),
            Rule::top_nested_others => others = Some(last_expr(p.into_inner())?),
            Rule::sort_order => order = Some(sort_order(&p)),
            rule => unreachable!("top-nested {rule:?}"),
        }
    }
    Ok(TopNestedLevel {
        count,
        of: of.expect("grammar guarantees `of`"),
        others,
        by: by.expect("grammar guarantees `by`"),
        order,
    })
}

/// Keywords Kusto's parser will not read as a bare `parse` column name (measured with
/// Microsoft's Kusto.Language: `T | parse s with "x" kind "y"` is an error, `… ['kind'] …` is
/// fine). Other keywords (`where`, `count`, `type`, `bool`, …) are accepted bare.
fn needs_brackets_in_parse(name: &str) -> bool {
    matches!(
        name,
        "project"
            | "union"
            | "kind"
            | "true"
            | "false"
            | "between"
            | "asc"
            | "desc"
            | "flags"
            | "first"
            | "last"
            | "dynamic"
            | "long"
            | "string"
            | "int"
            | "real"
            | "datetime"
            | "timespan"
            | "decimal"
            | "isfuzzy"
            | "withsource"
            | "startswith"
            | "endswith"
            | "simple"
            | "relaxed"
    )
}
