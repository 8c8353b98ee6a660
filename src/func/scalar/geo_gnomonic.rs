//! The gnomonic projection, which maps every great circle to a straight line: shapes whose
//! edges are great-circle arcs (Kusto's spherical edges) become planar shapes with the same
//! crossings, containments and overlaps, so the `geo` crate's planar algorithms answer the
//! spherical questions exactly. It shows one open hemisphere; shapes reaching beyond
//! [`MAX_ANGLE`] from the centre are not projected, and callers fall back to
//! longitude/latitude.

use std::collections::HashMap;

use geo::{Coord, MapCoords};

use super::geo_vector::{add, norm, point_at, unit};

/// How far from the centre (in degrees) a vertex may lie. Further out the projection stretches
/// towards infinity and planar arithmetic loses precision.
pub const MAX_ANGLE: f64 = 80.0;

/// A gnomonic projection centred on one point.
#[derive(Debug, Clone, Copy)]
pub struct Gnomonic {
    lon0: f64,
    sin0: f64,
    cos0: f64,
    min_cos: f64,
}

impl Gnomonic {
    /// Centred on the point given in degrees.
    pub fn centered(c: Coord) -> Gnomonic {
        let lat = c.y.to_radians();
        Gnomonic {
            lon0: c.x.to_radians(),
            sin0: lat.sin(),
            cos0: lat.cos(),
            min_cos: MAX_ANGLE.to_radians().cos(),
        }
    }

    /// Centred on the mean direction of the points, when they have one.
    pub fn around(points: impl IntoIterator<Item = Coord>) -> Option<Gnomonic> {
        let mut sum = [0.0; 3];
        let mut count = 0.0;
        for p in points {
            sum = add(sum, unit(p), 1.0);
            count += 1.0;
        }
        // Points spread evenly round the globe have no mean direction.
        if norm(sum) < 1e-9 * count {
            return None;
        }
        point_at(sum).map(|c| Gnomonic::centered(c.0))
    }

    /// The planar point of `c`, when it is close enough to the centre.
    pub fn forward(&self, c: Coord) -> Option<Coord> {
        let (lon, lat) = (c.x.to_radians(), c.y.to_radians());
        let (s, cl) = lat.sin_cos();
        let dl = lon - self.lon0;
        let cos_c = self.sin0 * s + self.cos0 * cl * dl.cos();
        (cos_c >= self.min_cos).then(|| Coord {
            x: cl * dl.sin() / cos_c,
            y: (self.cos0 * s - self.sin0 * cl * dl.cos()) / cos_c,
        })
    }

    /// The point in degrees of a planar point.
    pub fn inverse(&self, p: Coord) -> Coord {
        let rho = (p.x * p.x + p.y * p.y).sqrt();
        if rho == 0.0 {
            return Coord {
                x: self.lon0.to_degrees(),
                y: self.sin0.asin().to_degrees(),
            };
        }
        let c = rho.atan();
        let (sc, cc) = c.sin_cos();
        let lat = (cc * self.sin0 + p.y * sc * self.cos0 / rho).asin();
        let lon = self.lon0 + (p.x * sc).atan2(rho * self.cos0 * cc - p.y * self.sin0 * sc);
        let mut lon = lon.to_degrees();
        if lon > 180.0 {
            lon -= 360.0;
        } else if lon < -180.0 {
            lon += 360.0;
        }
        Coord {
            x: lon,
            y: lat.to_degrees(),
        }
    }

    /// A shape projected, when all of it is close enough to the centre.
    pub fn project<G: MapCoords<f64, f64, Output = G>>(&self, g: &G) -> Option<G> {
        let outside = std::cell::Cell::new(false);
        let outside = &outside;
        let projected = g.map_coords(|c: Coord| {
            self.forward(c).unwrap_or_else(|| {
                outside.set(true);
                Coord { x: 0.0, y: 0.0 }
            })
        });
        (!outside.get()).then_some(projected)
    }
}

/// Turns planar results back into degrees. A result vertex that is one of the input vertices
/// gets that vertex's own coordinates back (the planar overlay and the round trip through the
/// projection would otherwise move it in the last digits).
pub struct Unprojector {
    projection: Gnomonic,
    inputs: HashMap<(i64, i64), Coord>,
}

/// The grid (in projected units, about 6 mm on Earth) on which result vertices are matched to
/// input vertices.
const SNAP: f64 = 1e9;

fn key(p: Coord) -> (i64, i64) {
    ((p.x * SNAP).round() as i64, (p.y * SNAP).round() as i64)
}

impl Unprojector {
    pub fn new(projection: Gnomonic, inputs: impl IntoIterator<Item = Coord>) -> Unprojector {
        let inputs = inputs
            .into_iter()
            .filter_map(|c| projection.forward(c).map(|p| (key(p), c)))
            .collect();
        Unprojector { projection, inputs }
    }

    pub fn coord(&self, p: Coord) -> Coord {
        match self.inputs.get(&key(p)) {
            Some(c) => *c,
            None => self.projection.inverse(p),
        }
    }

    pub fn shape<G: MapCoords<f64, f64, Output = G>>(&self, g: &G) -> G {
        g.map_coords(|p: Coord| self.coord(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_straightens_great_circles() {
        let g = Gnomonic::centered(Coord { x: 10.0, y: 40.0 });
        let c = Coord { x: 12.5, y: 41.25 };
        let back = g.inverse(g.forward(c).unwrap());
        assert!((back.x - c.x).abs() < 1e-12 && (back.y - c.y).abs() < 1e-12);
        // The great circle from (0,10) to (10,10) passes 10.038° at longitude 5: the three
        // points project onto one straight line.
        let g = Gnomonic::centered(Coord { x: 5.0, y: 5.0 });
        let a = g.forward(Coord { x: 0.0, y: 10.0 }).unwrap();
        let b = g.forward(Coord { x: 10.0, y: 10.0 }).unwrap();
        let top = 10f64.to_radians().tan() / 5f64.to_radians().cos();
        let m = g
            .forward(Coord {
                x: 5.0,
                y: top.atan().to_degrees(),
            })
            .unwrap();
        let cross = (b.x - a.x) * (m.y - a.y) - (b.y - a.y) * (m.x - a.x);
        assert!(cross.abs() < 1e-12, "{cross}");
        assert!(g.forward(Coord { x: -175.0, y: -5.0 }).is_none());
    }
}
