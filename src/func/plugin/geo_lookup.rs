//! `evaluate geo_polygon_lookup(…)` and `geo_line_lookup(…)`: each input row's point matched
//! against the lookup table's shapes — inside a polygon (or within `radius` meters of it), or
//! within `radius` meters of a line — on Kusto's sphere (`func::scalar::geo_sphere`). The
//! output is the input's columns then the lookup table's, one row per match, in input order;
//! unmatched rows follow them, with null lookup columns, only when asked (as in the docs'
//! examples, where they come last).

use geo::{MultiLineString, MultiPolygon};

use crate::budget::Meter;
use crate::error::Error;
use crate::func::scalar::{geo_json, geo_sphere};
use crate::table::{Column, Schema, Table, Value};

/// What the lookup table's key column holds, and the match rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GeoLookup {
    /// Polygons: the point inside, or within the radius when one is given.
    Polygon { radius: Option<f64> },
    /// Lines: the point within the radius.
    Line { radius: f64 },
}

enum Shape {
    Polygons(MultiPolygon),
    Lines(MultiLineString),
}

/// Which table an output column comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Input,
    Lookup,
}

/// Where the columns are: the input's longitude and latitude, the lookup table's shapes.
pub struct Keys {
    pub longitude: usize,
    pub latitude: usize,
    pub shape: usize,
}

/// The joined table's columns: each one's side and column there, and the schema naming them.
pub struct Output {
    pub columns: Vec<(Source, usize)>,
    pub schema: Schema,
}

/// The joined table, with `output`'s columns.
pub fn lookup(
    input: &Table,
    shapes: &Table,
    keys: &Keys,
    (rule, keep_unmatched): (GeoLookup, bool),
    output: &Output,
    meter: &Meter,
) -> Result<Table, Error> {
    // Each lookup shape read once; an invalid one matches nothing.
    let parsed: Vec<Option<Shape>> = (0..shapes.num_rows())
        .map(|j| {
            let v = crate::value::cast::to_dynamic(&shapes.columns[keys.shape].get(j));
            match rule {
                GeoLookup::Polygon { .. } => geo_json::polygons(&v).map(Shape::Polygons),
                GeoLookup::Line { .. } => geo_json::lines(&v).map(Shape::Lines),
            }
        })
        .collect();
    let real = |c: &Column, i: usize| crate::value::cast::to_real(&c.get(i));
    let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
    let mut unmatched: Vec<(usize, Option<usize>)> = Vec::new();
    // Every input row is tried against every shape: rows × shapes steps.
    let mut pacer = meter.pacer();
    for i in 0..input.num_rows() {
        pacer.step()?;
        let point = geo_json::point_of(
            real(&input.columns[keys.longitude], i),
            real(&input.columns[keys.latitude], i),
        );
        let before = pairs.len();
        if let Some(p) = point {
            for (j, shape) in parsed.iter().enumerate() {
                pacer.step()?;
                let hit = match (shape, rule) {
                    (Some(Shape::Polygons(mp)), GeoLookup::Polygon { radius: None }) => {
                        geo_sphere::contains(mp, p)
                    }
                    (Some(Shape::Polygons(mp)), GeoLookup::Polygon { radius: Some(r) }) => {
                        geo_sphere::distance_to_polygons(mp, p).is_some_and(|d| d <= r)
                    }
                    (Some(Shape::Lines(ml)), GeoLookup::Line { radius }) => {
                        geo_sphere::distance_to_lines(ml, p).is_some_and(|d| d <= radius)
                    }
                    _ => false,
                };
                if hit {
                    pairs.push((i, Some(j)));
                }
            }
        }
        if keep_unmatched && pairs.len() == before {
            unmatched.push((i, None));
        }
    }
    pairs.extend(unmatched);
    let columns = output
        .columns
        .iter()
        .zip(output.schema.fields.iter())
        .map(|((side, c), field)| match side {
            Source::Input => {
                let rows: Vec<usize> = pairs.iter().map(|(i, _)| *i).collect();
                input.columns[*c].take(&rows)
            }
            Source::Lookup => {
                let mut col = Column::with_capacity(field.ty, pairs.len());
                for (_, j) in &pairs {
                    col.push(&j.map_or(Value::Null, |j| shapes.columns[*c].get(j)));
                }
                col
            }
        })
        .collect();
    Ok(Table::new(output.schema.clone(), columns))
}
