//! Overlays of shapes on the sphere: whether lines and polygons intersect, their
//! intersections, and the unions of arrays of lines or polygons. The shapes are seen through a
//! gnomonic projection centred among them (`geo_gnomonic`), where their great-circle edges are
//! straight, and the `geo` crate's planar algorithms do the overlay there; results come back
//! as GeoJSON, an empty one as an empty `GeometryCollection` (as in Kusto).

use std::collections::HashMap;

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{BooleanOps, CoordsIter, Distance, Euclidean, Intersects, LinesIter, MapCoords};
use geo::{Coord, Line, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use serde_json::{json, Value as J};

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::geo_gnomonic::{Gnomonic, Unprojector};
use super::geo_json::{self, lines_json, point_json, polygons_json};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map1, map2, Datum};

/// Which function a `ScalarFunc::GeoOverlay` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverlayFn {
    Intersects2Lines,
    Intersects2Polygons,
    IntersectsLineWithPolygon,
    Intersection2Lines,
    Intersection2Polygons,
    IntersectionLineWithPolygon,
    UnionPolygonsArray,
    UnionLinesArray,
}

/// The plane an overlay runs in: the gnomonic projection around the shapes' vertices, or
/// longitude/latitude itself when they spread too far for it.
struct Plane {
    projection: Option<(Gnomonic, Unprojector)>,
}

impl Plane {
    fn around(coords: Vec<Coord>) -> Plane {
        let projection = Gnomonic::around(coords.iter().copied())
            .filter(|g| coords.iter().all(|c| g.forward(*c).is_some()))
            .map(|g| (g, Unprojector::new(g, coords)));
        Plane { projection }
    }

    fn to<G: MapCoords<f64, f64, Output = G> + Clone>(&self, g: &G) -> G {
        match &self.projection {
            Some((p, _)) => p.project(g).unwrap_or_else(|| g.clone()),
            None => g.clone(),
        }
    }

    fn back<G: MapCoords<f64, f64, Output = G> + Clone>(&self, g: &G) -> G {
        match &self.projection {
            Some((_, u)) => u.shape(g),
            None => g.clone(),
        }
    }
}

fn coords_of<'a>(shapes: impl IntoIterator<Item = &'a dyn Vertices>) -> Vec<Coord> {
    shapes.into_iter().flat_map(|s| s.vertices()).collect()
}

/// The vertices of a shape, to centre the plane on.
trait Vertices {
    fn vertices(&self) -> Vec<Coord>;
}

impl Vertices for MultiLineString {
    fn vertices(&self) -> Vec<Coord> {
        self.coords_iter().collect()
    }
}

impl Vertices for MultiPolygon {
    fn vertices(&self) -> Vec<Coord> {
        self.coords_iter().collect()
    }
}

/// The pieces of an overlay's result.
#[derive(Default)]
struct Pieces {
    points: Vec<Point>,
    lines: Vec<LineString>,
    polygons: Vec<Polygon>,
}

impl Pieces {
    /// GeoJSON: one kind of piece gives its (multi) shape, several kinds a collection, none an
    /// empty collection.
    fn to_json(&self) -> J {
        let mut parts = Vec::new();
        match self.points.as_slice() {
            [] => {}
            [p] => parts.push(point_json(*p)),
            ps => parts.push(json!({
                "type": "MultiPoint",
                "coordinates": ps.iter().map(|p| geo_json::xy(&p.0)).collect::<Vec<_>>(),
            })),
        }
        if !self.lines.is_empty() {
            parts.push(lines_json(&MultiLineString::new(self.lines.clone())));
        }
        if !self.polygons.is_empty() {
            parts.push(polygons_json(&MultiPolygon::new(self.polygons.clone())));
        }
        match parts.len() {
            1 => parts.pop().unwrap_or(J::Null),
            _ => json!({"type": "GeometryCollection", "geometries": parts}),
        }
    }
}

/// The key of a vertex for exact matching.
fn bits(c: Coord) -> (u64, u64) {
    (c.x.to_bits(), c.y.to_bits())
}

