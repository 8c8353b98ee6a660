//! `kqlite query`: read the query, load the logs, run, print the table or write the chart.

use super::args::QueryArgs;
use super::{logs, note, usage, write_stdout, Failure, QueryText};
use crate::error::{Error, ErrorKind};
use crate::output;
use crate::plan::Visualization;
use crate::table::Table;
use crate::{Options, QueryResult};
use std::io::{IsTerminal, Read};
use std::path::Path;

pub fn run(args: QueryArgs) -> Result<(), Failure> {
    let query = read_query(&args)?;
    let loaded = logs::load(&args.logs)?;
    let options = Options {
        now: args.now.unwrap_or_else(wall_clock),
    };
    let QueryResult {
        table,
        visualization,
    } = crate::run(&query.text, &loaded.catalog, &options)
        .map_err(|e| Failure::in_query(e, &query))?;

    match (args.chart.as_deref(), visualization) {
        (None, visualization) => {
            print_table(&table, args.format)?;
            if let Some(vis) = visualization.filter(draws_a_chart) {
                note(&format!(
                    "the query renders a {}; add --chart FILE.svg to write it",
                    vis.kind
                ));
            }
            Ok(())
        }
        (Some(_), None) => Err(usage(
            "--chart needs a query that ends with `render` (e.g. `| render piechart`)",
        )),
        (Some("-"), Some(vis)) => {
            let svg = draw_chart(&table, &vis).map_err(|e| Failure::in_query(e, &query))?;
            write_stdout(|out| out.write_all(svg.as_bytes()))
        }
        (Some(path), Some(vis)) => {
            let svg = draw_chart(&table, &vis).map_err(|e| Failure::in_query(e, &query))?;
            std::fs::write(path, svg)
                .map_err(|e| usage(format!("cannot write the chart to {path}: {e}")))?;
            print_table(&table, args.format)
        }
    }
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

fn print_table(table: &Table, format: output::Format) -> Result<(), Failure> {
    write_stdout(|out| output::write(table, format, out))
}

/// `render table` and `render card` show the table itself: there is nothing to draw.
fn draws_a_chart(vis: &Visualization) -> bool {
    !matches!(vis.kind.as_str(), "table" | "card")
}

fn draw_chart(_table: &Table, vis: &Visualization) -> Result<String, Error> {
    Err(Error::new(ErrorKind::Unsupported(format!(
        "drawing a {}: charts are not built into this version",
        vis.kind
    ))))
}

/// Now, in ticks since the Unix epoch.
fn wall_clock() -> i64 {
    let now = chrono::Utc::now();
    now.timestamp() * crate::table::TICKS_PER_SECOND + i64::from(now.timestamp_subsec_nanos() / 100)
}
