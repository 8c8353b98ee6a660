//! The table-reshaping `evaluate` plugins (`bag_unpack`, `dcount_intersect`, `narrow`, `pivot`,
//! `rows_near`, `sliding_window_counts`, `activity_counts_metrics`, `rolling_percentile`,
//! `preview`) and what every table plugin's binding shares: arguments are bound and checked
//! here, and the plugin stands in the plan as a [`Node::Plugin`] whose kernel (a closure over
//! the bound arguments, calling `func::plugin`) the executor runs over the input's rows, under
//! the query's budget, like any other operator.
//!
//! Output columns: a plugin whose columns Kusto's docs fix gets them without reading a row (its
//! kernel is run over empty inputs of the right schemas, so the columns come from the same code
//! that makes the rows; `kqlite validate` reads nothing). `bag_unpack` and `pivot` take their
//! columns from the data, as Kusto does: for those the input is run once while binding (through
//! the executor, under the query's budget: `--timeout`, `--max-memory` and a cancel stop it; its
//! clock starts when binding begins, so the probe and the run share one deadline) to learn the
//! columns, and the rows still come from the plugin node when the query runs, fitted
//! to those columns by name. (`bag_unpack`'s explicit output schema, `evaluate bag_unpack(d) :
//! (…)`, which would spare the probe, is not parsed by kqlite.)

use super::expr::Ctx;
use super::ops::unknown_column;
use super::scope::{Rel, Scope};
use super::{drop_hidden, Binder};
use crate::ast::{Expr, ExprKind, Ident, NamedExpr, Span};
use crate::budget::Meter;
use crate::error::{Error, ErrorKind};
use crate::func::plugin;
use crate::plan::{BoundExpr, BoundQuery, Node, Plan, PluginKernel, PluginRun};
use crate::table::{Field, Schema, Table, Type, Value};
use std::sync::Arc;

fn no_arguments(name: &Ident, args: &[Expr]) -> Result<(), Error> {
    match args.first() {
        None => Ok(()),
        Some(arg) => Err(Error::semantic(
            format!("{}() takes no arguments", name.name),
            arg.span,
        )),
    }
}

/// A plugin node over `inputs`, whose output columns are those `kernel` makes of empty inputs:
/// nothing is read while binding.
pub(super) fn plugin_node(
    name: &str,
    inputs: Vec<Plan>,
    span: Span,
    kernel: impl Fn(&[Table], &Meter) -> Result<Table, Error> + Send + Sync + 'static,
) -> Result<Rel, Error> {
    let kernel = PluginKernel::new(kernel);
    let empty: Vec<Table> = inputs
        .iter()
        .map(|p| Table::empty(p.schema.clone()))
        .collect();
    plugin_rel(
        name,
        inputs,
        span,
        kernel,
        (&empty, &Meter::default()),
        false,
    )
}

/// A plugin node whose output columns come from the data: the inputs are run now (under the
/// query's budget, whose clock started when binding began) and the kernel's output over them
/// gives the columns.
fn probed_plugin_node(
    b: &Binder,
    name: &str,
    inputs: Vec<Plan>,
    span: Span,
    kernel: impl Fn(&[Table], &Meter) -> Result<Table, Error> + Send + Sync + 'static,
) -> Result<Rel, Error> {
    let mut in_apply_body = false;
    for input in &inputs {
        input.walk(&mut |n| in_apply_body |= matches!(n.node, Node::ApplyInput));
    }
    if in_apply_body {
        return Err(Error::at(
            ErrorKind::Unsupported(format!(
                "evaluate {name} inside an mv-apply body (its columns come from the data, which \
                 kqlite reads before the query runs)"
            )),
            span,
        ));
    }
    let kernel = PluginKernel::new(kernel);
    let tables = inputs
        .iter()
        .map(|plan| run_input(b, plan.clone(), span))
        .collect::<Result<Vec<_>, _>>()?;
    let meter = b.options.budget.start_at(b.started);
    plugin_rel(name, inputs, span, kernel, (&tables, &meter), true)
}

