//! Binding of the pattern-mining plugins (`basket`): positional arguments where `'~'` keeps a
//! default, checked here; the input is run when the query is bound (as for the other table
//! plugins) and the table `func::plugin` makes of it stands in the plan.

use super::ops::unknown_column;
use super::scope::{Rel, Scope};
use super::table_plugins::{constant, run_input, values};
use super::{drop_hidden, Binder};
use crate::ast::{Expr, ExprKind, Span};
use crate::error::Error;
use crate::func::plugin;
use crate::table::Value;

/// `'~'`: the argument keeps its default.
fn is_default(b: &mut Binder, scope: &Scope, arg: &Expr) -> Result<bool, Error> {
    if matches!(arg.kind, ExprKind::Name(_)) {
        return Ok(false);
    }
    Ok(matches!(constant(b, scope, arg)?, Value::String(s) if &*s == "~"))
}

/// `basket([Threshold, WeightColumn, MaxDimensions, CustomWildcard, …])`.
pub(super) fn basket(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let visible = Rel::visible(drop_hidden(input));
    let mut options = plugin::basket::Options {
        threshold: 0.05,
        weight: None,
        max_dimensions: 5,
        wildcards: Vec::new(),
    };
    for (position, arg) in args.iter().enumerate() {
        if is_default(b, scope, arg)? {
            continue;
        }
        match position {
            0 => {
                options.threshold = match constant(b, scope, arg)? {
                    Value::Real(x) => x,
                    Value::Long(n) => n as f64,
                    Value::Int(n) => f64::from(n),
                    _ => f64::NAN,
                };
                if !(0.015..=1.0).contains(&options.threshold) {
                    return Err(Error::semantic(
                        "the basket Threshold must be a number from 0.015 to 1",
                        arg.span,
                    ));
                }
            }
            1 => {
                let ExprKind::Name(column) = &arg.kind else {
                    return Err(Error::semantic(
                        "the WeightColumn must be a column name (or '~')",
                        arg.span,
                    ));
                };
                let index = visible
                    .schema()
                    .index_of(column)
                    .ok_or_else(|| unknown_column(&visible, column, arg.span))?;
                if !visible.schema().fields[index].ty.is_numeric() {
                    return Err(Error::semantic(
                        format!(
                            "the WeightColumn must be numeric; `{column}` is {}",
                            visible.schema().fields[index].ty
                        ),
                        arg.span,
                    ));
                }
                options.weight = Some(index);
            }
            2 => {
                options.max_dimensions = match constant(b, scope, arg)? {
                    Value::Long(n) if n > 0 => n as usize,
                    Value::Int(n) if n > 0 => n as usize,
                    _ => {
                        return Err(Error::semantic(
                            "MaxDimensions must be a whole number greater than 0",
                            arg.span,
                        ))
                    }
                };
            }
            _ => options.wildcards.push(constant(b, scope, arg)?),
        }
    }
    let table = run_input(b, visible.plan, span)?;
    Ok(values(plugin::basket::basket(&table, &options)))
}
