//! `mv-expand`: one output row per element of a dynamic array or property bag. Several columns
//! expand in parallel (the shorter ones padded with null); a null value yields one row with
//! null, an empty array or bag yields no row; `limit` caps the rows made from one input row.
//! Bags expand to single-entry bags (`kind=bag`, the default) or `[key, value]` arrays
//! (`kind=array`).
//!
//! Kusto's `limit` defaults to 2147483647 rows per input row (the mv-expand operator page,
//! <https://learn.microsoft.com/kusto/query/mv-expand-operator>), so there is no row limit of
//! its own: output goes on in batches of about [`OUTPUT_ROWS`] rows with the query's meter
//! asked between them, which bounds chained expansions (cross products) by `--max-memory` and
//! `--timeout`.

use super::convert::json_to_value;
use super::{batch, emit, Flow, Meter, Sink};
use crate::error::Error;
use crate::plan::MvExpandItem;
use crate::table::{value_to_json, Column, Schema, Table, Type};
use serde_json::Value as Json;

/// What expanding a batch yields: one column per item, and for every output row the input row
/// it came from and its position in that row's array or bag.
pub(super) struct Expansion {
    pub items: Vec<Column>,
    pub source_rows: Vec<usize>,
    pub positions: Vec<Option<i64>>,
}

pub(super) struct MvExpand<'a> {
    pub items: &'a [MvExpandItem],
    pub bag_as_array: bool,
    pub item_index: bool,
    pub limit: Option<usize>,
    pub schema: &'a Schema,
}

/// About how many values one output batch holds: a row counts 1, plus the top-level elements
/// of the dynamic values it carries along unexpanded (they are copied into every output row).
const OUTPUT_WEIGHT: usize = 64 * 1024;

/// Output rows `from..to` of input row `row` (elements `from..to` of its expanded items).
type Segment = (usize, usize, usize);

impl MvExpand<'_> {
    /// Send on the expansion of `input` in batches of about [`OUTPUT_WEIGHT`] values (a row's
    /// expansion is split across batches when it is that large), asking `meter` before each.
    pub(super) fn apply_batched(
        &self,
        input: &Table,
        meter: &Meter,
        out: &mut Sink<'_>,
    ) -> Result<Flow, Error> {
        let carried: Vec<&Column> = (0..input.columns.len())
            .filter(|&i| self.items.iter().all(|item| item.column != i))
            .map(|i| &input.columns[i])
            .filter(|c| c.ty() == Type::Dynamic)
            .collect();
        let mut segments: Vec<Segment> = Vec::new();
        let mut weight = 0;
        for row in 0..input.num_rows() {
            let row_weight = 1 + carried.iter().map(|c| element_count(c, row)).sum::<usize>();
            let count = self.row_count(input, row);
            let mut from = 0;
            while from < count {
                let room = (OUTPUT_WEIGHT.saturating_sub(weight) / row_weight).max(1);
                let to = count.min(from + room);
                segments.push((row, from, to));
                weight += (to - from) * row_weight;
                from = to;
                if weight >= OUTPUT_WEIGHT {
                    meter.check()?;
                    let expanded = self.apply_segments(input, &segments);
                    if emit(expanded, out)? == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                    (segments, weight) = (Vec::new(), 0);
                }
            }
        }
        meter.check()?;
        emit(self.apply_segments(input, &segments), out)
    }

    /// How many rows `input[row]` expands to: its longest item, up to `limit`.
    fn row_count(&self, input: &Table, row: usize) -> usize {
        self.items
            .iter()
            .map(|item| element_count(&input.columns[item.column], row))
            .max()
            .unwrap_or(0)
            .min(self.limit.unwrap_or(usize::MAX))
    }

    /// Every row's whole expansion.
    fn whole_rows(&self, input: &Table) -> Vec<Segment> {
        (0..input.num_rows())
            .map(|row| (row, 0, self.row_count(input, row)))
            .collect()
    }

    fn apply_segments(&self, input: &Table, segments: &[Segment]) -> Table {
        let expansion = self.expand_segments(input, segments);
        let mut expanded = expansion.items.into_iter();
        let mut columns: Vec<Column> = (0..input.columns.len())
            .map(|i| {
                if self.items.iter().any(|item| item.column == i) {
                    Column::empty(Type::Dynamic) // replaced below, in item order
                } else {
                    input.columns[i].take(&expansion.source_rows)
                }
            })
            .collect();
        for item in self.items {
            columns[item.column] = expanded.next().expect("one column per item");
        }
        if self.item_index {
            columns.push(Column::Long(expansion.positions));
        }
        batch(self.schema, columns)
    }

    /// The expanded item columns of every row of `input`, with the input row and the element
    /// position of each output row.
    pub(super) fn expand(&self, input: &Table) -> Expansion {
        self.expand_segments(input, &self.whole_rows(input))
    }

    fn expand_segments(&self, input: &Table, segments: &[Segment]) -> Expansion {
        let rows: usize = segments.iter().map(|&(_, from, to)| to - from).sum();
        let mut source_rows = Vec::with_capacity(rows);
        let mut positions: Vec<Option<i64>> = Vec::with_capacity(rows);
        let mut items: Vec<Column> = self
            .items
            .iter()
            .map(|item| Column::with_capacity(item.to, rows))
            .collect();
        for &(row, from, to) in segments {
            for (item, out) in self.items.iter().zip(&mut items) {
                let column = &input.columns[item.column];
                self.push_elements(column, row, from..to, item.to, out);
            }
            source_rows.extend(std::iter::repeat_n(row, to - from));
            positions.extend((from as i64..to as i64).map(Some));
        }
        Expansion {
            items,
            source_rows,
            positions,
        }
    }

    /// Append elements `range` of `column[row]` to `out`, padding with nulls past its end.
    fn push_elements(
        &self,
        column: &Column,
        row: usize,
        range: std::ops::Range<usize>,
        to: Type,
        out: &mut Column,
    ) {
        let (skip, count) = (range.start, range.len());
        let mut pushed = 0;
        let mut push = |out: &mut Column, element: Json| {
            match out {
                Column::Dynamic(values) => values.push(element),
                typed => typed.push(&json_to_value(&element, to)),
            }
            pushed += 1;
        };
        match column {
            Column::Dynamic(values) => match &values[row] {
                Json::Array(elements) => {
                    for element in elements.iter().skip(skip).take(count) {
                        push(out, element.clone());
                    }
                }
                Json::Object(bag) => {
                    for (key, value) in bag.iter().skip(skip).take(count) {
                        let element = if self.bag_as_array {
                            Json::Array(vec![Json::String(key.clone()), value.clone()])
                        } else {
                            let mut single = serde_json::Map::new();
                            single.insert(key.clone(), value.clone());
                            Json::Object(single)
                        };
                        push(out, element);
                    }
                }
                scalar if count > 0 && skip == 0 => push(out, scalar.clone()),
                _ => {}
            },
            // A column that is not dynamic holds one value per row: it expands to itself.
            other if count > 0 && skip == 0 => push(out, value_to_json(&other.get(row))),
            _ => {}
        }
        for _ in pushed..count {
            out.push(&crate::table::Value::Null);
        }
    }
}

