//! Kusto's scalar types and the columnar data they live in: `Type`, `Value`, `Column` (a typed
//! vector with nulls), `Schema` and `Table`.
//!
//! Datetimes and timespans are 100 ns ticks (Kusto's resolution), datetimes counted from the Unix
//! epoch, so arithmetic and formatting match Kusto exactly. Strings are never null (Kusto's rule):
//! an empty string stands for a missing one.

use std::fmt;
use std::sync::{Arc, LazyLock};

/// A shared, immutable string: repeated values (IPs, MACs, resource ids) share one allocation.
pub type Str = Arc<str>;

static EMPTY: LazyLock<Str> = LazyLock::new(|| Arc::from(""));

/// The empty string, shared.
pub fn empty_str() -> Str {
    EMPTY.clone()
}

/// Ticks (100 ns) per second.
pub const TICKS_PER_SECOND: i64 = 10_000_000;
pub const TICKS_PER_DAY: i64 = 86_400 * TICKS_PER_SECOND;
/// Ticks from 0001-01-01 (Kusto's zero) to the Unix epoch: `bin` on datetimes aligns to it.
pub const EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// A Kusto scalar type. `decimal` is read as `real`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Long,
    Real,
    DateTime,
    TimeSpan,
    Guid,
    String,
    Dynamic,
}

impl Type {
    /// Kusto's name of the type, as `getschema` and the JSON output print it.
    pub fn name(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Int => "int",
            Type::Long => "long",
            Type::Real => "real",
            Type::DateTime => "datetime",
            Type::TimeSpan => "timespan",
            Type::Guid => "guid",
            Type::String => "string",
            Type::Dynamic => "dynamic",
        }
    }

    /// The .NET type name Kusto's schema listings give (`getschema`'s `DataType`, the
    /// `.show … schema` commands): `System.Int64`, and `System.SByte` for bool.
    pub fn dotnet_name(self) -> &'static str {
        match self {
            Type::Bool => "System.SByte",
            Type::Int => "System.Int32",
            Type::Long => "System.Int64",
            Type::Real => "System.Double",
            Type::DateTime => "System.DateTime",
            Type::TimeSpan => "System.TimeSpan",
            Type::Guid => "System.Guid",
            Type::String => "System.String",
            Type::Dynamic => "System.Object",
        }
    }

    /// Parse a type name as written in KQL (`long`, `datetime`, `double`, `boolean`, …).
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name {
            "bool" | "boolean" => Type::Bool,
            "int" | "int32" => Type::Int,
            "long" | "int64" => Type::Long,
            "real" | "double" | "decimal" => Type::Real,
            "datetime" | "date" => Type::DateTime,
            "timespan" | "time" => Type::TimeSpan,
            "guid" | "uniqueid" => Type::Guid,
            "string" => Type::String,
            "dynamic" => Type::Dynamic,
            _ => return None,
        })
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Long | Type::Real)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One scalar value. `Null` is typed by the column or expression it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    /// Ticks since 1970-01-01T00:00:00Z.
    DateTime(i64),
    /// Ticks.
    TimeSpan(i64),
    Guid(u128),
    String(Str),
    Dynamic(serde_json::Value),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null | Value::Dynamic(serde_json::Value::Null))
    }
}

/// A typed column of values with nulls. Strings have no null (empty is missing), and dynamic
/// null is `serde_json::Value::Null`.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Bool(Vec<Option<bool>>),
    Int(Vec<Option<i32>>),
    Long(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    DateTime(Vec<Option<i64>>),
    TimeSpan(Vec<Option<i64>>),
    Guid(Vec<Option<u128>>),
    String(Vec<Str>),
    Dynamic(Vec<serde_json::Value>),
}

