//! Geospatial grid cells: geohash (the `geohash` crate), H3 (`h3o`) and S2 (`s2`) —
//! a point's cell at a level, a cell's centre and polygon, its neighbours, and for H3 its
//! parent, children, rings and level. An invalid point, level or cell token gives null (an
//! empty string for the token-valued functions), as in Kusto.

use std::str::FromStr;

use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use h3o::{CellIndex, LatLng, Resolution};
use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::geo_json::{point_json, point_of, polygons_json};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{empty_str, Column, Str};
use crate::value::datum::{map1, map2, Arr, Datum};

/// Which function a `ScalarFunc::GeoCell` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellFn {
    PointToGeohash,
    GeohashToCentralPoint,
    GeohashToPolygon,
    GeohashNeighbors,
    PointToH3,
    H3ToCentralPoint,
    H3ToPolygon,
    H3Children,
    H3Parent,
    H3Rings,
    H3Level,
    H3Neighbors,
    PointToS2,
    S2ToCentralPoint,
    S2ToPolygon,
    S2Neighbors,
    PolygonToH3,
}

/// A polygon of one closed ring through `corners`.
fn ring_polygon(corners: impl IntoIterator<Item = Coord>) -> J {
    let mut ring: Vec<Coord> = corners.into_iter().collect();
    if let Some(first) = ring.first().copied() {
        ring.push(first);
    }
    polygons_json(&MultiPolygon::new(vec![Polygon::new(
        LineString::new(ring),
        vec![],
    )]))
}

fn strings(cells: impl IntoIterator<Item = String>) -> J {
    J::Array(cells.into_iter().map(J::String).collect())
}

// --- geohash -------------------------------------------------------------------------------

/// Kusto's geohash lengths: 1 to 18 characters.
fn geohash_ok(hash: &str) -> bool {
    (1..=18).contains(&hash.len()) && geohash::decode_bbox(hash).is_ok()
}

fn point_to_geohash(p: Point, accuracy: i64) -> Option<String> {
    let len = usize::try_from(accuracy)
        .ok()
        .filter(|n| (1..=18).contains(n))?;
    geohash::encode(p.0, len).ok()
}

fn geohash_polygon(hash: &str) -> Option<J> {
    if !geohash_ok(hash) {
        return None;
    }
    let r = geohash::decode_bbox(hash).ok()?;
    let (lo, hi) = (r.min(), r.max());
    Some(ring_polygon([
        lo,
        Coord { x: hi.x, y: lo.y },
        hi,
        Coord { x: lo.x, y: hi.y },
    ]))
}

fn geohash_center(hash: &str) -> Option<Point> {
    if !geohash_ok(hash) {
        return None;
    }
    geohash::decode(hash).ok().map(|(c, _, _)| Point::from(c))
}

/// The eight neighbours, in Kusto's order (the `geo_geohash_neighbors` doc page's example).
fn geohash_neighbors(hash: &str) -> Option<J> {
    if !geohash_ok(hash) {
        return None;
    }
    let n = geohash::neighbors(hash).ok()?;
    Some(strings([n.sw, n.nw, n.se, n.n, n.w, n.ne, n.e, n.s]))
}

// --- H3 --------------------------------------------------------------------------------------

fn h3(token: &str) -> Option<CellIndex> {
    CellIndex::from_str(token).ok()
}

fn resolution(n: i64) -> Option<Resolution> {
    Resolution::try_from(u8::try_from(n).ok()?).ok()
}

fn point_to_h3(p: Point, res: i64) -> Option<String> {
    let ll = LatLng::new(p.y(), p.x()).ok()?;
    Some(ll.to_cell(resolution(res)?).to_string())
}

fn h3_center(cell: CellIndex) -> Point {
    let ll = LatLng::from(cell);
    Point::new(ll.lng(), ll.lat())
}

fn h3_polygon(cell: CellIndex) -> J {
    ring_polygon(cell.boundary().iter().map(|ll| Coord {
        x: ll.lng(),
        y: ll.lat(),
    }))
}

/// Children `res` levels below at most five levels down (Kusto's limit).
fn h3_children(cell: CellIndex, res: Option<i64>) -> Option<J> {
    let own = i64::from(u8::from(cell.resolution()));
    let res = res.unwrap_or(own + 1);
    if res < own || res - own > 5 {
        return None;
    }
    Some(strings(
        cell.children(resolution(res)?).map(|c| c.to_string()),
    ))
}

fn h3_parent(cell: CellIndex, res: Option<i64>) -> Option<String> {
    let own = i64::from(u8::from(cell.resolution()));
    let res = res.unwrap_or(own - 1);
    cell.parent(resolution(res)?).map(|c| c.to_string())
}

