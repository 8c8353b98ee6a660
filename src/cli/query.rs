//! `kqlite query`: read the query (or pick queries from a collection file), load the logs, run,
//! print the table or write the chart.

use super::args::{LimitArgs, LogsArgs, QueryArgs, RunArgs};
use super::collection::{self, Piece};
use super::logs::{self, Loaded};
use super::progress::{self, ProgressLine};
use super::streamed::{self, Printed};
use super::{empty_hint, log_paths, note, print_rows, usage, write_stdout, Failure, QueryText};
use crate::catalog::Catalog;
use crate::chart;
use crate::error::ErrorKind;
use crate::now::{self, NowSpec};
use crate::QueryResult;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Where `--chart` writes, and as what: the file's extension decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChartTarget {
    Stdout,
    Svg,
    Png,
}

fn chart_target(target: &str) -> Result<ChartTarget, Failure> {
    if target == "-" {
        return Ok(ChartTarget::Stdout);
    }
    let extension = Path::new(target)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("svg") => Ok(ChartTarget::Svg),
        Some("png") => Ok(ChartTarget::Png),
        _ => Err(usage(format!(
            "--chart {target}: the file name must end in .svg or .png (or be `-` for SVG on standard output)"
        ))),
    }
}

pub fn run(mut args: QueryArgs) -> Result<(), Failure> {
    if args.query.is_none() && args.file.is_none() {
        args.query = log_paths::reclaim_query(&mut args.logs);
    }
    // A wrong --chart extension is a usage error before any log is read.
    args.chart.as_deref().map(chart_target).transpose()?;
    let query = read_query(&args)?;
    let selected = select(&query, &args)?;
    if selected.len() > 1 && args.chart.is_some() {
        return Err(usage(
            "--chart draws one query's chart: pick it with --query N",
        ));
    }
    let loaded = logs::load(&args.logs)?;
    let now = NowSpec::or_env(args.run.now.clone())?;
    let several = selected.len() > 1;
    for (i, (number, piece)) in selected.iter().enumerate() {
        if several {
            let heading = match &piece.title {
                Some(title) => format!("// {title}"),
                None => format!("// query {number}"),
            };
            let gap = if i > 0 { "\n" } else { "" };
            write_stdout(|out| writeln!(out, "{gap}{heading}"))?;
        }
        let one = QueryText {
            text: piece.text.clone(),
            origin: query.origin.clone(),
        };
        if run_one(&one, &loaded, &now, &args)? == Printed::Closed {
            break;
        }
    }
    // Raw logs are read while the query scans them, so their problems are known only now.
    loaded.report_problems();
    Ok(())
}

/// The queries to run, numbered from 1: the whole text, or with `--query N`/`--all` the
/// queries of the collection.
fn select(query: &QueryText, args: &QueryArgs) -> Result<Vec<(usize, Piece)>, Failure> {
    if args.query_number.is_none() && !args.all {
        let whole = Piece {
            text: query.text.clone(),
            title: None,
            line: 1,
        };
        return Ok(vec![(1, whole)]);
    }
    let pieces: Vec<(usize, Piece)> = collection::split(&query.text)
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i + 1, p))
        .collect();
    match args.query_number {
        None => Ok(pieces),
        Some(n) => {
            let count = pieces.len();
            let chosen = pieces.into_iter().nth(n as usize - 1).ok_or_else(|| {
                usage(format!(
                    "--query {n}: {} holds {count} {}",
                    query.origin,
                    if count == 1 { "query" } else { "queries" }
                ))
            })?;
            Ok(vec![chosen])
        }
    }
}

fn run_one(
    query: &QueryText,
    loaded: &Loaded,
    now: &NowSpec,
    args: &QueryArgs,
) -> Result<Printed, Failure> {
    let flags = QueryFlags {
        run: &args.run,
        logs: &args.logs,
        limits: &args.limits,
        cancel: None,
        stats: args.stats,
    };
    if args.explain {
        let options = options_for(query, &loaded.catalog, now, &flags)?;
        let plan = crate::explain::explain(&query.text, &loaded.catalog, &options)
            .map_err(|e| Failure::in_query(e, query))?;
        return write_stdout(|out| out.write_all(plan.as_bytes())).map(|()| Printed::Whole);
    }
    // A chart needs the whole result, and `--stats` reports on a collected run; anything else
    // is printed as it is computed.
    if args.chart.is_none() && !args.stats {
        let catalog = &loaded.catalog;
        let options = options_for(query, catalog, now, &flags)?;
        let explain = |e| collection_hint(e, query, args);
        let empty = |nothing| hint_if_empty(nothing, query, catalog, now, &options);
        return streamed::print(query, catalog, &options, args, explain, empty);
    }
    collected(query, loaded, now, &flags, args).map(|()| Printed::Whole)
}

