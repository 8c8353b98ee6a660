//! Bitwise folds of integers: `binary_all_and`, `binary_all_or`, `binary_all_xor`. The result
//! keeps the input's type (int or long) and is named after the input column; nulls are skipped
//! and a group with no values gives null.
//! <https://learn.microsoft.com/en-us/kusto/query/binary-all-and-aggregation-function>

use super::AggregateFunc as A;
use super::{slot, view, Accumulator};
use super::{AggregateDef, AggregateNaming, AggregateResult::Rule};
use crate::func::Arg;
use crate::func::LookupError;
use crate::table::Type as T;
use crate::table::{Column, Type};

#[derive(Clone, Copy)]
pub enum BitOp {
    And,
    Or,
    Xor,
}

pub struct BitFold {
    op: BitOp,
    result: Type,
    acc: Vec<Option<i64>>,
}

impl BitFold {
    pub fn new(op: BitOp, result: Type) -> BitFold {
        BitFold {
            op,
            result,
            acc: Vec::new(),
        }
    }
}

impl Accumulator for BitFold {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let d = view(col);
        let v = d.longs();
        for (i, &g) in groups.iter().enumerate() {
            let Some(x) = *v.get(i) else { continue };
            let acc = slot(&mut self.acc, g, None);
            *acc = Some(match (*acc, self.op) {
                (None, _) => x,
                (Some(a), BitOp::And) => a & x,
                (Some(a), BitOp::Or) => a | x,
                (Some(a), BitOp::Xor) => a ^ x,
            });
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.acc.resize(num_groups, None);
        if self.result == Type::Int {
            Column::Int(self.acc.iter().map(|x| x.map(|x| x as i32)).collect())
        } else {
            Column::Long(self.acc)
        }
    }
}

fn integer_type(name: &str, args: &[Arg]) -> Result<T, LookupError> {
    match args.first().map_or(T::Long, |a| a.ty) {
        T::Int => Ok(T::Int),
        T::Long => Ok(T::Long),
        other => Err(LookupError::Argument {
            index: 0,
            message: format!("`{name}` needs an int or long, found {other}"),
        }),
    }
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[
    AggregateDef {
        func: A::BinaryAllAnd,
        names: &["binary_all_and"],
        arity: (1, 1),
        result: Rule(|args| integer_type("binary_all_and", args)),
        make: |_arg_types, result| Box::new(BitFold::new(BitOp::And, result)),
        naming: AggregateNaming::First,
    },
    AggregateDef {
        func: A::BinaryAllOr,
        names: &["binary_all_or"],
        arity: (1, 1),
        result: Rule(|args| integer_type("binary_all_or", args)),
        make: |_arg_types, result| Box::new(BitFold::new(BitOp::Or, result)),
        naming: AggregateNaming::First,
    },
    AggregateDef {
        func: A::BinaryAllXor,
        names: &["binary_all_xor"],
        arity: (1, 1),
        result: Rule(|args| integer_type("binary_all_xor", args)),
        make: |_arg_types, result| Box::new(BitFold::new(BitOp::Xor, result)),
        naming: AggregateNaming::First,
    },
];
