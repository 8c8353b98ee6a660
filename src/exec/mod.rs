//! Plan → Table: streams batches from scans through the operators up to the first pipeline
//! breaker; one file per operator family.

use crate::catalog::Catalog;
use crate::error::{Error, ErrorKind};
use crate::plan::BoundQuery;
use crate::{Options, QueryResult};

/// Run a bound query.
pub fn execute(
    _query: &BoundQuery,
    _catalog: &Catalog,
    _options: &Options,
) -> Result<QueryResult, Error> {
    Err(Error::new(ErrorKind::Unsupported("execution".into())))
}
