//! GeoJSON shapes as the `geo_*` functions take and give them: a dynamic value read into
//! `geo-types` lines and polygons under Kusto's validity rules, and points and shapes written
//! back as GeoJSON. A shape that breaks a rule reads as `None`, which the functions turn into
//! null, as Kusto does.
//!
//! Kusto's rules (the "LineString/Polygon definition and constraints" of each doc page):
//! coordinates are `[longitude, latitude]` with longitude in [-180, 180] and latitude in
//! [-90, 90]; a line has at least two points; a polygon ring is closed (first point equals the
//! last), has at least four entries and at least three distinct vertices.

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use serde_json::{json, Value as J};

/// A valid longitude and latitude (in degrees), as every `geo_*` function checks its points.
pub fn valid_point(lon: f64, lat: f64) -> bool {
    (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
}

/// A point given as longitude and latitude arguments, when both are present and valid.
pub fn point_of(lon: Option<f64>, lat: Option<f64>) -> Option<Point> {
    let (lon, lat) = (lon?, lat?);
    valid_point(lon, lat).then(|| Point::new(lon, lat))
}

fn coord(v: &J) -> Option<Coord> {
    let a = v.as_array()?;
    if a.len() < 2 {
        return None;
    }
    let (x, y) = (a[0].as_f64()?, a[1].as_f64()?);
    valid_point(x, y).then_some(Coord { x, y })
}

fn coords(v: &J) -> Option<Vec<Coord>> {
    v.as_array()?.iter().map(coord).collect()
}

fn line(v: &J) -> Option<LineString> {
    let c = coords(v)?;
    (c.len() >= 2).then(|| LineString::new(c))
}

fn ring(v: &J) -> Option<LineString> {
    let c = coords(v)?;
    if c.len() < 4 || c.first() != c.last() {
        return None;
    }
    // The vertices (all but the closing repeat) must be distinct.
    let open = &c[..c.len() - 1];
    for (i, a) in open.iter().enumerate() {
        if open[i + 1..].contains(a) {
            return None;
        }
    }
    Some(LineString::new(c))
}

fn polygon(rings: &J) -> Option<Polygon> {
    let rings: Vec<LineString> = rings.as_array()?.iter().map(ring).collect::<Option<_>>()?;
    let mut rings = rings.into_iter();
    let shell = rings.next()?;
    Some(Polygon::new(shell, rings.collect()))
}

/// The shape's `type` and `coordinates`. A GeoJSON Feature is read through its `geometry`.
fn typed(v: &J) -> Option<(&str, &J)> {
    let o = v.as_object()?;
    let kind = o.get("type")?.as_str()?;
    if kind == "Feature" {
        return typed(o.get("geometry")?);
    }
    Some((kind, o.get("coordinates")?))
}

/// A `LineString` or `MultiLineString`.
pub fn lines(v: &J) -> Option<MultiLineString> {
    match typed(v)? {
        ("LineString", c) => Some(MultiLineString::new(vec![line(c)?])),
        ("MultiLineString", c) => {
            let ls: Vec<LineString> = c.as_array()?.iter().map(line).collect::<Option<_>>()?;
            (!ls.is_empty()).then(|| MultiLineString::new(ls))
        }
        _ => None,
    }
}

/// A `Polygon` or `MultiPolygon`.
pub fn polygons(v: &J) -> Option<MultiPolygon> {
    match typed(v)? {
        ("Polygon", c) => Some(MultiPolygon::new(vec![polygon(c)?])),
        ("MultiPolygon", c) => {
            let ps: Vec<Polygon> = c.as_array()?.iter().map(polygon).collect::<Option<_>>()?;
            (!ps.is_empty()).then(|| MultiPolygon::new(ps))
        }
        _ => None,
    }
}

/// A coordinate as Kusto writes it in GeoJSON: a whole number without a fraction (`[2,45]`,
/// the docs' `geo_intersection_2polygons` and `geo_from_wkt` examples), others as reals.
fn number(x: f64) -> J {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        J::from(x as i64)
    } else {
        J::from(x)
    }
}

/// `[longitude, latitude]`.
pub fn xy(c: &Coord) -> J {
    J::Array(vec![number(c.x), number(c.y)])
}

