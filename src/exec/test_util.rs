//! Builders for the executor's unit tests: columns, `Values` plans, expressions, and running a
//! plan to its table.

use super::Executor;
use crate::catalog::Catalog;
use crate::func::EvalContext;
use crate::plan::{BoundExpr, Node, Plan};
use crate::table::{Column, Field, Schema, Table, Type, Value};
use std::sync::Arc;

pub fn long(values: &[i64]) -> Column {
    Column::Long(values.iter().copied().map(Some).collect())
}

pub fn longs(values: &[Option<i64>]) -> Column {
    Column::Long(values.to_vec())
}

pub fn reals(values: &[Option<f64>]) -> Column {
    Column::Real(values.to_vec())
}

pub fn bools(values: &[Option<bool>]) -> Column {
    Column::Bool(values.to_vec())
}

pub fn strings(values: &[&str]) -> Column {
    Column::String(values.iter().map(|s| Arc::from(*s)).collect())
}

pub fn dynamics(values: &[serde_json::Value]) -> Column {
    Column::Dynamic(values.to_vec())
}

pub fn schema(fields: &[(&str, Type)]) -> Schema {
    Schema::new(fields.iter().map(|(n, t)| Field::new(*n, *t)).collect())
}

pub fn values(columns: &[(&str, Column)]) -> Table {
    let schema = Schema::new(
        columns
            .iter()
            .map(|(n, c)| Field::new(*n, c.ty()))
            .collect(),
    );
    Table::new(schema, columns.iter().map(|(_, c)| c.clone()).collect())
}

pub fn values_plan(table: Table) -> Plan {
    Plan {
        schema: table.schema.clone(),
        node: Node::Values(table),
    }
}

pub fn col(index: usize, ty: Type) -> BoundExpr {
    BoundExpr::column(index, ty, Default::default())
}

pub fn lit(value: Value, ty: Type) -> BoundExpr {
    BoundExpr::literal(value, ty, Default::default())
}

pub fn str_value(s: &str) -> Value {
    Value::String(Arc::from(s))
}

/// Run `plan` over an empty catalog.
pub fn run(plan: Plan) -> Table {
    try_run(plan).expect("plan runs")
}

pub fn try_run(plan: Plan) -> Result<Table, crate::error::Error> {
    let catalog = Catalog::empty();
    Executor::new(&catalog, EvalContext { now: 0 }).run_to_table(&plan)
}

/// The rows of `table`, as values.
pub fn rows(table: &Table) -> Vec<Vec<Value>> {
    table.rows().collect()
}
