//! `make-series` results as chart rows. A make-series row holds whole series: an axis array
//! (datetimes or numbers) and one numeric array per aggregate, named by the row's `by` columns.
//! [`unroll`] turns each such row into one chart row per array position, so the line, area,
//! column and scatter charts draw one series per row and value column, exactly as they draw the
//! long form `summarize … by bin(T, 1h), Key` gives.

use super::properties::ChartSpec;
use crate::func::scalar::convert::parse_datetime;
use crate::table::{Column, Field, Schema, Table, Type};
use serde_json::Value as J;
use std::sync::Arc;

/// What an array column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ArrayKind {
    Times,
    Numbers,
}

/// The kind of every array in `column` (nulls and empty arrays fit either); `None` when a cell
/// is not an array or mixes kinds.
fn array_kind(column: &Column) -> Option<ArrayKind> {
    let Column::Dynamic(cells) = column else {
        return None;
    };
    let mut kind = None;
    let mut arrays = 0;
    for cell in cells {
        match cell {
            J::Null => continue,
            J::Array(items) => {
                arrays += 1;
                for item in items {
                    let this = match item {
                        J::Null => continue,
                        J::Number(_) => ArrayKind::Numbers,
                        J::String(s) if parse_datetime(s).is_some() => ArrayKind::Times,
                        _ => return None,
                    };
                    if kind.is_some_and(|k| k != this) {
                        return None;
                    }
                    kind = Some(this);
                }
            }
            _ => return None,
        }
    }
    (arrays > 0).then_some(kind.unwrap_or(ArrayKind::Numbers))
}

