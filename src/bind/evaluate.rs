//! `evaluate` plugins: `ipv4_lookup`/`ipv6_lookup` (a plan node, here), and the table-reshaping
//! plugins `bind::table_plugins` binds; any other plugin is reported as not supported.
//!
//! `T | evaluate ipv4_lookup(LookupTable, SourceKey, LookupKey [, ExtraKey…] [, return_unmatched])`
//! yields T's columns, then the lookup table's columns without the extra keys (as `lookup`
//! does), clashing names suffixed (`ip1`): the columns Microsoft's parser gives.

use super::activity_plugins;
use super::expr::Ctx;
use super::geo_plugins;
use super::join::{both_sides, both_sides_fields};
use super::ops::unknown_column;
use super::pattern_plugins;
use super::scope::{Rel, Scope};
use super::sequence_plugins;
use super::table_plugins;
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::error::{Error, ErrorKind};
use crate::plan::{IpFamily, IpLookup, JoinSide, Node, Plan};
use crate::table::{Schema, Type, Value};
use std::sync::Arc;

/// The plugins `evaluate` knows.
pub const PLUGINS: &[&str] = &[
    "active_users_count",
    "activity_counts_metrics",
    "activity_engagement",
    "activity_metrics",
    "bag_unpack",
    "basket",
    "dcount_intersect",
    "diffpatterns",
    "funnel_sequence",
    "funnel_sequence_completion",
    "geo_line_lookup",
    "geo_polygon_lookup",
    "ipv4_lookup",
    "ipv6_lookup",
    "narrow",
    "new_activity_metrics",
    "pivot",
    "preview",
    "rolling_percentile",
    "rows_near",
    "sequence_detect",
    "session_count",
    "sliding_window_counts",
];

pub fn evaluate(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    match name.name.as_str() {
        "ipv4_lookup" => ip_lookup(b, scope, input, IpFamily::V4, name, args, span),
        "ipv6_lookup" => ip_lookup(b, scope, input, IpFamily::V6, name, args, span),
        "geo_polygon_lookup" | "geo_line_lookup" => {
            geo_plugins::geo_lookup(b, scope, input, name, args, span)
        }
        "bag_unpack" => table_plugins::bag_unpack(b, scope, input, args, span),
        "narrow" => table_plugins::narrow(input, name, args, span),
        "rows_near" => table_plugins::rows_near(b, scope, input, args, span),
        "pivot" => table_plugins::pivot(b, scope, input, args, span),
        "dcount_intersect" => table_plugins::dcount_intersect(b, scope, input, args, span),
        "rolling_percentile" => table_plugins::rolling_percentile(b, scope, input, args, span),
        "sliding_window_counts" | "activity_counts_metrics" => {
            table_plugins::timeline(b, scope, input, name, args, span)
        }
        "session_count"
        | "active_users_count"
        | "activity_metrics"
        | "activity_engagement"
        | "new_activity_metrics" => activity_plugins::activity(b, scope, input, name, args, span),
        "funnel_sequence" | "funnel_sequence_completion" => {
            sequence_plugins::funnel(b, scope, input, name, args, span)
        }
        "basket" => pattern_plugins::basket(b, scope, input, args, span),
        "diffpatterns" => pattern_plugins::diffpatterns(b, scope, input, args, span),
        "preview" => table_plugins::preview(b, scope, input, args, span),
        "sequence_detect" => sequence_plugins::sequence_detect(b, scope, input, args, span),
        other => Err(Error::at(
            ErrorKind::Unsupported(format!("evaluate {other} (plugins)")),
            name.span,
        )
        .with_help(format!("kqlite has the plugins {}", PLUGINS.join(", ")))),
    }
}

