//! Binding of the user-activity plugins (`session_count`, `active_users_count`,
//! `activity_metrics`, `activity_engagement`, `new_activity_metrics`): their arguments are split
//! and checked here; each stands in the plan as a plugin node (see `bind::table_plugins`) whose
//! kernel calls `func::plugin` when the query runs.
//!
//! The timeline may be a datetime (steps and windows are then timespans) or a whole number
//! (steps are numbers), as the `session_count` page's example has it. Calendar steps (`'week'`,
//! `'month'`, `'year'`) are not supported.

use std::collections::HashSet;

use super::scope::{Rel, Scope};
use super::table_plugins::{activity_input, constant, constant_count, plugin_node};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::error::Error;
use crate::func::plugin::{self, activity::Steps};
use crate::plan::Plan;
use crate::table::{Schema, Table, Type, Value};

pub(super) const TIMELINE_TYPES: [Type; 3] = [Type::DateTime, Type::Long, Type::Int];

pub(super) fn activity(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let usage = match name.name.as_str() {
        "session_count" => {
            "session_count(IdColumn, TimelineColumn, Start, End, Bin, LookBackWindow [, dim…])"
        }
        "active_users_count" => {
            "active_users_count(IdColumn, TimelineColumn, Start, End, LookbackWindow, Period, \
             ActivePeriodsCount, Bin [, dim…])"
        }
        "activity_metrics" => {
            "activity_metrics(IdColumn, TimelineColumn, [Start, End,] Window [, dim…])"
        }
        "activity_engagement" => {
            "activity_engagement(IdColumn, TimelineColumn, [Start, End,] InnerActivityWindow, \
             OuterActivityWindow [, dim…])"
        }
        _ => {
            "new_activity_metrics(IdColumn, TimelineColumn, Start, End, Window [, Cohort] \
             [, dim…] [, Lookback])"
        }
    };
    let least = match name.name.as_str() {
        "session_count" => 6,
        "active_users_count" => 8,
        "activity_metrics" => 3,
        "activity_engagement" => 4,
        _ => 5,
    };
    if args.len() < least {
        return Err(Error::semantic(
            format!("{usage} needs at least {least} arguments"),
            span,
        ));
    }
    let timeline_type = timeline_type(input.schema(), &args[1])?;
    let columns =
        |arg: &Expr| matches!(&arg.kind, ExprKind::Name(n) if input.schema().index_of(n).is_some());
    let point = |b: &mut Binder, arg: &Expr, what: &str| point(b, scope, arg, timeline_type, what);
    let step = |b: &mut Binder, arg: &Expr, what: &str| step(b, scope, arg, timeline_type, what);
    // The timeline from args[2] (Start) to args[3] (End) in steps of `by`.
    let timeline = |b: &mut Binder, by: &Expr, what: &str| {
        let steps = Steps {
            start: point(b, &args[2], "Start")?,
            end: point(b, &args[3], "End")?,
            step: step(b, by, what)?,
        };
        checked(steps, span)
    };
    match name.name.as_str() {
        "session_count" => {
            let steps = timeline(b, &args[4], "Bin")?;
            let lookback = step(b, &args[5], "LookBackWindow")?;
            let input = read(b, scope, input, args, &args[6..])?;
            plugin_node(&name.name, vec![input], span, move |inputs, meter| {
                plugin::session_count::session_count(&inputs[0], &steps, lookback, meter)
            })
        }
        "active_users_count" => {
            let steps = timeline(b, &args[7], "Bin")?;
            let rule = plugin::active_users::Activeness {
                lookback: step(b, &args[4], "LookbackWindow")?,
                period: step(b, &args[5], "Period")?,
                periods: constant_count(b, scope, &args[6], "ActivePeriodsCount")?,
            };
            let input = read(b, scope, input, args, &args[8..])?;
            plugin_node(&name.name, vec![input], span, move |inputs, meter| {
                plugin::active_users::active_users_count(&inputs[0], &steps, &rule, meter)
            })
        }
        "activity_metrics" | "activity_engagement" => {
            let engagement = name.name == "activity_engagement";
            let windows = if engagement { 2 } else { 1 };
            // Start and End are there when the third argument is a point on the timeline and
            // the arguments after the windows are not all dimension columns.
            let ranged = args.len() >= 4 + windows
                && !columns(&args[2])
                && !columns(&args[3])
                && (timeline_type != Type::DateTime
                    || matches!(constant(b, scope, &args[2]), Ok(Value::DateTime(_))));
            let first = if ranged { 4 } else { 2 };
            let window = step(b, &args[first], "the window")?;
            let outer = if engagement {
                step(b, &args[first + 1], "OuterActivityWindow")?
            } else {
                0
            };
            let range = if ranged {
                Some((point(b, &args[2], "Start")?, point(b, &args[3], "End")?))
            } else {
                None
            };
            if let Some((start, end)) = range {
                checked(
                    Steps {
                        start,
                        end,
                        step: window,
                    },
                    span,
                )?;
            }
            let input = read(b, scope, input, args, &args[first + windows..])?;
            plugin_node(&name.name, vec![input], span, move |inputs, meter| {
                let table = &inputs[0];
                // Without Start and End, the timeline spans the input's times.
                let (start, end) = range.unwrap_or_else(|| time_range(table));
                let steps = Steps {
                    start,
                    end,
                    step: window,
                };
                if steps.count() > MOST_STEPS {
                    return Err(plugin::invalid(too_many_steps(&steps)));
                }
                if engagement {
                    plugin::activity_engagement::activity_engagement(table, &steps, outer, meter)
                } else {
                    plugin::activity_metrics::activity_metrics(table, &steps, meter)
                }
            })
        }
        _ => {
            let steps = timeline(b, &args[4], "Window")?;
            // Every pair of windows is a row: keep the pairs to a few million.
            if steps.count() > MOST_COHORT_WINDOWS {
                return Err(Error::semantic(
                    format!(
                        "new_activity_metrics compares every pair of windows; {} windows are more \
                         than the {MOST_COHORT_WINDOWS} kqlite allows",
                        steps.count()
                    ),
                    span,
                ));
            }
            let mut rest = &args[5..];
            let mut lookback = None;
            if let Some((last, before)) = rest.split_last() {
                if !columns(last) {
                    if let Some(table) = b.as_tabular(scope, last)? {
                        let table = super::drop_hidden(table);
                        let column = lookback_column(&table.schema, &args[0], last.span)?;
                        lookback = Some((table, column));
                        rest = before;
                    }
                }
            }
            let mut cohort = None;
            if let Some((first, after)) = rest.split_first() {
                if !columns(first) {
                    cohort = Some(point(b, first, "Cohort")?);
                    rest = after;
                }
            }
            let mut inputs = vec![read(b, scope, input, args, rest)?];
            let lookback_column = lookback.map(|(table, column)| {
                inputs.push(table);
                column
            });
            plugin_node(&name.name, inputs, span, move |inputs, meter| {
                let lookback = match lookback_column {
                    Some(column) => lookback_ids(&inputs[1], column),
                    None => HashSet::new(),
                };
                let options = plugin::new_activity_metrics::Options {
                    cohort,
                    lookback: &lookback,
                };
                plugin::new_activity_metrics::new_activity_metrics(
                    &inputs[0], &steps, &options, meter,
                )
            })
        }
    }
}

