//! How far this process's file scans have got, for the command line's progress line: files a
//! scan is about to read, and files and bytes read. Scans add to it as they go; only the
//! command line reads it (taking differences between two looks, since counts never go down).
//! Process-wide, so that no scan interface has to carry it.

use std::sync::atomic::{AtomicU64, Ordering};

static FILES_PLANNED: AtomicU64 = AtomicU64::new(0);
static FILES_READ: AtomicU64 = AtomicU64::new(0);
static BYTES_READ: AtomicU64 = AtomicU64::new(0);

/// The counts at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanCounts {
    pub files_planned: u64,
    pub files_read: u64,
    pub bytes_read: u64,
}

impl ScanCounts {
    /// What happened between `earlier` and `self`.
    pub fn since(self, earlier: ScanCounts) -> ScanCounts {
        ScanCounts {
            files_planned: self.files_planned.saturating_sub(earlier.files_planned),
            files_read: self.files_read.saturating_sub(earlier.files_read),
            bytes_read: self.bytes_read.saturating_sub(earlier.bytes_read),
        }
    }
}

/// A scan is about to read `files` files.
pub fn plan(files: usize) {
    FILES_PLANNED.fetch_add(files as u64, Ordering::Relaxed);
}

/// A file of `bytes` bytes (as stored) has been read.
pub fn file_read(bytes: u64) {
    FILES_READ.fetch_add(1, Ordering::Relaxed);
    BYTES_READ.fetch_add(bytes, Ordering::Relaxed);
}

/// The counts now.
pub fn counts() -> ScanCounts {
    ScanCounts {
        files_planned: FILES_PLANNED.load(Ordering::Relaxed),
        files_read: FILES_READ.load(Ordering::Relaxed),
        bytes_read: BYTES_READ.load(Ordering::Relaxed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_grow_and_differences_say_what_happened() {
        let before = counts();
        plan(3);
        file_read(100);
        file_read(50);
        let done = counts().since(before);
        // Other tests may scan at the same time: at least what this test added is there.
        assert!(done.files_planned >= 3 && done.files_read >= 2 && done.bytes_read >= 150);
        assert_eq!(before.since(counts()), ScanCounts::default());
    }
}
