//! From a result table to what a chart plots: which column plays which role (Kusto's x column,
//! series columns and y columns), the values of those columns as numbers or labels, and the
//! split of rows into named series.

use super::properties::ChartSpec;
use super::style::display_label;
use super::MAX_SERIES;
use crate::error::{suggest, Error, ErrorKind};
use crate::table::{Column, Table, Type};
use indexmap::IndexMap;

pub(crate) fn chart_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Chart(message.into()))
}

/// The index of the column named `name`, or an error naming the columns there are.
pub fn column_index(table: &Table, name: &str, role: &str) -> Result<usize, Error> {
    table.schema.index_of(name).ok_or_else(|| {
        let help = suggest(name, table.schema.names()).unwrap_or_else(|| {
            format!(
                "columns: {}",
                table.schema.names().collect::<Vec<_>>().join(", ")
            )
        });
        chart_error(format!("{role} column `{name}` is not in the result")).with_help(help)
    })
}

/// Numbers Kusto plots on a value axis.
pub fn is_measure(ty: Type) -> bool {
    ty.is_numeric()
}

/// A numeric column as floats (nulls stay `None`); `None` for other types.
pub fn measure_values(column: &Column) -> Option<Vec<Option<f64>>> {
    match column {
        Column::Int(v) => Some(v.iter().map(|x| x.map(f64::from)).collect()),
        Column::Long(v) => Some(v.iter().map(|x| x.map(|x| x as f64)).collect()),
        Column::Real(v) => Some(v.iter().map(|x| x.filter(|x| x.is_finite())).collect()),
        _ => None,
    }
}

/// A column usable as a continuous x axis: numbers as they are, datetimes and timespans as ticks.
pub fn axis_values(column: &Column) -> Option<Vec<Option<f64>>> {
    match column {
        Column::DateTime(v) | Column::TimeSpan(v) => {
            Some(v.iter().map(|x| x.map(|x| x as f64)).collect())
        }
        other => measure_values(other),
    }
}

/// The text of a cell as a chart label (`(empty)` for an empty string or a null).
pub fn label(column: &Column, row: usize) -> String {
    match column {
        Column::String(v) => display_label(&v[row]),
        other if other.is_null(row) => display_label(""),
        other => display_label(&crate::format::value_text(&other.get(row))),
    }
}

/// A y column by name, checked to be numeric.
fn measure_index(table: &Table, name: &str) -> Result<usize, Error> {
    let index = column_index(table, name, "y")?;
    let ty = table.schema.fields[index].ty;
    if !is_measure(ty) {
        return Err(chart_error(format!(
            "y column `{name}` is {ty}; a chart plots int, long or real columns"
        )));
    }
    Ok(index)
}

/// Which column plays which role in a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Roles {
    pub x: usize,
    pub ys: Vec<usize>,
    pub series: Vec<usize>,
}

/// Assign roles: `xcolumn`/`ycolumns`/`series` when given, else `default_x` picks the x column,
/// every other numeric column is a y column and every other string column splits series.
pub fn roles(
    table: &Table,
    spec: &ChartSpec,
    default_x: impl Fn(&Table) -> Option<usize>,
    what: &str,
) -> Result<Roles, Error> {
    let x = match &spec.xcolumn {
        Some(name) => column_index(table, name, "x")?,
        None => {
            default_x(table).ok_or_else(|| chart_error(format!("{what} needs {}", x_need(what))))?
        }
    };
    let series = if spec.series.is_empty() {
        let ynames = &spec.ycolumns;
        table
            .schema
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| *i != x && f.ty == Type::String && !ynames.contains(&f.name))
            .map(|(i, _)| i)
            .collect()
    } else {
        spec.series
            .iter()
            .map(|name| column_index(table, name, "series"))
            .collect::<Result<Vec<_>, _>>()?
    };
    let ys: Vec<usize> = if spec.ycolumns.is_empty() {
        table
            .schema
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| *i != x && !series.contains(i) && is_measure(f.ty))
            .map(|(i, _)| i)
            .collect()
    } else {
        spec.ycolumns
            .iter()
            .map(|name| measure_index(table, name))
            .collect::<Result<_, _>>()?
    };
    if ys.is_empty() {
        let names: Vec<String> = table
            .schema
            .fields
            .iter()
            .map(|f| format!("{} ({})", f.name, f.ty))
            .collect();
        return Err(chart_error(format!(
            "{what} needs a numeric (int, long or real) column for its values"
        ))
        .with_help(format!("the result has: {}", names.join(", "))));
    }
    Ok(Roles { x, ys, series })
}

fn x_need(what: &str) -> &'static str {
    if what == "timechart" {
        "a datetime column for its x axis"
    } else {
        "a column for its x axis"
    }
}

