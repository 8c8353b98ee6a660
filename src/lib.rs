//! kqlite runs Azure Log Analytics KQL queries offline, over flow-log files on disk.
//!
//! A query travels one way: text → [`parse`] → AST → [`bind`] (against the [`Catalog`]) → plan →
//! [`optimize`] → plan → [`execute`] → [`Table`] → [`output`] or [`chart`].

pub mod ast;
pub mod bind;
pub mod budget;
pub mod catalog;
pub mod chart;
pub mod check;
pub mod cli;
pub mod control_chars;
pub mod error;
pub mod eval;
pub mod exec;
pub mod explain;
pub mod export;
pub mod func;
pub mod memory;
pub mod now;
pub mod optimize;
pub mod output;
pub mod params;
pub mod parse;
pub mod plan;
pub mod report;
pub mod serve;
pub mod sources;
pub mod validate;
pub mod value;

pub use bind::bind;
pub use catalog::Catalog;
pub use error::{Error, ErrorKind};
pub use exec::execute;
pub use optimize::optimize;
pub use parse::parse;
pub use plan::Visualization;
/// Kept under their old paths (`crate::table`, `crate::format`) for the modules that name them.
pub use value::{format, table};
pub use value::{Column, Schema, Table, Type, Value};

/// Settings that change a query's answer.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `now()` as ticks since the Unix epoch.
    pub now: i64,
    /// `--param name=value`: values for the query's `declare query_parameters(…)`, as given
    /// (typed when bound, against the declared type).
    pub params: Vec<(String, String)>,
    /// `--external-data URL=PATH`: local copies of the URLs `externaldata` reads.
    pub external_data: sources::external_data::LocalCopies,
    /// The cancel flag and the time and memory limits each query runs under.
    pub budget: exec::Budget,
}

impl Options {
    pub fn context(&self) -> func::EvalContext {
        func::EvalContext { now: self.now }
    }
}

/// A query's answer: the table, and the chart `render` asked for, if any.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub table: Table,
    pub visualization: Option<Visualization>,
}

/// Parse and bind `source` against `catalog` without reading a row: the offline "does this query
/// still compile" check (`kqlite validate`).
pub fn validate(source: &str, catalog: &Catalog, options: &Options) -> Result<(), Error> {
    parse(source)
        .and_then(|query| bind(&query, catalog, options))
        .map(|_| ())
}

/// Where `externaldata` rows come from: the files the query names, or their local copies.
pub(crate) fn external_tables(options: &Options) -> sources::external_table::LocalFiles {
    sources::external_table::LocalFiles::new(&options.external_data)
}

/// Parse, bind and optimize `source` against `catalog`: the plan [`exec::execute_into`] runs,
/// whose schema is the result's, known before any row is read.
pub fn compile(
    source: &str,
    catalog: &Catalog,
    options: &Options,
) -> Result<plan::BoundQuery, Error> {
    parse(source)
        .and_then(|query| bind(&query, catalog, options))
        .map(optimize)
}

/// Parse, bind, optimize and run `source` against `catalog`.
pub fn run(source: &str, catalog: &Catalog, options: &Options) -> Result<QueryResult, Error> {
    compile(source, catalog, options)
        .and_then(|plan| execute(&plan, catalog, &external_tables(options), options))
}
