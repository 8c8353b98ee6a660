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
use std::sync::Arc;

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
                // Views take part in wildcards as tables do (union-operator docs); other
                // functions need arguments, so they never match.
                let tabular = |b: &Binding| match b {
                    Binding::Tabular(_) => true,
                    Binding::Function(def, _) => def.is_view,
                    Binding::Scalar(_) => false,
                };
                for n in scope.names(tabular) {
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

/// Match the inputs' columns by name (and type) into one schema. Hidden columns (`_ResourceId`)
/// come through too, still hidden and after the visible ones, so `union … | parse _ResourceId`
/// works as in Log Analytics.
fn combine(inputs: Vec<(String, Rel)>, inner: bool, source: Option<String>) -> Rel {
    // Names in order of first appearance (visible ones first), each with whether it is hidden
    // and its types in order of appearance.
    let mut names: Vec<(String, bool, Vec<Type>)> = Vec::new();
    for hidden_pass in [false, true] {
        for (_, rel) in &inputs {
            for (i, f) in rel.schema().fields.iter().enumerate() {
                if rel.hidden[i] != hidden_pass {
                    continue;
                }
                match names.iter_mut().find(|(n, _, _)| *n == f.name) {
                    Some((_, _, types)) if !types.contains(&f.ty) => types.push(f.ty),
                    Some(_) => {}
                    None => names.push((f.name.clone(), hidden_pass, vec![f.ty])),
                }
            }
        }
    }
    // Output name, source name, type, hidden. A type-suffixed name that another column
    // already uses gets a number, as Kusto does (`x_long` beside `x_long` → `x_long1`).
    let mut columns: Vec<(String, String, Type, bool)> = Vec::new();
    for (name, hidden, types) in &names {
        for ty in types {
            let mut out = if types.len() > 1 {
                format!("{name}_{ty}")
            } else {
                name.clone()
            };
            if types.len() > 1 {
                let taken = |c: &str| names.iter().any(|(n, _, _)| n == c);
                let base = out.clone();
                let mut k = 1;
                while taken(&out) || columns.iter().any(|(o, _, _, _)| *o == out) {
                    out = format!("{base}{k}");
                    k += 1;
                }
            }
            columns.push((out, name.clone(), *ty, *hidden));
        }
    }
    let find = |rel: &Rel, name: &str, ty: Type| {
        rel.schema()
            .fields
            .iter()
            .position(|f| f.name == name && f.ty == ty)
    };
    if inner {
        columns.retain(|(_, name, ty, _)| {
            inputs.iter().all(|(_, rel)| find(rel, name, *ty).is_some())
        });
    }
    let mappings = inputs
        .iter()
        .map(|(_, rel)| {
            columns
                .iter()
                .map(|(_, name, ty, _)| find(rel, name, *ty))
                .collect()
        })
        .collect();
    let mut fields = Vec::new();
    let mut hidden = Vec::new();
    if let Some(s) = &source {
        fields.push(Field::new(s.clone(), Type::String));
        hidden.push(false);
    }
    for (out, _, ty, is_hidden) in &columns {
        fields.push(Field::new(out.clone(), *ty));
        hidden.push(*is_hidden);
    }
    let (labels, rels): (Vec<String>, Vec<Rel>) = inputs.into_iter().unzip();
    let plan = Plan {
        node: Node::Union {
            inputs: rels.into_iter().map(|r| Arc::new(r.plan)).collect(),
            mappings,
            source_names: source.map(|_| labels),
        },
        schema: Schema::new(fields),
    };
    Rel { plan, hidden }
}