/// Expands `$body` once per variant with `$v` bound to the inner vector.
macro_rules! each_variant {
    ($col:expr, $v:ident => $body:expr) => {
        match $col {
            Column::Bool($v) => $body,
            Column::Int($v) => $body,
            Column::Long($v) => $body,
            Column::Real($v) => $body,
            Column::DateTime($v) => $body,
            Column::TimeSpan($v) => $body,
            Column::Guid($v) => $body,
            Column::String($v) => $body,
            Column::Dynamic($v) => $body,
        }
    };
}

/// Same as `each_variant!` but rebuilds a column of the same variant from `$body`.
macro_rules! map_variant {
    ($col:expr, $v:ident => $body:expr) => {
        match $col {
            Column::Bool($v) => Column::Bool($body),
            Column::Int($v) => Column::Int($body),
            Column::Long($v) => Column::Long($body),
            Column::Real($v) => Column::Real($body),
            Column::DateTime($v) => Column::DateTime($body),
            Column::TimeSpan($v) => Column::TimeSpan($body),
            Column::Guid($v) => Column::Guid($body),
            Column::String($v) => Column::String($body),
            Column::Dynamic($v) => Column::Dynamic($body),
        }
    };
}

impl Column {
    /// An empty column of `ty` with room for `capacity` values.
    pub fn with_capacity(ty: Type, capacity: usize) -> Column {
        match ty {
            Type::Bool => Column::Bool(Vec::with_capacity(capacity)),
            Type::Int => Column::Int(Vec::with_capacity(capacity)),
            Type::Long => Column::Long(Vec::with_capacity(capacity)),
            Type::Real => Column::Real(Vec::with_capacity(capacity)),
            Type::DateTime => Column::DateTime(Vec::with_capacity(capacity)),
            Type::TimeSpan => Column::TimeSpan(Vec::with_capacity(capacity)),
            Type::Guid => Column::Guid(Vec::with_capacity(capacity)),
            Type::String => Column::String(Vec::with_capacity(capacity)),
            Type::Dynamic => Column::Dynamic(Vec::with_capacity(capacity)),
        }
    }

    pub fn empty(ty: Type) -> Column {
        Column::with_capacity(ty, 0)
    }

    /// `len` nulls (empty strings for a string column).
    pub fn nulls(ty: Type, len: usize) -> Column {
        Column::repeat(&Value::Null, ty, len)
    }

    /// `value` repeated `len` times, as a column of `ty` (the value must fit the type).
    pub fn repeat(value: &Value, ty: Type, len: usize) -> Column {
        let mut one = Column::with_capacity(ty, 1);
        match (&mut one, value) {
            // A string of its own rather than the shared empty one: columns built on several
            // threads at once then count references on different cache lines.
            (Column::String(v), Value::Null) => v.push(Str::from("")),
            _ => one.push(value),
        }
        map_variant!(one, v => v.into_iter().next().map_or_else(Vec::new, |x| vec![x; len]))
    }

    pub fn ty(&self) -> Type {
        match self {
            Column::Bool(_) => Type::Bool,
            Column::Int(_) => Type::Int,
            Column::Long(_) => Type::Long,
            Column::Real(_) => Type::Real,
            Column::DateTime(_) => Type::DateTime,
            Column::TimeSpan(_) => Type::TimeSpan,
            Column::Guid(_) => Type::Guid,
            Column::String(_) => Type::String,
            Column::Dynamic(_) => Type::Dynamic,
        }
    }

