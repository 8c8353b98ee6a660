//! The value layer under everything else: Kusto's types, values and columns ([`table`]), the one
//! text codec ([`text`] reads text into values, [`format`] writes values as text) and the
//! one-value casts ([`cast`]). Nothing here depends on the rest of the crate.

pub mod cast;
pub mod format;
pub mod table;
pub mod text;

pub use table::{Column, Schema, Str, Table, Type, Value};
