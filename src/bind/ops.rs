//! Row-wise operators and projections: `where`, `project` and its variants, `extend`, `sort`,
//! `take`, `top`, `serialize`, `getschema`.

use super::expr::Ctx;
use super::naming::{result_name, DefaultNames, Projection};
use super::scope::{Rel, Scope};
use super::Binder;
use crate::ast::{
    ColumnPattern, Expr, ExprKind, Ident, NamedExpr, NullsOrder, SortKey, SortOrder, Span,
};
use crate::error::{suggest, Error, ErrorKind};
use crate::func::ScalarFunc;
use crate::plan::{BoundExpr, BoundSortKey, ExprNode, Node, Plan};
use crate::table::{Column, Field, Schema, Table, Type, Value};
use std::sync::Arc;

/// An output column being built: its expression over the input and whether it stays hidden.
pub type Out = (BoundExpr, bool);

/// A `Project` over `input` computing `columns` (name, expression, hidden).
pub fn projection(input: Rel, columns: Vec<(String, Out)>) -> Rel {
    let schema = Schema::new(
        columns
            .iter()
            .map(|(name, (e, _))| Field::new(name.clone(), e.ty))
            .collect(),
    );
    let hidden = columns.iter().map(|(_, (_, h))| *h).collect();
    let exprs = columns.into_iter().map(|(_, (e, _))| e).collect();
    Rel {
        plan: Plan {
            node: Node::Project {
                input: Arc::new(input.plan),
                exprs,
            },
            schema,
        },
        hidden,
    }
}

/// The input's columns `keep`, in that order, names and hidden flags unchanged.
pub fn select(input: Rel, keep: &[usize]) -> Rel {
    let columns = keep
        .iter()
        .map(|&i| {
            let f = &input.plan.schema.fields[i];
            (
                f.name.clone(),
                (BoundExpr::column(i, f.ty, Span::default()), input.hidden[i]),
            )
        })
        .collect();
    projection(input, columns)
}

/// The input's columns as a projection to add to (for `extend` and `serialize`).
fn passthrough(input: &Rel) -> Projection<Out> {
    let mut out = Projection::default();
    for (i, f) in input.plan.schema.fields.iter().enumerate() {
        out.add(
            &f.name,
            (BoundExpr::column(i, f.ty, Span::default()), input.hidden[i]),
            false,
        );
    }
    out
}

pub fn filter(b: &mut Binder, scope: &Scope, input: Rel, predicate: &Expr) -> Result<Rel, Error> {
    let bound = b.expr(&mut Ctx::new(scope, input.schema()), predicate)?;
    if !matches!(bound.ty, Type::Bool | Type::Dynamic) {
        return Err(Error::semantic(
            format!("`where` needs a bool predicate, this is {}", bound.ty),
            predicate.span,
        ));
    }
    let schema = input.plan.schema.clone();
    Ok(Rel {
        plan: Plan {
            node: Node::Filter {
                input: Arc::new(input.plan),
                predicate: bound,
            },
            schema,
        },
        hidden: input.hidden,
    })
}

/// Whether an unnamed item is a plain column reference (Kusto then treats it as a declaration
/// of that column: naming it twice is an error).
fn is_column_ref(item: &Expr, bound: &BoundExpr) -> bool {
    matches!(item.kind, ExprKind::Name(_)) && matches!(bound.kind, ExprNode::Column(_))
}