    pub fn len(&self) -> usize {
        each_variant!(self, v => v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `row`.
    pub fn get(&self, row: usize) -> Value {
        match self {
            Column::Bool(v) => v[row].map_or(Value::Null, Value::Bool),
            Column::Int(v) => v[row].map_or(Value::Null, Value::Int),
            Column::Long(v) => v[row].map_or(Value::Null, Value::Long),
            Column::Real(v) => v[row].map_or(Value::Null, Value::Real),
            Column::DateTime(v) => v[row].map_or(Value::Null, Value::DateTime),
            Column::TimeSpan(v) => v[row].map_or(Value::Null, Value::TimeSpan),
            Column::Guid(v) => v[row].map_or(Value::Null, Value::Guid),
            Column::String(v) => Value::String(v[row].clone()),
            Column::Dynamic(v) => Value::Dynamic(v[row].clone()),
        }
    }

    pub fn is_null(&self, row: usize) -> bool {
        match self {
            Column::Bool(v) => v[row].is_none(),
            Column::Int(v) => v[row].is_none(),
            Column::Long(v) => v[row].is_none(),
            Column::Real(v) => v[row].is_none(),
            Column::DateTime(v) => v[row].is_none(),
            Column::TimeSpan(v) => v[row].is_none(),
            Column::Guid(v) => v[row].is_none(),
            Column::String(_) => false,
            Column::Dynamic(v) => v[row].is_null(),
        }
    }

    /// Append one value. A value of another type is converted where Kusto would (int ↔ long ↔
    /// real); anything else becomes null, so a column never holds a value of a foreign type.
    pub fn push(&mut self, value: &Value) {
        match self {
            Column::Bool(v) => v.push(match value {
                Value::Bool(b) => Some(*b),
                _ => None,
            }),
            Column::Int(v) => v.push(match value {
                Value::Int(i) => Some(*i),
                Value::Long(l) => i32::try_from(*l).ok(),
                _ => None,
            }),
            Column::Long(v) => v.push(match value {
                Value::Long(l) => Some(*l),
                Value::Int(i) => Some(i64::from(*i)),
                _ => None,
            }),
            Column::Real(v) => v.push(match value {
                Value::Real(r) => Some(*r),
                Value::Int(i) => Some(f64::from(*i)),
                Value::Long(l) => Some(*l as f64),
                _ => None,
            }),
            Column::DateTime(v) => v.push(match value {
                Value::DateTime(t) => Some(*t),
                _ => None,
            }),
            Column::TimeSpan(v) => v.push(match value {
                Value::TimeSpan(t) => Some(*t),
                _ => None,
            }),
            Column::Guid(v) => v.push(match value {
                Value::Guid(g) => Some(*g),
                _ => None,
            }),
            Column::String(v) => v.push(match value {
                Value::String(s) => s.clone(),
                _ => empty_str(),
            }),
            Column::Dynamic(v) => v.push(match value {
                Value::Dynamic(d) => d.clone(),
                Value::Null => serde_json::Value::Null,
                other => value_to_json(other),
            }),
        }
    }

    /// The rows at `indices`, in that order (a gather).
    // One body serves every variant, strings and dynamics included, so `clone` stays.
    #[allow(clippy::clone_on_copy)]
    pub fn take(&self, indices: &[usize]) -> Column {
        map_variant!(self, v => indices.iter().map(|&i| v[i].clone()).collect())
    }

    /// The rows where `mask` is true.
    #[allow(clippy::clone_on_copy)]
    pub fn filter(&self, mask: &[bool]) -> Column {
        map_variant!(self, v => v.iter().zip(mask).filter(|(_, &m)| m).map(|(x, _)| x.clone()).collect())
    }

    /// Rows `start..start + len`.
    pub fn slice(&self, start: usize, len: usize) -> Column {
        map_variant!(self, v => v[start..start + len].to_vec())
    }

    /// Append every row of `other`, which must have the same type.
    pub fn extend_from(&mut self, other: &Column) {
        match (self, other) {
            (Column::Bool(a), Column::Bool(b)) => a.extend_from_slice(b),
            (Column::Int(a), Column::Int(b)) => a.extend_from_slice(b),
            (Column::Long(a), Column::Long(b)) => a.extend_from_slice(b),
            (Column::Real(a), Column::Real(b)) => a.extend_from_slice(b),
            (Column::DateTime(a), Column::DateTime(b)) => a.extend_from_slice(b),
            (Column::TimeSpan(a), Column::TimeSpan(b)) => a.extend_from_slice(b),
            (Column::Guid(a), Column::Guid(b)) => a.extend_from_slice(b),
            (Column::String(a), Column::String(b)) => a.extend_from_slice(b),
            (Column::Dynamic(a), Column::Dynamic(b)) => a.extend_from_slice(b),
            (a, b) => {
                for row in 0..b.len() {
                    a.push(&b.get(row));
                }
            }
        }
    }
}

/// A value as dynamic JSON (datetimes become `…T10:00:00.0000000Z` strings, as Kusto writes them
/// inside dynamic values; timespans and guids their canonical strings).
pub fn value_to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Long(l) => J::from(*l),
        Value::Real(r) => serde_json::Number::from_f64(*r).map_or(J::Null, J::Number),
        Value::DateTime(t) => J::String(super::format::datetime_json_text(*t)),
        Value::TimeSpan(_) | Value::Guid(_) => J::String(super::format::value_text(value)),
        Value::String(s) => J::String(s.to_string()),
        Value::Dynamic(d) => d.clone(),
    }
}