/// Segments joined into lines: repeated segments (either direction) count once, and lines
/// run from a vertex that is not a plain pass-through (an end or a junction), in the order the
/// segments came.
fn chain(segments: impl IntoIterator<Item = Line>) -> Vec<LineString> {
    let mut unique: Vec<Line> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for s in segments {
        if s.start == s.end {
            continue;
        }
        let (a, b) = (bits(s.start), bits(s.end));
        if seen.insert((a.min(b), a.max(b))) {
            unique.push(s);
        }
    }
    let mut at: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, s) in unique.iter().enumerate() {
        at.entry(bits(s.start)).or_default().push(i);
        at.entry(bits(s.end)).or_default().push(i);
    }
    let mut used = vec![false; unique.len()];
    let mut out = Vec::new();
    let degree = |c: Coord| at.get(&bits(c)).map_or(0, Vec::len);
    // Lines from ends and junctions first, then what is left (closed loops).
    let starts: Vec<(usize, Coord)> = unique
        .iter()
        .enumerate()
        .flat_map(|(i, s)| [(i, s.start), (i, s.end)])
        .filter(|(_, c)| degree(*c) != 2)
        .chain(unique.iter().enumerate().map(|(i, s)| (i, s.start)))
        .collect();
    for (first, from) in starts {
        if used[first] {
            continue;
        }
        let mut coords = vec![from];
        let (mut seg, mut here) = (first, from);
        loop {
            used[seg] = true;
            let s = unique[seg];
            here = if bits(s.start) == bits(here) {
                s.end
            } else {
                s.start
            };
            coords.push(here);
            if degree(here) != 2 {
                break;
            }
            match at[&bits(here)].iter().find(|j| !used[**j]) {
                Some(j) => seg = *j,
                None => break,
            }
        }
        out.push(LineString::new(coords));
    }
    out
}

/// Where two sets of lines meet: points, and the stretches they share.
fn line_meets(a: &MultiLineString, b: &MultiLineString) -> Pieces {
    let mut points: Vec<Coord> = Vec::new();
    let mut shared: Vec<Line> = Vec::new();
    for la in a.lines_iter() {
        for lb in b.lines_iter() {
            match line_intersection(la, lb) {
                Some(LineIntersection::SinglePoint { intersection, .. })
                    if !points.iter().any(|p| bits(*p) == bits(intersection)) =>
                {
                    points.push(intersection);
                }
                Some(LineIntersection::SinglePoint { .. }) => {}
                Some(LineIntersection::Collinear { intersection }) => shared.push(intersection),
                None => {}
            }
        }
    }
    let lines = chain(shared);
    let on_a_line = |p: &Coord| lines.iter().any(|l| l.intersects(p));
    Pieces {
        points: points
            .into_iter()
            .filter(|p| !on_a_line(p))
            .map(Point::from)
            .collect(),
        lines,
        polygons: Vec::new(),
    }
}

fn intersection_2lines(a: &MultiLineString, b: &MultiLineString) -> J {
    let plane = Plane::around(coords_of([a as &dyn Vertices, b]));
    let pieces = line_meets(&plane.to(a), &plane.to(b));
    back(&plane, pieces).to_json()
}

/// How close (in projected units: radians at the centre, so about 6 mm) a touching point must
/// be to an intersection area to be part of it.
const TOUCH: f64 = 1e-9;

fn intersection_2polygons(a: &MultiPolygon, b: &MultiPolygon) -> J {
    let plane = Plane::around(coords_of([a as &dyn Vertices, b]));
    let (pa, pb) = (plane.to(a), plane.to(b));
    let areas = pa.intersection(&pb);
    // Where the polygons only touch, their boundaries meet in points or shared edges.
    let mut touch = line_meets(
        &super::geo_sphere::boundaries(&pa),
        &super::geo_sphere::boundaries(&pb),
    );
    // The overlay rounds its crossings to its own grid, so a touching piece that lies on an
    // area's edge is told by its distance to it rather than an exact test.
    let on_area = |c: Coord| Euclidean.distance(&Point::from(c), &areas) < TOUCH;
    touch.points.retain(|p| !on_area(p.0));
    touch.lines.retain(|l| !l.coords().all(|c| on_area(*c)));
    touch.polygons = areas.0;
    back(&plane, touch).to_json()
}

fn intersection_line_with_polygon(l: &MultiLineString, p: &MultiPolygon) -> J {
    let plane = Plane::around(coords_of([l as &dyn Vertices, p]));
    let clipped = plane.to(p).clip(&plane.to(l), false);
    let pieces = Pieces {
        lines: clipped.0,
        ..Pieces::default()
    };
    back(&plane, pieces).to_json()
}

fn back(plane: &Plane, pieces: Pieces) -> Pieces {
    Pieces {
        points: pieces.points.iter().map(|p| plane.back(p)).collect(),
        lines: pieces.lines.iter().map(|l| plane.back(l)).collect(),
        polygons: pieces.polygons.iter().map(|p| plane.back(p)).collect(),
    }
}

/// The elements of an array argument read as shapes; any invalid element (or a non-array)
/// makes the whole call null.
fn array_of<S>(v: &J, read: fn(&J) -> Option<S>) -> Option<Vec<S>> {
    v.as_array()?.iter().map(read).collect()
}

fn union_polygons(all: Vec<MultiPolygon>) -> J {
    let polygons: Vec<Polygon> = all.into_iter().flat_map(|mp| mp.0).collect();
    if polygons.is_empty() {
        return Pieces::default().to_json();
    }
    let merged = MultiPolygon::new(polygons);
    let plane = Plane::around(merged.vertices());
    let united = geo::unary_union(plane.to(&merged).0.iter());
    polygons_json(&plane.back(&united))
}

