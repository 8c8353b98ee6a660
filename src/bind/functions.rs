//! User functions and views: a call binds the body anew with the arguments in scope (scalar
//! ones over the caller's row), so each call site gets its own plan; `invoke` passes the input
//! as the first argument.

use super::expr::{self, Ctx};
use super::scope::{Binding, Rel, Scope};
use super::{Binder, Bound};
use crate::ast::{
    Expr, ExprKind, FunctionDef, Ident, ParamType, SourceKind, Span, Statement, StatementKind,
};
use crate::catalog::Catalog;
use crate::error::{suggest, Error, ErrorKind};
use crate::plan::BoundExpr;
use crate::table::{Schema, Type, Value};

/// How deep user functions may call each other before binding gives up (Kusto forbids
/// recursion; this turns an accidental cycle into an error instead of a stack overflow).
const MAX_CALL_DEPTH: usize = 64;

impl Binder<'_> {
    /// Call a user function whose body must be tabular; scalar arguments are constants here.
    pub(super) fn call_tabular(
        &mut self,
        scope: &Scope,
        name: &str,
        def: &FunctionDef,
        fscope: &Scope,
        args: &[Expr],
        span: Span,
    ) -> Result<Rel, Error> {
        let empty = Schema::default();
        let mut ctx = Ctx::new(scope, &empty);
        match self.call_user(&mut ctx, name, def, fscope, args, span)? {
            Bound::Tabular(rel) => Ok(rel),
            Bound::Scalar(_) => Err(Error::semantic(
                format!("`{name}` returns a scalar, not a table"),
                span,
            )),
        }
    }

    /// Bind a user function's body at a call site: parameters bound to the arguments (scalar
    /// ones over the caller's row), defaults for the missing ones, in the function's own scope.
    pub(super) fn call_user(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        def: &FunctionDef,
        fscope: &Scope,
        args: &[Expr],
        span: Span,
    ) -> Result<Bound, Error> {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(Error::semantic(
                format!("`{name}` calls itself (functions cannot be recursive)"),
                span,
            ));
        }
        let (positional, named): (Vec<&Expr>, Vec<&Expr>) = args
            .iter()
            .partition(|a| !matches!(a.kind, ExprKind::NamedArg { .. }));
        if positional.len() > def.params.len() {
            return Err(Error::semantic(
                format!(
                    "`{name}` takes {} argument(s), {} given",
                    def.params.len(),
                    positional.len()
                ),
                span,
            ));
        }
        let mut body_scope = fscope.clone();
        for (i, param) in def.params.iter().enumerate() {
            let by_name = named.iter().find_map(|a| match &a.kind {
                ExprKind::NamedArg { name, value } if name.name == param.name.name => {
                    Some(value.as_ref())
                }
                _ => None,
            });
            let arg = positional.get(i).copied().or(by_name);
            let binding = match (&param.ty, arg) {
                (ParamType::Tabular { .. }, Some(arg)) => match self.as_tabular(ctx.scope, arg)? {
                    Some(rel) => Binding::Tabular(rel),
                    None => {
                        return Err(Error::semantic(
                            format!("parameter `{}` of `{name}` needs a table", param.name.name),
                            arg.span,
                        ))
                    }
                },
                (ParamType::Scalar(type_name), Some(arg)) => {
                    let ty = expr::type_named(type_name)?;
                    let bound = self.expr(ctx, arg)?;
                    Binding::Scalar(convert_argument(bound, ty))
                }
                (_, None) => match &param.default {
                    Some(default) => {
                        let empty = Schema::default();
                        let bound = self.expr(&mut Ctx::new(fscope, &empty), default)?;
                        Binding::Scalar(bound)
                    }
                    None => {
                        return Err(Error::semantic(
                            format!(
                                "`{name}` needs a value for its parameter `{}`",
                                param.name.name
                            ),
                            span,
                        ))
                    }
                },
            };
            body_scope = body_scope.with(param.name.name.clone(), binding);
        }
        self.depth += 1;
        let result = self.function_body(&body_scope, &def.body, span);
        self.depth -= 1;
        if let Ok(Bound::Tabular(rel)) = &result {
            self.charge_call(rel, name, span)?;
        }
        result
    }

    fn function_body(
        &mut self,
        scope: &Scope,
        body: &[Statement],
        span: Span,
    ) -> Result<Bound, Error> {
        let mut scope = scope.clone();
        let Some((last, lets)) = body.split_last() else {
            return Err(Error::semantic("the function body is empty", span));
        };
        for statement in lets {
            match &statement.kind {
                StatementKind::Let { name, value } => {
                    scope = self.let_statement(&scope, name, value)?;
                }
                StatementKind::Set { .. } => {}
                _ => {
                    return Err(Error::semantic(
                        "only `let` statements may precede a function's result",
                        statement.span,
                    ))
                }
            }
        }
        match &last.kind {
            // `{ x * 2 }`, `{ T }`, `{ f(1) }`: a table when it denotes one, else a scalar.
            StatementKind::Expr(e) => self.value(&scope, e),
            StatementKind::Tabular(tabular) => {
                // `{ x }` parses as a table named `x`; it is a scalar when `x` is one.
                if let (SourceKind::Name(n), true) = (&tabular.source.kind, tabular.ops.is_empty())
                {
                    if let Some(Binding::Scalar(value)) = scope.get(&n.name) {
                        return Ok(Bound::Scalar(value.clone()));
                    }
                }
                Ok(Bound::Tabular(self.tabular(&scope, tabular)?))
            }
            _ => Err(Error::semantic(
                "a function body must end with an expression",
                last.span,
            )),
        }
    }

    /// `T | invoke f(a)`: `f(T, a)`, the input passed as the function's first (tabular)
    /// parameter.
    pub(super) fn invoke(
        &mut self,
        scope: &Scope,
        input: Rel,
        name: &Ident,
        args: &[Expr],
        span: Span,
    ) -> Result<Rel, Error> {
        let Some(Binding::Function(def, fscope)) = scope.get(&name.name) else {
            let mut err = Error::at(ErrorKind::UnknownFunction(name.name.clone()), name.span);
            if let Some(help) = suggest(
                &name.name,
                scope.names(|b| matches!(b, Binding::Function(..))),
            ) {
                err = err.with_help(help);
            }
            return Err(err);
        };
        let (def, fscope) = (def.clone(), fscope.clone());
        let Some(first) = def.params.first() else {
            return Err(Error::semantic(
                format!("`{}` takes no table to invoke it on", name.name),
                name.span,
            ));
        };
        // Bind the input under a name no query can spell and pass that name as the argument.
        let hidden_name = "\u{0}invoke input";
        let inner_scope = scope.with(hidden_name, Binding::Tabular(input));
        let mut all_args = vec![Expr {
            kind: ExprKind::Name(hidden_name.into()),
            span,
        }];
        all_args.extend(args.iter().cloned());
        let _ = first;
        self.call_tabular(&inner_scope, &name.name, &def, &fscope, &all_args, span)
    }
}

