//! `geo_line_simplify`, `geo_polygon_simplify`: shapes with nearly straight chains of short
//! edges replaced by single edges, Ramer–Douglas–Peucker (the `geo` crate's) run in the
//! gnomonic projection around the shape (`geo_gnomonic`, where great-circle edges are straight)
//! with the tolerance in meters as the angle it spans on Kusto's sphere. A line or ring whose
//! vertices all lie within the tolerance of its first one collapses to a point and disappears,
//! and a shape with nothing left is null, as the docs describe ("high tolerance may cause small
//! polygon to disappear").

use geo::{CoordsIter, LineString, MultiLineString, MultiPolygon, Polygon, Simplify};
use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::geo_gnomonic::{Gnomonic, Unprojector};
use super::geo_json::{self, lines_json, polygons_json};
use super::geo_sphere::{self as sphere, RADIUS};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map2, Arr, Datum};

/// Which function a `ScalarFunc::GeoSimplify` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimplifyFn {
    Line,
    Polygon,
}

/// RDP in the projection around the shape's vertices; none when they spread too far for it.
fn simplified<G>(shape: &G, tolerance: f64) -> Option<G>
where
    G: CoordsIter<Scalar = f64> + geo::MapCoords<f64, f64, Output = G> + Simplify<f64> + Clone,
{
    let coords: Vec<_> = shape.coords_iter().collect();
    let projection = Gnomonic::around(coords.iter().copied())?;
    let planar = projection.project(shape)?;
    let back = Unprojector::new(projection, coords);
    Some(back.shape(&planar.simplify(tolerance / RADIUS)))
}

/// Whether a line or ring collapses under `tolerance`: all of it within reach of its start.
fn collapses(l: &LineString, tolerance: f64) -> bool {
    match l.0.first() {
        Some(first) => {
            let first = geo::Point::from(*first);
            l.0.iter()
                .all(|c| sphere::distance(first, geo::Point::from(*c)) <= tolerance)
        }
        None => true,
    }
}

fn simplify_lines(ml: &MultiLineString, tolerance: f64) -> Option<J> {
    let kept: Vec<LineString> = simplified(ml, tolerance)?
        .0
        .into_iter()
        .filter(|l| !collapses(l, tolerance))
        .collect();
    (!kept.is_empty()).then(|| lines_json(&MultiLineString::new(kept)))
}

fn simplify_polygons(mp: &MultiPolygon, tolerance: f64) -> Option<J> {
    // A closed ring needs four coordinates (a triangle) and must not collapse.
    let ring_ok = |r: &LineString| r.0.len() >= 4 && !collapses(r, tolerance);
    let kept: Vec<Polygon> = simplified(mp, tolerance)?
        .0
        .into_iter()
        .filter(|p| ring_ok(p.exterior()))
        .map(|p| {
            let (shell, holes) = p.into_inner();
            Polygon::new(shell, holes.into_iter().filter(ring_ok).collect())
        })
        .collect();
    (!kept.is_empty()).then(|| polygons_json(&MultiPolygon::new(kept)))
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::GeoSimplify(f) = func else {
        unreachable!("a simplify row holds a GeoSimplify tag")
    };
    let tolerance = args.get(1).map_or(Arr::One(Some(10.0)), Datum::reals);
    Ok(Column::Dynamic(map2(
        len,
        &args[0].dyns(),
        &tolerance,
        |v, t| {
            let t = (*t).filter(|t| *t >= 0.0);
            let out = t.and_then(|t| match f {
                SimplifyFn::Line => simplify_lines(&geo_json::lines(v)?, t),
                SimplifyFn::Polygon => simplify_polygons(&geo_json::polygons(v)?, t),
            });
            out.unwrap_or(J::Null)
        },
    )))
}

const fn row(f: SimplifyFn, names: &'static [&'static str]) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::GeoSimplify(f),
        names,
        arity: (1, 2),
        result: Fixed(T::Dynamic),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(SimplifyFn::Line, &["geo_line_simplify"]),
    row(SimplifyFn::Polygon, &["geo_polygon_simplify"]),
];
