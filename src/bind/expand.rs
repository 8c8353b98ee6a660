//! `mv-expand` and `mv-apply`: item expressions are computed into columns by a projection
//! below (an unnamed column expands in place, anything else is appended), then expanded.

use super::expr::{type_named, Ctx};
use super::join::param_text;
use super::naming::{result_name, DefaultNames, Projection};
use super::ops::{projection, Out};
use super::scope::{Rel, Scope};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, MvExpand, MvExpandItem, Span, TabularExpr};
use crate::error::Error;
use crate::plan::{self, BoundExpr, ExprNode, Node, Plan};
use crate::table::{Field, Schema, Type};
use std::sync::Arc;

/// The input with every item available as a column, and which column each item expands.
struct Items {
    rel: Rel,
    items: Vec<plan::MvExpandItem>,
}

fn bind_items(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    items: &[MvExpandItem],
) -> Result<Items, Error> {
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    let mut out: Projection<Out> = Projection::default();
    for (i, f) in row.fields.iter().enumerate() {
        out.add(
            &f.name,
            (BoundExpr::column(i, f.ty, Span::default()), input.hidden[i]),
            false,
        );
    }
    let mut defaults = DefaultNames::default();
    let mut expanded = Vec::new();
    for item in items {
        let bound = b.expr(&mut Ctx::new(scope, &row), &item.expr)?;
        if bound.ty != Type::Dynamic {
            return Err(Error::semantic(
                format!(
                    "only dynamic arrays and bags can be expanded, this is {}",
                    bound.ty
                ),
                item.expr.span,
            ));
        }
        let to = match &item.to_type {
            Some(t) => type_named(t)?,
            None => Type::Dynamic,
        };
        let column = match (&item.name, &bound.kind, &item.expr.kind) {
            (None, ExprNode::Column(c), ExprKind::Name(_)) => *c,
            (name, _, _) => {
                let name = match name {
                    Some(n) => n.name.clone(),
                    None => result_name(&item.expr, &has_column)
                        .unwrap_or_else(|| defaults.next(&|n| out.contains(n))),
                };
                let name = out.add(&name, (bound, false), true);
                out.position(&name).expect("just added")
            }
        };
        if expanded
            .iter()
            .any(|e: &plan::MvExpandItem| e.column == column)
        {
            return Err(Error::semantic(
                "the same column is expanded twice",
                item.expr.span,
            ));
        }
        expanded.push(plan::MvExpandItem { column, to });
    }
    let rel = if out.columns.len() == row.len() {
        input
    } else {
        projection(input, out.columns)
    };
    Ok(Items {
        rel,
        items: expanded,
    })
}

/// The schema after expanding `items` of `schema` (types changed), plus the index column.
fn expanded_fields(
    schema: &Schema,
    items: &[plan::MvExpandItem],
    index: &Option<String>,
) -> Vec<Field> {
    let mut fields = schema.fields.to_vec();
    for item in items {
        fields[item.column].ty = item.to;
    }
    if let Some(name) = index {
        fields.push(Field::new(name.clone(), Type::Long));
    }
    fields
}

fn bag_as_array(params: &[(Ident, Expr)]) -> bool {
    param_text(params, "kind").is_some_and(|(k, _)| k == "array")
        || param_text(params, "bagexpansion").is_some_and(|(k, _)| k == "array")
}

pub fn mv_expand(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    spec: &MvExpand,
    _span: Span,
) -> Result<Rel, Error> {
    let Items { rel, items } = bind_items(b, scope, input, &spec.items)?;
    let index = param_text(&spec.params, "with_itemindex").map(|(n, _)| n);
    let limit = spec.limit.as_ref().map(|l| b.count(scope, l)).transpose()?;
    let fields = expanded_fields(rel.schema(), &items, &index);
    let mut hidden = rel.hidden.clone();
    if index.is_some() {
        hidden.push(false);
    }
    Ok(Rel {
        plan: Plan {
            node: Node::MvExpand {
                input: Arc::new(rel.plan),
                items,
                bag_as_array: bag_as_array(&spec.params),
                item_index: index.is_some(),
                limit,
            },
            schema: Schema::new(fields),
        },
        hidden,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn mv_apply(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    items: &[MvExpandItem],
    limit: Option<&Expr>,
    item_index: Option<&Ident>,
    body: &TabularExpr,
    _span: Span,
) -> Result<Rel, Error> {
    let Items { rel, items } = bind_items(b, scope, input, items)?;
    let limit = limit.map(|l| b.count(scope, l)).transpose()?;
    let index = item_index.map(|i| i.name.clone());
    let item_fields: Vec<Field> = items
        .iter()
        .map(|it| Field::new(rel.schema().fields[it.column].name.clone(), it.to))
        .chain(index.iter().map(|n| Field::new(n.clone(), Type::Long)))
        .collect();
    // The body reads the expanded items; its own source (if the parser gave one) is not used.
    let mut inner = Rel::visible(Plan {
        node: Node::ApplyInput,
        schema: Schema::new(item_fields),
    });
    let mut body_scope = scope.clone();
    for op in &body.ops {
        if let crate::ast::OperatorKind::As(name) = &op.kind {
            body_scope = body_scope.with(
                name.name.clone(),
                super::scope::Binding::Tabular(inner.clone()),
            );
            continue;
        }
        inner = b.operator(&body_scope, inner, op)?;
    }
    let keep: Vec<usize> = (0..rel.schema().len())
        .filter(|c| !items.iter().any(|it| it.column == *c))
        .collect();
    let mut names: Projection<Type> = Projection::default();
    let mut hidden = Vec::new();
    for &c in &keep {
        let f = &rel.schema().fields[c];
        names.add(&f.name, f.ty, false);
        hidden.push(rel.hidden[c]);
    }
    for (c, f) in inner.schema().fields.iter().enumerate() {
        names.add(&f.name, f.ty, false);
        hidden.push(inner.hidden[c]);
    }
    let fields = names
        .columns
        .into_iter()
        .map(|(n, t)| Field::new(n, t))
        .collect();
    Ok(Rel {
        plan: Plan {
            node: Node::MvApply {
                input: Arc::new(rel.plan),
                items,
                item_index: index.is_some(),
                limit,
                keep,
                body: Arc::new(inner.plan),
            },
            schema: Schema::new(fields),
        },
        hidden,
    })
}
