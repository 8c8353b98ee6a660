//! Aggregate functions: the registry `bind` consults (`lookup`) and the grouped accumulators
//! `summarize` runs. Accumulators are vectorised: `update` takes a batch's argument columns and
//! each row's group number; state is one slot per group. Nulls are skipped; over no values,
//! `count`/`dcount`/`sum`/`variance`/`stdev` give 0, `make_*` give `[]`, the rest null (the
//! defaults Kusto documents for `summarize`).

mod collect;
mod numeric;
mod pick;

use std::borrow::Cow;

use super::LookupError;
use crate::eval::{Arr, Datum};
use crate::plan::BoundExpr;
use crate::table::{Column, Type};

/// A resolved aggregate. Each yields one column; `bind` expands the multi-column forms
/// (`arg_max(X, *)`, `percentiles(X, 50, 95)`) into several of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFunc {
    /// `count()` (rows) or `count(x)` (non-null values).
    Count,
    CountIf,
    Sum,
    SumIf,
    Avg,
    AvgIf,
    Min,
    Max,
    MinIf,
    MaxIf,
    /// `dcount(x [, accuracy])`, `count_distinct(x)`: exact.
    DCount,
    DCountIf,
    /// `make_set(x [, max])`: first-occurrence order; array inputs contribute their elements.
    MakeSet,
    MakeSetIf,
    MakeList,
    MakeListIf,
    MakeBag,
    MakeBagIf,
    /// `[by, value]`: the value at the row with the largest `by` (first such row wins).
    ArgMax,
    ArgMin,
    /// `take_any(x)` / `any(x)`: the first non-null value seen.
    TakeAny,
    /// `take_anyif(x, p)` / `anyif(x, p)`: the first non-null value among rows where `p` holds.
    TakeAnyIf,
    /// `[x, p]`: nearest-rank percentile, exact.
    Percentile,
    Stdev,
    StdevP,
    Variance,
    VarianceP,
    StdevIf,
    VarianceIf,
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
    pub fn accumulator(&self, arg_types: &[Type], result: Type) -> Box<dyn Accumulator> {
        use AggregateFunc as A;
        let input = arg_types.first().copied().unwrap_or(Type::Long);
        match self {
            A::Count => Box::new(numeric::Count::default()),
            A::CountIf => Box::new(numeric::Count::counting_true()),
            A::Sum => Box::new(numeric::Sum::new(result)),
            A::SumIf => filtered(1, numeric::Sum::new(result)),
            A::Avg => Box::new(numeric::Avg::new(result)),
            A::AvgIf => filtered(1, numeric::Avg::new(result)),
            A::Min => Box::new(pick::Extreme::new(result, true)),
            A::Max => Box::new(pick::Extreme::new(result, false)),
            A::MinIf => filtered(1, pick::Extreme::new(result, true)),
            A::MaxIf => filtered(1, pick::Extreme::new(result, false)),
            A::DCount => Box::new(collect::DCount::default()),
            A::DCountIf => filtered(1, collect::DCount::default()),
            A::MakeSet => Box::new(collect::MakeList::new(true)),
            A::MakeSetIf => filtered(1, collect::MakeList::new(true)),
            A::MakeList => Box::new(collect::MakeList::new(false)),
            A::MakeListIf => filtered(1, collect::MakeList::new(false)),
            A::MakeBag => Box::new(collect::MakeBag::default()),
            A::MakeBagIf => filtered(1, collect::MakeBag::default()),
            A::ArgMax => Box::new(pick::ArgExtreme::new(input, result, false)),
            A::ArgMin => Box::new(pick::ArgExtreme::new(input, result, true)),
            A::TakeAny => Box::new(pick::TakeAny::new(result)),
            A::TakeAnyIf => filtered(1, pick::TakeAny::new(result)),
            A::Percentile => Box::new(numeric::Percentile::new(result)),
            A::Stdev => Box::new(numeric::Spread::new(true, true)),
            A::StdevP => Box::new(numeric::Spread::new(true, false)),
            A::Variance => Box::new(numeric::Spread::new(false, true)),
            A::VarianceP => Box::new(numeric::Spread::new(false, false)),
            A::StdevIf => filtered(1, numeric::Spread::new(true, true)),
            A::VarianceIf => filtered(1, numeric::Spread::new(false, true)),
        }
    }
}

/// An `*if` aggregate: rows whose predicate (argument `pred`) is not true are dropped, and the
/// predicate is removed from the arguments the inner aggregate sees.
struct Filtered<A> {
    pred: usize,
    inner: A,
}

fn filtered<A: Accumulator + 'static>(pred: usize, inner: A) -> Box<dyn Accumulator> {
    Box::new(Filtered { pred, inner })
}

impl<A: Accumulator> Accumulator for Filtered<A> {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(pred) = args.get(self.pred) else {
            return;
        };
        let keep: Vec<bool> = match pred {
            Column::Bool(v) => v.iter().map(|b| *b == Some(true)).collect(),
            other => {
                let d = Datum::Column(Cow::Borrowed(other));
                let b = d.bools();
                (0..groups.len()).map(|i| *b.get(i) == Some(true)).collect()
            }
        };
        let groups: Vec<usize> = groups
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(g, _)| *g)
            .collect();
        let rest: Vec<Column> = args
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != self.pred)
            .map(|(_, c)| c.filter(&keep))
            .collect();
        self.inner.update(&groups, &rest);
    }

    fn finish(self: Box<Self>, num_groups: usize) -> Column {
        Box::new(self.inner).finish(num_groups)
    }
}