/// One line, bar group or point set: a name, the y column it reads and the rows it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub y: usize,
    pub rows: Vec<usize>,
}

/// Split the rows into series: one per distinct combination of the series columns' values (in
/// order of first appearance), times one per y column.
pub fn split_series(table: &Table, roles: &Roles) -> Result<Vec<Series>, Error> {
    let mut groups: IndexMap<String, Vec<usize>> = IndexMap::new();
    for row in 0..table.num_rows() {
        let key = roles
            .series
            .iter()
            .map(|&c| label(&table.columns[c], row))
            .collect::<Vec<_>>()
            .join(", ");
        groups.entry(key).or_default().push(row);
    }
    if groups.is_empty() {
        groups.insert(String::new(), Vec::new());
    }
    let count = groups.len() * roles.ys.len();
    if count > MAX_SERIES {
        return Err(chart_error(format!(
            "{count} series is too many to tell apart (at most {MAX_SERIES})"
        ))
        .with_help(
            "summarize to fewer groups, or choose the columns with `series=` and `ycolumns=`",
        ));
    }
    let mut out = Vec::with_capacity(count);
    for (key, rows) in groups {
        for &y in &roles.ys {
            let yname = &table.schema.fields[y].name;
            let name = match (roles.series.is_empty(), roles.ys.len() > 1) {
                (true, _) => yname.clone(),
                (false, false) => key.clone(),
                (false, true) => format!("{key}: {yname}"),
            };
            out.push(Series {
                name,
                y,
                rows: rows.clone(),
            });
        }
    }
    Ok(out)
}

/// The first column of one of `types`, if any.
pub fn first_of(table: &Table, types: &[Type]) -> Option<usize> {
    table
        .schema
        .fields
        .iter()
        .position(|f| types.contains(&f.ty))
}

/// Running totals (`accumulate=true`), in the order given.
pub fn accumulate(values: &mut [f64]) {
    let mut total = 0.0;
    for v in values {
        total += *v;
        *v = total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::properties::parse_spec;
    use crate::plan::Visualization;
    use crate::table::{Field, Schema};
    use std::sync::Arc;

    fn table() -> Table {
        Table::new(
            Schema::new(vec![
                Field::new("Time", Type::DateTime),
                Field::new("Status", Type::String),
                Field::new("Bytes", Type::Long),
                Field::new("Flows", Type::Int),
            ]),
            vec![
                Column::DateTime(vec![Some(0), Some(0), Some(10)]),
                Column::String(vec![Arc::from("A"), Arc::from("D"), Arc::from("A")]),
                Column::Long(vec![Some(5), None, Some(7)]),
                Column::Int(vec![Some(1), Some(2), Some(3)]),
            ],
        )
    }

    fn spec(props: &[(&str, &str)]) -> ChartSpec {
        parse_spec(&Visualization {
            kind: "timechart".into(),
            properties: props
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
        .unwrap()
    }

    #[test]
    fn default_roles_follow_kusto() {
        let t = table();
        let r = roles(
            &t,
            &spec(&[]),
            |t| first_of(t, &[Type::DateTime]),
            "timechart",
        )
        .unwrap();
        assert_eq!(
            r,
            Roles {
                x: 0,
                ys: vec![2, 3],
                series: vec![1]
            }
        );
        let series = split_series(&t, &r).unwrap();
        let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A: Bytes", "A: Flows", "D: Bytes", "D: Flows"]);
        assert_eq!(series[0].rows, vec![0, 2]);
    }

    #[test]
    fn explicit_roles_and_errors() {
        let t = table();
        let r = roles(
            &t,
            &spec(&[("ycolumns", "Flows")]),
            |_| Some(0),
            "linechart",
        )
        .unwrap();
        assert_eq!(r.ys, vec![3]);
        let err = roles(&t, &spec(&[("ycolumns", "Status")]), |_| Some(0), "x").unwrap_err();
        assert!(err.to_string().contains("`Status` is string"), "{err}");
        let err = roles(&t, &spec(&[("xcolumn", "time")]), |_| Some(0), "x").unwrap_err();
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `Time`? (names are case-sensitive)")
        );
    }

    #[test]
    fn labels_and_values() {
        let t = table();
        assert_eq!(label(&t.columns[0], 0), "1970-01-01T00:00:00Z");
        assert_eq!(label(&t.columns[2], 1), "(empty)");
        assert_eq!(
            measure_values(&t.columns[2]).unwrap(),
            vec![Some(5.0), None, Some(7.0)]
        );
        let mut v = [1.0, 2.0, 3.0];
        accumulate(&mut v);
        assert_eq!(v, [1.0, 3.0, 6.0]);
    }
}