/// Rings 0 to `distance` (at most 142, Kusto's limit) around the cell.
fn h3_rings(cell: CellIndex, distance: i64) -> Option<J> {
    let k = u32::try_from(distance).ok().filter(|k| *k <= 142)?;
    let mut rings: Vec<Vec<String>> = vec![Vec::new(); k as usize + 1];
    for (c, d) in cell.grid_disk_distances::<Vec<_>>(k) {
        rings[d as usize].push(c.to_string());
    }
    Some(J::Array(rings.into_iter().map(strings).collect()))
}

fn h3_neighbors(cell: CellIndex) -> J {
    strings(
        cell.grid_disk::<Vec<_>>(1)
            .into_iter()
            .filter(|c| *c != cell)
            .map(|c| c.to_string()),
    )
}

/// Kusto's most cells for one polygon.
const MAX_POLYGON_CELLS: usize = 61680;

/// The cells at `res` whose centres lie inside the polygons (Kusto's rule; edges are straight
/// lines here, as its docs say), in h3o's order; none when there would be more than
/// [`MAX_POLYGON_CELLS`].
fn polygon_to_h3(mp: &MultiPolygon, res: i64) -> Option<J> {
    use h3o::geom::{ContainmentMode, TilerBuilder};
    let mut tiler = TilerBuilder::new(resolution(res)?)
        .containment_mode(ContainmentMode::ContainsCentroid)
        .build();
    for p in &mp.0 {
        tiler.add(p.clone()).ok()?;
    }
    let cells: Vec<String> = tiler
        .into_coverage()
        .take(MAX_POLYGON_CELLS + 1)
        .map(|c| c.to_string())
        .collect();
    (cells.len() <= MAX_POLYGON_CELLS).then(|| strings(cells))
}

// --- S2 --------------------------------------------------------------------------------------

/// Kusto's S2 tokens are at most 16 hex digits and name a valid cell.
fn s2(token: &str) -> Option<s2::cellid::CellID> {
    if token.is_empty() || token.len() > 16 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let id = s2::cellid::CellID::from_token(token);
    id.is_valid().then_some(id)
}

fn point_to_s2(p: Point, level: i64) -> Option<String> {
    let level = u64::try_from(level).ok().filter(|l| *l <= 30)?;
    let ll = s2::latlng::LatLng::from_degrees(p.y(), p.x());
    Some(s2::cellid::CellID::from(ll).parent(level).to_token())
}

fn s2_point(v: &s2::point::Point) -> Coord {
    let ll = s2::latlng::LatLng::from(v);
    Coord {
        x: ll.lng.deg(),
        y: ll.lat.deg(),
    }
}

fn s2_center(id: s2::cellid::CellID) -> Point {
    Point::from(s2_point(&s2::cell::Cell::from(id).center()))
}

fn s2_polygon(id: s2::cellid::CellID) -> J {
    let cell = s2::cell::Cell::from(id);
    ring_polygon((0..4).map(|k| s2_point(&cell.vertex(k))))
}

/// The (up to eight) cells around, in S2's `AppendAllNeighbors` order; Kusto gives the same
/// cells in another order (the `geo_s2cell_neighbors` doc page's example), which one example does
/// not pin down.
fn s2_neighbors(id: s2::cellid::CellID) -> J {
    // Next to a cube-face corner S2 lists one cell twice.
    let mut cells: Vec<String> = Vec::with_capacity(8);
    for c in id.all_neighbors(id.level()) {
        let token = c.to_token();
        if !cells.contains(&token) {
            cells.push(token);
        }
    }
    strings(cells)
}