/// Grow `v` so that slot `g` exists.
fn slot<T: Clone>(v: &mut Vec<T>, g: usize, fill: T) -> &mut T {
    if g >= v.len() {
        v.resize(g + 1, fill);
    }
    &mut v[g]
}

/// A column as a typed view (borrowed when it already has the type).
fn view(col: &Column) -> Datum<'_> {
    Datum::Column(Cow::Borrowed(col))
}

/// A per-call constant argument (a percentile, a maximum size), read from its first row.
fn constant_long(args: &[Column], index: usize) -> Option<i64> {
    let col = args.get(index)?;
    if col.is_empty() {
        return None;
    }
    match view(col).longs() {
        Arr::One(v) => v,
        a => *a.get(0),
    }
}

/// Resolve aggregate `name` over bound `args`.
pub fn lookup(name: &str, args: &[BoundExpr]) -> Result<(AggregateFunc, Type), LookupError> {
    use AggregateFunc as A;
    let (func, min, max) = match name {
        "count" => (A::Count, 0, 1),
        "countif" => (A::CountIf, 1, 1),
        "sum" => (A::Sum, 1, 1),
        "sumif" => (A::SumIf, 2, 2),
        "avg" => (A::Avg, 1, 1),
        "avgif" => (A::AvgIf, 2, 2),
        "min" => (A::Min, 1, 1),
        "max" => (A::Max, 1, 1),
        "minif" => (A::MinIf, 2, 2),
        "maxif" => (A::MaxIf, 2, 2),
        "dcount" => (A::DCount, 1, 2),
        "count_distinct" => (A::DCount, 1, 1),
        "dcountif" => (A::DCountIf, 2, 3),
        "count_distinctif" => (A::DCountIf, 2, 2),
        "make_set" | "makeset" => (A::MakeSet, 1, 2),
        "make_set_if" => (A::MakeSetIf, 2, 3),
        "make_list" | "makelist" => (A::MakeList, 1, 2),
        "make_list_if" => (A::MakeListIf, 2, 3),
        "make_bag" => (A::MakeBag, 1, 2),
        "make_bag_if" => (A::MakeBagIf, 2, 3),
        "arg_max" => (A::ArgMax, 2, 2),
        "arg_min" => (A::ArgMin, 2, 2),
        "take_any" | "any" => (A::TakeAny, 1, 1),
        "take_anyif" | "anyif" => (A::TakeAnyIf, 2, 2),
        "percentile" => (A::Percentile, 2, 2),
        "stdev" => (A::Stdev, 1, 1),
        "stdevp" => (A::StdevP, 1, 1),
        "variance" => (A::Variance, 1, 1),
        "variancep" => (A::VarianceP, 1, 1),
        "stdevif" => (A::StdevIf, 2, 2),
        "varianceif" => (A::VarianceIf, 2, 2),
        _ => return Err(LookupError::Unknown),
    };
    if args.len() < min || args.len() > max {
        let takes = if min == max {
            format!("{min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(LookupError::Arity(format!(
            "`{name}` takes {takes} argument{}, found {}",
            if max == 1 { "" } else { "s" },
            args.len()
        )));
    }
    let input = args.first().map_or(Type::Long, |a| a.ty);
    let ty = match func {
        A::Count | A::CountIf | A::DCount | A::DCountIf => Type::Long,
        A::Sum | A::SumIf => match input {
            Type::Int | Type::Long | Type::Bool => Type::Long,
            Type::TimeSpan => Type::TimeSpan,
            Type::Real | Type::Dynamic => Type::Real,
            other => return Err(not_summable(name, other)),
        },
        A::Avg | A::AvgIf => match input {
            Type::TimeSpan | Type::DateTime => input,
            Type::Int | Type::Long | Type::Real | Type::Dynamic | Type::Bool => Type::Real,
            other => return Err(not_summable(name, other)),
        },
        A::Min | A::Max | A::MinIf | A::MaxIf | A::TakeAny | A::TakeAnyIf => input,
        A::ArgMax | A::ArgMin => args[1].ty,
        A::MakeSet | A::MakeSetIf | A::MakeList | A::MakeListIf | A::MakeBag | A::MakeBagIf => {
            Type::Dynamic
        }
        A::Percentile => match input {
            Type::Int | Type::Long => Type::Long,
            Type::TimeSpan | Type::DateTime => input,
            _ => Type::Real,
        },
        A::Stdev | A::StdevP | A::Variance | A::VarianceP | A::StdevIf | A::VarianceIf => {
            Type::Real
        }
    };
    Ok((func, ty))
}

fn not_summable(name: &str, ty: Type) -> LookupError {
    LookupError::Argument {
        index: 0,
        message: format!("`{name}` needs a number or timespan, found {ty}"),
    }
}

/// Every aggregate name, for suggestions.
pub fn names() -> &'static [&'static str] {
    &[
        "count",
        "countif",
        "sum",
        "sumif",
        "avg",
        "avgif",
        "min",
        "max",
        "minif",
        "maxif",
        "dcount",
        "count_distinct",
        "dcountif",
        "count_distinctif",
        "make_set",
        "makeset",
        "make_set_if",
        "makelist",
        "make_list",
        "make_list_if",
        "make_bag",
        "make_bag_if",
        "arg_max",
        "arg_min",
        "take_any",
        "any",
        "take_anyif",
        "anyif",
        "percentile",
        "percentiles",
        "stdev",
        "stdevp",
        "variance",
        "variancep",
        "stdevif",
        "varianceif",
    ]
}

#[cfg(test)]
mod tests;
