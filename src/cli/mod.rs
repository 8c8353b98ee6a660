//! The command line: subcommands and flags → library calls. Prints results and errors and
//! returns the exit code (0 ok, 1 a check failed, 2 a usage or query error, 3 an input error).
//! Nothing below this module prints or exits.

mod args;
mod check;
mod collection;
mod docs;
mod empty_hint;
mod export;
mod inspect;
mod internal_error;
mod known_tables;
mod limits;
mod log_paths;
mod logs;
mod progress;
mod query;
mod report;
mod serve;
mod shell;
mod streamed;
mod style;
mod validate;

pub use docs::write_man_pages;

use crate::error::{Error, ErrorKind};
use args::{Cli, Command};
use clap::Parser;
use std::io::{self, Write};
use std::process::ExitCode;

/// Run the command line in `std::env::args()`; the returned code is the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // `--help` and `--version` come here too, with exit code 0.
            let _ = err.print();
            return ExitCode::from(err.exit_code().clamp(0, 255) as u8);
        }
    };
    style::init(cli.color);
    let run = internal_error::run_guarded(move || {
        match configure_threads(cli.threads).and_then(|()| dispatch(cli.command)) {
            Ok(code) => code,
            Err(failure) => {
                style::error(&failure.render());
                failure.exit_code()
            }
        }
    });
    match run {
        Ok(code) => ExitCode::from(code),
        Err(line) => {
            style::error(&line);
            ExitCode::from(internal_error::EXIT_INTERNAL)
        }
    }
}

/// Run the subcommand; `Ok` carries the exit code of a run that finished (`check` and
/// `validate` end with 1 or 2 when a check failed or a query does not compile).
fn dispatch(command: Command) -> Result<u8, Failure> {
    let done = |()| 0;
    match command {
        Command::Query(args) => query::run(args).map(done),
        Command::Tables(args) => inspect::tables(args).map(done),
        Command::Schema(args) => inspect::schema(args).map(done),
        Command::Check(args) => check::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Export(args) => export::run(args).map(done),
        Command::Report(args) => report::run(args),
        Command::Serve(args) => serve::run(args).map(done),
        Command::Completions(args) => docs::completions(args).map(done),
        Command::Shell(args) => shell::run(args).map(done),
    }
}

/// `--threads N`: the size of the pool that reads files and runs operators in parallel (all
/// cores by default). Its threads get a large stack too: operators that recurse on the query's
/// nesting run there.
fn configure_threads(threads: Option<usize>) -> Result<(), Failure> {
    let pool = rayon::ThreadPoolBuilder::new().stack_size(internal_error::RUN_STACK_BYTES / 4);
    let pool = match threads {
        Some(n) => pool.num_threads(n),
        None => pool,
    };
    pool.build_global().map_err(|e| {
        let n = threads.unwrap_or(0);
        Error::new(ErrorKind::Usage(format!("--threads {n}: {e}"))).into()
    })
}

/// An error and the query text it points into, if any (boxed: errors are the rare path).
struct Failure(Box<Failed>);

struct Failed {
    error: Error,
    query: Option<QueryText>,
}

/// A query and where it came from: a file path, `<query>` (the argument) or `<stdin>`.
struct QueryText {
    text: String,
    origin: String,
}

impl Failure {
    fn in_query(error: Error, query: &QueryText) -> Failure {
        Failure(Box::new(Failed {
            error,
            query: Some(QueryText {
                text: query.text.clone(),
                origin: query.origin.clone(),
            }),
        }))
    }

    fn render(&self) -> String {
        match &self.0.query {
            Some(q) => self.0.error.render(&q.text, &q.origin),
            None => self.0.error.render("", ""),
        }
    }

    fn exit_code(&self) -> u8 {
        self.0.error.exit_code()
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure(Box::new(Failed { error, query: None }))
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Error::new(ErrorKind::Usage(message.into())).into()
}

/// Write `bytes` to stdout. A closed pipe (`kqlite … | head`) is success: the reader has
/// what it wanted.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(usage(format!("cannot write to standard output: {e}"))),
    }
}

/// One line on stderr that is not an error: a hint or a summary.
fn note(message: &str) {
    style::note(message);
}

/// Print `table` on stdout in `format`; the table format fits the terminal, if stdout is one.
fn print_table(table: &crate::table::Table, format: crate::output::Format) -> Result<(), Failure> {
    print_rows(table, format, 0)
}

/// [`print_table`], the table format showing at most `max_rows` rows (0: all).
fn print_rows(
    table: &crate::table::Table,
    format: crate::output::Format,
    max_rows: usize,
) -> Result<(), Failure> {
    let terminal = crate::output::Terminal {
        width: style::stdout_width(),
        styled: style::stdout_colored(),
    };
    write_stdout(|out| {
        let schema = table.schema.clone();
        let mut writer = crate::output::ResultWriter::new(schema, format, terminal, max_rows, out);
        writer.write(table)?;
        writer.finish().map(|_| ())
    })
}
