//! Scalar functions: the registry `bind` consults and the vectorised implementations.

use super::LookupError;
use crate::plan::BoundExpr;
use crate::table::Type;

/// A resolved scalar function.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarFunc {
    Strlen,
}

/// Resolve `name` applied to `args` (bound, so their types and any literal values are known;
/// `typeof(int)` arrives as a string literal naming the type).
pub fn lookup(name: &str, args: &[BoundExpr]) -> Result<(ScalarFunc, Type), LookupError> {
    match name {
        "strlen" if args.len() == 1 => Ok((ScalarFunc::Strlen, Type::Long)),
        _ => Err(LookupError::Unknown),
    }
}

/// Every scalar function name, for suggestions.
pub fn names() -> &'static [&'static str] {
    &["strlen"]
}