/// Run `query` to its whole result, then print it and write its chart.
fn collected(
    query: &QueryText,
    loaded: &Loaded,
    now: &NowSpec,
    flags: &QueryFlags<'_>,
    args: &QueryArgs,
) -> Result<(), Failure> {
    let progress = ProgressLine::start(progress::wanted(args.quiet, false));
    let result = evaluate(query, &loaded.catalog, now, flags, |e| {
        collection_hint(e, query, args)
    });
    drop(progress);
    let QueryResult {
        table,
        visualization,
    } = result?;

    // An unknown chart kind or property is a query error, whether or not a chart was asked for.
    let draws = match &visualization {
        Some(vis) => chart::draws_chart(vis).map_err(|e| Failure::in_query(e, query))?,
        None => false,
    };
    let Some(target) = args.chart.as_deref() else {
        print_rows(&table, args.format, args.max_rows)?;
        if let Some(vis) = visualization.filter(|_| draws) {
            note(&format!(
                "the query renders a {}; add --chart FILE.svg to write it",
                vis.kind
            ));
        }
        return Ok(());
    };
    let Some(vis) = visualization else {
        return Err(usage(
            "--chart needs a query that ends with `render` (e.g. `| render piechart`)",
        ));
    };
    let Some(svg) = chart::render_svg(&table, &vis).map_err(|e| Failure::in_query(e, query))?
    else {
        return Err(usage(format!(
            "--chart: `render {}` shows a table, not a chart",
            vis.kind
        )));
    };
    for line in chart::notes(&table, &vis) {
        note(&line);
    }
    let bytes = match chart_target(target)? {
        ChartTarget::Stdout => return write_stdout(|out| out.write_all(svg.as_bytes())),
        ChartTarget::Png => {
            chart::png::svg_to_png(&svg).map_err(|e| Failure::in_query(e, query))?
        }
        ChartTarget::Svg => svg.into_bytes(),
    };
    std::fs::write(target, bytes)
        .map_err(|e| usage(format!("cannot write the chart to {target}: {e}")))?;
    print_rows(&table, args.format, args.max_rows)
}

/// Resolve `now`, run `query`, and say on stderr which `now` `latest` gave and, for an empty
/// answer over old data, the data's time range. `explain` may add help to a query error.
pub(super) fn evaluate(
    query: &QueryText,
    catalog: &Catalog,
    now: &NowSpec,
    flags: &QueryFlags<'_>,
    explain: impl FnOnce(crate::Error) -> crate::Error,
) -> Result<QueryResult, Failure> {
    let options = options_for(query, catalog, now, flags)?;
    let result = if flags.stats {
        crate::explain::run_with_stats(&query.text, catalog, &options).map(|(result, profile)| {
            eprint!("{}", profile.render());
            result
        })
    } else {
        crate::run(&query.text, catalog, &options)
    }
    .map_err(|e| Failure::in_query(explain(e), query))?;
    hint_if_empty(
        empty_hint::found_nothing(&result.table),
        query,
        catalog,
        now,
        &options,
    );
    Ok(result)
}

/// When the answer is empty (`nothing`) over old data, say the data's time range.
fn hint_if_empty(
    nothing: bool,
    query: &QueryText,
    catalog: &Catalog,
    now: &NowSpec,
    options: &crate::Options,
) {
    if nothing && *now != NowSpec::Latest {
        if let Some(hint) = empty_hint::time_range(&query.text, catalog, options) {
            note(&hint);
        }
    }
}

/// What a query runs with besides its text: the run flags, the logs (whose folders
/// `externaldata` may read) and whether `--stats` reports on the run.
pub(super) struct QueryFlags<'a> {
    pub run: &'a RunArgs,
    pub logs: &'a LogsArgs,
    pub limits: &'a LimitArgs,
    /// Set to stop the query while it runs (the shell's Ctrl-C).
    pub cancel: Option<Arc<AtomicBool>>,
    pub stats: bool,
}

/// The options `query` runs with: the flags, and `now` resolved against the tables it reads.
fn options_for(
    query: &QueryText,
    catalog: &Catalog,
    now: &NowSpec,
    flags: &QueryFlags<'_>,
) -> Result<crate::Options, Failure> {
    let mut options = flags.run.options();
    flags.logs.allow_local_data(&mut options);
    flags.limits.apply(&mut options);
    if let Some(flag) = &flags.cancel {
        options.budget = options.budget.with_cancel_flag(flag.clone());
    }
    let resolved = now::resolve(
        now,
        &query.text,
        catalog,
        &options,
        &now::LatestTimes::default(),
    )?;
    if *now == NowSpec::Latest {
        note(&format!("now() is {resolved}"));
    }
    options.now = resolved.ticks;
    Ok(options)
}

/// A syntax error in a whole file that is a collection of queries gets a help line saying so.
fn collection_hint(error: crate::Error, query: &QueryText, args: &QueryArgs) -> crate::Error {
    let whole_file = args.query_number.is_none() && !args.all;
    if !whole_file || error.help.is_some() || !matches!(error.kind, ErrorKind::Syntax { .. }) {
        return error;
    }
    let pieces = collection::split(&query.text);
    if pieces.len() < 2 || crate::parse(&pieces[0].text).is_err() {
        return error;
    }
    let count = pieces.len();
    error.with_help(format!(
        "the file holds {count} queries separated by blank lines: run one with --query N \
         (1 to {count}) or each with --all"
    ))
}

/// The query from the argument, `-f FILE` (`-f -` is stdin), or stdin when it is not a terminal.
fn read_query(args: &QueryArgs) -> Result<QueryText, Failure> {
    if let Some(text) = &args.query {
        return Ok(QueryText {
            text: text.clone(),
            origin: "<query>".into(),
        });
    }
    match args.file.as_deref() {
        Some(path) if path != Path::new("-") => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                usage(format!(
                    "cannot read the query file {}: {e}",
                    path.display()
                ))
            })?;
            Ok(QueryText {
                text,
                origin: path.display().to_string(),
            })
        }
        Some(_) => read_stdin(),
        None if std::io::stdin().is_terminal() => Err(usage(
            "no query: give it as an argument, with -f FILE, or on standard input",
        )),
        None => read_stdin(),
    }
}

fn read_stdin() -> Result<QueryText, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| usage(format!("cannot read the query from standard input: {e}")))?;
    if text.trim().is_empty() {
        return Err(usage("the query on standard input is empty"));
    }
    Ok(QueryText {
        text,
        origin: "<stdin>".into(),
    })
}
