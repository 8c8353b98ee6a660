//! Binding of the sequence plugins (`funnel_sequence`, `funnel_sequence_completion`,
//! `sequence_detect`): their arguments are split and checked here; each stands in the plan as a
//! plugin node (see `bind::table_plugins`) whose kernel calls `func::plugin` when the query runs.

use super::activity_plugins::{checked, point, step, timeline_type, TIMELINE_TYPES};
use super::expr::Ctx;
use super::scope::{Rel, Scope};
use super::table_plugins::{activity_input, constant, plugin_node, projected, split_required};
use super::{drop_hidden, Binder};
use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::error::Error;
use crate::func::plugin::{self, activity::Steps};
use crate::plan::BoundExpr;
use crate::table::{Type, Value};

/// At most this many sequences from `sequence_detect`.
const MOST_SEQUENCES: usize = 1_000_000;

/// `funnel_sequence(IdColumn, TimelineColumn, Start, End, MaxSequenceStepWindow, Step,
/// StateColumn, Sequence)` and `funnel_sequence_completion(IdColumn, TimelineColumn, Start, End,
/// BinSize, StateColumn, Sequence, MaxSequenceStepPeriods)`.
pub(super) fn funnel(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let completion = name.name == "funnel_sequence_completion";
    let [id, timeline, start, end, third, fourth, last @ ..] = args else {
        return Err(usage(completion, span));
    };
    let (state, sequence, periods) = match (completion, last) {
        (false, [state, sequence]) => (state, sequence, None),
        (true, [sequence, periods]) => (fourth, sequence, Some(periods)),
        _ => return Err(usage(completion, span)),
    };
    let ty = timeline_type(input.schema(), timeline)?;
    let start = point(b, scope, start, ty, "Start")?;
    // End is exclusive here: the completion page's year from 2007-01-01 to 2008-01-01 in 365d
    // windows prints the one window of 2007.
    let end = point(b, scope, end, ty, "End")?.saturating_sub(1);
    let sequence_states = strings(b, scope, sequence)?;
    if sequence_states.is_empty() {
        return Err(Error::semantic(
            "the sequence needs at least one state",
            sequence.span,
        ));
    }
    let plan = activity_input(
        b,
        scope,
        input,
        &[id.clone(), timeline.clone()],
        std::slice::from_ref(state),
        &TIMELINE_TYPES,
    )?;
    if completion {
        let bin = step(b, scope, third, ty, "BinSize")?;
        let steps = checked(
            Steps {
                start,
                end,
                step: bin,
            },
            span,
        )?;
        let periods = spans(b, scope, periods.expect("completion has periods"))?;
        plugin_node(&name.name, vec![plan], span, move |inputs, meter| {
            plugin::funnel_completion::funnel_sequence_completion(
                &inputs[0],
                &steps,
                &sequence_states,
                &periods,
                meter,
            )
        })
    } else {
        let max_step = step(b, scope, third, ty, "MaxSequenceStepWindow")?;
        let bin = step(b, scope, fourth, ty, "Step")?;
        let funnel = plugin::funnel_sequence::Funnel {
            steps: checked(
                Steps {
                    start,
                    end,
                    step: bin,
                },
                span,
            )?,
            max_step,
            sequence: sequence_states,
        };
        plugin_node(&name.name, vec![plan], span, move |inputs, meter| {
            plugin::funnel_sequence::funnel_sequence(&inputs[0], &funnel, meter)
        })
    }
}

fn usage(completion: bool, span: Span) -> Error {
    Error::semantic(
        if completion {
            "funnel_sequence_completion(IdColumn, TimelineColumn, Start, End, BinSize, \
             StateColumn, Sequence, MaxSequenceStepPeriods) takes eight arguments"
        } else {
            "funnel_sequence(IdColumn, TimelineColumn, Start, End, MaxSequenceStepWindow, Step, \
             StateColumn, Sequence) takes eight arguments"
        },
        span,
    )
}

