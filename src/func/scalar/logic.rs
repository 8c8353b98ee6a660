//! Choice and null functions (`iff`, `case`, `coalesce`, `isempty`, `isnull`, `not`), the range
//! test `around`, and the conversions whose rules differ from a plain cast (`tolong`, `toint`, `gettype`).

use super::convert::cast_column;
use super::datetime::EPOCH_TICKS;
use super::def::{
    Naming,
    ResultType::{Fixed, Rule},
    ScalarDef, MANY,
};
use super::ScalarFunc as F;
use crate::table::Type as T;
use crate::table::{Column, Type};
use crate::value::datum::{map1, Datum};

/// Row i of the result is row i of `branches[choice[i]]`; every branch has the same type.
pub fn pick_rows(choice: &[usize], branches: &[Column], ty: Type) -> Column {
    macro_rules! pick {
        ($variant:ident) => {{
            let vs: Vec<_> = branches
                .iter()
                .map(|b| match b {
                    Column::$variant(v) => v,
                    _ => unreachable!("branches are cast to one type"),
                })
                .collect();
            Column::$variant(
                choice
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| vs[c][i].clone())
                    .collect(),
            )
        }};
    }
    match ty {
        Type::Bool => pick!(Bool),
        Type::Int => pick!(Int),
        Type::Long => pick!(Long),
        Type::Real => pick!(Real),
        Type::DateTime => pick!(DateTime),
        Type::TimeSpan => pick!(TimeSpan),
        Type::Guid => pick!(Guid),
        Type::String => pick!(String),
        Type::Dynamic => pick!(Dynamic),
    }
}

fn branches(args: &[&Datum], ty: Type, len: usize) -> Vec<Column> {
    args.iter()
        .map(|a| cast_column(a.column(len).into_owned(), ty))
        .collect()
}

/// `iff(cond, then, else)`: a null condition takes the else branch.
pub fn iff(args: &[Datum], ty: Type, len: usize) -> Column {
    let cond = args[0].bools();
    let choice = map1(len, &cond, |c| if *c == Some(true) { 0 } else { 1 });
    pick_rows(&choice, &branches(&[&args[1], &args[2]], ty, len), ty)
}

/// `case(p1, v1, p2, v2, …, else)`: the value of the first true predicate.
pub fn case(args: &[Datum], ty: Type, len: usize) -> Column {
    let preds: Vec<_> = args
        .iter()
        .step_by(2)
        .take(args.len() / 2)
        .map(Datum::bools)
        .collect();
    let choice: Vec<usize> = (0..len)
        .map(|i| {
            preds
                .iter()
                .position(|p| *p.get(i) == Some(true))
                .unwrap_or(preds.len())
        })
        .collect();
    let mut values: Vec<&Datum> = args.iter().skip(1).step_by(2).take(preds.len()).collect();
    values.push(args.last().expect("case has an else value"));
    pick_rows(&choice, &branches(&values, ty, len), ty)
}

/// `coalesce(a, b, …)`: the first argument that is not null (for strings, not empty).
pub fn coalesce(args: &[Datum], ty: Type, len: usize) -> Column {
    let cols = branches(&args.iter().collect::<Vec<_>>(), ty, len);
    let choice: Vec<usize> = (0..len)
        .map(|i| {
            cols.iter()
                .position(|c| match c {
                    Column::String(v) => !v[i].is_empty(),
                    c => !c.is_null(i),
                })
                .unwrap_or(cols.len() - 1)
        })
        .collect();
    pick_rows(&choice, &cols, ty)
}

/// `isempty` (`want` true) / `isnotempty`: empty strings and nulls are empty.
pub fn is_empty(x: &Datum, len: usize, want: bool) -> Column {
    let out = match x {
        Datum::Column(c) => match c.as_ref() {
            Column::String(v) => v.iter().map(|s| Some(s.is_empty() == want)).collect(),
            Column::Dynamic(v) => v
                .iter()
                .map(|j| Some((j.is_null() || j.as_str() == Some("")) == want))
                .collect(),
            c => (0..len).map(|i| Some(c.is_null(i) == want)).collect(),
        },
        Datum::Scalar(v, _) => {
            let empty = match v {
                crate::table::Value::String(s) => s.is_empty(),
                crate::table::Value::Dynamic(j) => j.is_null() || j.as_str() == Some(""),
                v => v.is_null(),
            };
            vec![Some(empty == want); len]
        }
    };
    Column::Bool(out)
}

