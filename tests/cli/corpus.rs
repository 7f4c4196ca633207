//! `wsa explain` over real log lines that users pasted into public issues (`corpus.tsv`, each
//! with its source): every socket error is explained as the code it is, every other line
//! stays silent, and the README states the counts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// What a corpus line must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect<'a> {
    /// Explained as this symbol.
    Explained(&'a str),
    /// A socket error with no number in a translation that is not Windows' own wording:
    /// left unexplained.
    Unexplained(&'a str),
    /// No socket error: silent.
    Silent,
}

struct Row<'a> {
    expect: Expect<'a>,
    os: &'a str,
    source: &'a str,
    line: &'a str,
}

const CORPUS: &str = include_str!("corpus.tsv");

fn corpus() -> Vec<Row<'static>> {
    CORPUS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut cols = l.splitn(4, '\t');
            let mut next = || cols.next().unwrap_or_else(|| panic!("4 columns: {l}"));
            let (expect, os, source, line) = (next(), next(), next(), next());
            let expect = match expect {
                "-" => Expect::Silent,
                e => match e.strip_prefix('~') {
                    Some(symbol) => Expect::Unexplained(symbol),
                    None => Expect::Explained(e),
                },
            };
            Row {
                expect,
                os,
                source,
                line,
            }
        })
        .collect()
}

/// The symbol `wsa explain --json --os OS` gives each line of `lines`, by line number.
fn explain(os: &str, lines: &[&str]) -> BTreeMap<u64, String> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_corpus");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{os}.log"));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wsa"))
        .args(["explain", "--json", "--os", os])
        .arg(&path)
        .output()
        .expect("the wsa binary runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            let symbol = v["name"].as_str().unwrap().to_owned();
            (v["line"].as_u64().unwrap(), symbol)
        })
        .collect()
}

#[test]
fn every_corpus_line_reads_as_expected() {
    let rows = corpus();
    let mut wrong = Vec::new();
    for os in ["linux", "macos", "windows"] {
        let of_os: Vec<&Row> = rows.iter().filter(|r| r.os == os).collect();
        let lines: Vec<&str> = of_os.iter().map(|r| r.line).collect();
        let found = explain(os, &lines);
        for (i, row) in of_os.iter().enumerate() {
            let got = found.get(&(i as u64 + 1)).map(String::as_str);
            let want = match row.expect {
                Expect::Explained(symbol) => Some(symbol),
                Expect::Unexplained(_) | Expect::Silent => None,
            };
            if got != want {
                wrong.push(format!(
                    "{os}: {:?} gave {got:?}, expected {:?} ({})",
                    row.line, row.expect, row.source
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_row_has_a_source_a_platform_and_a_known_symbol() {
    for row in corpus() {
        assert!(row.source.starts_with("https://"), "{}", row.line);
        assert!(
            ["linux", "macos", "windows"].contains(&row.os),
            "{}",
            row.line
        );
        if let Expect::Explained(s) | Expect::Unexplained(s) = row.expect {
            assert!(wsa_trace::WsaCode::from_name(s).is_some(), "{s}");
        }
    }
}

/// The README's sentence about the corpus, from the corpus itself.
fn counts_sentence() -> String {
    let rows = corpus();
    let count = |f: fn(&Expect) -> bool| rows.iter().filter(|r| f(&r.expect)).count();
    let explained = count(|e| matches!(e, Expect::Explained(_)));
    let unexplained = count(|e| matches!(e, Expect::Unexplained(_)));
    let silent = count(|e| matches!(e, Expect::Silent));
    format!(
        "The corpus holds {} lines: {} with a socket error, {explained} of them explained \
         ({unexplained} are translations with no number that are not Windows' own wording), \
         and {silent} with none, \
         all {silent} silent.",
        rows.len(),
        explained + unexplained,
    )
}

#[test]
fn the_readme_states_the_corpus_counts() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let want = counts_sentence();
    assert!(flat.contains(&want), "the README should say:\n{want}");
}
