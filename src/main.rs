//! The `kqlite` binary: parse the command line, run, print, exit.

use std::process::ExitCode;

fn main() -> ExitCode {
    kqlite::cli::main()
}
