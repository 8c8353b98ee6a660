//! What the pattern-mining plugins (`basket`, `diffpatterns`) share: the input's rows as sets of
//! `column == value` items, the item sets every row of which passes an anti-monotone test (as
//! Apriori grows them, level by level, each set's rows kept to meet with the next item's), and a
//! pattern's output row with wildcards in the columns it leaves free.

use std::collections::HashMap;

use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Table, Type, Value};

/// The input's rows as items: each distinct `column == value` (null and empty values are not
/// items: they are what the wildcard shows) and, per item, the rows holding it.
pub struct Items {
    /// (column, value) of each item.
    pub items: Vec<(usize, Value)>,
    /// Each item's rows, ascending.
    pub rows: Vec<Vec<u32>>,
}

/// The items of `input`'s rows, leaving out the columns in `skip`.
pub fn items(input: &Table, skip: &[usize], meter: &Meter) -> Result<Items, Error> {
    let mut out = Items {
        items: Vec::new(),
        rows: Vec::new(),
    };
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
    for r in 0..input.num_rows() {
        meter.check_every(r)?;
        for c in (0..input.columns.len()).filter(|c| !skip.contains(c)) {
            let v = input.columns[c].get(r);
            if v.is_null() || v == Value::String("".into()) {
                continue;
            }
            let id = *index.entry((c, format!("{v:?}"))).or_insert_with(|| {
                out.items.push((c, v));
                out.rows.push(Vec::new());
                out.items.len() - 1
            });
            out.rows[id].push(r as u32);
        }
    }
    Ok(out)
}

/// A set of items (their indexes, ascending) and the rows holding all of them.
pub type ItemSet = (Vec<usize>, Vec<u32>);

/// Every item set of at most `max_items` items (at most one per column) whose rows pass `keep`,
/// with those rows. `keep` must be anti-monotone: if a set's rows fail, so do a larger set's.
pub fn mine(
    items: &Items,
    max_items: usize,
    keep: impl Fn(&[u32]) -> bool,
    meter: &Meter,
) -> Result<Vec<ItemSet>, Error> {
    // Each pair of sets tried intersects two row lists: a step.
    let mut pacer = meter.pacer();
    let mut found = Vec::new();
    let mut level: Vec<(Vec<usize>, Vec<u32>)> = (0..items.items.len())
        .filter(|&i| keep(&items.rows[i]))
        .map(|i| (vec![i], items.rows[i].clone()))
        .collect();
    while !level.is_empty() {
        let mut next = Vec::new();
        if level[0].0.len() < max_items {
            for (a, (left, left_rows)) in level.iter().enumerate() {
                for (right, _) in &level[a + 1..] {
                    let k = left.len();
                    if left[..k - 1] != right[..k - 1] {
                        break; // the level is in order: no later set shares the prefix
                    }
                    pacer.step()?;
                    let y = right[k - 1];
                    if items.items[left[k - 1]].0 == items.items[y].0 {
                        continue; // two values of one column never meet in a row
                    }
                    let meet = intersect(left_rows, &items.rows[y]);
                    if keep(&meet) {
                        let mut set = left.clone();
                        set.push(y);
                        next.push((set, meet));
                    }
                }
            }
        }
        found.append(&mut level);
        level = next;
    }
    Ok(found)
}

/// The output values of a pattern: its items' values in their columns, wildcards elsewhere.
pub fn pattern(items: &Items, set: &[usize], wildcards: &[Value]) -> Vec<Value> {
    let mut values = wildcards.to_vec();
    for &i in set {
        values[items.items[i].0] = items.items[i].1.clone();
    }
    values
}

/// Each column's wildcard (see `wildcard`).
pub fn wildcards(input: &Table, custom: &[Value]) -> Vec<Value> {
    input
        .schema
        .fields
        .iter()
        .map(|f| wildcard(f.ty, custom))
        .collect()
}

/// The wildcard of a column: a custom one of its type (an int one serves a long column and the
/// other way round), else null, or the empty string for a string column.
pub fn wildcard(ty: Type, custom: &[Value]) -> Value {
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

/// `100 * part / whole` to two decimals (0 of nothing is 0).
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (10_000.0 * part as f64 / whole as f64).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Field, Schema};

    #[test]
    fn sets_grow_while_their_rows_pass() {
        let input = Table::new(
            Schema::new(vec![
                Field::new("a", Type::String),
                Field::new("b", Type::Long),
            ]),
            vec![
                Column::String(vec!["x".into(), "x".into(), "y".into(), "".into()]),
                Column::Long(vec![Some(1), Some(1), Some(1), None]),
            ],
        );
        let items = items(&input, &[], &Meter::default()).unwrap();
        assert_eq!(items.items.len(), 3); // a=x, b=1, a=y
        let sets = mine(&items, 5, |rows| rows.len() >= 2, &Meter::default()).unwrap();
        let found: Vec<Vec<usize>> = sets.iter().map(|s| s.0.clone()).collect();
        assert_eq!(found, vec![vec![0], vec![1], vec![0, 1]]);
        assert_eq!(sets[2].1, vec![0, 1]);
        assert_eq!(
            mine(&items, 1, |rows| rows.len() >= 2, &Meter::default())
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            pattern(
                &items,
                &[2],
                &wildcards(&input, &[Value::String("*".into())])
            ),
            vec![Value::String("y".into()), Value::Null]
        );
        assert_eq!(percent(1, 3), 33.33);
    }
}
