//! `dcount_intersect(hll_1, hll_2 [, hll_3, …])`: per row, `s0` is the distinct count of the
//! first sketch, `s1` of the values in both the first and the second, and so on. The sketches
//! are `hll` values (`func::aggregate::sketch`: exact sets), so the counts are exact.
//! <https://learn.microsoft.com/en-us/kusto/query/dcount-intersect-plugin>

use std::collections::HashSet;

use super::invalid;
use crate::budget::Meter;
use crate::error::Error;
use crate::func::aggregate::sketch::members;
use crate::table::{Column, Field, Schema, Table, Type, Value};

/// `input`'s first `width` columns pass through; the columns after them are the sketches.
pub fn dcount_intersect(input: &Table, width: usize, meter: &Meter) -> Result<Table, Error> {
    let sketches = input.columns.len() - width;
    let mut counts: Vec<Vec<Option<i64>>> = vec![Vec::new(); sketches];
    for row in 0..input.num_rows() {
        meter.check_every(row)?;
        let mut common: Option<HashSet<String>> = None;
        for (k, column) in input.columns[width..].iter().enumerate() {
            let value = match column.get(row) {
                Value::Dynamic(v) => v,
                Value::Null => serde_json::Value::Null,
                other => {
                    return Err(invalid(format!(
                        "dcount_intersect takes hll() values, found {}",
                        crate::format::value_text(&other)
                    )))
                }
            };
            let items: HashSet<String> = match members(&value) {
                Some(items) => items.iter().map(|i| i.to_string()).collect(),
                None if value.is_null() => HashSet::new(),
                None => return Err(invalid("dcount_intersect takes hll() values")),
            };
            let next = match common {
                None => items,
                Some(c) => c.intersection(&items).cloned().collect(),
            };
            counts[k].push(Some(next.len() as i64));
            common = Some(next);
        }
    }
    let mut fields = input.schema.fields[..width].to_vec();
    let mut columns = input.columns[..width].to_vec();
    for (k, c) in counts.into_iter().enumerate() {
        // A name the input already has takes a number, as clashing join columns do.
        let base = format!("s{k}");
        let mut name = base.clone();
        let mut n = 1;
        while fields.iter().any(|f| f.name == name) {
            name = format!("{base}{n}");
            n += 1;
        }
        fields.push(Field::new(name, Type::Long));
        columns.push(Column::Long(c));
    }
    Ok(Table::new(Schema::new(fields), columns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_narrow_with_each_sketch() {
        let sketch = |v: serde_json::Value| json!({"exact_distinct_values": v});
        let t = Table::new(
            Schema::new(vec![
                Field::new("a", Type::Dynamic),
                Field::new("b", Type::Dynamic),
                Field::new("c", Type::Dynamic),
            ]),
            vec![
                Column::Dynamic(vec![sketch(json!([1, 2, 3, 4]))]),
                Column::Dynamic(vec![sketch(json!([2, 3, 4, 5]))]),
                Column::Dynamic(vec![sketch(json!([4, 9]))]),
            ],
        );
        let out = dcount_intersect(&t, 0, &Meter::default()).unwrap();
        assert_eq!(
            out.columns,
            vec![
                Column::Long(vec![Some(4)]),
                Column::Long(vec![Some(3)]),
                Column::Long(vec![Some(1)])
            ]
        );
        let bad = Table::new(
            Schema::new(vec![Field::new("a", Type::Dynamic)]),
            vec![Column::Dynamic(vec![json!([1])])],
        );
        assert!(dcount_intersect(&bad, 0, &Meter::default()).is_err());
    }
}
