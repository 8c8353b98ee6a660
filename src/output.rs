//! A result table as text: an aligned table for people, CSV, JSON (Log Analytics API shape),
//! JSON lines.

use crate::table::Table;

/// Output formats of `kqlite query --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
}

/// Render `table` in `format`.
pub fn render(_table: &Table, _format: Format) -> String {
    String::new()
}
