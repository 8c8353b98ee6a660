//! Counting and arithmetic aggregates: `count`, `countif`, `sum`, `avg`, `percentile`,
//! `stdev`/`variance` (sample and population), `covariance` (sample and population).

use super::AggregateFunc as A;
use super::{constant_long, slot, view, Accumulator};
use super::{
    AggregateDef, AggregateNaming,
    AggregateResult::{Fixed, Rule},
};
use crate::table::Type as T;
use crate::table::{Column, Type};

/// `count()` and `count(x)` count rows (the docs' `summarize count(y)` counts a null `y` too);
/// `countif(p)` (`only_true`) counts rows where `p` is true.
#[derive(Default)]
pub struct Count {
    counts: Vec<i64>,
    only_true: bool,
}

impl Count {
    pub fn counting_true() -> Count {
        Count {
            counts: Vec::new(),
            only_true: true,
        }
    }
}

impl Accumulator for Count {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        match args.first().filter(|_| self.only_true) {
            None => {
                for &g in groups {
                    *slot(&mut self.counts, g, 0) += 1;
                }
            }
            Some(col) => {
                let d = view(col);
                let b = d.bools();
                for (i, &g) in groups.iter().enumerate() {
                    *slot(&mut self.counts, g, 0) += i64::from(*b.get(i) == Some(true));
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.counts.resize(num_groups, 0);
        Column::Long(self.counts.into_iter().map(Some).collect())
    }
}

/// `sum(x)`: long, timespan ticks, or real; 0 over no values. A long or timespan sum that
/// leaves 64 bits is an overflow, which fails the query as Kusto's does
/// (<https://learn.microsoft.com/kusto/concepts/overflow>).
pub struct Sum {
    result: Type,
    ints: Vec<i64>,
    reals: Vec<f64>,
    overflowed: bool,
}

impl Sum {
    pub fn new(result: Type) -> Sum {
        Sum {
            result,
            ints: Vec::new(),
            reals: Vec::new(),
            overflowed: false,
        }
    }
}

impl Accumulator for Sum {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        if self.result == Type::Real {
            let v = d.reals();
            for (i, &g) in groups.iter().enumerate() {
                if let Some(x) = v.get(i) {
                    *slot(&mut self.reals, g, 0.0) += x;
                }
            }
        } else {
            let v = d.longs();
            for (i, &g) in groups.iter().enumerate() {
                if let Some(x) = v.get(i) {
                    let s = slot(&mut self.ints, g, 0);
                    match s.checked_add(*x) {
                        Some(sum) => *s = sum,
                        None => self.overflowed = true,
                    }
                }
            }
        }
    }

