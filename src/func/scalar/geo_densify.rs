//! `geo_line_densify`, `geo_polygon_densify`: GeoJSON edges drawn as straight lines in
//! longitude/latitude turned into chains of Kusto's great-circle edges, by halving each edge
//! (in longitude/latitude) until every piece's great circle stays within `tolerance` meters of
//! the straight edge (measured at the piece's middle). Halving gives the docs' own answer:
//! `[[50,50],[51,51]]` at the default 10 m becomes eight pieces of 0.125°.

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::geo_json::{self, lines_json, polygons_json};
use super::geo_sphere::RADIUS;
use super::geo_vector::{cross, dot, norm, unit};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map3, Arr, Datum};

/// Which function a `ScalarFunc::GeoDensify` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DensifyFn {
    Line,
    Polygon,
}

/// Kusto's limit on the points of a densified shape.
const MAX_POINTS: usize = 10_485_760;

/// How far (meters) the straight edge's middle lies from the great circle through its ends.
fn deviation(a: Coord, b: Coord) -> f64 {
    let n = cross(unit(a), unit(b));
    let len = norm(n);
    if len == 0.0 {
        return 0.0;
    }
    let m = unit(Coord {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    });
    let s = dot(m, n) / len;
    s.abs().clamp(0.0, 1.0).asin() * RADIUS
}

/// Longitude back into [-180, 180] (a piece of an edge taken across the antimeridian).
fn wrap(c: Coord) -> Coord {
    let x = if c.x > 180.0 {
        c.x - 360.0
    } else if c.x < -180.0 {
        c.x + 360.0
    } else {
        c.x
    };
    Coord { x, y: c.y }
}

/// The points after `a` up to and including `b`, halving as needed; false when the shape
/// would pass [`MAX_POINTS`].
fn densify_edge(a: Coord, b: Coord, tolerance: f64, out: &mut Vec<Coord>) -> bool {
    if out.len() >= MAX_POINTS {
        return false;
    }
    if deviation(a, b) <= tolerance || (a.x - b.x).abs() + (a.y - b.y).abs() < 1e-12 {
        out.push(wrap(b));
        return true;
    }
    let m = Coord {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    densify_edge(a, m, tolerance, out) && densify_edge(m, b, tolerance, out)
}

fn densify_line(l: &LineString, tolerance: f64, crossing: bool) -> Option<LineString> {
    let mut out = vec![*l.0.first()?];
    for e in l.lines() {
        let (a, mut b) = (e.start, e.end);
        // Across the antimeridian when asked: the edge the short way round.
        if crossing && (b.x - a.x).abs() > 180.0 {
            b.x += if b.x < a.x { 360.0 } else { -360.0 };
        }
        if !densify_edge(a, b, tolerance, &mut out) {
            return None;
        }
    }
    Some(LineString::new(out))
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::GeoDensify(f) = func else {
        unreachable!("a densify row holds a GeoDensify tag")
    };
    let tolerance = args.get(1).map_or(Arr::One(Some(10.0)), Datum::reals);
    let crossing = args.get(2).map_or(Arr::One(Some(false)), Datum::bools);
    Ok(Column::Dynamic(map3(
        len,
        &args[0].dyns(),
        &tolerance,
        &crossing,
        |v, t, c| {
            let t = (*t).filter(|t| (0.1..=10_000.0).contains(t));
            let dense = t.zip(*c).and_then(|(t, c)| match f {
                DensifyFn::Line => {
                    let ml = geo_json::lines(v)?;
                    let ls: Option<Vec<LineString>> =
                        ml.0.iter().map(|l| densify_line(l, t, c)).collect();
                    Some(lines_json(&MultiLineString::new(ls?)))
                }
                DensifyFn::Polygon => {
                    let mp = geo_json::polygons(v)?;
                    let ps: Option<Vec<Polygon>> =
                        mp.0.iter()
                            .map(|p| {
                                let shell = densify_line(p.exterior(), t, c)?;
                                let holes: Option<Vec<LineString>> = p
                                    .interiors()
                                    .iter()
                                    .map(|h| densify_line(h, t, c))
                                    .collect();
                                Some(Polygon::new(shell, holes?))
                            })
                            .collect();
                    Some(polygons_json(&MultiPolygon::new(ps?)))
                }
            });
            dense.unwrap_or(J::Null)
        },
    )))
}

const fn row(f: DensifyFn, names: &'static [&'static str]) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::GeoDensify(f),
        names,
        arity: (1, 3),
        result: Fixed(T::Dynamic),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(DensifyFn::Line, &["geo_line_densify"]),
    row(DensifyFn::Polygon, &["geo_polygon_densify"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_follows_the_docs() {
        let l = LineString::from(vec![(50.0, 50.0), (51.0, 51.0)]);
        let d = densify_line(&l, 10.0, false).unwrap();
        assert_eq!(d.0.len(), 9);
        assert_eq!(
            d.0[1],
            Coord {
                x: 50.125,
                y: 50.125
            }
        );
        // A short Manhattan edge stays as it is.
        let short = LineString::from(vec![(-73.949247, 40.796860), (-73.973017, 40.764323)]);
        assert_eq!(densify_line(&short, 10.0, false).unwrap(), short);
        // Across the antimeridian the short way round.
        let across = LineString::from(vec![(179.0, 0.0), (-179.0, 0.0)]);
        let d = densify_line(&across, 10.0, true).unwrap();
        assert!(d.0.iter().all(|c| c.x.abs() >= 179.0));
    }
}
