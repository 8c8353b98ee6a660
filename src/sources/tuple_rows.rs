//! `--interval 0`: every flow tuple is a row of its own, so nothing is grouped. A tuple is kept
//! as a compact [`TupleRecord`] (its parsed fields, strings as the file's interned ids) and the
//! columns are laid out straight from those records through [`RowView`], without a
//! [`FlowRow`] per tuple.

use super::flow_row::{
    entry_counts, Direction, FlowContext, FlowState, FlowTuple, PublicEntry, RowView,
};
use crate::table::Str;
use std::sync::Arc;

/// One tuple's fields as a row needs them; about half the size of an aggregated group's state,
/// and nothing in it to free.
#[derive(Debug, Clone, Copy)]
pub struct TupleRecord {
    /// Ticks since the epoch: the flow's start and, with interval 0, the interval's bounds.
    pub time: i64,
    /// The flow's end: the tuple time, or the end of an AWS record's span.
    pub end: i64,
    /// Packets src→dest, bytes src→dest, packets dest→src, bytes dest→src.
    pub counters: [u64; 4],
    pub context: u32,
    /// Interned ids of the addresses as logged (a public one is blanked only when shown) and
    /// of the encryption code.
    pub src: u32,
    pub dst: u32,
    pub encryption: u32,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    pub protocol: u16,
    pub direction: Direction,
    pub state: FlowState,
    pub denied: bool,
}

impl TupleRecord {
    pub fn new(context: u32, t: &FlowTuple<'_>, src: u32, dst: u32, encryption: u32) -> Self {
        TupleRecord {
            time: t.time,
            end: t.time,
            counters: t.counters,
            context,
            src,
            dst,
            encryption,
            src_port: t.src_port,
            dst_port: t.dst_port,
            protocol: t.protocol,
            direction: t.direction,
            state: t.state,
            denied: t.denied,
        }
    }

    /// The tuple again, its strings borrowed from `strings`.
    fn tuple<'s>(&self, strings: &'s [(Str, bool)]) -> FlowTuple<'s> {
        FlowTuple {
            time: self.time,
            src: &strings[self.src as usize].0,
            dst: &strings[self.dst as usize].0,
            src_port: self.src_port,
            dst_port: self.dst_port,
            protocol: self.protocol,
            direction: self.direction,
            state: self.state,
            denied: self.denied,
            encryption: &strings[self.encryption as usize].0,
            counters: self.counters,
        }
    }

    /// Allowed in, allowed out, denied in, denied out: the tuple's flows, in its one slot.
    fn flows(&self, strings: &[(Str, bool)]) -> [u64; 4] {
        let t = self.tuple(strings);
        let mut flows = [0; 4];
        if let Some(slot) = t.flow_slot() {
            flows[slot] = t.flows();
        }
        flows
    }
}

/// A file's tuples, one row each, in file order, with the file's interned strings and contexts.
pub struct TupleRows {
    strings: Vec<(Str, bool)>,
    contexts: Vec<Arc<FlowContext>>,
    records: Vec<TupleRecord>,
    /// The public source / destination entries, and per row the index of its own in them
    /// (`NO_ENTRY` when its address is private; both empty when no address is public).
    src_public: Vec<PublicEntry>,
    dst_public: Vec<PublicEntry>,
    src_slot: Vec<u32>,
    dst_slot: Vec<u32>,
}

const NO_ENTRY: u32 = u32::MAX;

impl TupleRows {
    /// `strings` are the file's interned strings (index 0 the empty one) with whether each is
    /// a public address.
    pub fn new(
        strings: Vec<(Str, bool)>,
        contexts: Vec<Arc<FlowContext>>,
        records: Vec<TupleRecord>,
    ) -> TupleRows {
        let mut rows = TupleRows {
            strings,
            contexts,
            records,
            src_public: Vec::new(),
            dst_public: Vec::new(),
            src_slot: Vec::new(),
            dst_slot: Vec::new(),
        };
        if rows.strings.iter().any(|(_, public)| *public) {
            rows.list_public_entries();
        }
        rows
    }