/// The plugin node over `inputs`, its output columns those `kernel` makes of `sample` (a table
/// per input: empty ones, or the probed rows).
fn plugin_rel(
    name: &str,
    inputs: Vec<Plan>,
    span: Span,
    kernel: PluginKernel,
    (sample, meter): (&[Table], &Meter),
    probed: bool,
) -> Result<Rel, Error> {
    let schema = kernel.run(sample, meter, span)?.schema;
    Ok(Rel::visible(Plan {
        node: Node::Plugin(Box::new(PluginRun {
            name: name.to_string(),
            inputs: inputs.into_iter().map(Arc::new).collect(),
            kernel,
            span,
            probed,
        })),
        schema,
    }))
}

/// Run a plan now, through the executor and under the query's budget (a `bag_unpack` or
/// `pivot` probe; `new_activity_metrics`' lookback table is a plugin input instead).
fn run_input(b: &Binder, plan: Plan, span: Span) -> Result<Table, Error> {
    let query = crate::optimize(BoundQuery {
        plan,
        visualization: None,
        started: b.started,
    });
    let external = crate::external_tables(b.options);
    crate::execute(&query, b.catalog, &external, b.options)
        .map(|result| result.table)
        .map_err(|e| e.with_span(span))
}

/// A plugin's first `N` arguments and the ones after them; when there are fewer, `usage` (the
/// plugin's signature and what is missing) is the error, at the call.
pub(super) fn split_required<'a, const N: usize>(
    args: &'a [Expr],
    usage: &str,
    span: Span,
) -> Result<(&'a [Expr; N], &'a [Expr]), Error> {
    match args.split_first_chunk::<N>() {
        Some(split) => Ok(split),
        None => Err(Error::semantic(usage, span)),
    }
}

/// The column an argument names (its index and name); `not_a_name` is the error when the
/// argument is not a bare name.
pub(super) fn named_column<'a>(
    rel: &Rel,
    arg: &'a Expr,
    not_a_name: &str,
) -> Result<(usize, &'a str), Error> {
    let ExprKind::Name(name) = &arg.kind else {
        return Err(Error::semantic(not_a_name, arg.span));
    };
    let index = rel
        .schema()
        .index_of(name)
        .ok_or_else(|| unknown_column(rel, name, arg.span))?;
    Ok((index, name))
}

/// The input's visible columns with `extra` (over them) appended.
fn with_column(input: Rel, extra: BoundExpr) -> Plan {
    let plan = drop_hidden(input);
    let mut exprs: Vec<(String, BoundExpr)> = plan
        .schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.clone(), BoundExpr::column(i, f.ty, extra.span)))
        .collect();
    exprs.push(("__plugin_argument".into(), extra));
    projected(plan, exprs)
}

/// A constant argument's value.
pub(super) fn constant(b: &mut Binder, scope: &Scope, value: &Expr) -> Result<Value, Error> {
    let empty = Schema::default();
    let bound = b.expr(&mut Ctx::new(scope, &empty), value)?;
    b.constant(&bound)
}

fn constant_string(
    b: &mut Binder,
    scope: &Scope,
    value: &Expr,
    what: &str,
) -> Result<String, Error> {
    match constant(b, scope, value)? {
        Value::String(s) => Ok(s.to_string()),
        _ => Err(Error::semantic(
            format!("{what} must be a string"),
            value.span,
        )),
    }
}

pub(super) fn constant_count(
    b: &mut Binder,
    scope: &Scope,
    value: &Expr,
    what: &str,
) -> Result<usize, Error> {
    match constant(b, scope, value)? {
        Value::Long(n) if n >= 0 => Ok(n as usize),
        Value::Int(n) if n >= 0 => Ok(n as usize),
        _ => Err(Error::semantic(
            format!("{what} must be a whole number, 0 or more"),
            value.span,
        )),
    }
}

