//! `join`: a hash join on the smaller side. When the right side is the smaller (the common
//! `T | join (small) on k`), it is built into a hash table on its key columns and the left side
//! streams through it batch by batch (`HashJoin`); right rows that must appear unmatched
//! (`rightouter`, `fullouter`, `rightanti`) or once per match (`rightsemi`) are emitted when the
//! left side ends. When the left side turns out smaller, it is the one hashed
//! (`join_hashing_left`) and the result is put in the same order. A key with a null never
//! matches. `innerunique` (Kusto's default) keeps only the first left row of each key before
//! matching, whichever side is hashed.
//!
//! A key shared by many rows on both sides (a cartesian join) makes far more rows than either
//! side holds, so output goes on in batches of [`OUTPUT_ROWS`] and the query's meter is asked
//! while the matches pile up: such a join is bounded by `--max-memory` and `--timeout`.

use super::keys::encode_row;
use super::{batch, emit, Flow, Meter, Sink};
use crate::error::Error;
use crate::plan::{JoinKind, JoinSide};
use crate::table::{empty_str, Column, Schema, Table};
use rustc_hash::{FxHashMap, FxHashSet};

/// The most output rows gathered before they are sent on.
const OUTPUT_ROWS: usize = 64 * 1024;

pub(super) struct HashJoin<'a> {
    right: Table,
    kind: JoinKind,
    left_keys: &'a [usize],
    output: &'a [(JoinSide, usize)],
    schema: &'a Schema,
    /// Right rows by key, in right order; rows with a null key are left out.
    table: FxHashMap<Box<[u8]>, Vec<usize>>,
    /// Right rows matched so far (kinds that emit right rows at the end).
    matched: Vec<bool>,
    /// Left keys already joined (`innerunique`).
    seen_left: FxHashSet<Box<[u8]>>,
    scratch: Vec<u8>,
}

impl<'a> HashJoin<'a> {
    pub(super) fn build(
        right: Table,
        kind: JoinKind,
        left_keys: &'a [usize],
        right_keys: &[usize],
        output: &'a [(JoinSide, usize)],
        schema: &'a Schema,
    ) -> HashJoin<'a> {
        let table = hash_rows(&right, right_keys, false);
        let tracks_right = matches!(
            kind,
            JoinKind::RightOuter | JoinKind::FullOuter | JoinKind::RightAnti | JoinKind::RightSemi
        );
        HashJoin {
            matched: if tracks_right {
                vec![false; right.num_rows()]
            } else {
                Vec::new()
            },
            right,
            kind,
            left_keys,
            output,
            schema,
            table,
            seen_left: FxHashSet::default(),
            scratch: Vec::new(),
        }
    }

    /// Send on the output rows one left batch yields now.
    pub(super) fn probe(
        &mut self,
        left: &Table,
        meter: &Meter,
        out: &mut Sink<'_>,
    ) -> Result<Flow, Error> {
        let key_columns: Vec<Column> = self
            .left_keys
            .iter()
            .map(|&k| left.columns[k].clone())
            .collect();
        let mut left_rows: Vec<Option<usize>> = Vec::new();
        let mut right_rows: Vec<Option<usize>> = Vec::new();
        for row in 0..left.num_rows() {
            self.scratch.clear();
            let present = encode_row(&key_columns, row, &mut self.scratch);
            if self.kind == JoinKind::InnerUnique
                && present
                && !self.seen_left.insert(self.scratch.as_slice().into())
            {
                continue;
            }
            let matches: &[usize] = match present {
                true => self
                    .table
                    .get(self.scratch.as_slice())
                    .map_or(&[], Vec::as_slice),
                false => &[],
            };
            if !self.matched.is_empty() {
                for &m in matches {
                    self.matched[m] = true;
                }
            }
            match self.kind {
                JoinKind::Inner | JoinKind::InnerUnique | JoinKind::RightOuter => {}
                JoinKind::LeftOuter | JoinKind::FullOuter if matches.is_empty() => {
                    left_rows.push(Some(row));
                    right_rows.push(None);
                }
                JoinKind::LeftOuter | JoinKind::FullOuter => {}
                JoinKind::LeftSemi if !matches.is_empty() => left_rows.push(Some(row)),
                JoinKind::LeftAnti if matches.is_empty() => left_rows.push(Some(row)),
                JoinKind::LeftSemi
                | JoinKind::LeftAnti
                | JoinKind::RightSemi
                | JoinKind::RightAnti => {}
            }
            let pairs = matches!(
                self.kind,
                JoinKind::Inner
                    | JoinKind::InnerUnique
                    | JoinKind::RightOuter
                    | JoinKind::LeftOuter
                    | JoinKind::FullOuter
            );
            for &m in matches.iter().filter(|_| pairs) {
                left_rows.push(Some(row));
                right_rows.push(Some(m));
                if left_rows.len() == OUTPUT_ROWS {
                    meter.check()?;
                    let chunk = self.gather(Some(left), &left_rows, &right_rows);
                    left_rows.clear();
                    right_rows.clear();
                    if emit(chunk, out)? == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
            }
            meter.check_every(row)?;
        }
        emit(self.gather(Some(left), &left_rows, &right_rows), out)
    }

    /// The right rows emitted once the left side is done.
    pub(super) fn finish(self) -> Table {
        let wanted = match self.kind {
            JoinKind::RightOuter | JoinKind::FullOuter | JoinKind::RightAnti => false,
            JoinKind::RightSemi => true,
            _ => return Table::empty(self.schema.clone()),
        };
        let right_rows: Vec<Option<usize>> = (0..self.matched.len())
            .filter(|&r| self.matched[r] == wanted)
            .map(Some)
            .collect();
        let left_rows = vec![None; right_rows.len()];
        self.gather(None, &left_rows, &right_rows)
    }

    fn gather(
        &self,
        left: Option<&Table>,
        left_rows: &[Option<usize>],
        right_rows: &[Option<usize>],
    ) -> Table {
        let rows = Rows {
            left,
            right: &self.right,
            left_rows,
            right_rows,
        };
        rows.gather(self.output, self.schema)
    }
}