/// When `table` holds series arrays, the table with one row per array position and the spec
/// with its roles made explicit (x = the axis, series = the other columns); `None` for a table
/// without array columns, which charts as it is.
pub fn unroll(table: &Table, spec: &ChartSpec) -> Option<(Table, ChartSpec)> {
    let kinds: Vec<Option<ArrayKind>> = table.columns.iter().map(array_kind).collect();
    let arrays: Vec<usize> = (0..kinds.len()).filter(|&i| kinds[i].is_some()).collect();
    if arrays.is_empty() {
        return None;
    }
    let named = |name: &str| table.schema.index_of(name).filter(|i| arrays.contains(i));
    // The axis: `xcolumn=`, else the datetime array, else (make-series puts its axis last) the
    // last array when there are several; a single numeric array is plotted against positions.
    let axis = spec
        .xcolumn
        .as_deref()
        .and_then(named)
        .or_else(|| {
            arrays
                .iter()
                .copied()
                .find(|&i| kinds[i] == Some(ArrayKind::Times))
        })
        .or_else(|| (arrays.len() > 1).then(|| arrays[arrays.len() - 1]));
    let value_cols: Vec<usize> = arrays
        .iter()
        .copied()
        .filter(|&i| Some(i) != axis && kinds[i] == Some(ArrayKind::Numbers))
        .collect();
    let key_cols: Vec<usize> = (0..kinds.len()).filter(|i| kinds[*i].is_none()).collect();

    let cells = |col: usize, row: usize| -> &[J] {
        match &table.columns[col] {
            Column::Dynamic(v) => v[row].as_array().map_or(&[], Vec::as_slice),
            _ => &[],
        }
    };
    let axis_ty = match axis.map(|a| kinds[a]) {
        Some(Some(ArrayKind::Times)) => Type::DateTime,
        Some(_) => Type::Real,
        None => Type::Long,
    };
    let axis_name = axis.map_or_else(
        || "index".to_string(),
        |a| table.schema.fields[a].name.clone(),
    );
    let mut axis_out = Column::empty(axis_ty);
    let mut keys_out: Vec<Vec<Arc<str>>> = vec![Vec::new(); key_cols.len()];
    let mut values_out: Vec<Vec<Option<f64>>> = vec![Vec::new(); value_cols.len()];
    for row in 0..table.num_rows() {
        let len = value_cols
            .iter()
            .map(|&c| cells(c, row).len())
            .chain(axis.map(|a| cells(a, row).len()))
            .max()
            .unwrap_or(0);
        for i in 0..len {
            let at = |c: usize| cells(c, row).get(i);
            match (&mut axis_out, axis) {
                (Column::DateTime(v), Some(a)) => {
                    v.push(at(a).and_then(J::as_str).and_then(parse_datetime))
                }
                (Column::Real(v), Some(a)) => v.push(at(a).and_then(J::as_f64)),
                (Column::Long(v), _) => v.push(Some(i as i64)),
                _ => unreachable!("the axis column matches its type"),
            }
            for (out, &c) in keys_out.iter_mut().zip(&key_cols) {
                out.push(Arc::from(super::data::label(&table.columns[c], row)));
            }
            for (out, &c) in values_out.iter_mut().zip(&value_cols) {
                out.push(at(c).and_then(J::as_f64).filter(|v| v.is_finite()));
            }
        }
    }
    let mut fields = vec![Field::new(axis_name.clone(), axis_ty)];
    let mut columns = vec![axis_out];
    for (out, &c) in keys_out.into_iter().zip(&key_cols) {
        fields.push(Field::new(
            table.schema.fields[c].name.clone(),
            Type::String,
        ));
        columns.push(Column::String(out));
    }
    for (out, &c) in values_out.into_iter().zip(&value_cols) {
        fields.push(Field::new(table.schema.fields[c].name.clone(), Type::Real));
        columns.push(Column::Real(out));
    }
    let mut spec = spec.clone();
    spec.xcolumn = Some(axis_name);
    if spec.series.is_empty() {
        spec.series = key_cols
            .iter()
            .map(|&c| table.schema.fields[c].name.clone())
            .collect();
    }
    Some((Table::new(Schema::new(fields), columns), spec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::properties::parse_spec;
    use crate::plan::Visualization;
    use serde_json::json;

    fn spec() -> ChartSpec {
        parse_spec(&Visualization {
            kind: "timechart".into(),
            properties: Vec::new(),
        })
        .unwrap()
    }

    #[test]
    fn each_row_becomes_one_row_per_bin() {
        let t = Table::new(
            Schema::new(vec![
                Field::new("Status", Type::String),
                Field::new("Flows", Type::Dynamic),
                Field::new("T", Type::Dynamic),
            ]),
            vec![
                Column::String(vec![Arc::from("A"), Arc::from("D")]),
                Column::Dynamic(vec![json!([1, 2]), json!([3, null])]),
                Column::Dynamic(vec![
                    json!(["2024-05-09T00:00:00Z", "2024-05-09T01:00:00Z"]),
                    json!(["2024-05-09T00:00:00Z", "2024-05-09T01:00:00Z"]),
                ]),
            ],
        );
        let (long, spec) = unroll(&t, &spec()).unwrap();
        assert_eq!(
            long.schema.names().collect::<Vec<_>>(),
            ["T", "Status", "Flows"]
        );
        assert_eq!(long.num_rows(), 4);
        assert_eq!(long.columns[0].ty(), Type::DateTime);
        assert_eq!(
            long.columns[2],
            Column::Real(vec![Some(1.0), Some(2.0), Some(3.0), None])
        );
        assert_eq!(spec.xcolumn.as_deref(), Some("T"));
        assert_eq!(spec.series, ["Status"]);
    }

    #[test]
    fn numeric_axis_is_the_last_array_and_plain_tables_stay() {
        let t = Table::new(
            Schema::new(vec![
                Field::new("Hits", Type::Dynamic),
                Field::new("Port", Type::Dynamic),
            ]),
            vec![
                Column::Dynamic(vec![json!([7, 4])]),
                Column::Dynamic(vec![json!([0, 10])]),
            ],
        );
        let (long, _) = unroll(&t, &spec()).unwrap();
        assert_eq!(long.schema.names().collect::<Vec<_>>(), ["Port", "Hits"]);
        assert_eq!(long.columns[0], Column::Real(vec![Some(0.0), Some(10.0)]));
        let plain = Table::new(
            Schema::new(vec![Field::new("n", Type::Long)]),
            vec![Column::Long(vec![Some(1)])],
        );
        assert!(unroll(&plain, &spec()).is_none());
    }
}
