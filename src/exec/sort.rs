//! Row order: `sort`, `top` (sort with a bound on the rows kept) and `take`.
//!
//! Sort keys are evaluated per batch and kept beside the rows; the order is computed once over
//! the key columns as a permutation, then every column is gathered through it. `top n` keeps at
//! most about 2n rows: whenever the buffer grows past that it is cut back to the best n.
//! Ties keep input order (the sort is stable), as Kusto's is.

use super::{eval_expr, Flow, Meter, Sink};
use crate::error::Error;
use crate::func::EvalContext;
use crate::plan::{BoundSortKey, ExprNode};
use crate::table::{Column, Schema, Table};
use std::borrow::Cow;
use std::cmp::Ordering;

/// `take n`: pass batches until `n` rows went through, then ask the producer to stop.
pub(super) fn take(
    count: usize,
    out: &mut Sink<'_>,
    run_input: impl FnOnce(&mut Sink<'_>) -> Result<Flow, Error>,
) -> Result<Flow, Error> {
    if count == 0 {
        return Ok(Flow::More);
    }
    let mut remaining = count;
    let mut downstream = Flow::More;
    run_input(&mut |batch: Table| {
        let rows = batch.num_rows().min(remaining);
        remaining -= rows;
        let batch = if rows < batch.num_rows() {
            let columns = batch.columns.iter().map(|c| c.slice(0, rows)).collect();
            Table::new(batch.schema, columns)
        } else {
            batch
        };
        downstream = super::emit(batch, out)?;
        Ok(if remaining == 0 {
            Flow::Stop
        } else {
            downstream
        })
    })?;
    // The input stopping because this `take` is satisfied is no reason for the operators
    // above to stop; only their own sink's answer is.
    Ok(downstream)
}

/// The state of `sort` (no limit) and `top n` (limit n): rows seen so far with their key values.
pub(super) struct TopRows<'a> {
    keys: &'a [BoundSortKey],
    limit: Option<usize>,
    ctx: &'a EvalContext,
    /// Once the query is cancelled, comparisons stop looking at values (the sort then ends
    /// in a moment) and `finish` fails.
    meter: &'a Meter,
    /// The kept rows' columns, then one column per sort key. Empty until the first batch.
    buffer: Vec<Column>,
    width: usize,
}

