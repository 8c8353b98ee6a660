//! The crate's top-level modules must form a graph without cycles (ARCHITECTURE.md: `value` at
//! the bottom; `plan`, `func`, `eval` above it; `sources`, `exec`, `optimize`, `bind` above
//! those; applications on top). A module "uses" another when its non-test code names
//! `crate::other`. There is no cycle, and this test keeps it so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn module_graph(src: &Path) -> Graph {
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(src).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() && path.join("mod.rs").exists() {
            modules.insert(name);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if stem != "lib" && stem != "main" {
                modules.insert(stem.to_string());
            }
        }
    }
    let mut graph = Graph::new();
    for module in &modules {
        let mut files = Vec::new();
        let file = src.join(format!("{module}.rs"));
        if file.exists() {
            files.push(file);
        } else {
            rust_files(&src.join(module), &mut files);
        }
        let uses = graph.entry(module.clone()).or_default();
        for file in files {
            for used in crate_paths(&std::fs::read_to_string(&file).unwrap()) {
                if modules.contains(&used) && used != *module {
                    uses.insert(used);
                }
            }
        }
    }
    graph
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && name != "tests.rs"
            && name != "test_util.rs"
        {
            out.push(path);
        }
    }
}

/// The first segment of every `crate::…` path in the code before an inline
/// `#[cfg(test)] mod tests { … }`.
fn crate_paths(text: &str) -> Vec<String> {
    let inline_tests = text.match_indices("#[cfg(test)]\nmod ").find(|(i, _)| {
        let line = text[*i..].lines().nth(1).unwrap_or("");
        line.trim_end().ends_with('{')
    });
    let code = match inline_tests {
        Some((end, _)) => &text[..end],
        None => text,
    };
    code.match_indices("crate::")
        .map(|(i, m)| {
            code[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// The modules `from` reaches through one or more uses.
fn reachable(graph: &Graph, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&String> = graph[from].iter().collect();
    while let Some(m) = stack.pop() {
        if seen.insert(m.clone()) {
            stack.extend(graph.get(m).into_iter().flatten());
        }
    }
    seen
}

/// Every group of two or more modules that reach each other.
fn cycles(graph: &Graph) -> BTreeSet<BTreeSet<String>> {
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reachable(graph, m))).collect();
    graph
        .keys()
        .filter(|m| reach[m].contains(*m))
        .map(|m| {
            reach[m]
                .iter()
                .filter(|other| reach[*other].contains(m.as_str()))
                .cloned()
                .collect()
        })
        .collect()
}

#[test]
fn the_module_graph_has_no_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    assert!(graph.contains_key("plan") && graph["bind"].contains("plan"));
    let found: Vec<_> = cycles(&graph)
        .into_iter()
        .map(|cycle| {
            let uses: Vec<_> = cycle
                .iter()
                .map(|m| {
                    (
                        m.clone(),
                        graph[m].intersection(&cycle).cloned().collect::<Vec<_>>(),
                    )
                })
                .collect();
            (cycle, uses)
        })
        .collect();
    assert!(
        found.is_empty(),
        "module cycles (with who uses whom): {found:?}"
    );
}

#[test]
fn a_cycle_is_found() {
    let mut graph = Graph::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        graph.entry(a.into()).or_default().insert(b.into());
        graph.entry(b.into()).or_default();
    }
    let found = cycles(&graph);
    let abc: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    assert_eq!(found, BTreeSet::from([abc]));
    assert_eq!(
        crate_paths(
            "#[cfg(test)]\nmod tests;\nuse crate::plan::X;\nfn f() { crate::eval::g() }\n\
             #[cfg(test)]\nmod tests {\n use crate::exec; }"
        ),
        ["plan", "eval"]
    );
}
