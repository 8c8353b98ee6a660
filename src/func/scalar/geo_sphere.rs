//! The Earth as Kusto's `geo_*` functions measure it: a sphere (the doc pages: "the geodetic
//! datum used for measurements on Earth is a sphere", edges are geodesics on it) of radius
//! 6,371,010 m — the radius that reproduces the docs' printed distances to the last digit
//! (`geo_distance_2points` Seattle–Los Angeles: 1546754.35197381) — and, for
//! `geo_distance_2points(…, use_spheroid=true)`, the WGS-84 ellipsoid. Geodesics, areas and
//! perimeters come from geographiclib (exact on either model); closest points on edges from the
//! `geo` crate's great-circle algorithms.

use std::f64::consts::PI;
use std::sync::LazyLock;

use geo::{Contains, Densify, Haversine, InterpolatePoint};

use super::geo_gnomonic::Gnomonic;
use super::geo_vector::{angle, cross, dot, point_at, unit};
use geo::{LineString, MultiLineString, MultiPolygon, Point};
use geographiclib_rs::{Geodesic, InverseGeodesic, PolygonArea, Winding};

/// The sphere's radius in meters.
pub const RADIUS: f64 = 6_371_010.0;

static SPHERE: LazyLock<Geodesic> = LazyLock::new(|| Geodesic::new(RADIUS, 0.0));
static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// The great-circle distance in meters.
pub fn distance(a: Point, b: Point) -> f64 {
    SPHERE.inverse(a.y(), a.x(), b.y(), b.x())
}

/// The geodesic distance in meters on the WGS-84 ellipsoid.
pub fn distance_spheroid(a: Point, b: Point) -> f64 {
    WGS84.inverse(a.y(), a.x(), b.y(), b.x())
}

/// The clockwise angle from north of the great circle from `a` to `b`, in radians in
/// [0, 2π); none when the points are equal or antipodal (no single direction).
pub fn azimuth(a: Point, b: Point) -> Option<f64> {
    let (_s12, azi1, _azi2, a12): (f64, f64, f64, f64) = SPHERE.inverse(a.y(), a.x(), b.y(), b.x());
    if a12 == 0.0 || (a12 - 180.0).abs() < 1e-9 {
        return None;
    }
    Some(azi1.to_radians().rem_euclid(2.0 * PI))
}

/// Area and perimeter of one ring; the area is of the smaller of the two regions it bounds.
fn ring_measures(ring: &LineString) -> (f64, f64) {
    let mut pa = PolygonArea::new(&SPHERE, Winding::CounterClockwise);
    // The closing repeat of the first vertex is implied.
    for c in &ring.0[..ring.0.len().saturating_sub(1)] {
        pa.add_point(c.y, c.x);
    }
    let (perimeter, area, _) = pa.compute(true);
    (area.abs(), perimeter)
}

/// The polygons of a multipolygon merged where they overlap (Kusto measures the union). The
/// merge is planar, in longitude/latitude, where an edge is a straight line rather than the
/// great circle it stands for; the edges are first cut into pieces of at most
/// [`UNION_PIECE`] meters along their great circles, so that the crossings the merge finds lie
/// within a fraction of a millimetre of the great circles' own.
pub fn union(mp: &MultiPolygon) -> MultiPolygon {
    match mp.0.as_slice() {
        [_] => mp.clone(),
        _ => {
            let dense = Haversine.densify(mp, UNION_PIECE);
            geo::unary_union(dense.0.iter())
        }
    }
}

/// The longest edge piece, in meters, when polygons are merged (see [`union`]).
const UNION_PIECE: f64 = 50.0;

/// The area in square meters (shells less holes, of the polygons' union).
pub fn area(mp: &MultiPolygon) -> f64 {
    union(mp)
        .0
        .iter()
        .map(|p| {
            ring_measures(p.exterior()).0
                - p.interiors()
                    .iter()
                    .map(|h| ring_measures(h).0)
                    .sum::<f64>()
        })
        .sum()
}

/// The length in meters of every ring of the polygons' union.
pub fn perimeter(mp: &MultiPolygon) -> f64 {
    union(mp)
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| ring_measures(r).1)
        .sum()
}

/// The length in meters of a line's edges.
pub fn line_length(l: &LineString) -> f64 {
    l.lines()
        .map(|e| distance(e.start_point(), e.end_point()))
        .sum()
}

/// The point of the great-circle arc from `a` to `b` nearest `p`: `p`'s foot on the arc's
/// great circle when it falls between the ends, else the nearer end. (The `geo` crate's
/// `HaversineClosestPoint` finds the foot through an along-track arccosine, which loses half
/// the digits for nearby points; the projection onto the arc's plane keeps them.)
/// With it, its distance from `p` in meters, taken from the vectors before they are turned
/// back into degrees (which would round the point by up to 1e-7 m).
fn arc_closest(a: Point, b: Point, p: Point) -> (Point, f64) {
    let (ua, ub, up) = (unit(a.0), unit(b.0), unit(p.0));
    let n = cross(ua, ub);
    let nn = dot(n, n);
    if nn > 0.0 {
        let k = dot(up, n) / nn;
        let foot = [up[0] - k * n[0], up[1] - k * n[1], up[2] - k * n[2]];
        // Between the ends: on the same side of each end's plane through the pole `n`.
        if dot(cross(ua, foot), n) >= 0.0 && dot(cross(foot, ub), n) >= 0.0 && dot(foot, foot) > 0.0
        {
            if let Some(c) = point_at(foot) {
                return (c, angle(up, foot) * RADIUS);
            }
        }
    }
    let (da, db) = (distance(p, a), distance(p, b));
    if da <= db {
        (a, da)
    } else {
        (b, db)
    }
}

