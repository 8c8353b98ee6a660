//! `diffpatterns(SplitColumn, SplitValueA, SplitValueB [, WeightColumn, Threshold, MaxDimensions,
//! CustomWildcard, …])`: patterns of column values (sets of `column == value`, one per column, at
//! most `MaxDimensions`) whose share of set A's rows and of set B's rows differ by at least
//! `Threshold` (sets A and B: the rows whose split column reads as the split value). Of those, a
//! pattern gives way to a larger pattern containing it that differs at least as much, and then,
//! among those left, to a smaller one left that differs more: the doc page's `EventType ==
//! "Hail"` shows as `Hail` with `DamageCrops == 0` (42.7 points), not alone (35), while
//! `Thunderstorm Wind` shows alone (22.05), not with `DamageCrops == 0` (21.2). Rows go by
//! `PercentDiffAB`, largest first.
//!
//! Output: `SegmentId`, `CountA`, `CountB`, `PercentA`, `PercentB`, `PercentDiffAB` (percentages
//! to two decimals, as the page prints them), then the input's columns with the pattern's values
//! and wildcards elsewhere (the split column is always a wildcard). Kusto finds its patterns by
//! a greedy search it does not document, so its choice can differ from this one.
//! <https://learn.microsoft.com/en-us/kusto/query/diffpatterns-plugin>

use super::activity::Rows;
use super::basket::weights;
use super::itemsets::{self, percent};
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Field, Table, Type, Value};

pub struct Options {
    pub split: usize,
    pub value_a: String,
    pub value_b: String,
    pub weight: Option<usize>,
    pub threshold: f64,
    pub max_dimensions: usize,
    pub wildcards: Vec<Value>,
}

/// A candidate pattern: its items, its weight in A and in B, and their shares' difference.
struct Candidate {
    set: Vec<usize>,
    a: i64,
    b: i64,
    diff: f64,
}

pub fn diffpatterns(input: &Table, options: &Options, meter: &Meter) -> Result<Table, Error> {
    let weight = weights(input, options.weight);
    // +weight for a row of A, -weight for a row of B, 0 for the others.
    let side: Vec<i64> = (0..input.num_rows())
        .map(|r| {
            let text = crate::format::value_text(&input.columns[options.split].get(r));
            if text == options.value_a {
                weight[r]
            } else if text == options.value_b {
                -weight[r]
            } else {
                0
            }
        })
        .collect();
    let total_a: i64 = side.iter().filter(|&&w| w > 0).sum();
    let total_b: i64 = -side.iter().filter(|&&w| w < 0).sum::<i64>();
    let split = |rows: &[u32]| -> (i64, i64) {
        rows.iter()
            .fold((0, 0), |(a, b), &r| match side[r as usize] {
                w if w > 0 => (a + w, b),
                w => (a, b - w),
            })
    };
    let share = |part: i64, whole: i64| {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    };
    let mut skip = vec![options.split];
    skip.extend(options.weight);
    let items = itemsets::items(input, &skip, meter)?;
    // A pattern can differ by the threshold only if it holds that share of A or of B.
    let mined = itemsets::mine(
        &items,
        options.max_dimensions,
        |rows| {
            let (a, b) = split(rows);
            share(a, total_a) >= options.threshold || share(b, total_b) >= options.threshold
        },
        meter,
    )?;
    let candidates: Vec<Candidate> = mined
        .into_iter()
        .map(|(set, rows)| {
            let (a, b) = split(&rows);
            let diff = (share(a, total_a) - share(b, total_b)).abs();
            Candidate { set, a, b, diff }
        })
        .filter(|c| c.diff >= options.threshold)
        .collect();
    let contains = |big: &[usize], small: &[usize]| {
        big.len() > small.len() && small.iter().all(|i| big.contains(i))
    };
    // A pattern gives way to a larger one that differs at least as much, then, among those left,
    // to a smaller one left that differs more.
    // Each candidate is compared with every other: many candidates are many steps.
    let mut pacer = meter.pacer();
    let mut specific: Vec<&Candidate> = Vec::new();
    for p in &candidates {
        pacer.step()?;
        if !candidates
            .iter()
            .any(|q| contains(&q.set, &p.set) && q.diff >= p.diff)
        {
            specific.push(p);
        }
    }
    let mut kept: Vec<&Candidate> = specific
        .iter()
        .filter(|p| {
            !specific
                .iter()
                .any(|q| contains(&p.set, &q.set) && q.diff > p.diff)
        })
        .copied()
        .collect();
    kept.sort_by(|x, y| {
        y.diff
            .total_cmp(&x.diff)
            .then(x.set.len().cmp(&y.set.len()))
            .then(x.set.cmp(&y.set))
    });

    let mut fields = vec![
        Field::new("SegmentId", Type::Long),
        Field::new("CountA", Type::Long),
        Field::new("CountB", Type::Long),
        Field::new("PercentA", Type::Real),
        Field::new("PercentB", Type::Real),
        Field::new("PercentDiffAB", Type::Real),
    ];
    fields.extend(input.schema.fields.iter().cloned());
    let wildcards = itemsets::wildcards(input, &options.wildcards);
    let mut out = Rows::new(fields, meter);
    for (segment, c) in kept.into_iter().enumerate() {
        let mut row = vec![
            Value::Long(segment as i64),
            Value::Long(c.a),
            Value::Long(c.b),
            Value::Real(percent(c.a, total_a)),
            Value::Real(percent(c.b, total_b)),
            Value::Real((c.diff * 10_000.0).round() / 100.0),
        ];
        row.extend(itemsets::pattern(&items, &c.set, &wildcards));
        out.push(&row)?;
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Schema};

    #[test]
    fn patterns_that_differ_most_among_their_relatives() {
        // A (s = "a"): x1 x1 x1 y2; B (s = "b"): x2 y2 y2 y2.
        let input = Table::new(
            Schema::new(vec![
                Field::new("s", Type::String),
                Field::new("k", Type::String),
                Field::new("n", Type::Long),
            ]),
            vec![
                Column::String(
                    ["a", "a", "a", "a", "b", "b", "b", "b"]
                        .iter()
                        .map(|s| (*s).into())
                        .collect(),
                ),
                Column::String(
                    ["x", "x", "x", "y", "x", "y", "y", "y"]
                        .iter()
                        .map(|s| (*s).into())
                        .collect(),
                ),
                Column::Long([1, 1, 1, 2, 2, 2, 2, 2].iter().map(|n| Some(*n)).collect()),
            ],
        );
        let options = Options {
            split: 0,
            value_a: "a".into(),
            value_b: "b".into(),
            weight: None,
            threshold: 0.05,
            max_dimensions: usize::MAX,
            wildcards: Vec::new(),
        };
        let out = diffpatterns(&input, &options, &Meter::default()).unwrap();
        let rows: Vec<Vec<Value>> = out.rows().collect();
        // {n=2}: 25% of A, 100% of B (75 points), beating {y,2} (50) and {x,2} (25); {x,1}: 75%
        // against 0, tying {n=1} (the same rows: the larger is kept) and beating {x} (50).
        let diffs: Vec<Value> = rows.iter().map(|r| r[5].clone()).collect();
        assert_eq!(diffs, [Value::Real(75.0), Value::Real(75.0)]);
        assert_eq!(rows[0][1..3], [Value::Long(1), Value::Long(4)]);
        assert_eq!(rows[0][7..], [Value::String("".into()), Value::Long(2)]);
        assert_eq!(rows[1][1..3], [Value::Long(3), Value::Long(0)]);
        assert_eq!(rows[1][7..], [Value::String("x".into()), Value::Long(1)]);
    }
}
