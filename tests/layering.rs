//! The data flows one way: each top-level module of the library imports only modules listed
//! before it in [`ORDER`], never its own dependants, and within a module no two files import
//! each other. Internal code names items by their module (`crate::code::WsaCode`), not by the
//! root re-exports (`crate::WsaCode`), so that the paths show the layering.
//!
//! A source check rather than a compiler one: it reads `src/` and looks at `crate::` and
//! `super::` paths outside comments.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest first. A module may import any module before it.
/// `doc_tables`, the tests' reader of the docs tables, comes first.
const ORDER: &[&str] = &[
    "doc_tables",
    "code",
    "map",
    "scan",
    "classify",
    "metrics",
    "observe",
    "yield_once",
    "io",
    "connect",
    "net",
    "retry",
    "layer",
];

/// Root items that are not re-exports: the private support of the exported macros (the
/// field list's macro is exported, so it lives at the root).
const ROOT_ITEMS: &[&str] = &["__private", "__wsa_fields"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The file's code, without comments (line comments, doc comments and doc attributes).
fn code_lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            // A comment, or the text of a doc attribute (`#![cfg_attr(.., doc = "..")]`),
            // is documentation: its links are not imports.
            let end = [line.find("//"), line.find("doc = \"")]
                .into_iter()
                .flatten()
                .min();
            line[..end.unwrap_or(line.len())].to_string()
        })
        .collect()
}

/// The first path segment after each occurrence of `prefix` (`crate::`, `super::`), with the
/// segments of a brace group (`super::{a, b::c}` gives `a` and `b`).
fn segments_after(line: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(prefix) {
        let before = &rest[..at];
        rest = &rest[at + prefix.len()..];
        // `$crate::` in macros and `foo_crate::` are other paths.
        if before.ends_with('$') || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

/// The top-level module a file belongs to: `src/code/table.rs` and `src/io.rs` give `code`
/// and `io`; `None` for `lib.rs` and the binaries.
fn module_of(path: &Path) -> Option<String> {
    let relative = path.strip_prefix(src()).unwrap();
    let first = relative
        .components()
        .next()?
        .as_os_str()
        .to_str()?
        .to_string();
    match first.strip_suffix(".rs") {
        Some("lib") => None,
        Some(stem) => Some(stem.to_string()),
        None if first == "bin" => None,
        None => Some(first),
    }
}

#[test]
fn modules_import_only_lower_modules() {
    let mut problems = Vec::new();
    for path in rust_files(&src()) {
        let Some(module) = module_of(&path) else {
            continue;
        };
        let Some(rank) = ORDER.iter().position(|m| *m == module) else {
            problems.push(format!(
                "{}: module `{module}` is not in ORDER; add it where it belongs",
                path.display()
            ));
            continue;
        };
        for (n, line) in code_lines(&path).iter().enumerate() {
            for target in segments_after(line, "crate::") {
                let place = format!("{}:{}", path.display(), n + 1);
                if ROOT_ITEMS.contains(&target.as_str()) {
                    continue;
                }
                match ORDER.iter().position(|m| *m == target) {
                    Some(r) if r > rank => problems.push(format!(
                        "{place}: `{module}` imports `{target}`, which comes after it"
                    )),
                    Some(_) => {}
                    None => problems.push(format!(
                        "{place}: `crate::{target}` is a root re-export or an unknown module; \
                         name the item by its module"
                    )),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Finds a cycle in a graph of file stems, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(found) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(found);
        }
    }
    None
}

#[test]
fn files_of_a_module_do_not_import_each_other_in_a_cycle() {
    let mut problems = Vec::new();
    for module in ORDER {
        let dir = src().join(module);
        if !dir.is_dir() {
            continue;
        }
        let files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        let stems: BTreeSet<String> = files
            .iter()
            .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
            .filter(|s| s != "mod")
            .collect();
        let mut graph = BTreeMap::new();
        for path in &files {
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            if stem == "mod" {
                continue;
            }
            let edges: BTreeSet<String> = code_lines(path)
                .iter()
                .flat_map(|line| segments_after(line, "super::"))
                .filter(|s| stems.contains(s) && *s != stem)
                .collect();
            graph.insert(stem, edges);
        }
        if let Some(found) = cycle(&graph) {
            problems.push(format!("src/{module}: {}", found.join(" -> ")));
        }
    }
    assert!(
        problems.is_empty(),
        "import cycles:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert_eq!(
        segments_after("use crate::{code::WsaCode, map};", "crate::"),
        ["code", "map"]
    );
    assert_eq!(
        segments_after("$crate::__private::tracing", "crate::"),
        Vec::<String>::new()
    );
    assert_eq!(
        segments_after("x(super::report::run(a))", "super::"),
        ["report"]
    );
    let graph = BTreeMap::from([
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "a"]);
    assert!(cycle(&BTreeMap::from([("a".to_string(), BTreeSet::new())])).is_none());
}