/// `isnull` (`want` true) / `isnotnull`: strings are never null.
pub fn is_null(x: &Datum, len: usize, want: bool) -> Column {
    let out = match x {
        Datum::Column(c) => (0..len).map(|i| Some(c.is_null(i) == want)).collect(),
        Datum::Scalar(v, _) => vec![Some(v.is_null() == want); len],
    };
    Column::Bool(out)
}

pub fn not(x: &Datum, len: usize) -> Column {
    Column::Bool(map1(len, &x.bools(), |b| b.map(|b| !b)))
}

/// `tolong`: datetimes become Kusto ticks (from 0001-01-01).
pub fn to_long(x: &Datum, len: usize) -> Column {
    let longs = x.longs();
    let shift = if x.ty() == Type::DateTime {
        EPOCH_TICKS
    } else {
        0
    };
    Column::Long(map1(len, &longs, |l| l.map(|l| l + shift)))
}

/// `toint`: as `tolong`, then null when out of the int range.
pub fn to_int(x: &Datum, len: usize) -> Column {
    let Column::Long(longs) = to_long(x, len) else {
        unreachable!("to_long yields longs")
    };
    Column::Int(
        longs
            .into_iter()
            .map(|l| l.and_then(|l| i32::try_from(l).ok()))
            .collect(),
    )
}

/// `gettype(x)`: the type name; dynamic values report what they hold (`array`, `dictionary`).
pub fn gettype(x: &Datum, len: usize) -> Column {
    let name = |v: &crate::table::Value| -> &'static str {
        use crate::table::Value as V;
        match v {
            V::Dynamic(j) => match j {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "bool",
                serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "long",
                serde_json::Value::Number(_) => "real",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Array(_) => "array",
                serde_json::Value::Object(_) => "dictionary",
            },
            _ => x.ty().name(),
        }
    };
    match x {
        Datum::Column(c) if c.ty() != Type::Dynamic => {
            Column::String(vec![x.ty().name().into(); len])
        }
        _ => Column::String((0..len).map(|i| name(&x.value(i)).into()).collect()),
    }
}

/// This family's functions, one row each (see `super::def`).
/// `around(value, center, delta)`: whether `value` lies in `center ± delta` (bounds included).
/// Datetimes and timespans compare by ticks (the delta a timespan), numbers as reals.
pub fn around(args: &[Datum], len: usize) -> Column {
    let test = |v: Option<f64>, c: Option<f64>, d: Option<f64>| {
        let (v, c, d) = (v?, c?, d?);
        Some(v >= c - d && v <= c + d)
    };
    let by_ticks = matches!(args[0].ty(), Type::DateTime | Type::TimeSpan);
    let view = |d: &Datum| -> Vec<Option<f64>> {
        if by_ticks {
            map1(len, &d.longs(), |x| x.map(|x| x as f64))
        } else {
            map1(len, &d.reals(), |x| *x)
        }
    };
    let (v, c, d) = (view(&args[0]), view(&args[1]), view(&args[2]));
    Column::Bool((0..len).map(|i| test(v[i], c[i], d[i])).collect())
}

pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::Around,
        names: &["around"],
        arity: (3, 3),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(around(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::ToLong,
        names: &["tolong"],
        arity: (1, 1),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| Ok(to_long(&args[0], len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::ToInt,
        names: &["toint"],
        arity: (1, 1),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| Ok(to_int(&args[0], len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::GetType,
        names: &["gettype"],
        arity: (1, 1),
        result: Fixed(T::String),
        run: |_, args, _ty, len, _ctx| Ok(gettype(&args[0], len)),
        naming: Naming::Prefix("type"),
    },
    ScalarDef {
        func: F::Iff,
        names: &["iff", "iif"],
        arity: (3, 3),
        result: Rule(|args| Ok(super::registry::common_type(&[&args[1], &args[2]]))),
        run: |_, args, ty, len, _ctx| Ok(iff(args, ty, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Case,
        names: &["case"],
        arity: (3, MANY),
        result: Rule(|args| {
            Ok({
                let mut branches: Vec<&crate::func::Arg> = args.iter().skip(1).step_by(2).collect();
                branches.push(args.last().expect("case has an else value"));
                super::registry::common_type(&branches)
            })
        }),
        run: |_, args, ty, len, _ctx| Ok(case(args, ty, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Coalesce,
        names: &["coalesce"],
        arity: (1, MANY),
        result: Rule(|args| {
            Ok(super::registry::common_type(
                &args.iter().collect::<Vec<_>>(),
            ))
        }),
        run: |_, args, ty, len, _ctx| Ok(coalesce(args, ty, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IsEmpty,
        names: &["isempty"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(is_empty(&args[0], len, true)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IsNotEmpty,
        names: &["isnotempty"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(is_empty(&args[0], len, false)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IsNull,
        names: &["isnull"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(is_null(&args[0], len, true)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::IsNotNull,
        names: &["isnotnull"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(is_null(&args[0], len, false)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Not,
        names: &["not"],
        arity: (1, 1),
        result: Fixed(T::Bool),
        run: |_, args, _ty, len, _ctx| Ok(not(&args[0], len)),
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;
    use std::borrow::Cow;

    #[test]
    fn iff_promotes_and_treats_null_as_false() {
        let cond = Column::Bool(vec![Some(true), None, Some(false)]);
        let args = [
            Datum::Column(Cow::Borrowed(&cond)),
            Datum::Scalar(Value::Int(1), Type::Int),
            Datum::Scalar(Value::Long(2), Type::Long),
        ];
        assert_eq!(
            iff(&args, Type::Long, 3),
            Column::Long(vec![Some(1), Some(2), Some(2)])
        );
    }

    #[test]
    fn case_picks_first_true() {
        let small = Column::Bool(vec![Some(true), Some(false), Some(false)]);
        let medium = Column::Bool(vec![Some(true), Some(true), Some(false)]);
        let text = |s: &str| Datum::Scalar(Value::String(s.into()), Type::String);
        let args = [
            Datum::Column(Cow::Borrowed(&small)),
            text("Small"),
            Datum::Column(Cow::Borrowed(&medium)),
            text("Medium"),
            text("Large"),
        ];
        assert_eq!(
            case(&args, Type::String, 3),
            Column::String(vec!["Small".into(), "Medium".into(), "Large".into()])
        );
    }

    #[test]
    fn coalesce_skips_nulls_and_empty_strings() {
        let args = [
            Datum::Scalar(Value::Null, Type::Long),
            Datum::Scalar(Value::Long(42), Type::Long),
            Datum::Scalar(Value::Long(33), Type::Long),
        ];
        assert_eq!(coalesce(&args, Type::Long, 1), Column::Long(vec![Some(42)]));
        let strs = [
            Datum::Scalar(Value::String("".into()), Type::String),
            Datum::Scalar(Value::String("x".into()), Type::String),
        ];
        assert_eq!(
            coalesce(&strs, Type::String, 1),
            Column::String(vec!["x".into()])
        );
    }

    #[test]
    fn emptiness_and_nulls() {
        let s = Datum::Scalar(Value::String("".into()), Type::String);
        assert_eq!(is_empty(&s, 1, true), Column::Bool(vec![Some(true)]));
        assert_eq!(is_null(&s, 1, true), Column::Bool(vec![Some(false)]));
        let n = Datum::Scalar(Value::Dynamic(serde_json::Value::Null), Type::Dynamic);
        assert_eq!(is_null(&n, 1, true), Column::Bool(vec![Some(true)]));
        let b = Datum::Scalar(Value::Null, Type::Bool);
        assert_eq!(not(&b, 1), Column::Bool(vec![None]));
    }

    #[test]
    fn integer_conversions() {
        let r = Datum::Scalar(Value::Real(2.7), Type::Real);
        assert_eq!(to_int(&r, 1), Column::Int(vec![Some(2)]));
        let s = Datum::Scalar(Value::String("abc".into()), Type::String);
        assert_eq!(to_long(&s, 1), Column::Long(vec![None]));
        let big = Datum::Scalar(Value::Long(1 << 40), Type::Long);
        assert_eq!(to_int(&big, 1), Column::Int(vec![None]));
    }

    #[test]
    fn type_names() {
        let arr = Datum::Scalar(Value::Dynamic(serde_json::json!([1])), Type::Dynamic);
        assert_eq!(gettype(&arr, 1), Column::String(vec!["array".into()]));
        let i = Datum::Scalar(Value::Int(1), Type::Int);
        assert_eq!(gettype(&i, 1), Column::String(vec!["int".into()]));
    }
}