/// The timeline column's type (when the argument names a column; else the binding of
/// `activity_input` reports it): a datetime or a whole number.
pub(super) fn timeline_type(schema: &crate::table::Schema, arg: &Expr) -> Result<Type, Error> {
    let ty = match &arg.kind {
        ExprKind::Name(n) => schema
            .index_of(n)
            .map_or(Type::DateTime, |i| schema.fields[i].ty),
        _ => Type::DateTime,
    };
    if !TIMELINE_TYPES.contains(&ty) {
        return Err(Error::semantic(
            format!("the timeline column must be a datetime or a whole number, not {ty}"),
            arg.span,
        ));
    }
    Ok(ty)
}

/// At most this many steps on a timeline: each step holds a set of ids per dimension tuple.
const MOST_STEPS: usize = 1_000_000;
const MOST_COHORT_WINDOWS: usize = 2_000;

pub(super) fn checked(steps: Steps, span: Span) -> Result<Steps, Error> {
    if steps.count() > MOST_STEPS {
        return Err(Error::semantic(too_many_steps(&steps), span));
    }
    Ok(steps)
}

fn too_many_steps(steps: &Steps) -> String {
    format!(
        "the timeline from Start to End has {} steps; kqlite allows at most {MOST_STEPS}",
        steps.count()
    )
}

