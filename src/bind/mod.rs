//! `ast::Query` + `Catalog` → `BoundQuery`: names resolved, types inferred, output columns named
//! as Kusto names them.
//!
//! `mod.rs` walks statements and sources and resolves names of tables and functions; the
//! operators live in `ops` (row-wise and projections), `summarize`, `join`, `union`, `expand`
//! (mv-expand, mv-apply), `parse_op` and `evaluate` (plugins); `functions` binds user functions
//! and views, `sources` the sources that need no input (`datatable`, `externaldata`, …); `expr`
//! binds scalar expressions, `naming` names columns, `types` types operators and `window`
//! checks that window functions read serialized input. Binding only turns the AST into a plan:
//! narrowing scans and placing window calls are `optimize`'s passes.

mod activity_plugins;
mod evaluate;
mod expand;
mod expr;
mod functions;
mod geo_plugins;
mod join;
mod naming;
mod ops;
mod parse_op;
mod pattern_plugins;
mod plan_size;
mod row_functions;
mod scope;
mod sequence_plugins;
mod sources;
mod summarize;
mod table_plugins;
#[cfg(test)]
mod tests;
mod top_nested;
mod types;
mod union;
mod window;

pub use types::{binary_type, negate_type};

use crate::ast::{
    Expr, ExprKind, Ident, Operator, OperatorKind, ParamType, Query, Source, SourceKind, Span,
    StatementKind, TabularExpr,
};
use crate::catalog::{is_hidden, Catalog};
use crate::error::{suggest, Error, ErrorKind};
use crate::plan::{BoundExpr, BoundQuery, Node, Plan, Visualization};
use crate::table::{Field, Schema, Value};
use crate::Options;
use expr::Ctx;
use functions::function_is_tabular;
use scope::{Binding, Rel, Scope};
use std::rc::Rc;
use std::sync::Arc;

/// Bind a parsed query against the catalog's schemas (no rows are read).
pub fn bind(query: &Query, catalog: &Catalog, options: &Options) -> Result<BoundQuery, Error> {
    let mut binder = Binder::new(catalog, options);
    let mut scope = Scope::default();
    let mut result = None;
    for statement in &query.statements {
        match &statement.kind {
            StatementKind::Let { name, value } => {
                scope = binder.let_statement(&scope, name, value)?;
            }
            StatementKind::DeclareParameters(params) => {
                scope = binder.declare_parameters(&scope, params)?;
            }
            StatementKind::Set { .. } => {}
            StatementKind::Tabular(tabular) => {
                result = Some(binder.top_level(&scope, tabular)?);
            }
            StatementKind::Expr(e) => {
                return Err(Error::semantic(
                    "a query statement must be tabular; a scalar needs `print`",
                    e.span,
                ))
            }
        }
    }
    let Some((rel, visualization)) = result else {
        return Err(Error::semantic(
            "the query has no tabular expression to run",
            query.span,
        ));
    };
    window::check_placement(&rel.plan)?;
    let plan = drop_hidden(rel);
    binder.check_plan(&plan, query.span)?;
    Ok(BoundQuery {
        plan,
        visualization,
        started: binder.started,
    })
}

/// The final result leaves hidden columns out unless the query projected them by name.
fn drop_hidden(rel: Rel) -> Plan {
    if !rel.hidden.iter().any(|&h| h) {
        return rel.plan;
    }
    let keep = rel.visible_columns();
    match rel.plan.node {
        // Narrow a projection in place rather than stacking another one on it.
        Node::Project { input, exprs } => {
            let fields = keep
                .iter()
                .map(|&i| rel.plan.schema.fields[i].clone())
                .collect();
            Plan {
                node: Node::Project {
                    input,
                    exprs: keep.iter().map(|&i| exprs[i].clone()).collect(),
                },
                schema: Schema::new(fields),
            }
        }
        _ => ops::select(rel, &keep).plan,
    }
}

/// A bound `let` value or function result: a scalar expression or a table.
pub enum Bound {
    Scalar(BoundExpr),
    Tabular(Rel),
}

pub struct Binder<'a> {
    catalog: &'a Catalog,
    options: &'a Options,
    next_materialize: usize,
    depth: usize,
    /// Plan operators bound so far by calls of user functions (`plan_size`).
    bound_nodes: usize,
    /// The tree sizes of the plans bound so far (`plan_size`).
    plan_sizes: plan_size::PlanSizes,
    /// While an `extend` binds its items one after another: how many columns its input has,
    /// which are all `pack_all()` packs (not the columns the items before it made).
    extend_input_width: Option<usize>,
    /// When binding began: the query's time limit counts from here (a probe run while
    /// binding spends from it too).
    started: std::time::Instant,
}

