//! `externaldata` rows: the files a query names, read when it runs and laid out under the schema
//! the query declares. kqlite is offline, so a URL is read from the local copy given with
//! `--external-data URL=PATH`; a plain path or a `file://` URL is read only where
//! [`LocalDataPolicy`] allows it (inside a folder the user handed to kqlite; `.gz` too).
//!
//! The formats are Kusto's ingestion formats. The delimited ones (`csv`, `tsv`, `scsv`, `psv`,
//! `sohsv`) fill columns by field position, `txt` makes one record of each non-empty line and
//! `raw` one record of the whole file (both into the first column); `json` (one object per
//! line) and `multijson` (objects one after another, over any number of lines, or in arrays)
//! fill columns by property name. Missing fields are null; a value that does not convert to its
//! column's type is null, as Kusto's `to<type>()` functions would make it. A record the format
//! cannot read (an unclosed quote, a line that is not a JSON object) is an input error naming
//! the file and line.

use super::detect;
use super::local_data::{self, LocalDataPolicy};
use super::table_file::{self, Cell, RawTable};
use crate::ast::Span;
use crate::error::Error;
use crate::func::scalar::convert::{cast_column, parse_json};
use crate::table::{empty_str, Column, Schema, Str, Table, Type};
use std::path::{Path, PathBuf};

/// How a file's text becomes records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalFormat {
    /// Fields split on this character, RFC 4180 quoting (`csv` is `,`).
    Delimited(char),
    /// One record per non-empty line.
    Txt,
    /// The whole file is one record.
    Raw,
    /// One JSON object per line.
    Json,
    /// JSON objects one after another, or arrays of them.
    MultiJson,
}

/// Kusto ingestion formats kqlite does not read (binary, or with their own escaping rules).
pub const UNREAD_FORMATS: &[&str] = &[
    "tsve",
    "avro",
    "apacheavro",
    "parquet",
    "orc",
    "w3clogfile",
    "azmonstream",
];

impl ExternalFormat {
    /// The formats kqlite reads, by the names `format=` takes.
    pub const NAMES: &'static [&'static str] = &[
        "csv",
        "tsv",
        "scsv",
        "psv",
        "sohsv",
        "txt",
        "raw",
        "json",
        "multijson",
    ];

    /// The format called `name` (any case), if kqlite reads it.
    pub fn from_name(name: &str) -> Option<ExternalFormat> {
        Some(match name.to_ascii_lowercase().as_str() {
            "csv" => ExternalFormat::Delimited(','),
            "tsv" => ExternalFormat::Delimited('\t'),
            "scsv" => ExternalFormat::Delimited(';'),
            "psv" => ExternalFormat::Delimited('|'),
            "sohsv" => ExternalFormat::Delimited('\u{1}'),
            "txt" => ExternalFormat::Txt,
            "raw" => ExternalFormat::Raw,
            "json" => ExternalFormat::Json,
            "multijson" => ExternalFormat::MultiJson,
            _ => return None,
        })
    }

    /// The format a file name's extension implies when the query names none (under a `.gz`),
    /// CSV when the extension says nothing; an error for an extension of a format kqlite does
    /// not read (`.parquet`).
    fn from_extension(uri: &str) -> Result<ExternalFormat, String> {
        let name = file_part(uri).to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let Some((_, ext)) = name.rsplit_once('.') else {
            return Ok(ExternalFormat::Delimited(','));
        };
        if let Some(format) = ExternalFormat::from_name(ext) {
            return Ok(format);
        }
        match ext {
            "avro" | "parquet" | "orc" => Err(format!(
                "the .{ext} extension means the {ext} format, which kqlite does not read"
            )),
            _ => Ok(ExternalFormat::Delimited(',')),
        }
    }
}

/// What `externaldata` reads: the URIs as the query gives them (with where each is written, for
/// errors), the format (`None`: from each file's extension) and `ignoreFirstRecord`.
#[derive(Debug, Clone)]
pub struct ExternalSource {
    pub uris: Vec<(String, Span)>,
    pub format: Option<ExternalFormat>,
    pub ignore_first_record: bool,
}

/// `--external-data URL=PATH` assignments: the local copies of URLs a query reads. Kept as
/// written and matched by prefix, because both sides may hold `=` (SAS tokens, blob folders
/// such as `y=2024`). With them, the folders local paths may be read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalCopies {
    assignments: Vec<String>,
    policy: LocalDataPolicy,
}

