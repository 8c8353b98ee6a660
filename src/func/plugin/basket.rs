//! `basket([Threshold, WeightColumn, MaxDimensions, CustomWildcard, …])`: frequent patterns of
//! column values (Apriori). A pattern is a set of `column == value` items, at most one per
//! column and at most `MaxDimensions` of them; it is frequent when the rows holding it weigh at
//! least `Threshold` of all rows. Of the frequent patterns only the closed ones are returned (no
//! frequent pattern with one more item covers the same rows), which is what the doc page prints:
//! its `Damage == "NO"`, true only where `DamageCrops == 0`, shows only together with it.
//!
//! Output: `SegmentId`, `Count` (the rows' weight), `Percent` (of all rows, to two decimals, as
//! the `diffpatterns` page prints them), then the input's columns holding the pattern's values
//! and a wildcard elsewhere. Rows go by `Count` (largest first), then fewer items first; Kusto's
//! own order (and, near the threshold, its sampled choice of patterns) may differ.
//! <https://learn.microsoft.com/en-us/kusto/query/basket-plugin>

use super::activity::Rows;
use super::itemsets::{self, percent};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Column, Field, Table, Type, Value};

pub struct Options {
    pub threshold: f64,
    /// The input column holding each row's weight (else each row weighs 1).
    pub weight: Option<usize>,
    pub max_dimensions: usize,
    /// The value standing for "any value" in a column of each type.
    pub wildcards: Vec<Value>,
}

/// Each row's weight: the weight column's whole value (null or negative: 0), else 1.
pub(super) fn weights(input: &Table, column: Option<usize>) -> Vec<i64> {
    let Some(c) = column else {
        return vec![1; input.num_rows()];
    };
    let column: &Column = &input.columns[c];
    (0..input.num_rows())
        .map(|r| match column.get(r) {
            Value::Long(w) => w.max(0),
            Value::Int(w) => i64::from(w).max(0),
            Value::Real(w) if w > 0.0 => w as i64,
            _ => 0,
        })
        .collect()
}

pub fn basket(input: &Table, options: &Options, meter: &Meter) -> Result<Table, Error> {
    let skip: Vec<usize> = options.weight.into_iter().collect();
    let items = itemsets::items(input, &skip, meter)?;
    let weight = weights(input, options.weight);
    let total: i64 = weight.iter().sum();
    let weigh = |rows: &[u32]| -> i64 { rows.iter().map(|&r| weight[r as usize]).sum() };
    let least = (options.threshold * total as f64).max(f64::MIN_POSITIVE);
    let frequent: Vec<(Vec<usize>, i64)> = itemsets::mine(
        &items,
        options.max_dimensions,
        |rows| weigh(rows) as f64 >= least,
        meter,
    )?
    .into_iter()
    .map(|(set, rows)| (set, weigh(&rows)))
    .collect();
    // Closed: no frequent set with one more item has the same weight.
    // Each set is compared with every other: many frequent sets are many steps.
    let mut pacer = meter.pacer();
    let mut closed: Vec<&(Vec<usize>, i64)> = Vec::new();
    for candidate in &frequent {
        pacer.step()?;
        let (set, s) = candidate;
        let is_closed = !frequent.iter().any(|(other, t)| {
            t == s && other.len() == set.len() + 1 && set.iter().all(|i| other.contains(i))
        });
        if is_closed {
            closed.push(candidate);
        }
    }
    closed.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.len().cmp(&b.0.len()))
            .then(a.0.cmp(&b.0))
    });

    let mut fields = vec![
        Field::new("SegmentId", Type::Long),
        Field::new("Count", Type::Long),
        Field::new("Percent", Type::Real),
    ];
    fields.extend(input.schema.fields.iter().cloned());
    let wildcards = itemsets::wildcards(input, &options.wildcards);
    let mut out = Rows::new(fields, meter);
    for (segment, (set, count)) in closed.into_iter().enumerate() {
        let mut row = vec![
            Value::Long(segment as i64),
            Value::Long(*count),
            Value::Real(percent(*count, total)),
        ];
        row.extend(itemsets::pattern(&items, set, &wildcards));
        out.push(&row)?;
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Schema};

    fn input() -> Table {
        // a: x x x x y; b: 1 1 1 2 2 (x always with 1 except once).
        Table::new(
            Schema::new(vec![
                Field::new("a", Type::String),
                Field::new("b", Type::Long),
            ]),
            vec![
                Column::String(vec![
                    "x".into(),
                    "x".into(),
                    "x".into(),
                    "x".into(),
                    "y".into(),
                ]),
                Column::Long(vec![Some(1), Some(1), Some(1), Some(2), Some(2)]),
            ],
        )
    }

    #[test]
    fn closed_frequent_patterns_with_wildcards() {
        let options = Options {
            threshold: 0.4,
            weight: None,
            max_dimensions: 5,
            wildcards: Vec::new(),
        };
        let out = basket(&input(), &options, &Meter::default()).unwrap();
        let rows: Vec<Vec<Value>> = out.rows().collect();
        // {a=x} 4, {b=1} 3 = {a=x, b=1} 3 (so only the pair), {b=2} 2; {y} 1 is below 40%.
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0][1..],
            [
                Value::Long(4),
                Value::Real(80.0),
                Value::String("x".into()),
                Value::Null
            ]
        );
        assert_eq!(
            rows[1][1..],
            [
                Value::Long(3),
                Value::Real(60.0),
                Value::String("x".into()),
                Value::Long(1)
            ]
        );
        assert_eq!(rows[2][3..], [Value::String("".into()), Value::Long(2)]);
        let custom = Options {
            wildcards: vec![Value::String("*".into()), Value::Int(-1)],
            ..options
        };
        let out = basket(&input(), &custom, &Meter::default()).unwrap();
        assert_eq!(out.columns[4].get(0), Value::Long(-1));
        assert_eq!(out.columns[3].get(2), Value::String("*".into()));
    }

    #[test]
    fn max_dimensions_bounds_the_patterns() {
        let options = Options {
            threshold: 0.4,
            weight: None,
            max_dimensions: 1,
            wildcards: Vec::new(),
        };
        let out = basket(&input(), &options, &Meter::default()).unwrap();
        assert_eq!(out.num_rows(), 3); // {x}, {1}, {2}
    }
}
