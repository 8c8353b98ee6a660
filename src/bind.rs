//! `ast::Query` + `Catalog` → `BoundQuery`: names resolved, types inferred, output columns named.

use crate::ast::Query;
use crate::catalog::Catalog;
use crate::error::{Error, ErrorKind};
use crate::plan::BoundQuery;
use crate::Options;

/// Bind a parsed query against the catalog's schemas (no rows are read).
pub fn bind(_query: &Query, _catalog: &Catalog, _options: &Options) -> Result<BoundQuery, Error> {
    Err(Error::new(ErrorKind::Unsupported("binding".into())))
}