pub fn project(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    items: &[NamedExpr],
) -> Result<Rel, Error> {
    let mut out: Projection<Out> = Projection::default();
    let mut defaults = DefaultNames::default();
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    for item in items {
        if let ExprKind::Star = item.expr.kind {
            for i in input.visible_columns() {
                let f = &row.fields[i];
                out.add(
                    &f.name,
                    (BoundExpr::column(i, f.ty, item.expr.span), false),
                    false,
                );
            }
            continue;
        }
        let bound = b.expr(&mut Ctx::new(scope, &row), &item.expr)?;
        if let Some(parts) = output_parts(&bound) {
            add_outputs(&mut out, item, parts, false, Rest::Named, &has_column)?;
            continue;
        }
        match item.names.as_slice() {
            [name] => {
                out.declare(&name.name, (bound, false), false, name.span)?;
            }
            [] if is_column_ref(&item.expr, &bound) => {
                let name = row.fields[column_index(&bound)].name.clone();
                out.declare(&name, (bound, false), false, item.expr.span)?;
            }
            [] => {
                let name = result_name(&item.expr, &has_column)
                    .unwrap_or_else(|| defaults.next(&|_| false));
                out.add(&name, (bound, false), false);
            }
            [_, second, ..] => return Err(several_names(second)),
        }
    }
    Ok(projection(input, out.columns))
}

pub fn extend(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    items: &[NamedExpr],
) -> Result<Rel, Error> {
    let mut out = passthrough(&input);
    let mut defaults = DefaultNames::default();
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    for item in items {
        let bound = b.expr(&mut Ctx::new(scope, &row), &item.expr)?;
        if let Some(parts) = output_parts(&bound) {
            add_outputs(&mut out, item, parts, true, Rest::Named, &has_column)?;
            continue;
        }
        match item.names.as_slice() {
            [name] => {
                out.declare(&name.name, (bound, false), true, name.span)?;
            }
            [] if is_column_ref(&item.expr, &bound) => {
                let name = row.fields[column_index(&bound)].name.clone();
                out.declare(&name, (bound, false), true, item.expr.span)?;
            }
            [] => {
                let name = match result_name(&item.expr, &has_column) {
                    Some(name) => name,
                    None => defaults.next(&|n| out.contains(n)),
                };
                out.add(&name, (bound, false), true);
            }
            [_, second, ..] => return Err(several_names(second)),
        }
    }
    Ok(projection(input, out.columns))
}

/// The columns of a call that yields several (`series_stats`, `series_decompose`,
/// `series_fit_line`, …), each with the field name Kusto gives it; `None` for any other
/// expression. Kusto adds every output: the names given (`extend a = f(x)`,
/// `extend (a, b) = f(x)`) take the first ones and the rest are named
/// `<function>_<argument>_<field>` (checked with Kusto.Language's binder).
pub(super) fn output_parts(bound: &BoundExpr) -> Option<Vec<(&'static str, BoundExpr)>> {
    use crate::func::scalar::series::FIT_LINE_FIELDS;
    let ExprNode::Call { func, args } = &bound.kind else {
        return None;
    };
    if let ScalarFunc::Series(f) = func {
        if let Some(parts) = crate::func::series::output_parts(*f) {
            // One call per output, each yielding its own array.
            let names = crate::func::series::output_names(*f);
            return Some(
                parts
                    .into_iter()
                    .zip(names)
                    .map(|(g, name)| {
                        let call = BoundExpr {
                            kind: ExprNode::Call {
                                func: ScalarFunc::Series(g),
                                args: args.clone(),
                            },
                            ty: Type::Dynamic,
                            span: bound.span,
                        };
                        (*name, call)
                    })
                    .collect(),
            );
        }
    }
    let fields: Vec<(&'static str, Type)> = match func {
        ScalarFunc::SeriesFitLine => FIT_LINE_FIELDS
            .iter()
            .map(|f| {
                let ty = if *f == "line_fit" {
                    Type::Dynamic
                } else {
                    Type::Real
                };
                (*f, ty)
            })
            .collect(),
        ScalarFunc::Series(f) => crate::func::series::tuple_fields(*f)?,
        _ => return None,
    };
    // One field of the bag the call returns, converted to the type Kusto gives it.
    let field_of = |field: &'static str, ty: Type| {
        let span = bound.span;
        let key = BoundExpr::literal(Value::String(field.into()), Type::String, span);
        let part = BoundExpr {
            kind: ExprNode::Index {
                expr: Box::new(bound.clone()),
                index: Box::new(key),
            },
            ty: Type::Dynamic,
            span,
        };
        if ty == Type::Dynamic {
            return Some(part);
        }
        let convert = if ty == Type::Long { "tolong" } else { "toreal" };
        let (func, ty) = crate::func::scalar::lookup(convert, &[part.as_arg()]).ok()?;
        Some(BoundExpr {
            kind: ExprNode::Call {
                func,
                args: vec![part],
            },
            ty,
            span,
        })
    };
    fields
        .into_iter()
        .map(|(field, ty)| Some((field, field_of(field, ty)?)))
        .collect()
}

