//! Binding of the user-activity plugins (`session_count`, `active_users_count`,
//! `activity_metrics`, `activity_engagement`, `new_activity_metrics`): their arguments are split
//! and checked here, their input is run when the query is bound (as for the other table
//! plugins), and the table `func::plugin` makes of it stands in the plan.
//!
//! The timeline may be a datetime (steps and windows are then timespans) or a whole number
//! (steps are numbers), as the `session_count` page's example has it. Calendar steps (`'week'`,
//! `'month'`, `'year'`) are not supported.

use std::collections::HashSet;

use super::scope::{Rel, Scope};
use super::table_plugins::{activity_input, constant, constant_count, run_input, values};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::error::Error;
use crate::func::plugin::{self, activity::Steps};
use crate::table::{Table, Type, Value};

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
            let table = read(b, scope, input, args, &args[6..], span)?;
            Ok(values(plugin::session_count::session_count(
                &table, &steps, lookback,
            )))
        }
        "active_users_count" => {
            let steps = timeline(b, &args[7], "Bin")?;
            let rule = plugin::active_users::Activeness {
                lookback: step(b, &args[4], "LookbackWindow")?,
                period: step(b, &args[5], "Period")?,
                periods: constant_count(b, scope, &args[6], "ActivePeriodsCount")?,
            };
            let table = read(b, scope, input, args, &args[8..], span)?;
            Ok(values(plugin::active_users::active_users_count(
                &table, &steps, &rule,
            )))
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
            let table = read(b, scope, input, args, &args[first + windows..], span)?;
            let (start, end) = range.unwrap_or_else(|| time_range(&table));
            let steps = checked(
                Steps {
                    start,
                    end,
                    step: window,
                },
                span,
            )?;
            Ok(values(if engagement {
                plugin::activity_engagement::activity_engagement(&table, &steps, outer)
            } else {
                plugin::activity_metrics::activity_metrics(&table, &steps)
            }))
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
            let mut lookback = HashSet::new();
            if let Some((last, before)) = rest.split_last() {
                if !columns(last) {
                    if let Some(table) = b.as_tabular(scope, last)? {
                        let ids = run_input(b, super::drop_hidden(table), last.span)?;
                        lookback = lookback_ids(&ids, &args[0], last.span)?;
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
            let table = read(b, scope, input, args, rest, span)?;
            let options = plugin::new_activity_metrics::Options {
                cohort,
                lookback: &lookback,
            };
            Ok(values(plugin::new_activity_metrics::new_activity_metrics(
                &table, &steps, &options,
            )))
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
        return Err(Error::semantic(
            format!(
                "the timeline from Start to End has {} steps; kqlite allows at most {MOST_STEPS}",
                steps.count()
            ),
            span,
        ));
    }
    Ok(steps)
}

/// Run the input projected to `(id, timeline, dim…)`.
fn read(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    dims: &[Expr],
    span: Span,
) -> Result<Table, Error> {
    let plan = activity_input(b, scope, input, &args[..2], dims, &TIMELINE_TYPES)?;
    run_input(b, plan, span)
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

/// The ids of `new_activity_metrics`' lookback table: its column named as the id column, or its
/// only column.
fn lookback_ids(table: &Table, id: &Expr, span: Span) -> Result<HashSet<String>, Error> {
    let column = match &id.kind {
        ExprKind::Name(n) => table.schema.index_of(n),
        _ => None,
    }
    .or((table.schema.len() == 1).then_some(0))
    .ok_or_else(|| {
        Error::semantic(
            "the lookback table needs a column named as the id column",
            span,
        )
    })?;
    Ok((0..table.num_rows())
        .map(|r| table.columns[column].get(r))
        .filter(|v| !v.is_null())
        .map(|v| crate::format::value_text(&v))
        .collect())
}
