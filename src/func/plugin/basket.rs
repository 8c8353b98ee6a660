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

use std::collections::HashMap;

use super::activity::Rows;
use crate::table::{Field, Table, Type, Value};

pub struct Options {
    pub threshold: f64,
    /// The input column holding each row's weight (else each row weighs 1).
    pub weight: Option<usize>,
    pub max_dimensions: usize,
    /// The value standing for "any value" in a column of each type.
    pub wildcards: Vec<Value>,
}

/// The wildcard of a column: a custom one of its type (an int one serves a long column and the
/// other way round), else null, or the empty string for a string column.
fn wildcard(ty: Type, custom: &[Value]) -> Value {
    let of = |t: Type| custom.iter().find(|v| value_type(v) == Some(t)).cloned();
    let found = of(ty).or_else(|| match ty {
        Type::Long => of(Type::Int).map(|v| match v {
            Value::Int(i) => Value::Long(i64::from(i)),
            other => other,
        }),
        Type::Int => of(Type::Long).and_then(|v| match v {
            Value::Long(l) => i32::try_from(l).ok().map(Value::Int),
            _ => None,
        }),
        _ => None,
    });
    found.unwrap_or(if ty == Type::String {
        Value::String("".into())
    } else {
        Value::Null
    })
}

fn value_type(v: &Value) -> Option<Type> {
    Some(match v {
        Value::Bool(_) => Type::Bool,
        Value::Int(_) => Type::Int,
        Value::Long(_) => Type::Long,
        Value::Real(_) => Type::Real,
        Value::DateTime(_) => Type::DateTime,
        Value::TimeSpan(_) => Type::TimeSpan,
        Value::Guid(_) => Type::Guid,
        Value::String(_) => Type::String,
        Value::Dynamic(_) => Type::Dynamic,
        Value::Null => return None,
    })
}

/// An item: (column, the value's key text).
type Item = (usize, String);

pub fn basket(input: &Table, options: &Options) -> Table {
    let width = input.columns.len();
    let mut items: Vec<Item> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut item_of: HashMap<Item, usize> = HashMap::new();
    // Each row: its weight and its items' ids, ascending.
    let mut rows: Vec<(i64, Vec<usize>)> = Vec::with_capacity(input.num_rows());
    let mut total: i64 = 0;
    for r in 0..input.num_rows() {
        let weight = match options.weight.map(|c| input.columns[c].get(r)) {
            None => 1,
            Some(Value::Long(w)) => w,
            Some(Value::Int(w)) => i64::from(w),
            Some(Value::Real(w)) => w as i64,
            Some(_) => 0,
        };
        if weight <= 0 {
            continue;
        }
        total += weight;
        let mut row_items = Vec::new();
        for c in (0..width).filter(|&c| Some(c) != options.weight) {
            let v = input.columns[c].get(r);
            if v.is_null() || v == Value::String("".into()) {
                continue;
            }
            let key = (c, format!("{v:?}"));
            let id = *item_of.entry(key.clone()).or_insert_with(|| {
                items.push(key);
                values.push(v);
                items.len() - 1
            });
            row_items.push(id);
        }
        row_items.sort_unstable();
        rows.push((weight, row_items));
    }
    let least = (options.threshold * total as f64).max(f64::MIN_POSITIVE);
    // Each item's rows (ascending); a set's rows are the meet of its items' rows.
    let mut item_rows: Vec<Vec<u32>> = vec![Vec::new(); items.len()];
    for (r, (_, have)) in rows.iter().enumerate() {
        for &i in have {
            item_rows[i].push(r as u32);
        }
    }
    let weigh = |list: &[u32]| -> i64 { list.iter().map(|&r| rows[r as usize].0).sum() };
    // Level by level: frequent sets of k items (ids ascending) with their rows, grown from
    // those of k - 1 that share all but the last item.
    let mut frequent: Vec<(Vec<usize>, i64)> = Vec::new();
    let mut level: Vec<(Vec<usize>, Vec<u32>, i64)> = (0..items.len())
        .map(|i| (vec![i], item_rows[i].clone(), weigh(&item_rows[i])))
        .filter(|(_, _, s)| *s as f64 >= least)
        .collect();
    while !level.is_empty() {
        frequent.extend(level.iter().map(|(set, _, s)| (set.clone(), *s)));
        if level[0].0.len() >= options.max_dimensions {
            break;
        }
        let mut next = Vec::new();
        for (a, (left, left_rows, _)) in level.iter().enumerate() {
            for (right, _, _) in &level[a + 1..] {
                let k = left.len();
                if left[..k - 1] != right[..k - 1] {
                    break; // the level is in order: no later set shares the prefix
                }
                let y = right[k - 1];
                if items[left[k - 1]].0 == items[y].0 {
                    continue; // two values of one column never meet in a row
                }
                let meet = intersect(left_rows, &item_rows[y]);
                let s = weigh(&meet);
                if s as f64 >= least {
                    let mut set = left.clone();
                    set.push(y);
                    next.push((set, meet, s));
                }
            }
        }
        level = next;
    }
    // Closed: no frequent set with one more item has the same support.
    let closed: Vec<&(Vec<usize>, i64)> = frequent
        .iter()
        .filter(|(set, s)| {
            !frequent.iter().any(|(other, t)| {
                t == s && other.len() == set.len() + 1 && set.iter().all(|i| other.contains(i))
            })
        })
        .collect();
    let mut closed = closed;
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
    let wildcards: Vec<Value> = input
        .schema
        .fields
        .iter()
        .map(|f| wildcard(f.ty, &options.wildcards))
        .collect();
    let mut out = Rows::new(fields);
    for (segment, (set, count)) in closed.into_iter().enumerate() {
        let mut row = vec![
            Value::Long(segment as i64),
            Value::Long(*count),
            Value::Real(percent(*count, total)),
        ];
        let mut pattern = wildcards.clone();
        for &i in set {
            pattern[items[i].0] = values[i].clone();
        }
        row.extend(pattern);
        out.push(&row);
    }
    out.finish()
}

/// The rows in both ascending lists.
fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// `100 * part / whole` to two decimals.
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (10_000.0 * part as f64 / whole as f64).round() / 100.0
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
        let out = basket(&input(), &options);
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
        let out = basket(&input(), &custom);
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
        let out = basket(&input(), &options);
        assert_eq!(out.num_rows(), 3); // {x}, {1}, {2}
    }
}
