//! `kqlite validate`: bind every query file against the known schemas, `--schema` files and
//! the tables under `--logs`, one line per query; exit code 2 when any does not compile. A file
//! that does not parse whole but holds several queries separated by blank lines is validated
//! query by query, each line saying which query it is.

use super::args::ValidateArgs;
use super::check::write_ci_reports;
use super::collection;
use super::{log_paths, logs, usage, write_stdout, Failure};
use crate::check::{self, Case, QueryFile};
use crate::error::ErrorKind;
use crate::validate::{self, Validation};
use crate::Options;

pub fn run(mut args: ValidateArgs) -> Result<u8, Failure> {
    if args.queries.is_empty() {
        args.queries = log_paths::reclaim_query_files(&mut args.logs);
    }
    if args.queries.is_empty() {
        return Err(usage(
            "no QUERY: give the query files (.kql) or folders of them",
        ));
    }
    let files = check::discover(&args.queries)?;
    let mut loaded = logs::load(&args.logs)?;
    for path in &args.schemas {
        let (name, schema) = validate::load_schema(path)?;
        validate::register_schema(
            &mut loaded.catalog,
            &name,
            schema,
            &path.display().to_string(),
        );
    }
    let options = Options {
        params: args.params.clone(),
        ..Options::default()
    };
    // Each validation, and for a query of a collection its label (`query 2 (Top talkers)`).
    let mut results: Vec<(Validation, Option<String>)> = Vec::new();
    for path in &files {
        let file = QueryFile::read(path)?;
        let whole = validate::validate(file.clone(), &loaded.catalog, &options);
        let pieces = collection::split(&file.source);
        let syntax_error =
            matches!(&whole.outcome, Err(e) if matches!(e.kind, ErrorKind::Syntax { .. }));
        if !syntax_error || pieces.len() < 2 {
            results.push((whole, None));
            continue;
        }
        for (i, piece) in pieces.iter().enumerate() {
            let one = QueryFile {
                path: file.path.clone(),
                source: piece.text.clone(),
            };
            let validation = validate::validate(one, &loaded.catalog, &options);
            results.push((validation, Some(piece.label(i + 1))));
        }
    }
    let mut text = String::new();
    for (result, label) in &results {
        let line = result.line();
        match label {
            Some(label) => {
                let shown = result.file.shown();
                text.push_str(&line.replacen(&shown, &format!("{shown} {label}"), 1));
            }
            None => text.push_str(&line),
        }
        text.push('\n');
        text.push_str(&result.details());
    }
    let invalid = results.iter().filter(|(r, _)| r.outcome.is_err()).count();
    text.push_str(&format!(
        "{} valid, {invalid} invalid\n",
        results.len() - invalid
    ));
    write_stdout(|out| out.write_all(text.as_bytes()))?;
    let cases: Vec<Case> = results.iter().map(|(r, _)| r.case()).collect();
    write_ci_reports(&args.report, "kqlite validate", &cases)?;
    let validations: Vec<Validation> = results.into_iter().map(|(r, _)| r).collect();
    Ok(validate::exit_code(&validations))
}
