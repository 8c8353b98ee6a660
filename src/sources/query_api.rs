//! Table files in the Log Analytics query API's shape, which `kqlite query --format json`
//! writes: `{"tables":[{"name":…,"columns":[{"name":…,"type":…}],"rows":[[…],…]}]}`. The first
//! table is read, each column as its declared type, so a result written by kqlite (or saved from
//! the API) loads back as the same table.

use super::table_file::parse_text;
use crate::error::Error;
use crate::table::{Column, Field, Schema, Str, Table, Type, Value};
use serde::Deserialize;

#[derive(Deserialize)]
struct Response {
    tables: Vec<ApiTable>,
}

#[derive(Deserialize)]
struct ApiTable {
    columns: Vec<ApiColumn>,
    rows: Vec<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct ApiColumn {
    name: String,
    #[serde(rename = "type")]
    ty: String,
}

/// Whether a JSON file starts like the query API's response (`{"tables":`).
pub fn looks_like(first_bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(first_bytes);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.strip_prefix('{')
        .is_some_and(|rest| rest.trim_start().starts_with("\"tables\""))
}

/// The first table of a query API response; a value that is not of its column's type is an
/// error naming the row and column.
pub fn read(text: &str, path: &str) -> Result<Table, Error> {
    let response: Response = serde_json::from_str(text).map_err(|e| {
        Error::input(
            path,
            format!("line {}: not a query API response: {e}", e.line()),
        )
    })?;
    let Some(table) = response.tables.into_iter().next() else {
        return Err(Error::input(path, "the response holds no table"));
    };
    let fields: Vec<Field> = table
        .columns
        .iter()
        .map(|c| {
            // `decimal` has no kqlite type; `real` holds its values.
            let ty = Type::from_name(&c.ty)
                .or_else(|| (c.ty == "decimal").then_some(Type::Real))
                .ok_or_else(|| {
                    Error::input(
                        path,
                        format!("column `{}`: unknown type `{}`", c.name, c.ty),
                    )
                })?;
            Ok(Field::new(c.name.clone(), ty))
        })
        .collect::<Result<_, Error>>()?;
    let mut columns: Vec<Column> = fields
        .iter()
        .map(|f| Column::with_capacity(f.ty, table.rows.len()))
        .collect();
    for (r, row) in table.rows.iter().enumerate() {
        if row.len() != fields.len() {
            return Err(Error::input(
                path,
                format!(
                    "row {}: {} values for {} columns",
                    r + 1,
                    row.len(),
                    fields.len()
                ),
            ));
        }
        for ((cell, field), column) in row.iter().zip(&fields).zip(columns.iter_mut()) {
            let value = cell_value(cell, field.ty).map_err(|message| {
                Error::input(
                    path,
                    format!("row {}, column {}: {message}", r + 1, field.name),
                )
            })?;
            column.push(&value);
        }
    }
    Ok(Table::new(Schema::new(fields), columns))
}

fn cell_value(cell: &serde_json::Value, ty: Type) -> Result<Value, String> {
    use serde_json::Value as Json;
    match (cell, ty) {
        (Json::Null, Type::String) => Ok(Value::String(Str::from(""))),
        (Json::Null, _) => Ok(Value::Null),
        (_, Type::Dynamic) => Ok(Value::Dynamic(cell.clone())),
        (Json::String(s), _) => parse_text(s, ty),
        (other, _) => parse_text(&other.to_string(), ty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_shape_is_read_with_its_types() {
        let text = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"Ip","type":"string"},{"name":"n","type":"long"},{"name":"At","type":"datetime"},{"name":"Tags","type":"dynamic"}],"rows":[
["10.0.0.1",3,"2024-05-09T10:00:00Z",["a"]],
["",null,null,null]
]}]}"#;
        assert!(looks_like(text.as_bytes()));
        assert!(!looks_like(b"[{\"tables\": 1}]"));
        let table = read(text, "t.json").unwrap();
        assert_eq!(table.schema.fields[1], Field::new("n", Type::Long));
        assert_eq!(table.schema.fields[2].ty, Type::DateTime);
        assert_eq!(table.num_rows(), 2);
        assert_eq!(table.columns[1].get(0), Value::Long(3));
        assert_eq!(table.columns[1].get(1), Value::Null);
        let bad = text.replace("[\"10.0.0.1\",3", "[\"10.0.0.1\",\"x\"");
        assert!(read(&bad, "t.json")
            .unwrap_err()
            .to_string()
            .contains("row 1, column n"));
    }
}