impl LocalCopies {
    pub fn new(assignments: Vec<String>) -> LocalCopies {
        LocalCopies {
            assignments,
            policy: LocalDataPolicy::new(),
        }
    }

    pub const fn none() -> LocalCopies {
        LocalCopies {
            assignments: Vec::new(),
            policy: LocalDataPolicy::new(),
        }
    }

    /// Let plain paths and `file://` URLs read `path` (a file) or the files inside it (a
    /// folder): `--logs` and `--allow-local-data` arguments.
    pub fn allow_local(&mut self, path: impl Into<PathBuf>) {
        self.policy.allow(path);
    }

    /// Check one `URL=PATH` assignment as given on the command line.
    pub fn check_assignment(text: &str) -> Result<String, String> {
        match text.split_once('=') {
            Some((url, path)) if url.contains("://") && !path.is_empty() => Ok(text.to_string()),
            _ => Err(format!(
                "expected URL=PATH (the URL as the query writes it, then the local file), \
                 found `{text}`"
            )),
        }
    }

    /// The local copy of `url`: from the last assignment that starts with the URL and `=`,
    /// else with the URL cut before its `?` or `;` (so a SAS token or key need not be repeated
    /// on the command line).
    fn copy_of(&self, url: &str) -> Option<PathBuf> {
        let lookup = |key: &str| {
            self.assignments.iter().rev().find_map(|a| {
                a.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
                    .map(PathBuf::from)
            })
        };
        lookup(url).or_else(|| lookup(without_secrets(url)))
    }
}

/// The URL up to its query string or connection-string key (`?sv=…`, `;secret`).
fn without_secrets(url: &str) -> &str {
    url.find(['?', ';']).map_or(url, |i| &url[..i])
}

