//! Evaluate a `BoundExpr` over a batch, column at a time, propagating nulls as Kusto does.

use crate::error::Error;
use crate::func::EvalContext;
use crate::plan::BoundExpr;
use crate::table::{Column, Table, Value};

/// The expression's value for every row of `batch`.
pub fn eval(_expr: &BoundExpr, _batch: &Table, _ctx: &EvalContext) -> Result<Column, Error> {
    Err(Error::new(crate::error::ErrorKind::Unsupported(
        "evaluation".into(),
    )))
}

/// The value of an expression that reads no column (a constant folded at bind time).
pub fn eval_constant(expr: &BoundExpr, ctx: &EvalContext) -> Result<Value, Error> {
    let one_row = Table::new(Default::default(), vec![]);
    eval(expr, &one_row, ctx).map(|c| c.get(0))
}
