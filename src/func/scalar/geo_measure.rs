//! Geospatial measures on Kusto's spherical Earth (`geo_sphere`): distances between points,
//! lines and polygons, containment in circles and polygons, areas, perimeters, lengths,
//! centroids, azimuths and angles, closest points. Points are longitude and latitude arguments
//! in degrees, shapes GeoJSON dynamics (`geo_json`); an invalid point or shape gives null, as
//! in Kusto.

use geo::{MultiLineString, MultiPolygon, Point};
use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::geo_json::{self, point_of};
use super::geo_sphere as sphere;
use super::geo_vector::{add, cross, dot, norm, point_at, unit};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map1, Arr, Datum};

/// Which function a `ScalarFunc::Geo` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeoFn {
    Distance2Points,
    DistancePointToLine,
    DistancePointToPolygon,
    PointInCircle,
    PointInPolygon,
    PolygonArea,
    PolygonPerimeter,
    PolygonCentroid,
    LineLength,
    LineCentroid,
    Azimuth,
    Angle,
    ClosestPointOnLine,
    ClosestPointOnPolygon,
    LineInterpolatePoint,
    LineLocatePoint,
}

/// A shape argument read once when it is a constant (the usual literal polygon), else per row.
fn shapes<S>(d: &Datum, len: usize, read: fn(&J) -> Option<S>) -> Arr<'static, Option<S>> {
    let values = d.dyns();
    match values.one() {
        Some(v) => Arr::One(read(v)),
        None => Arr::Owned(map1(len, &values, read)),
    }
}

/// Whether a GeoJSON shape is a single `LineString`.
fn typed_line(v: &J) -> bool {
    v.get("type").and_then(J::as_str) == Some("LineString")
}

/// The centroid of lines along the sphere: every great-circle edge weighs its length, at its
/// middle (the integral of the position along an arc of angle θ is 2·sin(θ/2) times its
/// midpoint direction).
fn line_centroid(ml: &MultiLineString) -> Option<Point> {
    let mut sum = [0.0; 3];
    for e in ml.0.iter().flat_map(|l| l.lines()) {
        let (a, b) = (unit(e.start), unit(e.end));
        let mid = add(a, b, 1.0);
        let half = norm(cross(a, b)).atan2(dot(a, b)) / 2.0;
        let n = norm(mid);
        if n > 0.0 {
            sum = add(sum, mid, 2.0 * half.sin() / n);
        }
    }
    point_at(sum)
}

/// The centroid of polygons along the sphere. The integral of the position over a region is
/// half the sum, over its boundary's edges, of each edge's angle times its plane's unit normal
/// (Stokes); rings in the documented orientation (shells counterclockwise, holes clockwise)
/// give the region's own integral, and a region given the other way round comes out negated,
/// which the side of the vertices tells.
fn polygon_centroid(mp: &MultiPolygon) -> Option<Point> {
    let merged = sphere::union(mp);
    let mut total = [0.0; 3];
    for p in &merged.0 {
        let mut sum = [0.0; 3];
        let mut vertices = [0.0; 3];
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            for e in ring.lines() {
                let (a, b) = (unit(e.start), unit(e.end));
                let n = cross(a, b);
                let len = norm(n);
                if len > 0.0 {
                    sum = add(sum, n, len.atan2(dot(a, b)) / len);
                }
            }
        }
        for c in p.exterior().coords() {
            vertices = add(vertices, unit(*c), 1.0);
        }
        let sign = if dot(sum, vertices) < 0.0 { -1.0 } else { 1.0 };
        total = add(total, sum, sign);
    }
    point_at(total)
}

