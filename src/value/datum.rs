//! `Datum`: an evaluated operand, either a column or one value standing for every row, and the
//! typed views (`Arr`) that let kernels read either shape without materialising a constant.

use std::borrow::Cow;

use crate::value::cast as convert;
use crate::value::table::{empty_str, Column, Str, Type, Value};

/// An evaluated expression: a column of the batch's length, or a constant that holds on every
/// row (a literal, or anything computed only from literals).
#[derive(Debug, Clone)]
pub enum Datum<'a> {
    Column(Cow<'a, Column>),
    Scalar(Value, Type),
}

/// A read-only view of `len` values of one Rust type: a borrowed slice, a converted vector, or
/// one value repeated.
#[derive(Debug)]
pub enum Arr<'a, T> {
    Slice(&'a [T]),
    Owned(Vec<T>),
    One(T),
}

impl<T> Arr<'_, T> {
    #[inline]
    pub fn get(&self, i: usize) -> &T {
        match self {
            Arr::Slice(s) => &s[i],
            Arr::Owned(v) => &v[i],
            Arr::One(x) => x,
        }
    }

    /// The first `len` values as a slice, unless this view is a constant.
    #[inline]
    fn rows(&self, len: usize) -> Option<&[T]> {
        match self {
            Arr::Slice(s) => Some(&s[..len]),
            Arr::Owned(v) => Some(&v[..len]),
            Arr::One(_) => None,
        }
    }

    /// The repeated value, when this view is a constant.
    pub fn one(&self) -> Option<&T> {
        match self {
            Arr::One(x) => Some(x),
            _ => None,
        }
    }
}

impl<'a> Datum<'a> {
    pub fn owned(col: Column) -> Datum<'static> {
        Datum::Column(Cow::Owned(col))
    }

    pub fn ty(&self) -> Type {
        match self {
            Datum::Column(c) => c.ty(),
            Datum::Scalar(_, ty) => *ty,
        }
    }

    pub fn is_scalar(&self) -> bool {
        matches!(self, Datum::Scalar(..))
    }

    /// The constant, when this datum is one.
    pub fn scalar(&self) -> Option<&Value> {
        match self {
            Datum::Scalar(v, _) => Some(v),
            Datum::Column(_) => None,
        }
    }

    /// The value at `row` (slow path: one `Value` per call).
    pub fn value(&self, row: usize) -> Value {
        match self {
            Datum::Column(c) => c.get(row),
            Datum::Scalar(v, _) => v.clone(),
        }
    }

    /// The datum as a column of `len` rows (constants are repeated).
    pub fn column(&self, len: usize) -> Cow<'_, Column> {
        match self {
            Datum::Column(c) => Cow::Borrowed(c.as_ref()),
            Datum::Scalar(v, ty) => Cow::Owned(Column::repeat(v, *ty, len)),
        }
    }

    pub fn into_column(self, len: usize) -> Column {
        match self {
            Datum::Column(c) => c.into_owned(),
            Datum::Scalar(v, ty) => Column::repeat(&v, ty, len),
        }
    }

    /// Generic per-row conversion for the views below.
    fn map_values<T>(&self, f: impl Fn(&Value) -> T) -> Arr<'_, T> {
        match self {
            Datum::Scalar(v, _) => Arr::One(f(v)),
            Datum::Column(c) => Arr::Owned((0..c.len()).map(|i| f(&c.get(i))).collect()),
        }
    }

    /// Integers: int and long as they are; other types converted as `tolong()` would.
    pub fn longs(&self) -> Arr<'_, Option<i64>> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => Arr::Slice(v),
                Column::Int(v) => Arr::Owned(v.iter().map(|x| x.map(i64::from)).collect()),
                Column::Real(v) => Arr::Owned(
                    v.iter()
                        .map(|x| x.and_then(convert::real_to_long))
                        .collect(),
                ),
                _ => self.map_values(convert::to_long),
            },
            Datum::Scalar(v, _) => Arr::One(match v {
                Value::DateTime(t) | Value::TimeSpan(t) => Some(*t),
                other => convert::to_long(other),
            }),
        }
    }

    /// Reals: numbers widened; other types converted as `toreal()` would.
    pub fn reals(&self) -> Arr<'_, Option<f64>> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::Real(v) => Arr::Slice(v),
                Column::Long(v) => Arr::Owned(v.iter().map(|x| x.map(|x| x as f64)).collect()),
                Column::Int(v) => Arr::Owned(v.iter().map(|x| x.map(f64::from)).collect()),
                _ => self.map_values(convert::to_real),
            },
            Datum::Scalar(v, _) => Arr::One(convert::to_real(v)),
        }
    }

    /// Ticks of a datetime or timespan (either kind; the caller knows which it has). Other
    /// types: a datetime parsed from text, else null.
    pub fn ticks(&self) -> Arr<'_, Option<i64>> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::DateTime(v) | Column::TimeSpan(v) => Arr::Slice(v),
                _ => self.map_values(convert::to_datetime),
            },
            Datum::Scalar(Value::DateTime(t) | Value::TimeSpan(t), _) => Arr::One(Some(*t)),
            Datum::Scalar(v, _) => Arr::One(convert::to_datetime(v)),
        }
    }

    /// Timespans: ticks, or text parsed as a timespan.
    pub fn timespans(&self) -> Arr<'_, Option<i64>> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::TimeSpan(v) | Column::DateTime(v) => Arr::Slice(v),
                _ => self.map_values(convert::to_timespan),
            },
            Datum::Scalar(v, _) => Arr::One(convert::to_timespan(v)),
        }
    }

    pub fn bools(&self) -> Arr<'_, Option<bool>> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::Bool(v) => Arr::Slice(v),
                _ => self.map_values(convert::to_bool),
            },
            Datum::Scalar(v, _) => Arr::One(convert::to_bool(v)),
        }
    }

    pub fn guids(&self) -> Arr<'_, Option<u128>> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::Guid(v) => Arr::Slice(v),
                _ => self.map_values(convert::to_guid),
            },
            Datum::Scalar(v, _) => Arr::One(convert::to_guid(v)),
        }
    }

    /// Strings: string columns as they are, other values as `tostring()` text.
    pub fn strs(&self) -> Arr<'_, Str> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::String(v) => Arr::Slice(v),
                _ => self.map_values(text_str),
            },
            Datum::Scalar(v, _) => Arr::One(text_str(v)),
        }
    }

    /// Dynamic values: dynamic columns as they are, other values as JSON.
    pub fn dyns(&self) -> Arr<'_, serde_json::Value> {
        match self {
            Datum::Column(c) => match c.as_ref() {
                Column::Dynamic(v) => Arr::Slice(v),
                _ => self.map_values(convert::to_dynamic),
            },
            Datum::Scalar(v, _) => Arr::One(convert::to_dynamic(v)),
        }
    }
}

