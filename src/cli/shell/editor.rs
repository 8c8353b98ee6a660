//! The line editor's side of the shell (rustyline): when typed input is a whole entry (a dot
//! command, a query ended by `;` or by a blank line) and what Tab completes (table names, the
//! columns of the table being queried, functions, operators).

use crate::catalog::Catalog;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

const DOT_COMMANDS: &[&str] = &[
    ".help", ".tables", ".schema", ".logs", ".now", ".format", ".chart", ".timer", ".read", ".quit",
];

/// The catalog the shell queries; `.logs` replaces it, so the editor holds it by reference.
pub type SharedCatalog = Rc<RefCell<Arc<Catalog>>>;

pub struct ShellHelper {
    pub catalog: SharedCatalog,
}

/// Whether `input` is a whole entry: a dot command (one line), a query whose last line ends
/// with `;`, or one followed by an empty line. Empty input is whole too (nothing to run).
pub fn is_complete(input: &str) -> bool {
    let trimmed = input.trim();
    trimmed.is_empty()
        || trimmed.starts_with('.')
        || trimmed.ends_with(';')
        || input.ends_with("\n") && input.trim_end_matches([' ', '\t']).ends_with('\n')
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let catalog = self.catalog.borrow().clone();
        let (start, candidates) = candidates(line, pos, &catalog);
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

/// Where the word under the cursor starts, and what may replace it.
pub fn candidates(line: &str, pos: usize, catalog: &Catalog) -> (usize, Vec<String>) {
    let before = &line[..pos];
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(0, |i| i + 1);
    let word = &before[start..];
    let preceding = before[..start].trim_end();
    let mut pool: Vec<String> = Vec::new();
    if word.starts_with('.') && preceding.is_empty() {
        pool.extend(DOT_COMMANDS.iter().map(|s| s.to_string()));
    } else if preceding.ends_with('|') {
        pool.extend(crate::parse::OPERATOR_NAMES.iter().map(|s| s.to_string()));
    } else if preceding.is_empty() || preceding.ends_with(".schema") {
        pool.extend(catalog.names().map(str::to_string));
    } else {
        // The table being queried: the first name of the query.
        let table: String = line
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some(provider) = catalog.get(&table) {
            pool.extend(provider.schema().names().map(str::to_string));
        }
        pool.extend(catalog.names().map(str::to_string));
        pool.extend(
            crate::func::scalar::names()
                .iter()
                .chain(crate::func::aggregate::names())
                .map(|f| format!("{f}(")),
        );
    }
    let mut found: Vec<String> = pool
        .into_iter()
        .filter(|c| c.starts_with(word) && c.as_str() != word)
        .collect();
    found.sort();
    found.dedup();
    (start, found)
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Highlighter for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_ends_with_a_semicolon_or_a_blank_line() {
        assert!(!is_complete("Flows"));
        assert!(!is_complete("Flows\n| count"));
        assert!(is_complete("Flows\n| count;"));
        assert!(is_complete("Flows\n| count\n"));
        assert!(is_complete(".tables"));
        assert!(is_complete(""));
    }

    #[test]
    fn tab_completes_by_position() {
        let catalog = Catalog::new();
        let (start, tables) = candidates("NTANet", 6, &catalog);
        assert_eq!((start, tables), (0, vec!["NTANetAnalytics".to_string()]));
        let line = "NTANetAnalytics | where FlowS";
        let (start, columns) = candidates(line, line.len(), &catalog);
        assert_eq!(start, line.len() - 5);
        assert_eq!(columns, vec!["FlowStartTime", "FlowStatus"]);
        let (_, ops) = candidates("T | summ", 8, &catalog);
        assert_eq!(ops, vec!["summarize"]);
        let (_, funcs) = candidates("T | extend x = strl", 19, &catalog);
        assert_eq!(funcs, vec!["strlen("]);
        let (_, dots) = candidates(".sch", 4, &catalog);
        assert_eq!(dots, vec![".schema"]);
    }
}
