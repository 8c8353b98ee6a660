//! Element-wise series functions: two series (or a series and a number) combined position by
//! position, and one series mapped through a math function. As the Kusto docs say, a position
//! where either side is missing or not a number (arrays of different lengths) gives null.

use super::{array, integral, numbers};
use serde_json::Value as J;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Binary {
    Add,
    Subtract,
    Multiply,
    Divide,
    Pow,
    Atan2,
    Greater,
    GreaterEquals,
    Less,
    LessEquals,
    Equals,
    NotEquals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unary {
    Abs,
    Sign,
    Acos,
    Asin,
    Atan,
    Cos,
    Sin,
    Tan,
    Exp,
    Log,
    Floor,
    Ceiling,
}

/// One side of a binary call: a series, or a number repeated at every position.
enum Side {
    Series(Vec<Option<f64>>),
    Number(f64),
}

impl Side {
    fn of(value: &J) -> Option<Side> {
        match value {
            J::Number(n) => n.as_f64().map(Side::Number),
            other => numbers(other).map(Side::Series),
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            Side::Series(v) => Some(v.len()),
            Side::Number(_) => None,
        }
    }

    fn at(&self, i: usize) -> Option<f64> {
        match self {
            Side::Series(v) => v.get(i).copied().flatten(),
            Side::Number(x) => Some(*x),
        }
    }
}

/// The kernel: `op` over aligned values (missing where either is missing).
pub fn combine(op: Binary, a: &[Option<f64>], b: &[Option<f64>]) -> Vec<Option<f64>> {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            let (x, y) = (a.get(i).copied().flatten()?, b.get(i).copied().flatten()?);
            apply(op, x, y)
        })
        .collect()
}

fn apply(op: Binary, x: f64, y: f64) -> Option<f64> {
    let truth = |b: bool| Some(if b { 1.0 } else { 0.0 });
    match op {
        Binary::Add => Some(x + y),
        Binary::Subtract => Some(x - y),
        Binary::Multiply => Some(x * y),
        Binary::Divide => Some(x / y).filter(|v| v.is_finite()),
        Binary::Pow => Some(x.powf(y)).filter(|v| v.is_finite()),
        Binary::Atan2 => Some(x.atan2(y)),
        Binary::Greater => truth(x > y),
        Binary::GreaterEquals => truth(x >= y),
        Binary::Less => truth(x < y),
        Binary::LessEquals => truth(x <= y),
        Binary::Equals => truth(x == y),
        Binary::NotEquals => truth(x != y),
    }
}

fn is_comparison(op: Binary) -> bool {
    matches!(
        op,
        Binary::Greater
            | Binary::GreaterEquals
            | Binary::Less
            | Binary::LessEquals
            | Binary::Equals
            | Binary::NotEquals
    )
}

/// `series_add(a, b)` and its kin on dynamic values; null unless at least one side is an array.
pub fn binary(op: Binary, a: &J, b: &J) -> J {
    let (Some(left), Some(right)) = (Side::of(a), Side::of(b)) else {
        return J::Null;
    };
    let Some(n) = left.len().max(right.len()) else {
        return J::Null;
    };
    let xs: Vec<Option<f64>> = (0..n).map(|i| left.at(i)).collect();
    let ys: Vec<Option<f64>> = (0..n).map(|i| right.at(i)).collect();
    let out = combine(op, &xs, &ys);
    if is_comparison(op) {
        return J::Array(
            out.into_iter()
                .map(|v| v.map_or(J::Null, |v| J::Bool(v != 0.0)))
                .collect(),
        );
    }
    // Whole numbers stay whole where integer arithmetic would keep them.
    let int = matches!(op, Binary::Add | Binary::Subtract | Binary::Multiply)
        && integral(a)
        && integral(b);
    array(&out, int)
}

/// The kernel of the unary functions.
pub fn map(op: Unary, xs: &[Option<f64>]) -> Vec<Option<f64>> {
    xs.iter()
        .map(|x| {
            let x = (*x)?;
            let v = match op {
                Unary::Abs => x.abs(),
                Unary::Sign => crate::func::scalar::math::sign_of(x),
                Unary::Acos => x.acos(),
                Unary::Asin => x.asin(),
                Unary::Atan => x.atan(),
                Unary::Cos => x.cos(),
                Unary::Sin => x.sin(),
                Unary::Tan => x.tan(),
                Unary::Exp => x.exp(),
                Unary::Log => x.ln(),
                Unary::Floor => x.floor(),
                Unary::Ceiling => x.ceil(),
            };
            Some(v).filter(|v| v.is_finite())
        })
        .collect()
}

/// `series_abs(x)` and its kin; null for a non-array.
pub fn unary(op: Unary, value: &J) -> J {
    let Some(xs) = numbers(value) else {
        return J::Null;
    };
    let int = matches!(op, Unary::Abs | Unary::Sign) && integral(value);
    array(&map(op, &xs), int)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arithmetic_keeps_integers_and_pads_with_null() {
        assert_eq!(
            binary(Binary::Add, &json!([1, 2, 4]), &json!([4, 2, 1])),
            json!([5, 4, 5])
        );
        assert_eq!(
            binary(Binary::Add, &json!([1, 2, 3]), &json!([1])),
            json!([2, null, null])
        );
        assert_eq!(
            binary(Binary::Multiply, &json!([1, 2]), &json!(2.5)),
            json!([2.5, 5.0])
        );
        assert_eq!(
            binary(Binary::Divide, &json!([1, 2]), &json!([4, 0])),
            json!([0.25, null])
        );
        assert_eq!(binary(Binary::Add, &json!(1), &json!(2)), J::Null);
        assert_eq!(
            binary(Binary::Add, &json!([1, "a"]), &json!([1, 1])),
            json!([2, null])
        );
    }

    #[test]
    fn comparisons_give_bools() {
        assert_eq!(
            binary(Binary::Greater, &json!([1, 2, 4]), &json!([4, 2, 1])),
            json!([false, false, true])
        );
        assert_eq!(
            binary(Binary::Equals, &json!([1, null]), &json!(1)),
            json!([true, null])
        );
    }

    #[test]
    fn unary_functions() {
        assert_eq!(unary(Unary::Abs, &json!([-1, 2])), json!([1, 2]));
        assert_eq!(
            unary(Unary::Sign, &json!([-3, 0, 2.5])),
            json!([-1.0, 0.0, 1.0])
        );
        assert_eq!(unary(Unary::Log, &json!([1, 0])), json!([0.0, null]));
        assert_eq!(unary(Unary::Floor, &json!([1.5, -1.5])), json!([1.0, -2.0]));
    }
}