impl<'a> Binder<'a> {
    fn new(catalog: &'a Catalog, options: &'a Options) -> Binder<'a> {
        Binder {
            catalog,
            options,
            next_materialize: 0,
            depth: 0,
            bound_nodes: 0,
            plan_sizes: Default::default(),
            extend_input_width: None,
            started: std::time::Instant::now(),
        }
    }

    /// The query's result expression: a trailing `render` becomes the visualization.
    fn top_level(
        &mut self,
        scope: &Scope,
        tabular: &TabularExpr,
    ) -> Result<(Rel, Option<Visualization>), Error> {
        if let Some(Operator {
            kind: OperatorKind::Render { kind, properties },
            ..
        }) = tabular.ops.last()
        {
            let mut rest = tabular.clone();
            rest.ops.pop();
            let rel = self.tabular(scope, &rest)?;
            let visualization = Visualization {
                kind: kind.name.clone(),
                properties: properties
                    .iter()
                    .map(|(name, value)| (name.name.clone(), property_text(value)))
                    .collect(),
            };
            return Ok((rel, Some(visualization)));
        }
        Ok((self.tabular(scope, tabular)?, None))
    }

    fn let_statement(
        &mut self,
        scope: &Scope,
        name: &Ident,
        value: &crate::ast::LetValue,
    ) -> Result<Scope, Error> {
        let binding = match value {
            crate::ast::LetValue::Function(def) => {
                Binding::Function(Rc::new(def.clone()), scope.clone())
            }
            crate::ast::LetValue::Expr(e) => match self.value(scope, e)? {
                Bound::Scalar(e) => Binding::Scalar(e),
                Bound::Tabular(rel) => Binding::Tabular(rel),
            },
        };
        Ok(scope.with(name.name.clone(), binding))
    }

    /// `declare query_parameters(…)`: each parameter takes the value given for the run, else
    /// its default.
    fn declare_parameters(
        &mut self,
        scope: &Scope,
        params: &[crate::ast::Param],
    ) -> Result<Scope, Error> {
        let mut scope = scope.clone();
        for param in params {
            let ParamType::Scalar(type_name) = &param.ty else {
                return Err(Error::semantic(
                    "query parameters must be scalars",
                    param.name.span,
                ));
            };
            let ty = expr::type_named(type_name)?;
            let value = match (
                parameter_value(self.options, &param.name, ty)?,
                &param.default,
            ) {
                (Some(value), _) => BoundExpr::literal(value, ty, param.name.span),
                (None, Some(default)) => {
                    let empty = Schema::default();
                    self.expr(&mut Ctx::new(&scope, &empty), default)?
                }
                (None, None) => {
                    return Err(Error::semantic(
                        format!("query parameter `{}` has no value", param.name.name),
                        param.name.span,
                    )
                    .with_help("give it with --param NAME=VALUE, or a default in the declaration"))
                }
            };
            scope = scope.with(param.name.name.clone(), Binding::Scalar(value));
        }
        Ok(scope)
    }

    /// A `let` right side or a function argument: a table when it is one, else a scalar
    /// (bound over no row).
    fn value(&mut self, scope: &Scope, e: &Expr) -> Result<Bound, Error> {
        if let Some(rel) = self.as_tabular(scope, e)? {
            return Ok(Bound::Tabular(rel));
        }
        let empty = Schema::default();
        let mut ctx = Ctx::new(scope, &empty);
        if let ExprKind::Call { name, args } = &e.kind {
            if let Some(Binding::Function(def, fscope)) = scope.get(&name.name) {
                let (def, fscope) = (def.clone(), fscope.clone());
                return self.call_user(&mut ctx, &name.name, &def, &fscope, args, e.span);
            }
        }
        Ok(Bound::Scalar(self.expr(&mut ctx, e)?))
    }

    /// The table an expression denotes, or `None` when it is a scalar expression.
    fn as_tabular(&mut self, scope: &Scope, e: &Expr) -> Result<Option<Rel>, Error> {
        match &e.kind {
            ExprKind::Tabular(tabular) => self.tabular(scope, tabular).map(Some),
            ExprKind::Name(name) => match scope.get(name) {
                Some(Binding::Tabular(rel)) => {
                    self.check_use(rel, name, e.span)?;
                    Ok(Some(rel.clone()))
                }
                Some(Binding::Scalar(_)) => Ok(None),
                Some(Binding::Function(def, fscope)) => {
                    if !function_is_tabular(def, fscope, self.catalog) {
                        return Ok(None);
                    }
                    let (def, fscope) = (def.clone(), fscope.clone());
                    self.call_tabular(scope, name, &def, &fscope, &[], e.span)
                        .map(Some)
                }
                None => Ok(self.catalog.get(name).map(|_| self.scan(name))),
            },
            ExprKind::Call { name, args } => {
                let source = Source {
                    kind: SourceKind::Call {
                        name: name.clone(),
                        args: args.clone(),
                    },
                    span: e.span,
                };
                match name.name.as_str() {
                    "materialize" | "table" | "view" => self.source(scope, &source).map(Some),
                    _ => match scope.get(&name.name) {
                        Some(Binding::Function(def, fscope))
                            if function_is_tabular(def, fscope, self.catalog) =>
                        {
                            self.source(scope, &source).map(Some)
                        }
                        _ => Ok(None),
                    },
                }
            }
            _ => Ok(None),
        }
    }

    /// Bind `source | op | op …`.
    fn tabular(&mut self, scope: &Scope, tabular: &TabularExpr) -> Result<Rel, Error> {
        let mut scope = scope.clone();
        let mut rel = self.source(&scope, &tabular.source)?;
        for op in &tabular.ops {
            if let OperatorKind::As(name) = &op.kind {
                scope = scope.with(name.name.clone(), Binding::Tabular(rel.clone()));
                continue;
            }
            rel = self.operator(&scope, rel, op)?;
        }
        Ok(rel)
    }

    fn source(&mut self, scope: &Scope, source: &Source) -> Result<Rel, Error> {
        match &source.kind {
            SourceKind::Name(name) => self.named_table(scope, name),
            SourceKind::Call { name, args } => self.call_source(scope, name, args, source.span),
            SourceKind::Datatable { columns, values } => {
                sources::datatable(self, scope, columns, values, source.span)
            }
            SourceKind::Print(items) => sources::print(self, scope, items),
            SourceKind::Range {
                name,
                from,
                to,
                step,
            } => sources::range(self, scope, name, from, to, step),
            SourceKind::Union(spec) => union::union(self, scope, None, spec, source.span),
            SourceKind::Paren(inner) => self.tabular(scope, inner),
            SourceKind::ApplyInput => Err(Error::semantic(
                "an mv-apply body's input is only available inside mv-apply",
                source.span,
            )),
            SourceKind::ExternalData {
                columns,
                uris,
                options,
            } => sources::external_data(self, scope, columns, uris, options),
        }
    }

    /// A table name: a tabular `let`, a view or argument-less function, or a catalog table.
    fn named_table(&mut self, scope: &Scope, name: &Ident) -> Result<Rel, Error> {
        match scope.get(&name.name) {
            Some(Binding::Tabular(rel)) => {
                self.check_use(rel, &name.name, name.span)?;
                return Ok(rel.clone());
            }
            Some(Binding::Function(def, fscope)) => {
                let (def, fscope) = (def.clone(), fscope.clone());
                return self.call_tabular(scope, &name.name, &def, &fscope, &[], name.span);
            }
            Some(Binding::Scalar(_)) => {
                return Err(Error::semantic(
                    format!("`{}` is a scalar, not a table", name.name),
                    name.span,
                ))
            }
            None => {}
        }
        if self.catalog.get(&name.name).is_some() {
            return Ok(self.scan(&name.name));
        }
        Err(self.unknown_table(scope, name))
    }

    fn unknown_table(&self, scope: &Scope, name: &Ident) -> Error {
        let mut candidates: Vec<&str> = self.catalog.names().collect();
        candidates.extend(scope.names(|b| !matches!(b, Binding::Scalar(_))));
        Error::at(ErrorKind::UnknownTable(name.name.clone()), name.span)
            .with_help(crate::error::suggest_tables(&name.name, candidates))
    }

    /// A catalog table, every column (pruning narrows it once the plan is whole).
    fn scan(&self, name: &str) -> Rel {
        let provider = self
            .catalog
            .get(name)
            .expect("caller checked the table exists");
        let schema = provider.schema().clone();
        let hidden = schema.fields.iter().map(|f| is_hidden(&f.name)).collect();
        let plan = Plan {
            node: Node::Scan {
                table: name.to_string(),
                columns: (0..schema.len()).collect(),
                predicates: Vec::new(),
            },
            schema,
        };
        Rel { plan, hidden }
    }

    /// `materialize(T)`, `table("T")`, `view()`-style calls and tabular user functions.
    fn call_source(
        &mut self,
        scope: &Scope,
        name: &Ident,
        args: &[Expr],
        span: Span,
    ) -> Result<Rel, Error> {
        if let Some(Binding::Function(def, fscope)) = scope.get(&name.name) {
            let (def, fscope) = (def.clone(), fscope.clone());
            return self.call_tabular(scope, &name.name, &def, &fscope, args, span);
        }
        match name.name.as_str() {
            "materialize" => {
                let [arg] = args else {
                    return Err(Error::semantic("materialize() takes one table", span));
                };
                let Some(rel) = self.as_tabular(scope, arg)? else {
                    return Err(Error::semantic(
                        "materialize() needs a tabular expression",
                        arg.span,
                    ));
                };
                let id = self.next_materialize;
                self.next_materialize += 1;
                let schema = rel.plan.schema.clone();
                Ok(Rel {
                    plan: Plan {
                        node: Node::Materialize {
                            id,
                            input: Arc::new(rel.plan),
                        },
                        schema,
                    },
                    hidden: rel.hidden,
                })
            }
            "table" => match args {
                [Expr {
                    kind: ExprKind::Literal(crate::ast::Literal::String(table)),
                    span,
                }] => self.named_table(
                    scope,
                    &Ident {
                        name: table.clone(),
                        span: *span,
                    },
                ),
                _ => Err(Error::semantic(
                    "table() takes the table name as a string literal",
                    span,
                )),
            },
            _ => {
                let mut err = Error::at(ErrorKind::UnknownFunction(name.name.clone()), name.span);
                let candidates = scope.names(|b| matches!(b, Binding::Function(..)));
                if let Some(help) = suggest(&name.name, candidates) {
                    err = err.with_help(help);
                }
                Err(err)
            }
        }
    }

    /// Bind one operator over `input`.
    fn operator(&mut self, scope: &Scope, input: Rel, op: &Operator) -> Result<Rel, Error> {
        // An operator nested in an `extend` item (`toscalar(T | project pack_all())`) reads its
        // own input, not the enclosing extend's.
        let outer = self.extend_input_width.take();
        let rel = self.operator_kind(scope, input, op);
        self.extend_input_width = outer;
        rel
    }

    fn operator_kind(&mut self, scope: &Scope, input: Rel, op: &Operator) -> Result<Rel, Error> {
        use OperatorKind as K;
        match &op.kind {
            K::Where(predicate) => {
                ops::filter(self, scope, input, predicate).and_then(window::check)
            }
            K::Project(items) => ops::project(self, scope, input, items).and_then(window::check),
            K::Extend(items) => {
                // Each item sees the columns the items before it made
                // (`extend a = x + 1, b = a * 2`), so they are bound one after another.
                self.extend_input_width = Some(input.schema().len());
                let mut rel = Ok(input);
                for item in items {
                    rel = rel.and_then(|rel| {
                        ops::extend(self, scope, rel, std::slice::from_ref(item))
                            .and_then(window::check)
                    });
                }
                rel
            }
            K::ProjectAway(patterns) => ops::project_away(input, patterns),
            K::ProjectKeep(patterns) => ops::project_keep(input, patterns),
            K::ProjectRename(pairs) => ops::project_rename(input, pairs),
            K::ProjectReorder(items) => ops::project_reorder(input, items),
            K::Summarize { aggregates, by } => {
                summarize::summarize(self, scope, input, aggregates, by)
            }
            K::Count => summarize::count(input),
            K::Distinct(items) => summarize::distinct(self, scope, input, items),
            K::Sort(keys) => ops::sort(self, scope, input, keys),
            K::Take(count) => ops::take(self, scope, input, count),
            K::Top { count, by } => ops::top(self, scope, input, count, by),
            K::Union(spec) => union::union(self, scope, Some(input), spec, op.span),
            K::MvExpand(spec) => expand::mv_expand(self, scope, input, spec, op.span),
            K::GetSchema => Ok(ops::getschema(&input)),
            K::Serialize(items) => ops::serialize(self, scope, input, items),
            K::As(_) => Ok(input),
            // `render` not at the end changes nothing (Kusto only draws the last one).
            K::Render { .. } => Ok(input),
            K::Join { params, right, on } => {
                join::join(self, scope, input, params, right, on, op.span)
            }
            K::Lookup { params, right, on } => {
                join::lookup(self, scope, input, params, right, on, op.span)
            }
            K::Parse {
                params,
                source,
                pattern,
                where_only,
            } => parse_op::parse(
                self,
                scope,
                input,
                params,
                source,
                pattern,
                *where_only,
                op.span,
            ),
            K::MvApply {
                items,
                limit,
                item_index,
                body,
            } => expand::mv_apply(
                self,
                scope,
                input,
                items,
                limit.as_ref(),
                item_index.as_ref(),
                body,
                op.span,
            ),
            K::MakeSeries(spec) => summarize::make_series(self, scope, input, spec, op.span),
            K::TopNested(levels) => top_nested::top_nested(self, scope, input, levels, op.span),
            K::Invoke { name, args } => self.invoke(scope, input, name, args, op.span),
            K::Sample(count) => ops::take(self, scope, input, count),
            K::Evaluate { name, args } => {
                evaluate::evaluate(self, scope, input, name, args, op.span)
            }
        }
    }

    /// Fold a bound constant expression to its value (literals directly, anything else through
    /// the evaluator with this run's `now`).
    pub fn constant(&self, expr: &BoundExpr) -> Result<Value, Error> {
        if let crate::plan::ExprNode::Literal(value) = &expr.kind {
            return Ok(value.clone());
        }
        if !expr::is_constant(expr) {
            return Err(Error::semantic("expected a constant value", expr.span));
        }
        crate::eval::eval_constant(expr, &self.options.context())
            .map_err(|e| e.with_span(expr.span))
    }

    /// A non-negative whole-number constant (`take 10`, `limit=5`).
    pub fn count(&mut self, scope: &Scope, e: &Expr) -> Result<usize, Error> {
        let empty = Schema::default();
        let bound = self.expr(&mut Ctx::new(scope, &empty), e)?;
        match self.constant(&bound)? {
            Value::Long(n) if n >= 0 => Ok(n as usize),
            Value::Int(n) if n >= 0 => Ok(n as usize),
            Value::Long(_) | Value::Int(_) => Ok(0),
            _ => Err(Error::semantic(
                format!("expected a whole number, found {}", bound.ty),
                e.span,
            )),
        }
    }
}

