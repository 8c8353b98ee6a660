//! Grouping operators: `summarize` (keys first, then aggregates, expressions over aggregates
//! computed by a projection above), `count`, `distinct` and `make-series`,
//! including the multi-column aggregates (`arg_max(x, *)`, `take_any(a, b)`, `percentiles`).

use super::expr::{null_of, AggSink, Ctx};
use super::naming::{name_fragment, result_name, DefaultNames, Projection};
use super::ops::{projection, Out};
use super::scope::{Rel, Scope};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, MakeSeries, NamedExpr, Span};
use crate::error::Error;
use crate::plan::{self, BoundAggregate, BoundExpr, ExprNode, Node, Plan};
use crate::table::{Field, Schema, Type, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// Bound group keys, named as Kusto names them, and the input columns they are plain
/// references to (which `arg_max(x, *)` leaves out).
struct Keys {
    out: Projection<Out>,
    exprs: Vec<BoundExpr>,
    columns: HashSet<usize>,
}

fn bind_keys(b: &mut Binder, scope: &Scope, input: &Rel, by: &[NamedExpr]) -> Result<Keys, Error> {
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    let mut keys = Keys {
        out: Projection::default(),
        exprs: Vec::new(),
        columns: HashSet::new(),
    };
    let mut defaults = DefaultNames::default();
    for item in by {
        let bound = b.expr(&mut Ctx::new(scope, &row), &item.expr)?;
        if bound.ty == Type::Dynamic {
            return Err(Error::semantic(
                "a group key cannot be dynamic (convert it, e.g. with tostring())",
                item.expr.span,
            ));
        }
        let slot = BoundExpr::column(keys.exprs.len(), bound.ty, item.expr.span);
        match (item.names.as_slice(), &bound.kind) {
            ([name], _) => {
                keys.out
                    .declare(&name.name, (slot, false), false, name.span)?;
            }
            ([], ExprNode::Column(i)) if matches!(item.expr.kind, ExprKind::Name(_)) => {
                keys.columns.insert(*i);
                keys.out
                    .declare(&row.fields[*i].name, (slot, false), false, item.expr.span)?;
            }
            ([], _) => {
                let name = result_name(&item.expr, &has_column)
                    .unwrap_or_else(|| defaults.next(&|_| false));
                keys.out.add(&name, (slot, false), false);
            }
            (_, _) => {
                return Err(Error::semantic(
                    "a group key yields one column; give it one name",
                    item.expr.span,
                ))
            }
        }
        keys.exprs.push(bound);
    }
    Ok(keys)
}

pub fn summarize(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    aggregates: &[NamedExpr],
    by: &[NamedExpr],
) -> Result<Rel, Error> {
    let keys = bind_keys(b, scope, &input, by)?;
    let mut out = keys.out;
    let mut sink = AggSink {
        keys: out
            .columns
            .iter()
            .map(|(n, (e, _))| (n.clone(), e.ty))
            .collect(),
        aggregates: Vec::new(),
    };
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    let mut defaults = DefaultNames::default();
    for item in aggregates {
        if let Some(columns) = multi_column(b, scope, &input, &item.expr, &keys.columns, &mut sink)?
        {
            let mut names = item.names.iter();
            for (name, expr) in columns {
                match names.next() {
                    Some(given) => out.declare(&given.name, (expr, false), false, given.span)?,
                    None => out.add(&name, (expr, false), false),
                };
            }
            continue;
        }
        let before = sink.aggregates.len();
        let bound = b.expr(
            &mut Ctx {
                scope,
                row: &row,
                agg: Some(&mut sink),
            },
            &item.expr,
        )?;
        if sink.aggregates.len() == before {
            return Err(Error::semantic(
                "summarize needs an aggregate here, such as count() or sum(x)",
                item.expr.span,
            ));
        }
        match item.names.as_slice() {
            [name] => {
                out.declare(&name.name, (bound, false), false, name.span)?;
            }
            [] => {
                let name = result_name(&item.expr, &has_column)
                    .unwrap_or_else(|| defaults.next(&|_| false));
                out.add(&name, (bound, false), false);
            }
            [_, second, ..] => {
                return Err(Error::semantic(
                    "this aggregate yields one column; give it one name",
                    second.span,
                ))
            }
        }
    }
    Ok(grouped(input, keys.exprs, sink.aggregates, out.columns))
}

/// A `Summarize` node, with a projection above it when the output is not exactly the keys
/// then the aggregates in order.
fn grouped(
    input: Rel,
    keys: Vec<BoundExpr>,
    aggregates: Vec<BoundAggregate>,
    columns: Vec<(String, Out)>,
) -> Rel {
    let width = keys.len() + aggregates.len();
    let identity = columns.len() == width
        && columns
            .iter()
            .enumerate()
            .all(|(i, (_, (e, _)))| matches!(e.kind, ExprNode::Column(c) if c == i));
    let mut fields: Vec<Field> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Field::new(format!("\u{0}key{i}"), k.ty))
        .collect();
    fields.extend(
        aggregates
            .iter()
            .enumerate()
            .map(|(i, a)| Field::new(format!("\u{0}agg{i}"), a.ty)),
    );
    if identity {
        for (field, (name, _)) in fields.iter_mut().zip(&columns) {
            field.name = name.clone();
        }
    }
    let summarized = Rel::visible(Plan {
        node: Node::Summarize {
            input: Arc::new(input.plan),
            keys,
            aggregates,
        },
        schema: Schema::new(fields),
    });
    if identity {
        summarized
    } else {
        projection(summarized, columns)
    }
}

