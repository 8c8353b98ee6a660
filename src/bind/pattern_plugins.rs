//! Binding of the pattern-mining plugins (`basket`, `diffpatterns`): positional arguments where `'~'` keeps a
//! default, checked here; each stands in the plan as a plugin node (see `bind::table_plugins`)
//! whose kernel calls `func::plugin` when the query runs.

use super::scope::{Rel, Scope};
use super::table_plugins::{constant, named_column, plugin_node, split_required};
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
                options.threshold = threshold(b, scope, arg)?;
            }
            1 => {
                options.weight = Some(weight_column(&visible, arg)?);
            }
            2 => {
                options.max_dimensions = max_dimensions(b, scope, arg)?;
            }
            _ => options.wildcards.push(constant(b, scope, arg)?),
        }
    }
    plugin_node("basket", vec![visible.plan], span, move |inputs, meter| {
        plugin::basket::basket(&inputs[0], &options, meter)
    })
}

/// A Threshold: a number from 0.015 to 1.
fn threshold(b: &mut Binder, scope: &Scope, arg: &Expr) -> Result<f64, Error> {
    let value = match constant(b, scope, arg)? {
        Value::Real(x) => x,
        Value::Long(n) => n as f64,
        Value::Int(n) => f64::from(n),
        _ => f64::NAN,
    };
    if !(0.015..=1.0).contains(&value) {
        return Err(Error::semantic(
            "the Threshold must be a number from 0.015 to 1",
            arg.span,
        ));
    }
    Ok(value)
}

/// A WeightColumn: the name of a numeric column.
fn weight_column(visible: &Rel, arg: &Expr) -> Result<usize, Error> {
    let (index, column) = named_column(
        visible,
        arg,
        "the WeightColumn must be a column name (or '~')",
    )?;
    let ty = visible.schema().fields[index].ty;
    if !ty.is_numeric() {
        return Err(Error::semantic(
            format!("the WeightColumn must be numeric; `{column}` is {ty}"),
            arg.span,
        ));
    }
    Ok(index)
}

/// MaxDimensions: a whole number greater than 0.
fn max_dimensions(b: &mut Binder, scope: &Scope, arg: &Expr) -> Result<usize, Error> {
    match constant(b, scope, arg)? {
        Value::Long(n) if n > 0 => Ok(n as usize),
        Value::Int(n) if n > 0 => Ok(n as usize),
        _ => Err(Error::semantic(
            "MaxDimensions must be a whole number greater than 0",
            arg.span,
        )),
    }
}

/// `diffpatterns(SplitColumn, SplitValueA, SplitValueB [, WeightColumn, Threshold, MaxDimensions,
/// CustomWildcard, …])`.
pub(super) fn diffpatterns(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let ([split, value_a, value_b], rest) = split_required(
        args,
        "diffpatterns(SplitColumn, SplitValueA, SplitValueB [, WeightColumn, Threshold, \
         MaxDimensions, CustomWildcard, …]) needs the split column and its two values",
        span,
    )?;
    let visible = Rel::visible(drop_hidden(input));
    let (split_index, _) = named_column(&visible, split, "the SplitColumn must be a column name")?;
    let text = |b: &mut Binder, arg: &Expr| -> Result<String, Error> {
        Ok(crate::format::value_text(&constant(b, scope, arg)?))
    };
    let mut options = plugin::diffpatterns::Options {
        split: split_index,
        value_a: text(b, value_a)?,
        value_b: text(b, value_b)?,
        weight: None,
        threshold: 0.05,
        max_dimensions: usize::MAX,
        wildcards: Vec::new(),
    };
    for (position, arg) in rest.iter().enumerate() {
        if is_default(b, scope, arg)? {
            continue;
        }
        match position {
            0 => options.weight = Some(weight_column(&visible, arg)?),
            1 => options.threshold = threshold(b, scope, arg)?,
            2 => options.max_dimensions = max_dimensions(b, scope, arg)?,
            _ => options.wildcards.push(constant(b, scope, arg)?),
        }
    }
    plugin_node(
        "diffpatterns",
        vec![visible.plan],
        span,
        move |inputs, meter| plugin::diffpatterns::diffpatterns(&inputs[0], &options, meter),
    )
}
