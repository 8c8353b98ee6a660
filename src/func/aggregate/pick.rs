//! Aggregates that pick one value per group: `min`/`max` (any orderable type), `arg_max`/
//! `arg_min` (the value at the row with the extreme key; the first such row wins) and
//! `take_any`.

use std::cmp::Ordering;

use super::AggregateFunc as A;
use super::{slot, view, Accumulator};
use super::{AggregateDef, AggregateNaming, AggregateResult::Rule};
use crate::table::Type as T;
use crate::table::{Column, Str, Type, Value};
use crate::value::compare::compare_values;
use crate::value::datum::Arr;

/// A comparable key of one row.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Int(i64),
    Real(f64),
    Text(Str),
    Other(Value),
}

impl Key {
    fn cmp(&self, other: &Key) -> Option<Ordering> {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => Some(a.cmp(b)),
            (Key::Real(a), Key::Real(b)) => a.partial_cmp(b),
            (Key::Text(a), Key::Text(b)) => Some(a.as_ref().cmp(b.as_ref())),
            (Key::Other(a), Key::Other(b)) => compare_values(a, b),
            _ => None,
        }
    }
}

/// How keys are read from a column of one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Int,
    Real,
    Text,
    Other,
}

fn key_kind(ty: Type) -> KeyKind {
    match ty {
        Type::Int | Type::Long | Type::DateTime | Type::TimeSpan | Type::Bool => KeyKind::Int,
        Type::Real => KeyKind::Real,
        Type::String => KeyKind::Text,
        Type::Guid | Type::Dynamic => KeyKind::Other,
    }
}