/// How [`add_outputs`] treats the outputs the names given do not cover.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Rest {
    /// `extend`, `project`: added under default names.
    Named,
    /// `print`: left out when any name is given (Kusto.Language's binder does so).
    DroppedWhenNamed,
}

/// Add the columns of a multi-output call (see [`output_parts`]): `names` name the first
/// ones, the rest are named `<function>_<argument>_<field>` (or dropped, see [`Rest`]).
pub(super) fn add_outputs(
    out: &mut Projection<Out>,
    item: &NamedExpr,
    parts: Vec<(&'static str, BoundExpr)>,
    replace: bool,
    rest: Rest,
    has_column: &dyn Fn(&str) -> bool,
) -> Result<(), Error> {
    let names = &item.names;
    if names.len() > parts.len() {
        return Err(Error::semantic(
            format!("this function yields {} columns", parts.len()),
            names[parts.len()].span,
        ));
    }
    let prefix = match &item.expr.kind {
        ExprKind::Call { name, args } => format!(
            "{}_{}",
            name.name,
            args.first()
                .and_then(|a| result_name(a, has_column))
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    for (i, (field, part)) in parts.into_iter().enumerate() {
        match names.get(i) {
            Some(name) => {
                out.declare(&name.name, (part, false), replace, name.span)?;
            }
            None if rest == Rest::DroppedWhenNamed && !names.is_empty() => break,
            // Kusto numbers a default name that is taken (`…_min1`) rather than replace it.
            None => {
                out.add(&format!("{prefix}_{field}"), (part, false), false);
            }
        }
    }
    Ok(())
}

fn column_index(bound: &BoundExpr) -> usize {
    match bound.kind {
        ExprNode::Column(i) => i,
        _ => unreachable!("checked by is_column_ref"),
    }
}

pub fn several_names(second: &Ident) -> Error {
    Error::semantic(
        "this expression yields one column; give it one name",
        second.span,
    )
}

/// `*` wildcards in column patterns (`Src*`, `*Ip`).
pub fn glob(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Columns matching a pattern: wildcards see the visible columns, an exact name any column.
fn matching(input: &Rel, pattern: &ColumnPattern) -> Result<Vec<usize>, Error> {
    let schema = input.schema();
    if !pattern.pattern.contains('*') {
        return match schema.index_of(&pattern.pattern) {
            Some(i) => Ok(vec![i]),
            None => Err(unknown_column(input, &pattern.pattern, pattern.span)),
        };
    }
    let found: Vec<usize> = input
        .visible_columns()
        .into_iter()
        .filter(|&i| glob(&pattern.pattern, &schema.fields[i].name))
        .collect();
    // Kusto's binder rejects a wildcard that matches nothing, as it rejects an unknown name
    // (`project-away zz*`: "The name 'zz*' does not refer to any known column").
    if found.is_empty() {
        return Err(Error::semantic(
            format!("no column matches `{}`", pattern.pattern),
            pattern.span,
        ));
    }
    Ok(found)
}

pub fn unknown_column(input: &Rel, name: &str, span: Span) -> Error {
    let mut err = Error::at(ErrorKind::UnknownColumn(name.to_string()), span);
    if let Some(help) = suggest(name, input.visible_names()) {
        err = err.with_help(help);
    }
    err
}

pub fn project_away(input: Rel, patterns: &[ColumnPattern]) -> Result<Rel, Error> {
    let mut drop = vec![false; input.hidden.len()];
    for pattern in patterns {
        for i in matching(&input, pattern)? {
            drop[i] = true;
        }
    }
    let keep: Vec<usize> = (0..drop.len()).filter(|&i| !drop[i]).collect();
    Ok(select(input, &keep))
}

pub fn project_keep(input: Rel, patterns: &[ColumnPattern]) -> Result<Rel, Error> {
    let mut keep = vec![false; input.hidden.len()];
    for pattern in patterns {
        for i in matching(&input, pattern)? {
            keep[i] = true;
        }
    }
    let keep: Vec<usize> = (0..keep.len()).filter(|&i| keep[i]).collect();
    Ok(select(input, &keep))
}

pub fn project_rename(input: Rel, pairs: &[(Ident, Ident)]) -> Result<Rel, Error> {
    let mut names: Vec<String> = input.schema().names().map(str::to_string).collect();
    for (new, old) in pairs {
        let Some(i) = names.iter().position(|n| *n == old.name) else {
            return Err(unknown_column(&input, &old.name, old.span));
        };
        if names
            .iter()
            .enumerate()
            .any(|(j, n)| j != i && *n == new.name)
        {
            return Err(Error::semantic(
                format!("a column named `{}` already exists", new.name),
                new.span,
            ));
        }
        names[i] = new.name.clone();
    }
    let columns = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let ty = input.schema().fields[i].ty;
            (
                name,
                (BoundExpr::column(i, ty, Span::default()), input.hidden[i]),
            )
        })
        .collect();
    Ok(projection(input, columns))
}

pub fn project_reorder(
    input: Rel,
    items: &[(ColumnPattern, Option<SortOrder>)],
) -> Result<Rel, Error> {
    let mut order: Vec<usize> = Vec::new();
    for (pattern, sort) in items {
        let mut matched: Vec<usize> = matching(&input, pattern)?
            .into_iter()
            .filter(|i| !order.contains(i))
            .collect();
        let names = &input.schema().fields;
        match sort {
            Some(SortOrder::Asc) => matched.sort_by(|a, b| names[*a].name.cmp(&names[*b].name)),
            Some(SortOrder::Desc) => matched.sort_by(|a, b| names[*b].name.cmp(&names[*a].name)),
            None => {}
        }
        order.extend(matched);
    }
    let rest: Vec<usize> = (0..input.hidden.len())
        .filter(|i| !order.contains(i))
        .collect();
    order.extend(rest);
    Ok(select(input, &order))
}

/// Sort keys; `sort` and `top` default to descending, nulls last when descending and first
/// when ascending (Kusto's defaults).
pub fn sort_keys(
    b: &mut Binder,
    scope: &Scope,
    row: &Schema,
    keys: &[SortKey],
) -> Result<Vec<BoundSortKey>, Error> {
    keys.iter()
        .map(|key| {
            let expr = b.expr(&mut Ctx::new(scope, row), &key.expr)?;
            if matches!(expr.ty, Type::Dynamic) && !matches!(expr.kind, ExprNode::Column(_)) {
                // Kusto sorts dynamic values too; nothing to check.
            }
            let descending = key.order != Some(SortOrder::Asc);
            let nulls_first = match key.nulls {
                Some(NullsOrder::First) => true,
                Some(NullsOrder::Last) => false,
                None => !descending,
            };
            Ok(BoundSortKey {
                expr,
                descending,
                nulls_first,
            })
        })
        .collect()
}

pub fn sort(b: &mut Binder, scope: &Scope, input: Rel, keys: &[SortKey]) -> Result<Rel, Error> {
    let keys = sort_keys(b, scope, input.schema(), keys)?;
    let schema = input.plan.schema.clone();
    Ok(Rel {
        plan: Plan {
            node: Node::Sort {
                input: Arc::new(input.plan),
                keys,
            },
            schema,
        },
        hidden: input.hidden,
    })
}

pub fn take(b: &mut Binder, scope: &Scope, input: Rel, count: &Expr) -> Result<Rel, Error> {
    let count = b.count(scope, count)?;
    let schema = input.plan.schema.clone();
    Ok(Rel {
        plan: Plan {
            node: Node::Take {
                input: Arc::new(input.plan),
                count,
            },
            schema,
        },
        hidden: input.hidden,
    })
}

pub fn top(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    count: &Expr,
    by: &[SortKey],
) -> Result<Rel, Error> {
    let count = b.count(scope, count)?;
    let keys = sort_keys(b, scope, input.schema(), by)?;
    let schema = input.plan.schema.clone();
    Ok(Rel {
        plan: Plan {
            node: Node::Top {
                input: Arc::new(input.plan),
                count,
                keys,
            },
            schema,
        },
        hidden: input.hidden,
    })
}

/// `serialize` and `serialize rn = row_number()`: the input in order, plus the named columns.
pub fn serialize(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    items: &[NamedExpr],
) -> Result<Rel, Error> {
    let mut out = passthrough(&input);
    let width = out.columns.len();
    let mut defaults = DefaultNames::default();
    let row = input.schema().clone();
    let has_column = |n: &str| row.index_of(n).is_some();
    for item in items {
        let bound = b.expr(&mut Ctx::new(scope, &row), &item.expr)?;
        let name = match item.names.as_slice() {
            [name] => name.name.clone(),
            [] => result_name(&item.expr, &has_column)
                .unwrap_or_else(|| defaults.next(&|n| out.contains(n))),
            [_, second, ..] => return Err(several_names(second)),
        };
        out.add(&name, (bound, false), false);
    }
    let appended: Vec<(String, Out)> = out.columns.split_off(width);
    let mut fields = input.plan.schema.fields.to_vec();
    fields.extend(
        appended
            .iter()
            .map(|(n, (e, _))| Field::new(n.clone(), e.ty)),
    );
    let mut hidden = input.hidden.clone();
    hidden.extend(appended.iter().map(|_| false));
    Ok(Rel {
        plan: Plan {
            node: Node::Serialize {
                input: Arc::new(input.plan),
                exprs: appended.into_iter().map(|(_, (e, _))| e).collect(),
            },
            schema: Schema::new(fields),
        },
        hidden,
    })
}

/// `getschema`: one row per visible column.
pub fn getschema(input: &Rel) -> Rel {
    let fields: Vec<&Field> = input
        .visible_columns()
        .into_iter()
        .map(|i| &input.plan.schema.fields[i])
        .collect();
    let text = |f: &dyn Fn(&Field) -> String| -> Column {
        Column::String(fields.iter().map(|x| Arc::from(f(x).as_str())).collect())
    };
    let columns = vec![
        text(&|f| f.name.clone()),
        Column::Long((0..fields.len() as i64).map(Some).collect()),
        text(&|f| f.ty.dotnet_name().to_string()),
        text(&|f| f.ty.name().to_string()),
    ];
    let schema = Schema::new(vec![
        Field::new("ColumnName", Type::String),
        Field::new("ColumnOrdinal", Type::Long),
        Field::new("DataType", Type::String),
        Field::new("ColumnType", Type::String),
    ]);
    values(Table::new(schema, columns))
}

/// Rows known when binding.
pub fn values(table: Table) -> Rel {
    let schema = table.schema.clone();
    Rel::visible(Plan {
        node: Node::Values(table),
        schema,
    })
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("Src*", "SrcIp"));
        assert!(glob("*Ip", "SrcIp"));
        assert!(glob("S*c*p", "SrcIp"));
        assert!(!glob("Src*", "DestIp"));
        assert!(glob("SrcIp", "SrcIp"));
        assert!(!glob("*Ip*x", "SrcIp"));
    }
}