/// The clockwise angle at `b` from the line `b`→`a` to the line `b`→`c`, in [0, 2π).
fn angle(a: Point, b: Point, c: Point) -> Option<f64> {
    use std::f64::consts::PI;
    let back = sphere::azimuth(b, a)?;
    let out = sphere::azimuth(b, c)?;
    Some((out - back).rem_euclid(2.0 * PI))
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Geo(f) = func else {
        unreachable!("a geo row holds a Geo tag")
    };
    let reals: Vec<Arr<'_, Option<f64>>> = args.iter().map(Datum::reals).collect();
    // The point made of arguments `i` and `i + 1` on row `row`.
    let point = |i: usize, row: usize| point_of(*reals[i].get(row), *reals[i + 1].get(row));
    let real = |g: &dyn Fn(usize) -> Option<f64>| Column::Real((0..len).map(g).collect());
    let dynamic = |g: &dyn Fn(usize) -> Option<Point>| {
        Column::Dynamic(
            (0..len)
                .map(|r| g(r).map_or(J::Null, geo_json::point_json))
                .collect(),
        )
    };
    Ok(match f {
        GeoFn::Distance2Points => {
            let spheroid = args.get(4).map(Datum::bools);
            real(&|r| {
                let (a, b) = (point(0, r)?, point(2, r)?);
                let on_spheroid = match &spheroid {
                    Some(s) => (*s.get(r))?,
                    None => false,
                };
                Some(if on_spheroid {
                    sphere::distance_spheroid(a, b)
                } else {
                    sphere::distance(a, b)
                })
            })
        }
        GeoFn::Azimuth => real(&|r| sphere::azimuth(point(0, r)?, point(2, r)?)),
        GeoFn::Angle => real(&|r| angle(point(0, r)?, point(2, r)?, point(4, r)?)),
        GeoFn::PointInCircle => Column::Bool(
            (0..len)
                .map(|r| {
                    let (p, c) = (point(0, r)?, point(2, r)?);
                    let radius = (*reals[4].get(r)).filter(|x| *x >= 0.0)?;
                    Some(sphere::distance(p, c) <= radius)
                })
                .collect(),
        ),
        GeoFn::DistancePointToLine | GeoFn::ClosestPointOnLine => {
            let lines = shapes(&args[2], len, geo_json::lines);
            if f == GeoFn::ClosestPointOnLine {
                dynamic(&|r| sphere::closest_on_lines(lines.get(r).as_ref()?, point(0, r)?))
            } else {
                real(&|r| sphere::distance_to_lines(lines.get(r).as_ref()?, point(0, r)?))
            }
        }
        GeoFn::DistancePointToPolygon | GeoFn::PointInPolygon | GeoFn::ClosestPointOnPolygon => {
            let polys = shapes(&args[2], len, geo_json::polygons);
            match f {
                GeoFn::PointInPolygon => Column::Bool(
                    (0..len)
                        .map(|r| Some(sphere::contains(polys.get(r).as_ref()?, point(0, r)?)))
                        .collect(),
                ),
                GeoFn::DistancePointToPolygon => {
                    real(&|r| sphere::distance_to_polygons(polys.get(r).as_ref()?, point(0, r)?))
                }
                _ => dynamic(&|r| {
                    let (mp, p) = (polys.get(r).as_ref()?, point(0, r)?);
                    if sphere::contains(mp, p) {
                        return Some(p);
                    }
                    sphere::closest_on_lines(&sphere::boundaries(mp), p)
                }),
            }
        }
        GeoFn::PolygonArea | GeoFn::PolygonPerimeter | GeoFn::PolygonCentroid => {
            let polys = shapes(&args[0], len, geo_json::polygons);
            match f {
                GeoFn::PolygonArea => real(&|r| polys.get(r).as_ref().map(sphere::area)),
                GeoFn::PolygonPerimeter => real(&|r| polys.get(r).as_ref().map(sphere::perimeter)),
                _ => dynamic(&|r| polygon_centroid(polys.get(r).as_ref()?)),
            }
        }
        GeoFn::LineInterpolatePoint | GeoFn::LineLocatePoint => {
            // These take one line, not a multiline.
            let line = shapes(&args[0], len, |v| {
                geo_json::lines(v).filter(|ml| ml.0.len() == 1 && typed_line(v))
            });
            if f == GeoFn::LineInterpolatePoint {
                dynamic(&|r| sphere::interpolate(&line.get(r).as_ref()?.0[0], (*reals[1].get(r))?))
            } else {
                let spheroid = args.get(3).map(Datum::bools);
                real(&|r| {
                    let on_spheroid = match &spheroid {
                        Some(s) => (*s.get(r))?,
                        None => false,
                    };
                    sphere::locate(&line.get(r).as_ref()?.0[0], point(1, r)?, on_spheroid)
                })
            }
        }
        GeoFn::LineLength | GeoFn::LineCentroid => {
            let lines = shapes(&args[0], len, geo_json::lines);
            if f == GeoFn::LineLength {
                real(&|r| {
                    let ml = lines.get(r).as_ref()?;
                    Some(ml.0.iter().map(sphere::line_length).sum())
                })
            } else {
                dynamic(&|r| line_centroid(lines.get(r).as_ref()?))
            }
        }
    })
}

