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