/// `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties])`, the
/// optional ones by position or by name.
pub(super) fn bag_unpack(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let ([column], rest) = split_required(
        args,
        "bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties]) \
         needs the column to unpack",
        span,
    )?;
    let plan = drop_hidden(input);
    let visible = Rel::visible(plan);
    let (index, column_name) =
        named_column(&visible, column, "bag_unpack unpacks a column: name it")?;
    if visible.schema().fields[index].ty != Type::Dynamic {
        return Err(Error::semantic(
            format!(
                "bag_unpack needs a dynamic column; `{column_name}` is {}",
                visible.schema().fields[index].ty
            ),
            column.span,
        ));
    }
    const PARAMETERS: [&str; 3] = ["OutputColumnPrefix", "columnsConflict", "ignoredProperties"];
    let mut options = plugin::bag_unpack::Options {
        prefix: String::new(),
        conflict: plugin::bag_unpack::Conflict::Error,
        ignored: Vec::new(),
    };
    for (position, arg) in rest.iter().enumerate() {
        let (parameter, value) = match &arg.kind {
            ExprKind::NamedArg { name, value } => (name.name.as_str(), &**value),
            _ => (*PARAMETERS.get(position).unwrap_or(&""), arg),
        };
        match parameter {
            "OutputColumnPrefix" => {
                options.prefix = constant_string(b, scope, value, "OutputColumnPrefix")?;
            }
            "columnsConflict" => {
                let text = constant_string(b, scope, value, "columnsConflict")?;
                options.conflict = plugin::bag_unpack::Conflict::parse(&text).ok_or_else(|| {
                    Error::semantic(
                        format!(
                            "columnsConflict is 'error', 'replace_source' or 'keep_source', not '{text}'"
                        ),
                        value.span,
                    )
                })?;
            }
            "ignoredProperties" => match constant(b, scope, value)? {
                Value::Dynamic(serde_json::Value::Array(items)) => {
                    options.ignored = items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect();
                }
                _ => {
                    return Err(Error::semantic(
                        "ignoredProperties must be a dynamic array of names",
                        value.span,
                    ))
                }
            },
            _ => {
                return Err(Error::semantic(
                    format!("bag_unpack takes {}", PARAMETERS.join(", ")),
                    arg.span,
                ))
            }
        }
    }
    probed_plugin_node(
        b,
        "bag_unpack",
        vec![visible.plan],
        span,
        move |inputs, meter| plugin::bag_unpack::unpack(&inputs[0], index, &options, meter),
    )
}

/// `rows_near(Condition, NumRows [, RowsAfter])`.
pub(super) fn rows_near(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let (condition, before, after) = match args {
        [c, n] => (c, n, n),
        [c, n, a] => (c, n, a),
        _ => {
            return Err(Error::semantic(
                "rows_near(Condition, NumRows [, RowsAfter]) takes two or three arguments",
                span,
            ))
        }
    };
    let before = constant_count(b, scope, before, "NumRows")?;
    let after = constant_count(b, scope, after, "RowsAfter")?;
    let visible = Rel::visible(drop_hidden(input));
    let bound = b.expr(&mut Ctx::new(scope, visible.schema()), condition)?;
    if bound.ty != Type::Bool {
        return Err(Error::semantic(
            format!(
                "the condition of rows_near must be a bool, found {}",
                bound.ty
            ),
            condition.span,
        ));
    }
    let width = visible.schema().len();
    let input = with_column(visible, bound);
    plugin_node("rows_near", vec![input], span, move |inputs, _| {
        // One pass over the rows and a take: as quick as any streaming operator's batch.
        let table = &inputs[0];
        let matches: Vec<bool> = (0..table.num_rows())
            .map(|i| table.columns[width].get(i) == Value::Bool(true))
            .collect();
        let keep = plugin::rows_near::rows_near(&matches, before, after);
        let fields = table.schema.fields[..width].to_vec();
        let columns = table.columns[..width]
            .iter()
            .map(|c| c.take(&keep))
            .collect();
        Ok(Table::new(Schema::new(fields), columns))
    })
}

