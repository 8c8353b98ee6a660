//! Every conformance query and every corpus query without workbook placeholders must parse:
//! this runs the parser alone over both and prints how many parse. The shared folder is found
//! through `KQLITE_SHARED`, else `../shared` beside the checkout; without it both tests are
//! reported as ignored, with the reason (libtest-mimic runs them, so a skip never says `ok`).

use std::fs;
use std::path::{Path, PathBuf};

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KQLITE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    dir.is_dir().then_some(dir)
}

fn kql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "kql"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Parse each file; the names and errors of those that fail.
fn failures(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .filter_map(|path| {
            let text = fs::read_to_string(path).ok()?;
            let name = path.file_name()?.to_string_lossy().to_string();
            kqlite::parse(&text)
                .err()
                .map(|e| format!("{name}\n{}", e.render(&text, &name)))
        })
        .collect()
}

/// A test that reads the shared folder.
type SharedTest = fn(&Path);

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let tests: [(&str, SharedTest); 2] = [
        (
            "conformance_queries_all_parse",
            conformance_queries_all_parse,
        ),
        ("corpus_queries_parse", corpus_queries_parse),
    ];
    let trials = tests
        .into_iter()
        .map(|(name, test)| {
            libtest_mimic::Trial::ignorable_test(name, move || match shared_dir() {
                Some(shared) => {
                    test(&shared);
                    Ok(libtest_mimic::Completion::Completed)
                }
                None => Ok(libtest_mimic::Completion::ignored_with(
                    "no ../shared folder (set KQLITE_SHARED)",
                )),
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

fn conformance_queries_all_parse(shared: &Path) {
    let mut files = kql_files(&shared.join("conformance/cases"));
    files.extend(kql_files(&shared.join("conformance/adapted")));
    let failed = failures(&files);
    println!(
        "conformance: {} parsed, {} failed",
        files.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

fn corpus_queries_parse(shared: &Path) {
    let files: Vec<PathBuf> = kql_files(&shared.join("corpus/queries"))
        .into_iter()
        .filter(|p| fs::read_to_string(p).is_ok_and(|t| !t.contains("// has-placeholders: true")))
        .collect();
    let failed = failures(&files);
    println!(
        "corpus (no placeholders): {} parsed, {} failed",
        files.len() - failed.len(),
        failed.len()
    );
    for f in &failed {
        println!("{f}\n");
    }
    assert!(
        failed.is_empty(),
        "{} corpus queries fail to parse",
        failed.len()
    );
}
