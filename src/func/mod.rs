//! Built-in functions: scalar functions (`func::scalar`) and aggregates (`func::aggregate`). One
//! registry each: `bind` looks a name up with the bound arguments and gets the implementation and
//! result type; `eval` and the executor call the implementation.

pub mod aggregate;
pub mod plugin;
pub mod scalar;
pub mod series;

pub use aggregate::{Accumulator, AggregateFunc};
pub use scalar::ScalarFunc;

/// What a function needs beyond its arguments.
#[derive(Debug, Clone, Copy)]
pub struct EvalContext {
    /// `now()`, as ticks since the Unix epoch (pinned by `--now`).
    pub now: i64,
}

/// What a result-type rule may know of one argument: its type, its value when it is a literal,
/// and whether it names a column. `plan::BoundExpr::as_arg` gives it; taking this rather than the
/// bound expression keeps `func` below `plan`.
#[derive(Debug, Clone, Copy)]
pub struct Arg<'a> {
    pub ty: crate::value::Type,
    pub literal: Option<&'a crate::value::Value>,
    pub is_column: bool,
}

impl<'a> Arg<'a> {
    /// An argument that is neither a literal nor a column (a computed value) of type `ty`.
    pub fn computed(ty: crate::value::Type) -> Arg<'static> {
        Arg {
            ty,
            literal: None,
            is_column: false,
        }
    }

    /// A column of type `ty`.
    pub fn column(ty: crate::value::Type) -> Arg<'static> {
        Arg {
            ty,
            literal: None,
            is_column: true,
        }
    }

    /// A literal value of type `ty`.
    pub fn literal(value: &'a crate::value::Value, ty: crate::value::Type) -> Arg<'a> {
        Arg {
            ty,
            literal: Some(value),
            is_column: false,
        }
    }

    /// `null` written as a literal (dynamic-typed): acceptable wherever a value is.
    pub fn is_untyped_null(&self) -> bool {
        use crate::value::Value;
        matches!(
            self.literal,
            Some(Value::Null | Value::Dynamic(serde_json::Value::Null))
        ) && self.ty == crate::value::Type::Dynamic
    }
}

/// Why a call cannot be bound.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupError {
    /// No function of that name.
    Unknown,
    /// Wrong number of arguments; the message says what the function takes.
    Arity(String),
    /// Argument `index` has the wrong type or must be a constant; the message says which.
    Argument { index: usize, message: String },
}
