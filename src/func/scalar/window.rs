//! Window functions: `row_number()`, `prev()`, `next()`, `row_cumsum()`,
//! `row_window_session()`, `row_rank_dense()`, `row_rank_min()`. Unlike every other
//! scalar function they read other rows than the current one, so their arguments must be the
//! whole serialized input in order: the binder only lets them run inside `Node::Serialize`,
//! which evaluates its expressions over all of its input as one batch.

use super::def::{Naming, ResultType::Rule, ScalarDef};
use super::ScalarFunc as F;
use crate::func::scalar::convert;
use crate::table::{Column, Type};
use crate::value::datum::Datum;

/// `row_number([start [, restart]])`: `start` on the first row and on every row where
/// `restart` is true, one more than the row before otherwise.
pub fn row_number(args: &[Datum], len: usize) -> Column {
    let start = args.first().map(Datum::longs);
    let restart = args.get(1).map(Datum::bools);
    let start_at = |row: usize| start.as_ref().map_or(Some(1), |s| *s.get(row));
    let mut numbers = Vec::with_capacity(len);
    let mut current: Option<i64> = None;
    for row in 0..len {
        let restarts = restart.as_ref().is_some_and(|r| *r.get(row) == Some(true));
        current = match current {
            Some(n) if !restarts => Some(n.wrapping_add(1)),
            _ => start_at(row),
        };
        numbers.push(current);
    }
    Column::Long(numbers)
}

/// `prev(column [, offset [, default]])` (`backward`) and `next(…)`: the column's value
/// `offset` rows before (after) the current one, or `default` (null unless given) when that
/// row is outside the input. `ty` is the column's type.
pub fn shifted(args: &[Datum], len: usize, ty: Type, backward: bool) -> Column {
    let offsets = args.get(1).map(Datum::longs);
    // Gather from the values followed by the defaults: row i of the defaults is at len + i.
    let mut source = convert::cast_column(args[0].column(len).into_owned(), ty);
    let defaults = match args.get(2) {
        Some(default) => convert::cast_column(default.column(len).into_owned(), ty),
        None => Column::nulls(ty, len),
    };
    source.extend_from(&defaults);
    let indices: Vec<usize> = (0..len)
        .map(|row| {
            let offset = offsets.as_ref().map_or(Some(1), |o| *o.get(row));
            let target = offset.and_then(|offset| {
                let offset = if backward {
                    offset.checked_neg()?
                } else {
                    offset
                };
                (row as i64)
                    .checked_add(offset)
                    .filter(|&t| t >= 0 && t < len as i64)
            });
            target.map_or(len + row, |t| t as usize)
        })
        .collect();
    source.take(&indices)
}

/// `row_cumsum(term [, restart])`: the running sum of `term` (nulls add nothing), set back to
/// zero before every row where `restart` is true. `ty` is the term's type (int, long or real).
pub fn row_cumsum(args: &[Datum], len: usize, ty: Type) -> Column {
    let restart = args.get(1).map(Datum::bools);
    let restarts = |row: usize| restart.as_ref().is_some_and(|r| *r.get(row) == Some(true));
    if ty == Type::Real {
        let terms = args[0].reals();
        let mut sum = 0.0;
        let sums = (0..len).map(|row| {
            if restarts(row) {
                sum = 0.0;
            }
            sum += terms.get(row).unwrap_or(0.0);
            Some(sum)
        });
        return Column::Real(sums.collect());
    }
    let terms = args[0].longs();
    let mut sum: i64 = 0;
    let sums = (0..len).map(|row| {
        if restarts(row) {
            sum = 0;
        }
        sum = sum.wrapping_add(terms.get(row).unwrap_or(0));
        Some(sum)
    });
    Column::Long(sums.collect())
}