/// A constant dynamic array of states, each as its text.
fn strings(b: &mut Binder, scope: &Scope, arg: &Expr) -> Result<Vec<String>, Error> {
    match constant(b, scope, arg)? {
        Value::Dynamic(serde_json::Value::Array(items)) => Ok(items
            .iter()
            .map(|item| match item {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()),
        _ => Err(Error::semantic(
            "the sequence must be a dynamic array of states",
            arg.span,
        )),
    }
}

/// A constant dynamic array of periods: timespans (or, for a numeric timeline, numbers).
fn spans(b: &mut Binder, scope: &Scope, arg: &Expr) -> Result<Vec<i64>, Error> {
    let bad = || {
        Error::semantic(
            "MaxSequenceStepPeriods must be a dynamic array of timespans greater than 0",
            arg.span,
        )
    };
    let Value::Dynamic(serde_json::Value::Array(items)) = constant(b, scope, arg)? else {
        return Err(bad());
    };
    items
        .iter()
        .map(|item| {
            match item {
                serde_json::Value::String(s) => crate::value::text::parse_timespan(s),
                serde_json::Value::Number(n) => n.as_i64(),
                _ => None,
            }
            .filter(|&t| t > 0)
            .ok_or_else(bad)
        })
        .collect()
}

/// `sequence_detect(TimelineColumn, MaxSequenceStepWindow, MaxSequenceSpan, Expr1, Expr2, …,
/// Dim1, Dim2, …)`: the bool arguments (named or not) are the steps, the others the dimensions.
pub(super) fn sequence_detect(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let ([timeline, max_step, max_span], rest) = split_required(
        args,
        "sequence_detect(TimelineColumn, MaxSequenceStepWindow, MaxSequenceSpan, Expr1, \
         Expr2, …, Dim1, …) needs the timeline, two windows and the steps",
        span,
    )?;
    let ExprKind::Name(timeline_name) = &timeline.kind else {
        return Err(Error::semantic(
            "the timeline must be a column",
            timeline.span,
        ));
    };
    let plan = drop_hidden(input);
    let row = plan.schema.clone();
    let bound_timeline = b.expr(&mut Ctx::new(scope, &row), timeline)?;
    if bound_timeline.ty != Type::DateTime {
        return Err(Error::semantic(
            format!(
                "the timeline column must be a datetime; `{timeline_name}` is {}",
                bound_timeline.ty
            ),
            timeline.span,
        ));
    }
    let max_step = step(b, scope, max_step, Type::DateTime, "MaxSequenceStepWindow")?;
    let max_span = step(b, scope, max_span, Type::DateTime, "MaxSequenceSpan")?;
    let mut names: Vec<String> = Vec::new();
    let mut predicates: Vec<(String, BoundExpr)> = Vec::new();
    let mut dims: Vec<Expr> = Vec::new();
    for arg in rest {
        let (label, value) = match &arg.kind {
            ExprKind::NamedArg { name, value } => (Some(name.name.as_str()), &**value),
            _ => (None, arg),
        };
        let bound = b.expr(&mut Ctx::new(scope, &row), value)?;
        if bound.ty != Type::Bool {
            if label.is_some() || !predicates.is_empty() && !matches!(arg.kind, ExprKind::Name(_)) {
                return Err(Error::semantic(
                    format!("a sequence step must be a bool, found {}", bound.ty),
                    arg.span,
                ));
            }
            dims.push(arg.clone());
            continue;
        }
        if !dims.is_empty() {
            return Err(Error::semantic(
                "the sequence steps come before the dimensions",
                arg.span,
            ));
        }
        let mut name = format!("{}_{timeline_name}", label.unwrap_or(""));
        let mut k = 1;
        while names.contains(&name) {
            name = format!("{}_{timeline_name}{k}", label.unwrap_or(""));
            k += 1;
        }
        names.push(name);
        predicates.push((format!("__step{}", predicates.len()), bound));
    }
    if predicates.is_empty() {
        return Err(Error::semantic(
            "sequence_detect needs at least one step: a bool expression such as e1 = (State == 'x')",
            span,
        ));
    }
    let mut columns = vec![(timeline_name.clone(), bound_timeline)];
    columns.extend(predicates);
    columns.extend(super::table_plugins::dimensions(b, scope, &row, &dims)?);
    let detect = plugin::sequence_detect::Detect {
        max_step,
        max_span,
        names,
        limit: MOST_SEQUENCES,
    };
    plugin_node(
        "sequence_detect",
        vec![projected(plan, columns)],
        span,
        move |inputs, meter| plugin::sequence_detect::sequence_detect(&inputs[0], &detect, meter),
    )
}
