//! Grouping and join keys: the values of a row's key columns encoded into one compact byte
//! string (joins), or coded column by column into dense numbers (`GroupIds`, for grouping), so
//! no row ever becomes a `Vec<Value>`.

use crate::table::{Column, Str, Type};
use rustc_hash::FxHashMap;
use std::borrow::Borrow;
use std::sync::Arc;

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
///
/// Each key column is coded on its own (a value → a dense `u32`, first-seen order), column at
/// a time; a row's group is then found from its codes: directly for one key column, through a
/// map of packed codes for several. Interned strings are coded by pointer through a small
/// cache, so a repeated string is rarely hashed.
#[derive(Default)]
pub(crate) struct GroupIds {
    coders: Vec<ColumnCoder>,
    /// Packed codes → group, for 2 to 4 key columns.
    packed: FxHashMap<u128, usize>,
    /// Codes → group, for more key columns.
    wide: FxHashMap<Box<[u32]>, usize>,
    groups: usize,
    /// Per key column, the codes of the current batch's rows.
    codes: Vec<Vec<u32>>,
}

impl GroupIds {
    pub(crate) fn len(&self) -> usize {
        self.groups
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
            self.groups = 1;
            groups.resize(rows, 0);
            return;
        }
        if self.coders.is_empty() {
            self.coders = keys
                .iter()
                .map(|k| ColumnCoder::new(k.borrow().ty()))
                .collect();
            self.codes = vec![Vec::new(); keys.len()];
        }
        for ((coder, codes), key) in self.coders.iter_mut().zip(&mut self.codes).zip(keys) {
            codes.clear();
            coder.code(key.borrow(), codes);
        }
        groups.reserve(rows);
        if let [codes] = self.codes.as_slice() {
            // One key column: its codes are the group numbers.
            for (row, &code) in codes.iter().enumerate() {
                let code = code as usize;
                if code == self.groups {
                    self.groups += 1;
                    new_rows.push(row);
                }
                groups.push(code);
            }
            return;
        }
        let mut row_codes = Vec::with_capacity(self.codes.len());
        // The previous row's packed codes and group: runs of one key skip the lookup.
        let mut last: Option<(u128, usize)> = None;
        for row in 0..rows {
            let next = self.groups;
            let group = if self.codes.len() <= 4 {
                let packed = self
                    .codes
                    .iter()
                    .fold(0u128, |acc, codes| (acc << 32) | u128::from(codes[row]));
                let group = match last {
                    Some((seen, group)) if seen == packed => group,
                    _ => *self.packed.entry(packed).or_insert(next),
                };
                last = Some((packed, group));
                group
            } else {
                row_codes.clear();
                row_codes.extend(self.codes.iter().map(|codes| codes[row]));
                match self.wide.get(row_codes.as_slice()) {
                    Some(&group) => group,
                    None => *self.wide.entry(row_codes.as_slice().into()).or_insert(next),
                }
            };
            if group == next {
                self.groups += 1;
                new_rows.push(row);
            }
            groups.push(group);
        }
    }
}

/// Dense codes for the values of one key column, in first-seen order; null has a code too.
enum ColumnCoder {
    /// bool, int, long, datetime, timespan (int and long alike).
    Integers(FxHashMap<Option<i64>, u32>),
    /// Bit patterns, with -0.0 folded into 0.0.
    Reals(FxHashMap<Option<u64>, u32>),
    Guids(FxHashMap<Option<u128>, u32>),
    Strings {
        codes: FxHashMap<Str, u32>,
        /// Recently seen strings by address: a hit skips hashing the text. Holding the `Arc`
        /// keeps the address from being reused by another string.
        recent: Box<[Option<(Str, u32)>; RECENT_STRINGS]>,
    },
    /// Dynamic values by their JSON text.
    Dynamics(FxHashMap<String, u32>),
}

const RECENT_STRINGS: usize = 64;

impl ColumnCoder {
    fn new(ty: Type) -> ColumnCoder {
        match ty {
            Type::Bool | Type::Int | Type::Long | Type::DateTime | Type::TimeSpan => {
                ColumnCoder::Integers(FxHashMap::default())
            }
            Type::Real => ColumnCoder::Reals(FxHashMap::default()),
            Type::Guid => ColumnCoder::Guids(FxHashMap::default()),
            Type::String => ColumnCoder::Strings {
                codes: FxHashMap::default(),
                recent: Box::new(std::array::from_fn(|_| None)),
            },
            Type::Dynamic => ColumnCoder::Dynamics(FxHashMap::default()),
        }
    }

