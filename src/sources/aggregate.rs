//! Traffic-Analytics aggregation (TABLES.md, "Flow rows"): raw flow tuples → flow rows.
//!
//! Within one interval, tuples with the same target, MAC, source and destination IP *as the row
//! shows them* (a public address is blanked and listed in `SrcPublicIps`/`DestPublicIps`
//! instead), destination port, protocol, direction, status, ACL group and rule become one row.
//! A [`FileAggregator`] groups the tuples of one file using small integer keys (strings interned
//! once per file, without a lock); at the file's end its ids are translated to the scan's
//! ([`ScanDict`]) and `merge` joins groups of different files that share a key, because a group
//! can span files (see `provider`). Every ordering inside a row is a sort, so the result does
//! not depend on file or thread order.

use super::flow_row::{entry_counts, flow_slot, is_public, Direction, FlowContext, FlowTuple};
use super::scan_dict::ScanDict;
use super::tuple_rows::{TupleRecord, TupleRows};
use crate::table::Str;
use hashbrown::hash_table::{Entry, HashTable};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// A group's key: ids are the file's while it is read, the scan's once it is finished
/// (`FileAggregator::finish_groups`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct GroupKey {
    pub context: u32,
    pub interval: i64,
    pub src: u32,
    pub dst: u32,
    pub port: Option<u16>,
    pub protocol: u16,
    pub direction: Direction,
    pub denied: bool,
}

/// Two words instead of eight fields: a high-cardinality file looks a key up once per tuple.
/// Equal keys give equal words; keys that differ only where the words overlap merely share a
/// hash.
impl std::hash::Hash for GroupKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let port = self.port.map_or(1 << 16, u64::from);
        let rest = port
            ^ (u64::from(self.protocol) << 17)
            ^ ((self.direction as u64) << 33)
            ^ (u64::from(self.denied) << 35)
            ^ (u64::from(self.context) << 36);
        h.write_u64(u64::from(self.src) | (u64::from(self.dst) << 32));
        h.write_u64((self.interval as u64).rotate_left(20) ^ rest);
    }
}

/// The hash a group is found by in a file's table.
fn group_hash(key: &GroupKey) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// One group's running totals (see `FlowRow` for what each is). Kept small: a busy hour holds
/// hundreds of thousands of them while it waits in the merge.
pub(super) struct GroupState {
    pub key: GroupKey,
    /// The earliest tuple time; the encryption code is the earliest tuple's (ties: the
    /// smaller text).
    pub first: i64,
    pub last: i64,
    pub encryption: u32,
    pub counters: [u64; 4],
    /// Started flows; they all count in the one slot the key's status and direction name
    /// (`flow_row::flow_slot`).
    pub flows: u64,
    pub completed: u64,
    pub records: u64,
    /// The first source port seen, kept inline (a one-tuple group never allocates).
    pub port: Option<u16>,
    /// The rest of the source ports and the public addresses, when there are any.
    pub lists: Option<Box<GroupLists>>,
}

/// What a group lists beyond its first source port.
#[derive(Default)]
pub(super) struct GroupLists {
    /// Other source ports (unsorted, maybe repeated).
    pub ports: Vec<u16>,
    /// The group's public addresses with their counts (unsorted; an address may repeat once
    /// groups of several files are folded together).
    pub public: Vec<PublicCount>,
}

impl GroupState {
    fn new(key: GroupKey, time: i64, encryption: u32) -> GroupState {
        GroupState {
            key,
            first: time,
            last: time,
            encryption,
            counters: [0; 4],
            flows: 0,
            completed: 0,
            records: 0,
            port: None,
            lists: None,
        }
    }

    pub fn lists(&mut self) -> &mut GroupLists {
        self.lists.get_or_insert_default()
    }

    /// Allowed in, allowed out, denied in, denied out.
    pub fn flow_counts(&self) -> [u64; 4] {
        let mut flows = [0; 4];
        if let Some(slot) = flow_slot(self.key.denied, self.key.direction) {
            flows[slot] = self.flows;
        }
        flows
    }
}

