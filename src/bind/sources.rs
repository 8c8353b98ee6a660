//! The sources bound without reading a row: `datatable` (constant rows), `print` (one row of
//! expressions), `range`, and `externaldata` (its files are read when the query runs).

use super::expr::{is_constant, Ctx};
use super::naming::Projection;
use super::ops::{projection, values, Out};
use super::scope::{Rel, Scope};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, Literal, NamedExpr, Span};
use crate::error::{Error, ErrorKind};
use crate::plan::{BoundExpr, ExternalRead, Node, Plan};
use crate::sources::external_data::{ExternalFormat, UNREAD_FORMATS};
use crate::table::{Column, Field, Schema, Table, Type, Value};

/// Whether a constant of `from` can fill a column of `to` (integers and reals convert; null
/// fits anything).
fn fits(from: Type, to: Type, value: &Value) -> bool {
    from == to || value.is_null() || (from.is_numeric() && to.is_numeric()) || to == Type::Dynamic
}

pub fn datatable(
    b: &mut Binder,
    scope: &Scope,
    columns: &[(Ident, Ident)],
    values_in: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let schema = super::declared_schema(columns)?;
    if schema.is_empty() {
        return Err(Error::semantic("datatable needs at least one column", span));
    }
    if !values_in.len().is_multiple_of(schema.len()) {
        return Err(Error::semantic(
            format!(
                "datatable has {} columns but {} values (not a whole number of rows)",
                schema.len(),
                values_in.len()
            ),
            span,
        ));
    }
    let rows = values_in.len() / schema.len();
    let mut cols: Vec<Column> = schema
        .fields
        .iter()
        .map(|f| Column::with_capacity(f.ty, rows))
        .collect();
    let empty = Schema::default();
    for (i, e) in values_in.iter().enumerate() {
        let field = &schema.fields[i % schema.len()];
        let bound = b.expr(&mut Ctx::new(scope, &empty), e)?;
        let value = b.constant(&bound)?;
        if !fits(bound.ty, field.ty, &value) {
            return Err(Error::semantic(
                format!(
                    "column `{}` is {}, this value is {}",
                    field.name, field.ty, bound.ty
                ),
                e.span,
            ));
        }
        let value = match (field.ty, value) {
            (Type::Dynamic, v) => Value::Dynamic(to_json(&v)),
            (_, v) => v,
        };
        cols[i % schema.len()].push(&value);
    }
    Ok(values(Table::new(schema, cols)))
}

/// A scalar as a JSON value, for dynamic columns.
fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(n) => J::from(*n),
        Value::Long(n) => J::from(*n),
        Value::Real(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.to_string()),
        Value::Dynamic(j) => j.clone(),
        other => J::String(crate::format::value_text(other)),
    }
}

/// One row, no columns: what `print` computes its expressions over.
fn single_row() -> Rel {
    Rel::visible(Plan {
        node: Node::Range {
            start: Value::Long(0),
            stop: Value::Long(0),
            step: Value::Long(1),
        },
        schema: Schema::new(vec![Field::new("\u{0}row", Type::Long)]),
    })
}

/// `print a, x = b`: one row; unnamed columns are `print_0`, `print_1`, … by position.
pub fn print(b: &mut Binder, scope: &Scope, items: &[NamedExpr]) -> Result<Rel, Error> {
    let row = single_row();
    let empty = Schema::default();
    let mut out: Projection<Out> = Projection::default();
    for (i, item) in items.iter().enumerate() {
        let bound = b.expr(&mut Ctx::new(scope, &empty), &item.expr)?;
        if let Some(parts) = super::ops::output_parts(&bound) {
            let rest = super::ops::Rest::DroppedWhenNamed;
            super::ops::add_outputs(&mut out, item, parts, false, rest, &|_| false)?;
            continue;
        }
        match item.names.as_slice() {
            [name] => {
                out.declare(&name.name, (bound, false), false, name.span)?;
            }
            [] => {
                out.add(&format!("print_{i}"), (bound, false), false);
            }
            [_, second, ..] => return Err(super::ops::several_names(second)),
        }
    }
    Ok(projection(row, out.columns))
}

