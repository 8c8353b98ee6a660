//! Scalar expressions: names to column indices or `let` values, literals to typed constants,
//! operators typed by `types::binary_type`, calls resolved in the function registries (or to a
//! user function's body), and aggregates collected when binding a `summarize`.

use super::scope::{Binding, Rel, Scope};
use super::types::{binary_type, negate_type, op_text};
use super::{Binder, Bound};
use crate::ast::{Expr, ExprKind, Ident, Literal, Span};
use crate::error::{suggest, Error, ErrorKind};
use crate::func::{aggregate, scalar, LookupError};
use crate::plan::{BinaryOp, BoundAggregate, BoundExpr, ExprNode};
use crate::table::{Schema, Type, Value};
use std::sync::Arc;

/// Where an expression is bound: the names in scope and the row it reads.
pub struct Ctx<'a> {
    pub scope: &'a Scope,
    /// The input's columns.
    pub row: &'a Schema,
    /// Set while binding a `summarize` aggregate expression.
    pub agg: Option<&'a mut AggSink>,
}

impl<'a> Ctx<'a> {
    pub fn new(scope: &'a Scope, row: &'a Schema) -> Ctx<'a> {
        Ctx {
            scope,
            row,
            agg: None,
        }
    }
}

/// The aggregates of one `summarize` as they are found. Inside an aggregate expression the row
/// is the summarize output: group keys first (addressable by name), then the aggregates.
#[derive(Debug, Default)]
pub struct AggSink {
    pub keys: Vec<(String, Type)>,
    pub aggregates: Vec<BoundAggregate>,
}

impl AggSink {
    /// Add an aggregate and return a reference to its output column.
    pub fn push(&mut self, aggregate: BoundAggregate, span: Span) -> BoundExpr {
        let ty = aggregate.ty;
        self.aggregates.push(aggregate);
        BoundExpr::column(self.keys.len() + self.aggregates.len() - 1, ty, span)
    }
}

/// Old names Kusto still accepts, and the name each has in the registries.
pub fn canonical_function(name: &str) -> &str {
    match name {
        "makeset" => "make_set",
        "makelist" => "make_list",
        "arraylength" => "array_length",
        "any" => "take_any",
        "anyif" => "take_anyif",
        "iif" => "iff",
        "parsejson" => "parse_json",
        "columnifexists" => "column_ifexists",
        other => other,
    }
}

pub fn is_aggregate(name: &str) -> bool {
    let name = canonical_function(name);
    aggregate::names().contains(&name)
        || matches!(
            name,
            "arg_max" | "arg_min" | "take_any" | "percentile" | "percentiles" | "percentilesw"
        )
}

/// A literal's value and type.
pub fn literal(lit: &Literal, span: Span) -> Result<BoundExpr, Error> {
    let (value, ty) = match lit {
        Literal::Null => (Value::Dynamic(serde_json::Value::Null), Type::Dynamic),
        Literal::Bool(b) => (Value::Bool(*b), Type::Bool),
        Literal::Long(n) => (Value::Long(*n), Type::Long),
        Literal::Int(n) => (Value::Int(*n), Type::Int),
        Literal::Real(x) => (Value::Real(*x), Type::Real),
        Literal::String(s) => (Value::String(Arc::from(s.as_str())), Type::String),
        Literal::DateTime(t) => (Value::DateTime(*t), Type::DateTime),
        Literal::TimeSpan(t) => (Value::TimeSpan(*t), Type::TimeSpan),
        Literal::Guid(g) => (Value::Guid(*g), Type::Guid),
        Literal::Dynamic(j) => (Value::Dynamic(j.clone()), Type::Dynamic),
        Literal::TypedNull(name) => {
            let ty = type_named(name)?;
            (null_of(ty), ty)
        }
    };
    Ok(BoundExpr::literal(value, ty, span))
}

/// The null of a type: empty for strings (which are never null), JSON null for dynamic.
pub fn null_of(ty: Type) -> Value {
    match ty {
        Type::String => Value::String(Arc::from("")),
        Type::Dynamic => Value::Dynamic(serde_json::Value::Null),
        _ => Value::Null,
    }
}

/// A type name as written (`long`, `datetime`, …).
pub fn type_named(name: &Ident) -> Result<Type, Error> {
    Type::from_name(&name.name).ok_or_else(|| {
        Error::semantic(format!("unknown type `{}`", name.name), name.span).with_help(
            "types are bool, int, long, real, decimal, datetime, timespan, guid, string, dynamic",
        )
    })
}

