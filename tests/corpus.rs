//! The real-world corpus (`../shared/corpus/queries`, 421 queries over flow-log and firewall
//! tables) must parse and bind against the compiled-in schemas, without reading rows: this is
//! `kqlite validate` over every query.
//!
//! Two figures are printed: all 421 queries, with the workbook placeholders replaced by the
//! defaults below, and the 140 queries that have no placeholders. The last line of the output is
//! `N passed, N failed` for those 140 (the figure issue 8 tracks). A failure that is not listed in
//! `tests/corpus-known-failures.txt` (`file-name  reason`, one per line) fails the test, so the
//! passing count can only go up. Listed queries that now pass are reported so the list can shrink.
//!
//! The shared folder is found through `KQLITE_SHARED`, else `../shared` beside the checkout;
//! without it the test is reported as ignored, with the reason (libtest-mimic runs the tests, so
//! that a skip says so instead of `ok`).
//!
//! # Placeholder defaults
//!
//! Azure workbooks substitute `{Name}` / `{Name:format}` as plain text before Log Analytics
//! sees the query; some stand inside string literals (`'{timeInterval:startISO}'`), others are
//! bare KQL (`in~ ({subscriptions})`, `{timeInterval:seconds} < 86400`, a whole `| where …`
//! line). Each gets the value a user would most often see, in the form its position needs:
//!
//! | placeholder | bare | inside a string |
//! |---|---|---|
//! | alone on its line (`{subscriptionCheckLine}`, `{ProjectColumnsCondition}`, …): a whole clause, empty when nothing is selected | (empty) | — |
//! | `…CheckLine`: a `\| where` line | (empty) | (empty) |
//! | `…Check` (`{subscriptionsCheck}`, `{timeIntervalFlowlogCheck}`): a predicate | `true` | `true` |
//! | `timeInterval:startISO`, `TimeRange:start` | `datetime(2024-05-08T00:00:00Z)` | `2024-05-08T00:00:00Z` |
//! | `timeInterval:endISO`, `TimeRange:end` | `datetime(2024-05-09T00:00:00Z)` | `2024-05-09T00:00:00Z` |
//! | `timeInterval:seconds` | `86400` | `86400` |
//! | `timeInterval:label` | — | `Last 24 hours` |
//! | `…:grain`, `binningTime` (a bin size) | `1h` | `1h` |
//! | `TimeFilter:query`, `OverallTimeRange:value` (a time condition after a column) | `> ago(1d)` | — |
//! | `…Threshold:value` (a day count before `d`) | `7` | `7` |
//! | `…Unit:value` (bytes / packets / flows selector) | `'bytes'` | `bytes` |
//! | `thousandUnit` … `quadrillionUnit` (unit suffix text) | — | `K`, `M`, `B`, `T`, `Q` |
//! | `GeoLocation` (a CSV URL) | — | `https://example.invalid/geolite.csv` |
//! | multi-select lists (`subscriptions`, `vnets`, `endpoint1`, `top10NSGs`, `FlowType`, …): "all" | `'*'` | `'*'` (or `*` inside `'…'`) |
//! | any other single value (`SrcIP`, `RuleAction`, `Resource:label`, …): "all" | `'*'` | `*` |

use kqlite::{Catalog, Options};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KQLITE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    dir.is_dir().then_some(dir)
}

/// One corpus file: its name, whether it carries workbook placeholders, and the query text
/// without the `// key: value` header lines.
struct CorpusQuery {
    name: String,
    has_placeholders: bool,
    text: String,
}

fn is_header_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("// ") else {
        return false;
    };
    let key_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    key_len > 0 && rest[key_len..].starts_with(": ")
}

