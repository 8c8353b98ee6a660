//! What kqlite says about itself outside `--help`: shell completion scripts (clap_complete)
//! and the man page (clap_mangen), both generated from the command line's definition.

use super::args::{Cli, CompletionsArgs};
use super::{write_stdout, Failure};
use clap::CommandFactory;

/// `kqlite completions SHELL`: the completion script on stdout.
pub fn completions(args: CompletionsArgs) -> Result<(), Failure> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "kqlite", &mut script);
    write_stdout(|out| out.write_all(&script))
}

/// Write the man pages into `dir`: `kqlite.1` and one `kqlite-COMMAND.1` per subcommand.
/// `docs/man/` holds them; a test fails when they differ from what this writes.
pub fn write_man_pages(dir: &std::path::Path) -> std::io::Result<()> {
    clap_mangen::generate_to(Cli::command(), dir)
}