/// A batch column read as keys.
enum KeyView<'a> {
    Int(Arr<'a, Option<i64>>),
    Real(Arr<'a, Option<f64>>),
    Text(Arr<'a, Str>),
    Other(&'a Column),
}

impl<'a> KeyView<'a> {
    fn new(kind: KeyKind, col: &'a Column) -> KeyView<'a> {
        let d = view(col);
        // The views borrow `col`, not `d`: rebuild them from the column directly.
        match kind {
            KeyKind::Int => KeyView::Int(match col {
                Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => Arr::Slice(v),
                _ => Arr::Owned(crate::func::scalar::convert::collect(d.longs(), col.len())),
            }),
            KeyKind::Real => KeyView::Real(match col {
                Column::Real(v) => Arr::Slice(v),
                _ => Arr::Owned(crate::func::scalar::convert::collect(d.reals(), col.len())),
            }),
            KeyKind::Text => KeyView::Text(match col {
                Column::String(v) => Arr::Slice(v),
                _ => Arr::Owned(crate::func::scalar::convert::collect(d.strs(), col.len())),
            }),
            KeyKind::Other => KeyView::Other(col),
        }
    }

    fn key(&self, i: usize) -> Option<Key> {
        match self {
            KeyView::Int(a) => a.get(i).map(Key::Int),
            KeyView::Real(a) => a.get(i).filter(|r| !r.is_nan()).map(Key::Real),
            KeyView::Text(a) => Some(Key::Text(a.get(i).clone())),
            KeyView::Other(c) => {
                let v = c.get(i);
                (!v.is_null()).then_some(Key::Other(v))
            }
        }
    }
}

/// Does `candidate` beat `current` (strictly, so the first of equal keys stays)?
fn beats(candidate: &Key, current: Option<&Key>, min: bool) -> bool {
    match current {
        None => true,
        Some(cur) => {
            let want = if min {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            candidate.cmp(cur) == Some(want)
        }
    }
}

/// The keys as a column of `ty`.
fn keys_to_column(keys: Vec<Option<Key>>, ty: Type) -> Column {
    let int = |k: &Option<Key>| match k {
        Some(Key::Int(i)) => Some(*i),
        _ => None,
    };
    match ty {
        Type::Long => Column::Long(keys.iter().map(int).collect()),
        Type::Int => Column::Int(
            keys.iter()
                .map(|k| int(k).and_then(|i| i32::try_from(i).ok()))
                .collect(),
        ),
        Type::DateTime => Column::DateTime(keys.iter().map(int).collect()),
        Type::TimeSpan => Column::TimeSpan(keys.iter().map(int).collect()),
        Type::Bool => Column::Bool(keys.iter().map(|k| int(k).map(|i| i != 0)).collect()),
        Type::Real => Column::Real(
            keys.iter()
                .map(|k| match k {
                    Some(Key::Real(r)) => Some(*r),
                    _ => None,
                })
                .collect(),
        ),
        Type::String => Column::String(
            keys.into_iter()
                .map(|k| match k {
                    Some(Key::Text(s)) => s,
                    _ => crate::table::empty_str(),
                })
                .collect(),
        ),
        ty => {
            let mut col = Column::with_capacity(ty, keys.len());
            for k in keys {
                col.push(&match k {
                    Some(Key::Other(v)) => v,
                    _ => Value::Null,
                });
            }
            col
        }
    }
}

/// `min(x)` / `max(x)`.
pub struct Extreme {
    result: Type,
    min: bool,
    best: Vec<Option<Key>>,
}

impl Extreme {
    pub fn new(result: Type, min: bool) -> Extreme {
        Extreme {
            result,
            min,
            best: Vec::new(),
        }
    }
}

impl Accumulator for Extreme {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        let keys = KeyView::new(key_kind(col.ty()), col);
        for (i, &g) in groups.iter().enumerate() {
            let Some(k) = keys.key(i) else { continue };
            let best = slot(&mut self.best, g, None);
            if beats(&k, best.as_ref(), self.min) {
                *best = Some(k);
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.best.resize(num_groups, None);
        keys_to_column(self.best, self.result)
    }
}

/// `arg_max(by, value)` / `arg_min`: args are `[by, value]`.
pub struct ArgExtreme {
    result: Type,
    min: bool,
    keys: Vec<Option<Key>>,
    values: Vec<Option<Value>>,
}

impl ArgExtreme {
    pub fn new(_by: Type, result: Type, min: bool) -> ArgExtreme {
        ArgExtreme {
            result,
            min,
            keys: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl Accumulator for ArgExtreme {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let (Some(by), Some(value)) = (args.first(), args.get(1)) else {
            return;
        };
        let keys = KeyView::new(key_kind(by.ty()), by);
        for (i, &g) in groups.iter().enumerate() {
            let k = keys.key(i);
            let stored = slot(&mut self.values, g, None);
            let best = slot(&mut self.keys, g, None);
            match k {
                // A row with a null key only fills a group that has nothing yet.
                None => {
                    if stored.is_none() {
                        *slot(&mut self.values, g, None) = Some(value.get(i));
                    }
                }
                Some(k) => {
                    if beats(&k, best.as_ref(), self.min) {
                        *best = Some(k);
                        self.values[g] = Some(value.get(i));
                    }
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.values.resize(num_groups, None);
        let mut col = Column::with_capacity(self.result, num_groups);
        for v in self.values {
            col.push(&v.unwrap_or(Value::Null));
        }
        col
    }
}

/// `take_any(x)`: the first non-null (for strings, non-empty) value of each group.
pub struct TakeAny {
    result: Type,
    values: Vec<Option<Value>>,
}

impl TakeAny {
    pub fn new(result: Type) -> TakeAny {
        TakeAny {
            result,
            values: Vec::new(),
        }
    }
}

impl Accumulator for TakeAny {
    fn update(&mut self, groups: &[usize], args: &[Column]) {
        let Some(col) = args.first() else { return };
        for (i, &g) in groups.iter().enumerate() {
            let current = slot(&mut self.values, g, None);
            let filled = match current {
                Some(Value::String(s)) => !s.is_empty(),
                Some(v) => !v.is_null(),
                None => false,
            };
            if !filled {
                *current = Some(col.get(i));
            }
        }
    }

    fn finish(mut self: Box<Self>, num_groups: usize) -> Column {
        self.values.resize(num_groups, None);
        let mut col = Column::with_capacity(self.result, num_groups);
        for v in self.values {
            col.push(&v.unwrap_or(Value::Null));
        }
        col
    }
}

/// This family's aggregates, one row each (see `super::AggregateDef`).
pub(super) const AGGREGATES: &[AggregateDef] = &[
    AggregateDef {
        func: A::Min,
        names: &["min"],
        arity: (1, 1),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| Box::new(Extreme::new(result, true)),
        naming: AggregateNaming::Prefix("min"),
    },
    AggregateDef {
        func: A::Max,
        names: &["max"],
        arity: (1, 1),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| Box::new(Extreme::new(result, false)),
        naming: AggregateNaming::Prefix("max"),
    },
    AggregateDef {
        func: A::MinIf,
        names: &["minif"],
        arity: (2, 2),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| super::filtered(1, Extreme::new(result, true)),
        naming: AggregateNaming::Prefix("minif"),
    },
    AggregateDef {
        func: A::MaxIf,
        names: &["maxif"],
        arity: (2, 2),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| super::filtered(1, Extreme::new(result, false)),
        naming: AggregateNaming::Prefix("maxif"),
    },
    AggregateDef {
        func: A::ArgMax,
        names: &["arg_max"],
        arity: (2, 2),
        result: Rule(|args| Ok(args[1].ty)),
        make: |arg_types, result| {
            let input = arg_types.first().copied().unwrap_or(T::Long);
            Box::new(ArgExtreme::new(input, result, false))
        },
        naming: AggregateNaming::Positional,
    },
    AggregateDef {
        func: A::ArgMin,
        names: &["arg_min"],
        arity: (2, 2),
        result: Rule(|args| Ok(args[1].ty)),
        make: |arg_types, result| {
            let input = arg_types.first().copied().unwrap_or(T::Long);
            Box::new(ArgExtreme::new(input, result, true))
        },
        naming: AggregateNaming::Positional,
    },
    AggregateDef {
        func: A::TakeAny,
        names: &["take_any"],
        arity: (1, 1),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| Box::new(TakeAny::new(result)),
        naming: AggregateNaming::Positional,
    },
    AggregateDef {
        func: A::TakeAny,
        names: &["any"],
        arity: (1, 1),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| Box::new(TakeAny::new(result)),
        naming: AggregateNaming::Prefix("any"),
    },
    AggregateDef {
        func: A::TakeAnyIf,
        names: &["take_anyif"],
        arity: (2, 2),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| super::filtered(1, TakeAny::new(result)),
        naming: AggregateNaming::First,
    },
    AggregateDef {
        func: A::TakeAnyIf,
        names: &["anyif"],
        arity: (2, 2),
        result: Rule(|args| {
            let input = args.first().map_or(T::Long, |a| a.ty);
            Ok(input)
        }),
        make: |_arg_types, result| super::filtered(1, TakeAny::new(result)),
        naming: AggregateNaming::Prefix("anyif"),
    },
];
