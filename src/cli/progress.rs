//! The progress line: while a query or an export reads log files for longer than a second, one
//! line on standard error that says files read of the files planned, megabytes read, the read
//! rate and the rows written, and that erases itself when the run ends. Only on a terminal, and
//! not with `--quiet`. The scans count what they read ([`crate::sources::scan_progress`]); a
//! thread here looks at the counts a few times a second and lets indicatif draw them.

use crate::sources::scan_progress::{self, ScanCounts};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a run goes before the line appears: a quick query shows none.
const DELAY: Duration = Duration::from_secs(1);

/// [`DELAY`], or `KQLITE_PROGRESS_DELAY_MS` when set: the tests show the line on runs of any
/// length rather than on runs that must outlast a second on any machine.
fn delay() -> Duration {
    std::env::var("KQLITE_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DELAY, Duration::from_millis)
}
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(200);

/// Whether a run may show the line: stderr is a terminal and `--quiet` was not given.
/// `output_on_terminal` says rows go to the same screen as they are made (they would break
/// the line, and are progress enough).
pub fn wanted(quiet: bool, output_on_terminal: bool) -> bool {
    !quiet && std::io::stderr().is_terminal() && !output_on_terminal
}

/// A running progress line; dropping it stops and erases it.
pub struct ProgressLine {
    rows: Arc<AtomicU64>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// Start watching the scans; with `show` false nothing is ever drawn (rows are still
    /// counted, for nobody).
    pub fn start(show: bool) -> ProgressLine {
        let rows = Arc::new(AtomicU64::new(0));
        if !show {
            return ProgressLine {
                rows,
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel();
        let counted = rows.clone();
        // Taken here, not on the thread: the scan may plan its files before the thread runs.
        let before = (scan_progress::counts(), Instant::now());
        let thread = std::thread::spawn(move || draw(&stopped, before, &counted));
        ProgressLine {
            rows,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `n` more rows were written.
    pub fn add_rows(&self, n: u64) {
        self.rows.fetch_add(n, Ordering::Relaxed);
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The drawing thread: wait out the delay, then redraw until told to stop (the sender is
/// dropped), and erase the line; counts and time run from `before`.
fn draw(stopped: &mpsc::Receiver<()>, before: (ScanCounts, Instant), rows: &AtomicU64) {
    let (before, started) = before;
    if stopped.recv_timeout(delay()) != Err(RecvTimeoutError::Timeout) {
        return;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {msg}")
        .expect("the template is valid")
        .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ");
    bar.set_style(style);
    loop {
        let done = scan_progress::counts().since(before);
        bar.set_message(line(done, rows.load(Ordering::Relaxed), started.elapsed()));
        bar.tick();
        match stopped.recv_timeout(TICK) {
            Err(RecvTimeoutError::Timeout) => continue,
            _ => break,
        }
    }
    bar.finish_and_clear();
}

/// `12/720 files, 350.2 MB, 175.1 MB/s, 1,204,331 rows`; only the rows when no file is read
/// (a query over `range` or table files).
fn line(done: ScanCounts, rows: u64, elapsed: Duration) -> String {
    let rows = crate::output::thousands(rows);
    if done.files_planned == 0 && done.files_read == 0 {
        return format!("{rows} rows");
    }
    let mb = done.bytes_read as f64 / 1e6;
    let rate = mb / elapsed.as_secs_f64().max(0.001);
    format!(
        "{}/{} files, {mb:.1} MB, {rate:.1} MB/s, {rows} rows",
        done.files_read, done.files_planned,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_files_bytes_rate_and_rows() {
        let done = ScanCounts {
            files_planned: 720,
            files_read: 12,
            bytes_read: 350_200_000,
        };
        assert_eq!(
            line(done, 1_204_331, Duration::from_secs(2)),
            "12/720 files, 350.2 MB, 175.1 MB/s, 1,204,331 rows"
        );
        let none = ScanCounts::default();
        assert_eq!(line(none, 8192, Duration::from_secs(3)), "8,192 rows");
    }

    #[test]
    fn a_hidden_line_draws_nothing_and_ends_at_once() {
        let progress = ProgressLine::start(false);
        progress.add_rows(5);
        assert_eq!(progress.rows.load(Ordering::Relaxed), 5);
        assert!(progress.thread.is_none());
    }
}