/// Counts of one public address of a group, on the source or the destination side.
#[derive(Debug, Clone, Copy)]
pub(super) struct PublicCount {
    pub dest: bool,
    pub ip: u32,
    pub counts: [u64; 6],
}

/// A finished file's groups, their ids the scan's ([`ScanDict`]), one run per context and
/// interval: the merge keeps a run as it came (no group is hashed or moved again) until its
/// partition leaves.
pub struct FileGroups {
    pub(super) interval: i64,
    pub(super) runs: Vec<GroupRun>,
}

/// The groups of one file that share a context and an interval, sized to fit.
pub(super) struct GroupRun {
    pub context: u32,
    pub interval: i64,
    pub groups: Vec<GroupState>,
}

/// Groups the tuples of one file. Strings are interned once per file (ids into `strings`), so
/// the per-tuple work is hashing a few integers.
pub struct FileAggregator<'a> {
    interval: i64,
    ids: FxHashMap<&'a str, u32>,
    /// Ids of strings of up to 15 bytes (IPv4 addresses, encryption codes) by their bytes
    /// packed into one integer: hashing and comparing it is cheaper than a string's.
    short_ids: FxHashMap<u128, u32>,
    /// The last packed text and id of each tuple text field (`intern_field`); `NO_TEXT`
    /// before the first.
    recent: [(u128, u32); 3],
    /// Each interned string and whether it is a public address.
    strings: Vec<(&'a str, bool)>,
    contexts: Vec<Arc<FlowContext>>,
    /// The groups, held in the table itself and found by their own key (no second copy of
    /// it): a tuple of a high-cardinality hour finds its group with one lookup into memory it
    /// would otherwise reach twice (index, then state).
    groups: HashTable<GroupState>,
    /// With interval 0, the tuples themselves instead of groups.
    tuples: Vec<TupleRecord>,
    texts: bool,
    /// Whether each group lists its distinct source ports (see `source_ports`).
    ports: bool,
    /// Whether each group lists its public addresses with their counts (see `public_peers`).
    publics_kept: bool,
}

