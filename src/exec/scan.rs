//! Leaf operators: reading a catalog table through its provider, and `range`.

use super::{emit, runtime, Flow, Sink};
use crate::catalog::{Catalog, ScanRequest, BATCH_ROWS};
use crate::error::{Error, ErrorKind};
use crate::func::EvalContext;
use crate::plan::{BoundExpr, Plan};
use crate::table::{Column, Table, Type, Value};

/// Stream the requested columns of `table` into `out`. When `out` asks to stop, the provider is
/// handed an error to end its scan; that error never leaves this function.
pub(super) fn scan(
    catalog: &Catalog,
    table: &str,
    columns: &[usize],
    predicates: &[BoundExpr],
    ctx: &EvalContext,
    out: &mut Sink<'_>,
) -> Result<Flow, Error> {
    let provider = catalog
        .get(table)
        .ok_or_else(|| Error::new(ErrorKind::UnknownTable(table.to_string())))?;
    let request = ScanRequest {
        columns,
        predicates,
        ctx: *ctx,
    };
    let mut stopped = false;
    let result = provider.scan(&request, &mut |batch| match emit(batch, out)? {
        Flow::More => Ok(()),
        Flow::Stop => {
            stopped = true;
            Err(runtime("scan stopped: no more rows wanted"))
        }
    });
    match result {
        Ok(()) => Ok(Flow::More),
        Err(_) if stopped => Ok(Flow::Stop),
        Err(e) => Err(e),
    }
}

/// `range x from start to stop step step`: both bounds inclusive, produced in batches.
pub(super) fn range(
    plan: &Plan,
    start: &Value,
    stop: &Value,
    step: &Value,
    out: &mut Sink<'_>,
) -> Result<Flow, Error> {
    let ty = plan.schema.fields.first().map_or(Type::Long, |f| f.ty);
    let column_of = |values: Vec<i64>| -> Column {
        let values = values.into_iter().map(Some).collect();
        match ty {
            Type::DateTime => Column::DateTime(values),
            Type::TimeSpan => Column::TimeSpan(values),
            _ => Column::Long(values),
        }
    };
    match (as_i64(start), as_i64(stop), as_i64(step)) {
        (Some(start), Some(stop), Some(step)) if ty != Type::Real => {
            if step == 0 {
                return Err(runtime("range: the step must not be zero"));
            }
            let mut next = Some(start);
            loop {
                let mut values = Vec::with_capacity(BATCH_ROWS);
                while let Some(v) = next.filter(|&v| if step > 0 { v <= stop } else { v >= stop }) {
                    values.push(v);
                    next = v.checked_add(step);
                    if values.len() == BATCH_ROWS {
                        break;
                    }
                }
                let done = values.len() < BATCH_ROWS;
                let table = Table::new(plan.schema.clone(), vec![column_of(values)]);
                if emit(table, out)? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
                if done {
                    return Ok(Flow::More);
                }
            }
        }
        _ => range_real(plan, start, stop, step, out),
    }
}

/// `range` over reals (any bound or the step real).
fn range_real(
    plan: &Plan,
    start: &Value,
    stop: &Value,
    step: &Value,
    out: &mut Sink<'_>,
) -> Result<Flow, Error> {
    let (Some(start), Some(stop), Some(step)) = (as_f64(start), as_f64(stop), as_f64(step)) else {
        return Err(runtime(
            "range: the bounds and step must be numbers, datetimes or timespans",
        ));
    };
    if step == 0.0 || !step.is_finite() {
        return Err(runtime("range: the step must be a non-zero number"));
    }
    let mut i = 0u64;
    loop {
        let mut values = Vec::with_capacity(BATCH_ROWS);
        loop {
            let v = start + step * i as f64;
            if (step > 0.0 && v > stop) || (step < 0.0 && v < stop) {
                break;
            }
            values.push(Some(v));
            i += 1;
            if values.len() == BATCH_ROWS {
                break;
            }
        }
        let done = values.len() < BATCH_ROWS;
        let table = Table::new(plan.schema.clone(), vec![Column::Real(values)]);
        if emit(table, out)? == Flow::Stop {
            return Ok(Flow::Stop);
        }
        if done {
            return Ok(Flow::More);
        }
    }
}

fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Int(i) => Some(i64::from(*i)),
        Value::Long(v) | Value::DateTime(v) | Value::TimeSpan(v) => Some(*v),
        _ => None,
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Real(r) => Some(*r),
        other => as_i64(other).map(|v| v as f64),
    }
}