impl<'a> TopRows<'a> {
    pub(super) fn new(
        keys: &'a [BoundSortKey],
        limit: Option<usize>,
        ctx: &'a EvalContext,
        meter: &'a Meter,
    ) -> TopRows<'a> {
        TopRows {
            keys,
            limit,
            ctx,
            meter,
            buffer: Vec::new(),
            width: 0,
        }
    }

    pub(super) fn add(&mut self, batch: Table) -> Result<(), Error> {
        if batch.num_rows() == 0 || self.limit == Some(0) {
            return Ok(());
        }
        // Keys that are plain columns are read from the kept columns; others are kept beside.
        let computed = self
            .keys
            .iter()
            .filter(|k| !matches!(k.expr.kind, ExprNode::Column(_)))
            .map(|k| eval_expr(&k.expr, &batch, self.ctx).map(Cow::into_owned))
            .collect::<Result<Vec<_>, _>>()?;
        if self.buffer.is_empty() {
            self.width = batch.columns.len();
            self.buffer = batch.columns;
            self.buffer.extend(computed);
        } else {
            for (kept, new) in self
                .buffer
                .iter_mut()
                .zip(batch.columns.iter().chain(&computed))
            {
                kept.extend_from(new);
            }
        }
        if let Some(limit) = self.limit {
            if self.rows() >= limit.saturating_mul(2).max(1024) {
                self.keep_best(limit);
                self.meter.check()?;
            }
        }
        Ok(())
    }

    /// The buffer column holding each sort key's values.
    fn key_columns(&self) -> Vec<&Column> {
        let mut next_computed = self.width;
        self.keys
            .iter()
            .map(|k| match k.expr.kind {
                ExprNode::Column(i) => &self.buffer[i],
                _ => {
                    next_computed += 1;
                    &self.buffer[next_computed - 1]
                }
            })
            .collect()
    }

    fn rows(&self) -> usize {
        self.buffer.first().map_or(0, Column::len)
    }

    /// Cut the buffer to its best `limit` rows, in order.
    fn keep_best(&mut self, limit: usize) {
        let order = self.order(Some(limit));
        self.buffer = self.buffer.iter().map(|c| c.take(&order)).collect();
    }

    /// Row numbers of the buffer in sort order (only the first `limit` when given).
    fn order(&self, limit: Option<usize>) -> Vec<usize> {
        let key_columns = self.key_columns();
        let compare = row_comparator(&key_columns, self.keys);
        // Ties break on the row number, so the order is total and unstable algorithms keep
        // the input order of equal rows.
        // A sort of many rows can outlast `--timeout` or `--max-memory` with no batch boundary
        // to notice: every `CHECK_INTERVAL` comparisons ask the meter, and once it says the
        // budget is spent the rest compare by row number alone, which finishes at once; the
        // caller's next `check` then reports the limit.
        let (mut comparisons, mut spent) = (0usize, false);
        let mut compare = |a: &usize, b: &usize| {
            comparisons += 1;
            if !spent && self.meter.check_every(comparisons).is_err() {
                spent = true;
            }
            if spent {
                return a.cmp(b);
            }
            compare(*a, *b).then(a.cmp(b))
        };
        let mut order: Vec<usize> = (0..self.rows()).collect();
        match limit {
            Some(limit) if limit < order.len() => {
                order.select_nth_unstable_by(limit, &mut compare);
                order.truncate(limit);
            }
            _ => {}
        }
        order.sort_unstable_by(&mut compare);
        order
    }

    /// The kept rows in order, as a table of `schema`.
    pub(super) fn finish(self, schema: &Schema) -> Result<Table, Error> {
        if self.buffer.is_empty() {
            return Ok(Table::empty(schema.clone()));
        }
        let order = self.order(self.limit);
        self.meter.check()?;
        let columns = self.buffer[..self.width]
            .iter()
            .map(|c| c.take(&order))
            .collect();
        Ok(super::batch(schema, columns))
    }
}

/// A comparison of two rows by `keys`, whose values are in `columns`.
pub(super) fn row_comparator<'c>(
    columns: &[&'c Column],
    keys: &[BoundSortKey],
) -> impl Fn(usize, usize) -> Ordering + 'c {
    let comparators: Vec<_> = columns
        .iter()
        .zip(keys)
        .map(|(column, key)| column_comparator(column, key.descending, key.nulls_first))
        .collect();
    move |a, b| {
        comparators
            .iter()
            .map(|compare| compare(a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

type RowCompare<'c> = Box<dyn Fn(usize, usize) -> Ordering + 'c>;

/// Compares two rows of one column: nulls (and NaN, which Kusto groups with them, nearer the
/// values) first or last whatever the direction; strings ordinally.
pub(super) fn column_comparator(
    column: &Column,
    descending: bool,
    nulls_first: bool,
) -> RowCompare<'_> {
    fn by<'c, T>(
        values: &'c [Option<T>],
        descending: bool,
        nulls_first: bool,
        compare: fn(&T, &T) -> Ordering,
    ) -> RowCompare<'c> {
        Box::new(move |a, b| match (&values[a], &values[b]) {
            (Some(x), Some(y)) => directed(compare(x, y), descending),
            (x, y) => null_order(x.is_none(), y.is_none(), nulls_first),
        })
    }
    match column {
        Column::Bool(v) => by(v, descending, nulls_first, Ord::cmp),
        Column::Int(v) => by(v, descending, nulls_first, Ord::cmp),
        Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => {
            by(v, descending, nulls_first, Ord::cmp)
        }
        Column::Guid(v) => by(v, descending, nulls_first, Ord::cmp),
        Column::Real(v) => Box::new(move |a, b| {
            // Rank: 0 = a number, 1 = NaN, 2 = null; nulls first mirrors the ranks.
            let rank = |x: Option<f64>| match x {
                Some(r) if !r.is_nan() => 0,
                Some(_) => 1,
                None => 2,
            };
            let (x, y) = (v[a], v[b]);
            match (rank(x), rank(y)) {
                (0, 0) => directed(x.unwrap().total_cmp(&y.unwrap()), descending),
                (rx, ry) if nulls_first => ry.cmp(&rx),
                (rx, ry) => rx.cmp(&ry),
            }
        }),
        Column::String(v) => Box::new(move |a, b| directed(v[a].cmp(&v[b]), descending)),
        Column::Dynamic(v) => Box::new(move |a, b| match (&v[a], &v[b]) {
            (serde_json::Value::Null, serde_json::Value::Null) => Ordering::Equal,
            (serde_json::Value::Null, _) => null_order(true, false, nulls_first),
            (_, serde_json::Value::Null) => null_order(false, true, nulls_first),
            (x, y) => directed(compare_json(x, y), descending),
        }),
    }
}