/// A `render` property's value as text: names and strings as written, lists comma-joined.
fn property_text(value: &Expr) -> String {
    use crate::ast::Literal;
    match &value.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Literal(Literal::String(s)) => s.clone(),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Long(n)) => n.to_string(),
        ExprKind::Literal(Literal::Int(n)) => n.to_string(),
        ExprKind::Literal(Literal::Real(x)) => crate::format::value_text(&Value::Real(*x)),
        ExprKind::Literal(Literal::Dynamic(serde_json::Value::Array(items))) => items
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        ExprKind::Literal(Literal::Dynamic(j)) => j.to_string(),
        ExprKind::Call { args, .. } => args.iter().map(property_text).collect::<Vec<_>>().join(","),
        ExprKind::Neg(inner) => format!("-{}", property_text(inner)),
        _ => String::new(),
    }
}

/// The value `--param NAME=VALUE` gave a declared query parameter, read as its declared type.
fn parameter_value(
    options: &Options,
    name: &Ident,
    ty: crate::table::Type,
) -> Result<Option<Value>, Error> {
    let Some((_, text)) = options.params.iter().rev().find(|(n, _)| *n == name.name) else {
        return Ok(None);
    };
    crate::params::typed_value(text, ty)
        .map(Some)
        .map_err(|message| {
            Error::semantic(format!("--param {}: {message}", name.name), name.span).with_help(
                format!("the query declares `{}` as {}", name.name, ty.name()),
            )
        })
}

/// A schema from `(name, type)` pairs as written (`datatable`, tabular parameters).
fn declared_schema(columns: &[(Ident, Ident)]) -> Result<Schema, Error> {
    columns
        .iter()
        .map(|(name, ty)| Ok(Field::new(name.name.clone(), expr::type_named(ty)?)))
        .collect::<Result<Vec<_>, Error>>()
        .map(Schema::new)
}