/// The rows of `table` by their key (the `keys` columns), in table order; rows with a null key
/// are left out. `first_only` keeps just the first row of each key (`innerunique`'s left side).
fn hash_rows(table: &Table, keys: &[usize], first_only: bool) -> FxHashMap<Box<[u8]>, Vec<usize>> {
    let key_columns: Vec<Column> = keys.iter().map(|&k| table.columns[k].clone()).collect();
    let mut hashed: FxHashMap<Box<[u8]>, Vec<usize>> = FxHashMap::default();
    let mut scratch = Vec::new();
    for row in 0..table.num_rows() {
        scratch.clear();
        if encode_row(&key_columns, row, &mut scratch) {
            match hashed.get_mut(scratch.as_slice()) {
                Some(rows) if !first_only => rows.push(row),
                Some(_) => {}
                None => {
                    hashed.insert(scratch.as_slice().into(), vec![row]);
                }
            }
        }
    }
    hashed
}

/// `join` when the left side is the smaller one, so it is the side hashed: the right rows are
/// looked up in a table of the left rows. The result comes out in the order the right-hashed
/// `HashJoin` gives (by left row, then right row; rows of the right side alone last), so which
/// side was hashed never shows. `innerunique` hashes only the first left row of each key, which
/// is exactly the left side it dedupes.
#[allow(clippy::too_many_arguments)] // the join's parts, as `HashJoin::build` takes them
pub(super) fn join_hashing_left(
    left: &Table,
    right: &Table,
    kind: JoinKind,
    (left_keys, right_keys): (&[usize], &[usize]),
    output: &[(JoinSide, usize)],
    schema: &Schema,
    meter: &Meter,
    out: &mut Sink<'_>,
) -> Result<Flow, Error> {
    use JoinKind as K;
    let hashed = hash_rows(left, left_keys, kind == K::InnerUnique);
    let right_keys: Vec<Column> = right_keys
        .iter()
        .map(|&k| right.columns[k].clone())
        .collect();
    let mut matched_left = vec![false; left.num_rows()];
    let mut matched_right = vec![false; right.num_rows()];
    let wants_pairs = matches!(
        kind,
        K::Inner | K::InnerUnique | K::LeftOuter | K::RightOuter | K::FullOuter
    );
    let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
    let mut scratch = Vec::new();
    for (r, right_matched) in matched_right.iter_mut().enumerate() {
        scratch.clear();
        if !encode_row(&right_keys, r, &mut scratch) {
            continue;
        }
        let Some(lefts) = hashed.get(scratch.as_slice()) else {
            continue;
        };
        *right_matched = true;
        for &l in lefts {
            matched_left[l] = true;
            if wants_pairs {
                pairs.push((l, Some(r)));
                meter.check_every(pairs.len())?;
            }
        }
        meter.check_every(r)?;
    }
    let rows_where = |matched: &[bool], wanted: bool| -> Vec<Option<usize>> {
        (0..matched.len())
            .filter(|&i| matched[i] == wanted)
            .map(Some)
            .collect()
    };
    let gather = |left_rows: &[Option<usize>], right_rows: &[Option<usize>]| {
        let rows = Rows {
            left: Some(left),
            right,
            left_rows,
            right_rows,
        };
        rows.gather(output, schema)
    };
    match kind {
        K::LeftSemi | K::LeftAnti => {
            let rows = rows_where(&matched_left, kind == K::LeftSemi);
            emit(gather(&rows, &vec![None; rows.len()]), out)
        }
        K::RightSemi | K::RightAnti => {
            let rows = rows_where(&matched_right, kind == K::RightSemi);
            emit(gather(&vec![None; rows.len()], &rows), out)
        }
        K::Inner | K::InnerUnique | K::LeftOuter | K::RightOuter | K::FullOuter => {
            if matches!(kind, K::LeftOuter | K::FullOuter) {
                let unmatched = (0..left.num_rows()).filter(|&l| !matched_left[l]);
                pairs.extend(unmatched.map(|l| (l, None)));
            }
            // Stable: the pairs of one left row stay in right order.
            pairs.sort_by_key(|&(l, _)| l);
            for chunk in pairs.chunks(OUTPUT_ROWS) {
                meter.check()?;
                let (lefts, rights): (Vec<_>, Vec<_>) =
                    chunk.iter().map(|&(l, r)| (Some(l), r)).unzip();
                if emit(gather(&lefts, &rights), out)? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
            }
            if matches!(kind, K::RightOuter | K::FullOuter) {
                let unmatched = rows_where(&matched_right, false);
                return emit(gather(&vec![None; unmatched.len()], &unmatched), out);
            }
            Ok(Flow::More)
        }
    }
}

