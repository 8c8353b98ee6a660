//! `narrow()`: every cell of the input becomes a row `Row` (the input row's 0-based number, int),
//! `Column` (its column's name), `Value` (its text, as `tostring` gives it).
//! <https://learn.microsoft.com/en-us/kusto/query/narrow-plugin>

use crate::budget::Meter;
use crate::error::Error;
use crate::func::scalar::convert::cast_column;
use crate::table::{Column, Field, Schema, Table, Type, Value};

pub fn schema() -> Schema {
    Schema::new(vec![
        Field::new("Row", Type::Int),
        Field::new("Column", Type::String),
        Field::new("Value", Type::String),
    ])
}

pub fn narrow(input: &Table, meter: &Meter) -> Result<Table, Error> {
    let texts: Vec<Column> = input
        .columns
        .iter()
        .map(|c| cast_column(c.clone(), Type::String))
        .collect();
    let rows = input.num_rows();
    let cells = rows * texts.len();
    let mut row_col = Column::with_capacity(Type::Int, cells);
    let mut name_col = Column::with_capacity(Type::String, cells);
    let mut value_col = Column::with_capacity(Type::String, cells);
    // A step per cell: a wide input has many cells per row.
    let mut pacer = meter.pacer();
    for row in 0..rows {
        for (field, text) in input.schema.fields.iter().zip(&texts) {
            pacer.step()?;
            row_col.push(&Value::Int(row as i32));
            name_col.push(&Value::String(field.name.as_str().into()));
            value_col.push(&text.get(row));
        }
    }
    Ok(Table::new(schema(), vec![row_col, name_col, value_col]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cell_is_a_row_and_nulls_are_empty_text() {
        let t = Table::new(
            Schema::new(vec![
                Field::new("a", Type::Long),
                Field::new("b", Type::Bool),
            ]),
            vec![
                Column::Long(vec![Some(1), None]),
                Column::Bool(vec![Some(true), Some(false)]),
            ],
        );
        let out = narrow(&t, &Meter::default()).unwrap();
        assert_eq!(
            out.columns[0],
            Column::Int(vec![Some(0), Some(0), Some(1), Some(1)])
        );
        let values: Vec<String> = out
            .rows()
            .map(|r| crate::format::value_text(&r[2]))
            .collect();
        // As `tostring` gives them (Kusto writes bools as .NET does).
        assert_eq!(values, ["1", "True", "", "False"]);
        assert_eq!(
            narrow(&Table::empty(t.schema.clone()), &Meter::default())
                .unwrap()
                .num_rows(),
            0
        );
    }
}
