//! `geo_from_wkt`: well-known text (the `wkt` crate reads it) as a GeoJSON dynamic. Text that
//! is not WKT, or names a point outside longitude [-180, 180] and latitude [-90, 90], gives
//! null, as in Kusto.

use std::str::FromStr;

use geo::{CoordsIter, Geometry};
use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::geo_json::{geometry_json, valid_point};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::{map1, Datum};

fn from_wkt(text: &str) -> Option<J> {
    let wkt = wkt::Wkt::<f64>::from_str(text).ok()?;
    let shape = Geometry::try_from(wkt).ok()?;
    let valid = shape.coords_iter().all(|c| valid_point(c.x, c.y));
    valid.then(|| geometry_json(&shape))
}

fn run(
    _func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    Ok(Column::Dynamic(map1(len, &args[0].strs(), |s| {
        from_wkt(s).unwrap_or(J::Null)
    })))
}

/// This family's function (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[ScalarDef {
    func: ScalarFunc::GeoFromWkt,
    names: &["geo_from_wkt"],
    arity: (1, 1),
    result: Fixed(T::Dynamic),
    run,
    naming: Naming::Positional,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wkt_reads_as_geojson() {
        assert_eq!(
            from_wkt("POINT (1 2)"),
            Some(json!({"type": "Point", "coordinates": [1, 2]}))
        );
        assert_eq!(from_wkt("LINESTRING"), None);
        assert_eq!(from_wkt("POINT (200 2)"), None);
    }
}
