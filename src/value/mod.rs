//! The value layer under everything else: Kusto's types, values and columns ([`table`]), the one
//! text codec ([`text`] reads text into values, [`format`] writes values as text), the one-value
//! casts ([`cast`]) and comparisons ([`compare`]), and [`datum`], the operand shape every kernel
//! reads (a column or one value standing for all rows). Nothing here depends on the rest of the crate.

pub mod cast;
pub mod compare;
pub mod datum;
pub mod format;
pub mod table;
pub mod terms;
pub mod text;

pub use table::{Column, Schema, Str, Table, Type, Value};
