//! A scalar function as data: one [`ScalarDef`] row holds everything about a function — its
//! names (the first is canonical, the rest aliases), how many arguments it takes, the rule for
//! its result type, the vectorised kernel, and how an unnamed result column is named. Each
//! family module (`datetime`, `math`, `string`, …) lists its rows in a `FUNCTIONS` table and the
//! registry lists the families; adding a function is adding a row (and its `ScalarFunc` tag,
//! which plans store).

use super::ScalarFunc;
use crate::error::Error;
use crate::func::Arg;
use crate::func::{EvalContext, LookupError};
use crate::table::{Column, Type};
use crate::value::datum::Datum;

/// No fixed upper bound on the argument count.
pub const MANY: usize = 64;

/// The kernel: `len` rows of the arguments in, a column of the promised type out. It is handed
/// its function's tag, so that one kernel can serve a family keyed by it (the element-wise
/// `series_*` functions share `func::series::call`).
pub type Kernel = fn(ScalarFunc, &[Datum], Type, usize, &EvalContext) -> Result<Column, Error>;

/// The result type of a call.
#[derive(Clone, Copy)]
pub enum ResultType {
    /// Always this type.
    Fixed(Type),
    /// Computed from the bound arguments (their types, literal values); may reject them.
    Rule(fn(&[Arg]) -> Result<Type, LookupError>),
}

/// How the column of an unnamed call is named (Kusto's function table; checked with kusto-ref).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `Column1`, `Column2`, … (most functions).
    Positional,
    /// `tostring(X)`, `bin(X, 1h)` → `X`.
    First,
    /// `strlen(X)` → `strlen_X`.
    NameAndFirst,
    /// `make_datetime(X)` → `X` only when there is exactly one argument.
    OnlyArgument,
    /// `gettype(X)` → `type_X`.
    Prefix(&'static str),
    /// `array_sort_asc(X)` → `X_sorted`.
    Suffix(&'static str),
}

/// One scalar function.
#[derive(Clone, Copy)]
pub struct ScalarDef {
    /// The tag plans and `eval` carry.
    pub func: ScalarFunc,
    /// The canonical name, then aliases (`iff`, `iif`).
    pub names: &'static [&'static str],
    /// Fewest and most arguments ([`MANY`] for no limit).
    pub arity: (usize, usize),
    pub result: ResultType,
    pub run: Kernel,
    pub naming: Naming,
}