impl<'a> FileAggregator<'a> {
    /// `interval` in ticks; 0 makes one row per tuple.
    pub fn new(interval: i64) -> FileAggregator<'a> {
        let mut ids = FxHashMap::default();
        ids.insert("", 0);
        FileAggregator {
            interval,
            ids,
            short_ids: FxHashMap::default(),
            recent: [(NO_TEXT, 0); 3],
            // A file's own empty string: blanked addresses clone it on every row, and the
            // shared one would have its count bounce between the reading threads.
            strings: vec![("", false)],
            contexts: Vec::new(),
            groups: HashTable::new(),
            tuples: Vec::new(),
            texts: true,
            ports: true,
            publics_kept: true,
        }
    }

    /// With interval 0 and no column that shows them asked for, addresses and encryption
    /// codes need not be kept (they are no group key then): `texts(false)` skips them.
    pub fn texts(mut self, keep: bool) -> FileAggregator<'a> {
        self.texts = keep || self.interval != 0;
        self
    }

    /// With no column that shows them asked for, a group's source ports need not be listed:
    /// `source_ports(false)` spares collecting and sorting them (a busy hour of one flow holds
    /// thousands).
    pub fn source_ports(mut self, keep: bool) -> FileAggregator<'a> {
        self.ports = keep;
        self
    }

    /// With no column that shows them asked for, a group's public addresses need not be
    /// listed: `public_peers(false)` spares counting them per tuple (a scanned subnet's hour
    /// holds thousands). A public address is still blanked in the group's key, so the rows
    /// are the same.
    pub fn public_peers(mut self, keep: bool) -> FileAggregator<'a> {
        self.publics_kept = keep;
        self
    }

    /// Room for `rows` groups (or tuples, with interval 0) from the start.
    pub fn expecting(mut self, rows: usize) -> FileAggregator<'a> {
        if self.interval == 0 {
            self.tuples.reserve(rows);
        } else {
            self.groups.reserve(rows, |g| group_hash(&g.key));
        }
        self
    }

    /// How many groups (or tuples, with interval 0) the file has given so far.
    pub fn rows(&self) -> usize {
        if self.interval == 0 {
            self.tuples.len()
        } else {
            self.groups.len()
        }
    }

    /// Whether addresses and encryption codes are kept (see `texts`).
    pub fn keeps_texts(&self) -> bool {
        self.texts
    }

    /// Register a context; tuples added with the returned id share it.
    pub fn context(&mut self, context: FlowContext) -> u32 {
        if let Some(i) = self.contexts.iter().position(|c| **c == context) {
            return i as u32;
        }
        self.contexts.push(Arc::new(context));
        (self.contexts.len() - 1) as u32
    }

    /// The context registered as `id`.
    pub fn context_at(&self, id: u32) -> &Arc<FlowContext> {
        &self.contexts[id as usize]
    }

    /// `intern` for a tuple's text field, remembering the field's last text: a flow group's
    /// tuples often repeat their VM's address or the encryption code, and comparing one integer
    /// is cheaper than a lookup.
    pub fn intern_field(&mut self, field: TupleText, text: &'a str) -> u32 {
        let Some(key) = pack_short(text) else {
            return self.intern(text);
        };
        let recent = &mut self.recent[field as usize];
        if recent.0 == key {
            return recent.1;
        }
        let id = self.intern_short(key, text);
        self.recent[field as usize] = (key, id);
        id
    }

    /// The file-wide id of a string (the same text always gets the same id).
    pub fn intern(&mut self, text: &'a str) -> u32 {
        if let Some(key) = pack_short(text) {
            return self.intern_short(key, text);
        }
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.intern_new(text);
        self.ids.insert(text, id);
        id
    }

    /// The id of a short `text` whose packed bytes are `key`.
    fn intern_short(&mut self, key: u128, text: &'a str) -> u32 {
        if let Some(&id) = self.short_ids.get(&key) {
            return id;
        }
        let id = self.intern_new(text);
        self.short_ids.insert(key, id);
        id
    }

    fn intern_new(&mut self, text: &'a str) -> u32 {
        if text.is_empty() {
            return 0;
        }
        let id = self.strings.len() as u32;
        self.strings.push((text, is_public(text)));
        id
    }

    /// Add one tuple captured under `context`.
    #[cfg(test)]
    pub fn add(&mut self, context: u32, t: &FlowTuple<'a>) {
        let (src, dst) = (self.intern(t.src), self.intern(t.dst));
        self.add_until(context, t, src, dst, t.time);
    }

    /// Add one record that spans time (AWS `start`..`end`, `t.time` being the start): its
    /// group's `FlowEndTime` reaches `end`.
    pub fn add_span(&mut self, context: u32, t: &FlowTuple<'a>, end: i64) {
        let src = self.intern_field(TupleText::Src, t.src);
        let dst = self.intern_field(TupleText::Dst, t.dst);
        self.add_until(context, t, src, dst, end);
    }

    /// The interned string `id` as the row shows it in `SrcIp`/`DestIp` (public → empty).
    pub fn shown(&self, id: u32) -> Str {
        let (text, public) = self.strings[id as usize];
        Str::from(if public { "" } else { text })
    }

    /// The interval a tuple time falls in (the time itself with interval 0).
    pub fn interval_of(&self, time: i64) -> (i64, i64) {
        if self.interval == 0 {
            (time, time)
        } else {
            let start = time.div_euclid(self.interval) * self.interval;
            (start, start + self.interval)
        }
    }

    /// `add` for a tuple whose source and destination are already interned as `src`, `dst`.
    pub fn add_interned(&mut self, context: u32, t: &FlowTuple<'a>, src: u32, dst: u32) {
        self.add_until(context, t, src, dst, t.time);
    }

    /// Add a tuple whose flow lasts until `end` (its own time but for AWS records).
    fn add_until(&mut self, context: u32, t: &FlowTuple<'a>, src: u32, dst: u32, end: i64) {
        let encryption = if self.texts {
            self.intern_field(TupleText::Encryption, t.encryption)
        } else {
            0
        };
        if self.interval == 0 {
            let mut tuple = TupleRecord::new(context, t, src, dst, encryption);
            tuple.end = tuple.end.max(end);
            self.tuples.push(tuple);
            return;
        }
        let src_public = self.strings[src as usize].1;
        let dst_public = self.strings[dst as usize].1;
        let key = GroupKey {
            context,
            interval: t.time.div_euclid(self.interval) * self.interval,
            src: if src_public { 0 } else { src },
            dst: if dst_public { 0 } else { dst },
            port: t.dst_port,
            protocol: t.protocol,
            direction: t.direction,
            denied: t.denied,
        };
        let state =
            match self
                .groups
                .entry(group_hash(&key), |g| g.key == key, |g| group_hash(&g.key))
            {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e
                    .insert(GroupState::new(key, t.time, encryption))
                    .into_mut(),
            };
        // The encryption code is the earliest tuple's: decided before `first` moves.
        if t.time < state.first
            || (t.time == state.first
                && encryption != state.encryption
                && self.strings[encryption as usize].0 < self.strings[state.encryption as usize].0)
        {
            state.encryption = encryption;
        }
        state.first = state.first.min(t.time);
        state.last = state.last.max(t.time).max(end);
        for (a, b) in state.counters.iter_mut().zip(t.counters) {
            // Each counter is at most a long; a row's total past u64 stays at the top, and
            // past a long its column is null (see `columns::longs`), never wrapped negative.
            *a = a.saturating_add(b);
        }
        state.flows += t.flows();
        state.completed += t.completed();
        state.records += 1;
        if let Some(port) = t.src_port.filter(|_| self.ports) {
            if state.port.is_none() {
                state.port = Some(port);
            } else if state.port != Some(port) {
                let ports = &mut state.lists().ports;
                if ports.last() != Some(&port) {
                    ports.push(port);
                }
            }
        }
        if self.publics_kept {
            if src_public {
                add_public(&mut state.lists().public, false, src, t);
            }
            if dst_public {
                add_public(&mut state.lists().public, true, dst, t);
            }
        }
    }

    /// With interval 0: the file's tuples, one row each, in file order.
    pub fn finish_tuples(self) -> TupleRows {
        debug_assert_eq!(self.interval, 0);
        let strings = self
            .strings
            .iter()
            .map(|&(text, public)| (Str::from(text), public))
            .collect();
        TupleRows::new(strings, self.contexts, self.tuples)
    }

    /// The file's groups with the scan's ids from `dict` (strings and contexts translated
    /// under one lock), one run per context and interval, ready to be merged with other
    /// files' by integer keys.
    pub fn finish_groups(mut self, dict: &ScanDict) -> FileGroups {
        debug_assert_ne!(self.interval, 0);
        let contexts = dict.context_ids(&self.contexts);
        let mut strings = dict.translation(&self.strings);
        for g in self.groups.iter_mut() {
            let k = &mut g.key;
            k.context = contexts[k.context as usize];
            k.src = strings.string(k.src);
            k.dst = strings.string(k.dst);
            g.encryption = strings.string(g.encryption);
            if let Some(lists) = &mut g.lists {
                for c in &mut lists.public {
                    c.ip = strings.string(c.ip);
                }
            }
        }
        drop(strings);
        // Runs are sized exactly: they wait in the merge for up to an hour of the scan, and
        // the slack a growing vector keeps would double what they hold.
        let mut sizes: FxHashMap<(u32, i64), usize> = FxHashMap::default();
        for g in self.groups.iter() {
            *sizes.entry((g.key.context, g.key.interval)).or_default() += 1;
        }
        let mut runs: Vec<GroupRun> = Vec::with_capacity(sizes.len());
        let mut run_of: FxHashMap<(u32, i64), usize> = FxHashMap::default();
        for (&(context, interval), &size) in &sizes {
            run_of.insert((context, interval), runs.len());
            runs.push(GroupRun {
                context,
                interval,
                groups: Vec::with_capacity(size),
            });
        }
        for g in self.groups {
            runs[run_of[&(g.key.context, g.key.interval)]]
                .groups
                .push(g);
        }
        FileGroups {
            interval: self.interval,
            runs,
        }
    }

    /// The file's rows, in key order (interval 0: in file order).
    #[cfg(test)]
    pub fn finish(self) -> Vec<super::flow_row::FlowRow> {
        if self.interval == 0 {
            return self.finish_tuples().into_flow_rows();
        }
        let dict = std::sync::Arc::new(ScanDict::default());
        let mut merger = super::merge::Merger::new(dict.clone(), self.interval);
        merger.add(self.finish_groups(&dict), None);
        merger.take_all().into_flow_rows()
    }
}

