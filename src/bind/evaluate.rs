//! `evaluate` plugins: `ipv4_lookup`/`ipv6_lookup` (a plan node), and the table-reshaping
//! plugins of `func::plugin` (`bag_unpack`, `narrow`, `pivot`, `rows_near`,
//! `sliding_window_counts`, `activity_counts_metrics`, `rolling_percentile`). Those run their input when
//! the query is bound, since `bag_unpack`'s columns come from the data, and stand in the plan as
//! the resulting table; any other plugin is reported as not supported.
//!
//! `T | evaluate ipv4_lookup(LookupTable, SourceKey, LookupKey [, ExtraKey…] [, return_unmatched])`
//! yields T's columns, then the lookup table's columns without the extra keys (as `lookup`
//! does), clashing names suffixed (`ip1`): the columns Microsoft's parser gives.

use super::expr::Ctx;
use super::join::both_sides;
use super::ops::unknown_column;
use super::scope::{Rel, Scope};
use super::{drop_hidden, Binder};
use crate::ast::{Expr, ExprKind, Ident, NamedExpr, Span};
use crate::error::{Error, ErrorKind};
use crate::func::plugin;
use crate::plan::{BoundExpr, BoundQuery};
use crate::plan::{IpFamily, IpLookup, JoinSide, Node, Plan};
use crate::table::Table;
use crate::table::{Field, Schema, Type, Value};

/// The plugins `evaluate` knows.
pub const PLUGINS: &[&str] = &[
    "activity_counts_metrics",
    "bag_unpack",
    "ipv4_lookup",
    "ipv6_lookup",
    "narrow",
    "pivot",
    "rolling_percentile",
    "rows_near",
    "sliding_window_counts",
];

pub fn evaluate(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    match name.name.as_str() {
        "ipv4_lookup" => ip_lookup(b, scope, input, IpFamily::V4, name, args, span),
        "ipv6_lookup" => ip_lookup(b, scope, input, IpFamily::V6, name, args, span),
        "bag_unpack" => bag_unpack(b, scope, input, args, span),
        "narrow" => {
            no_arguments(name, args)?;
            let table = run_input(b, drop_hidden(input), span)?;
            Ok(values(plugin::narrow::narrow(&table)))
        }
        "rows_near" => rows_near(b, scope, input, args, span),
        "pivot" => pivot(b, scope, input, args, span),
        "rolling_percentile" => rolling_percentile(b, scope, input, args, span),
        "sliding_window_counts" | "activity_counts_metrics" => {
            timeline(b, scope, input, name, args, span)
        }
        other => Err(Error::at(
            ErrorKind::Unsupported(format!("evaluate {other} (plugins)")),
            name.span,
        )
        .with_help(format!("kqlite has the plugins {}", PLUGINS.join(", ")))),
    }
}

fn ip_lookup(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    family: IpFamily,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let [table, source_key, lookup_key, rest @ ..] = args else {
        return Err(Error::semantic(
            format!(
                "{}(LookupTable, SourceKey, LookupKey [, ExtraKey…] [, return_unmatched]) \
                 needs at least three arguments",
                name.name
            ),
            span,
        ));
    };
    let Some(lookup) = b.as_tabular(scope, table)? else {
        return Err(Error::semantic(
            format!("the first argument of {} must be a table", name.name),
            table.span,
        ));
    };
    let source_key = address_column(&input, source_key, &name.name)?;
    let lookup_key = address_column(&lookup, lookup_key, &name.name)?;
    let mut extra_keys = Vec::new();
    let mut keep_unmatched = false;
    for (i, arg) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        match &arg.kind {
            ExprKind::NamedArg { name: flag, value } if last && flag.name == "return_unmatched" => {
                keep_unmatched = constant_bool(b, scope, value)?;
            }
            ExprKind::Name(column) if !last || input.schema().index_of(column).is_some() => {
                extra_keys.push(extra_key(&input, &lookup, column, arg.span)?);
            }
            _ if last => keep_unmatched = constant_bool(b, scope, arg)?,
            _ => {
                return Err(Error::semantic(
                    "expected the name of a column both tables have",
                    arg.span,
                ))
            }
        }
    }
    let skip: Vec<usize> = extra_keys.iter().map(|&(_, l)| l).collect();
    let output = both_sides(&input, &lookup, &skip);
    let fields = output
        .iter()
        .map(|(name, side, i)| {
            let ty = match side {
                JoinSide::Left => input.schema().fields[*i].ty,
                JoinSide::Right => lookup.schema().fields[*i].ty,
            };
            Field::new(name.clone(), ty)
        })
        .collect();
    let hidden = output
        .iter()
        .map(|(_, side, i)| *side == JoinSide::Left && input.hidden[*i])
        .collect();
    Ok(Rel {
        plan: Plan {
            node: Node::IpLookup(Box::new(IpLookup {
                input: input.plan,
                lookup: lookup.plan,
                family,
                source_key,
                lookup_key,
                extra_keys,
                keep_unmatched,
                output: output.into_iter().map(|(_, side, i)| (side, i)).collect(),
            })),
            schema: Schema::new(fields),
        },
        hidden,
    })
}

