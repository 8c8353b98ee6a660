//! `kqlite shell`: an interactive prompt over logs loaded once. A query ends with `;` or a
//! blank line; dot commands change the session (`.help` lists them). History is kept in the
//! user's data folder; Tab completes names; Ctrl-C stops the running query, not the shell.

mod editor;

use super::args::{LimitArgs, LogsArgs, RunArgs, ShellArgs};
use super::logs::{self, Loaded};
use super::query::{evaluate, QueryFlags};
use super::{collection, inspect, log_paths, note, print_table, style, Failure, QueryText};
use crate::now::NowSpec;
use crate::output::Format;
use crate::sources::{self, LogPath};
use crate::QueryResult;
use editor::{SharedCatalog, ShellHelper};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const HELP: &str = "\
A query ends with `;` at the end of a line or with an empty line.
.help             this text
.tables           the tables the logs filled, with row counts
.schema TABLE     a table's columns and types
.logs PATH...     read other logs (files, folders, patterns) instead
.now T|latest     the time now() and ago() count from (RFC 3339, or the data's latest)
.format F         table, vertical, csv, json, jsonl or az
.chart FILE.svg   write the next rendered chart to FILE.svg
.timer on|off     print how long each query took
.read FILE        run the queries of FILE (separated by blank lines)
.quit             leave (also Ctrl-D)";

/// How long an interrupted query is given to reach its next check and stop.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// The session: what the dot commands set.
struct Session {
    logs_args: LogsArgs,
    loaded: Arc<Loaded>,
    catalog: SharedCatalog,
    run: RunArgs,
    limits: LimitArgs,
    now: NowSpec,
    format: Format,
    chart: Option<PathBuf>,
    timer: bool,
    interrupted: Arc<AtomicBool>,
}

pub fn run(args: ShellArgs) -> Result<(), Failure> {
    let now = NowSpec::or_env(args.run.now.clone())?;
    let loaded = Arc::new(logs::load(&args.logs)?);
    let catalog: SharedCatalog = Rc::new(RefCell::new(Arc::new(loaded.catalog.clone())));
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        // While a query runs the terminal is not in raw mode, so Ctrl-C is a signal: it stops
        // the wait for the query. While typing, the editor reads Ctrl-C as a key.
        let flag = interrupted.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let mut session = Session {
        logs_args: args.logs,
        loaded,
        catalog: catalog.clone(),
        run: args.run,
        limits: args.limits,
        now,
        format: Format::Table,
        chart: None,
        timer: false,
        interrupted,
    };
    session.list_tables();

    let mut editor: Editor<ShellHelper, DefaultHistory> =
        Editor::new().map_err(|e| super::usage(format!("cannot start the line editor: {e}")))?;
    editor.set_helper(Some(ShellHelper { catalog }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!("kqlite shell: end a query with `;` or an empty line; .help lists the commands");
    // Lines typed so far of an entry that is not whole yet (without a terminal, or on one the
    // editor cannot drive, each line comes on its own).
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() {
            "kqlite> "
        } else {
            "   ...> "
        };
        match editor.readline(prompt) {
            Ok(line) => {
                pending.push_str(&line);
                pending.push('\n');
                if !editor::is_complete(&pending) {
                    continue;
                }
                let entry = std::mem::take(&mut pending);
                let entry = entry.trim();
                if entry.is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(entry);
                if let Some(path) = &history {
                    let _ = editor.append_history(path);
                }
                if !session.enter(entry) {
                    break;
                }
            }
            // Ctrl-C while typing drops the input; Ctrl-D leaves.
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(super::usage(format!("cannot read the input: {e}"))),
        }
    }
    Ok(())
}

/// `history` in kqlite's folder of the user's data directory (`~/.local/share/kqlite` on
/// Linux), created if needed.
fn history_path() -> Option<PathBuf> {
    let dir = dirs::data_dir()?.join("kqlite");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

impl Session {
    /// Handle one entry; false when the shell should end.
    fn enter(&mut self, entry: &str) -> bool {
        if let Some(command) = entry.strip_prefix('.') {
            return self.dot(command);
        }
        let query = entry.strip_suffix(';').unwrap_or(entry);
        self.query(QueryText {
            text: query.to_string(),
            origin: "<shell>".into(),
        });
        true
    }

    fn dot(&mut self, command: &str) -> bool {
        let mut words = command.split_whitespace();
        let name = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        let result = match (name, rest.as_slice()) {
            ("quit" | "exit", _) => return false,
            ("help", _) => {
                println!("{HELP}");
                Ok(())
            }
            ("tables", _) => {
                self.list_tables();
                Ok(())
            }
            ("schema", [table]) => self.schema(table),
            ("logs", paths) if !paths.is_empty() => self.reload(paths),
            ("now", [when]) => NowSpec::parse(when)
                .map(|now| self.now = now)
                .map_err(super::usage),
            ("format", [name]) => {
                Format::from_name(name)
                    .map(|f| self.format = f)
                    .ok_or_else(|| {
                        super::usage(format!(
                            "unknown format `{name}`; expected one of: {}",
                            Format::NAMES.join(", ")
                        ))
                    })
            }
            ("chart", [file]) => {
                self.chart = Some(PathBuf::from(file));
                Ok(())
            }
            ("timer", ["on"]) => {
                self.timer = true;
                Ok(())
            }
            ("timer", ["off"]) => {
                self.timer = false;
                Ok(())
            }
            ("read", [file]) => self.read(file),
            _ => Err(super::usage(format!(
                "`.{command}`: not a command, or wrong arguments (.help lists them)"
            ))),
        };
        if let Err(failure) = result {
            style::error(&failure.render());
        }
        true
    }

    /// The tables the logs filled, once per load.
    fn list_tables(&self) {
        match sources::describe(&self.loaded.report, &self.loaded.catalog) {
            Ok(summaries) if summaries.is_empty() => {
                note("no logs read: the known tables are empty (.logs PATH reads some)")
            }
            Ok(summaries) => {
                let width = summaries.iter().map(|s| s.name.len()).max().unwrap_or(0);
                for s in summaries {
                    let noun = if s.rows == 1 { "row " } else { "rows" };
                    println!("{:<width$}  {:>7} {noun}  {}", s.name, s.rows, s.origin);
                }
            }
            Err(e) => style::error(&Failure::from(e).render()),
        }
        self.loaded.report_problems();
    }

    fn schema(&self, table: &str) -> Result<(), Failure> {
        let catalog = &self.loaded.catalog;
        let Some(provider) = catalog.get(table) else {
            return Err(inspect::unknown_table(table, catalog).into());
        };
        for field in provider.schema().fields.iter() {
            println!("{}: {}", field.name, field.ty.name());
        }
        Ok(())
    }

    fn reload(&mut self, paths: &[&str]) -> Result<(), Failure> {
        let mut args = self.logs_args.clone();
        args.logs = paths.iter().map(|p| LogPath::parse(p)).collect();
        args.logs = log_paths::expand(&args.logs)?;
        let loaded = logs::load(&args)?;
        self.logs_args = args;
        self.loaded = Arc::new(loaded);
        *self.catalog.borrow_mut() = Arc::new(self.loaded.catalog.clone());
        self.list_tables();
        Ok(())
    }

    fn read(&mut self, file: &str) -> Result<(), Failure> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| super::usage(format!("cannot read {file}: {e}")))?;
        for piece in collection::split(&text) {
            if let Some(title) = &piece.title {
                println!("// {title}");
            }
            self.query(QueryText {
                text: piece.text,
                origin: file.to_string(),
            });
        }
        Ok(())
    }

    /// Run a query on a thread of its own, so that Ctrl-C can stop the wait for it.
    fn query(&mut self, query: QueryText) {
        self.interrupted.store(false, Ordering::SeqCst);
        let started = Instant::now();
        let (send, receive) = mpsc::channel();
        let loaded = self.loaded.clone();
        let (now, run, logs) = (self.now.clone(), self.run.clone(), self.logs_args.clone());
        let limits = self.limits.clone();
        // Each query has a flag of its own, so a query that is slow to stop cannot be revived
        // by the next one.
        let cancel = Arc::new(AtomicBool::new(false));
        let cancel_query = cancel.clone();
        let text = QueryText {
            text: query.text.clone(),
            origin: query.origin.clone(),
        };
        std::thread::spawn(move || {
            let flags = QueryFlags {
                run: &run,
                logs: &logs,
                limits: &limits,
                cancel: Some(cancel_query),
                stats: false,
            };
            let result = evaluate(&text, &loaded.catalog, &now, &flags, |e| e);
            let _ = send.send(result);
        });
        let result = loop {
            match receive.recv_timeout(Duration::from_millis(50)) {
                Ok(result) => break result,
                Err(mpsc::RecvTimeoutError::Timeout) if self.interrupted.load(Ordering::SeqCst) => {
                    // The query stops at its next check (between batches, or within a few
                    // thousand rows of a long loop); its answer, if any, is dropped.
                    cancel.store(true, Ordering::SeqCst);
                    let stopped = receive.recv_timeout(STOP_WAIT).is_ok();
                    note(if stopped {
                        "interrupted: the query was stopped"
                    } else {
                        "interrupted: the query is still stopping in the background"
                    });
                    return;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    style::error("error: the query stopped without an answer");
                    return;
                }
            }
        };
        match result.and_then(|r| self.show(r, &query)) {
            Ok(()) => {}
            Err(failure) => style::error(&failure.render()),
        }
        if self.timer {
            note(&format!("{} ms", started.elapsed().as_millis()));
        }
    }

    fn show(&mut self, result: QueryResult, query: &QueryText) -> Result<(), Failure> {
        if let (Some(vis), Some(path)) = (&result.visualization, &self.chart) {
            let svg = crate::chart::render_svg(&result.table, vis)
                .map_err(|e| Failure::in_query(e, query))?;
            if let Some(svg) = svg {
                std::fs::write(path, svg).map_err(|e| {
                    super::usage(format!("cannot write the chart to {}: {e}", path.display()))
                })?;
                note(&format!("chart written to {}", path.display()));
                self.chart = None;
            }
        }
        print_table(&result.table, self.format)
    }
}
