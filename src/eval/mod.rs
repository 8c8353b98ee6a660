//! Evaluate a `BoundExpr` over a batch, column at a time, with Kusto's null rules: nulls
//! propagate through arithmetic and comparisons, `and`/`or` are three-valued, strings are never
//! null. Constants stay one value (`Datum::Scalar`) until a column is needed, so `x == "a"`
//! never materialises a column of "a"s, and an expression over constants is computed once.

mod arith;
mod compare;
mod strings;

pub use crate::value::datum::{map1, map2, map3, Arr, Datum};
pub use compare::{compare_values, values_equal};

use std::borrow::Cow;

use crate::error::{Error, ErrorKind};
use crate::func::scalar::{self, convert};
use crate::func::EvalContext;
use crate::plan::{BinaryOp, BoundExpr, ExprNode};
use crate::table::{Column, Table, Type, Value};

/// The expression's value for every row of `batch`, as a column of `expr.ty`.
pub fn eval(expr: &BoundExpr, batch: &Table, ctx: &EvalContext) -> Result<Column, Error> {
    eval_rows(expr, batch, batch.num_rows(), ctx)
}

/// As `eval`, for `rows` rows: lets a caller evaluate over a batch without columns (`print`,
/// where one row is wanted).
pub fn eval_rows(
    expr: &BoundExpr,
    batch: &Table,
    rows: usize,
    ctx: &EvalContext,
) -> Result<Column, Error> {
    let datum = eval_datum(expr, batch, rows, ctx)?;
    Ok(convert::cast_column(datum.into_column(rows), expr.ty))
}

/// The value of an expression that reads no column (a constant folded at bind time).
pub fn eval_constant(expr: &BoundExpr, ctx: &EvalContext) -> Result<Value, Error> {
    let none = Table::default();
    let col = eval_rows(expr, &none, 1, ctx)?;
    Ok(col.get(0))
}