    fn overflow(&self) -> Option<String> {
        self.overflowed.then(|| {
            let ty = if self.result == Type::TimeSpan { "timespan" } else { "long" };
            format!(
                "sum() overflowed: the total of its {ty} values is beyond 9223372036854775807 (or below -9223372036854775808); sum a real instead (sum(todouble(x)))"
            )
        })
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        match self.result {
            Type::Real => {
                self.reals.resize(num_groups, 0.0);
                Column::Real(self.reals.into_iter().map(Some).collect())
            }
            ty => {
                self.ints.resize(num_groups, 0);
                let v = self.ints.into_iter().map(Some).collect();
                if ty == Type::TimeSpan {
                    Column::TimeSpan(v)
                } else {
                    Column::Long(v)
                }
            }
        }
    }
}

/// `avg(x)`: real for numbers; datetimes and timespans average their ticks. Null over no values.
pub struct Avg {
    result: Type,
    sums: Vec<f64>,
    tick_sums: Vec<i128>,
    counts: Vec<i64>,
}

impl Avg {
    pub fn new(result: Type) -> Avg {
        Avg {
            result,
            sums: Vec::new(),
            tick_sums: Vec::new(),
            counts: Vec::new(),
        }
    }
}

impl Accumulator for Avg {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        if self.result == Type::Real {
            let v = d.reals();
            for (i, &g) in groups.iter().enumerate() {
                if let Some(x) = v.get(i) {
                    *slot(&mut self.sums, g, 0.0) += x;
                    *slot(&mut self.counts, g, 0) += 1;
                }
            }
        } else {
            let v = d.longs();
            for (i, &g) in groups.iter().enumerate() {
                if let Some(x) = v.get(i) {
                    *slot(&mut self.tick_sums, g, 0) += i128::from(*x);
                    *slot(&mut self.counts, g, 0) += 1;
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.counts.resize(num_groups, 0);
        match self.result {
            Type::Real => {
                self.sums.resize(num_groups, 0.0);
                Column::Real(
                    self.sums
                        .iter()
                        .zip(&self.counts)
                        .map(|(s, &n)| (n > 0).then(|| s / n as f64))
                        .collect(),
                )
            }
            ty => {
                self.tick_sums.resize(num_groups, 0);
                let v = self
                    .tick_sums
                    .iter()
                    .zip(&self.counts)
                    .map(|(s, &n)| (n > 0).then(|| (s / i128::from(n)) as i64))
                    .collect();
                if ty == Type::DateTime {
                    Column::DateTime(v)
                } else {
                    Column::TimeSpan(v)
                }
            }
        }
    }
}

/// `percentile(x, p)`: the nearest-rank value (the smallest value with at least p% of the
/// values at or below it). Keeps every value of the group.
pub struct Percentile {
    result: Type,
    percent: Option<f64>,
    ints: Vec<Vec<i64>>,
    reals: Vec<Vec<f64>>,
}

impl Percentile {
    pub fn new(result: Type) -> Percentile {
        Percentile {
            result,
            percent: None,
            ints: Vec::new(),
            reals: Vec::new(),
        }
    }

    fn rank(&self, n: usize) -> usize {
        let p = self.percent.unwrap_or(50.0).clamp(0.0, 100.0);
        let rank = (p / 100.0 * n as f64).ceil() as usize;
        rank.clamp(1, n) - 1
    }
}

impl Accumulator for Percentile {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        if self.percent.is_none() {
            self.percent = args
                .get(1)
                .and_then(|p| *view(p).reals().get(0))
                .or(constant_long(args, 1).map(|p| p as f64));
        }
        let d = view(col);
        if self.result == Type::Real {
            let v = d.reals();
            for (i, &g) in groups.iter().enumerate() {
                if let Some(x) = v.get(i).filter(|x| !x.is_nan()) {
                    slot(&mut self.reals, g, Vec::new()).push(x);
                }
            }
        } else {
            let v = d.longs();
            for (i, &g) in groups.iter().enumerate() {
                if let Some(x) = v.get(i) {
                    slot(&mut self.ints, g, Vec::new()).push(*x);
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        if self.result == Type::Real {
            let mut reals = std::mem::take(&mut self.reals);
            reals.resize(num_groups, Vec::new());
            Column::Real(
                reals
                    .into_iter()
                    .map(|mut v| {
                        if v.is_empty() {
                            return None;
                        }
                        v.sort_by(f64::total_cmp);
                        Some(v[self.rank(v.len())])
                    })
                    .collect(),
            )
        } else {
            let mut ints = std::mem::take(&mut self.ints);
            ints.resize(num_groups, Vec::new());
            let v = ints
                .into_iter()
                .map(|mut v| {
                    if v.is_empty() {
                        return None;
                    }
                    v.sort_unstable();
                    Some(v[self.rank(v.len())])
                })
                .collect();
            match self.result {
                Type::DateTime => Column::DateTime(v),
                Type::TimeSpan => Column::TimeSpan(v),
                _ => Column::Long(v),
            }
        }
    }
}

/// `stdev`/`variance` (`sample`: divide by n − 1) and `stdevp`/`variancep` (by n), by Welford's
/// running mean; 0 over fewer values than the divisor needs.
pub struct Spread {
    root: bool,
    sample: bool,
    count: Vec<f64>,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

impl Spread {
    pub fn new(root: bool, sample: bool) -> Spread {
        Spread {
            root,
            sample,
            count: Vec::new(),
            mean: Vec::new(),
            m2: Vec::new(),
        }
    }
}

impl Accumulator for Spread {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        let v = d.reals();
        for (i, &g) in groups.iter().enumerate() {
            let Some(x) = *v.get(i) else { continue };
            let n = slot(&mut self.count, g, 0.0);
            *n += 1.0;
            let n = *n;
            let mean = slot(&mut self.mean, g, 0.0);
            let delta = x - *mean;
            *mean += delta / n;
            let delta2 = x - *mean;
            *slot(&mut self.m2, g, 0.0) += delta * delta2;
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.count.resize(num_groups, 0.0);
        self.m2.resize(num_groups, 0.0);
        Column::Real(
            self.count
                .iter()
                .zip(&self.m2)
                .map(|(&n, &m2)| {
                    let div = if self.sample { n - 1.0 } else { n };
                    let var = if div > 0.0 { m2 / div } else { 0.0 };
                    Some(if self.root { var.sqrt() } else { var })
                })
                .collect(),
        )
    }
}

/// `covariance(x, y)` (`sample`: divide by n − 1) and `covariancep(x, y)` (by n): the running
/// co-moment of the pairs where both are non-null; 0 over fewer pairs than the divisor needs.
pub struct Covariance {
    sample: bool,
    count: Vec<f64>,
    mean_x: Vec<f64>,
    mean_y: Vec<f64>,
    co: Vec<f64>,
}

impl Covariance {
    pub fn new(sample: bool) -> Covariance {
        Covariance {
            sample,
            count: Vec::new(),
            mean_x: Vec::new(),
            mean_y: Vec::new(),
            co: Vec::new(),
        }
    }
}

impl Accumulator for Covariance {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let (Some(xs), Some(ys)) = (args.first(), args.get(1)) else {
            return;
        };
        let (dx, dy) = (view(xs), view(ys));
        let (xs, ys) = (dx.reals(), dy.reals());
        for (i, &g) in groups.iter().enumerate() {
            let (Some(x), Some(y)) = (*xs.get(i), *ys.get(i)) else {
                continue;
            };
            let n = slot(&mut self.count, g, 0.0);
            *n += 1.0;
            let n = *n;
            let mean_x = slot(&mut self.mean_x, g, 0.0);
            let dx = x - *mean_x;
            *mean_x += dx / n;
            let mean_y = slot(&mut self.mean_y, g, 0.0);
            *mean_y += (y - *mean_y) / n;
            let after_y = y - *mean_y;
            *slot(&mut self.co, g, 0.0) += dx * after_y;
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.count.resize(num_groups, 0.0);
        self.co.resize(num_groups, 0.0);
        Column::Real(
            self.count
                .iter()
                .zip(&self.co)
                .map(|(&n, &co)| {
                    let div = if self.sample { n - 1.0 } else { n };
                    Some(if div > 0.0 { co / div } else { 0.0 })
                })
                .collect(),
        )
    }
}

/// `sum`/`sumif`: long for integers and bools, timespan for timespans, real otherwise.
fn sum_type(name: &str, args: &[crate::func::Arg]) -> Result<T, crate::func::LookupError> {
    Ok(match args.first().map_or(T::Long, |a| a.ty) {
        T::Int | T::Long | T::Bool => T::Long,
        T::TimeSpan => T::TimeSpan,
        T::Real | T::Dynamic => T::Real,
        other => return Err(super::not_summable(name, other)),
    })
}

/// `avg`/`avgif`: real for numbers, a datetime or timespan keeps its type.
fn avg_type(name: &str, args: &[crate::func::Arg]) -> Result<T, crate::func::LookupError> {
    Ok(match args.first().map_or(T::Long, |a| a.ty) {
        input @ (T::TimeSpan | T::DateTime) => input,
        T::Int | T::Long | T::Real | T::Dynamic | T::Bool => T::Real,
        other => return Err(super::not_summable(name, other)),
    })
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[
    AggregateDef {
        func: A::Count,
        names: &["count"],
        arity: (0, 1),
        result: Fixed(T::Long),
        make: |_arg_types, _result| Box::new(Count::default()),
        naming: AggregateNaming::Prefix("count"),
    },
    AggregateDef {
        func: A::CountIf,
        names: &["countif"],
        arity: (1, 1),
        result: Fixed(T::Long),
        make: |_arg_types, _result| Box::new(Count::counting_true()),
        naming: AggregateNaming::Prefix("countif"),
    },
    AggregateDef {
        func: A::Sum,
        names: &["sum"],
        arity: (1, 1),
        result: Rule(|args| sum_type("sum", args)),
        make: |_arg_types, result| Box::new(Sum::new(result)),
        naming: AggregateNaming::Prefix("sum"),
    },
    AggregateDef {
        func: A::SumIf,
        names: &["sumif"],
        arity: (2, 2),
        result: Rule(|args| sum_type("sumif", args)),
        make: |_arg_types, result| super::filtered(1, Sum::new(result)),
        naming: AggregateNaming::Prefix("sumif"),
    },
    AggregateDef {
        func: A::Avg,
        names: &["avg"],
        arity: (1, 1),
        result: Rule(|args| avg_type("avg", args)),
        make: |_arg_types, result| Box::new(Avg::new(result)),
        naming: AggregateNaming::Prefix("avg"),
    },
    AggregateDef {
        func: A::AvgIf,
        names: &["avgif"],
        arity: (2, 2),
        result: Rule(|args| avg_type("avgif", args)),
        make: |_arg_types, result| super::filtered(1, Avg::new(result)),
        naming: AggregateNaming::Prefix("avgif"),
    },
    AggregateDef {
        func: A::Percentile,
        names: &["percentile"],
        arity: (2, 2),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(match input {
                T::Int | T::Long => T::Long,
                T::TimeSpan | T::DateTime => input,
                _ => T::Real,
            })
        }),
        make: |_arg_types, result| Box::new(Percentile::new(result)),
        naming: AggregateNaming::Positional,
    },
    AggregateDef {
        func: A::Stdev,
        names: &["stdev"],
        arity: (1, 1),
        result: Fixed(T::Real),
        make: |_arg_types, _result| Box::new(Spread::new(true, true)),
        naming: AggregateNaming::Prefix("stdev"),
    },
    AggregateDef {
        func: A::StdevP,
        names: &["stdevp"],
        arity: (1, 1),
        result: Fixed(T::Real),
        make: |_arg_types, _result| Box::new(Spread::new(true, false)),
        naming: AggregateNaming::Prefix("stdevp"),
    },
    AggregateDef {
        func: A::Variance,
        names: &["variance"],
        arity: (1, 1),
        result: Fixed(T::Real),
        make: |_arg_types, _result| Box::new(Spread::new(false, true)),
        naming: AggregateNaming::Prefix("variance"),
    },
    AggregateDef {
        func: A::VarianceP,
        names: &["variancep"],
        arity: (1, 1),
        result: Fixed(T::Real),
        make: |_arg_types, _result| Box::new(Spread::new(false, false)),
        naming: AggregateNaming::Prefix("variancep"),
    },
    AggregateDef {
        func: A::StdevIf,
        names: &["stdevif"],
        arity: (2, 2),
        result: Fixed(T::Real),
        make: |_arg_types, _result| super::filtered(1, Spread::new(true, true)),
        naming: AggregateNaming::Prefix("stdevif"),
    },
    AggregateDef {
        func: A::VarianceIf,
        names: &["varianceif"],
        arity: (2, 2),
        result: Fixed(T::Real),
        make: |_arg_types, _result| super::filtered(1, Spread::new(false, true)),
        naming: AggregateNaming::Prefix("varianceif"),
    },
    AggregateDef {
        func: A::VariancePIf,
        names: &["variancepif"],
        arity: (2, 2),
        result: Fixed(T::Real),
        make: |_arg_types, _result| super::filtered(1, Spread::new(false, false)),
        naming: AggregateNaming::Prefix("variancepif"),
    },
    AggregateDef {
        func: A::Covariance,
        names: &["covariance"],
        arity: (2, 2),
        result: Fixed(T::Real),
        make: |_arg_types, _result| Box::new(Covariance::new(true)),
        naming: AggregateNaming::Prefix("covariance"),
    },
    AggregateDef {
        func: A::CovarianceP,
        names: &["covariancep"],
        arity: (2, 2),
        result: Fixed(T::Real),
        make: |_arg_types, _result| Box::new(Covariance::new(false)),
        naming: AggregateNaming::Prefix("covariancep"),
    },
    AggregateDef {
        func: A::CovarianceIf,
        names: &["covarianceif"],
        arity: (3, 3),
        result: Fixed(T::Real),
        make: |_arg_types, _result| super::filtered(2, Covariance::new(true)),
        naming: AggregateNaming::Prefix("covarianceif"),
    },
    AggregateDef {
        func: A::CovariancePIf,
        names: &["covariancepif"],
        arity: (3, 3),
        result: Fixed(T::Real),
        make: |_arg_types, _result| super::filtered(2, Covariance::new(false)),
        naming: AggregateNaming::Prefix("covariancepif"),
    },
];
