//! Aggregate functions: the registry `bind` consults and the grouped accumulators `summarize`
//! runs.

use super::LookupError;
use crate::plan::BoundExpr;
use crate::table::{Column, Type};

/// A resolved aggregate. Each yields one column; `bind` expands the multi-column forms
/// (`arg_max(X, *)`, `percentiles(X, 50, 95)`) into several of these.
#[derive(Debug, Clone, PartialEq)]
pub enum AggregateFunc {
    Count,
}

/// Grouped state of one aggregate.
pub trait Accumulator: Send {
    /// Fold rows in: row i of `args` belongs to group `groups[i]`. Group numbers are dense and
    /// only grow; a group first seen here starts empty.
    fn update(&mut self, groups: &[usize], args: &[Column]);
    /// The result for groups `0..num_groups`.
    fn finish(self: Box<Self>, num_groups: usize) -> Column;
}

impl AggregateFunc {
    /// Fresh state for this aggregate over arguments of `arg_types`, yielding `result`.
    pub fn accumulator(&self, _arg_types: &[Type], _result: Type) -> Box<dyn Accumulator> {
        match self {
            AggregateFunc::Count => Box::new(CountAcc(Vec::new())),
        }
    }
}

struct CountAcc(Vec<i64>);

impl Accumulator for CountAcc {
    fn update(&mut self, groups: &[usize], _args: &[Column]) {
        for &g in groups {
            if g >= self.0.len() {
                self.0.resize(g + 1, 0);
            }
            self.0[g] += 1;
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.0.resize(num_groups, 0);
        Column::Long(self.0.into_iter().map(Some).collect())
    }
}

/// Resolve aggregate `name` over bound `args`.
pub fn lookup(name: &str, args: &[BoundExpr]) -> Result<(AggregateFunc, Type), LookupError> {
    match name {
        "count" if args.is_empty() => Ok((AggregateFunc::Count, Type::Long)),
        _ => Err(LookupError::Unknown),
    }
}

/// Every aggregate name, for suggestions.
pub fn names() -> &'static [&'static str] {
    &["count"]
}
