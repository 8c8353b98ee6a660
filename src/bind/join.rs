//! `join` and `lookup`: key columns matched by name (`on a`) or pairwise
//! (`on $left.a == $right.b`); output columns named as Kusto names them (clashing right-side
//! columns get a numeric suffix: `SrcIp1`).

use super::naming::Projection;
use super::ops::unknown_column;
use super::scope::{Rel, Scope};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, JoinCondition, Span, TabularExpr};
use crate::error::Error;
use crate::plan::{JoinKind, JoinSide, Node, Plan};
use crate::table::{Field, Schema, Type};
use std::sync::Arc;

/// The value of `name=…` among an operator's parameters, as text.
pub fn param_text(params: &[(Ident, Expr)], name: &str) -> Option<(String, Span)> {
    params.iter().find(|(n, _)| n.name == name).map(|(_, e)| {
        let text = match &e.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Literal(crate::ast::Literal::String(s)) => s.clone(),
            ExprKind::Literal(crate::ast::Literal::Bool(b)) => b.to_string(),
            ExprKind::Literal(crate::ast::Literal::Long(n)) => n.to_string(),
            _ => String::new(),
        };
        (text, e.span)
    })
}

fn join_kind(params: &[(Ident, Expr)]) -> Result<JoinKind, Error> {
    let Some((kind, span)) = param_text(params, "kind") else {
        return Ok(JoinKind::InnerUnique);
    };
    Ok(match kind.as_str() {
        "innerunique" => JoinKind::InnerUnique,
        "inner" => JoinKind::Inner,
        "leftouter" => JoinKind::LeftOuter,
        "rightouter" => JoinKind::RightOuter,
        "fullouter" | "outer" => JoinKind::FullOuter,
        "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
        "rightanti" | "rightantisemi" => JoinKind::RightAnti,
        "leftsemi" => JoinKind::LeftSemi,
        "rightsemi" => JoinKind::RightSemi,
        other => {
            return Err(Error::semantic(format!("unknown join kind `{other}`"), span).with_help(
                "kinds are innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi",
            ))
        }
    })
}

/// Resolve the `on` conditions to key column pairs.
fn keys(
    left: &Rel,
    right: &Rel,
    on: &[JoinCondition],
    span: Span,
) -> Result<(Vec<usize>, Vec<usize>), Error> {
    if on.is_empty() {
        return Err(Error::semantic("join needs `on` key columns", span));
    }
    let find = |rel: &Rel, name: &Ident| {
        rel.schema()
            .index_of(&name.name)
            .ok_or_else(|| unknown_column(rel, &name.name, name.span))
    };
    let mut left_keys = Vec::new();
    let mut right_keys = Vec::new();
    for condition in on {
        let (l, r, at) = match condition {
            JoinCondition::Same(name) => (find(left, name)?, find(right, name)?, name.span),
            JoinCondition::Pair { left: l, right: r } => {
                (find(left, l)?, find(right, r)?, l.span.to(r.span))
            }
        };
        let (lt, rt) = (left.schema().fields[l].ty, right.schema().fields[r].ty);
        let integers = |t: Type| matches!(t, Type::Int | Type::Long);
        if lt != rt && !(integers(lt) && integers(rt)) {
            return Err(Error::semantic(
                format!("join keys must have the same type: {lt} on the left, {rt} on the right"),
                at,
            ));
        }
        left_keys.push(l);
        right_keys.push(r);
    }
    Ok((left_keys, right_keys))
}

