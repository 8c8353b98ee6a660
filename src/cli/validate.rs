//! `kqlite validate`: bind every query file against the known schemas, `--schema` files and
//! the tables under `--logs`, one line per query; exit code 2 when any does not compile.

use super::args::ValidateArgs;
use super::check::write_ci_reports;
use super::{logs, write_stdout, Failure};
use crate::check::{self, Case, QueryFile};
use crate::validate::{self, Validation};
use crate::Options;

pub fn run(args: ValidateArgs) -> Result<u8, Failure> {
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
    let mut results: Vec<Validation> = Vec::new();
    for path in &files {
        let file = QueryFile::read(path)?;
        results.push(validate::validate(file, &loaded.catalog, &options));
    }
    let mut text = String::new();
    for result in &results {
        text.push_str(&result.line());
        text.push('\n');
        text.push_str(&result.details());
    }
    let invalid = results.iter().filter(|r| r.outcome.is_err()).count();
    text.push_str(&format!(
        "{} valid, {invalid} invalid\n",
        results.len() - invalid
    ));
    write_stdout(|out| out.write_all(text.as_bytes()))?;
    let cases: Vec<Case> = results.iter().map(Validation::case).collect();
    write_ci_reports(&args.report, "kqlite validate", &cases)?;
    Ok(validate::exit_code(&results))
}