/// The GeoJSON of a point.
pub fn point_json(p: Point) -> J {
    json!({"type": "Point", "coordinates": xy(&p.0)})
}

fn coords_json(c: &LineString) -> J {
    J::Array(c.coords().map(xy).collect())
}

fn polygon_coords(p: &Polygon) -> J {
    J::Array(
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(coords_json)
            .collect(),
    )
}

/// The GeoJSON of a polygon (one ring list), or of a multipolygon when there are several.
pub fn polygons_json(mp: &MultiPolygon) -> J {
    match mp.0.as_slice() {
        [p] => json!({"type": "Polygon", "coordinates": polygon_coords(p)}),
        ps => json!({
            "type": "MultiPolygon",
            "coordinates": J::Array(ps.iter().map(polygon_coords).collect()),
        }),
    }
}

/// The GeoJSON of a line, or of a multiline when there are several.
pub fn lines_json(ml: &MultiLineString) -> J {
    match ml.0.as_slice() {
        [l] => json!({"type": "LineString", "coordinates": coords_json(l)}),
        ls => json!({
            "type": "MultiLineString",
            "coordinates": J::Array(ls.iter().map(coords_json).collect()),
        }),
    }
}

/// The GeoJSON of any shape, `GeometryCollection`s included. Lines and rings keep their
/// vertices as given (a one-part multi-shape stays multi). Rectangles and triangles (which
/// GeoJSON lacks) are written as polygons.
pub fn geometry_json(g: &Geometry) -> J {
    match g {
        Geometry::Point(p) => point_json(*p),
        Geometry::MultiPoint(mp) => json!({
            "type": "MultiPoint",
            "coordinates": mp.0.iter().map(|p| xy(&p.0)).collect::<Vec<_>>(),
        }),
        Geometry::Line(l) => {
            json!({"type": "LineString", "coordinates": [xy(&l.start), xy(&l.end)]})
        }
        Geometry::LineString(l) => json!({"type": "LineString", "coordinates": coords_json(l)}),
        Geometry::MultiLineString(ml) => json!({
            "type": "MultiLineString",
            "coordinates": ml.0.iter().map(coords_json).collect::<Vec<_>>(),
        }),
        Geometry::Polygon(p) => json!({"type": "Polygon", "coordinates": polygon_coords(p)}),
        Geometry::MultiPolygon(mp) => json!({
            "type": "MultiPolygon",
            "coordinates": mp.0.iter().map(polygon_coords).collect::<Vec<_>>(),
        }),
        Geometry::Rect(r) => geometry_json(&Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => geometry_json(&Geometry::Polygon(t.to_polygon())),
        Geometry::GeometryCollection(gc) => json!({
            "type": "GeometryCollection",
            "geometries": gc.0.iter().map(geometry_json).collect::<Vec<_>>(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_kusto_rules() {
        let l = lines(&json!({"type": "LineString", "coordinates": [[1, 1], [2, 2]]})).unwrap();
        assert_eq!(l.0[0].0.len(), 2);
        assert!(lines(&json!({"type": "LineString", "coordinates": [[1, 1]]})).is_none());
        assert!(lines(&json!({"type": "LineString"})).is_none());
        assert!(lines(&json!({"type": "LineString", "coordinates": [[300, 1], [2, 2]]})).is_none());
        let square = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]});
        assert_eq!(polygons(&square).unwrap().0.len(), 1);
        // Only two distinct vertices: invalid (the geo_polygon_area docs' example).
        let flat =
            json!({"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 10], [0, 0]]]});
        assert!(polygons(&flat).is_none());
        let open = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]});
        assert!(polygons(&open).is_none());
        let feature = json!({"type": "Feature", "geometry": square});
        assert!(polygons(&feature).is_some());
    }

    #[test]
    fn shapes_write_back() {
        let v = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]});
        assert_eq!(polygons_json(&polygons(&v).unwrap()), v);
        let l = json!({"type": "LineString", "coordinates": [[0, 0.5], [1, 0]]});
        assert_eq!(lines_json(&lines(&l).unwrap()), l);
        assert_eq!(
            point_json(Point::new(1.5, 2.0)),
            json!({"type": "Point", "coordinates": [1.5, 2]})
        );
    }
}
