//! Subcommands and flags → library calls. Prints results and errors; returns the exit code.

use std::process::ExitCode;

pub fn main() -> ExitCode {
    ExitCode::from(2)
}
