//! Calls that read the row's columns by name rather than by value, bound here into plain calls:
//! `bag_pack_columns(a, b)` and `pack_all([ignore_null_empty])` pack columns into a bag under
//! their names (the kernel gets the names as literals beside the values),
//! `estimate_data_size(a, b)` / `estimate_data_size(*)` gets the columns' values, and
//! `column_names_of(T)` is the constant array of a table's column names.

use super::expr::Ctx;
use super::Binder;
use crate::ast::{Expr, ExprKind, Span};
use crate::error::Error;
use crate::func::scalar::ScalarFunc;
use crate::plan::{BoundExpr, ExprNode};
use crate::table::{Type, Value};

impl Binder<'_> {
    /// The call bound, when `function` is one of this module's; `None` otherwise.
    pub(super) fn row_function(
        &mut self,
        ctx: &mut Ctx,
        function: &str,
        args: &[Expr],
        span: Span,
    ) -> Result<Option<BoundExpr>, Error> {
        let bound = match function {
            "bag_pack_columns" => {
                if args.is_empty() {
                    return Err(Error::semantic(
                        "bag_pack_columns() takes one or more columns",
                        span,
                    ));
                }
                let mut parts = vec![flag(false, span)];
                for arg in args {
                    let ExprKind::Name(name) = &arg.kind else {
                        return Err(Error::semantic(
                            "bag_pack_columns() takes column names",
                            arg.span,
                        ));
                    };
                    parts.push(text(name, arg.span));
                    parts.push(self.expr(ctx, arg)?);
                }
                call(ScalarFunc::PackColumns, parts, Type::Dynamic, span)
            }
            "pack_all" => {
                let skip_empty = match args {
                    [] => false,
                    [arg] => match self.expr(ctx, arg)?.kind {
                        ExprNode::Literal(Value::Bool(b)) => b,
                        _ => {
                            return Err(Error::semantic(
                                "pack_all() takes a constant bool (ignore_null_empty)",
                                arg.span,
                            ))
                        }
                    },
                    _ => {
                        return Err(Error::semantic(
                            "pack_all() takes at most one argument",
                            span,
                        ))
                    }
                };
                let mut parts = vec![flag(skip_empty, span)];
                // Inside an `extend`, the input's columns, not those its earlier items made.
                let width = self
                    .extend_input_width
                    .map_or(ctx.row.len(), |w| w.min(ctx.row.len()));
                for (i, field) in ctx.row.fields.iter().enumerate().take(width) {
                    parts.push(text(&field.name, span));
                    parts.push(BoundExpr::column(i, field.ty, span));
                }
                call(ScalarFunc::PackColumns, parts, Type::Dynamic, span)
            }
            "estimate_data_size" => {
                let parts: Vec<BoundExpr> = if args.iter().any(|a| matches!(a.kind, ExprKind::Star))
                {
                    let fields = ctx.row.fields.iter().enumerate();
                    fields
                        .map(|(i, f)| BoundExpr::column(i, f.ty, span))
                        .collect()
                } else {
                    self.args(ctx, args)?
                };
                if parts.is_empty() && args.is_empty() {
                    return Err(Error::semantic(
                        "estimate_data_size() takes one or more columns, or *",
                        span,
                    ));
                }
                call(ScalarFunc::EstimateDataSize, parts, Type::Long, span)
            }
            "column_names_of" => {
                let [table] = args else {
                    return Err(Error::semantic("column_names_of() takes one table", span));
                };
                let Some(rel) = self.as_tabular(ctx.scope, table)? else {
                    return Err(Error::semantic(
                        "column_names_of() needs a table, such as `column_names_of(T)`",
                        table.span,
                    ));
                };
                let names: Vec<serde_json::Value> = rel
                    .visible_columns()
                    .into_iter()
                    .map(|i| serde_json::Value::String(rel.schema().fields[i].name.clone()))
                    .collect();
                BoundExpr::literal(
                    Value::Dynamic(serde_json::Value::Array(names)),
                    Type::Dynamic,
                    span,
                )
            }
            _ => return Ok(None),
        };
        Ok(Some(bound))
    }
}

fn flag(value: bool, span: Span) -> BoundExpr {
    BoundExpr::literal(Value::Bool(value), Type::Bool, span)
}

fn text(value: &str, span: Span) -> BoundExpr {
    BoundExpr::literal(Value::String(value.into()), Type::String, span)
}

fn call(func: ScalarFunc, args: Vec<BoundExpr>, ty: Type, span: Span) -> BoundExpr {
    BoundExpr {
        kind: ExprNode::Call { func, args },
        ty,
        span,
    }
}