/// How many rows `column[row]` expands to: its elements, or 1 for null and scalars.
fn element_count(column: &Column, row: usize) -> usize {
    match column {
        Column::Dynamic(values) => match &values[row] {
            Json::Array(elements) => elements.len(),
            Json::Object(bag) => bag.len(),
            _ => 1,
        },
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::plan::{MvExpandItem, Node, Plan};
    use crate::table::{Table, Type, Value};
    use serde_json::json;
    use std::sync::Arc;

    fn expand(
        input: Table,
        items: Vec<MvExpandItem>,
        bag_as_array: bool,
        item_index: bool,
        limit: Option<usize>,
    ) -> Plan {
        let mut fields: Vec<(String, Type)> = input
            .schema
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.ty))
            .collect();
        for item in &items {
            fields[item.column].1 = item.to;
        }
        if item_index {
            fields.push(("i".into(), Type::Long));
        }
        let fields: Vec<(&str, Type)> = fields.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        Plan {
            schema: schema(&fields),
            node: Node::MvExpand {
                input: Arc::new(values_plan(input)),
                items,
                bag_as_array,
                item_index,
                limit,
            },
        }
    }

    fn item(column: usize, to: Type) -> MvExpandItem {
        MvExpandItem { column, to }
    }

    #[test]
    fn large_expansions_go_on_in_batches_and_stop_when_cancelled() {
        use super::{MvExpand, OUTPUT_WEIGHT};
        use crate::exec::{Budget, Flow};
        // Two rows of 100,000 elements, each carrying a 10-element array: one row's expansion
        // weighs 1.1 M, so it is split across batches, in order, with its positions.
        let long: Vec<i64> = (0..100_000).collect();
        let input = values(&[
            ("d", dynamics(&[json!(long), json!(long)])),
            (
                "c",
                dynamics(&[
                    json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                    json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                ]),
            ),
        ]);
        let plan = expand(input.clone(), vec![item(0, Type::Long)], false, true, None);
        let expand = MvExpand {
            items: &[item(0, Type::Long)],
            bag_as_array: false,
            item_index: true,
            limit: None,
            schema: &plan.schema,
        };
        let mut sizes = Vec::new();
        let mut all = Table::empty(plan.schema.clone());
        let budget = Budget::default();
        let flow = expand.apply_batched(&input, &budget.start(), &mut |batch| {
            sizes.push(batch.num_rows());
            all.append(&batch);
            Ok(Flow::More)
        });
        assert_eq!(flow.unwrap(), Flow::More);
        assert!(sizes.len() > 30, "{sizes:?}");
        assert!(
            sizes.iter().all(|&n| n * 11 <= OUTPUT_WEIGHT + 11),
            "{sizes:?}"
        );
        let got = rows(&all);
        assert_eq!(got.len(), 200_000);
        for (k, row) in got.iter().enumerate() {
            let n = (k % 100_000) as i64;
            assert_eq!(
                (&row[0], &row[2]),
                (&Value::Long(n), &Value::Long(n)),
                "row {k}"
            );
        }
        assert_eq!(
            got[0][1],
            Value::Dynamic(json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
        );
        // Cancelled: the next batch is not made.
        budget
            .cancel_flag()
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let mut made = 0;
        let stopped = expand.apply_batched(&input, &budget.start(), &mut |_| {
            made += 1;
            Ok(Flow::More)
        });
        assert!(stopped.is_err());
        assert_eq!(made, 0);
    }

    #[test]
    fn arrays_expand_null_keeps_a_row_empty_drops_it() {
        let input = values(&[
            ("k", strings(&["a", "b", "c"])),
            ("d", dynamics(&[json!([1, 2]), json!(null), json!([])])),
        ]);
        let out = run(expand(
            input,
            vec![item(1, Type::Dynamic)],
            false,
            true,
            None,
        ));
        assert_eq!(
            rows(&out),
            vec![
                vec![str_value("a"), Value::Dynamic(json!(1)), Value::Long(0)],
                vec![str_value("a"), Value::Dynamic(json!(2)), Value::Long(1)],
                vec![str_value("b"), Value::Dynamic(json!(null)), Value::Long(0)],
            ]
        );
    }

    #[test]
    fn parallel_expansion_pads_and_converts() {
        let input = values(&[
            ("a", dynamics(&[json!([1, 2, 3])])),
            ("b", dynamics(&[json!(["x"])])),
        ]);
        let out = run(expand(
            input,
            vec![item(0, Type::Long), item(1, Type::String)],
            false,
            false,
            Some(2),
        ));
        assert_eq!(
            rows(&out),
            vec![
                vec![Value::Long(1), str_value("x")],
                vec![Value::Long(2), str_value("")],
            ]
        );
    }

    #[test]
    fn bags_expand_as_bags_or_pairs() {
        let input = values(&[("d", dynamics(&[json!({"p": 1, "q": "z"})]))]);
        let out = run(expand(
            input.clone(),
            vec![item(0, Type::Dynamic)],
            false,
            false,
            None,
        ));
        assert_eq!(
            rows(&out),
            vec![
                vec![Value::Dynamic(json!({"p": 1}))],
                vec![Value::Dynamic(json!({"q": "z"}))]
            ]
        );
        let out = run(expand(
            input,
            vec![item(0, Type::Dynamic)],
            true,
            false,
            None,
        ));
        assert_eq!(
            rows(&out),
            vec![
                vec![Value::Dynamic(json!(["p", 1]))],
                vec![Value::Dynamic(json!(["q", "z"]))]
            ]
        );
    }

    #[test]
    fn mv_apply_runs_the_body_over_each_rows_items() {
        use crate::func::AggregateFunc;
        use crate::plan::BoundAggregate;
        let input = values(&[
            ("k", strings(&["a", "b", "c"])),
            ("d", dynamics(&[json!([5, 6, 7]), json!([]), json!([8])])),
        ]);
        let items = Plan {
            schema: schema(&[("d", Type::Long), ("i", Type::Long)]),
            node: Node::ApplyInput,
        };
        // The body counts the row's items (at most `limit` = 2 of them).
        let body = Plan {
            schema: schema(&[("n", Type::Long)]),
            node: Node::Summarize {
                input: Arc::new(items),
                keys: vec![],
                aggregates: vec![BoundAggregate {
                    func: AggregateFunc::Count,
                    args: vec![],
                    ty: Type::Long,
                }],
            },
        };
        let plan = Plan {
            schema: schema(&[("k", Type::String), ("n", Type::Long)]),
            node: Node::MvApply {
                input: Arc::new(values_plan(input)),
                items: vec![item(1, Type::Long)],
                item_index: true,
                limit: Some(2),
                keep: vec![0],
                body: Arc::new(body),
            },
        };
        assert_eq!(
            rows(&run(plan)),
            vec![
                vec![str_value("a"), Value::Long(2)],
                vec![str_value("b"), Value::Long(0)],
                vec![str_value("c"), Value::Long(1)],
            ]
        );
    }
}
