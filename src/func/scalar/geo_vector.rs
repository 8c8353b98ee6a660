//! Points on the unit sphere as 3-vectors, and the few vector operations the `geo_*` modules
//! share (centroids, closest points on arcs, densification, the gnomonic projection's centre).

use geo::{Coord, Point};

/// A vector in space (unit length when it stands for a point).
pub type Vec3 = [f64; 3];

/// The unit vector of a longitude/latitude in degrees.
pub fn unit(c: Coord) -> Vec3 {
    let (lon, lat) = (c.x.to_radians(), c.y.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// `a + k·b`.
pub fn add(a: Vec3, b: Vec3, k: f64) -> Vec3 {
    [a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2]]
}

pub fn dot(a: Vec3, b: Vec3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub fn cross(a: Vec3, b: Vec3) -> Vec3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub fn norm(a: Vec3) -> f64 {
    dot(a, a).sqrt()
}

/// The angle between two vectors, in radians (accurate for small and large angles alike).
pub fn angle(a: Vec3, b: Vec3) -> f64 {
    norm(cross(a, b)).atan2(dot(a, b))
}

/// The longitude/latitude a (non-zero) vector points at.
pub fn point_at(v: Vec3) -> Option<Point> {
    let n = norm(v);
    if n.is_nan() || n <= 1e-300 {
        return None;
    }
    let lat = (v[2] / n).clamp(-1.0, 1.0).asin().to_degrees();
    let lon = v[1].atan2(v[0]).to_degrees();
    Some(Point::new(lon, lat))
}