/// A named, typed column slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: Type,
}

impl Field {
    pub fn new(name: impl Into<String>, ty: Type) -> Field {
        Field {
            name: name.into(),
            ty,
        }
    }
}

/// The columns of a table, in order. The fields are shared: every plan node and batch carries
/// its schema, and a plan copied for each use of a `let` name would otherwise copy every
/// node's fields (a chain of lets that each extend the last grows as the cube of its length).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    pub fields: std::sync::Arc<Vec<Field>>,
}

impl Schema {
    pub fn new(fields: Vec<Field>) -> Schema {
        Schema {
            fields: std::sync::Arc::new(fields),
        }
    }

    /// The fields to change (copied first when shared).
    pub fn fields_mut(&mut self) -> &mut Vec<Field> {
        std::sync::Arc::make_mut(&mut self.fields)
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Index of the column named exactly `name` (names are case-sensitive).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }
}

/// A schema plus one column per field, all of the same length. Also the unit of streaming: a
/// scan yields tables ("batches") that operators transform one at a time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub schema: Schema,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn new(schema: Schema, columns: Vec<Column>) -> Table {
        debug_assert_eq!(schema.len(), columns.len());
        debug_assert!(columns.windows(2).all(|w| w[0].len() == w[1].len()));
        Table { schema, columns }
    }

    /// A table with the given schema and no rows.
    pub fn empty(schema: Schema) -> Table {
        let columns = schema.fields.iter().map(|f| Column::empty(f.ty)).collect();
        Table { schema, columns }
    }

    pub fn num_rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.schema.index_of(name).map(|i| &self.columns[i])
    }

    /// Every row, as values (for output and tests; never on a hot path).
    pub fn rows(&self) -> impl Iterator<Item = Vec<Value>> + '_ {
        (0..self.num_rows()).map(|r| self.columns.iter().map(|c| c.get(r)).collect())
    }

    /// Append the rows of `other` (same schema).
    pub fn append(&mut self, other: &Table) {
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.extend_from(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_never_null() {
        let col = Column::nulls(Type::String, 2);
        assert!(!col.is_null(0));
        assert_eq!(col.get(1), Value::String(empty_str()));
    }

    #[test]
    fn push_converts_between_numeric_types() {
        let mut col = Column::empty(Type::Real);
        col.push(&Value::Long(3));
        col.push(&Value::String(Arc::from("x")));
        assert_eq!(col, Column::Real(vec![Some(3.0), None]));
    }

    #[test]
    fn take_filter_slice() {
        let col = Column::Long(vec![Some(1), None, Some(3)]);
        assert_eq!(col.take(&[2, 0]), Column::Long(vec![Some(3), Some(1)]));
        assert_eq!(
            col.filter(&[false, true, true]),
            Column::Long(vec![None, Some(3)])
        );
        assert_eq!(col.slice(1, 1), Column::Long(vec![None]));
    }
}