/// `pivot(PivotColumn [, Aggregation] [, Column…])`: summarize by the columns and the pivot
/// value's text, then spread the values into columns.
pub(super) fn pivot(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let ([pivot_column], rest) = split_required(
        args,
        "pivot(PivotColumn [, Aggregation] [, Column…]) needs the column to pivot",
        span,
    )?;
    let named = |name: &str, expr: Expr| NamedExpr {
        names: vec![Ident {
            name: name.into(),
            span: expr.span,
        }],
        expr,
    };
    let call = |name: &str, args: Vec<Expr>, at: Span| Expr {
        kind: ExprKind::Call {
            name: Ident {
                name: name.into(),
                span: at,
            },
            args,
        },
        span: at,
    };
    let (aggregation, groups) = match rest.split_first() {
        Some((first, groups)) if matches!(&first.kind, ExprKind::Call { name, .. } if super::expr::is_aggregate(&name.name)) => {
            (first.clone(), groups)
        }
        _ => (call("count", Vec::new(), span), rest),
    };
    for group in groups {
        if !matches!(group.kind, ExprKind::Name(_)) {
            return Err(Error::semantic(
                "pivot groups by column names; the aggregation comes second",
                group.span,
            ));
        }
    }
    let visible = Rel::visible(drop_hidden(input));
    let mut by: Vec<NamedExpr> = groups
        .iter()
        .map(|g| NamedExpr {
            names: Vec::new(),
            expr: g.clone(),
        })
        .collect();
    by.push(named(
        "__pivot",
        call("tostring", vec![pivot_column.clone()], pivot_column.span),
    ));
    let aggregates = [named("__value", aggregation)];
    let empty_input = Rel::visible(Plan {
        schema: visible.schema().clone(),
        node: Node::Take {
            input: Arc::new(visible.plan.clone()),
            count: 0,
        },
    });
    let summarized = super::summarize::summarize(b, scope, visible, &aggregates, &by)?;
    let over_nothing = super::summarize::summarize(b, scope, empty_input, &aggregates, &[])?;
    let groups = groups.len();
    let inputs = vec![drop_hidden(summarized), drop_hidden(over_nothing)];
    probed_plugin_node(b, "pivot", inputs, span, move |inputs, meter| {
        // The aggregate over no rows fills the cells of absent combinations.
        let empty = match inputs[1].columns.first() {
            Some(column) if !column.is_empty() => column.get(0),
            _ => Value::Null,
        };
        plugin::pivot::reshape(&inputs[0], groups, &empty, meter)
    })
}

fn constant_ticks(
    b: &mut Binder,
    scope: &Scope,
    value: &Expr,
    want: Type,
    what: &str,
) -> Result<i64, Error> {
    match (constant(b, scope, value)?, want) {
        (Value::DateTime(t), Type::DateTime) => Ok(t),
        (Value::TimeSpan(t), Type::TimeSpan) if t > 0 => Ok(t),
        _ => Err(Error::semantic(
            format!(
                "{what} must be a constant {}",
                if want == Type::TimeSpan {
                    "timespan greater than 0"
                } else {
                    "datetime"
                }
            ),
            value.span,
        )),
    }
}

/// `sliding_window_counts(Id, Timeline, Start, End, LookbackWindow, Bin [, dim…])` and
/// `activity_counts_metrics(Id, Timeline, Start, End, Step [, dim…])`.
pub(super) fn timeline(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let sliding = name.name == "sliding_window_counts";
    let fixed = if sliding { 6 } else { 5 };
    if args.len() < fixed {
        return Err(Error::semantic(
            if sliding {
                "sliding_window_counts(IdColumn, TimelineColumn, Start, End, LookbackWindow, Bin \
                 [, dim…]) needs six arguments and dimension columns"
            } else {
                "activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Step [, dim…]) \
                 needs five arguments and dimension columns"
            },
            span,
        ));
    }
    let input = activity_input(
        b,
        scope,
        input,
        &args[..2],
        &args[fixed..],
        &[Type::DateTime],
    )?;
    let start = constant_ticks(b, scope, &args[2], Type::DateTime, "Start")?;
    let end = constant_ticks(b, scope, &args[3], Type::DateTime, "End")?;
    let (lookback, step) = if sliding {
        (
            constant_ticks(b, scope, &args[4], Type::TimeSpan, "LookbackWindow")?,
            constant_ticks(b, scope, &args[5], Type::TimeSpan, "Bin")?,
        )
    } else {
        (
            0,
            constant_ticks(b, scope, &args[4], Type::TimeSpan, "Step")?,
        )
    };
    let bins = plugin::timeline::Bins { start, end, step };
    plugin_node(&name.name, vec![input], span, move |inputs, meter| {
        if sliding {
            plugin::timeline::sliding_window_counts(&inputs[0], &bins, lookback, meter)
        } else {
            plugin::timeline::activity_counts_metrics(&inputs[0], &bins, meter)
        }
    })
}

