//! A table file held in memory with only its present cells: a JSON-lines file whose rows each
//! name other keys (row i has key `ki`, or 50 keys appear here and there) would otherwise hold
//! rows × columns cells, nearly all null (10,000 rows adding one key each: 100 M cells, 1.6
//! GB). Each column keeps its present values and the rows they are on; a column present on
//! every row keeps its values alone, as a dense column does. Scans lay the requested columns
//! out in batches, nulls filled in, of at most [`BATCH_CELLS`] cells (a batch of a wide table
//! has fewer rows), so memory follows the present values plus one batch.

use crate::catalog::{in_batches, ScanRequest, TableProvider, BATCH_ROWS};
use crate::error::Error;
use crate::table::{Column, Schema, Table, Type, Value};

/// The most cells one scan batch holds (as many as [`BATCH_ROWS`] rows of 64 columns).
const BATCH_CELLS: usize = BATCH_ROWS * 64;

/// One column's present cells.
#[derive(Debug, Clone)]
pub struct SparseColumn {
    /// The rows the values are on, ascending; None when there is a value on every row.
    rows: Option<Vec<u32>>,
    /// The present values, in row order.
    values: Column,
}

impl SparseColumn {
    /// A column with a value on every row.
    pub fn dense(values: Column) -> SparseColumn {
        SparseColumn { rows: None, values }
    }

    /// A column of `ty` with no value yet; [`SparseColumn::push`] adds them.
    pub fn empty(ty: Type) -> SparseColumn {
        SparseColumn {
            rows: Some(Vec::new()),
            values: Column::with_capacity(ty, 0),
        }
    }

    /// The value on `row` (after the rows pushed so far).
    pub fn push(&mut self, row: usize, value: &Value) {
        let rows = self.rows.get_or_insert_with(Vec::new);
        rows.push(u32::try_from(row).expect("a table file has fewer than 2^32 rows"));
        self.values.push(value);
    }

    /// Drop the row list once every one of `rows` rows holds a value.
    fn finish(mut self, rows: usize) -> SparseColumn {
        if self.values.len() == rows {
            self.rows = None;
        }
        self
    }

    /// Rows `start..start + len` as a dense column, absent cells null.
    fn slice(&self, start: usize, len: usize) -> Column {
        let Some(rows) = &self.rows else {
            return self.values.slice(start, len);
        };
        let mut out = Column::with_capacity(self.values.ty(), len);
        let end = start + len;
        let mut next = rows.partition_point(|&r| (r as usize) < start);
        for row in start..end {
            if rows.get(next).is_some_and(|&r| r as usize == row) {
                out.push(&self.values.get(next));
                next += 1;
            } else {
                out.push(&Value::Null);
            }
        }
        out
    }
}

/// A table of [`SparseColumn`]s, as a provider of batches.
pub struct SparseTable {
    schema: Schema,
    rows: usize,
    columns: Vec<SparseColumn>,
    origin: String,
}

impl SparseTable {
    /// `columns` (one per field of `schema`) over `rows` rows.
    pub fn new(schema: Schema, rows: usize, columns: Vec<SparseColumn>) -> SparseTable {
        let columns = columns.into_iter().map(|c| c.finish(rows)).collect();
        SparseTable {
            schema,
            rows,
            columns,
            origin: String::new(),
        }
    }

    /// Where the rows came from, for `kqlite tables`.
    pub fn with_origin(mut self, origin: impl Into<String>) -> SparseTable {
        self.origin = origin.into();
        self
    }

    /// Every row and column, absent cells null.
    #[cfg(test)]
    pub fn to_table(&self) -> Table {
        let columns = self.columns.iter().map(|c| c.slice(0, self.rows)).collect();
        Table::new(self.schema.clone(), columns)
    }
}

impl From<Table> for SparseTable {
    fn from(table: Table) -> SparseTable {
        let rows = table.num_rows();
        let columns = table.columns.into_iter().map(SparseColumn::dense).collect();
        SparseTable::new(table.schema, rows, columns)
    }
}

impl TableProvider for SparseTable {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn scan(
        &self,
        request: &ScanRequest<'_>,
        sink: &mut dyn FnMut(Table) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let schema = request.output_schema(&self.schema);
        let batch_rows = (BATCH_CELLS / request.columns.len().max(1)).clamp(1, BATCH_ROWS);
        in_batches(self.rows, batch_rows, sink, |start, len| {
            let batch = request
                .columns
                .iter()
                .map(|&i| self.columns[i].slice(start, len))
                .collect();
            Table::new(schema.clone(), batch)
        })
    }

    fn origin(&self) -> String {
        self.origin.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Field;

    fn scanned(table: &SparseTable, columns: &[usize]) -> Vec<Table> {
        let request = ScanRequest {
            columns,
            predicates: &[],
            ctx: crate::func::EvalContext { now: 0 },
            stats: None,
        };
        let mut batches = Vec::new();
        table
            .scan(&request, &mut |b| {
                batches.push(b);
                Ok(())
            })
            .unwrap();
        batches
    }

    #[test]
    fn absent_cells_read_as_null_and_full_columns_drop_their_rows() {
        let mut a = SparseColumn::empty(Type::Long);
        a.push(1, &Value::Long(10));
        a.push(3, &Value::Long(30));
        let mut s = SparseColumn::empty(Type::String);
        s.push(0, &Value::String("x".into()));
        let mut full = SparseColumn::empty(Type::Long);
        for row in 0..4 {
            full.push(row, &Value::Long(row as i64));
        }
        let schema = Schema::new(vec![
            Field::new("a", Type::Long),
            Field::new("s", Type::String),
            Field::new("n", Type::Long),
        ]);
        let table = SparseTable::new(schema, 4, vec![a, s, full]);
        assert!(table.columns[2].rows.is_none());
        let dense = table.to_table();
        assert_eq!(
            dense.columns[0],
            Column::Long(vec![None, Some(10), None, Some(30)])
        );
        assert_eq!(dense.columns[1].get(0), Value::String("x".into()));
        assert_eq!(dense.columns[1].get(2), Value::String("".into()));
        // A scan gives the same cells, in the requested order.
        let batches = scanned(&table, &[2, 0]);
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0].columns[1], dense.columns[0]);
        assert_eq!(batches[0].schema.fields[0].name, "n");
    }

    #[test]
    fn a_wide_table_scans_in_batches_of_bounded_cells() {
        let columns = 10_000;
        let rows = 200;
        let fields = (0..columns)
            .map(|c| Field::new(format!("k{c}"), Type::Long))
            .collect();
        let cells = (0..columns)
            .map(|c| {
                let mut column = SparseColumn::empty(Type::Long);
                if c < rows {
                    column.push(c, &Value::Long(c as i64));
                }
                column
            })
            .collect();
        let table = SparseTable::new(Schema::new(fields), rows, cells);
        let all: Vec<usize> = (0..columns).collect();
        let batches = scanned(&table, &all);
        assert!(batches
            .iter()
            .all(|b| b.num_rows() * columns <= BATCH_CELLS));
        assert_eq!(batches.iter().map(Table::num_rows).sum::<usize>(), rows);
        let row_of = |r: usize| {
            let mut start = 0;
            for b in &batches {
                if r < start + b.num_rows() {
                    return (b, r - start);
                }
                start += b.num_rows();
            }
            unreachable!()
        };
        let (batch, at) = row_of(150);
        assert_eq!(batch.columns[150].get(at), Value::Long(150));
        assert_eq!(batch.columns[149].get(at), Value::Null);
        // One column of it scans in one batch.
        assert_eq!(scanned(&table, &[7]).len(), 1);
    }
}