/// The last path segment of a URI or path, without query string.
fn file_part(uri: &str) -> &str {
    let path = without_secrets(uri);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Read every URI of `source` in order and lay the records out under `schema`.
pub fn read(
    source: &ExternalSource,
    schema: &Schema,
    copies: &LocalCopies,
) -> Result<Table, Error> {
    let mut table = Table::empty(schema.clone());
    for (uri, span) in &source.uris {
        let (path, explicit) = locate(uri, copies).map_err(|e| e.with_span(*span))?;
        let shown = path.display().to_string();
        let resolved = if explicit {
            local_data::outside_system_folders(&path, &shown)
        } else {
            copies.policy.check(&path, &shown)
        };
        let path = resolved.map_err(|e| e.with_span(*span))?;
        let format = match source.format {
            Some(format) => format,
            None => ExternalFormat::from_extension(uri)
                .map_err(|message| Error::input(uri.as_str(), message).with_span(*span))?,
        };
        let file = read_file(&path, &shown, format, source.ignore_first_record, schema)
            .map_err(|e| e.with_span(*span))?;
        table.append(&file);
    }
    Ok(table)
}

/// Where the data of `uri` is on this machine, and whether the user named that file explicitly
/// (with `--external-data URL=PATH`) rather than the query.
fn locate(uri: &str, copies: &LocalCopies) -> Result<(PathBuf, bool), Error> {
    if let Some(path) = copies.copy_of(uri) {
        return Ok((path, true));
    }
    if let Some(rest) = uri.strip_prefix("file://") {
        return Ok((
            PathBuf::from(rest.strip_prefix("localhost").unwrap_or(rest)),
            false,
        ));
    }
    if uri.contains("://") {
        let shown = without_secrets(uri);
        return Err(Error::input(
            shown,
            "kqlite is offline and does not download external data",
        )
        .with_help(format!(
            "download the file and pass --external-data {shown}=PATH"
        )));
    }
    Ok((PathBuf::from(uri), false))
}

/// One file's records under `schema`.
fn read_file(
    path: &Path,
    shown: &str,
    format: ExternalFormat,
    ignore_first_record: bool,
    schema: &Schema,
) -> Result<Table, Error> {
    let bytes =
        detect::read_all(path).map_err(|e| Error::input(shown, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::input(shown, format!("line {line}: the text is not valid UTF-8"))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let skip = usize::from(ignore_first_record);
    let columns = match format {
        ExternalFormat::Delimited(separator) => {
            let (records, open_quote) = table_file::delimited_records(text, separator);
            if let Some(line) = open_quote {
                return Err(Error::input(
                    shown,
                    format!("line {line}: a quoted value is not closed before the end of the file"),
                ));
            }
            let fields: Vec<Vec<String>> = records.into_iter().skip(skip).map(|(_, f)| f).collect();
            by_position(&fields, schema)
        }
        ExternalFormat::Txt => {
            let lines: Vec<Vec<String>> = text
                .lines()
                .filter(|line| !line.is_empty())
                .skip(skip)
                .map(|line| vec![line.to_string()])
                .collect();
            by_position(&lines, schema)
        }
        ExternalFormat::Raw => {
            let whole = [vec![text.to_string()]];
            by_position(&whole[skip.min(1)..], schema)
        }
        ExternalFormat::Json => {
            let mut problems = Vec::new();
            let raw = table_file::read_json_lines(text, shown, &mut problems);
            if let Some(problem) = problems.first() {
                let line = problem
                    .line
                    .map_or(String::new(), |n| format!("line {n}: "));
                return Err(Error::input(shown, format!("{line}{}", problem.message)));
            }
            by_name(raw, skip, schema)
        }
        ExternalFormat::MultiJson => {
            by_name(table_file::read_json_stream(text, shown)?, skip, schema)
        }
    };
    Ok(Table::new(schema.clone(), columns))
}

/// Columns filled by field position: field i of each record into column i.
fn by_position(records: &[Vec<String>], schema: &Schema) -> Vec<Column> {
    schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let text: Vec<Str> = records
                .iter()
                .map(|fields| {
                    fields
                        .get(i)
                        .map_or_else(empty_str, |f| Str::from(f.as_str()))
                })
                .collect();
            typed_from_text(text, field.ty)
        })
        .collect()
}

/// Text values as a column of `ty`: dynamic columns read the text as JSON (`parse_json`), the
/// others convert as `to<type>()` does (text that is not a value of the type is null).
fn typed_from_text(text: Vec<Str>, ty: Type) -> Column {
    match ty {
        Type::Dynamic => Column::Dynamic(text.iter().map(|t| parse_json(t)).collect()),
        _ => cast_column(Column::String(text), ty),
    }
}

/// Columns filled by property name, after skipping the first `skip` records.
fn by_name(raw: RawTable, skip: usize, schema: &Schema) -> Vec<Column> {
    let rows = raw.lines.len().saturating_sub(skip);
    schema
        .fields
        .iter()
        .map(|field| {
            let mut json = vec![serde_json::Value::Null; rows];
            if let Some(source) = raw.columns.iter().position(|c| *c == field.name) {
                for (row, cell) in &raw.cells[source] {
                    let Some(slot) = row.checked_sub(skip).and_then(|r| json.get_mut(r)) else {
                        continue;
                    };
                    *slot = match cell {
                        Cell::Missing => serde_json::Value::Null,
                        Cell::Text(s) => serde_json::Value::String(s.clone()),
                        Cell::Json(v) => v.clone(),
                    };
                }
            }
            cast_column(Column::Dynamic(json), field.ty)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, Value};

    fn temp(name: &str, content: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kqlite-ext-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Local copies that let queries read the test files' folder.
    fn temp_allowed() -> LocalCopies {
        let mut copies = LocalCopies::default();
        copies.allow_local(std::env::temp_dir().join(format!("kqlite-ext-{}", std::process::id())));
        copies
    }

    fn schema(fields: &[(&str, Type)]) -> Schema {
        Schema::new(fields.iter().map(|(n, t)| Field::new(*n, *t)).collect())
    }

    fn source(uris: &[&str], format: Option<ExternalFormat>, ignore: bool) -> ExternalSource {
        ExternalSource {
            uris: uris
                .iter()
                .map(|u| (u.to_string(), Span::default()))
                .collect(),
            format,
            ignore_first_record: ignore,
        }
    }

    #[test]
    fn formats_by_name_and_by_extension() {
        assert_eq!(
            ExternalFormat::from_name("MultiJSON"),
            Some(ExternalFormat::MultiJson)
        );
        assert_eq!(ExternalFormat::from_name("parquet"), None);
        let ext = |uri| ExternalFormat::from_extension(uri);
        assert_eq!(
            ext("https://a/b/users.txt?sv=1&sig=x"),
            Ok(ExternalFormat::Txt)
        );
        assert_eq!(ext("part-0.csv.gz"), Ok(ExternalFormat::Delimited(',')));
        assert_eq!(ext("data.tsv"), Ok(ExternalFormat::Delimited('\t')));
        assert_eq!(ext("no-extension"), Ok(ExternalFormat::Delimited(',')));
        assert!(ext("x.parquet").is_err());
    }

    #[test]
    fn urls_resolve_to_their_local_copies_only() {
        let copies = LocalCopies::new(vec![
            "https://h/geo.csv=old.csv".into(),
            "https://h/geo.csv=/data/y=2024/geo.csv".into(),
            "https://h/t.csv?sv=1&sig=a=b=t.csv".into(),
        ]);
        let at = |uri| {
            locate(uri, &copies)
                .map(|(p, _)| p)
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            at("https://h/geo.csv"),
            Ok(PathBuf::from("/data/y=2024/geo.csv"))
        );
        assert_eq!(
            at("https://h/geo.csv?sv=2&sig=secret"),
            Ok(PathBuf::from("/data/y=2024/geo.csv"))
        );
        assert_eq!(
            at("https://h/t.csv?sv=1&sig=a=b"),
            Ok(PathBuf::from("t.csv"))
        );
        assert_eq!(at("file:///data/x.csv"), Ok(PathBuf::from("/data/x.csv")));
        assert_eq!(at("rel/x.csv"), Ok(PathBuf::from("rel/x.csv")));
        let err = at("https://other/x.csv?sig=secret").unwrap_err();
        assert!(err.contains("https://other/x.csv:"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        assert!(
            err.contains("--external-data https://other/x.csv=PATH"),
            "{err}"
        );
        assert!(LocalCopies::check_assignment("geo.csv").is_err());
        assert!(LocalCopies::check_assignment("https://h/geo.csv=").is_err());
    }

    #[test]
    fn csv_maps_by_position_and_converts_like_kusto() {
        let path = temp(
            "t.csv",
            b"name,count,seen,up\nweb,3,2024-05-09T10:00:00Z,1\n\"db, main\",x,,false,extra\nshort\n",
        );
        let schema = schema(&[
            ("name", Type::String),
            ("count", Type::Long),
            ("seen", Type::DateTime),
            ("up", Type::Bool),
        ]);
        let path = path.display().to_string();
        let table = read(
            &source(&[&path], Some(ExternalFormat::Delimited(',')), true),
            &schema,
            &temp_allowed(),
        )
        .unwrap();
        assert_eq!(table.num_rows(), 3);
        assert_eq!(table.columns[0].get(1), Value::String("db, main".into()));
        assert_eq!(table.columns[1], Column::Long(vec![Some(3), None, None]));
        assert_eq!(table.columns[2].get(1), Value::Null);
        assert_eq!(
            table.columns[3],
            Column::Bool(vec![Some(true), Some(false), None])
        );
    }

    #[test]
    fn several_files_gzip_and_json_by_name() {
        let mut gz = Vec::new();
        {
            use std::io::Write;
            let mut encoder = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
            encoder
                .write_all(b"{\"n\": 1, \"s\": \"a\"}\n{\"s\": 5}\n")
                .unwrap();
        }
        let first = temp("a.json.gz", &gz);
        let second = temp(
            "b.multijson",
            b"[{\"n\": \"7\"}]\n{\n  \"n\": 8.0,\n  \"s\": {\"k\": 1}\n}\n",
        );
        let schema = schema(&[("n", Type::Long), ("s", Type::String)]);
        let (first, second) = (first.display().to_string(), second.display().to_string());
        let table = read(
            &source(&[&first, &second], None, false),
            &schema,
            &temp_allowed(),
        )
        .unwrap();
        assert_eq!(
            table.columns[0],
            Column::Long(vec![Some(1), None, Some(7), Some(8)])
        );
        let strings: Vec<Value> = (0..4).map(|r| table.columns[1].get(r)).collect();
        assert_eq!(
            strings,
            ["a", "5", "", "{\"k\":1}"].map(|s| Value::String(s.into()))
        );
    }

    #[test]
    fn unreadable_records_name_the_file_and_line() {
        let path = temp("bad.json", b"{\"n\": 1}\n{\"n\": \n");
        let schema = schema(&[("n", Type::Long)]);
        let shown = path.display().to_string();
        let err = read(
            &source(&[&shown], Some(ExternalFormat::Json), false),
            &schema,
            &temp_allowed(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with(&format!("{shown}: line 2: ")), "{err}");
        let path = temp("open.csv", b"a\n\"b\n");
        let shown = path.display().to_string();
        let err = read(&source(&[&shown], None, false), &schema, &temp_allowed())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2: a quoted value is not closed"),
            "{err}"
        );
    }
}
