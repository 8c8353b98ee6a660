//! `externaldata` as a table provider: the executor asks [`LocalFiles`] for the rows an
//! `externaldata` operator names and scans them like any other table; reading them (where the
//! files are, how each format becomes records) is `external_data`'s job.

use super::external_data::{self, ExternalFormat, ExternalSource, LocalCopies};
use crate::catalog::{ExternalTables, ScanRequest, TableProvider};
use crate::error::Error;
use crate::plan::ExternalRead;
use crate::table::{Column, Schema, Table};
use std::sync::Arc;

/// `externaldata` files read from this machine: plain paths and `file://` URLs as they are,
/// other URLs from their `--external-data` copies.
pub struct LocalFiles {
    copies: LocalCopies,
}

impl LocalFiles {
    pub fn new(copies: &LocalCopies) -> LocalFiles {
        LocalFiles {
            copies: copies.clone(),
        }
    }
}

impl ExternalTables for LocalFiles {
    fn open(&self, read: &ExternalRead, schema: &Schema) -> Result<Arc<dyn TableProvider>, Error> {
        let source = ExternalSource {
            uris: read.uris.clone(),
            format: read.format.as_deref().and_then(ExternalFormat::from_name),
            ignore_first_record: read.ignore_first_record,
        };
        Ok(Arc::new(ExternalTable {
            source,
            schema: schema.clone(),
            copies: self.copies.clone(),
        }))
    }
}

/// The rows of one `externaldata` operator, read when scanned.
struct ExternalTable {
    source: ExternalSource,
    schema: Schema,
    copies: LocalCopies,
}

impl TableProvider for ExternalTable {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let table = external_data::read(&self.source, &self.schema, &self.copies)?;
        let schema = request.output_schema(&self.schema);
        let mut all: Vec<Option<Column>> = table.columns.into_iter().map(Some).collect();
        let columns = request
            .columns
            .iter()
            .map(|&i| all[i].take().expect("a column is requested once"))
            .collect();
        sink(Table::new(schema, columns))
    }

    fn origin(&self) -> String {
        "externaldata".to_string()
    }
}
