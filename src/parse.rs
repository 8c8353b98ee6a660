//! KQL text → `ast::Query`, with the pest grammar in `grammar/kql.pest`.

use crate::ast::Query;
use crate::error::Error;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "grammar/kql.pest"]
struct KqlParser;

/// Parse a whole query.
pub fn parse(_source: &str) -> Result<Query, Error> {
    Err(Error::new(crate::error::ErrorKind::Unsupported(
        "parsing".into(),
    )))
}