/// Evaluate to a `Datum`: a borrowed input column, a computed column, or a constant.
pub fn eval_datum<'a>(
    expr: &BoundExpr,
    batch: &'a Table,
    rows: usize,
    ctx: &EvalContext,
) -> Result<Datum<'a>, Error> {
    let at = |e: Error| e.with_span(expr.span);
    match &expr.kind {
        ExprNode::Column(i) => batch
            .columns
            .get(*i)
            .map(|c| Datum::Column(Cow::Borrowed(c)))
            .ok_or_else(|| runtime(format!("column {i} is not in the batch")).with_span(expr.span)),
        ExprNode::Literal(v) => Ok(Datum::Scalar(v.clone(), expr.ty)),
        ExprNode::Neg(x) => {
            let x = eval_datum(x, batch, rows, ctx)?;
            lift(&[&x], rows, expr.ty, |n| arith::negate(&x, n)).map_err(at)
        }
        ExprNode::Binary { op, left, right } => {
            let l = eval_datum(left, batch, rows, ctx)?;
            let r = eval_datum(right, batch, rows, ctx)?;
            lift(&[&l, &r], rows, expr.ty, |n| binary(*op, &l, &r, n)).map_err(at)
        }
        ExprNode::In {
            expr: x,
            list,
            negated,
            case_insensitive,
        } => {
            let x = eval_datum(x, batch, rows, ctx)?;
            let items = list
                .iter()
                .map(|e| eval_datum(e, batch, rows, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            let mut all: Vec<&Datum> = vec![&x];
            all.extend(items.iter());
            lift(&all, rows, expr.ty, |n| {
                compare::in_list(&x, &items, *case_insensitive, *negated, n)
            })
            .map_err(at)
        }
        ExprNode::Between {
            expr: x,
            low,
            high,
            negated,
        } => {
            let x = eval_datum(x, batch, rows, ctx)?;
            let lo = eval_datum(low, batch, rows, ctx)?;
            let hi = eval_datum(high, batch, rows, ctx)?;
            lift(&[&x, &lo, &hi], rows, expr.ty, |n| {
                compare::between(&x, &lo, &hi, *negated, n)
            })
            .map_err(at)
        }
        ExprNode::Call { func, args } => {
            let args = args
                .iter()
                .map(|e| eval_datum(e, batch, rows, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            if func.is_window() || func.is_volatile() {
                // A window function differs row by row even over constants (`row_number()`), and
                // so does `rand()`.
                let col = scalar::call(*func, &args, expr.ty, rows, ctx).map_err(at)?;
                return Ok(Datum::owned(promised(col, expr.ty)));
            }
            let refs: Vec<&Datum> = args.iter().collect();
            lift(&refs, rows, expr.ty, |n| {
                scalar::call(*func, &args, expr.ty, n, ctx).map(|col| promised(col, expr.ty))
            })
            .map_err(at)
        }
        ExprNode::Index { expr: x, index } => {
            let x = eval_datum(x, batch, rows, ctx)?;
            let i = eval_datum(index, batch, rows, ctx)?;
            lift(&[&x, &i], rows, expr.ty, |n| Ok(index_dynamic(&x, &i, n))).map_err(at)
        }
        ExprNode::InPlan { .. } | ExprNode::Scalar(_) => Err(runtime(
            "a subquery reached evaluation before the executor replaced it",
        )
        .with_span(expr.span)),
    }
}

/// Run `kernel` once when every input is a constant (giving a constant), else over `rows`;
/// the result is brought to `ty`, the type the binder gave the node (operators over ints compute
/// in the widest type; a function's kernel must already return `ty`, see [`promised`]).
fn lift(
    inputs: &[&Datum],
    rows: usize,
    ty: Type,
    kernel: impl FnOnce(usize) -> Result<Column, Error>,
) -> Result<Datum<'static>, Error> {
    if inputs.iter().all(|d| d.is_scalar()) {
        let col = convert::cast_column(kernel(1)?, ty);
        Ok(Datum::Scalar(col.get(0), ty))
    } else {
        Ok(Datum::owned(convert::cast_column(kernel(rows)?, ty)))
    }
}

/// A kernel's result, which must have the type the binder promised: a disagreement is a bug in
/// a function's row (its result-type rule and kernel), caught by the debug-build tests rather
/// than papered over by a conversion.
fn promised(col: Column, ty: Type) -> Column {
    debug_assert_eq!(
        col.ty(),
        ty,
        "a kernel returned another type than its binder promised"
    );
    col
}

fn runtime(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Runtime(message.into()))
}

fn binary(op: BinaryOp, l: &Datum, r: &Datum, n: usize) -> Result<Column, Error> {
    match op {
        BinaryOp::And => Ok(and_or(l, r, n, true)),
        BinaryOp::Or => Ok(and_or(l, r, n, false)),
        BinaryOp::Eq
        | BinaryOp::NotEq
        | BinaryOp::Lt
        | BinaryOp::LtEq
        | BinaryOp::Gt
        | BinaryOp::GtEq => Ok(compare::compare(op, l, r, n)),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
            arith::arith(op, l, r, n)
        }
        BinaryOp::Str(s) => strings::string_op(s, l, r, n),
    }
}

/// Three-valued `and` (`is_and`) / `or`: `null and false` is false, `null or true` is true,
/// otherwise null wins.
fn and_or(l: &Datum, r: &Datum, n: usize, is_and: bool) -> Column {
    let (a, b) = (l.bools(), r.bools());
    Column::Bool(map2(n, &a, &b, |a, b| match (a, b, is_and) {
        (Some(false), _, true) | (_, Some(false), true) => Some(false),
        (Some(true), _, false) | (_, Some(true), false) => Some(true),
        (Some(x), Some(y), _) => Some(if is_and { *x && *y } else { *x || *y }),
        _ => None,
    }))
}

/// `d[i]`, `d["key"]`, `d.key`: array element (negative counts from the end) or bag property,
/// null when absent.
fn index_dynamic(x: &Datum, i: &Datum, n: usize) -> Column {
    use serde_json::Value as J;
    let (d, idx) = (x.dyns(), i.dyns());
    Column::Dynamic(map2(n, &d, &idx, |d, idx| {
        let found = match (d, idx) {
            (J::Array(a), J::Number(k)) => k.as_i64().and_then(|k| {
                let k = if k < 0 { k + a.len() as i64 } else { k };
                usize::try_from(k).ok().and_then(|k| a.get(k))
            }),
            (J::Object(o), J::String(k)) => o.get(k),
            (J::Object(o), J::Number(k)) => o.get(&k.to_string()),
            _ => None,
        };
        found.cloned().unwrap_or(J::Null)
    }))
}

#[cfg(test)]
mod tests;