/// `f` over rows `0..len` of one view.
pub fn map1<A, R>(len: usize, a: &Arr<'_, A>, mut f: impl FnMut(&A) -> R) -> Vec<R> {
    match a.rows(len) {
        Some(a) => a.iter().map(f).collect(),
        None => (0..len).map(|i| f(a.get(i))).collect(),
    }
}

/// `f` over rows `0..len` of two views. Each mix of columns and constants gets a loop of its
/// own, so the common ones run over plain slices (no per-row dispatch or bounds checks).
pub fn map2<A, B, R>(
    len: usize,
    a: &Arr<'_, A>,
    b: &Arr<'_, B>,
    mut f: impl FnMut(&A, &B) -> R,
) -> Vec<R> {
    match (a.rows(len), b.rows(len)) {
        (Some(a), Some(b)) => a.iter().zip(b).map(|(x, y)| f(x, y)).collect(),
        (Some(a), None) => {
            let y = b.get(0);
            a.iter().map(|x| f(x, y)).collect()
        }
        (None, Some(b)) => {
            let x = a.get(0);
            b.iter().map(|y| f(x, y)).collect()
        }
        (None, None) => (0..len).map(|i| f(a.get(i), b.get(i))).collect(),
    }
}

/// `f` over rows `0..len` of three views.
pub fn map3<A, B, C, R>(
    len: usize,
    a: &Arr<'_, A>,
    b: &Arr<'_, B>,
    c: &Arr<'_, C>,
    mut f: impl FnMut(&A, &B, &C) -> R,
) -> Vec<R> {
    match (a.rows(len), b.one(), c.one()) {
        // A column with constant arguments (`bin(t, 1h)`-like calls).
        (Some(a), Some(y), Some(z)) => a.iter().map(|x| f(x, y, z)).collect(),
        _ => (0..len).map(|i| f(a.get(i), b.get(i), c.get(i))).collect(),
    }
}

fn text_str(v: &Value) -> Str {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => empty_str(),
        other => Str::from(convert::to_text(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_broadcast_without_materialising() {
        let d = Datum::Scalar(Value::Long(7), Type::Long);
        let v = d.longs();
        assert_eq!(v.one(), Some(&Some(7)));
        assert_eq!(*v.get(1000), Some(7));
        assert_eq!(d.into_column(2), Column::Long(vec![Some(7), Some(7)]));
    }

    #[test]
    fn views_convert_between_types() {
        let col = Column::Int(vec![Some(2), None]);
        let d = Datum::Column(Cow::Borrowed(&col));
        assert_eq!(*d.reals().get(0), Some(2.0));
        assert_eq!(d.strs().get(0).as_ref(), "2");
        assert_eq!(d.strs().get(1).as_ref(), "");
    }
}
