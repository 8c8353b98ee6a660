//! Running a table plugin node (`evaluate narrow()`, `pivot(…)`, …): its inputs are gathered
//! (each under the query's budget, as any operator's input), the kernel bound into the plan
//! makes the output (asking the same budget's meter as it goes), and the output is fitted to
//! the columns the plan promised.

use super::{batch, runtime, Meter};
use crate::error::Error;
use crate::plan::PluginRun;
use crate::table::{Column, Schema, Table, Value};

/// The plugin's output over `inputs` (one table per plan input), with `schema`'s columns.
pub(super) fn run(
    plugin: &PluginRun,
    inputs: &[Table],
    schema: &Schema,
    meter: &Meter,
) -> Result<Table, Error> {
    let made = plugin.kernel.run(inputs, meter, plugin.span)?;
    fit(made, schema, plugin)
}

/// `made` with `schema`'s columns. A plugin whose columns are fixed makes exactly them (the
/// binder found them by running the same kernel over no rows). A probed plugin's columns came
/// from the data when binding: a column the data no longer has is null, one it has newly is
/// left out, so the result keeps the schema the query was compiled with.
fn fit(made: Table, schema: &Schema, plugin: &PluginRun) -> Result<Table, Error> {
    let same_names = made.schema.len() == schema.len()
        && made
            .schema
            .fields
            .iter()
            .zip(schema.fields.iter())
            .all(|(m, s)| m.name == s.name);
    if same_names {
        return Ok(batch(schema, made.columns));
    }
    if !plugin.probed {
        return Err(runtime(format!(
            "evaluate {} made the columns ({}) where its plan has ({})",
            plugin.name,
            names(&made.schema),
            names(schema)
        )));
    }
    let rows = made.num_rows();
    let columns = schema
        .fields
        .iter()
        .map(|field| match made.schema.index_of(&field.name) {
            Some(i) => made.columns[i].clone(),
            None => Column::repeat(&Value::Null, field.ty, rows),
        })
        .collect();
    Ok(batch(schema, columns))
}

fn names(schema: &Schema) -> String {
    schema
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::test_util::{long, schema, strings, values};
    use crate::plan::PluginKernel;
    use crate::table::Type;

    fn plugin(probed: bool) -> PluginRun {
        PluginRun {
            name: "test".into(),
            inputs: Vec::new(),
            kernel: PluginKernel::new(|inputs, _| Ok(inputs[0].clone())),
            span: Default::default(),
            probed,
        }
    }

    #[test]
    fn probed_columns_are_fitted_by_name() {
        let made = values(&[("b", long(&[1, 2])), ("c", strings(&["x", "y"]))]);
        let want = schema(&[("a", Type::Long), ("b", Type::Long)]);
        let out = run(&plugin(true), &[made], &want, &Meter::default()).unwrap();
        assert_eq!(out.schema, want);
        assert_eq!(out.columns[0].get(1), Value::Null);
        assert_eq!(out.columns[1].get(1), Value::Long(2));
    }

    #[test]
    fn fixed_columns_that_disagree_are_an_error() {
        let made = values(&[("b", long(&[1]))]);
        let want = schema(&[("a", Type::Long)]);
        let err = run(&plugin(false), &[made], &want, &Meter::default()).unwrap_err();
        assert!(
            format!("{err:?}").contains("made the columns (b)"),
            "{err:?}"
        );
    }
}