    /// A row's public address is its own one-entry list, counted from its own tuple.
    fn list_public_entries(&mut self) {
        let n = self.records.len();
        self.src_slot = vec![NO_ENTRY; n];
        self.dst_slot = vec![NO_ENTRY; n];
        for (i, r) in self.records.iter().enumerate() {
            let sides = [
                (r.src, &mut self.src_public, &mut self.src_slot),
                (r.dst, &mut self.dst_public, &mut self.dst_slot),
            ];
            for (id, entries, slots) in sides {
                let (ip, public) = &self.strings[id as usize];
                if *public {
                    slots[i] = entries.len() as u32;
                    entries.push(PublicEntry {
                        ip: ip.clone(),
                        counts: entry_counts(&r.tuple(&self.strings)),
                    });
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Views of rows `start..start + len`.
    pub fn views(&self, start: usize, len: usize) -> Vec<TupleRow<'_>> {
        (start..start + len)
            .map(|i| TupleRow { rows: self, i })
            .collect()
    }

    /// The rows as owned [`FlowRow`]s (a file read without a layout to build columns with).
    #[cfg(test)]
    pub fn into_flow_rows(self) -> Vec<super::flow_row::FlowRow> {
        (0..self.len())
            .map(|i| TupleRow { rows: &self, i }.to_flow_row())
            .collect()
    }
}

/// One row of [`TupleRows`].
#[derive(Clone, Copy)]
pub struct TupleRow<'x> {
    rows: &'x TupleRows,
    i: usize,
}

impl TupleRow<'_> {
    fn record(&self) -> &TupleRecord {
        &self.rows.records[self.i]
    }

    /// An address as the row shows it: a public one is blank (it is listed in the public
    /// entries instead).
    fn shown(&self, id: u32) -> &Str {
        match &self.rows.strings[id as usize] {
            (_, true) => &self.rows.strings[0].0,
            (text, false) => text,
        }
    }

    #[cfg(test)]
    fn entry(&self, entries: &'_ [PublicEntry], slots: &[u32]) -> Vec<PublicEntry> {
        match slots.get(self.i) {
            Some(&slot) if slot != NO_ENTRY => vec![entries[slot as usize].clone()],
            _ => Vec::new(),
        }
    }

    #[cfg(test)]
    fn to_flow_row(self) -> super::flow_row::FlowRow {
        use super::flow_row::FlowRow;
        let r = self.record();
        let [allowed_in, allowed_out, denied_in, denied_out] = self.flows();
        FlowRow {
            context: self.rows.contexts[r.context as usize].clone(),
            interval_start: r.time,
            interval_end: r.time,
            flow_start: r.time,
            flow_end: r.end,
            src_ip: self.shown(r.src).clone(),
            dst_ip: self.shown(r.dst).clone(),
            dst_port: r.dst_port,
            protocol: r.protocol,
            direction: r.direction,
            denied: r.denied,
            encryption: self.encryption().clone(),
            encryption_time: r.time,
            counters: r.counters,
            allowed_in,
            allowed_out,
            denied_in,
            denied_out,
            completed: self.completed(),
            records: 1,
            src_ports: r.src_port.into_iter().collect(),
            src_public: self.entry(&self.rows.src_public, &self.rows.src_slot),
            dst_public: self.entry(&self.rows.dst_public, &self.rows.dst_slot),
        }
    }
}

fn entry_at<'x>(entries: &'x [PublicEntry], slots: &[u32], row: usize) -> &'x [PublicEntry] {
    match slots.get(row) {
        Some(&slot) if slot != NO_ENTRY => std::slice::from_ref(&entries[slot as usize]),
        _ => &[],
    }
}

