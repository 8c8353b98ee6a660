//! Joins the groups of different files that share a key (a group can span files, see
//! `provider`) and hands them out as [`FlowRow`]s once no file still to come can add to them.
//!
//! Keys hold the scan's integer ids ([`ScanDict`]), so merging hashes and compares integers; the
//! text order the rows leave in (target and rule first, then interval, then the rest of the key)
//! is had by ranking the few distinct strings and contexts of the rows that leave, not by
//! comparing strings row against row. Memory holds the groups of the intervals still open.

use super::aggregate::{FileGroups, GroupKey, GroupState, PublicCount};
use super::flow_row::{FlowRow, PublicEntry};
use super::scan_dict::{DictEntries, ScanDict};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// The groups of every file read so far whose interval may still grow, by context and interval:
/// what becomes final together (a NIC's intervals up to an hour) leaves as whole partitions, so
/// their memory is freed at once rather than kept as the spare capacity of one large table.
pub struct Merger {
    dict: Arc<ScanDict>,
    interval: i64,
    pending: FxHashMap<Partition, FxHashMap<GroupKey, GroupState>>,
}

/// The groups of one flow context (target, NIC, rule) in one interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Partition {
    context: u32,
    interval: i64,
}

impl Merger {
    /// A merger for the rows of one scan with `interval` (in ticks, not 0), whose files
    /// translate their ids with `dict`.
    pub fn new(dict: Arc<ScanDict>, interval: i64) -> Merger {
        Merger {
            dict,
            interval,
            pending: FxHashMap::default(),
        }
    }