/// A scalar argument of a declared type: integers are widened or narrowed to the parameter's
/// type by retyping literals; other values keep their own type.
fn convert_argument(arg: BoundExpr, ty: Type) -> BoundExpr {
    match (&arg.kind, ty) {
        (crate::plan::ExprNode::Literal(Value::Long(n)), Type::Real) => {
            BoundExpr::literal(Value::Real(*n as f64), Type::Real, arg.span)
        }
        (crate::plan::ExprNode::Literal(Value::Int(n)), Type::Long) => {
            BoundExpr::literal(Value::Long(i64::from(*n)), Type::Long, arg.span)
        }
        (crate::plan::ExprNode::Literal(Value::Long(n)), Type::Int) => match i32::try_from(*n) {
            Ok(n) => BoundExpr::literal(Value::Int(n), Type::Int, arg.span),
            Err(_) => arg,
        },
        _ => arg,
    }
}

/// Whether a user function's body yields a table (decided from its shape, before binding).
pub(super) fn function_is_tabular(def: &FunctionDef, fscope: &Scope, catalog: &Catalog) -> bool {
    match def.body.last().map(|s| &s.kind) {
        Some(StatementKind::Expr(e)) => match &e.kind {
            ExprKind::Tabular(_) => true,
            ExprKind::Name(n) => name_is_tabular(def, fscope, catalog, n),
            ExprKind::Call { name, .. } => match name.name.as_str() {
                "materialize" | "table" | "view" => true,
                other => match fscope.get(other) {
                    Some(Binding::Function(inner, inner_scope)) => {
                        function_is_tabular(inner, inner_scope, catalog)
                    }
                    _ => false,
                },
            },
            _ => false,
        },
        Some(StatementKind::Tabular(tabular)) => match &tabular.source.kind {
            SourceKind::Name(n) if tabular.ops.is_empty() => {
                name_is_tabular(def, fscope, catalog, &n.name)
            }
            _ => true,
        },
        _ => false,
    }
}

/// Whether a bare name ending a function body denotes a table: a tabular parameter, a tabular
/// `let` of the body, an outer table binding, or a catalog table.
fn name_is_tabular(def: &FunctionDef, fscope: &Scope, catalog: &Catalog, name: &str) -> bool {
    if let Some(p) = def.params.iter().find(|p| p.name.name == name) {
        return matches!(p.ty, ParamType::Tabular { .. });
    }
    let body_let = def.body.iter().rev().find_map(|s| match &s.kind {
        StatementKind::Let { name: n, value } if n.name == name => Some(value),
        _ => None,
    });
    match body_let {
        Some(crate::ast::LetValue::Expr(e)) => matches!(e.kind, ExprKind::Tabular(_)),
        Some(crate::ast::LetValue::Function(_)) => true,
        None => match fscope.get(name) {
            Some(Binding::Scalar(_)) => false,
            Some(_) => true,
            None => catalog.get(name).is_some(),
        },
    }
}
