//! What one query may spend, and the checks that end it when it has spent it: a cancel flag
//! (Ctrl-C in the shell, a timed-out request in `serve`), a time limit (`--timeout`) and a cap
//! on the process's heap (`--max-memory`, against [`crate::memory::live_bytes`]).
//!
//! A [`Budget`] is the setting (it rides in [`crate::Options`]); [`Budget::start_at`] turns it
//! into a [`Meter`] whose clock started when the query began (binding: a `pivot` or
//! `bag_unpack` probe runs then, and spends from the same time limit as the run after it).
//! The executor asks the meter between batches and inside the loops that can run long without
//! one (join probes, mv-expand, series and summarize finishing), and so do the table plugins'
//! kernels (`func::plugin`), every [`CHECK_INTERVAL`] rows. A spent budget ends the run with
//! [`ErrorKind::Stopped`]. The module sits below `func` and `exec` so that both can ask it.

use crate::error::{Error, ErrorKind, Limit};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many loop iterations pass between two checks in a tight loop ([`Meter::check_every`]).
const CHECK_INTERVAL: usize = 4096;

/// The limits a query runs under. The default has none, and a flag nobody sets.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    cancel: Arc<AtomicBool>,
    /// The longest a query may run, counted from when it starts running.
    pub timeout: Option<Duration>,
    /// The most heap bytes the process may hold while the query runs.
    pub max_memory: Option<u64>,
}

impl Budget {
    /// The same limits, cancelled through `flag` (which the caller keeps to set).
    pub fn with_cancel_flag(mut self, flag: Arc<AtomicBool>) -> Budget {
        self.cancel = flag;
        self
    }

    /// The flag that cancels the queries run under this budget.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// The meter of a query starting now.
    pub fn start(&self) -> Meter {
        self.start_at(Instant::now())
    }

    /// The meter of a query that began at `started`: its time limit counts from then.
    pub fn start_at(&self, started: Instant) -> Meter {
        Meter {
            cancel: self.cancel.clone(),
            deadline: self.timeout.map(|t| (started + t, t)),
            max_memory: self.max_memory,
        }
    }
}

/// A running query's budget: [`Meter::check`] fails once it is spent.
#[derive(Debug, Clone)]
pub struct Meter {
    cancel: Arc<AtomicBool>,
    deadline: Option<(Instant, Duration)>,
    max_memory: Option<u64>,
}

impl Default for Meter {
    /// No limits.
    fn default() -> Self {
        Budget::default().start()
    }
}

impl Meter {
    /// Fail when the query was cancelled, ran past its deadline or the heap is over the cap.
    pub fn check(&self) -> Result<(), Error> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::new(ErrorKind::Stopped(Limit::Cancelled)));
        }
        if let Some((deadline, timeout)) = self.deadline {
            if Instant::now() >= deadline {
                return Err(Error::new(ErrorKind::Stopped(Limit::Timeout(timeout)))
                    .with_help("give it more time with --timeout (e.g. --timeout 5m)"));
            }
        }
        if let Some(limit) = self.max_memory {
            let held = crate::memory::live_bytes();
            if held > limit {
                return Err(
                    Error::new(ErrorKind::Stopped(Limit::Memory { limit, held })).with_help(
                        "raise it with --max-memory (e.g. --max-memory 16GiB), or make the \
                         query keep fewer rows (filter or summarize before a join or mv-expand)",
                    ),
                );
            }
        }
        Ok(())
    }

    /// [`Meter::check`] on every [`CHECK_INTERVAL`]th `iteration` of a tight loop.
    pub fn check_every(&self, iteration: usize) -> Result<(), Error> {
        if iteration.is_multiple_of(CHECK_INTERVAL) {
            self.check()
        } else {
            Ok(())
        }
    }
}

/// A loop's steps, counted so that every [`CHECK_INTERVAL`]th asks the meter: for loops (a
/// table plugin's nested bins × tuples, its output rows) with no single index to pass to
/// [`Meter::check_every`].
#[derive(Debug)]
pub struct Pacer<'a> {
    meter: &'a Meter,
    steps: usize,
}

impl Meter {
    /// A fresh count of a loop's steps under this meter.
    pub fn pacer(&self) -> Pacer<'_> {
        Pacer {
            meter: self,
            steps: 0,
        }
    }
}

impl Pacer<'_> {
    /// One more step: fails, on a checked step, once the budget is spent.
    pub fn step(&mut self) -> Result<(), Error> {
        self.steps += 1;
        self.meter.check_every(self.steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stopped(meter: &Meter) -> Option<Limit> {
        match meter.check() {
            Err(Error {
                kind: ErrorKind::Stopped(limit),
                ..
            }) => Some(limit),
            _ => None,
        }
    }

    #[test]
    fn the_cancel_flag_stops_a_running_query() {
        let budget = Budget::default();
        let meter = budget.start();
        assert_eq!(stopped(&meter), None);
        budget.cancel_flag().store(true, Ordering::Relaxed);
        assert_eq!(stopped(&meter), Some(Limit::Cancelled));
    }

    #[test]
    fn the_deadline_counts_from_the_start() {
        let budget = Budget {
            timeout: Some(Duration::from_millis(30)),
            ..Budget::default()
        };
        let meter = budget.start();
        assert_eq!(stopped(&meter), None);
        std::thread::sleep(Duration::from_millis(40));
        let limit = stopped(&meter).unwrap();
        assert_eq!(limit, Limit::Timeout(Duration::from_millis(30)));
        assert_eq!(
            limit.to_string(),
            "the query ran longer than its time limit of 30ms"
        );
        // A query started now has its own 30 ms.
        assert_eq!(stopped(&budget.start()), None);
    }

    #[test]
    fn a_query_begun_earlier_has_less_time_left() {
        let budget = Budget {
            timeout: Some(Duration::from_secs(60)),
            ..Budget::default()
        };
        let begun = Instant::now() - Duration::from_secs(61);
        assert_eq!(
            stopped(&budget.start_at(begun)),
            Some(Limit::Timeout(Duration::from_secs(60)))
        );
        assert_eq!(stopped(&budget.start_at(Instant::now())), None);
    }

    #[test]
    fn the_memory_cap_is_checked_against_the_live_heap() {
        let budget = Budget {
            max_memory: Some(1),
            ..Budget::default()
        };
        match stopped(&budget.start()) {
            Some(Limit::Memory { limit: 1, held }) => assert!(held > 1),
            other => panic!("{other:?}"),
        }
        let text = Limit::Memory {
            limit: 2 << 30,
            held: 3 << 30,
        }
        .to_string();
        assert!(text.contains("limit of 2.0 GiB"), "{text}");
        let roomy = Budget {
            max_memory: Some(u64::MAX),
            ..Budget::default()
        };
        assert_eq!(stopped(&roomy.start()), None);
    }

    #[test]
    fn tight_loops_check_every_interval() {
        let budget = Budget::default();
        let meter = budget.start();
        budget.cancel_flag().store(true, Ordering::Relaxed);
        assert!(meter.check_every(1).is_ok());
        assert!(meter.check_every(CHECK_INTERVAL).is_err());
        let mut pacer = meter.pacer();
        for _ in 1..CHECK_INTERVAL {
            assert!(pacer.step().is_ok());
        }
        assert!(pacer.step().is_err());
    }
}
