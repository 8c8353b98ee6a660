//! `pivot(PivotColumn [, Aggregation] [, Column…])`: the distinct values of the pivot column
//! become columns, one row per combination of the grouping columns, each cell the aggregation
//! over the rows with that value (by default `count()`). `bind` summarizes by the grouping
//! columns and the pivot column's text; `reshape` turns that into the wide table. The value
//! columns are in the order of their names, as the doc page's output shows; a missing
//! combination holds what the aggregation gives over no rows (0 for `count()`).
//! <https://learn.microsoft.com/en-us/kusto/query/pivot-plugin>

use std::collections::HashMap;

use super::invalid;
use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Column, Field, Schema, Table, Value};

/// `summarized` holds the `groups` grouping columns, then the pivot value's text, then the
/// aggregate; `empty` is the aggregate over no rows.
pub fn reshape(
    summarized: &Table,
    groups: usize,
    empty: &Value,
    meter: &Meter,
) -> Result<Table, Error> {
    let keys = &summarized.columns[groups];
    let cells = &summarized.columns[groups + 1];
    let value_type = summarized.schema.fields[groups + 1].ty;
    let mut names: Vec<String> = (0..keys.len())
        .map(|i| crate::format::value_text(&keys.get(i)))
        .collect();
    names.sort();
    names.dedup();
    let group_names: Vec<&str> = summarized.schema.fields[..groups]
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    if let Some(clash) = names.iter().find(|n| group_names.contains(&n.as_str())) {
        return Err(invalid(format!(
            "the pivot value `{clash}` is also the name of a grouping column"
        )));
    }
    let column_of: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();

    // Rows: one per distinct group tuple, in order of first appearance.
    let mut row_of: HashMap<Vec<String>, usize> = HashMap::new();
    let mut first_rows: Vec<usize> = Vec::new();
    let mut grid: Vec<Vec<Option<Value>>> = Vec::new();
    for i in 0..summarized.num_rows() {
        meter.check_every(i)?;
        let tuple: Vec<String> = summarized.columns[..groups]
            .iter()
            .map(|c| format!("{:?}", c.get(i)))
            .collect();
        let row = *row_of.entry(tuple).or_insert_with(|| {
            first_rows.push(i);
            grid.push(vec![None; names.len()]);
            grid.len() - 1
        });
        let name = crate::format::value_text(&keys.get(i));
        grid[row][column_of[name.as_str()]] = Some(cells.get(i));
    }

    let mut fields: Vec<Field> = summarized.schema.fields[..groups].to_vec();
    let mut columns: Vec<Column> = summarized.columns[..groups]
        .iter()
        .map(|c| c.take(&first_rows))
        .collect();
    // The grid is rows × names cells.
    let mut pacer = meter.pacer();
    for (j, name) in names.iter().enumerate() {
        let mut column = Column::with_capacity(value_type, grid.len());
        for row in &grid {
            pacer.step()?;
            column.push(row[j].as_ref().unwrap_or(empty));
        }
        fields.push(Field::new(name.clone(), value_type));
        columns.push(column);
    }
    Ok(Table::new(Schema::new(fields), columns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Type;

    #[test]
    fn values_become_sorted_columns_and_gaps_take_the_empty_value() {
        let summarized = Table::new(
            Schema::new(vec![
                Field::new("g", Type::String),
                Field::new("__pivot", Type::String),
                Field::new("__value", Type::Long),
            ]),
            vec![
                Column::String(vec!["a".into(), "a".into(), "b".into()]),
                Column::String(vec!["y".into(), "x".into(), "y".into()]),
                Column::Long(vec![Some(1), Some(2), Some(3)]),
            ],
        );
        let out = reshape(&summarized, 1, &Value::Long(0), &Meter::default()).unwrap();
        let names: Vec<&str> = out.schema.names().collect();
        assert_eq!(names, ["g", "x", "y"]);
        assert_eq!(out.columns[1], Column::Long(vec![Some(2), Some(0)]));
        assert_eq!(out.columns[2], Column::Long(vec![Some(1), Some(3)]));
        let clash = Table::new(summarized.schema.clone(), summarized.columns.clone());
        let mut renamed = clash;
        renamed.columns[1] = Column::String(vec!["g".into(); 3]);
        assert!(reshape(&renamed, 1, &Value::Long(0), &Meter::default()).is_err());
    }
}
