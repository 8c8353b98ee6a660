//! `kqlite validate`: does each query still compile? Parse and bind against the known table
//! schemas (compiled in), the schemas given with `--schema FILE` (a `column,type` CSV whose stem
//! names the table) and the tables found under `--logs`, without reading a row.
//!
//! A query that declares parameters without defaults binds with a stand-in value of each
//! declared type when `--param` does not give one: validation asks whether the query is
//! well-formed, not what it would return.

use crate::ast::{ParamType, StatementKind};
use crate::catalog::{Catalog, MemoryTable};
use crate::check::{error_verdict, Case, QueryFile, Verdict};
use crate::error::Error;
use crate::table::{Field, Schema, Table, Type};
use crate::Options;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A table schema from a CSV file of `column,type` lines (a `column,type` header and further
/// fields, such as a description, are allowed); the file's stem names the table.
pub fn load_schema(path: &Path) -> Result<(String, Schema), Error> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::input(&shown, e.to_string()))?;
    let mut fields: Vec<Field> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut cells = line.split(',').map(|c| c.trim().trim_matches('"'));
        let (Some(column), ty) = (cells.next().filter(|c| !c.is_empty()), cells.next()) else {
            continue;
        };
        if index == 0 && column.eq_ignore_ascii_case("column") {
            continue;
        }
        let ty = ty.unwrap_or("");
        let Some(ty) = Type::from_name(&ty.to_ascii_lowercase()) else {
            return Err(Error::input(
                &shown,
                format!(
                    "line {}: `{ty}` is not a type (bool, int, long, real, datetime, timespan, guid, string, dynamic)",
                    index + 1
                ),
            ));
        };
        if fields.iter().any(|f| f.name == column) {
            return Err(Error::input(
                &shown,
                format!("line {}: column `{column}` is listed twice", index + 1),
            ));
        }
        fields.push(Field::new(column, ty));
    }
    if fields.is_empty() {
        return Err(Error::input(&shown, "no `column,type` lines"));
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, Schema::new(fields)))
}

/// Make `schema` known to `catalog` as table `name` (empty: validation reads no rows).
pub fn register_schema(catalog: &mut Catalog, name: &str, schema: Schema, origin: &str) {
    catalog.register(
        name,
        Arc::new(MemoryTable::new(Table::empty(schema), origin)),
    );
}

/// What came of validating one query file.
#[derive(Debug, Clone)]
pub struct Validation {
    pub file: QueryFile,
    pub outcome: Result<(), Error>,
    pub elapsed: Duration,
}

/// Parse and bind `file` against `catalog`.
pub fn validate(file: QueryFile, catalog: &Catalog, options: &Options) -> Validation {
    let started = Instant::now();
    // The header is checked as `check` reads it: a bad `// expect:` fails validation too.
    let header = crate::check::header::parse(&file.source, &file.stem());
    let outcome = header
        .and_then(|_| crate::parse(&file.source))
        .and_then(|query| {
            let options = with_stand_in_parameters(&query, options);
            crate::bind(&query, catalog, &options).map(|_| ())
        });
    Validation {
        file,
        outcome,
        elapsed: started.elapsed(),
    }
}

/// `options` plus a value for each declared scalar parameter that has neither a default nor a
/// `--param`.
fn with_stand_in_parameters(query: &crate::ast::Query, options: &Options) -> Options {
    let mut options = options.clone();
    for statement in &query.statements {
        let StatementKind::DeclareParameters(params) = &statement.kind else {
            continue;
        };
        for param in params {
            let given = options.params.iter().any(|(n, _)| *n == param.name.name);
            let ParamType::Scalar(ty) = &param.ty else {
                continue;
            };
            if given || param.default.is_some() {
                continue;
            }
            if let Some(ty) = Type::from_name(&ty.name) {
                options
                    .params
                    .push((param.name.name.clone(), stand_in(ty).to_string()));
            }
        }
    }
    options
}

/// A value of each type, as `--param` text.
fn stand_in(ty: Type) -> &'static str {
    match ty {
        Type::Bool => "false",
        Type::Int | Type::Long => "0",
        Type::Real => "0.0",
        Type::DateTime => "2000-01-01T00:00:00Z",
        Type::TimeSpan => "0s",
        Type::Guid => "00000000-0000-0000-0000-000000000000",
        Type::String => "",
        Type::Dynamic => "null",
    }
}