/// `range x from a to b step s`.
pub fn range(
    b: &mut Binder,
    scope: &Scope,
    name: &Ident,
    from: &Expr,
    to: &Expr,
    step: &Expr,
) -> Result<Rel, Error> {
    let empty = Schema::default();
    let mut bind = |e: &Expr| -> Result<(BoundExpr, Value), Error> {
        let bound = b.expr(&mut Ctx::new(scope, &empty), e)?;
        if !is_constant(&bound) {
            return Err(Error::semantic("range bounds must be constants", e.span));
        }
        let value = b.constant(&bound)?;
        Ok((bound, widen(value)))
    };
    let (start, start_value) = bind(from)?;
    let (stop, stop_value) = bind(to)?;
    let (step_expr, step_value) = bind(step)?;
    let ty = match start.ty {
        // Kusto types the column real when the stop or the step is real (`step 0.5`).
        Type::Int | Type::Long if stop.ty == Type::Real || step_expr.ty == Type::Real => Type::Real,
        Type::Int | Type::Long => Type::Long,
        Type::Real | Type::DateTime | Type::TimeSpan => start.ty,
        other => {
            return Err(Error::semantic(
                format!("range needs numbers, datetimes or timespans, found {other}"),
                from.span,
            ))
        }
    };
    let step_ok = match ty {
        Type::DateTime => step_expr.ty == Type::TimeSpan,
        Type::TimeSpan => step_expr.ty == Type::TimeSpan,
        _ => step_expr.ty.is_numeric(),
    };
    if !step_ok {
        return Err(Error::semantic(
            format!("a range of {ty} cannot step by {}", step_expr.ty),
            step.span,
        ));
    }
    Ok(Rel::visible(Plan {
        node: Node::Range {
            start: start_value,
            stop: stop_value,
            step: step_value,
        },
        schema: Schema::new(vec![Field::new(name.name.clone(), ty)]),
    }))
}

fn widen(value: Value) -> Value {
    match value {
        Value::Int(n) => Value::Long(i64::from(n)),
        other => other,
    }
}

/// `externaldata (a:string, …) [uri, …] with (format=…, ignoreFirstRecord=…)`: the declared
/// schema, the URIs as constant strings and the read properties; no file is opened here.
pub fn external_data(
    b: &mut Binder,
    scope: &Scope,
    columns: &[(Ident, Ident)],
    uris: &[Expr],
    properties: &[(Ident, Expr)],
) -> Result<Rel, Error> {
    let schema = super::declared_schema(columns)?;
    let empty = Schema::default();
    let mut located = Vec::new();
    for uri in uris {
        let bound = b.expr(&mut Ctx::new(scope, &empty), uri)?;
        match b.constant(&bound)? {
            Value::String(text) => located.push((text.to_string(), uri.span)),
            _ => {
                return Err(Error::semantic(
                    format!("an externaldata URI must be a string, found {}", bound.ty),
                    uri.span,
                ))
            }
        }
    }
    let mut format = None;
    let mut ignore_first_record = false;
    for (name, value) in properties {
        match name.name.to_ascii_lowercase().as_str() {
            "format" => format = Some(external_format(value)?),
            "ignorefirstrecord" => ignore_first_record = constant_bool(b, scope, value)?,
            "ingestionmapping" | "ingestionmappingreference" => {
                return Err(Error::at(
                    ErrorKind::Unsupported(format!(
                        "externaldata property `{}` (columns are filled by position, or by \
                         property name for JSON)",
                        name.name
                    )),
                    name.span,
                ))
            }
            _ => {
                return Err(Error::semantic(
                    format!("unknown externaldata property `{}`", name.name),
                    name.span,
                )
                .with_help("kqlite reads the properties format and ignoreFirstRecord"))
            }
        }
    }
    Ok(Rel::visible(Plan {
        node: Node::ExternalData(ExternalRead {
            uris: located,
            format,
            ignore_first_record,
        }),
        schema,
    }))
}

/// `format=csv` or `format="csv"`: the name of a format kqlite reads, lowercased.
fn external_format(value: &Expr) -> Result<String, Error> {
    let name = match &value.kind {
        ExprKind::Name(name) => name.as_str(),
        ExprKind::Literal(Literal::String(name)) => name.as_str(),
        _ => {
            return Err(Error::semantic(
                "format takes a format name, such as csv or json",
                value.span,
            ))
        }
    };
    if ExternalFormat::from_name(name).is_some() {
        return Ok(name.to_ascii_lowercase());
    }
    let known = ExternalFormat::NAMES.join(", ");
    if UNREAD_FORMATS.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(Error::at(
            ErrorKind::Unsupported(format!("the externaldata format {name}")),
            value.span,
        )
        .with_help(format!("kqlite reads {known}")));
    }
    Err(
        Error::semantic(format!("unknown data format `{name}`"), value.span)
            .with_help(format!("formats: {known}")),
    )
}

/// A property's bool value: `true`, `True`, `"true"`, or a constant expression.
fn constant_bool(b: &mut Binder, scope: &Scope, value: &Expr) -> Result<bool, Error> {
    if let ExprKind::Literal(Literal::String(text)) = &value.kind {
        if let Some(flag) = ["false", "true"]
            .iter()
            .position(|word| text.eq_ignore_ascii_case(word))
        {
            return Ok(flag == 1);
        }
    }
    let empty = Schema::default();
    let bound = b.expr(&mut Ctx::new(scope, &empty), value)?;
    match b.constant(&bound)? {
        Value::Bool(flag) => Ok(flag),
        _ => Err(Error::semantic(
            format!("expected true or false, found {}", bound.ty),
            value.span,
        )),
    }
}