/// The input projected to `(id, timeline, dim…)`.
fn read(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    dims: &[Expr],
) -> Result<Plan, Error> {
    activity_input(b, scope, input, &args[..2], dims, &TIMELINE_TYPES)
}

/// A point on the timeline: a datetime for a datetime timeline, a whole number for a numeric one.
pub(super) fn point(
    b: &mut Binder,
    scope: &Scope,
    arg: &Expr,
    timeline: Type,
    what: &str,
) -> Result<i64, Error> {
    match (constant(b, scope, arg)?, timeline) {
        (Value::DateTime(t), Type::DateTime) => Ok(t),
        (Value::Long(n), Type::Long | Type::Int) => Ok(n),
        (Value::Int(n), Type::Long | Type::Int) => Ok(i64::from(n)),
        (other, _) => Err(Error::semantic(
            format!(
                "{what} must be a constant {} like the timeline, not {}",
                if timeline == Type::DateTime {
                    "datetime"
                } else {
                    "whole number"
                },
                crate::format::value_text(&other)
            ),
            arg.span,
        )),
    }
}

/// A step or window along the timeline: a timespan for a datetime timeline, a number for a
/// numeric one; greater than 0.
pub(super) fn step(
    b: &mut Binder,
    scope: &Scope,
    arg: &Expr,
    timeline: Type,
    what: &str,
) -> Result<i64, Error> {
    let value = constant(b, scope, arg)?;
    if let Value::String(text) = &value {
        return Err(Error::semantic(
            format!(
                "{what}: calendar steps ('{text}') are not supported by kqlite; give a timespan"
            ),
            arg.span,
        ));
    }
    match (value, timeline) {
        (Value::TimeSpan(t), Type::DateTime) if t > 0 => Ok(t),
        (Value::Long(n), Type::Long | Type::Int) if n > 0 => Ok(n),
        (Value::Int(n), Type::Long | Type::Int) if n > 0 => Ok(i64::from(n)),
        _ => Err(Error::semantic(
            format!(
                "{what} must be a constant {} greater than 0",
                if timeline == Type::DateTime {
                    "timespan"
                } else {
                    "whole number"
                }
            ),
            arg.span,
        )),
    }
}

/// The earliest and latest time of the input (Start and End when they are left out).
fn time_range(table: &Table) -> (i64, i64) {
    let times =
        (0..table.num_rows()).filter_map(|r| plugin::activity::ticks(&table.columns[1].get(r)));
    let (min, max) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    (min, max)
}

/// The column of `new_activity_metrics`' lookback table holding the ids: the one named as the
/// id column, or its only column.
fn lookback_column(schema: &Schema, id: &Expr, span: Span) -> Result<usize, Error> {
    match &id.kind {
        ExprKind::Name(n) => schema.index_of(n),
        _ => None,
    }
    .or((schema.len() == 1).then_some(0))
    .ok_or_else(|| {
        Error::semantic(
            "the lookback table needs a column named as the id column",
            span,
        )
    })
}

/// The ids in the lookback table's `column`, as text.
fn lookback_ids(table: &Table, column: usize) -> HashSet<String> {
    (0..table.num_rows())
        .map(|r| table.columns[column].get(r))
        .filter(|v| !v.is_null())
        .map(|v| crate::format::value_text(&v))
        .collect()
}
