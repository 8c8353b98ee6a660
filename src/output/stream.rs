//! A result written batch by batch, as the executor hands it out: CSV, JSON, JSON lines and
//! the vertical format go out row by row, so a result larger than memory can be printed and a
//! reader that closes the pipe early stops the run. The table format needs every shown row for
//! its column widths, so it keeps the first and the last rows of a long result and only counts
//! the rest ([`ScreenRows`]); `az` keeps the whole result (it prints one sorted JSON array).

use super::{
    write_csv_header, write_csv_rows, write_json_end, write_json_rows, write_json_start,
    write_jsonl, write_text_table, write_vertical, ElidedRows, Format, Terminal,
};
use crate::table::{Column, Schema, Table};
use std::borrow::Cow;
use std::io::{self, Write};

/// Rows the table format shows of a longer result by default: the first and last 20, as
/// DuckDB's command line shows (its `.maxrows` is 40 by default).
pub const DEFAULT_MAX_ROWS: usize = 40;

/// Writes one result in one format as its batches arrive; [`ResultWriter::finish`] ends it.
pub struct ResultWriter<'w> {
    schema: Schema,
    format: Format,
    terminal: Terminal,
    out: &'w mut dyn Write,
    /// Rows written (or, for the table format, seen) so far.
    rows: u64,
    /// Whether the header (CSV) or the document's start (JSON) is written.
    started: bool,
    held: Held,
}

/// What a format keeps until the end.
enum Held {
    /// Nothing: rows go out as they come.
    Nothing,
    /// The table format's first and last rows.
    Screen(ScreenRows),
    /// `az`: every row.
    Whole(Table),
}

