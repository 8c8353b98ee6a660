//! The Earth as Kusto's `geo_*` functions measure it: a sphere (the doc pages: "the geodetic
//! datum used for measurements on Earth is a sphere", edges are geodesics on it) of radius
//! 6,371,010 m — the radius that reproduces the docs' printed distances to the last digit
//! (`geo_distance_2points` Seattle–Los Angeles: 1546754.35197381) — and, for
//! `geo_distance_2points(…, use_spheroid=true)`, the WGS-84 ellipsoid. Geodesics, areas and
//! perimeters come from geographiclib (exact on either model); closest points on edges from the
//! `geo` crate's great-circle algorithms.

use std::f64::consts::PI;
use std::sync::LazyLock;

use geo::{Closest, Contains, Densify, Haversine, HaversineClosestPoint, MapCoords};
use geo::{Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon};
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

/// The point of the lines nearest `p` along the sphere.
pub fn closest_on_lines(ml: &MultiLineString, p: Point) -> Option<Point> {
    let mut best: Option<(f64, Point)> = None;
    for l in &ml.0 {
        let c = match l.haversine_closest_point(&p) {
            Closest::Intersection(c) | Closest::SinglePoint(c) => c,
            Closest::Indeterminate => continue,
        };
        let d = distance(p, c);
        if best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
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
    mp.0.iter().any(|poly| match gnomonic(poly, p) {
        Some(projected) => projected.contains(&Point::new(0.0, 0.0)),
        None => poly.contains(&p),
    })
}

fn gnomonic(poly: &Polygon, center: Point) -> Option<Polygon> {
    let (lon0, lat0) = (center.x().to_radians(), center.y().to_radians());
    let (s0, c0) = lat0.sin_cos();
    // `map_coords` takes a `Copy` closure, hence a `Cell` to note a vertex beyond the horizon.
    let outside = std::cell::Cell::new(false);
    let outside = &outside;
    let projected = poly.map_coords(|c: Coord| {
        let (lon, lat) = (c.x.to_radians(), c.y.to_radians());
        let (s, cl) = lat.sin_cos();
        let dl = lon - lon0;
        let cos_c = s0 * s + c0 * cl * dl.cos();
        if cos_c <= 1e-12 {
            outside.set(true);
            return Coord { x: 0.0, y: 0.0 };
        }
        Coord {
            x: cl * dl.sin() / cos_c,
            y: (c0 * s - s0 * cl * dl.cos()) / cos_c,
        }
    });
    (!outside.get()).then_some(projected)
}

/// The distance in meters from `p` to the nearest of the lines.
pub fn distance_to_lines(ml: &MultiLineString, p: Point) -> Option<f64> {
    closest_on_lines(ml, p).map(|c| distance(p, c))
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