/// Whether an expression reads no column and no subquery (so Kusto folds it to a constant).
pub fn is_constant(expr: &BoundExpr) -> bool {
    !expr.any(&mut |e| match &e.kind {
        ExprNode::Column(_) | ExprNode::InPlan { .. } | ExprNode::Scalar(_) => true,
        ExprNode::Call { func, .. } => func.is_window() || func.is_volatile(),
        _ => false,
    })
}

impl Binder<'_> {
    /// Bind a scalar expression.
    pub fn expr(&mut self, ctx: &mut Ctx, e: &Expr) -> Result<BoundExpr, Error> {
        match &e.kind {
            ExprKind::Literal(lit) => literal(lit, e.span),
            ExprKind::Name(name) => self.name(ctx, name, e.span),
            ExprKind::JoinSide { .. } => Err(Error::semantic(
                "`$left` and `$right` can only be used in a join's `on` clause",
                e.span,
            )),
            ExprKind::Star => Err(Error::semantic(
                "`*` can only be used as an argument of functions such as count(*) or arg_max(x, *)",
                e.span,
            )),
            ExprKind::Neg(inner) => {
                let inner = self.expr(ctx, inner)?;
                let ty = negate_type(inner.ty, is_constant(&inner)).ok_or_else(|| {
                    Error::semantic(
                        format!("unary `-` is not defined for {}", inner.ty),
                        e.span,
                    )
                })?;
                Ok(fold_negation(inner, ty, e.span))
            }
            ExprKind::Binary { op, left, right } => {
                let left = self.expr(ctx, left)?;
                let right = self.expr(ctx, right)?;
                binary(BinaryOp::from(*op), left, right, e.span)
            }
            ExprKind::In {
                expr,
                list,
                negated,
                case_insensitive,
            } => self.in_list(ctx, expr, list, *negated, *case_insensitive, e.span),
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let expr = self.expr(ctx, expr)?;
                let low = self.expr(ctx, low)?;
                let high = self.expr(ctx, high)?;
                let ordered = |t: Type| {
                    matches!(t, Type::Int | Type::Long | Type::Real | Type::DateTime | Type::TimeSpan | Type::Dynamic)
                };
                if !ordered(expr.ty) || !ordered(low.ty) || !ordered(high.ty) {
                    return Err(Error::semantic(
                        format!(
                            "`between` is not defined for {}, {} and {}",
                            expr.ty, low.ty, high.ty
                        ),
                        e.span,
                    ));
                }
                Ok(BoundExpr {
                    kind: ExprNode::Between {
                        expr: Box::new(expr),
                        low: Box::new(low),
                        high: Box::new(high),
                        negated: *negated,
                    },
                    ty: Type::Bool,
                    span: e.span,
                })
            }
            ExprKind::Call { name, args } => self.call(ctx, name, args, e.span),
            ExprKind::Index { expr, index } => {
                let base = self.expr(ctx, expr)?;
                let index = self.expr(ctx, index)?;
                index_of(base, index, e.span)
            }
            ExprKind::Member { expr, name } => {
                let base = self.expr(ctx, expr)?;
                let key = BoundExpr::literal(
                    Value::String(Arc::from(name.name.as_str())),
                    Type::String,
                    name.span,
                );
                index_of(base, key, e.span)
            }
            ExprKind::Type(name) => {
                let ty = type_named(name)?;
                Ok(BoundExpr::literal(
                    Value::String(Arc::from(ty.name())),
                    Type::String,
                    e.span,
                ))
            }
            ExprKind::Tabular(_) => Err(Error::semantic(
                "a tabular expression cannot be used as a scalar here (use toscalar())",
                e.span,
            )),
            ExprKind::NamedArg { value, .. } => self.expr(ctx, value),
        }
    }

    /// A bare name: a column of the row (or, in a summarize expression, a group key), else a
    /// scalar `let` or parameter, else a zero-argument user function.
    fn name(&mut self, ctx: &mut Ctx, name: &str, span: Span) -> Result<BoundExpr, Error> {
        if let Some(sink) = ctx.agg.as_deref() {
            if let Some(i) = sink.keys.iter().position(|(k, _)| k == name) {
                return Ok(BoundExpr::column(i, sink.keys[i].1, span));
            }
            if ctx.row.index_of(name).is_some() {
                return Err(Error::semantic(
                    format!("`{name}` is neither a group key nor inside an aggregate"),
                    span,
                )
                .with_help("use it in an aggregate such as take_any(), or add it to `by`"));
            }
        } else if let Some(i) = ctx.row.index_of(name) {
            return Ok(BoundExpr::column(i, ctx.row.fields[i].ty, span));
        }
        match ctx.scope.get(name) {
            Some(Binding::Scalar(value)) => Ok(BoundExpr {
                span,
                ..value.clone()
            }),
            Some(Binding::Tabular(_)) => Err(Error::semantic(
                format!("`{name}` is a table, not a scalar"),
                span,
            )
            .with_help("use toscalar() or `in (…)` to take values from a table")),
            Some(Binding::Function(def, fscope)) => {
                let (def, fscope) = (def.clone(), fscope.clone());
                match self.call_user(ctx, name, &def, &fscope, &[], span)? {
                    Bound::Scalar(e) => Ok(e),
                    Bound::Tabular(_) => Err(Error::semantic(
                        format!("`{name}` is a tabular function, not a scalar"),
                        span,
                    )),
                }
            }
            None => {
                let mut candidates: Vec<&str> = match ctx.agg.as_deref() {
                    Some(sink) => sink.keys.iter().map(|(k, _)| k.as_str()).collect(),
                    None => ctx
                        .row
                        .names()
                        .filter(|n| !crate::catalog::is_hidden(n))
                        .collect(),
                };
                candidates.extend(ctx.scope.names(|b| matches!(b, Binding::Scalar(_))));
                let mut err = Error::at(ErrorKind::UnknownColumn(name.to_string()), span);
                if let Some(help) = suggest(name, candidates) {
                    err = err.with_help(help);
                }
                Err(err)
            }
        }
    }

    fn in_list(
        &mut self,
        ctx: &mut Ctx,
        expr: &Expr,
        list: &[Expr],
        negated: bool,
        case_insensitive: bool,
        span: Span,
    ) -> Result<BoundExpr, Error> {
        let bound = self.expr(ctx, expr)?;
        if let [single] = list {
            if let Some(rel) = self.as_tabular(ctx.scope, single)? {
                return Ok(BoundExpr {
                    kind: ExprNode::InPlan {
                        expr: Box::new(bound),
                        plan: Box::new(first_column_plan(rel, single.span)?),
                        negated,
                        case_insensitive,
                    },
                    ty: Type::Bool,
                    span,
                });
            }
        }
        let list = list
            .iter()
            .map(|item| self.expr(ctx, item))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(BoundExpr {
            kind: ExprNode::In {
                expr: Box::new(bound),
                list,
                negated,
                case_insensitive,
            },
            ty: Type::Bool,
            span,
        })
    }

    /// `f(args)`: a user function, a special form (`toscalar`, `column_ifexists`), an aggregate
    /// (inside `summarize`), or a built-in scalar function.
    fn call(
        &mut self,
        ctx: &mut Ctx,
        name: &Ident,
        args: &[Expr],
        span: Span,
    ) -> Result<BoundExpr, Error> {
        if let Some(Binding::Function(def, fscope)) = ctx.scope.get(&name.name) {
            let (def, fscope) = (def.clone(), fscope.clone());
            return match self.call_user(ctx, &name.name, &def, &fscope, args, span)? {
                Bound::Scalar(e) => Ok(e),
                Bound::Tabular(_) => Err(Error::semantic(
                    format!("`{}` returns a table, not a scalar", name.name),
                    span,
                )
                .with_help("use toscalar() to take one value from a table")),
            };
        }
        let function = canonical_function(&name.name);
        if let Some(bound) = self.row_function(ctx, function, args, span)? {
            return Ok(bound);
        }
        match function {
            "toscalar" => return self.toscalar(ctx, args, span),
            "column_ifexists" => return self.column_ifexists(ctx, args, span),
            "materialize" | "table" | "view" => {
                return Err(Error::semantic(
                    format!("`{function}()` yields a table, not a scalar"),
                    span,
                ))
            }
            _ => {}
        }
        // Inside a summarize, a name no scalar function has is taken for an aggregate (so an
        // unknown one is reported by the aggregate registry, with its suggestions).
        let aggregate_here = ctx.agg.is_some() && !scalar::names().contains(&function);
        // `hll_merge` and `merge_tdigest` are aggregates over one argument and scalar functions
        // over two or more: outside a summarize, or with two or more arguments, the scalar.
        let scalar_form =
            scalar::names().contains(&function) && (ctx.agg.is_none() || args.len() >= 2);
        if (is_aggregate(function) && !scalar_form) || aggregate_here {
            let Some(sink) = ctx.agg.as_deref_mut() else {
                return Err(Error::semantic(
                    format!("the aggregate `{}` can only be used in summarize, make-series or top-nested", name.name),
                    name.span,
                ));
            };
            let mut inner = Ctx::new(ctx.scope, ctx.row);
            let aggregate = self.aggregate(&mut inner, name, args, span)?;
            return Ok(sink.push(aggregate, span));
        }
        let bound = self.args(ctx, args)?;
        match scalar::lookup(function, &BoundExpr::as_args(&bound)) {
            Ok((func, ty)) => Ok(BoundExpr {
                kind: ExprNode::Call { func, args: bound },
                ty,
                span,
            }),
            Err(e) => Err(lookup_error(e, name, &bound, span, ctx.scope)),
        }
    }

    /// Bind call arguments; `typeof(t)` becomes a string naming the type, `*` is dropped.
    pub fn args(&mut self, ctx: &mut Ctx, args: &[Expr]) -> Result<Vec<BoundExpr>, Error> {
        args.iter()
            .filter(|a| !matches!(a.kind, ExprKind::Star))
            .map(|a| self.expr(ctx, a))
            .collect()
    }

    /// One aggregate call (`sum(x)`, `countif(p)`, `dcount(x, 2)`), its arguments over the
    /// input row.
    pub fn aggregate(
        &mut self,
        ctx: &mut Ctx,
        name: &Ident,
        args: &[Expr],
        span: Span,
    ) -> Result<BoundAggregate, Error> {
        let function = canonical_function(&name.name);
        let bound = self.args(ctx, args)?;
        self.lookup_aggregate(function, name, bound, span, ctx.scope)
    }

    pub fn lookup_aggregate(
        &self,
        function: &str,
        name: &Ident,
        args: Vec<BoundExpr>,
        span: Span,
        scope: &Scope,
    ) -> Result<BoundAggregate, Error> {
        match aggregate::lookup(function, &BoundExpr::as_args(&args)) {
            Ok((func, ty)) => Ok(BoundAggregate { func, args, ty }),
            Err(e) => Err(lookup_error(e, name, &args, span, scope)),
        }
    }

    fn toscalar(&mut self, ctx: &mut Ctx, args: &[Expr], span: Span) -> Result<BoundExpr, Error> {
        let [arg] = args else {
            return Err(Error::semantic(
                "toscalar() takes one tabular argument",
                span,
            ));
        };
        let Some(rel) = self.as_tabular(ctx.scope, arg)? else {
            return Err(Error::semantic(
                "toscalar() needs a tabular expression, such as `toscalar(T | count)`",
                arg.span,
            ));
        };
        let plan = first_column_plan(rel, arg.span)?;
        Ok(BoundExpr {
            ty: plan.schema.fields[0].ty,
            kind: ExprNode::Scalar(Box::new(plan)),
            span,
        })
    }

    /// `column_ifexists("Name", default)`: the column when the input has it, else the default.
    fn column_ifexists(
        &mut self,
        ctx: &mut Ctx,
        args: &[Expr],
        span: Span,
    ) -> Result<BoundExpr, Error> {
        let [column, default] = args else {
            return Err(Error::semantic(
                "column_ifexists() takes a column name and a default value",
                span,
            ));
        };
        let ExprKind::Literal(Literal::String(name)) = &column.kind else {
            return Err(Error::semantic(
                "column_ifexists() needs the column name as a string literal",
                column.span,
            ));
        };
        match ctx.row.index_of(name) {
            Some(i) if ctx.agg.is_none() => Ok(BoundExpr::column(i, ctx.row.fields[i].ty, span)),
            _ => self.expr(ctx, default),
        }
    }
}