/// The point of the lines nearest `p` along the sphere, and its distance in meters.
fn nearest_on_lines(ml: &MultiLineString, p: Point) -> Option<(Point, f64)> {
    let mut best: Option<(Point, f64)> = None;
    for e in ml.0.iter().flat_map(|l| l.lines()) {
        let (c, d) = arc_closest(e.start_point(), e.end_point(), p);
        if best.is_none_or(|(_, b)| d < b) {
            best = Some((c, d));
        }
    }
    best
}

/// The point of the lines nearest `p` along the sphere.
pub fn closest_on_lines(ml: &MultiLineString, p: Point) -> Option<Point> {
    nearest_on_lines(ml, p).map(|(c, _)| c)
}

/// The point `fraction` (0 to 1) of the way along a line, measured along the sphere.
pub fn interpolate(l: &LineString, fraction: f64) -> Option<Point> {
    if !(0.0..=1.0).contains(&fraction) {
        return None;
    }
    let target = line_length(l) * fraction;
    let mut walked = 0.0;
    let mut last = None;
    for e in l.lines() {
        let (a, b) = (e.start_point(), e.end_point());
        let d = distance(a, b);
        if walked + d >= target && d > 0.0 {
            let ratio = ((target - walked) / d).clamp(0.0, 1.0);
            return Some(Haversine.point_at_ratio_between(a, b, ratio));
        }
        walked += d;
        last = Some(b);
    }
    last.or_else(|| l.0.first().map(|c| Point::from(*c)))
}

/// How far along a line (as a fraction of its length) its point nearest `p` lies; lengths on
/// the sphere, or on the WGS-84 ellipsoid when `spheroid` (the nearest point is the sphere's
/// either way).
pub fn locate(l: &LineString, p: Point, spheroid: bool) -> Option<f64> {
    let measure = if spheroid {
        distance_spheroid
    } else {
        distance
    };
    let mut best: Option<(f64, f64)> = None;
    let mut walked = 0.0;
    for e in l.lines() {
        let (a, b) = (e.start_point(), e.end_point());
        let (c, d) = arc_closest(a, b, p);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, walked + measure(a, c)));
        }
        walked += measure(a, b);
    }
    let (_, along) = best?;
    Some(if walked > 0.0 { along / walked } else { 0.0 })
}

/// The rings of polygons, as lines (their boundaries).
pub fn boundaries(mp: &MultiPolygon) -> MultiLineString {
    MultiLineString::new(
        mp.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .cloned()
            .collect(),
    )
}

/// Whether `p` is inside the polygons, whose edges are great-circle arcs. Seen through the
/// gnomonic projection centred on `p` every great circle is a straight line, so the planar
/// test there is the spherical one; it needs the polygon on `p`'s hemisphere, and a polygon
/// reaching beyond it is tested in longitude/latitude instead.
pub fn contains(mp: &MultiPolygon, p: Point) -> bool {
    let projection = Gnomonic::centered(p.0);
    mp.0.iter().any(|poly| match projection.project(poly) {
        Some(projected) => projected.contains(&Point::new(0.0, 0.0)),
        None => poly.contains(&p),
    })
}

/// The distance in meters from `p` to the nearest of the lines.
pub fn distance_to_lines(ml: &MultiLineString, p: Point) -> Option<f64> {
    nearest_on_lines(ml, p).map(|(_, d)| d)
}

/// The distance in meters from `p` to the polygons: zero inside, else to the nearest edge.
pub fn distance_to_polygons(mp: &MultiPolygon, p: Point) -> Option<f64> {
    if contains(mp, p) {
        return Some(0.0);
    }
    distance_to_lines(&boundaries(mp), p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Polygon;

    #[test]
    fn distances_match_the_docs() {
        // https://learn.microsoft.com/en-us/kusto/query/geo-distance-2points-function
        let d = distance(
            Point::new(-122.407628, 47.578557),
            Point::new(-118.275287, 34.019056),
        );
        assert!((d - 1546754.35197381).abs() < 1e-6, "{d}");
        let az = azimuth(Point::new(5.0, 10.0), Point::new(10.0, -40.0)).unwrap();
        assert!((az - 3.05459939796449).abs() < 1e-12, "{az}");
        assert_eq!(azimuth(Point::new(5.0, 10.0), Point::new(5.0, 10.0)), None);
    }

    #[test]
    fn containment_uses_great_circle_edges() {
        let square: Polygon = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 10.0),
                (0.0, 10.0),
                (0.0, 0.0),
            ]),
            vec![],
        );
        let mp = MultiPolygon::new(vec![square]);
        assert!(contains(&mp, Point::new(5.0, 5.0)));
        assert!(!contains(&mp, Point::new(15.0, 5.0)));
        // The top edge from (0,10) to (10,10) bows north of latitude 10 as a great circle (to 10.038° at longitude 5).
        assert!(contains(&mp, Point::new(5.0, 10.03)));
        assert_eq!(distance_to_polygons(&mp, Point::new(5.0, 5.0)), Some(0.0));
    }
}