/// The text fields of a tuple that `FileAggregator::intern_field` remembers one text of each.
#[derive(Debug, Clone, Copy)]
pub enum TupleText {
    Src = 0,
    Dst = 1,
    Encryption = 2,
}

/// No packed text: its length byte (the top one) would be 255, and packed texts are shorter
/// than 16 bytes.
const NO_TEXT: u128 = u128::MAX;

/// A string of up to 15 bytes as one integer: its bytes (little-endian, zero-padded), then
/// its length in the top byte. Built from overlapping word loads, not a byte copy, which
/// would stall the load that follows it.
fn pack_short(text: &str) -> Option<u128> {
    let b = text.as_bytes();
    let len = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let half = |at: usize| u64::from(u32::from_le_bytes(b[at..at + 4].try_into().unwrap()));
    let (lo, hi) = match len {
        16.. => return None,
        8.. => {
            let hi = if len == 8 {
                0
            } else {
                word(len - 8) >> ((16 - len) * 8)
            };
            (word(0), hi)
        }
        4.. => (half(0) | ((half(len - 4) >> ((8 - len) * 8)) << 32), 0),
        _ => (
            b.iter().rev().fold(0u64, |n, &c| (n << 8) | u64::from(c)),
            0,
        ),
    };
    Some(u128::from(lo) | (u128::from(hi | ((len as u64) << 56)) << 64))
}