/// A registry failure as the user sees it: unknown names get a suggestion, bad arity or
/// arguments a message at the call.
fn lookup_error(
    error: LookupError,
    name: &Ident,
    args: &[BoundExpr],
    span: Span,
    scope: &Scope,
) -> Error {
    match error {
        LookupError::Unknown if name.name == "geo_info_from_ip_address" => Error::at(
            ErrorKind::Unsupported(
                "geo_info_from_ip_address() needs Microsoft's IP geolocation data, which is not \
                 published for offline use"
                    .into(),
            ),
            name.span,
        )
        .with_help(
            "join against a geolocation table of your own with `evaluate ipv4_lookup(…)`, read \
             with externaldata or --logs",
        ),
        LookupError::Unknown => {
            let mut candidates: Vec<&str> = scalar::names().to_vec();
            candidates.extend(aggregate::names().iter().copied());
            candidates.extend(scope.names(|b| matches!(b, Binding::Function(..))));
            let mut err = Error::at(ErrorKind::UnknownFunction(name.name.clone()), name.span);
            if let Some(help) = suggest(&name.name, candidates) {
                err = err.with_help(help);
            }
            err
        }
        LookupError::Arity(message) => Error::semantic(format!("{}(): {message}", name.name), span),
        LookupError::Argument { index, message } => {
            let at = args.get(index).map_or(span, |a| a.span);
            Error::semantic(format!("{}(): {message}", name.name), at)
        }
    }
}