/// `row_rank_dense(term [, restart])` (`dense`) and `row_rank_min(term [, restart])`: over an
/// input sorted by `term`, the rank of each row's value. Equal consecutive values share a rank;
/// a new value's rank is one more than the last (dense) or its row's position (min). A restart
/// starts over at 1.
pub fn row_rank(args: &[Datum], len: usize, dense: bool) -> Column {
    let restart = args.get(1).map(Datum::bools);
    let terms = args[0].column(len);
    let mut ranks = Vec::with_capacity(len);
    let (mut rank, mut position) = (0i64, 0i64);
    for row in 0..len {
        let restarts = restart.as_ref().is_some_and(|r| *r.get(row) == Some(true));
        if row == 0 || restarts {
            (rank, position) = (1, 1);
        } else {
            position += 1;
            if !crate::value::compare::values_equal(&terms.get(row), &terms.get(row - 1)) {
                rank = if dense { rank + 1 } else { position };
            }
        }
        ranks.push(Some(rank));
    }
    Column::Long(ranks)
}

/// `row_window_session(t, max_from_first, max_between [, restart])`: for each row, the time the
/// row's session started. A row starts a new session when there is no session yet (the first
/// row, or the one after a null time), when it is `max_from_first` or more after the session's
/// start, `max_between` or more after the row before, or when `restart` is true. A null time
/// gives null.
pub fn row_window_session(args: &[Datum], len: usize) -> Column {
    let times = args[0].ticks();
    let from_first = args[1].timespans();
    let between = args[2].timespans();
    let restart = args.get(3).map(Datum::bools);
    let mut starts = Vec::with_capacity(len);
    // The current session's start and the time of the row before.
    let mut session: Option<(i64, i64)> = None;
    for row in 0..len {
        let Some(t) = *times.get(row) else {
            session = None;
            starts.push(None);
            continue;
        };
        let restarts = restart.as_ref().is_some_and(|r| *r.get(row) == Some(true));
        let reached = |base: i64, distance: &Option<i64>| {
            distance.is_some_and(|d| t >= base.saturating_add(d))
        };
        let start = match session {
            Some((start, before))
                if !restarts
                    && !reached(start, from_first.get(row))
                    && !reached(before, between.get(row)) =>
            {
                start
            }
            _ => t,
        };
        session = Some((start, t));
        starts.push(Some(start));
    }
    Column::DateTime(starts)
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::RowNumber,
        names: &["row_number"],
        arity: (0, 2),
        result: Rule(|args| super::registry::window_type(F::RowNumber, args)),
        run: |_, args, _ty, len, _ctx| Ok(row_number(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Prev,
        names: &["prev"],
        arity: (1, 3),
        result: Rule(|args| super::registry::window_type(F::Prev, args)),
        run: |_, args, ty, len, _ctx| Ok(shifted(args, len, ty, true)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Next,
        names: &["next"],
        arity: (1, 3),
        result: Rule(|args| super::registry::window_type(F::Next, args)),
        run: |_, args, ty, len, _ctx| Ok(shifted(args, len, ty, false)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::RowCumsum,
        names: &["row_cumsum"],
        arity: (1, 2),
        result: Rule(|args| super::registry::window_type(F::RowCumsum, args)),
        run: |_, args, ty, len, _ctx| Ok(row_cumsum(args, len, ty)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::RowRankDense,
        names: &["row_rank_dense"],
        arity: (1, 2),
        result: Rule(|args| super::registry::window_type(F::RowRankDense, args)),
        run: |_, args, _ty, len, _ctx| Ok(row_rank(args, len, true)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::RowRankMin,
        names: &["row_rank_min"],
        arity: (1, 2),
        result: Rule(|args| super::registry::window_type(F::RowRankMin, args)),
        run: |_, args, _ty, len, _ctx| Ok(row_rank(args, len, false)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::RowWindowSession,
        names: &["row_window_session"],
        arity: (3, 4),
        result: Rule(|args| super::registry::window_type(F::RowWindowSession, args)),
        run: |_, args, _ty, len, _ctx| Ok(row_window_session(args, len)),
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;
    use std::borrow::Cow;

    fn column(c: Column) -> Datum<'static> {
        Datum::Column(Cow::Owned(c))
    }

    fn scalar(v: Value, ty: Type) -> Datum<'static> {
        Datum::Scalar(v, ty)
    }

    fn bools(values: &[bool]) -> Datum<'static> {
        column(Column::Bool(values.iter().map(|&b| Some(b)).collect()))
    }

    #[test]
    fn row_number_counts_from_start_and_restarts() {
        assert_eq!(
            row_number(&[], 3),
            Column::Long(vec![Some(1), Some(2), Some(3)])
        );
        let seven = scalar(Value::Long(7), Type::Long);
        assert_eq!(
            row_number(&[seven], 2),
            Column::Long(vec![Some(7), Some(8)])
        );
        let zero = scalar(Value::Long(0), Type::Long);
        let restart = bools(&[true, false, true, false, false]);
        assert_eq!(
            row_number(&[zero, restart], 5),
            Column::Long(vec![Some(0), Some(1), Some(0), Some(1), Some(2)])
        );
    }

    #[test]
    fn prev_and_next_shift_with_offsets_and_defaults() {
        let x = || column(Column::Long(vec![Some(10), Some(20), Some(30)]));
        assert_eq!(
            shifted(&[x()], 3, Type::Long, true),
            Column::Long(vec![None, Some(10), Some(20)])
        );
        assert_eq!(
            shifted(&[x()], 3, Type::Long, false),
            Column::Long(vec![Some(20), Some(30), None])
        );
        let two = scalar(Value::Long(2), Type::Long);
        let default = scalar(Value::Long(-1), Type::Long);
        assert_eq!(
            shifted(&[x(), two.clone(), default.clone()], 3, Type::Long, true),
            Column::Long(vec![Some(-1), Some(-1), Some(10)])
        );
        assert_eq!(
            shifted(&[x(), two, default], 3, Type::Long, false),
            Column::Long(vec![Some(30), Some(-1), Some(-1)])
        );
        let names = column(Column::String(vec!["a".into(), "b".into()]));
        assert_eq!(
            shifted(&[names], 2, Type::String, true),
            Column::String(vec!["".into(), "a".into()])
        );
    }

    #[test]
    fn row_window_session_starts_sessions_by_distance_gap_and_restart() {
        let minute = 600_000_000;
        let times = column(Column::DateTime(
            [0, 3, 7, 20, 61, 62]
                .iter()
                .map(|m| Some(m * minute))
                .collect(),
        ));
        let hour = scalar(Value::TimeSpan(60 * minute), Type::TimeSpan);
        let five = scalar(Value::TimeSpan(5 * minute), Type::TimeSpan);
        let restart = bools(&[false, false, false, false, false, true]);
        let starts = |c: Column| match c {
            Column::DateTime(v) => v.iter().map(|t| t.map(|t| t / minute)).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        // 7 is 4 minutes after 3 (same session); 20 is 13 after 7 and 61 is 41 after 20 (new
        // sessions by the gap); 62 joins 61 unless the restart says otherwise.
        assert_eq!(
            starts(row_window_session(
                &[times.clone(), hour.clone(), five.clone()],
                6
            )),
            [Some(0), Some(0), Some(0), Some(20), Some(61), Some(61)]
        );
        assert_eq!(
            starts(row_window_session(&[times, hour, five, restart], 6)),
            [Some(0), Some(0), Some(0), Some(20), Some(61), Some(62)]
        );
    }

    #[test]
    fn row_cumsum_sums_skips_nulls_and_restarts() {
        let salary = column(Column::Long(vec![
            Some(1000),
            Some(2000),
            None,
            Some(1000),
            Some(1950),
        ]));
        let restart = bools(&[true, false, false, true, false]);
        assert_eq!(
            row_cumsum(&[salary, restart], 5, Type::Long),
            Column::Long(vec![
                Some(1000),
                Some(3000),
                Some(3000),
                Some(1000),
                Some(2950)
            ])
        );
        let halves = column(Column::Real(vec![Some(0.5), Some(1.5)]));
        assert_eq!(
            row_cumsum(&[halves], 2, Type::Real),
            Column::Real(vec![Some(0.5), Some(2.0)])
        );
    }
}