    /// Append the code of every value of `column` to `out`.
    fn code(&mut self, column: &Column, out: &mut Vec<u32>) {
        fn code_of<K: std::hash::Hash + Eq>(map: &mut FxHashMap<K, u32>, key: K) -> u32 {
            let next = map.len() as u32;
            *map.entry(key).or_insert(next)
        }
        out.reserve(column.len());
        match (self, column) {
            (
                ColumnCoder::Integers(map),
                Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v),
            ) => {
                // Keys come in runs (a file's rows share an hour, a target, a port), so the
                // previous row's code is checked before hashing.
                let mut last: Option<(Option<i64>, u32)> = None;
                for &x in v {
                    let code = match last {
                        Some((seen, code)) if seen == x => code,
                        _ => code_of(map, x),
                    };
                    last = Some((x, code));
                    out.push(code);
                }
            }
            (ColumnCoder::Integers(map), Column::Int(v)) => {
                out.extend(v.iter().map(|&x| code_of(map, x.map(i64::from))))
            }
            (ColumnCoder::Integers(map), Column::Bool(v)) => {
                out.extend(v.iter().map(|&x| code_of(map, x.map(i64::from))))
            }
            (ColumnCoder::Reals(map), Column::Real(v)) => out.extend(
                v.iter()
                    .map(|&x| code_of(map, x.map(|r| if r == 0.0 { 0u64 } else { r.to_bits() }))),
            ),
            (ColumnCoder::Guids(map), Column::Guid(v)) => {
                out.extend(v.iter().map(|&x| code_of(map, x)))
            }
            (ColumnCoder::Strings { codes, recent }, Column::String(v)) => {
                for s in v {
                    let slot = (Arc::as_ptr(s) as *const u8 as usize >> 4) % RECENT_STRINGS;
                    let code = match &recent[slot] {
                        Some((seen, code)) if Arc::ptr_eq(seen, s) => *code,
                        _ => {
                            let code = match codes.get(&**s) {
                                Some(&code) => code,
                                None => code_of(codes, s.clone()),
                            };
                            recent[slot] = Some((s.clone(), code));
                            code
                        }
                    };
                    out.push(code);
                }
            }
            (ColumnCoder::Dynamics(map), Column::Dynamic(v)) => {
                for x in v {
                    let text = if x.is_null() {
                        String::new()
                    } else {
                        x.to_string()
                    };
                    out.push(match map.get(&text) {
                        Some(&code) => code,
                        None => code_of(map, text),
                    });
                }
            }
            (coder, other) => {
                // A batch whose key came out in another type than the first batch's: convert it
                // to that type (as Kusto would) and code that.
                let mut converted = Column::with_capacity(coder.ty(), other.len());
                converted.extend_from(other);
                coder.code(&converted, out);
            }
        }
    }

    fn ty(&self) -> Type {
        match self {
            ColumnCoder::Integers(_) => Type::Long,
            ColumnCoder::Reals(_) => Type::Real,
            ColumnCoder::Guids(_) => Type::Guid,
            ColumnCoder::Strings { .. } => Type::String,
            ColumnCoder::Dynamics(_) => Type::Dynamic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn runs_of_one_key_and_nulls_keep_their_groups() {
        // The previous-row shortcut must give what a lookup gives, nulls and run ends included.
        let keys = vec![
            Column::Long(vec![
                Some(7),
                Some(7),
                None,
                None,
                Some(7),
                Some(8),
                Some(8),
            ]),
            Column::String(["x", "x", "x", "x", "y", "x", "x"].map(Arc::from).to_vec()),
        ];
        let mut ids = GroupIds::default();
        let (mut groups, mut new_rows) = (Vec::new(), Vec::new());
        ids.assign(&keys, 7, &mut groups, &mut new_rows);
        assert_eq!(groups, vec![0, 0, 1, 1, 2, 3, 3]);
        assert_eq!(new_rows, vec![0, 2, 4, 5]);
    }

    #[test]
    fn many_key_columns_and_a_batch_of_another_type() {
        let five: Vec<Column> = (0..5)
            .map(|i| Column::Long(vec![Some(i), Some(i), Some(9)]))
            .collect();
        let mut ids = GroupIds::default();
        let (mut groups, mut new_rows) = (Vec::new(), Vec::new());
        ids.assign(&five, 3, &mut groups, &mut new_rows);
        assert_eq!(groups, vec![0, 0, 1]);

        let mut ids = GroupIds::default();
        ids.assign(
            &[Column::Long(vec![Some(1), None])],
            2,
            &mut groups,
            &mut new_rows,
        );
        ids.assign(
            &[Column::Int(vec![None, Some(1), Some(2)])],
            3,
            &mut groups,
            &mut new_rows,
        );
        assert_eq!(groups, vec![1, 0, 2]);
        assert_eq!(new_rows, vec![2]);
    }

    #[test]
    fn equal_strings_at_different_addresses_share_a_group() {
        let keys = [Column::String(vec![
            Arc::from("x"),
            Arc::from("x"),
            Arc::from("y"),
        ])];
        let mut ids = GroupIds::default();
        let (mut groups, mut new_rows) = (Vec::new(), Vec::new());
        ids.assign(&keys, 3, &mut groups, &mut new_rows);
        assert_eq!(groups, vec![0, 0, 1]);
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