/// A key argument: the name of a string column of `rel` holding addresses or ranges.
fn address_column(rel: &Rel, arg: &Expr, plugin: &str) -> Result<usize, Error> {
    let ExprKind::Name(column) = &arg.kind else {
        return Err(Error::semantic(
            format!("{plugin} takes column names as its keys"),
            arg.span,
        ));
    };
    let index = rel
        .schema()
        .index_of(column)
        .ok_or_else(|| unknown_column(rel, column, arg.span))?;
    match rel.schema().fields[index].ty {
        Type::String => Ok(index),
        other => Err(Error::semantic(
            format!("{plugin} keys hold addresses as strings; `{column}` is {other}"),
            arg.span,
        )),
    }
}

/// An extra key: a column of both tables, of one type (int and long meet, as in `join`).
fn extra_key(input: &Rel, lookup: &Rel, column: &str, span: Span) -> Result<(usize, usize), Error> {
    let find = |rel: &Rel| {
        rel.schema()
            .index_of(column)
            .ok_or_else(|| unknown_column(rel, column, span))
    };
    let (i, l) = (find(input)?, find(lookup)?);
    let (it, lt) = (input.schema().fields[i].ty, lookup.schema().fields[l].ty);
    let integers = |t: Type| matches!(t, Type::Int | Type::Long);
    if it != lt && !(integers(it) && integers(lt)) {
        return Err(Error::semantic(
            format!("`{column}` is {it} in the input and {lt} in the lookup table"),
            span,
        ));
    }
    Ok((i, l))
}

/// `return_unmatched`: a constant bool.
fn constant_bool(b: &mut Binder, scope: &Scope, value: &Expr) -> Result<bool, Error> {
    let empty = Schema::default();
    let bound = b.expr(&mut Ctx::new(scope, &empty), value)?;
    match b.constant(&bound)? {
        Value::Bool(flag) => Ok(flag),
        _ => Err(Error::semantic(
            format!("return_unmatched must be true or false, found {}", bound.ty),
            value.span,
        )),
    }
}

fn no_arguments(name: &Ident, args: &[Expr]) -> Result<(), Error> {
    match args.first() {
        None => Ok(()),
        Some(arg) => Err(Error::semantic(
            format!("{}() takes no arguments", name.name),
            arg.span,
        )),
    }
}

/// Run a plugin's input now: its rows decide the output (and, for `bag_unpack`, its columns).
fn run_input(b: &Binder, plan: Plan, span: Span) -> Result<Table, Error> {
    let query = crate::optimize(BoundQuery {
        plan,
        visualization: None,
    });
    let external = crate::external_tables(b.options);
    crate::execute(&query, b.catalog, &external, b.options)
        .map(|result| result.table)
        .map_err(|e| match e.span {
            Some(_) => e,
            None => Error::at(e.kind, span),
        })
}

