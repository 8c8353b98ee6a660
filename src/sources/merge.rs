//! Joins the groups of different files that share a key (a group can span files, see
//! `provider`) and hands them out as rows once no file still to come can add to them.
//!
//! A file's groups arrive as runs, one per flow context and interval ([`GroupRun`]), and wait
//! as they came: nothing is hashed or moved when a file is added, so the cost of a high-
//! cardinality hour is one sort when its partition leaves. That sort is also what joins the
//! groups of different files: keys hold the scan's integer ids ([`ScanDict`]), equal keys end
//! up side by side and are folded. The text order rows leave in (target and rule first, then
//! interval, then the rest of the key) comes from ranking the few distinct strings and contexts
//! of the rows that leave, not from comparing strings row against row. Rows leave as
//! [`Released`] groups and are laid out into columns straight from them ([`GroupRow`]), so no
//! row struct is built. Memory holds the groups of the intervals still open.

use super::aggregate::{FileGroups, GroupRun, GroupState, PublicCount};
#[cfg(test)]
use super::flow_row::FlowRow;
use super::flow_row::{Direction, FlowContext, PublicEntry, RowView};
use super::scan_dict::{DictEntries, ScanDict};
use crate::table::Str;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;
use std::sync::Arc;

/// The runs of every file read so far whose interval may still grow, by context and interval:
/// what becomes final together (a NIC's intervals up to an hour) leaves as whole partitions.
pub struct Merger {
    dict: Arc<ScanDict>,
    interval: i64,
    pending: FxHashMap<Partition, Pending>,
}

/// A partition's runs, and the blob stream its files came from (none outside the blob layout).
#[derive(Default)]
struct Pending {
    stream: Option<Str>,
    runs: Vec<Vec<GroupState>>,
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

