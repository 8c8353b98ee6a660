//! `kqlite query`: read the query, load the logs, run, print the table or write the chart.

use super::args::QueryArgs;
use super::{logs, note, usage, write_stdout, Failure, QueryText};
use crate::now::{self, NowSpec};
use crate::table::Table;
use crate::QueryResult;
use crate::{chart, output};
use std::io::{IsTerminal, Read};
use std::path::Path;

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

pub fn run(args: QueryArgs) -> Result<(), Failure> {
    let chart_kind = args.chart.as_deref().map(chart_target).transpose()?;
    let query = read_query(&args)?;
    let loaded = logs::load(&args.logs)?;
    let now = NowSpec::or_env(args.run.now.clone())?;
    let mut options = args.run.options();
    let resolved = now::resolve(
        &now,
        &query.text,
        &loaded.catalog,
        &options,
        &now::LatestTimes::default(),
    )?;
    if now == NowSpec::Latest {
        note(&format!("now() is {resolved}"));
    }
    options.now = resolved.ticks;
    let result = crate::run(&query.text, &loaded.catalog, &options);
    // Raw logs are read while the query scans them, so their problems are known only now.
    loaded.report_problems();
    let QueryResult {
        table,
        visualization,
    } = result.map_err(|e| Failure::in_query(e, &query))?;

    // An unknown chart kind or property is a query error, whether or not a chart was asked for.
    let draws = match &visualization {
        Some(vis) => chart::draws_chart(vis).map_err(|e| Failure::in_query(e, &query))?,
        None => false,
    };
    let Some(target) = args.chart.as_deref() else {
        print_table(&table, args.format)?;
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
    let Some(svg) = chart::render_svg(&table, &vis).map_err(|e| Failure::in_query(e, &query))?
    else {
        return Err(usage(format!(
            "--chart: `render {}` shows a table, not a chart",
            vis.kind
        )));
    };
    for line in chart::notes(&table, &vis) {
        note(&line);
    }
    let bytes = match chart_kind {
        Some(ChartTarget::Stdout) => return write_stdout(|out| out.write_all(svg.as_bytes())),
        Some(ChartTarget::Png) => {
            chart::png::svg_to_png(&svg).map_err(|e| Failure::in_query(e, &query))?
        }
        _ => svg.into_bytes(),
    };
    std::fs::write(target, bytes)
        .map_err(|e| usage(format!("cannot write the chart to {target}: {e}")))?;
    print_table(&table, args.format)
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