fn ip_lookup(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    family: IpFamily,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let usage = format!(
        "{}(LookupTable, SourceKey, LookupKey [, ExtraKey…] [, return_unmatched]) needs at \
         least three arguments",
        name.name
    );
    let ([table, source_key, lookup_key], rest) =
        table_plugins::split_required(args, &usage, span)?;
    let Some(lookup) = b.as_tabular(scope, table)? else {
        return Err(Error::semantic(
            format!("the first argument of {} must be a table", name.name),
            table.span,
        ));
    };
    let source_key = address_column(&input, source_key, &name.name)?;
    let lookup_key = address_column(&lookup, lookup_key, &name.name)?;
    let mut extra_keys = Vec::new();
    let mut keep_unmatched = false;
    for (i, arg) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        match &arg.kind {
            ExprKind::NamedArg { name: flag, value } if last && flag.name == "return_unmatched" => {
                keep_unmatched = constant_bool(b, scope, value)?;
            }
            ExprKind::Name(column) if !last || input.schema().index_of(column).is_some() => {
                extra_keys.push(extra_key(&input, &lookup, column, arg.span)?);
            }
            _ if last => keep_unmatched = constant_bool(b, scope, arg)?,
            _ => {
                return Err(Error::semantic(
                    "expected the name of a column both tables have",
                    arg.span,
                ))
            }
        }
    }
    let skip: Vec<usize> = extra_keys.iter().map(|&(_, l)| l).collect();
    let output = both_sides(&input, &lookup, &skip);
    let fields = both_sides_fields(&input, &lookup, &output);
    let hidden = output
        .iter()
        .map(|(_, side, i)| *side == JoinSide::Left && input.hidden[*i])
        .collect();
    Ok(Rel {
        plan: Plan {
            node: Node::IpLookup(Box::new(IpLookup {
                input: Arc::new(input.plan),
                lookup: Arc::new(lookup.plan),
                family,
                source_key,
                lookup_key,
                extra_keys,
                keep_unmatched,
                output: output.into_iter().map(|(_, side, i)| (side, i)).collect(),
            })),
            schema: Schema::new(fields),
        },
        hidden,
    })
}

/// A key argument: the name of a string column of `rel` holding addresses or ranges.
fn address_column(rel: &Rel, arg: &Expr, plugin: &str) -> Result<usize, Error> {
    let ExprKind::Name(column) = &arg.kind else {
        return Err(Error::semantic(
            format!("{plugin} takes column names as its keys"),
            arg.span,
        ));
    };
    let index = rel
        .schema()
        .index_of(column)
        .ok_or_else(|| unknown_column(rel, column, arg.span))?;
    match rel.schema().fields[index].ty {
        Type::String => Ok(index),
        other => Err(Error::semantic(
            format!("{plugin} keys hold addresses as strings; `{column}` is {other}"),
            arg.span,
        )),
    }
}

/// An extra key: a column of both tables, of one type (int and long meet, as in `join`).
fn extra_key(input: &Rel, lookup: &Rel, column: &str, span: Span) -> Result<(usize, usize), Error> {
    let find = |rel: &Rel| {
        rel.schema()
            .index_of(column)
            .ok_or_else(|| unknown_column(rel, column, span))
    };
    let (i, l) = (find(input)?, find(lookup)?);
    let (it, lt) = (input.schema().fields[i].ty, lookup.schema().fields[l].ty);
    let integers = |t: Type| matches!(t, Type::Int | Type::Long);
    if it != lt && !(integers(it) && integers(lt)) {
        return Err(Error::semantic(
            format!("`{column}` is {it} in the input and {lt} in the lookup table"),
            span,
        ));
    }
    Ok((i, l))
}

/// `return_unmatched`: a constant bool.
fn constant_bool(b: &mut Binder, scope: &Scope, value: &Expr) -> Result<bool, Error> {
    let empty = Schema::default();
    let bound = b.expr(&mut Ctx::new(scope, &empty), value)?;
    match b.constant(&bound)? {
        Value::Bool(flag) => Ok(flag),
        _ => Err(Error::semantic(
            format!("return_unmatched must be true or false, found {}", bound.ty),
            value.span,
        )),
    }
}