/// The aggregates that yield several columns (`arg_max`, `arg_min`, `take_any`/`any`,
/// `percentile(s)`): their columns, each named and referring to an aggregate in `sink`.
fn multi_column(
    b: &mut Binder,
    scope: &Scope,
    input: &Rel,
    e: &Expr,
    by_columns: &HashSet<usize>,
    sink: &mut AggSink,
) -> Result<Option<Vec<(String, BoundExpr)>>, Error> {
    let ExprKind::Call { name, args } = &e.kind else {
        return Ok(None);
    };
    let function = name.name.as_str();
    let row = input.schema();
    let has_column = |n: &str| row.index_of(n).is_some();
    let mut ctx = Ctx::new(scope, row);
    let mut columns = Vec::new();
    match function {
        "arg_max" | "arg_min" => {
            let prefix = &function[4..];
            let Some((primary, rest)) = args.split_first() else {
                return Err(Error::semantic(
                    format!("{function}() needs arguments"),
                    e.span,
                ));
            };
            let primary_bound = b.expr(&mut ctx, primary)?;
            let primary_name = result_name(primary, &has_column);
            let any_star = rest.iter().any(|a| matches!(a.kind, ExprKind::Star));
            let mut seen: HashSet<usize> = HashSet::new();
            let can_add = |i: usize, c: usize, seen: &HashSet<usize>| {
                i == 0 || !any_star || (!seen.contains(&c) && !by_columns.contains(&c))
            };
            for (i, arg) in args.iter().enumerate() {
                let mut emit =
                    |b: &mut Binder, name: String, value: BoundExpr| -> Result<(), Error> {
                        let agg = b.lookup_aggregate(
                            function,
                            &Ident {
                                name: function.into(),
                                span: e.span,
                            },
                            vec![primary_bound.clone(), value],
                            e.span,
                            scope,
                        )?;
                        columns.push((name, sink.push(agg, arg.span)));
                        Ok(())
                    };
                match &arg.kind {
                    ExprKind::Star => {
                        for c in input.visible_columns() {
                            if can_add(i, c, &seen) {
                                seen.insert(c);
                                let f = &row.fields[c];
                                emit(b, f.name.clone(), BoundExpr::column(c, f.ty, arg.span))?;
                            }
                        }
                    }
                    ExprKind::NamedArg { name, value } => {
                        let bound = b.expr(&mut ctx, value)?;
                        if let ExprNode::Column(c) = bound.kind {
                            seen.insert(c);
                        }
                        emit(b, name.name.clone(), bound)?;
                    }
                    _ => {
                        let bound = if i == 0 {
                            primary_bound.clone()
                        } else {
                            b.expr(&mut ctx, arg)?
                        };
                        match (&arg.kind, &bound.kind) {
                            (ExprKind::Name(_), ExprNode::Column(c)) => {
                                let c = *c;
                                if can_add(i, c, &seen) {
                                    seen.insert(c);
                                    emit(b, row.fields[c].name.clone(), bound)?;
                                }
                            }
                            _ => {
                                let name = result_name(arg, &has_column).unwrap_or_else(|| {
                                    if i == 0 {
                                        format!("{prefix}_")
                                    } else {
                                        format!(
                                            "{prefix}_{}_arg{i}",
                                            primary_name.clone().unwrap_or_default()
                                        )
                                    }
                                });
                                emit(b, name, bound)?;
                            }
                        }
                    }
                }
            }
        }
        // A lone `take_any(y)` is named `y` like the multi-column form (kusto-ref); a lone
        // `any(y)` is `any_y`, which the ordinary naming gives.
        "take_any" | "any"
            if function == "take_any"
                || args.len() > 1
                || args.iter().any(|a| matches!(a.kind, ExprKind::Star)) =>
        {
            let any_star = args.iter().any(|a| matches!(a.kind, ExprKind::Star));
            let mut seen: HashSet<usize> = by_columns.clone();
            let prefix = if function == "any" { "any_" } else { "" };
            for (i, arg) in args.iter().enumerate() {
                let mut emit =
                    |b: &mut Binder, name: String, value: BoundExpr| -> Result<(), Error> {
                        let agg = b.lookup_aggregate(
                            "take_any",
                            &Ident {
                                name: function.into(),
                                span: e.span,
                            },
                            vec![value],
                            e.span,
                            scope,
                        )?;
                        columns.push((format!("{prefix}{name}"), sink.push(agg, arg.span)));
                        Ok(())
                    };
                match &arg.kind {
                    ExprKind::Star => {
                        for c in input.visible_columns() {
                            if !seen.contains(&c) {
                                seen.insert(c);
                                let f = &row.fields[c];
                                emit(b, f.name.clone(), BoundExpr::column(c, f.ty, arg.span))?;
                            }
                        }
                    }
                    _ => {
                        let bound = b.expr(&mut ctx, arg)?;
                        match (&arg.kind, &bound.kind) {
                            (ExprKind::Name(_), ExprNode::Column(c)) => {
                                let c = *c;
                                if !any_star || !seen.contains(&c) {
                                    seen.insert(c);
                                    emit(b, row.fields[c].name.clone(), bound)?;
                                }
                            }
                            _ => {
                                let name = result_name(arg, &has_column).unwrap_or_else(|| {
                                    format!("{}arg{i}", if prefix.is_empty() { "any_" } else { "" })
                                });
                                emit(b, name, bound)?;
                            }
                        }
                    }
                }
            }
        }
        "percentile" | "percentiles" | "percentilew" | "percentilesw" => {
            let weighted = function.ends_with('w');
            let single = !function.starts_with("percentiles");
            let fixed = if weighted { 2 } else { 1 };
            if args.len() <= fixed || (single && args.len() != fixed + 1) {
                return Err(Error::semantic(
                    format!(
                        "{function}() takes a value{} and {} percentile(s)",
                        if weighted { ", a weight" } else { "" },
                        if single { "one" } else { "one or more" }
                    ),
                    e.span,
                ));
            }
            let (leading, points) = args.split_at(fixed);
            let value = &leading[0];
            let mut leading_bound = Vec::new();
            for arg in leading {
                leading_bound.push(b.expr(&mut ctx, arg)?);
            }
            let value_name = result_name(value, &has_column).unwrap_or_default();
            let inner = if weighted {
                "percentilew"
            } else {
                "percentile"
            };
            for point in points {
                let bound = b.expr(&mut ctx, point)?;
                let text = match b.constant(&bound)? {
                    Value::Long(n) => n.to_string(),
                    Value::Int(n) => n.to_string(),
                    Value::Real(x) => crate::format::real_text(x),
                    _ => return Err(Error::semantic("a percentile must be a number", point.span)),
                };
                let mut agg_args = leading_bound.clone();
                agg_args.push(bound);
                let agg = b.lookup_aggregate(inner, name, agg_args, e.span, scope)?;
                let column = format!("percentile_{value_name}_{}", name_fragment(&text));
                columns.push((column, sink.push(agg, point.span)));
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(columns))
}

/// `count`: one row, one column `Count`.
pub fn count(input: Rel) -> Result<Rel, Error> {
    let agg = crate::func::aggregate::lookup("count", &[]).map_err(|_| {
        Error::new(crate::error::ErrorKind::Unsupported(
            "count() aggregate".into(),
        ))
    })?;
    let aggregate = BoundAggregate {
        func: agg.0,
        args: Vec::new(),
        ty: agg.1,
    };
    Ok(Rel::visible(Plan {
        node: Node::Summarize {
            input: Arc::new(input.plan),
            keys: Vec::new(),
            aggregates: vec![aggregate],
        },
        schema: Schema::new(vec![Field::new("Count", Type::Long)]),
    }))
}

/// `distinct a, b` / `distinct *`: a summarize with keys only.
pub fn distinct(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    items: &[NamedExpr],
) -> Result<Rel, Error> {
    let star = items.iter().any(|i| matches!(i.expr.kind, ExprKind::Star));
    let items: Vec<NamedExpr> = if star {
        input
            .visible_columns()
            .into_iter()
            .map(|c| NamedExpr {
                names: Vec::new(),
                expr: Expr {
                    kind: ExprKind::Name(input.schema().fields[c].name.clone()),
                    span: Span::default(),
                },
            })
            .collect()
    } else {
        items.to_vec()
    };
    let keys = bind_keys(b, scope, &input, &items)?;
    Ok(grouped(input, keys.exprs, Vec::new(), keys.out.columns))
}

/// The default `make-series` fills empty bins with: zero of the aggregate's type.
fn zero_of(ty: Type) -> Value {
    match ty {
        Type::Int => Value::Int(0),
        Type::Long => Value::Long(0),
        Type::Real => Value::Real(0.0),
        Type::TimeSpan => Value::TimeSpan(0),
        Type::Bool => Value::Bool(false),
        other => null_of(other),
    }
}

/// A numeric `default=` takes the aggregate's type, so `avg(x) default=0` fills with `0.0` as
/// the Kusto docs show; other values stay as written.
fn widen_fill(fill: Value, ty: Type) -> Value {
    match (fill, ty) {
        (Value::Int(i), Type::Real) => Value::Real(f64::from(i)),
        (Value::Long(l), Type::Real) => Value::Real(l as f64),
        (Value::Int(i), Type::Long) => Value::Long(i64::from(i)),
        (fill, _) => fill,
    }
}

/// The smallest value above `v` on its axis: one tick, one unit, or the next float.
fn just_after(v: Value) -> Value {
    match v {
        Value::DateTime(t) => Value::DateTime(t.saturating_add(1)),
        Value::TimeSpan(t) => Value::TimeSpan(t.saturating_add(1)),
        Value::Long(l) => Value::Long(l.saturating_add(1)),
        Value::Int(i) => Value::Long(i64::from(i) + 1),
        Value::Real(r) if r.is_finite() => Value::Real(r + r.abs().max(1.0) * f64::EPSILON),
        other => other,
    }
}

/// `kind=nonempty` (true) or no `kind`; hints (`hint.shufflekey`) only steer a cluster.
fn series_kind(params: &[(Ident, Expr)]) -> Result<bool, Error> {
    let mut nonempty = false;
    for (key, value) in params {
        if key.name != "kind" {
            continue;
        }
        match &value.kind {
            ExprKind::Name(n) if n == "nonempty" => nonempty = true,
            _ => {
                return Err(Error::semantic(
                    "make-series kind= can only be `nonempty`",
                    value.span,
                ))
            }
        }
    }
    Ok(nonempty)
}

/// `make-series aggs default=… on axis from … to … step … by keys`: keys, then one array per
/// aggregate, then the axis array (named after the axis expression).
pub fn make_series(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    spec: &MakeSeries,
    span: Span,
) -> Result<Rel, Error> {
    let keys = bind_keys(b, scope, &input, &spec.by)?;
    let mut out = keys.out;
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    let mut aggregates = Vec::new();
    let mut defaults = DefaultNames::default();
    for (item, default) in &spec.aggregates {
        let ExprKind::Call { name, args } = &item.expr.kind else {
            return Err(Error::semantic(
                "make-series needs an aggregate call, such as count() or avg(x)",
                item.expr.span,
            ));
        };
        let aggregate = b.aggregate(&mut Ctx::new(scope, &row), name, args, item.expr.span)?;
        let fill = match default {
            Some(d) => {
                let bound = b.expr(&mut Ctx::new(scope, &Schema::default()), d)?;
                widen_fill(b.constant(&bound)?, aggregate.ty)
            }
            None => zero_of(aggregate.ty),
        };
        let slot = BoundExpr::column(
            keys.exprs.len() + aggregates.len(),
            Type::Dynamic,
            item.expr.span,
        );
        match item.names.as_slice() {
            [n] => {
                out.declare(&n.name, (slot, false), false, n.span)?;
            }
            _ => {
                let n = result_name(&item.expr, &has_column)
                    .unwrap_or_else(|| defaults.next(&|_| false));
                out.add(&n, (slot, false), false);
            }
        }
        aggregates.push((aggregate, fill));
    }
    let axis = b.expr(&mut Ctx::new(scope, &row), &spec.on)?;
    if !matches!(
        axis.ty,
        Type::DateTime | Type::Int | Type::Long | Type::Real | Type::TimeSpan
    ) {
        return Err(Error::semantic(
            format!(
                "make-series needs a datetime or numeric axis, this is {}",
                axis.ty
            ),
            spec.on.span,
        ));
    }
    let axis_name = result_name(&spec.on, &has_column).unwrap_or_else(|| defaults.next(&|_| false));
    let axis_slot = BoundExpr::column(
        keys.exprs.len() + aggregates.len(),
        Type::Dynamic,
        spec.on.span,
    );
    out.add(&axis_name, (axis_slot, false), false);
    let mut constant = |e: &Expr| -> Result<Value, Error> {
        let bound = b.expr(&mut Ctx::new(scope, &Schema::default()), e)?;
        b.constant(&bound)
    };
    let (from, to, step) = match &spec.in_range {
        // `in range(start, stop, step)` includes `stop`: bins run up to just past it.
        Some((start, stop, step)) => (
            Some(constant(start)?),
            Some(just_after(constant(stop)?)),
            constant(step)?,
        ),
        None => (
            spec.from.as_ref().map(&mut constant).transpose()?,
            spec.to.as_ref().map(&mut constant).transpose()?,
            constant(&spec.step)?,
        ),
    };
    let _ = span;
    let nonempty = series_kind(&spec.params)?;
    let fields: Vec<Field> = out
        .columns
        .iter()
        .map(|(n, (e, _))| Field::new(n.clone(), e.ty))
        .collect();
    Ok(Rel::visible(Plan {
        node: Node::MakeSeries(Box::new(plan::MakeSeries {
            input: Arc::new(input.plan),
            keys: keys.exprs,
            aggregates,
            axis,
            from,
            to,
            step,
            nonempty,
        })),
        schema: Schema::new(fields),
    }))
}