/// Output rows as pairs of row indices into the two sides (`None`: that side is null).
pub(super) struct Rows<'t> {
    pub(super) left: Option<&'t Table>,
    pub(super) right: &'t Table,
    pub(super) left_rows: &'t [Option<usize>],
    pub(super) right_rows: &'t [Option<usize>],
}

impl Rows<'_> {
    /// The output columns `output` names, typed as `schema` says.
    pub(super) fn gather(&self, output: &[(JoinSide, usize)], schema: &Schema) -> Table {
        let columns = output
            .iter()
            .zip(schema.fields.iter())
            .map(|(&(side, column), field)| match (side, self.left) {
                (JoinSide::Left, Some(left)) => take_or_null(&left.columns[column], self.left_rows),
                (JoinSide::Left, None) => Column::nulls(field.ty, self.left_rows.len()),
                (JoinSide::Right, _) => take_or_null(&self.right.columns[column], self.right_rows),
            })
            .collect();
        batch(schema, columns)
    }
}

/// The rows at `indices`, null (empty for strings) where an index is `None`.
fn take_or_null(column: &Column, indices: &[Option<usize>]) -> Column {
    fn gather<T: Copy>(values: &[Option<T>], indices: &[Option<usize>]) -> Vec<Option<T>> {
        indices.iter().map(|i| i.and_then(|i| values[i])).collect()
    }
    match column {
        Column::Bool(v) => Column::Bool(gather(v, indices)),
        Column::Int(v) => Column::Int(gather(v, indices)),
        Column::Long(v) => Column::Long(gather(v, indices)),
        Column::Real(v) => Column::Real(gather(v, indices)),
        Column::DateTime(v) => Column::DateTime(gather(v, indices)),
        Column::TimeSpan(v) => Column::TimeSpan(gather(v, indices)),
        Column::Guid(v) => Column::Guid(gather(v, indices)),
        Column::String(v) => Column::String(
            indices
                .iter()
                .map(|i| i.map_or_else(empty_str, |i| v[i].clone()))
                .collect(),
        ),
        Column::Dynamic(v) => Column::Dynamic(
            indices
                .iter()
                .map(|i| i.map_or(serde_json::Value::Null, |i| v[i].clone()))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::plan::{JoinKind, JoinSide, Node, Plan};
    use crate::table::{Table, Type, Value};
    use std::sync::Arc;

    /// Left (k, a) and right (k, b) with a null key and a duplicate key on each side.
    fn sides() -> (Table, Table) {
        let left = values(&[
            ("k", longs(&[Some(1), Some(1), Some(2), None, Some(4)])),
            ("a", strings(&["l1", "l1b", "l2", "lnull", "l4"])),
        ]);
        let right = values(&[
            ("k", longs(&[Some(1), Some(2), Some(2), None, Some(3)])),
            ("b", strings(&["r1", "r2", "r2b", "rnull", "r3"])),
        ]);
        (left, right)
    }

    fn join(kind: JoinKind) -> Vec<Vec<Value>> {
        let (left, right) = sides();
        let (output, fields) = match kind {
            JoinKind::LeftSemi | JoinKind::LeftAnti => (
                vec![(JoinSide::Left, 0), (JoinSide::Left, 1)],
                vec![("k", Type::Long), ("a", Type::String)],
            ),
            JoinKind::RightSemi | JoinKind::RightAnti => (
                vec![(JoinSide::Right, 0), (JoinSide::Right, 1)],
                vec![("k", Type::Long), ("b", Type::String)],
            ),
            _ => (
                vec![
                    (JoinSide::Left, 0),
                    (JoinSide::Left, 1),
                    (JoinSide::Right, 0),
                    (JoinSide::Right, 1),
                ],
                vec![
                    ("k", Type::Long),
                    ("a", Type::String),
                    ("k1", Type::Long),
                    ("b", Type::String),
                ],
            ),
        };
        let plan = Plan {
            schema: schema(&fields),
            node: Node::Join {
                left: Arc::new(values_plan(left)),
                right: Arc::new(values_plan(right)),
                kind,
                left_keys: vec![0],
                right_keys: vec![0],
                output,
            },
        };
        rows(&run(plan))
    }

    /// Rows as compact text: `k a k1 b` with `-` for null.
    fn text(rows: Vec<Vec<Value>>) -> Vec<String> {
        rows.iter()
            .map(|row| {
                row.iter()
                    .map(|v| match v {
                        Value::Null => "-".to_string(),
                        Value::Long(l) => l.to_string(),
                        Value::String(s) => s.to_string(),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn inner_matches_every_pair_and_never_null_keys() {
        assert_eq!(
            text(join(JoinKind::Inner)),
            ["1 l1 1 r1", "1 l1b 1 r1", "2 l2 2 r2", "2 l2 2 r2b"]
        );
    }

    #[test]
    fn innerunique_keeps_the_first_left_row_per_key() {
        assert_eq!(
            text(join(JoinKind::InnerUnique)),
            ["1 l1 1 r1", "2 l2 2 r2", "2 l2 2 r2b"]
        );
    }

    #[test]
    fn outer_joins_fill_the_missing_side_with_nulls() {
        assert_eq!(
            text(join(JoinKind::LeftOuter)),
            [
                "1 l1 1 r1",
                "1 l1b 1 r1",
                "2 l2 2 r2",
                "2 l2 2 r2b",
                "- lnull - ",
                "4 l4 - "
            ]
        );
        assert_eq!(
            text(join(JoinKind::RightOuter)),
            [
                "1 l1 1 r1",
                "1 l1b 1 r1",
                "2 l2 2 r2",
                "2 l2 2 r2b",
                "-  - rnull",
                "-  3 r3"
            ]
        );
        assert_eq!(
            text(join(JoinKind::FullOuter)),
            [
                "1 l1 1 r1",
                "1 l1b 1 r1",
                "2 l2 2 r2",
                "2 l2 2 r2b",
                "- lnull - ",
                "4 l4 - ",
                "-  - rnull",
                "-  3 r3"
            ]
        );
    }

    #[test]
    fn hashing_either_side_gives_the_same_rows_in_the_same_order() {
        use super::{join_hashing_left, HashJoin};
        use crate::plan::JoinSide::{Left, Right};
        let (left, right) = sides();
        for kind in [
            JoinKind::InnerUnique,
            JoinKind::Inner,
            JoinKind::LeftOuter,
            JoinKind::RightOuter,
            JoinKind::FullOuter,
            JoinKind::LeftAnti,
            JoinKind::RightAnti,
            JoinKind::LeftSemi,
            JoinKind::RightSemi,
        ] {
            // Every column the kind yields, so any difference shows.
            let output = match kind {
                JoinKind::LeftSemi | JoinKind::LeftAnti => vec![(Left, 0), (Left, 1)],
                JoinKind::RightSemi | JoinKind::RightAnti => vec![(Right, 0), (Right, 1)],
                _ => vec![(Left, 0), (Left, 1), (Right, 0), (Right, 1)],
            };
            let schema = schema(
                &[
                    ("k", Type::Long),
                    ("a", Type::String),
                    ("k1", Type::Long),
                    ("b", Type::String),
                ][..output.len()],
            );
            let mut hashed_right =
                HashJoin::build(right.clone(), kind, &[0], &[0], &output, &schema);
            let meter = crate::exec::Meter::default();
            let mut streamed = Table::empty(schema.clone());
            let mut keep = |batch: Table| {
                streamed.append(&batch);
                Ok(crate::exec::Flow::More)
            };
            hashed_right.probe(&left, &meter, &mut keep).unwrap();
            streamed.append(&hashed_right.finish());
            let mut hashed_left = Table::empty(schema.clone());
            let mut keep = |batch: Table| {
                hashed_left.append(&batch);
                Ok(crate::exec::Flow::More)
            };
            let keys: (&[usize], &[usize]) = (&[0], &[0]);
            join_hashing_left(
                &left, &right, kind, keys, &output, &schema, &meter, &mut keep,
            )
            .unwrap();
            assert_eq!(
                streamed.rows().collect::<Vec<_>>(),
                hashed_left.rows().collect::<Vec<_>>(),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_left_side_larger_than_the_right_streams_through_the_right_hash() {
        // 20000 left rows against 3 right rows: the left outgrows the right and streams.
        let left = values(&[("k", long(&(0..20000).map(|i| i % 4).collect::<Vec<_>>()))]);
        let right = values(&[("k", long(&[1, 2, 2])), ("b", strings(&["x", "y", "z"]))]);
        let plan = Plan {
            schema: schema(&[("k", Type::Long), ("b", Type::String)]),
            node: Node::Join {
                left: Arc::new(values_plan(left)),
                right: Arc::new(values_plan(right)),
                kind: JoinKind::Inner,
                left_keys: vec![0],
                right_keys: vec![0],
                output: vec![(JoinSide::Left, 0), (JoinSide::Right, 1)],
            },
        };
        let out = rows(&run(plan));
        assert_eq!(out.len(), 5000 * 3);
        assert_eq!(
            out[..3],
            [
                vec![Value::Long(1), Value::String("x".into())],
                vec![Value::Long(2), Value::String("y".into())],
                vec![Value::Long(2), Value::String("z".into())],
            ]
        );
    }

    #[test]
    fn semi_and_anti_joins_keep_one_side() {
        assert_eq!(text(join(JoinKind::LeftSemi)), ["1 l1", "1 l1b", "2 l2"]);
        assert_eq!(text(join(JoinKind::LeftAnti)), ["- lnull", "4 l4"]);
        assert_eq!(text(join(JoinKind::RightSemi)), ["1 r1", "2 r2", "2 r2b"]);
        assert_eq!(text(join(JoinKind::RightAnti)), ["- rnull", "3 r3"]);
    }
}