/// A datetime compared with a string: KQL does not convert the string, `datetime(…)` does.
fn datetime_hint(left: &BoundExpr, right: &BoundExpr) -> Option<String> {
    let text = match (left.ty, right.ty) {
        (Type::DateTime, Type::String) => &right.kind,
        (Type::String, Type::DateTime) => &left.kind,
        _ => return None,
    };
    let example = match text {
        ExprNode::Literal(Value::String(s)) => format!("datetime({s})"),
        _ => "datetime(2024-05-09T10:00:00Z)".to_string(),
    };
    Some(format!(
        "a string is not a datetime: write the time as `{example}`, or convert with todatetime()"
    ))
}

/// `left op right`, typed, or an error naming both types.
pub fn binary(
    op: BinaryOp,
    left: BoundExpr,
    right: BoundExpr,
    span: Span,
) -> Result<BoundExpr, Error> {
    let ty = binary_type(op, left.ty, right.ty).ok_or_else(|| {
        let error = Error::semantic(
            format!(
                "the operator `{}` is not defined for {} and {}",
                op_text(op),
                left.ty,
                right.ty
            ),
            span,
        );
        match datetime_hint(&left, &right) {
            Some(help) => error.with_help(help),
            None => error,
        }
    })?;
    Ok(BoundExpr {
        kind: ExprNode::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        ty,
        span,
    })
}