/// A plugin's result standing in the plan.
fn values(table: Table) -> Rel {
    Rel::visible(Plan {
        schema: table.schema.clone(),
        node: Node::Values(table),
    })
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
fn constant(b: &mut Binder, scope: &Scope, value: &Expr) -> Result<Value, Error> {
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

fn constant_count(b: &mut Binder, scope: &Scope, value: &Expr, what: &str) -> Result<usize, Error> {
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
fn bag_unpack(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let Some((column, rest)) = args.split_first() else {
        return Err(Error::semantic(
            "bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties]) \
             needs the column to unpack",
            span,
        ));
    };
    let plan = drop_hidden(input);
    let visible = Rel::visible(plan);
    let ExprKind::Name(column_name) = &column.kind else {
        return Err(Error::semantic(
            "bag_unpack unpacks a column: name it",
            column.span,
        ));
    };
    let index = visible
        .schema()
        .index_of(column_name)
        .ok_or_else(|| unknown_column(&visible, column_name, column.span))?;
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
    let table = run_input(b, visible.plan, span)?;
    plugin::bag_unpack::unpack(&table, index, &options)
        .map(values)
        .map_err(|message| Error::semantic(message, span))
}

/// `rows_near(Condition, NumRows [, RowsAfter])`.
fn rows_near(
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
    let table = run_input(b, with_column(visible, bound), span)?;
    let matches: Vec<bool> = (0..table.num_rows())
        .map(|i| table.columns[width].get(i) == Value::Bool(true))
        .collect();
    let keep = plugin::rows_near::rows_near(&matches, before, after);
    let fields = table.schema.fields[..width].to_vec();
    let columns = table.columns[..width]
        .iter()
        .map(|c| c.take(&keep))
        .collect();
    Ok(values(Table::new(Schema::new(fields), columns)))
}

/// `pivot(PivotColumn [, Aggregation] [, Column…])`: summarize by the columns and the pivot
/// value's text, then spread the values into columns.
fn pivot(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let Some((pivot_column, rest)) = args.split_first() else {
        return Err(Error::semantic(
            "pivot(PivotColumn [, Aggregation] [, Column…]) needs the column to pivot",
            span,
        ));
    };
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
            input: Box::new(visible.plan.clone()),
            count: 0,
        },
    });
    let summarized = super::summarize::summarize(b, scope, visible, &aggregates, &by)?;
    let over_nothing = super::summarize::summarize(b, scope, empty_input, &aggregates, &[])?;
    let table = run_input(b, drop_hidden(summarized), span)?;
    let nothing = run_input(b, drop_hidden(over_nothing), span)?;
    let empty = match nothing.columns.first() {
        Some(column) if !column.is_empty() => column.get(0),
        _ => Value::Null,
    };
    plugin::pivot::reshape(&table, groups.len(), &empty)
        .map(values)
        .map_err(|message| Error::semantic(message, span))
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
fn timeline(
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
    let visible = Rel::visible(drop_hidden(input));
    let row = visible.schema().clone();
    let mut columns: Vec<(String, BoundExpr)> = Vec::new();
    let id = b.expr(&mut Ctx::new(scope, &row), &args[0])?;
    columns.push(("__id".into(), id));
    let ExprKind::Name(timeline_name) = &args[1].kind else {
        return Err(Error::semantic(
            "the timeline must be a column",
            args[1].span,
        ));
    };
    let timeline = b.expr(&mut Ctx::new(scope, &row), &args[1])?;
    if timeline.ty != Type::DateTime {
        return Err(Error::semantic(
            format!(
                "the timeline column must be a datetime; `{timeline_name}` is {}",
                timeline.ty
            ),
            args[1].span,
        ));
    }
    columns.push((timeline_name.clone(), timeline));
    for dim in &args[fixed..] {
        let ExprKind::Name(dim_name) = &dim.kind else {
            return Err(Error::semantic("a dimension must be a column", dim.span));
        };
        let bound = b.expr(&mut Ctx::new(scope, &row), dim)?;
        columns.push((dim_name.clone(), bound));
    }
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
    let table = run_input(b, projected(visible.plan, columns), span)?;
    Ok(values(if sliding {
        plugin::timeline::sliding_window_counts(&table, &bins, lookback)
    } else {
        plugin::timeline::activity_counts_metrics(&table, &bins)
    }))
}

/// `exprs` over `plan`'s rows, named.
fn projected(plan: Plan, exprs: Vec<(String, BoundExpr)>) -> Plan {
    let fields = exprs
        .iter()
        .map(|(name, e)| Field::new(name.clone(), e.ty))
        .collect();
    Plan {
        node: Node::Project {
            input: Box::new(plan),
            exprs: exprs.into_iter().map(|(_, e)| e).collect(),
        },
        schema: Schema::new(fields),
    }
}

/// `rolling_percentile(ValueColumn, Percentile, IndexColumn, BinSize, BinsPerWindow [, dim…])`.
fn rolling_percentile(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let [value, percentile, index, bin_size, bins, dims @ ..] = args else {
        return Err(Error::semantic(
            "rolling_percentile(ValueColumn, Percentile, IndexColumn, BinSize, BinsPerWindow \
             [, dim…]) needs five arguments and dimension columns",
            span,
        ));
    };
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
    for dim in dims {
        let ExprKind::Name(dim_name) = &dim.kind else {
            return Err(Error::semantic("a dimension must be a column", dim.span));
        };
        columns.push((dim_name.clone(), b.expr(&mut Ctx::new(scope, &row), dim)?));
    }
    let table = run_input(b, projected(visible.plan, columns), span)?;
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
    Ok(values(plugin::rolling::rolling_percentile(
        &table, &window, &name,
    )))
}