    /// Add a file's groups; `stream` is the blob stream it belongs to, if any.
    pub fn add(&mut self, file: FileGroups, stream: Option<&Str>) {
        debug_assert_eq!(file.interval, self.interval);
        for GroupRun {
            context,
            interval,
            groups,
        } in file.runs
        {
            if !groups.is_empty() {
                let partition = Partition { context, interval };
                let pending = self.pending.entry(partition).or_default();
                if pending.runs.is_empty() {
                    pending.stream = stream.cloned();
                }
                pending.runs.push(groups);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// How many groups are waiting (a key met in several files counts once per file).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.pending
            .values()
            .flat_map(|p| &p.runs)
            .map(Vec::len)
            .sum()
    }

    /// The rows of blob stream `stream` whose interval ends at or before `watermark`, in key
    /// order.
    pub fn take_stream_ended_by(&mut self, stream: &str, watermark: i64) -> Released {
        let interval = self.interval;
        self.take(|p, pending| {
            pending.stream.as_deref() == Some(stream)
                && p.interval.saturating_add(interval) <= watermark
        })
    }

    /// Every pending row, in key order.
    pub fn take_all(&mut self) -> Released {
        self.take(|_, _| true)
    }

    /// The rows of the partitions `leaves` picks, in key order.
    fn take(&mut self, leaves: impl Fn(&Partition, &Pending) -> bool) -> Released {
        let mut ended: Vec<(Partition, Pending)> = self
            .pending
            .extract_if(|p, pending| leaves(p, pending))
            .collect();
        if ended.len() > 1 {
            let d = self.dict.lock();
            ended.sort_by(|(a, _), (b, _)| {
                d.context(a.context)
                    .cmp(d.context(b.context))
                    .then(a.interval.cmp(&b.interval))
            });
        }
        self.released(ended.into_iter().map(|(_, pending)| pending.runs).collect())
    }

    /// Partitions (each a list of runs, in the order they leave) as released rows: each
    /// partition sorted by the rest of the key, equal keys folded.
    fn released(&self, partitions: Vec<Vec<Vec<GroupState>>>) -> Released {
        let mut runs: Vec<Vec<GroupState>> = Vec::new();
        let mut order: Vec<(u32, u32)> = Vec::new();
        let d = self.dict.lock();
        for partition in partitions {
            let first_run = runs.len() as u32;
            runs.extend(partition);
            fold_partition(&mut runs, first_run, &d, &mut order);
        }
        let mut publics = Vec::new();
        let has_public = |g: &GroupState| g.lists.as_ref().is_some_and(|l| !l.public.is_empty());
        if order.iter().any(|&(r, i)| has_public(group(&runs, r, i))) {
            publics = order
                .iter()
                .map(|&(r, i)| {
                    let g = &mut runs[r as usize][i as usize];
                    let counts = g.lists.as_mut().map(|l| std::mem::take(&mut l.public));
                    public_entries(counts.unwrap_or_default(), &d)
                })
                .collect();
        }
        drop(d);
        Released {
            dict: self.dict.clone(),
            interval: self.interval,
            runs,
            order,
            publics,
        }
    }
}

fn group(runs: &[Vec<GroupState>], run: u32, i: u32) -> &GroupState {
    &runs[run as usize][i as usize]
}

/// Sort the groups of one partition (the runs from `first_run` on) by the rest of the key,
/// fold those with equal keys into the first of them, and append the kept ones to `order`,
/// their source ports sorted and distinct.
fn fold_partition(
    runs: &mut [Vec<GroupState>],
    first_run: u32,
    d: &DictEntries,
    order: &mut Vec<(u32, u32)>,
) {
    let runs_here = &runs[first_run as usize..];
    let strings = d.ranks(
        runs_here
            .iter()
            .flatten()
            .flat_map(|g| [g.key.src, g.key.dst]),
        DictEntries::cmp_text,
    );
    type SortKey = (u32, u32, Option<u16>, u16, Direction, bool);
    let mut keyed: Vec<(SortKey, u32, u32)> = Vec::new();
    for (r, run) in runs_here.iter().enumerate() {
        for (i, g) in run.iter().enumerate() {
            let k = &g.key;
            let key = (
                strings[&k.src],
                strings[&k.dst],
                k.port,
                k.protocol,
                k.direction,
                k.denied,
            );
            keyed.push((key, first_run + r as u32, i as u32));
        }
    }
    // Keys are distinct within a run and ranks keep ids apart, so only a key met in several
    // files ties; it is folded below, whichever of its copies comes first.
    keyed.sort_unstable();
    let start = order.len();
    let mut last: Option<SortKey> = None;
    for (key, r, i) in keyed {
        if last == Some(key) {
            let &(kr, ki) = order.last().expect("the kept group of this key");
            let other = take_out(&mut runs[r as usize][i as usize]);
            fold(&mut runs[kr as usize][ki as usize], other, d);
        } else {
            order.push((r, i));
            last = Some(key);
        }
    }
    // A group with more than one source port holds them all in its list, sorted and distinct;
    // with one, it stays inline.
    for &(r, i) in &order[start..] {
        let g = &mut runs[r as usize][i as usize];
        if let Some(lists) = g.lists.as_mut().filter(|l| !l.ports.is_empty()) {
            lists.ports.extend(g.port.take());
            lists.ports.sort_unstable();
            lists.ports.dedup();
        }
    }
}

/// A group's state, its lists moved out (what `fold` needs of a group about to be dropped).
fn take_out(g: &mut GroupState) -> GroupState {
    GroupState {
        key: g.key,
        lists: g.lists.take(),
        ..*g
    }
}

/// Fold `other` (same key) into `into`: the earliest tuple's encryption code wins, a tie on
/// the time going to the smaller text.
fn fold(into: &mut GroupState, other: GroupState, d: &DictEntries) {
    let earlier = other.first < into.first
        || (other.first == into.first
            && d.cmp_text(other.encryption, into.encryption) == Ordering::Less);
    if earlier {
        into.encryption = other.encryption;
    }
    into.first = into.first.min(other.first);
    into.last = into.last.max(other.last);
    for (a, b) in into.counters.iter_mut().zip(other.counters) {
        *a = a.saturating_add(b);
    }
    into.flows += other.flows;
    into.completed += other.completed;
    into.records += other.records;
    match (into.port, other.port) {
        (None, port) => into.port = port,
        (Some(_), Some(port)) => into.lists().ports.push(port),
        (Some(_), None) => {}
    }
    if let Some(other) = other.lists {
        let lists = into.lists();
        lists.ports.extend(other.ports);
        lists.public.extend(other.public);
    }
}

/// Rows that have left the merge, in key order, still held as their groups.
pub struct Released {
    dict: Arc<ScanDict>,
    interval: i64,
    runs: Vec<Vec<GroupState>>,
    /// The kept groups (run, index) in key order.
    order: Vec<(u32, u32)>,
    /// Each kept group's public entries (source side, destination side), in `order`'s order;
    /// empty when no group has any.
    publics: Vec<(Vec<PublicEntry>, Vec<PublicEntry>)>,
}

impl Released {
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Hand the rows, in key order, to `f` as views that read the dictionary (locked
    /// meanwhile: a reading thread that finishes a file waits).
    pub fn with_rows<T>(&self, f: impl FnOnce(&[GroupRow<'_>]) -> T) -> T {
        let d = self.dict.lock();
        let none: &(Vec<PublicEntry>, Vec<PublicEntry>) = &(Vec::new(), Vec::new());
        let rows: Vec<GroupRow<'_>> = self
            .order
            .iter()
            .enumerate()
            .map(|(n, &(r, i))| GroupRow {
                group: group(&self.runs, r, i),
                publics: self.publics.get(n).unwrap_or(none),
                dict: &d,
                interval: self.interval,
            })
            .collect();
        f(&rows)
    }

    /// The rows as owned [`FlowRow`]s.
    #[cfg(test)]
    pub fn into_flow_rows(self) -> Vec<FlowRow> {
        self.with_rows(|rows| rows.iter().map(GroupRow::to_flow_row).collect())
    }
}

/// One released group read as a row (see [`RowView`]).
pub struct GroupRow<'a> {
    group: &'a GroupState,
    publics: &'a (Vec<PublicEntry>, Vec<PublicEntry>),
    dict: &'a DictEntries,
    interval: i64,
}

impl GroupRow<'_> {
    #[cfg(test)]
    fn to_flow_row(&self) -> FlowRow {
        let flows = self.flows();
        FlowRow {
            context: self.dict.context(self.group.key.context).clone(),
            interval_start: self.interval_start(),
            interval_end: self.interval_end(),
            flow_start: self.flow_start(),
            flow_end: self.flow_end(),
            src_ip: self.src_ip().clone(),
            dst_ip: self.dst_ip().clone(),
            dst_port: self.dst_port(),
            protocol: self.protocol(),
            direction: self.direction(),
            denied: self.denied(),
            encryption: self.encryption().clone(),
            encryption_time: self.group.first,
            counters: self.counters(),
            allowed_in: flows[0],
            allowed_out: flows[1],
            denied_in: flows[2],
            denied_out: flows[3],
            completed: self.completed(),
            records: self.records(),
            src_ports: self.src_ports().to_vec(),
            src_public: self.src_public().to_vec(),
            dst_public: self.dst_public().to_vec(),
        }
    }
}

impl RowView for GroupRow<'_> {
    fn context(&self) -> &FlowContext {
        self.dict.context(self.group.key.context)
    }
    fn interval_start(&self) -> i64 {
        self.group.key.interval
    }
    fn interval_end(&self) -> i64 {
        self.group.key.interval + self.interval
    }
    fn flow_start(&self) -> i64 {
        self.group.first
    }
    fn flow_end(&self) -> i64 {
        self.group.last
    }
    fn src_ip(&self) -> &Str {
        self.dict.text(self.group.key.src)
    }
    fn dst_ip(&self) -> &Str {
        self.dict.text(self.group.key.dst)
    }
    fn dst_port(&self) -> Option<u16> {
        self.group.key.port
    }
    fn protocol(&self) -> u16 {
        self.group.key.protocol
    }
    fn direction(&self) -> Direction {
        self.group.key.direction
    }
    fn denied(&self) -> bool {
        self.group.key.denied
    }
    fn encryption(&self) -> &Str {
        self.dict.text(self.group.encryption)
    }
    fn counters(&self) -> [u64; 4] {
        self.group.counters
    }
    fn flows(&self) -> [u64; 4] {
        self.group.flow_counts()
    }
    fn completed(&self) -> u64 {
        self.group.completed
    }
    fn records(&self) -> u64 {
        self.group.records
    }
    fn src_ports(&self) -> &[u16] {
        // A released group holds one port inline, or all of them sorted and distinct in its
        // list (`fold_partition`).
        match &self.group.lists {
            Some(lists) if !lists.ports.is_empty() => &lists.ports,
            _ => self.group.port.as_slice(),
        }
    }
    fn src_public(&self) -> &[PublicEntry] {
        &self.publics.0
    }
    fn dst_public(&self) -> &[PublicEntry] {
        &self.publics.1
    }
}

/// A group's public counts as the source side's and the destination side's entries, ascending
/// by address text with an address's counts summed.
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
            merger.add(agg.finish_groups(&dict), None);
        }
        merger.take_all().into_flow_rows()
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
        merger.add(agg.finish_groups(&dict), Some(&Str::from("stream")));
        assert!(merger.take_stream_ended_by("other", HOUR).is_empty());
        let first = merger.take_stream_ended_by("stream", HOUR).into_flow_rows();
        let dsts: Vec<&str> = first.iter().map(|r| &*r.dst_ip).collect();
        assert_eq!(dsts, ["10.0.0.10", "10.0.0.9"]);
        assert_eq!(merger.len(), 1, "the second hour's row waits");
        assert_eq!(&*merger.take_all().into_flow_rows()[0].dst_ip, "10.0.0.1");
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
            merger.add(agg.finish_groups(&dict), None);
        }
        assert_eq!(&*merger.take_all().into_flow_rows()[0].encryption, "NX");
    }
}