/// `-x`, folded when `x` is a numeric literal (so `-5` stays a literal).
fn fold_negation(inner: BoundExpr, ty: Type, span: Span) -> BoundExpr {
    let folded = match &inner.kind {
        ExprNode::Literal(Value::Long(n)) => n.checked_neg().map(Value::Long),
        ExprNode::Literal(Value::Int(n)) => n.checked_neg().map(Value::Int),
        ExprNode::Literal(Value::Real(x)) => Some(Value::Real(-x)),
        ExprNode::Literal(Value::TimeSpan(t)) => t.checked_neg().map(Value::TimeSpan),
        _ => None,
    };
    match folded {
        Some(value) if ty == inner.ty => BoundExpr::literal(value, ty, span),
        _ => BoundExpr {
            kind: ExprNode::Neg(Box::new(inner)),
            ty,
            span,
        },
    }
}

/// `a[i]`, `d["k"]`, `d.k`: only dynamic values can be indexed; the result is dynamic.
fn index_of(base: BoundExpr, index: BoundExpr, span: Span) -> Result<BoundExpr, Error> {
    if base.ty != Type::Dynamic {
        return Err(Error::semantic(
            format!("only dynamic values can be indexed, this is {}", base.ty),
            span,
        ));
    }
    Ok(BoundExpr {
        kind: ExprNode::Index {
            expr: Box::new(base),
            index: Box::new(index),
        },
        ty: Type::Dynamic,
        span,
    })
}

/// A subquery used as a value list or scalar: it must have a visible column; only its first
/// one is kept.
fn first_column_plan(rel: Rel, span: Span) -> Result<crate::plan::Plan, Error> {
    let visible = rel.visible_columns();
    let Some(&first) = visible.first() else {
        return Err(Error::semantic("the subquery yields no columns", span));
    };
    let field = rel.plan.schema.fields[first].clone();
    let expr = BoundExpr::column(first, field.ty, span);
    Ok(crate::plan::Plan {
        node: crate::plan::Node::Project {
            input: Arc::new(rel.plan),
            exprs: vec![expr],
        },
        schema: Schema::new(vec![field]),
    })
}