/// The input of an activity plugin: `(IdColumn, TimelineColumn)` and the dimension columns,
/// projected to `(id, timeline, dim…)` under their names. The timeline's type must be one of
/// `timeline_types`.
pub(super) fn activity_input(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    id_and_timeline: &[Expr],
    dims: &[Expr],
    timeline_types: &[Type],
) -> Result<Plan, Error> {
    let [id, timeline] = id_and_timeline else {
        unreachable!("callers pass the id and timeline arguments")
    };
    let visible = Rel::visible(drop_hidden(input));
    let row = visible.schema().clone();
    let mut columns: Vec<(String, BoundExpr)> = Vec::new();
    columns.push(("__id".into(), b.expr(&mut Ctx::new(scope, &row), id)?));
    let ExprKind::Name(timeline_name) = &timeline.kind else {
        return Err(Error::semantic(
            "the timeline must be a column",
            timeline.span,
        ));
    };
    let bound = b.expr(&mut Ctx::new(scope, &row), timeline)?;
    if !timeline_types.contains(&bound.ty) {
        let names: Vec<&str> = timeline_types.iter().map(|t| t.name()).collect();
        return Err(Error::semantic(
            format!(
                "the timeline column must be {}; `{timeline_name}` is {}",
                names.join(" or "),
                bound.ty
            ),
            timeline.span,
        ));
    }
    columns.push((timeline_name.clone(), bound));
    columns.extend(dimensions(b, scope, &row, dims)?);
    Ok(projected(visible.plan, columns))
}

/// `exprs` over `plan`'s rows, named.
pub(super) fn projected(plan: Plan, exprs: Vec<(String, BoundExpr)>) -> Plan {
    let fields = exprs
        .iter()
        .map(|(name, e)| Field::new(name.clone(), e.ty))
        .collect();
    Plan {
        node: Node::Project {
            input: Arc::new(plan),
            exprs: exprs.into_iter().map(|(_, e)| e).collect(),
        },
        schema: Schema::new(fields),
    }
}

/// `rolling_percentile(ValueColumn, Percentile, IndexColumn, BinSize, BinsPerWindow [, dim…])`.
pub(super) fn rolling_percentile(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let ([value, percentile, index, bin_size, bins], dims) = split_required(
        args,
        "rolling_percentile(ValueColumn, Percentile, IndexColumn, BinSize, BinsPerWindow \
         [, dim…]) needs five arguments and dimension columns",
        span,
    )?;
    let percentile_value = match constant(b, scope, percentile)? {
        Value::Long(n) => n as f64,
        Value::Int(n) => f64::from(n),
        Value::Real(x) => x,
        _ => {
            return Err(Error::semantic(
                "the percentile must be a number",
                percentile.span,
            ))
        }
    };
    let bins = constant_count(b, scope, bins, "BinsPerWindow")?.max(1);
    let size = match constant(b, scope, bin_size)? {
        Value::TimeSpan(t) | Value::Long(t) if t > 0 => t,
        Value::Int(n) if n > 0 => i64::from(n),
        _ => {
            return Err(Error::semantic(
                "BinSize must be a positive timespan or whole number",
                bin_size.span,
            ))
        }
    };
    let (ExprKind::Name(value_name), ExprKind::Name(index_name)) = (&value.kind, &index.kind)
    else {
        return Err(Error::semantic(
            "rolling_percentile takes column names for the value and the index",
            span,
        ));
    };
    let visible = Rel::visible(drop_hidden(input));
    let row = visible.schema().clone();
    let binned = Expr {
        kind: ExprKind::Call {
            name: Ident {
                name: "bin".into(),
                span: index.span,
            },
            args: vec![index.clone(), bin_size.clone()],
        },
        span: index.span,
    };
    let binned = b.expr(&mut Ctx::new(scope, &row), &binned)?;
    if !matches!(
        binned.ty,
        Type::DateTime | Type::TimeSpan | Type::Long | Type::Int
    ) {
        return Err(Error::semantic(
            format!(
                "the index must be a datetime or a whole number; `{index_name}` is {}",
                binned.ty
            ),
            index.span,
        ));
    }
    let mut columns = vec![(index_name.clone(), binned)];
    let bound_value = b.expr(&mut Ctx::new(scope, &row), value)?;
    if !bound_value.ty.is_numeric() {
        return Err(Error::semantic(
            format!(
                "the value must be a number; `{value_name}` is {}",
                bound_value.ty
            ),
            value.span,
        ));
    }
    columns.push((value_name.clone(), bound_value));
    columns.extend(dimensions(b, scope, &row, dims)?);
    let input = projected(visible.plan, columns);
    let text = crate::format::real_text(percentile_value);
    let name = format!(
        "rolling_{bins}_percentile_{value_name}_{}",
        super::naming::name_fragment(&text)
    );
    let window = plugin::rolling::Window {
        percentile: percentile_value,
        bin_size: size,
        bins,
    };
    plugin_node(
        "rolling_percentile",
        vec![input],
        span,
        move |inputs, meter| plugin::rolling::rolling_percentile(&inputs[0], &window, &name, meter),
    )
}