fn add_counts(into: &mut [u64; 6], t: &FlowTuple<'_>) {
    for (a, b) in into.iter_mut().zip(entry_counts(t)) {
        *a = a.saturating_add(b);
    }
}

/// Count a tuple for public address `ip` on one side of a group. Repeats of the last entry add
/// to it; a list that has filled its room is folded by address before it grows, so it holds
/// at most about twice the distinct addresses however many tuples come.
fn add_public(list: &mut Vec<PublicCount>, dest: bool, ip: u32, t: &FlowTuple<'_>) {
    if let Some(last) = list.last_mut().filter(|c| c.dest == dest && c.ip == ip) {
        add_counts(&mut last.counts, t);
        return;
    }
    if list.len() >= 16 && list.len() == list.capacity() {
        list.sort_unstable_by_key(|c| (c.dest, c.ip));
        list.dedup_by(|later, kept| {
            let same = later.dest == kept.dest && later.ip == kept.ip;
            if same {
                for (a, b) in kept.counts.iter_mut().zip(later.counts) {
                    *a = a.saturating_add(b);
                }
            }
            same
        });
    }
    list.push(PublicCount {
        dest,
        ip,
        counts: entry_counts(t),
    });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sources::flow_row::{FlowRow, FlowState, Origin, PublicEntry};
    use crate::table::{empty_str, TICKS_PER_SECOND};

    pub fn context(rule: &str) -> FlowContext {
        let s = |t: &str| Str::from(t);
        FlowContext {
            origin: Origin::Vnet,
            target_id: s("sub/rg/vnet"),
            target_type: s("VirtualNetwork"),
            flow_log_id: s("rg/nw/fl"),
            log_resource_id: s("/FL"),
            resource_id: s("/vnet"),
            subscription: s("sub"),
            mac: s("00-22-48-E6-54-32"),
            acl_group: s("acl"),
            acl_rule: s(rule),
            nsg_list: empty_str(),
            nsg_rule: empty_str(),
            nsg_rule_type: empty_str(),
        }
    }

    pub fn tuple<'a>(
        secs: i64,
        src: &'a str,
        dst: &'a str,
        sport: u16,
        state: FlowState,
        counters: [u64; 4],
    ) -> FlowTuple<'a> {
        FlowTuple {
            time: secs * TICKS_PER_SECOND,
            src,
            dst,
            src_port: Some(sport),
            dst_port: Some(443),
            protocol: 6,
            direction: Direction::Outbound,
            state,
            denied: state == FlowState::Deny,
            encryption: "NX",
            counters,
        }
    }

    const HOUR: i64 = 3600 * TICKS_PER_SECOND;

    #[test]
    fn groups_by_key_and_sums_counters() {
        let mut agg = FileAggregator::new(HOUR);
        let c = agg.context(context("r"));
        let base = 1_715_248_800; // 2024-05-09T10:00:00Z
        agg.add(
            c,
            &tuple(
                base + 5,
                "10.0.0.6",
                "10.1.0.4",
                40002,
                FlowState::Begin,
                [0; 4],
            ),
        );
        agg.add(
            c,
            &tuple(
                base + 9,
                "10.0.0.6",
                "10.1.0.4",
                40001,
                FlowState::End,
                [3, 767, 2, 1580],
            ),
        );
        agg.add(
            c,
            &tuple(
                base + 7,
                "10.0.0.6",
                "10.1.0.4",
                40002,
                FlowState::Continuing,
                [1, 10, 1, 20],
            ),
        );
        // Another hour: another row.
        agg.add(
            c,
            &tuple(
                base + 3600,
                "10.0.0.6",
                "10.1.0.4",
                40003,
                FlowState::Begin,
                [0; 4],
            ),
        );
        let rows = agg.finish();
        assert_eq!(rows.len(), 2);
        let r = &rows[0];
        assert_eq!(r.interval_start, base * TICKS_PER_SECOND);
        assert_eq!(r.interval_end, base * TICKS_PER_SECOND + HOUR);
        assert_eq!(r.flow_start, (base + 5) * TICKS_PER_SECOND);
        assert_eq!(r.flow_end, (base + 9) * TICKS_PER_SECOND);
        assert_eq!(r.counters, [4, 777, 3, 1600]);
        assert_eq!((r.allowed_out, r.allowed_in, r.denied_out), (1, 0, 0));
        assert_eq!((r.completed, r.records), (1, 3));
        assert_eq!(r.src_ports, vec![40001, 40002]);
        assert_eq!(&*r.src_ip, "10.0.0.6");
        assert!(r.src_public.is_empty());
    }

    #[test]
    fn source_ports_are_skipped_only_when_no_column_shows_them() {
        let rows = |keep: bool| {
            let mut agg = FileAggregator::new(HOUR).source_ports(keep);
            let c = agg.context(context("r"));
            for port in [40002, 40001, 40002] {
                let t = tuple(
                    1_715_248_800,
                    "10.0.0.6",
                    "10.1.0.4",
                    port,
                    FlowState::Begin,
                    [1, 2, 3, 4],
                );
                agg.add(c, &t);
            }
            agg.finish()
        };
        let (kept, skipped) = (rows(true), rows(false));
        assert_eq!(kept[0].src_ports, vec![40001, 40002]);
        assert!(skipped[0].src_ports.is_empty());
        let without_ports = FlowRow {
            src_ports: Vec::new(),
            ..kept[0].clone()
        };
        assert_eq!(skipped[0], without_ports, "every other field is the same");
    }

    #[test]
    fn a_public_list_stays_near_its_distinct_addresses_however_many_tuples() {
        let peers = ["20.1.1.1", "20.1.1.2", "20.1.1.3", "20.1.1.4", "20.1.1.5"];
        let mut agg = FileAggregator::new(HOUR);
        let c = agg.context(context("r"));
        // 1,000 tuples of one group, the peers interleaved so no tuple repeats the last one.
        for i in 0..1000 {
            let t = tuple(
                i,
                "10.0.0.6",
                peers[i as usize % 5],
                1,
                FlowState::End,
                [1; 4],
            );
            agg.add(c, &t);
        }
        let held: usize = agg
            .groups
            .iter()
            .map(|g| g.lists.as_ref().map_or(0, |l| l.public.len()))
            .sum();
        assert!(held <= 32, "{held} entries held for 5 addresses");
        let rows = agg.finish();
        let texts: Vec<String> = rows[0].dst_public.iter().map(PublicEntry::text).collect();
        let each = |ip: &str| format!("{ip}|0|200|200|200|200|200");
        assert_eq!(texts, peers.map(each));
    }

    #[test]
    fn public_addresses_are_blanked_and_listed() {
        let mut agg = FileAggregator::new(HOUR);
        let c = agg.context(context("r"));
        let t = 1_715_248_800;
        agg.add(
            c,
            &tuple(t, "10.0.0.6", "52.239.184.180", 1, FlowState::Begin, [0; 4]),
        );
        agg.add(
            c,
            &tuple(
                t + 1,
                "10.0.0.6",
                "52.239.184.180",
                1,
                FlowState::End,
                [3, 767, 2, 1580],
            ),
        );
        agg.add(
            c,
            &tuple(
                t + 2,
                "10.0.0.6",
                "40.74.146.17",
                2,
                FlowState::End,
                [3, 705, 4, 4569],
            ),
        );
        let rows = agg.finish();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(&*r.dst_ip, "");
        assert_eq!(
            r.dst_public
                .iter()
                .map(PublicEntry::text)
                .collect::<Vec<_>>(),
            vec![
                "40.74.146.17|0|1|3|4|705|4569",
                "52.239.184.180|1|1|3|2|767|1580"
            ]
        );
    }

    #[test]
    fn interval_zero_makes_a_row_per_tuple() {
        let mut agg = FileAggregator::new(0);
        let c = agg.context(context("r"));
        agg.add(
            c,
            &tuple(100, "10.0.0.6", "10.1.0.4", 1, FlowState::Begin, [0; 4]),
        );
        agg.add(
            c,
            &tuple(100, "10.0.0.6", "10.1.0.4", 1, FlowState::Begin, [0; 4]),
        );
        let rows = agg.finish();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].interval_start, rows[0].interval_end);
        assert_eq!(rows[0].flow_start, 100 * TICKS_PER_SECOND);
    }

    #[test]
    fn short_strings_pack_to_their_padded_bytes() {
        let padded = |t: &str| {
            let mut buf = [0u8; 16];
            buf[..t.len()].copy_from_slice(t.as_bytes());
            buf[15] = t.len() as u8;
            u128::from_le_bytes(buf)
        };
        for t in [
            "",
            "X",
            "NX",
            "abc",
            "10.1",
            "10.1.2",
            "10.12.2.4",
            "10.12.2.40",
            "255.255.255.25",
        ] {
            assert_eq!(pack_short(t), Some(padded(t)), "{t}");
        }
        assert_eq!(pack_short("2001:db8::1:2:3:4"), None);
    }
}