fn union_lines(all: Vec<MultiLineString>) -> J {
    let lines = chain(all.iter().flat_map(|ml| ml.lines_iter()));
    if lines.is_empty() {
        return Pieces::default().to_json();
    }
    lines_json(&MultiLineString::new(lines))
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::GeoOverlay(f) = func else {
        unreachable!("a geo-overlay row holds a GeoOverlay tag")
    };
    let a = args[0].dyns();
    let two = |g: &dyn Fn(&J, &J) -> Option<J>| {
        Column::Dynamic(map2(len, &a, &args[1].dyns(), |x, y| {
            g(x, y).unwrap_or(J::Null)
        }))
    };
    let test = |g: &dyn Fn(&J, &J) -> Option<bool>| {
        Column::Bool(map2(len, &a, &args[1].dyns(), |x, y| g(x, y)))
    };
    use geo_json::{lines, polygons};
    Ok(match f {
        OverlayFn::Intersects2Lines => test(&|x, y| {
            let (a, b) = (lines(x)?, lines(y)?);
            let plane = Plane::around(coords_of([&a as &dyn Vertices, &b]));
            Some(plane.to(&a).intersects(&plane.to(&b)))
        }),
        OverlayFn::Intersects2Polygons => test(&|x, y| {
            let (a, b) = (polygons(x)?, polygons(y)?);
            let plane = Plane::around(coords_of([&a as &dyn Vertices, &b]));
            Some(plane.to(&a).intersects(&plane.to(&b)))
        }),
        OverlayFn::IntersectsLineWithPolygon => test(&|x, y| {
            let (a, b) = (lines(x)?, polygons(y)?);
            let plane = Plane::around(coords_of([&a as &dyn Vertices, &b]));
            Some(plane.to(&a).intersects(&plane.to(&b)))
        }),
        OverlayFn::Intersection2Lines => {
            two(&|x, y| Some(intersection_2lines(&lines(x)?, &lines(y)?)))
        }
        OverlayFn::Intersection2Polygons => {
            two(&|x, y| Some(intersection_2polygons(&polygons(x)?, &polygons(y)?)))
        }
        OverlayFn::IntersectionLineWithPolygon => {
            two(&|x, y| Some(intersection_line_with_polygon(&lines(x)?, &polygons(y)?)))
        }
        OverlayFn::UnionPolygonsArray => Column::Dynamic(map1(len, &a, |v| {
            array_of(v, polygons).map_or(J::Null, union_polygons)
        })),
        OverlayFn::UnionLinesArray => Column::Dynamic(map1(len, &a, |v| {
            array_of(v, lines).map_or(J::Null, union_lines)
        })),
    })
}

const fn row(
    f: OverlayFn,
    names: &'static [&'static str],
    arity: (usize, usize),
    ty: T,
) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::GeoOverlay(f),
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
        OverlayFn::Intersects2Lines,
        &["geo_intersects_2lines"],
        (2, 2),
        T::Bool,
    ),
    row(
        OverlayFn::Intersects2Polygons,
        &["geo_intersects_2polygons"],
        (2, 2),
        T::Bool,
    ),
    row(
        OverlayFn::IntersectsLineWithPolygon,
        &["geo_intersects_line_with_polygon"],
        (2, 2),
        T::Bool,
    ),
    row(
        OverlayFn::Intersection2Lines,
        &["geo_intersection_2lines"],
        (2, 2),
        T::Dynamic,
    ),
    row(
        OverlayFn::Intersection2Polygons,
        &["geo_intersection_2polygons"],
        (2, 2),
        T::Dynamic,
    ),
    row(
        OverlayFn::IntersectionLineWithPolygon,
        &["geo_intersection_line_with_polygon"],
        (2, 2),
        T::Dynamic,
    ),
    row(
        OverlayFn::UnionPolygonsArray,
        &["geo_union_polygons_array"],
        (1, 1),
        T::Dynamic,
    ),
    row(
        OverlayFn::UnionLinesArray,
        &["geo_union_lines_array"],
        (1, 1),
        T::Dynamic,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_chain_into_lines() {
        let l = |a: (f64, f64), b: (f64, f64)| Line::new(a, b);
        let lines = chain([
            l((0.0, 0.0), (1.0, 0.0)),
            l((1.0, 0.0), (1.0, 1.0)),
            l((1.0, 1.0), (1.0, 0.0)),
            l((1.0, 1.0), (2.0, 1.0)),
        ]);
        assert_eq!(
            lines,
            vec![LineString::from(vec![
                (0.0, 0.0),
                (1.0, 0.0),
                (1.0, 1.0),
                (2.0, 1.0)
            ])]
        );
    }
}