fn read_query(path: &Path) -> Option<CorpusQuery> {
    let full = fs::read_to_string(path).ok()?;
    let mut lines = full.lines().peekable();
    let mut has_placeholders = false;
    while let Some(line) = lines.peek() {
        if !is_header_line(line) {
            break;
        }
        has_placeholders |= line.trim() == "// has-placeholders: true";
        lines.next();
    }
    Some(CorpusQuery {
        name: path.file_name()?.to_string_lossy().into_owned(),
        has_placeholders,
        text: lines.collect::<Vec<_>>().join("\n"),
    })
}

/// Multi-select parameters: the workbook expands them to a quoted, comma-separated list, and
/// the queries test `"{x}" == "'*'"` for "all selected".
const LIST_PARAMETERS: &[&str] = &[
    "subscriptions",
    "resourceGroups",
    "vnets",
    "subnets",
    "vpnGateways",
    "vpnGatewayConnections",
    "erGateways",
    "erGatewayConnections",
    "acls",
    "resourceRules",
    "endpoint1",
    "endpoint2",
    "ips",
    "vms",
    "nsgs",
    "NSG",
    "FlowType",
    "FlowStatus",
];

/// Where a placeholder stands: bare KQL, inside a `'…'` string, or inside a `"…"` string.
#[derive(Clone, Copy, PartialEq)]
enum Position {
    Bare,
    InString(char),
}

/// The default text for placeholder `name` (with its `:format`, if any) at `position`, or
/// `None` when the table has no rule for it.
fn default_value(name: &str, position: Position) -> Option<String> {
    let (base, format) = match name.split_once(':') {
        Some((base, format)) => (base, Some(format)),
        None => (name, None),
    };
    let in_string = position != Position::Bare;
    let text = |bare: &str, quoted: &str| Some(if in_string { quoted } else { bare }.to_string());
    match (base, format) {
        _ if base.ends_with("CheckLine") => text("", ""),
        _ if base.ends_with("Check") => text("true", "true"),
        ("timeInterval", Some("startISO")) | ("TimeRange", Some("start")) => {
            text("datetime(2024-05-08T00:00:00Z)", "2024-05-08T00:00:00Z")
        }
        ("timeInterval", Some("endISO")) | ("TimeRange", Some("end")) => {
            text("datetime(2024-05-09T00:00:00Z)", "2024-05-09T00:00:00Z")
        }
        ("timeInterval", Some("seconds")) => text("86400", "86400"),
        ("timeInterval", Some("label")) => text("'Last 24 hours'", "Last 24 hours"),
        (_, Some("grain")) | ("binningTime", None) => text("1h", "1h"),
        ("TimeFilter", Some("query")) | ("OverallTimeRange", Some("value")) => {
            text("> ago(1d)", "> ago(1d)")
        }
        (_, Some("value")) if base.ends_with("Threshold") => text("7", "7"),
        (_, Some("value")) if base.ends_with("Unit") || base.ends_with("Units") => {
            text("'bytes'", "bytes")
        }
        ("thousandUnit", None) => text("'K'", "K"),
        ("millionUnit", None) => text("'M'", "M"),
        ("billionUnit", None) => text("'B'", "B"),
        ("trillionUnit", None) => text("'T'", "T"),
        ("quadrillionUnit", None) => text("'Q'", "Q"),
        ("GeoLocation", None) => text(
            "'https://example.invalid/geolite.csv'",
            "https://example.invalid/geolite.csv",
        ),
        _ if LIST_PARAMETERS.contains(&base) || base.starts_with("top") => match position {
            Position::InString('\'') => text("", "*"),
            _ => text("'*'", "'*'"),
        },
        // Single-valued text parameters (`{SrcIP}`, `{RuleAction}`, `{Resource:label}`, …):
        // the queries compare them with "*" for "any".
        (_, None | Some("label")) => text("'*'", "*"),
        _ => None,
    }
}

