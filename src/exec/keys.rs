//! Grouping and join keys: the values of a row's key columns encoded into one compact byte
//! string, so a key of any shape hashes and compares as bytes and no row ever becomes a
//! `Vec<Value>`. `GroupIds` numbers distinct keys densely in first-seen order.

use crate::table::Column;
use rustc_hash::FxHashMap;
use std::borrow::Borrow;

/// Append row `row` of `columns` to `out` as a self-delimiting key. Returns false when a key
/// value is null (joins never match those). Int and long encode alike, so `int == long` keys
/// meet; -0.0 and 0.0 are one real key.
pub(crate) fn encode_row<C: Borrow<Column>>(columns: &[C], row: usize, out: &mut Vec<u8>) -> bool {
    let mut all_present = true;
    for column in columns {
        let column: &Column = column.borrow();
        let present = match column {
            Column::Bool(v) => put(out, v[row].map(u8::from), |o, b| o.push(b)),
            Column::Int(v) => put(out, v[row].map(i64::from), put_i64),
            Column::Long(v) => put(out, v[row], put_i64),
            Column::Real(v) => put(out, v[row], |o, r| {
                let r = if r == 0.0 { 0.0 } else { r };
                o.extend_from_slice(&r.to_bits().to_le_bytes());
            }),
            Column::DateTime(v) | Column::TimeSpan(v) => put(out, v[row], put_i64),
            Column::Guid(v) => put(out, v[row], |o, g| o.extend_from_slice(&g.to_le_bytes())),
            Column::String(v) => {
                put_str(out, v[row].as_bytes());
                true
            }
            Column::Dynamic(v) => match &v[row] {
                serde_json::Value::Null => put(out, None::<u8>, |_, _| {}),
                json => put(out, Some(json.to_string()), |o, text| {
                    put_str(o, text.as_bytes())
                }),
            },
        };
        all_present &= present;
    }
    all_present
}

/// A tag byte (0 = null, 1 = present) then the value's bytes.
fn put<T>(out: &mut Vec<u8>, value: Option<T>, write: impl FnOnce(&mut Vec<u8>, T)) -> bool {
    match value {
        Some(v) => {
            out.push(1);
            write(out, v);
            true
        }
        None => {
            out.push(0);
            false
        }
    }
}

fn put_i64(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Dense group numbers for distinct keys, in the order keys are first seen.
#[derive(Default)]
pub(crate) struct GroupIds {
    ids: FxHashMap<Box<[u8]>, usize>,
    scratch: Vec<u8>,
}

impl GroupIds {
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The group of each row of `keys` (`rows` rows) into `groups`; rows that opened a new group
    /// are listed in `new_rows` (in order), so their key values can be kept.
    pub(crate) fn assign<C: Borrow<Column>>(
        &mut self,
        keys: &[C],
        rows: usize,
        groups: &mut Vec<usize>,
        new_rows: &mut Vec<usize>,
    ) {
        groups.clear();
        new_rows.clear();
        if keys.is_empty() {
            // No keys: every row belongs to the one group.
            if self.ids.is_empty() {
                self.ids.insert(Box::default(), 0);
            }
            groups.resize(rows, 0);
            return;
        }
        groups.reserve(rows);
        for row in 0..rows {
            self.scratch.clear();
            encode_row(keys, row, &mut self.scratch);
            let next = self.ids.len();
            let id = match self.ids.get(self.scratch.as_slice()) {
                Some(&id) => id,
                None => {
                    self.ids.insert(self.scratch.as_slice().into(), next);
                    new_rows.push(row);
                    next
                }
            };
            groups.push(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn groups_are_numbered_in_first_seen_order() {
        let keys = vec![
            Column::String(["a", "b", "a", "c"].map(Arc::from).to_vec()),
            Column::Long(vec![Some(1), Some(1), Some(1), None]),
        ];
        let mut ids = GroupIds::default();
        let (mut groups, mut new_rows) = (Vec::new(), Vec::new());
        ids.assign(&keys, 4, &mut groups, &mut new_rows);
        assert_eq!(groups, vec![0, 1, 0, 2]);
        assert_eq!(new_rows, vec![0, 1, 3]);
        ids.assign(&keys, 2, &mut groups, &mut new_rows);
        assert_eq!(groups, vec![0, 1]);
        assert!(new_rows.is_empty());
        assert_eq!(ids.len(), 3);
    }

    #[test]
    fn int_and_long_keys_meet_and_null_is_reported() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        assert!(encode_row(&[Column::Int(vec![Some(7)])], 0, &mut a));
        assert!(encode_row(&[Column::Long(vec![Some(7)])], 0, &mut b));
        assert_eq!(a, b);
        assert!(!encode_row(&[Column::Long(vec![None])], 0, &mut a));
    }

    #[test]
    fn string_keys_are_delimited() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let ab = |x: &str, y: &str| {
            vec![
                Column::String(vec![Arc::from(x)]),
                Column::String(vec![Arc::from(y)]),
            ]
        };
        encode_row(&ab("a", "bc"), 0, &mut a);
        encode_row(&ab("ab", "c"), 0, &mut b);
        assert_ne!(a, b);
    }
}
