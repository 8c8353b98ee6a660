//! Aggregate functions as data: each is one `AggregateDef` row (names, arity, result-type rule,
//! accumulator, column naming) in its family's module (`numeric`, `collect`, `pick`, `ranked`,
//! `bitwise`, `schema`, `sketch`, `digest`); `lookup`
//! resolves a call for `bind`, `accumulator` starts the grouped state `summarize` runs. Accumulators are vectorised: `update` takes a batch's argument columns and
//! each row's group number; state is one slot per group. Nulls are skipped; over no values,
//! `count`/`dcount`/`sum`/`variance`/`stdev` give 0, `make_*` give `[]`, the rest null (the
//! defaults Kusto documents for `summarize`).

mod bitwise;
mod collect;
pub mod digest;
mod numeric;
mod pick;
mod ranked;
mod schema;
pub mod sketch;

use std::borrow::Cow;

use super::LookupError;
use crate::func::Arg;
use crate::table::{Column, Type};
use crate::value::datum::{Arr, Datum};

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
    VariancePIf,
    /// `[x, y]`: sample covariance (`covariance`) and population covariance (`covariancep`).
    Covariance,
    CovarianceP,
    CovarianceIf,
    CovariancePIf,
    /// `make_list_with_nulls(x)`: like `make_list`, nulls kept as JSON nulls.
    MakeListWithNulls,
    /// `percentiles_array(x, p…)`: nearest-rank percentiles as one dynamic array.
    PercentilesArray,
    /// `[x, weight, p]`: weighted nearest-rank percentile.
    PercentileW,
    /// `[x, weight, p…]`: weighted percentiles as one dynamic array.
    PercentilesWArray,
    /// `binary_all_and(x)` and friends: bitwise fold of integers.
    BinaryAllAnd,
    BinaryAllOr,
    BinaryAllXor,
    /// `buildschema(d)`: the schema that admits every value.
    BuildSchema,
    /// `hll(x)`, `hll_if(x, p)`, `hll_merge(h)`: exact distinct sets stand in for the sketches.
    Hll,
    HllIf,
    HllMerge,
    /// `tdigest(x [, w])`, `tdigest_merge(d)`: exact digests (every distinct value a centroid).
    TDigest,
    TDigestMerge,
}

/// Grouped state of one aggregate.
pub trait Accumulator: Send {
    /// Fold rows in: row i of `args` belongs to group `groups[i]`. Group numbers are dense and
    /// only grow; a group first seen here starts empty.
    fn update(&mut self, groups: &[usize], args: &[Column]);
    /// The result for groups `0..num_groups`.
    fn finish(self: Box<Self>, num_groups: usize) -> Column;
    /// Why the result cannot be given, when a value left its type while folding (a `long` sum
    /// past 2^63 - 1): Kusto fails the query then rather than answer a wrapped number.
    fn overflow(&self) -> Option<String> {
        None
    }
}

impl AggregateFunc {
    /// Fresh state for this aggregate over arguments of `arg_types`, yielding `result`.
    pub fn accumulator(&self, arg_types: &[Type], result: Type) -> Box<dyn Accumulator> {
        (definition(*self).make)(arg_types, result)
    }
}

/// The result type of an aggregate call.
#[derive(Clone, Copy)]
pub enum AggregateResult {
    Fixed(Type),
    /// From the bound arguments; may reject them (`sum` of a string).
    Rule(fn(&[Arg]) -> Result<Type, LookupError>),
}

/// How the column of an unnamed aggregate is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateNaming {
    /// `sum(X)` → `sum_X`, `make_set(X)` → `set_X`; with no argument `count()` → `count_`.
    Prefix(&'static str),
    /// `take_anyif(X, p)` → `X`.
    First,
    /// `Column1`, ….
    Positional,
}

/// One aggregate as data: names (aliases that name their column alike share a row), arity,
/// result-type rule, the accumulator it starts, and how its column is named. Each family module
/// (`numeric`, `collect`, `pick`) lists its rows in `AGGREGATES`.
#[derive(Clone, Copy)]
pub struct AggregateDef {
    pub func: AggregateFunc,
    pub names: &'static [&'static str],
    pub arity: (usize, usize),
    pub result: AggregateResult,
    pub make: fn(&[Type], Type) -> Box<dyn Accumulator>,
    pub naming: AggregateNaming,
}

/// The families of aggregates.
const FAMILIES: &[&[AggregateDef]] = &[
    numeric::AGGREGATES,
    collect::AGGREGATES,
    pick::AGGREGATES,
    ranked::AGGREGATES,
    bitwise::AGGREGATES,
    schema::AGGREGATES,
    sketch::AGGREGATES,
    digest::AGGREGATES,
];

fn definitions() -> impl Iterator<Item = &'static AggregateDef> {
    FAMILIES.iter().flat_map(|family| family.iter())
}

fn resolve(name: &str) -> Option<&'static AggregateDef> {
    definitions().find(|def| def.names.contains(&name))
}

fn definition(func: AggregateFunc) -> &'static AggregateDef {
    definitions()
        .find(|def| def.func == func)
        .unwrap_or_else(|| panic!("{func:?} has no definition row"))
}

/// How the column of an unnamed call to aggregate `name` is named.
pub fn naming(name: &str) -> Option<AggregateNaming> {
    resolve(name).map(|def| def.naming)
}

/// An `*if` aggregate: rows whose predicate (argument `pred`) is not true are dropped, and the
/// predicate is removed from the arguments the inner aggregate sees.
struct Filtered<A> {
    pred: usize,
    inner: A,
}

pub(super) fn filtered<A: Accumulator + 'static>(pred: usize, inner: A) -> Box<dyn Accumulator> {
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

    fn overflow(&self) -> Option<String> {
        self.inner.overflow()
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
pub fn lookup(name: &str, args: &[Arg]) -> Result<(AggregateFunc, Type), LookupError> {
    let def = resolve(name).ok_or(LookupError::Unknown)?;
    let (min, max) = def.arity;
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
    let ty = match def.result {
        AggregateResult::Fixed(ty) => ty,
        AggregateResult::Rule(rule) => rule(args)?,
    };
    Ok((def.func, ty))
}

pub(super) fn not_summable(name: &str, ty: Type) -> LookupError {
    LookupError::Argument {
        index: 0,
        message: format!("`{name}` needs a number or timespan, found {ty}"),
    }
}

static NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut names: Vec<&'static str> = definitions()
        .flat_map(|def| def.names.iter().copied())
        .collect();
    // Expanded by `bind` into one aggregate per point.
    names.push("percentiles");
    names.push("percentilesw");
    names
});

/// Every aggregate name, for suggestions.
pub fn names() -> &'static [&'static str] {
    &NAMES
}

#[cfg(test)]
mod tests;