    pub fn add(&mut self, file: FileGroups) {
        debug_assert_eq!(file.interval, self.interval);
        for group in file.groups {
            let partition = Partition {
                context: group.key.context,
                interval: group.key.interval,
            };
            match self.pending.entry(partition).or_default().entry(group.key) {
                Entry::Occupied(mut e) => {
                    let kept = e.get_mut();
                    // A tie on the earliest time is settled by the text (rare: look it up).
                    if group.encryption_time == kept.encryption_time
                        && group.encryption != kept.encryption
                    {
                        let d = self.dict.lock();
                        if d.cmp_text(group.encryption, kept.encryption) == Ordering::Less {
                            kept.encryption = group.encryption;
                        }
                    }
                    fold(kept, group);
                }
                Entry::Vacant(e) => {
                    e.insert(group);
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// How many groups are waiting.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.pending.values().map(FxHashMap::len).sum()
    }

    /// The rows whose interval ends at or before `watermark`, sorted by key.
    pub fn take_ended_by(&mut self, watermark: i64) -> Vec<FlowRow> {
        self.take(|p, interval| p.interval + interval <= watermark)
    }

    /// The rows of NIC `mac` whose interval ends at or before `watermark`, sorted by key.
    pub fn take_nic_ended_by(&mut self, mac: &str, watermark: i64) -> Vec<FlowRow> {
        let dict = self.dict.clone();
        let d = dict.lock();
        let ended = |p: &Partition| p.interval + self.interval <= watermark;
        let nic: FxHashSet<Partition> = self
            .pending
            .keys()
            .filter(|p| ended(p) && &*d.context(p.context).mac == mac)
            .copied()
            .collect();
        drop(d);
        if nic.is_empty() {
            return Vec::new();
        }
        self.take(|p, _| nic.contains(p))
    }

    /// Every pending row, sorted by key.
    pub fn take_all(&mut self) -> Vec<FlowRow> {
        self.take(|_, _| true)
    }

    /// The rows of the partitions `leaves` picks, sorted by key.
    fn take(&mut self, leaves: impl Fn(&Partition, i64) -> bool) -> Vec<FlowRow> {
        let interval = self.interval;
        let ended: Vec<GroupState> = self
            .pending
            .extract_if(|p, _| leaves(p, interval))
            .flat_map(|(_, groups)| groups.into_values())
            .collect();
        self.sorted_rows(ended)
    }

    fn sorted_rows(&self, mut groups: Vec<GroupState>) -> Vec<FlowRow> {
        if groups.is_empty() {
            return Vec::new();
        }
        let d = self.dict.lock();
        let contexts = d.ranks(groups.iter().map(|g| g.key.context), |d, a, b| {
            d.context(a).cmp(d.context(b))
        });
        let strings = d.ranks(
            groups.iter().flat_map(|g| [g.key.src, g.key.dst]),
            DictEntries::cmp_text,
        );
        // Keys are distinct and ranks keep ids apart, so the order is total.
        groups.sort_by_cached_key(|g| {
            let k = &g.key;
            (
                contexts[&k.context],
                k.interval,
                strings[&k.src],
                strings[&k.dst],
                k.port,
                k.protocol,
                k.direction,
                k.denied,
            )
        });
        flow_rows(groups, self.interval, &d)
    }
}

/// Fold `other` (same key) into `into`; the encryption tie on equal times is the caller's.
fn fold(into: &mut GroupState, other: GroupState) {
    into.first = into.first.min(other.first);
    into.last = into.last.max(other.last);
    if other.encryption_time < into.encryption_time {
        into.encryption_time = other.encryption_time;
        into.encryption = other.encryption;
    }
    for (a, b) in into.counters.iter_mut().zip(other.counters) {
        *a = a.saturating_add(b);
    }
    for (a, b) in into.flows.iter_mut().zip(other.flows) {
        *a += b;
    }
    into.completed += other.completed;
    into.records += other.records;
    match into.port {
        None => into.port = other.port,
        Some(_) => into.more_ports.extend(other.port),
    }
    into.more_ports.extend(other.more_ports);
    into.public.extend(other.public);
}

/// Groups as rows, in the order given, their strings from `dict`: source ports ascending and
/// distinct, public entries ascending by address text with an address's counts summed.
pub(super) fn flow_rows(
    groups: Vec<GroupState>,
    interval: i64,
    dict: &DictEntries,
) -> Vec<FlowRow> {
    groups
        .into_iter()
        .map(|g| {
            let mut ports = g.more_ports;
            ports.extend(g.port);
            ports.sort_unstable();
            ports.dedup();
            let (src_public, dst_public) = public_entries(g.public, dict);
            let k = g.key;
            FlowRow {
                context: dict.context(k.context).clone(),
                interval_start: k.interval,
                interval_end: k.interval + interval,
                flow_start: g.first,
                flow_end: g.last,
                src_ip: dict.text(k.src).clone(),
                dst_ip: dict.text(k.dst).clone(),
                dst_port: k.port,
                protocol: k.protocol,
                direction: k.direction,
                denied: k.denied,
                encryption: dict.text(g.encryption).clone(),
                encryption_time: g.encryption_time,
                counters: g.counters,
                allowed_in: g.flows[0],
                allowed_out: g.flows[1],
                denied_in: g.flows[2],
                denied_out: g.flows[3],
                completed: g.completed,
                records: g.records,
                src_ports: ports,
                src_public,
                dst_public,
            }
        })
        .collect()
}

/// A group's public counts as the source side's and the destination side's entries.
fn public_entries(
    mut counts: Vec<PublicCount>,
    dict: &DictEntries,
) -> (Vec<PublicEntry>, Vec<PublicEntry>) {
    if counts.is_empty() {
        return (Vec::new(), Vec::new());
    }
    counts.sort_unstable_by(|a, b| a.dest.cmp(&b.dest).then_with(|| dict.cmp_text(a.ip, b.ip)));
    let (mut src, mut dst) = (Vec::new(), Vec::new());
    let mut last: Option<(bool, u32)> = None;
    for c in counts {
        let side = if c.dest { &mut dst } else { &mut src };
        if last == Some((c.dest, c.ip)) {
            let entry: &mut PublicEntry = side.last_mut().expect("the entry just pushed");
            for (a, b) in entry.counts.iter_mut().zip(c.counts) {
                *a = a.saturating_add(b);
            }
        } else {
            side.push(PublicEntry {
                ip: dict.text(c.ip).clone(),
                counts: c.counts,
            });
            last = Some((c.dest, c.ip));
        }
    }
    (src, dst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::aggregate::tests::{context, tuple};
    use crate::sources::aggregate::FileAggregator;
    use crate::sources::flow_row::FlowState;
    use crate::table::TICKS_PER_SECOND;

    const HOUR: i64 = 3600 * TICKS_PER_SECOND;

    /// Each part is one file: (seconds, source port, destination).
    fn merged(parts: &[&[(i64, u16, &'static str)]]) -> Vec<FlowRow> {
        let dict = Arc::new(ScanDict::default());
        let mut merger = Merger::new(dict.clone(), HOUR);
        for part in parts {
            let mut agg = FileAggregator::new(HOUR);
            let c = agg.context(context("r"));
            for &(secs, port, dst) in *part {
                agg.add(
                    c,
                    &tuple(secs, "10.0.0.6", dst, port, FlowState::End, [1, 2, 3, 4]),
                );
            }
            merger.add(agg.finish_groups(&dict));
        }
        merger.take_all()
    }

    #[test]
    fn merging_across_files_is_order_independent() {
        let a = merged(&[
            &[(10, 5, "8.8.8.8"), (20, 3, "8.8.4.4")],
            &[(5, 9, "8.8.8.8")],
        ]);
        let b = merged(&[
            &[(5, 9, "8.8.8.8")],
            &[(20, 3, "8.8.4.4"), (10, 5, "8.8.8.8")],
        ]);
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].src_ports, vec![3, 5, 9]);
        assert_eq!(a[0].counters, [3, 6, 9, 12]);
        let entries: Vec<String> = a[0].dst_public.iter().map(PublicEntry::text).collect();
        assert_eq!(entries, ["8.8.4.4|0|1|1|3|2|4", "8.8.8.8|0|2|2|6|4|8"]);
        assert_eq!(a[0].flow_start, 5 * TICKS_PER_SECOND);
    }

    #[test]
    fn rows_leave_in_text_order_once_their_interval_has_ended() {
        let dict = Arc::new(ScanDict::default());
        let mut merger = Merger::new(dict.clone(), HOUR);
        // Ids are given in the order met: 10.0.0.9 before 10.0.0.10, the reverse of text order.
        let mut agg = FileAggregator::new(HOUR);
        let c = agg.context(context("r"));
        for (secs, dst) in [(0, "10.0.0.9"), (1, "10.0.0.10"), (3600, "10.0.0.1")] {
            agg.add(
                c,
                &tuple(secs, "10.0.0.6", dst, 1, FlowState::Begin, [0; 4]),
            );
        }
        merger.add(agg.finish_groups(&dict));
        let first = merger.take_ended_by(HOUR);
        let dsts: Vec<&str> = first.iter().map(|r| &*r.dst_ip).collect();
        assert_eq!(dsts, ["10.0.0.10", "10.0.0.9"]);
        assert_eq!(merger.len(), 1, "the second hour's row waits");
        assert_eq!(&*merger.take_all()[0].dst_ip, "10.0.0.1");
        assert!(merger.is_empty());
    }

    #[test]
    fn the_earliest_encryption_wins_and_ties_go_to_the_smaller_text() {
        let dict = Arc::new(ScanDict::default());
        let mut merger = Merger::new(dict.clone(), HOUR);
        for code in ["X", "NX", "NX_LOCAL_DST"] {
            let mut agg = FileAggregator::new(HOUR);
            let c = agg.context(context("r"));
            let mut t = tuple(100, "10.0.0.6", "10.1.0.4", 1, FlowState::Begin, [0; 4]);
            t.encryption = code;
            agg.add(c, &t);
            merger.add(agg.finish_groups(&dict));
        }
        assert_eq!(&*merger.take_all()[0].encryption, "NX");
    }
}