fn join_plan(
    left: Rel,
    right: Rel,
    kind: JoinKind,
    keys: (Vec<usize>, Vec<usize>),
    output: Vec<(String, JoinSide, usize)>,
) -> Rel {
    let fields = output
        .iter()
        .map(|(name, side, i)| {
            let schema = match side {
                JoinSide::Left => left.schema(),
                JoinSide::Right => right.schema(),
            };
            Field::new(name.clone(), schema.fields[*i].ty)
        })
        .collect();
    let hidden = output
        .iter()
        .map(|(_, side, i)| *side == JoinSide::Left && left.hidden[*i])
        .collect();
    Rel {
        plan: Plan {
            node: Node::Join {
                left: Arc::new(left.plan),
                right: Arc::new(right.plan),
                kind,
                left_keys: keys.0,
                right_keys: keys.1,
                output: output.into_iter().map(|(_, s, i)| (s, i)).collect(),
            },
            schema: Schema::new(fields),
        },
        hidden,
    }
}

/// Left columns (hidden ones too, still hidden), then the right side's visible columns except
/// `skip`, right names made unique.
pub(super) fn both_sides(
    left: &Rel,
    right: &Rel,
    skip: &[usize],
) -> Vec<(String, JoinSide, usize)> {
    let mut names: Projection<(JoinSide, usize)> = Projection::default();
    for (i, f) in left.schema().fields.iter().enumerate() {
        names.add(&f.name, (JoinSide::Left, i), false);
    }
    for i in right.visible_columns() {
        if !skip.contains(&i) {
            names.add(&right.schema().fields[i].name, (JoinSide::Right, i), false);
        }
    }
    names
        .columns
        .into_iter()
        .map(|(n, (s, i))| (n, s, i))
        .collect()
}

/// The fields of [`both_sides`]' columns: each named as there, typed as on its side.
pub(super) fn both_sides_fields(
    left: &Rel,
    right: &Rel,
    output: &[(String, JoinSide, usize)],
) -> Vec<Field> {
    output
        .iter()
        .map(|(name, side, i)| {
            let ty = match side {
                JoinSide::Left => left.schema().fields[*i].ty,
                JoinSide::Right => right.schema().fields[*i].ty,
            };
            Field::new(name.clone(), ty)
        })
        .collect()
}

fn one_side(rel: &Rel, side: JoinSide) -> Vec<(String, JoinSide, usize)> {
    rel.schema()
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.clone(), side, i))
        .collect()
}

pub fn join(
    b: &mut Binder,
    scope: &Scope,
    left: Rel,
    params: &[(Ident, Expr)],
    right: &TabularExpr,
    on: &[JoinCondition],
    span: Span,
) -> Result<Rel, Error> {
    let kind = join_kind(params)?;
    let right = b.tabular(scope, right)?;
    let keys = keys(&left, &right, on, span)?;
    let output = match kind {
        JoinKind::LeftSemi | JoinKind::LeftAnti => one_side(&left, JoinSide::Left),
        JoinKind::RightSemi | JoinKind::RightAnti => one_side(&right, JoinSide::Right),
        _ => both_sides(&left, &right, &[]),
    };
    let mut rel = join_plan(left, right, kind, keys, output);
    if matches!(kind, JoinKind::RightSemi | JoinKind::RightAnti) {
        rel.hidden = vec![false; rel.hidden.len()];
    }
    Ok(rel)
}

pub fn lookup(
    b: &mut Binder,
    scope: &Scope,
    left: Rel,
    params: &[(Ident, Expr)],
    right: &TabularExpr,
    on: &[JoinCondition],
    span: Span,
) -> Result<Rel, Error> {
    let kind = match param_text(params, "kind") {
        None => JoinKind::LeftOuter,
        Some((k, _)) if k == "leftouter" => JoinKind::LeftOuter,
        Some((k, _)) if k == "inner" => JoinKind::Inner,
        Some((k, at)) => {
            return Err(Error::semantic(format!("unknown lookup kind `{k}`"), at)
                .with_help("lookup kinds are leftouter and inner"))
        }
    };
    let right = b.tabular(scope, right)?;
    let keys = keys(&left, &right, on, span)?;
    let output = both_sides(&left, &right, &keys.1);
    Ok(join_plan(left, right, kind, keys, output))
}
