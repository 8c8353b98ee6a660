//! The geospatial lookup plugins, `T | evaluate geo_polygon_lookup(LookupTable, Longitude,
//! Latitude, PolygonKey [, radius] [, return_unmatched] [, join_hint])` and
//! `geo_line_lookup(LookupTable, Longitude, Latitude, LineKey, radius [, return_unmatched]
//! [, join_hint])`: their arguments are bound here, and the plugin node runs
//! `func::plugin::geo_lookup` over both tables when the query runs. The
//! columns are the input's, then the lookup table's (clashing names suffixed), as `lookup`
//! gives. `join_hint` only tunes Kusto's matching and is accepted and left unused.

use super::expr::Ctx;
use super::join::{both_sides, both_sides_fields};
use super::scope::{Rel, Scope};
use super::table_plugins::{named_column, plugin_node};
use super::{drop_hidden, Binder};
use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::error::Error;
use crate::func::plugin::geo_lookup::{lookup, GeoLookup, Keys, Output, Source};
use crate::plan::JoinSide;
use crate::table::{Schema, Type, Value};

/// The optional arguments, named or in their places.
const OPTIONAL: &[&str] = &["radius", "return_unmatched", "join_hint"];

pub(super) fn geo_lookup(
    b: &mut Binder,
    scope: &Scope,
    input: Rel,
    name: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Rel, Error> {
    let lines = name.name == "geo_line_lookup";
    let [table, longitude, latitude, key, rest @ ..] = args else {
        return Err(Error::semantic(
            format!(
                "{}(LookupTable, SourceLongitude, SourceLatitude, LookupKey{}) needs at least \
                 {} arguments",
                name.name,
                if lines { ", radius" } else { "" },
                if lines { 5 } else { 4 }
            ),
            span,
        ));
    };
    let Some(shapes) = b.as_tabular(scope, table)? else {
        return Err(Error::semantic(
            format!("the first argument of {} must be a table", name.name),
            table.span,
        ));
    };
    let input = Rel::visible(drop_hidden(input));
    let shapes = Rel::visible(drop_hidden(shapes));
    let number_column = |rel: &Rel, arg: &Expr, what: &str| -> Result<usize, Error> {
        let (i, column) = named_column(rel, arg, &format!("the {what} must be a column name"))?;
        match rel.schema().fields[i].ty {
            t if t.is_numeric() || t == Type::Dynamic => Ok(i),
            other => Err(Error::semantic(
                format!("the {what} must be a number; `{column}` is {other}"),
                arg.span,
            )),
        }
    };
    let keys = Keys {
        longitude: number_column(&input, longitude, "longitude")?,
        latitude: number_column(&input, latitude, "latitude")?,
        shape: named_column(&shapes, key, "the lookup key must be a column name")?.0,
    };
    let mut options: [Option<Value>; 3] = [None, None, None];
    for (position, arg) in rest.iter().enumerate() {
        let (slot, value) = match &arg.kind {
            ExprKind::NamedArg { name: flag, value } => {
                match OPTIONAL.iter().position(|o| *o == flag.name) {
                    Some(slot) => (slot, value.as_ref()),
                    None => {
                        return Err(Error::semantic(
                            format!(
                                "{} takes the named arguments {}",
                                name.name,
                                OPTIONAL.join(", ")
                            ),
                            arg.span,
                        ))
                    }
                }
            }
            _ if position < OPTIONAL.len() => (position, arg),
            _ => return Err(Error::semantic("too many arguments", arg.span)),
        };
        let empty = Schema::default();
        let bound = b.expr(&mut Ctx::new(scope, &empty), value)?;
        options[slot] = Some(b.constant(&bound)?);
    }
    let radius = match &options[0] {
        None | Some(Value::Null) => None,
        Some(v) => match crate::value::cast::to_real(v) {
            Some(r) if r >= 0.0 => Some(r),
            _ => {
                return Err(Error::semantic(
                    "radius must be a non-negative number of meters",
                    span,
                ))
            }
        },
    };
    let keep_unmatched = match &options[1] {
        None => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => {
            return Err(Error::semantic(
                "return_unmatched must be true or false",
                span,
            ))
        }
    };
    let rule = if lines {
        GeoLookup::Line {
            radius: radius
                .ok_or_else(|| Error::semantic("geo_line_lookup needs a radius in meters", span))?,
        }
    } else {
        GeoLookup::Polygon { radius }
    };
    let output = both_sides(&input, &shapes, &[]);
    let output = Output {
        schema: Schema::new(both_sides_fields(&input, &shapes, &output)),
        columns: output
            .iter()
            .map(|(_, side, i)| match side {
                JoinSide::Left => (Source::Input, *i),
                JoinSide::Right => (Source::Lookup, *i),
            })
            .collect(),
    };
    plugin_node(
        &name.name,
        vec![input.plan, shapes.plan],
        span,
        move |inputs, meter| {
            let rule = (rule, keep_unmatched);
            lookup(&inputs[0], &inputs[1], &keys, rule, &output, meter)
        },
    )
}
