//! The dictionary one flow-table scan shares across its files: every address, encryption code
//! and flow context gets one integer id for the whole scan, so rows of different files are
//! merged by comparing integers, not strings (`merge`). A file's aggregator interns its strings
//! locally while it reads (no lock per tuple) and translates them here once, at its end.

use super::flow_row::FlowContext;
use crate::table::Str;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

/// Scan-wide ids: id 0 is the empty string.
pub struct ScanDict {
    inner: Mutex<DictEntries>,
}

/// What the dictionary holds; read it through [`ScanDict::lock`].
pub struct DictEntries {
    ids: FxHashMap<Str, u32>,
    /// Each string and whether it is a public address.
    strings: Vec<(Str, bool)>,
    context_ids: FxHashMap<Arc<FlowContext>, u32>,
    contexts: Vec<Arc<FlowContext>>,
}

impl Default for ScanDict {
    fn default() -> Self {
        let empty = Str::from("");
        let mut ids = FxHashMap::default();
        ids.insert(empty.clone(), 0);
        ScanDict {
            inner: Mutex::new(DictEntries {
                ids,
                strings: vec![(empty, false)],
                context_ids: FxHashMap::default(),
                contexts: Vec::new(),
            }),
        }
    }
}

impl ScanDict {
    /// The entries, locked (a poisoned lock still holds consistent entries: every change is a
    /// push and an insert with nothing in between that can panic).
    pub fn lock(&self) -> MutexGuard<'_, DictEntries> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Scan ids of a file's contexts, index by index.
    pub fn context_ids(&self, contexts: &[Arc<FlowContext>]) -> Vec<u32> {
        let mut d = self.lock();
        contexts.iter().map(|c| d.context_id(c)).collect()
    }

    /// Scan ids for a file's strings (`(text, is public)` by file id), each looked up when
    /// first asked for, under one lock held while the translation lives: a file's public
    /// addresses that no row shows never enter the dictionary.
    pub fn translation<'s>(&self, strings: &'s [(&'s str, bool)]) -> Translation<'_, 's> {
        Translation {
            entries: self.lock(),
            strings,
            ids: vec![UNSEEN; strings.len()],
        }
    }
}

const UNSEEN: u32 = u32::MAX;

/// A file's string ids turned into the scan's (`ScanDict::translation`).
pub struct Translation<'d, 's> {
    entries: MutexGuard<'d, DictEntries>,
    strings: &'s [(&'s str, bool)],
    ids: Vec<u32>,
}

impl Translation<'_, '_> {
    /// The scan id of the file's string `id`.
    pub fn string(&mut self, id: u32) -> u32 {
        let slot = &mut self.ids[id as usize];
        if *slot == UNSEEN {
            let (text, public) = self.strings[id as usize];
            *slot = self.entries.string_id(text, public);
        }
        *slot
    }
}

impl DictEntries {
    fn string_id(&mut self, text: &str, public: bool) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.strings.len() as u32;
        let text = Str::from(text);
        self.strings.push((text.clone(), public));
        self.ids.insert(text, id);
        id
    }

    fn context_id(&mut self, context: &Arc<FlowContext>) -> u32 {
        if let Some(&id) = self.context_ids.get(context) {
            return id;
        }
        let id = self.contexts.len() as u32;
        self.contexts.push(context.clone());
        self.context_ids.insert(context.clone(), id);
        id
    }

    pub fn text(&self, id: u32) -> &Str {
        &self.strings[id as usize].0
    }

    pub fn context(&self, id: u32) -> &Arc<FlowContext> {
        &self.contexts[id as usize]
    }

    /// Text order of two string ids.
    pub fn cmp_text(&self, a: u32, b: u32) -> Ordering {
        if a == b {
            Ordering::Equal
        } else {
            self.text(a).cmp(self.text(b))
        }
    }

    /// For the ids in `ids` (any order, repeats allowed), each one's rank in the order `cmp`
    /// gives them: sorting by rank is sorting by that order, with integer comparisons.
    pub fn ranks(
        &self,
        ids: impl Iterator<Item = u32>,
        cmp: impl Fn(&Self, u32, u32) -> Ordering,
    ) -> FxHashMap<u32, u32> {
        let mut distinct: Vec<u32> = ids.collect();
        distinct.sort_unstable();
        distinct.dedup();
        distinct.sort_by(|&a, &b| cmp(self, a, b));
        distinct
            .into_iter()
            .enumerate()
            .map(|(rank, id)| (id, rank as u32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::aggregate::tests::context;

    #[test]
    fn the_same_text_gets_the_same_id_in_every_file() {
        let dict = ScanDict::default();
        let all = |strings: &[(&str, bool)]| {
            let mut t = dict.translation(strings);
            (0..strings.len() as u32)
                .map(|i| t.string(i))
                .collect::<Vec<_>>()
        };
        let first = all(&[("", false), ("10.0.0.1", false), ("NX", false)]);
        let second = all(&[
            ("", false),
            ("NX", false),
            ("10.0.0.2", false),
            ("10.0.0.1", false),
        ]);
        let c1 = dict.context_ids(&[Arc::new(context("a"))]);
        let c2 = dict.context_ids(&[Arc::new(context("b")), Arc::new(context("a"))]);
        assert_eq!(first, [0, 1, 2]);
        assert_eq!(second, [0, 2, 3, 1]);
        assert_eq!((c1, c2), (vec![0], vec![1, 0]));
        // Only what is asked for enters the dictionary.
        let mut t = dict.translation(&[("", false), ("10.0.0.9", false), ("20.0.0.9", true)]);
        assert_eq!(t.string(2), 4);
        drop(t);
        assert_eq!(dict.lock().strings.len(), 5);
        let d = dict.lock();
        assert_eq!(&**d.text(3), "10.0.0.2");
        let ranks = d.ranks([3, 1, 2, 1, 0].into_iter(), DictEntries::cmp_text);
        // "" < "10.0.0.1" < "10.0.0.2" < "NX"
        assert_eq!((ranks[&0], ranks[&1], ranks[&3], ranks[&2]), (0, 1, 2, 3));
    }
}