fn directed(order: Ordering, descending: bool) -> Ordering {
    if descending {
        order.reverse()
    } else {
        order
    }
}

/// Order of two values of which at least one is null.
fn null_order(a_null: bool, b_null: bool, nulls_first: bool) -> Ordering {
    let order = a_null.cmp(&b_null); // a null sorts after a value…
    if nulls_first {
        order.reverse() // …unless nulls come first
    } else {
        order
    }
}

/// Dynamic values: numbers by value, strings ordinally, anything else by its JSON text.
fn compare_json(x: &serde_json::Value, y: &serde_json::Value) -> Ordering {
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        _ => match (x.as_str(), y.as_str()) {
            (Some(a), Some(b)) => a.cmp(b),
            _ => x.to_string().cmp(&y.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::plan::{BoundSortKey, Node, Plan};
    use crate::table::{Table, Type, Value};
    use std::sync::Arc;

    fn key(index: usize, ty: Type, descending: bool, nulls_first: bool) -> BoundSortKey {
        BoundSortKey {
            expr: col(index, ty),
            descending,
            nulls_first,
        }
    }

    fn sort(input: Table, keys: Vec<BoundSortKey>) -> Plan {
        Plan {
            schema: input.schema.clone(),
            node: Node::Sort {
                input: Arc::new(values_plan(input)),
                keys,
            },
        }
    }

    fn first_column(table: &Table) -> Vec<Value> {
        (0..table.num_rows())
            .map(|r| table.columns[0].get(r))
            .collect()
    }

    #[test]
    fn a_cancelled_sort_ends_with_the_stop_not_a_result() {
        use super::TopRows;
        use crate::error::{ErrorKind, Limit};
        use crate::exec::Budget;
        let input = values(&[("n", long(&(0..50_000).rev().collect::<Vec<_>>()))]);
        let keys = [key(0, Type::Long, false, false)];
        let ctx = crate::func::EvalContext { now: 0 };
        let budget = Budget::default();
        let meter = budget.start();
        let mut rows = TopRows::new(&keys, None, &ctx, &meter);
        rows.add(input.clone()).unwrap();
        budget
            .cancel_flag()
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let error = rows.finish(&input.schema).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Stopped(Limit::Cancelled));
        // Not cancelled: sorted.
        let meter = Budget::default().start();
        let mut rows = TopRows::new(&keys, None, &ctx, &meter);
        rows.add(input.clone()).unwrap();
        let sorted = rows.finish(&input.schema).unwrap();
        assert_eq!(first_column(&sorted)[..2], [Value::Long(0), Value::Long(1)]);
    }

    #[test]
    fn a_deadline_passing_during_the_sort_stops_it() {
        use super::TopRows;
        use crate::error::{ErrorKind, Limit};
        use crate::exec::Budget;
        let input = values(&[("n", long(&(0..50_000).rev().collect::<Vec<_>>()))]);
        let keys = [key(0, Type::Long, false, false)];
        let ctx = crate::func::EvalContext { now: 0 };
        let mut budget = Budget::default();
        budget.timeout = Some(std::time::Duration::from_millis(30));
        let meter = budget.start();
        let mut rows = TopRows::new(&keys, None, &ctx, &meter);
        rows.add(input.clone()).unwrap();
        // The rows were added in time; the deadline passes before the sort's comparisons.
        std::thread::sleep(std::time::Duration::from_millis(40));
        let order = rows.order(None);
        assert_eq!(order.len(), 50_000, "every row is still in the order");
        // Sorted, row 49,999 (n = 0) would come first; the spent sort gave up on the keys.
        assert_ne!(order[0], 49_999);
        let error = rows.finish(&input.schema).unwrap_err();
        assert!(matches!(error.kind, ErrorKind::Stopped(Limit::Timeout(_))));
    }

    #[test]
    fn nulls_first_or_last_in_either_direction() {
        let input = values(&[("x", longs(&[Some(2), None, Some(3), Some(1)]))]);
        let l = |v: i64| Value::Long(v);
        let asc_nulls_first = run(sort(input.clone(), vec![key(0, Type::Long, false, true)]));
        assert_eq!(
            first_column(&asc_nulls_first),
            [Value::Null, l(1), l(2), l(3)]
        );
        let desc_nulls_last = run(sort(input.clone(), vec![key(0, Type::Long, true, false)]));
        assert_eq!(
            first_column(&desc_nulls_last),
            [l(3), l(2), l(1), Value::Null]
        );
        let desc_nulls_first = run(sort(input, vec![key(0, Type::Long, true, true)]));
        assert_eq!(
            first_column(&desc_nulls_first),
            [Value::Null, l(3), l(2), l(1)]
        );
    }

    #[test]
    fn nan_sits_between_nulls_and_numbers() {
        let input = values(&[("x", reals(&[Some(1.0), None, Some(f64::NAN), Some(-1.0)]))]);
        let out = run(sort(input.clone(), vec![key(0, Type::Real, false, false)]));
        let text: Vec<String> = first_column(&out)
            .iter()
            .map(|v| format!("{v:?}"))
            .collect();
        assert_eq!(text, ["Real(-1.0)", "Real(1.0)", "Real(NaN)", "Null"]);
        let out = run(sort(input, vec![key(0, Type::Real, true, true)]));
        let text: Vec<String> = first_column(&out)
            .iter()
            .map(|v| format!("{v:?}"))
            .collect();
        assert_eq!(text, ["Null", "Real(NaN)", "Real(1.0)", "Real(-1.0)"]);
    }

    #[test]
    fn multi_key_sort_is_stable_and_ordinal() {
        let input = values(&[
            ("s", strings(&["b", "B", "a", "b", "a"])),
            ("n", long(&[1, 2, 3, 4, 5])),
        ]);
        let out = run(sort(input.clone(), vec![key(0, Type::String, false, true)]));
        // Upper case sorts before lower case (ordinal); equal keys keep input order.
        assert_eq!(out.columns[1], long(&[2, 3, 5, 1, 4]));
        let out = run(sort(
            input,
            vec![
                key(0, Type::String, true, false),
                key(1, Type::Long, true, false),
            ],
        ));
        assert_eq!(out.columns[1], long(&[4, 1, 5, 3, 2]));
    }

    #[test]
    fn top_keeps_the_best_rows_across_batches() {
        let n = 5000;
        let input = values(&[(
            "x",
            long(&(0..n).map(|i| (i * 7919) % n).collect::<Vec<_>>()),
        )]);
        let union_of_two = Plan {
            schema: input.schema.clone(),
            node: Node::Union {
                inputs: vec![
                    values_plan(input.clone()).into(),
                    values_plan(input.clone()).into(),
                ],
                mappings: vec![vec![Some(0)], vec![Some(0)]],
                source_names: None,
            },
        };
        let plan = Plan {
            schema: input.schema.clone(),
            node: Node::Top {
                input: Arc::new(union_of_two),
                count: 3,
                keys: vec![key(0, Type::Long, true, false)],
            },
        };
        let out = run(plan);
        assert_eq!(out.columns[0], long(&[n - 1, n - 1, n - 2]));
    }

    #[test]
    fn take_stops_early_and_take_zero_is_empty() {
        let input = values(&[("x", long(&[1, 2, 3]))]);
        let take = |count| Plan {
            schema: input.schema.clone(),
            node: Node::Take {
                input: Arc::new(values_plan(input.clone())),
                count,
            },
        };
        assert_eq!(run(take(2)).columns[0], long(&[1, 2]));
        assert_eq!(run(take(0)).num_rows(), 0);
        assert_eq!(run(take(10)).columns[0], long(&[1, 2, 3]));
    }
}