const fn row(f: GeoFn, names: &'static [&'static str], arity: (usize, usize), ty: T) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Geo(f),
        names,
        arity,
        result: Fixed(ty),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(
        GeoFn::Distance2Points,
        &["geo_distance_2points"],
        (4, 5),
        T::Real,
    ),
    row(
        GeoFn::DistancePointToLine,
        &["geo_distance_point_to_line"],
        (3, 3),
        T::Real,
    ),
    row(
        GeoFn::DistancePointToPolygon,
        &["geo_distance_point_to_polygon"],
        (3, 3),
        T::Real,
    ),
    row(
        GeoFn::PointInCircle,
        &["geo_point_in_circle"],
        (5, 5),
        T::Bool,
    ),
    row(
        GeoFn::PointInPolygon,
        &["geo_point_in_polygon"],
        (3, 3),
        T::Bool,
    ),
    row(GeoFn::PolygonArea, &["geo_polygon_area"], (1, 1), T::Real),
    row(
        GeoFn::PolygonPerimeter,
        &["geo_polygon_perimeter"],
        (1, 1),
        T::Real,
    ),
    row(
        GeoFn::PolygonCentroid,
        &["geo_polygon_centroid"],
        (1, 1),
        T::Dynamic,
    ),
    row(GeoFn::LineLength, &["geo_line_length"], (1, 1), T::Real),
    row(
        GeoFn::LineCentroid,
        &["geo_line_centroid"],
        (1, 1),
        T::Dynamic,
    ),
    row(GeoFn::Azimuth, &["geo_azimuth"], (4, 4), T::Real),
    row(GeoFn::Angle, &["geo_angle"], (6, 6), T::Real),
    row(
        GeoFn::ClosestPointOnLine,
        &["geo_closest_point_on_line"],
        (3, 3),
        T::Dynamic,
    ),
    row(
        GeoFn::ClosestPointOnPolygon,
        &["geo_closest_point_on_polygon"],
        (3, 3),
        T::Dynamic,
    ),
    row(
        GeoFn::LineInterpolatePoint,
        &["geo_line_interpolate_point"],
        (2, 2),
        T::Dynamic,
    ),
    row(
        GeoFn::LineLocatePoint,
        &["geo_line_locate_point"],
        (3, 4),
        T::Real,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centroids_and_angles_match_the_docs() {
        // https://learn.microsoft.com/en-us/kusto/query/geo-line-centroid-function
        let l = geo_json::lines(&serde_json::json!({"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]})).unwrap();
        let c = line_centroid(&l).unwrap();
        assert!(
            (c.x() - -73.96556705723094).abs() < 1e-9 && (c.y() - 40.782453249627416).abs() < 1e-9,
            "{c:?}"
        );
        // https://learn.microsoft.com/en-us/kusto/query/geo-angle-function
        let a = angle(
            Point::new(0.0, 10.0),
            Point::new(0.0, 5.0),
            Point::new(3.0, -10.0),
        )
        .unwrap();
        assert!((a - 2.94493843406882).abs() < 1e-12, "{a}");
    }
}