impl<'w> ResultWriter<'w> {
    /// Start a result of `schema`. `max_rows` is how many rows the table format shows of a
    /// longer result (0: all of them). Nothing is written before the first rows or the end, so
    /// a query that fails before either leaves no header behind.
    pub fn new(
        schema: Schema,
        format: Format,
        terminal: Terminal,
        max_rows: usize,
        out: &'w mut dyn Write,
    ) -> ResultWriter<'w> {
        let held = match format {
            Format::Table => Held::Screen(ScreenRows::new(&schema, max_rows)),
            Format::Az => Held::Whole(Table::empty(schema.clone())),
            Format::Csv | Format::Json | Format::Jsonl | Format::Vertical => Held::Nothing,
        };
        ResultWriter {
            schema,
            format,
            terminal,
            out,
            rows: 0,
            started: false,
            held,
        }
    }

    /// The CSV header or the start of the JSON document, once.
    fn start(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match self.format {
            Format::Csv => write_csv_header(self.schema.names(), self.out),
            Format::Json => write_json_start(&self.schema, self.out),
            _ => Ok(()),
        }
    }

    /// Write (or keep) the rows of `batch`, whose columns are the result's.
    pub fn write(&mut self, batch: &Table) -> io::Result<()> {
        self.start()?;
        let columns = conform(&self.schema, &batch.columns);
        match &mut self.held {
            Held::Screen(screen) => screen.add(&columns),
            Held::Whole(table) => {
                for (all, new) in table.columns.iter_mut().zip(columns.iter()) {
                    all.extend_from(new);
                }
            }
            Held::Nothing => match self.format {
                Format::Csv => write_csv_rows(&columns, self.out)?,
                Format::Json => write_json_rows(&columns, self.rows, self.out)?,
                Format::Jsonl => write_jsonl(&self.schema, &columns, self.out)?,
                Format::Vertical => {
                    write_vertical(&self.schema, &columns, self.rows, self.terminal, self.out)?
                }
                Format::Table | Format::Az => unreachable!("held formats are kept above"),
            },
        }
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Push what was written out of the writer's buffer, so the reader sees it now.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// End the result: the close of the JSON document, or the table; returns the row count.
    pub fn finish(mut self) -> io::Result<u64> {
        self.start()?;
        match self.held {
            Held::Screen(screen) => {
                let (table, elided) = screen.shown(self.schema);
                write_text_table(&table, self.terminal, elided, self.out)?;
            }
            Held::Whole(table) => super::az::write(&table, self.out)?,
            Held::Nothing if self.format == Format::Json => write_json_end(self.out)?,
            Held::Nothing => {}
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// `columns` with the types of `schema`: an operator may hand on an int where the plan says
/// long, and the collected result would have converted it.
fn conform<'c>(schema: &Schema, columns: &'c [Column]) -> Cow<'c, [Column]> {
    let matches = schema
        .fields
        .iter()
        .zip(columns)
        .all(|(f, c)| f.ty == c.ty());
    if matches {
        return Cow::Borrowed(columns);
    }
    let converted = schema
        .fields
        .iter()
        .zip(columns)
        .map(|(field, column)| {
            let mut to = Column::with_capacity(field.ty, column.len());
            to.extend_from(column);
            to
        })
        .collect();
    Cow::Owned(converted)
}

/// The rows the table format shows: all of a short result; of a longer one the first half of
/// `limit` and the last half, the rest only counted. Memory holds at most about three times
/// `limit` rows, however long the result.
struct ScreenRows {
    /// Rows shown of a longer result; 0 shows all.
    limit: usize,
    /// The first `limit` rows (every row when `limit` is 0).
    first: Vec<Column>,
    /// Of the rows after `first`, the latest: between `limit` and `2 × limit` of them.
    last: Vec<Column>,
    total: u64,
}

impl ScreenRows {
    fn new(schema: &Schema, limit: usize) -> ScreenRows {
        let empty = || schema.fields.iter().map(|f| Column::empty(f.ty)).collect();
        ScreenRows {
            limit,
            first: empty(),
            last: empty(),
            total: 0,
        }
    }

    fn add(&mut self, columns: &[Column]) {
        let rows = columns.first().map_or(0, Column::len);
        self.total += rows as u64;
        let kept = len(&self.first);
        let to_first = if self.limit == 0 {
            rows
        } else {
            rows.min(self.limit - kept.min(self.limit))
        };
        extend(&mut self.first, columns, 0, to_first);
        let rest = rows - to_first;
        if rest == 0 {
            return;
        }
        let take = rest.min(self.limit);
        extend(&mut self.last, columns, rows - take, take);
        let held = len(&self.last);
        if held > 2 * self.limit {
            self.last = slice(&self.last, held - self.limit, self.limit);
        }
    }

    /// The table to show, and where rows were left out of it.
    fn shown(self, schema: Schema) -> (Table, Option<ElidedRows>) {
        if self.limit == 0 || self.total <= self.limit as u64 {
            return (Table::new(schema, self.first), None);
        }
        let head = self.limit.div_ceil(2);
        let tail = self.limit - head;
        // The rows after the head: the rest of `first`, then `last`; the tail is their end.
        let mut after = slice(&self.first, head, self.limit - head);
        extend(&mut after, &self.last, 0, len(&self.last));
        let after_len = len(&after);
        let mut columns = slice(&self.first, 0, head);
        extend(&mut columns, &after, after_len - tail, tail);
        let elided = ElidedRows {
            after: head,
            total: self.total,
        };
        (Table::new(schema, columns), Some(elided))
    }
}

fn len(columns: &[Column]) -> usize {
    columns.first().map_or(0, Column::len)
}

/// Append rows `start..start + count` of `from` to `to`.
fn extend(to: &mut [Column], from: &[Column], start: usize, count: usize) {
    if count == 0 {
        return;
    }
    for (to, from) in to.iter_mut().zip(from) {
        to.extend_from(&from.slice(start, count));
    }
}

fn slice(columns: &[Column], start: usize, count: usize) -> Vec<Column> {
    columns.iter().map(|c| c.slice(start, count)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, Type};

    fn numbers(from: i64, to: i64) -> Table {
        let schema = Schema::new(vec![Field::new("n", Type::Long)]);
        Table::new(schema, vec![Column::Long((from..to).map(Some).collect())])
    }

    fn table_text(batches: &[Table], max_rows: usize) -> String {
        let mut out = Vec::new();
        let schema = batches[0].schema.clone();
        let mut writer = ResultWriter::new(
            schema,
            Format::Table,
            Terminal::default(),
            max_rows,
            &mut out,
        );
        for batch in batches {
            writer.write(batch).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_long_table_shows_its_first_and_last_rows_and_counts_the_rest() {
        // Batches of uneven sizes, so the kept rows cross batch boundaries.
        let batches = [
            numbers(0, 3),
            numbers(3, 4),
            numbers(4, 1000),
            numbers(1000, 1234),
        ];
        let text = table_text(&batches, 5);
        assert_eq!(
            text,
            "   n\n\
             ----\n   0\n   1\n   2\n   ⋮\n1232\n1233\n\
             1,234 rows (5 shown); --format csv or --max-rows N for more\n"
        );
        // A result that fits is shown whole, as before, with no closing line.
        assert_eq!(table_text(&[numbers(0, 5)], 5), "n\n-\n0\n1\n2\n3\n4\n");
        // 0 shows every row.
        let all = table_text(&batches, 0);
        assert_eq!(all.lines().count(), 2 + 1234);
        assert!(!all.contains("shown"));
    }

    #[test]
    fn the_screen_keeps_few_rows_however_long_the_result() {
        let mut screen = ScreenRows::new(&numbers(0, 0).schema, 40);
        for start in (0..100_000).step_by(8192) {
            screen.add(&numbers(start, (start + 8192).min(100_000)).columns);
            assert!(len(&screen.first) <= 40 && len(&screen.last) <= 80);
        }
        let (shown, elided) = screen.shown(numbers(0, 0).schema);
        assert_eq!(shown.num_rows(), 40);
        assert_eq!(
            elided,
            Some(ElidedRows {
                after: 20,
                total: 100_000
            })
        );
        let Column::Long(values) = &shown.columns[0] else {
            panic!("a long column")
        };
        assert_eq!(values[19], Some(19));
        assert_eq!(values[20], Some(99_980));
        assert_eq!(values[39], Some(99_999));
    }

    #[test]
    fn every_streamed_format_matches_the_whole_table() {
        let whole = numbers(0, 20);
        for format in [
            Format::Csv,
            Format::Json,
            Format::Jsonl,
            Format::Vertical,
            Format::Az,
            Format::Table,
        ] {
            let mut out = Vec::new();
            let mut writer = ResultWriter::new(
                whole.schema.clone(),
                format,
                Terminal::default(),
                0,
                &mut out,
            );
            for start in (0..20).step_by(7) {
                writer.write(&numbers(start, (start + 7).min(20))).unwrap();
            }
            assert_eq!(writer.finish().unwrap(), 20);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                super::super::render(&whole, format),
                "{format:?}"
            );
        }
    }

    #[test]
    fn nothing_is_written_before_the_first_rows_or_the_end() {
        // A query that fails before its first batch leaves no CSV header or half JSON document.
        let schema = numbers(0, 0).schema;
        for format in [Format::Csv, Format::Json] {
            let mut out = Vec::new();
            drop(ResultWriter::new(
                schema.clone(),
                format,
                Terminal::default(),
                0,
                &mut out,
            ));
            assert!(out.is_empty(), "{format:?}");
        }
        let mut out = Vec::new();
        let writer = ResultWriter::new(schema, Format::Csv, Terminal::default(), 0, &mut out);
        assert_eq!(writer.finish().unwrap(), 0);
        assert_eq!(out, b"n\r\n", "an empty result still has its header");
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::super::thousands(0), "0");
        assert_eq!(super::super::thousands(999), "999");
        assert_eq!(super::super::thousands(1000), "1,000");
        assert_eq!(super::super::thousands(3_795_626), "3,795,626");
    }
}
