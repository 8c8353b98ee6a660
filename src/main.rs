//! The `kqlite` binary: parse the command line, run, print, exit.

use std::process::ExitCode;

/// Live heap bytes are counted, so that `--max-memory` can stop a query before the machine
/// runs out.
#[global_allocator]
static ALLOCATOR: kqlite::memory::CountingAllocator = kqlite::memory::CountingAllocator;

fn main() -> ExitCode {
    kqlite::cli::main()
}