impl RowView for TupleRow<'_> {
    fn context(&self) -> &FlowContext {
        &self.rows.contexts[self.record().context as usize]
    }
    fn interval_start(&self) -> i64 {
        self.record().time
    }
    fn interval_end(&self) -> i64 {
        self.record().time
    }
    fn flow_start(&self) -> i64 {
        self.record().time
    }
    fn flow_end(&self) -> i64 {
        self.record().end
    }
    fn src_ip(&self) -> &Str {
        self.shown(self.record().src)
    }
    fn dst_ip(&self) -> &Str {
        self.shown(self.record().dst)
    }
    fn dst_port(&self) -> Option<u16> {
        self.record().dst_port
    }
    fn protocol(&self) -> u16 {
        self.record().protocol
    }
    fn direction(&self) -> Direction {
        self.record().direction
    }
    fn denied(&self) -> bool {
        self.record().denied
    }
    fn encryption(&self) -> &Str {
        &self.rows.strings[self.record().encryption as usize].0
    }
    fn counters(&self) -> [u64; 4] {
        self.record().counters
    }
    fn flows(&self) -> [u64; 4] {
        self.record().flows(&self.rows.strings)
    }
    fn completed(&self) -> u64 {
        u64::from(self.record().state == FlowState::End)
    }
    fn records(&self) -> u64 {
        1
    }
    fn src_ports(&self) -> &[u16] {
        self.record().src_port.as_slice()
    }
    fn src_public(&self) -> &[PublicEntry] {
        entry_at(&self.rows.src_public, &self.rows.src_slot, self.i)
    }
    fn dst_public(&self) -> &[PublicEntry] {
        entry_at(&self.rows.dst_public, &self.rows.dst_slot, self.i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::aggregate::tests::{context, tuple};
    use crate::sources::aggregate::FileAggregator;
    use crate::table::TICKS_PER_SECOND;

    fn rows_of(tuples: &[FlowTuple<'static>]) -> TupleRows {
        let mut agg = FileAggregator::new(0);
        let c = agg.context(context("r"));
        for t in tuples {
            agg.add(c, t);
        }
        agg.finish_tuples()
    }

    #[test]
    fn a_public_address_is_blank_and_its_own_entry() {
        let rows = rows_of(&[
            tuple(
                100,
                "10.0.0.6",
                "52.239.184.180",
                1,
                FlowState::End,
                [3, 767, 2, 1580],
            ),
            tuple(101, "10.0.0.6", "10.1.0.4", 2, FlowState::Begin, [0; 4]),
        ]);
        let views = rows.views(0, rows.len());
        let public = &views[0];
        assert_eq!((&**public.src_ip(), &**public.dst_ip()), ("10.0.0.6", ""));
        assert_eq!(
            public
                .dst_public()
                .iter()
                .map(PublicEntry::text)
                .collect::<Vec<_>>(),
            ["52.239.184.180|0|1|3|2|767|1580"]
        );
        assert!(public.src_public().is_empty());
        assert_eq!((public.completed(), public.records()), (1, 1));
        assert_eq!(public.flows(), [0, 0, 0, 0], "an E tuple starts no flow");
        let private = &views[1];
        assert_eq!(&**private.dst_ip(), "10.1.0.4");
        assert!(private.dst_public().is_empty());
        assert_eq!(
            private.flows(),
            [0, 1, 0, 0],
            "a B tuple is one allowed outbound flow"
        );
        assert_eq!(private.src_ports(), [2]);
        assert_eq!(private.flow_start(), 101 * TICKS_PER_SECOND);
    }

    #[test]
    fn views_and_owned_rows_agree() {
        let mut denied = tuple(
            7,
            "203.0.113.9",
            "10.1.0.4",
            9,
            FlowState::Deny,
            [1, 60, 0, 0],
        );
        denied.direction = Direction::Inbound;
        let tuples = [
            tuple(
                5,
                "10.0.0.6",
                "8.8.8.8",
                40001,
                FlowState::Begin,
                [1, 2, 3, 4],
            ),
            denied,
            tuple(
                9,
                "10.0.0.6",
                "10.1.0.4",
                40003,
                FlowState::Continuing,
                [5, 6, 7, 8],
            ),
        ];
        let owned = rows_of(&tuples).into_flow_rows();
        let rows = rows_of(&tuples);
        for (view, row) in rows.views(0, rows.len()).iter().zip(&owned) {
            assert_eq!(view.context(), &*row.context);
            assert_eq!(view.flow_start(), row.flow_start);
            assert_eq!(view.flow_end(), row.flow_end);
            assert_eq!(view.src_ip(), &row.src_ip);
            assert_eq!(view.dst_ip(), &row.dst_ip);
            assert_eq!(view.direction(), row.direction);
            assert_eq!(view.denied(), row.denied);
            assert_eq!(view.counters(), row.counters);
            assert_eq!(view.flows(), RowView::flows(row));
            assert_eq!(view.completed(), row.completed);
            assert_eq!(view.src_ports(), row.src_ports.as_slice());
            assert_eq!(view.src_public(), row.src_public.as_slice());
            assert_eq!(view.dst_public(), row.dst_public.as_slice());
            assert_eq!(view.encryption(), &row.encryption);
        }
        assert_eq!(owned[1].denied_in, 1);
        assert_eq!(owned[1].src_public[0].text(), "203.0.113.9|1|0|1|0|60|0");
    }

    #[test]
    fn a_span_sets_the_flow_end() {
        let mut agg = FileAggregator::new(0);
        let c = agg.context(context("r"));
        let t = tuple(
            10,
            "10.0.0.6",
            "10.1.0.4",
            1,
            FlowState::Stateless,
            [1, 2, 0, 0],
        );
        agg.add_span(c, &t, 70 * TICKS_PER_SECOND);
        let rows = agg.finish();
        assert_eq!(rows[0].flow_start, 10 * TICKS_PER_SECOND);
        assert_eq!(rows[0].flow_end, 70 * TICKS_PER_SECOND);
        assert_eq!(rows[0].interval_start, rows[0].interval_end);
    }
}
