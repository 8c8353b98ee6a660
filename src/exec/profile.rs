//! `--stats`: how many rows each operator sent on, what each scan's reader skipped, and the
//! time spent reading tables against the time spent in the operators. Recording costs a few
//! counter updates per batch, and nothing when no one asked.

use crate::catalog::ScanStats;
use crate::plan::Plan;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::time::Duration;

/// What one run recorded.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Operators in the order they started, each with its depth under the one that reads it.
    pub operators: Vec<OperatorRows>,
    /// Time inside table readers (not counting the operators they hand batches to).
    pub reading: Duration,
    /// The whole run.
    pub total: Duration,
}

/// One operator of the plan as it ran.
#[derive(Debug, Clone)]
pub struct OperatorRows {
    pub depth: usize,
    /// The node, as `--explain` writes it.
    pub node: String,
    pub rows: u64,
    /// For a scan: what its reader skipped (counters that are not zero).
    pub skipped: Vec<(&'static str, u64)>,
}

/// Collects a [`Profile`] while plans run. Operators are told apart by their plan node's
/// address, so every plan run is kept alive (`keep`) until the run ends.
pub(crate) struct Recorder {
    describe: Box<dyn Fn(&Plan) -> String>,
    entries: RefCell<Vec<OperatorRows>>,
    index: RefCell<FxHashMap<usize, usize>>,
    depth: Cell<usize>,
    reading: Cell<Duration>,
    // Boxed so a plan's root node keeps its address when the vector grows.
    #[allow(clippy::vec_box)]
    keep: RefCell<Vec<Box<Plan>>>,
}

impl Recorder {
    pub(crate) fn new(describe: Box<dyn Fn(&Plan) -> String>) -> Recorder {
        Recorder {
            describe,
            entries: RefCell::new(Vec::new()),
            index: RefCell::new(FxHashMap::default()),
            depth: Cell::new(0),
            reading: Cell::new(Duration::ZERO),
            keep: RefCell::new(Vec::new()),
        }
    }

    /// An operator starts (again, for an `mv-apply` body): its entry, one level deeper.
    pub(crate) fn enter(&self, plan: &Plan) -> usize {
        let key = plan as *const Plan as usize;
        let depth = self.depth.get();
        self.depth.set(depth + 1);
        let mut index = self.index.borrow_mut();
        *index.entry(key).or_insert_with(|| {
            let mut entries = self.entries.borrow_mut();
            entries.push(OperatorRows {
                depth,
                node: (self.describe)(plan),
                rows: 0,
                skipped: Vec::new(),
            });
            entries.len() - 1
        })
    }

    pub(crate) fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    pub(crate) fn rows(&self, entry: usize, rows: usize) {
        self.entries.borrow_mut()[entry].rows += rows as u64;
    }

    /// A scan under `entry` ended: what its reader skipped and how long it read.
    pub(crate) fn scanned(&self, entry: usize, stats: &ScanStats, reading: Duration) {
        let mut entries = self.entries.borrow_mut();
        let skipped = &mut entries[entry].skipped;
        for (name, n) in stats.nonzero() {
            match skipped.iter_mut().find(|(s, _)| *s == name) {
                Some((_, total)) => *total += n,
                None => skipped.push((name, n)),
            }
        }
        self.reading.set(self.reading.get() + reading);
    }

    /// Keep a plan that ran alive until the run ends (its nodes' addresses name operators).
    pub(crate) fn keep(&self, plan: Box<Plan>) {
        self.keep.borrow_mut().push(plan);
    }

    pub(crate) fn finish(self, total: Duration) -> Profile {
        Profile {
            operators: self.entries.into_inner(),
            reading: self.reading.get(),
            total,
        }
    }
}

impl Profile {
    /// The report `--stats` prints: one operator per line, indented like `--explain`, with
    /// its rows and what a scan skipped; then the times.
    pub fn render(&self) -> String {
        let mut out = String::from("rows per operator:\n");
        for op in &self.operators {
            let indent = "  ".repeat(op.depth);
            out.push_str(&format!("{:>10}  {indent}{}\n", op.rows, op.node));
            if !op.skipped.is_empty() {
                let parts: Vec<String> = op
                    .skipped
                    .iter()
                    .map(|(name, n)| format!("{n} {name}"))
                    .collect();
                out.push_str(&format!(
                    "{:>10}  {indent}  reader: {}\n",
                    "",
                    parts.join(", ")
                ));
            }
        }
        let operating = self.total.saturating_sub(self.reading);
        out.push_str(&format!(
            "time: {:.1} ms reading tables, {:.1} ms in operators ({:.1} ms in all)\n",
            self.reading.as_secs_f64() * 1e3,
            operating.as_secs_f64() * 1e3,
            self.total.as_secs_f64() * 1e3
        ));
        out
    }
}
