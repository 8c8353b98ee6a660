//! `union`: tables by name or wildcard (`AZFW*`), inline subqueries, `withsource=`,
//! `kind=inner|outer` and `isfuzzy=true`; columns matched by name, a name seen with different
//! types split into `x_long`, `x_string` as Kusto does.

use super::join::param_text;
use super::ops::glob;
use super::scope::{Binding, Rel, Scope};
use super::Binder;
use crate::ast::{SourceKind, Span, UnionSpec, UnionTable};
use crate::error::Error;
use crate::plan::{Node, Plan};
use crate::table::{Field, Schema, Type};

pub fn union(
    b: &mut Binder,
    scope: &Scope,
    input: Option<Rel>,
    spec: &UnionSpec,
    span: Span,
) -> Result<Rel, Error> {
    let fuzzy = param_text(&spec.params, "isfuzzy").is_some_and(|(v, _)| v == "true");
    let inner = match param_text(&spec.params, "kind") {
        None => false,
        Some((k, _)) if k == "outer" => false,
        Some((k, _)) if k == "inner" => true,
        Some((k, at)) => {
            return Err(Error::semantic(format!("unknown union kind `{k}`"), at)
                .with_help("union kinds are outer and inner"))
        }
    };
    let source = param_text(&spec.params, "withsource");
    let mut inputs: Vec<(String, Rel)> = Vec::new();
    // With `isfuzzy=true` a failing input is skipped; if all fail, the first failure is the
    // error to show.
    let mut first_error: Option<Error> = None;
    if let Some(rel) = input {
        inputs.push(("union_arg0".to_string(), rel));
    }
    for table in &spec.tables {
        match table {
            UnionTable::Pattern(name) if name.name.contains('*') => {
                let mut names: Vec<String> = b
                    .catalog
                    .names()
                    .filter(|n| glob(&name.name, n))
                    .map(str::to_string)
                    .collect();
                for n in scope.names(|b| matches!(b, Binding::Tabular(_))) {
                    if glob(&name.name, n) && !names.iter().any(|x| x == n) {
                        names.push(n.to_string());
                    }
                }
                for n in names {
                    let ident = crate::ast::Ident {
                        name: n.clone(),
                        span: name.span,
                    };
                    inputs.push((n, b.named_table(scope, &ident)?));
                }
            }
            UnionTable::Pattern(name) => match b.named_table(scope, name) {
                Ok(rel) => inputs.push((name.name.clone(), rel)),
                Err(e) if fuzzy => {
                    first_error.get_or_insert(e);
                }
                Err(e) => return Err(e),
            },
            UnionTable::Expr(tabular) => {
                let label = match (&tabular.source.kind, tabular.ops.is_empty()) {
                    (SourceKind::Name(n), true) => n.name.clone(),
                    _ => format!("union_arg{}", inputs.len()),
                };
                match b.tabular(scope, tabular) {
                    Ok(rel) => inputs.push((label, rel)),
                    Err(e) if fuzzy => {
                        first_error.get_or_insert(e);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    if inputs.is_empty() {
        return Err(
            first_error.unwrap_or_else(|| Error::semantic("union has no table to read", span))
        );
    }
    Ok(combine(inputs, inner, source.map(|(s, _)| s)))
}

/// Match the inputs' visible columns by name (and type) into one schema.
fn combine(inputs: Vec<(String, Rel)>, inner: bool, source: Option<String>) -> Rel {
    // Names in order of first appearance, each with its types in order of appearance.
    let mut names: Vec<(String, Vec<Type>)> = Vec::new();
    for (_, rel) in &inputs {
        for i in rel.visible_columns() {
            let f = &rel.schema().fields[i];
            match names.iter_mut().find(|(n, _)| *n == f.name) {
                Some((_, types)) if !types.contains(&f.ty) => types.push(f.ty),
                Some(_) => {}
                None => names.push((f.name.clone(), vec![f.ty])),
            }
        }
    }
    let mut columns: Vec<(String, String, Type)> = Vec::new(); // output name, source name, type
    for (name, types) in &names {
        for ty in types {
            let out = if types.len() > 1 {
                format!("{name}_{ty}")
            } else {
                name.clone()
            };
            columns.push((out, name.clone(), *ty));
        }
    }
    let find = |rel: &Rel, name: &str, ty: Type| {
        rel.visible_columns()
            .into_iter()
            .find(|&i| rel.schema().fields[i].name == name && rel.schema().fields[i].ty == ty)
    };
    if inner {
        columns
            .retain(|(_, name, ty)| inputs.iter().all(|(_, rel)| find(rel, name, *ty).is_some()));
    }
    let mappings = inputs
        .iter()
        .map(|(_, rel)| {
            columns
                .iter()
                .map(|(_, name, ty)| find(rel, name, *ty))
                .collect()
        })
        .collect();
    let mut fields = Vec::new();
    if let Some(s) = &source {
        fields.push(Field::new(s.clone(), Type::String));
    }
    fields.extend(
        columns
            .iter()
            .map(|(out, _, ty)| Field::new(out.clone(), *ty)),
    );
    let (labels, rels): (Vec<String>, Vec<Rel>) = inputs.into_iter().unzip();
    Rel::visible(Plan {
        node: Node::Union {
            inputs: rels.into_iter().map(|r| r.plan).collect(),
            mappings,
            source_names: source.map(|_| labels),
        },
        schema: Schema::new(fields),
    })
}
