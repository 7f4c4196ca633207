//! One JSON schema for the whole tool: `wsa --json`, `wsa --list --json`, `wsa --errno/--windows
//! --json` and `wsa explain --json` describe a code with the same keys and the same values,
//! each adding only keys of its own, and the README's CLI section lists every key.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use wsa_trace::scan::Platform;
use wsa_trace::WsaCode;

use crate::explain::{forms_log, json_lines, wsa};
use crate::lookup::json;

/// The keys `wsa explain --json` adds to a code's object.
const LINE_KEYS: [&str; 3] = ["line", "text", "file"];
/// The key `--errno` and `--windows` add.
const INPUT_KEY: &str = "input";

/// The object, with the keys of one output (`own`) taken out: what describes the code.
fn code_part(v: &Value, own: &[&str]) -> Map<String, Value> {
    let mut object = v
        .as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .clone();
    for key in own {
        object.remove(*key);
    }
    object
}

/// Every code's object, by symbol, from `wsa --list --json`.
fn listed() -> Vec<Map<String, Value>> {
    json(&["--list", "--json"])
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| code_part(row, &[]))
        .collect()
}

fn listed_object(code: WsaCode) -> Map<String, Value> {
    listed()
        .into_iter()
        .find(|row| row["code"] == code.raw())
        .unwrap_or_else(|| panic!("{code:?} is listed"))
}

#[test]
fn a_single_lookup_and_the_list_give_the_same_object() {
    let rows = listed();
    assert_eq!(rows.len(), WsaCode::all().len());
    for code in [WsaCode::WSAECONNRESET, WsaCode::WSAHOST_NOT_FOUND] {
        let single = code_part(&json(&[&code.raw().to_string(), "--json"]), &[]);
        assert_eq!(single, listed_object(code));
    }
}

#[test]
fn explain_describes_a_code_with_the_lookup_s_keys_and_values() {
    let rows = listed();
    let (path, _) = forms_log();
    let out = wsa(&["explain", "--json", path.to_str().unwrap()], b"");
    let objects = json_lines(&out);
    assert!(!objects.is_empty());
    for v in &objects {
        assert!(v["line"].is_u64() && v["text"].is_string(), "{v}");
        let code = code_part(v, &LINE_KEYS);
        assert!(
            rows.contains(&code),
            "explain's object is no lookup's object with line keys added: {v}"
        );
    }
    // With several files, `file` is the one key more.
    let path = path.to_str().unwrap();
    let two = json_lines(&wsa(&["explain", "--json", path, path], b""));
    assert_eq!(two.len(), 2 * objects.len());
    for (v, one) in two.iter().zip(objects.iter().chain(&objects)) {
        assert_eq!(v["file"], path);
        assert_eq!(code_part(v, &LINE_KEYS), code_part(one, &LINE_KEYS));
    }
}

#[test]
fn a_native_lookup_adds_its_input_to_the_code_s_object() {
    let errno = json(&["--errno", "EPIPE", "--json"]);
    assert!(errno[INPUT_KEY].is_object(), "{errno}");
    assert_eq!(
        code_part(&errno, &[INPUT_KEY]),
        listed_object(WsaCode::WSAESHUTDOWN)
    );
    let windows = json(&["--windows", "64", "--json"]);
    assert_eq!(
        code_part(&windows, &[INPUT_KEY]),
        listed_object(WsaCode::WSAECONNRESET)
    );
}

/// The keys in the first column of the JSON table in the README's section on the `wsa`
/// command.
fn readme_keys() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("The `wsa` command"))
        .expect("the README has a section on the `wsa` command");
    let table = section
        .split("\n\n")
        .find(|block| block.starts_with("| key |"))
        .expect("the section has a table of JSON keys");
    table
        .lines()
        .skip(2)
        .flat_map(|row| {
            let first = row.split('|').nth(1).expect("a table row");
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_readme_lists_every_key() {
    let mut keys: BTreeSet<String> = listed_object(WsaCode::WSAECONNRESET)
        .keys()
        .cloned()
        .collect();
    keys.extend(LINE_KEYS.map(str::to_owned));
    keys.insert(INPUT_KEY.to_owned());
    assert_eq!(readme_keys(), keys);
}

/// `--os` is read by `Platform`'s own parser: its names in any case, and its message for a
/// name it does not know.
#[test]
fn the_platform_flag_takes_platform_s_names_and_message() {
    let input = b"[Errno 61] no answer\n";
    for name in Platform::ALL
        .iter()
        .map(|p| p.as_str().to_uppercase())
        .chain(["bsd".to_owned()])
    {
        let platform: Platform = name.parse().unwrap();
        let out = wsa(&["explain", "--json", "--os", &name], input);
        let found: Vec<Value> = json_lines(&out);
        let want = platform.code(61);
        assert_eq!(found.len(), usize::from(want.is_some()), "--os {name}");
        if let Some(code) = want {
            assert_eq!(found[0]["code"], code.raw(), "--os {name}");
        }
    }
    let out = wsa(&["explain", "--os", "plan9"], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let message = "plan9".parse::<Platform>().unwrap_err().to_string();
    assert!(stderr.contains(&message), "{stderr}");
}