/// Replace every `{Name}` / `{Name:format}` in `text` by its default; the names of
/// placeholders the table has no rule for are returned as the error.
fn substitute_placeholders(text: &str) -> Result<String, Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut unknown = Vec::new();
    let mut quote: Option<char> = None;
    // In `@"…"` a backslash is an ordinary character.
    let mut verbatim = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(_) if c == '\\' && !verbatim && i + 1 < chars.len() => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                verbatim = i > 0 && chars[i - 1] == '@';
            }
            None if c == '/' && chars.get(i + 1) == Some(&'/') => {
                // A comment runs to the end of the line; placeholders in it stay as they are.
                while i < chars.len() && chars[i] != '\n' {
                    out.push(chars[i]);
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        if c == '{' {
            if let Some(len) = placeholder_len(&chars[i..]) {
                let name: String = chars[i + 1..i + len - 1].iter().collect();
                let position = quote.map_or(Position::Bare, Position::InString);
                let alone_on_line = quote.is_none() && line_is_only(&chars, i, i + len);
                let value = if alone_on_line {
                    Some(String::new())
                } else {
                    default_value(&name, position)
                };
                match value {
                    Some(value) => out.push_str(&value),
                    None => {
                        unknown.push(name);
                        out.extend(&chars[i..i + len]);
                    }
                }
                i += len;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    if unknown.is_empty() {
        Ok(out)
    } else {
        Err(unknown)
    }
}

/// The length of a `{Name}` / `{Name:format}` placeholder starting at `chars[0] == '{'`.
fn placeholder_len(chars: &[char]) -> Option<usize> {
    let mut i = 1;
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if !chars
        .get(i)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
    {
        return None;
    }
    while chars.get(i).is_some_and(|c| ident(*c)) {
        i += 1;
    }
    if chars.get(i) == Some(&':') {
        i += 1;
        let start = i;
        while chars.get(i).is_some_and(|c| ident(*c)) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    (chars.get(i) == Some(&'}')).then_some(i + 1)
}

/// Whether `chars[start..end]` is the only non-blank text on its line.
fn line_is_only(chars: &[char], start: usize, end: usize) -> bool {
    let before = chars[..start]
        .iter()
        .rev()
        .take_while(|c| **c != '\n')
        .all(|c| c.is_whitespace());
    let after = chars[end..]
        .iter()
        .take_while(|c| **c != '\n')
        .all(|c| c.is_whitespace());
    before && after
}

/// The known failures: file name → reason.
fn known_failures() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-known-failures.txt");
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, reason)) => (name.to_string(), reason.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

/// Validate one query; the first line of the error when it fails.
fn check(query: &CorpusQuery, catalog: &Catalog, options: &Options) -> Result<(), String> {
    let text = if query.has_placeholders {
        substitute_placeholders(&query.text)
            .map_err(|names| format!("no default for placeholders {names:?}"))?
    } else {
        query.text.clone()
    };
    kqlite::validate(&text, catalog, options).map_err(|e| {
        let rendered = e.render(&text, &query.name);
        rendered.lines().next().unwrap_or_default().to_string()
    })
}

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let mut trials = vec![libtest_mimic::Trial::ignorable_test(
        "corpus_queries_validate",
        || match shared_dir() {
            Some(shared) => {
                corpus_queries_validate(shared);
                Ok(libtest_mimic::Completion::Completed)
            }
            None => Ok(libtest_mimic::Completion::ignored_with(
                "no ../shared/corpus (set KQLITE_SHARED)",
            )),
        },
    )];
    trials.extend(substitution::trials());
    libtest_mimic::run(&args, trials).exit_code()
}

fn corpus_queries_validate(shared: PathBuf) {
    // The longest workbook queries pipe ~100 operators; an unoptimised build recurses deeper
    // than a test thread's 2 MB stack through them (a release build on the main thread's 8 MB
    // does not), so the run gets a thread with room to spare.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || validate_corpus(&shared))
        .expect("spawn the corpus thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn validate_corpus(shared: &Path) {
    let mut paths: Vec<PathBuf> = fs::read_dir(shared.join("corpus/queries"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "kql"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    let queries: Vec<CorpusQuery> = paths.iter().filter_map(|p| read_query(p)).collect();

    let catalog = Catalog::new();
    // A fixed `now`: 2024-05-09T00:00:00Z.
    let options = Options {
        now: 1_715_212_800 * 10_000_000,
        ..Default::default()
    };
    let known = known_failures();
    let (mut all_passed, mut plain_passed, mut plain_total) = (0, 0, 0);
    let mut unexpected = Vec::new();
    let mut now_passing = Vec::new();
    // `KQLITE_CORPUS_ONLY=text` narrows the run to the files whose name contains it.
    let only = std::env::var("KQLITE_CORPUS_ONLY").unwrap_or_default();
    let queries: Vec<&CorpusQuery> = queries
        .iter()
        .filter(|q| q.name.contains(only.as_str()))
        .collect();
    for query in &queries {
        if !only.is_empty() {
            println!("{}", query.name);
        }
        let outcome = check(query, &catalog, &options);
        if !query.has_placeholders {
            plain_total += 1;
        }
        match outcome {
            Ok(()) => {
                all_passed += 1;
                if !query.has_placeholders {
                    plain_passed += 1;
                }
                if known.contains_key(&query.name) {
                    now_passing.push(query.name.clone());
                }
            }
            Err(message) => {
                let listed = known.contains_key(&query.name);
                println!(
                    "FAIL {}{}: {message}",
                    query.name,
                    if listed { " (known)" } else { "" }
                );
                if !listed {
                    unexpected.push(format!("{}: {message}", query.name));
                }
            }
        }
    }
    for name in &now_passing {
        println!("now passes, remove from tests/corpus-known-failures.txt: {name}");
    }
    println!(
        "all {} queries, placeholders substituted: {all_passed} passed, {} failed",
        queries.len(),
        queries.len() - all_passed
    );
    println!("the {plain_total} queries without placeholders:");
    println!(
        "{plain_passed} passed, {} failed",
        plain_total - plain_passed
    );
    assert!(
        unexpected.is_empty(),
        "{} corpus queries fail that tests/corpus-known-failures.txt does not list:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

mod substitution {
    use super::substitute_placeholders;
    use libtest_mimic::Trial;

    pub fn trials() -> Vec<Trial> {
        let cases: [(&str, fn()); 3] = [
            (
                "substitution::bare_strings_and_clauses",
                bare_strings_and_clauses,
            ),
            (
                "substitution::comments_and_regex_counts_stay",
                comments_and_regex_counts_stay,
            ),
            (
                "substitution::unknown_format_is_reported",
                unknown_format_is_reported,
            ),
        ];
        cases
            .into_iter()
            .map(|(name, test)| {
                Trial::test(name, move || {
                    test();
                    Ok(())
                })
            })
            .collect()
    }

    fn bare_strings_and_clauses() {
        let query = "T\n| where x in~ ({subscriptions}) and '{timeInterval:startISO}' != ''\n  {subscriptionCheckLine}\n| where iff(\"{vnets}\" == \"'*'\", true, {timeInterval:seconds} < 86400)";
        assert_eq!(
            substitute_placeholders(query).unwrap(),
            "T\n| where x in~ ('*') and '2024-05-08T00:00:00Z' != ''\n  \n| where iff(\"'*'\" == \"'*'\", true, 86400 < 86400)"
        );
    }

    fn comments_and_regex_counts_stay() {
        let query = "T // {subscriptions}\n| where x matches regex \"a{3}\" and y == '{SrcIP}'";
        assert_eq!(
            substitute_placeholders(query).unwrap(),
            "T // {subscriptions}\n| where x matches regex \"a{3}\" and y == '*'"
        );
    }

    fn unknown_format_is_reported() {
        assert_eq!(
            substitute_placeholders("T | where {x:weird}").unwrap_err(),
            vec!["x:weird".to_string()]
        );
    }
}