/// Dimension arguments: columns of `row`, each output under its name.
pub(super) fn dimensions(
    b: &mut Binder,
    scope: &Scope,
    row: &Schema,
    dims: &[Expr],
) -> Result<Vec<(String, BoundExpr)>, Error> {
    dims.iter()
        .map(|dim| {
            let ExprKind::Name(dim_name) = &dim.kind else {
                return Err(Error::semantic("a dimension must be a column", dim.span));
            };
            Ok((dim_name.clone(), b.expr(&mut Ctx::new(scope, row), dim)?))
        })
        .collect()
}

/// `narrow()`.
pub(super) fn narrow(input: Rel, name: &Ident, args: &[Expr], span: Span) -> Result<Rel, Error> {
    no_arguments(name, args)?;
    plugin_node("narrow", vec![drop_hidden(input)], span, |inputs, meter| {
        plugin::narrow::narrow(&inputs[0], meter)
    })
}

/// `dcount_intersect(hll_1, hll_2 [, hll_3, …])`.
pub(super) fn dcount_intersect(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    split_required::<2>(
        args,
        "dcount_intersect(hll_1, hll_2 [, hll_3, …]) takes two or more hll() values",
        span,
    )?;
    let plan = drop_hidden(input);
    let row = plan.schema.clone();
    let width = row.len();
    let mut exprs: Vec<(String, BoundExpr)> = row
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.clone(), BoundExpr::column(i, f.ty, span)))
        .collect();
    for (k, arg) in args.iter().enumerate() {
        let bound = b.expr(&mut Ctx::new(scope, &row), arg)?;
        if bound.ty != Type::Dynamic {
            return Err(Error::semantic(
                format!("dcount_intersect takes hll() values, found {}", bound.ty),
                arg.span,
            ));
        }
        exprs.push((format!("__sketch{k}"), bound));
    }
    plugin_node(
        "dcount_intersect",
        vec![projected(plan, exprs)],
        span,
        move |inputs, meter| plugin::intersect::dcount_intersect(&inputs[0], width, meter),
    )
}

/// `preview(NumberOfRows)`: Kusto returns two tables, the first `NumberOfRows` rows (as `take`)
/// and the input's row count (as `count`); kqlite returns the first, its primary result.
pub(super) fn preview(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let [rows] = args else {
        return Err(Error::semantic(
            "preview(NumberOfRows) takes one argument",
            span,
        ));
    };
    let count = constant_count(b, scope, rows, "NumberOfRows")?;
    let plan = drop_hidden(input);
    Ok(Rel::visible(Plan {
        schema: plan.schema.clone(),
        node: Node::Take {
            input: Arc::new(plan),
            count,
        },
    }))
}