// --- the kernel ------------------------------------------------------------------------------

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::GeoCell(f) = func else {
        unreachable!("a geo-cell row holds a GeoCell tag")
    };
    let text = |s: Option<String>| s.map_or_else(empty_str, Str::from);
    // `f(point, level)` over rows; `default` is the level when the argument is absent.
    let point_cell = |default: i64, cell: fn(Point, i64) -> Option<String>| {
        let (lon, lat) = (args[0].reals(), args[1].reals());
        let level = args.get(2).map_or(Arr::One(Some(default)), Datum::longs);
        Column::String(
            (0..len)
                .map(|r| {
                    let p = point_of(*lon.get(r), *lat.get(r));
                    text(p.zip(*level.get(r)).and_then(|(p, l)| cell(p, l)))
                })
                .collect(),
        )
    };
    let tokens = args[0].strs();
    let dynamic = |g: &dyn Fn(&str) -> Option<J>| {
        Column::Dynamic(map1(len, &tokens, |t| g(t).unwrap_or(J::Null)))
    };
    let with_level = |g: &dyn Fn(CellIndex, Option<i64>) -> Option<J>| {
        let level = args.get(1).map_or(Arr::One(None), Datum::longs);
        let explicit = args.len() > 1;
        map2(len, &tokens, &level, |t, l| {
            // A level given as null is invalid; an absent one takes the default.
            if explicit && l.is_none() {
                return J::Null;
            }
            h3(t).and_then(|c| g(c, *l)).unwrap_or(J::Null)
        })
    };
    Ok(match f {
        CellFn::PointToGeohash => point_cell(5, point_to_geohash),
        CellFn::PointToH3 => point_cell(6, point_to_h3),
        CellFn::PointToS2 => point_cell(11, point_to_s2),
        CellFn::GeohashToCentralPoint => dynamic(&|t| geohash_center(t).map(point_json)),
        CellFn::GeohashToPolygon => dynamic(&geohash_polygon),
        CellFn::GeohashNeighbors => dynamic(&geohash_neighbors),
        CellFn::H3ToCentralPoint => dynamic(&|t| h3(t).map(|c| point_json(h3_center(c)))),
        CellFn::H3ToPolygon => dynamic(&|t| h3(t).map(h3_polygon)),
        CellFn::H3Neighbors => dynamic(&|t| h3(t).map(h3_neighbors)),
        CellFn::H3Children => Column::Dynamic(with_level(&h3_children)),
        CellFn::H3Parent => Column::String(
            with_level(&|c, l| h3_parent(c, l).map(J::String))
                .into_iter()
                .map(|v| match v {
                    J::String(s) => Str::from(s),
                    _ => empty_str(),
                })
                .collect(),
        ),
        CellFn::H3Rings => {
            let distance = args[1].longs();
            Column::Dynamic(map2(len, &tokens, &distance, |t, d| {
                h3(t)
                    .zip(*d)
                    .and_then(|(c, d)| h3_rings(c, d))
                    .unwrap_or(J::Null)
            }))
        }
        CellFn::H3Level => Column::Int(map1(len, &tokens, |t| {
            h3(t).map(|c| i32::from(u8::from(c.resolution())))
        })),
        CellFn::S2ToCentralPoint => dynamic(&|t| s2(t).map(|c| point_json(s2_center(c)))),
        CellFn::S2ToPolygon => dynamic(&|t| s2(t).map(s2_polygon)),
        CellFn::S2Neighbors => dynamic(&|t| s2(t).map(s2_neighbors)),
        CellFn::PolygonToH3 => {
            // A buffer radius needs a spherical buffer, which kqlite does not have: say so
            // rather than answer for the unbuffered polygon.
            if let Some(radius) = args.get(2) {
                let radii = radius.reals();
                if (0..len).any(|r| radii.get(r).is_some_and(|x| x != 0.0)) {
                    return Err(super::arg_error(
                        "geo_polygon_to_h3cells: a buffer radius is not supported by kqlite",
                    ));
                }
            }
            let shapes = args[0].dyns();
            let level = args.get(1).map_or(Arr::One(Some(6)), Datum::longs);
            Column::Dynamic(map2(len, &shapes, &level, |v, l| {
                super::geo_json::polygons(v)
                    .zip(*l)
                    .and_then(|(mp, l)| polygon_to_h3(&mp, l))
                    .unwrap_or(J::Null)
            }))
        }
    })
}

const fn row(f: CellFn, names: &'static [&'static str], arity: (usize, usize), ty: T) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::GeoCell(f),
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
        CellFn::PointToGeohash,
        &["geo_point_to_geohash"],
        (2, 3),
        T::String,
    ),
    row(
        CellFn::GeohashToCentralPoint,
        &["geo_geohash_to_central_point"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::GeohashToPolygon,
        &["geo_geohash_to_polygon"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::GeohashNeighbors,
        &["geo_geohash_neighbors"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::PointToH3,
        &["geo_point_to_h3cell"],
        (2, 3),
        T::String,
    ),
    row(
        CellFn::H3ToCentralPoint,
        &["geo_h3cell_to_central_point"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::H3ToPolygon,
        &["geo_h3cell_to_polygon"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::H3Children,
        &["geo_h3cell_children"],
        (1, 2),
        T::Dynamic,
    ),
    row(CellFn::H3Parent, &["geo_h3cell_parent"], (1, 2), T::String),
    row(CellFn::H3Rings, &["geo_h3cell_rings"], (2, 2), T::Dynamic),
    row(CellFn::H3Level, &["geo_h3cell_level"], (1, 1), T::Int),
    row(
        CellFn::H3Neighbors,
        &["geo_h3cell_neighbors"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::PolygonToH3,
        &["geo_polygon_to_h3cells"],
        (1, 3),
        T::Dynamic,
    ),
    row(
        CellFn::PointToS2,
        &["geo_point_to_s2cell"],
        (2, 3),
        T::String,
    ),
    row(
        CellFn::S2ToCentralPoint,
        &["geo_s2cell_to_central_point"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::S2ToPolygon,
        &["geo_s2cell_to_polygon"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        CellFn::S2Neighbors,
        &["geo_s2cell_neighbors"],
        (1, 1),
        T::Dynamic,
    ),
];