impl Validation {
    /// `OK    path` or `ERROR path:line:col: message`.
    pub fn line(&self) -> String {
        match &self.outcome {
            Ok(()) => format!("OK    {}", self.file.shown()),
            Err(error) => {
                let at = error.span.map_or(String::new(), |span| {
                    let (line, col, _) = crate::error::locate(&self.file.source, span.start);
                    format!(":{line}:{col}")
                });
                format!("ERROR {}{at}: {}", self.file.shown(), error.kind)
            }
        }
    }

    /// The error with the query line, a caret under the fault and its help (empty when valid).
    pub fn details(&self) -> String {
        match &self.outcome {
            Ok(()) => String::new(),
            Err(error) => error
                .render(&self.file.source, &self.file.shown())
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect(),
        }
    }

    /// The validation as a CI report entry.
    pub fn case(&self) -> Case {
        let (line, column, verdict) = match &self.outcome {
            Ok(()) => (1, 1, Verdict::Pass),
            Err(error) => error_verdict(error, &self.file),
        };
        Case {
            name: self.file.stem(),
            file: self.file.shown(),
            line,
            column,
            seconds: self.elapsed.as_secs_f64(),
            verdict,
        }
    }
}

/// 0 when every query is valid, else 2 (3 when only input problems are to blame).
pub fn exit_code(results: &[Validation]) -> u8 {
    results
        .iter()
        .filter_map(|r| r.outcome.as_ref().err())
        .map(Error::exit_code)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(source: &str) -> QueryFile {
        QueryFile {
            path: PathBuf::from("detections/ssh.kql"),
            source: source.to_string(),
        }
    }

    fn temp(name: &str, content: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kqlite-validate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    #[test]
    fn known_tables_bind_without_rows() {
        let v = validate(
            file("NTANetAnalytics\n| where DestPort == 22\n| summarize count() by SrcIp"),
            &Catalog::new(),
            &Options::default(),
        );
        assert!(v.outcome.is_ok(), "{:?}", v.outcome);
        assert_eq!(v.line(), "OK    detections/ssh.kql");
        assert_eq!(exit_code(&[v]), 0);
    }

    #[test]
    fn an_error_names_file_line_and_column_with_a_suggestion() {
        let v = validate(
            file("NTANetAnalytics\n| where destport == 22"),
            &Catalog::new(),
            &Options::default(),
        );
        assert_eq!(
            v.line(),
            "ERROR detections/ssh.kql:2:9: unknown column `destport`"
        );
        let details = v.details();
        assert!(details.contains("2 | | where destport == 22"), "{details}");
        assert!(details.contains("^^^^^^^^"), "{details}");
        assert!(details.contains("did you mean `DestPort`?"), "{details}");
        assert_eq!(exit_code(&[v]), 2);
    }

    #[test]
    fn schema_files_name_their_table_by_stem() {
        let path = temp(
            "MyFlows.csv",
            "column,type,description\nSrc,string,\"a, b\"\nBytes,long,\nWhen,datetime,\n",
        );
        let (name, schema) = load_schema(&path).unwrap();
        assert_eq!(name, "MyFlows");
        let fields: Vec<(&str, Type)> = schema
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty))
            .collect();
        assert_eq!(
            fields,
            [
                ("Src", Type::String),
                ("Bytes", Type::Long),
                ("When", Type::DateTime)
            ]
        );
        let mut catalog = Catalog::new();
        register_schema(&mut catalog, &name, schema, "schema file");
        let ok = validate(
            file("MyFlows | summarize sum(Bytes) by Src"),
            &catalog,
            &Options::default(),
        );
        assert!(ok.outcome.is_ok(), "{:?}", ok.outcome);
        let bad = temp("Bad.csv", "Src,text\n");
        let err = load_schema(&bad).unwrap_err();
        assert!(
            err.to_string().contains("line 1: `text` is not a type"),
            "{err}"
        );
    }

    #[test]
    fn parameters_without_defaults_get_stand_ins() {
        let source = "declare query_parameters(port:long, since:datetime, who:string = 'x');\n\
                      NTANetAnalytics | where DestPort == port and FlowStartTime > since";
        let v = validate(file(source), &Catalog::new(), &Options::default());
        assert!(v.outcome.is_ok(), "{:?}", v.outcome);
        let wrong = Options {
            params: vec![("port".into(), "ssh".into())],
            ..Options::default()
        };
        let v = validate(file(source), &Catalog::new(), &wrong);
        assert!(v.line().contains("not a long"), "{}", v.line());
    }
}
