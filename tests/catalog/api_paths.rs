//! The crate docs' rule on where an item lives ("Where an item lives" in `src/lib.rs`): the
//! root re-exports exactly the entry points of the stage table, each from the module its row
//! names, and no module re-exports another module's item; and, as a user's crate sees it,
//! each entry point is the same type at the root and in its stage's module.

use std::any::type_name;
use std::collections::BTreeMap;
use std::path::Path;

/// The crate docs, whose stage table the rule is stated against.
const LIB: &str = include_str!("../../src/lib.rs");

/// The library's own reader of the docs tables.
#[path = "../../src/doc_tables.rs"]
mod doc_tables;

/// The body rows of the stage table in the crate docs, each as its trimmed cells.
fn stage_rows() -> Vec<Vec<String>> {
    doc_tables::rows(LIB, "The data flows one way")
}

/// A cell's names: `[`WsaCode`]`, `[`default_class()`]`, `[`classify`](mod@classify)` and
/// `` `io` `` all give the bare name.
fn names(cell: &str) -> Vec<String> {
    cell.split(", ")
        .map(|name| {
            let name = name.split("](").next().unwrap();
            let name = name.trim_matches(|c| c == '[' || c == ']' || c == '`');
            name.trim_end_matches("()").to_owned()
        })
        .collect()
}

/// Each entry point of the stage table, with the names of its row's stage cell.
fn table() -> BTreeMap<String, Vec<String>> {
    let mut entries = BTreeMap::new();
    for row in stage_rows() {
        let stages = names(&row[0]);
        for entry in names(&row[2]) {
            let previous = entries.insert(entry.clone(), stages.clone());
            assert!(previous.is_none(), "{entry} stands in two rows");
        }
    }
    entries
}

/// Each name the root re-exports from this crate's modules (`pub use` at the start of a line
/// of `lib.rs`), with the module it comes from.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut reexports = BTreeMap::new();
    for line in lib.lines() {
        let Some(path) = line.strip_prefix("pub use ") else {
            continue;
        };
        let path = path.trim_end_matches(';');
        let (module, rest) = path.split_once("::").expect(line);
        let items = rest.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(", ") {
            let previous = reexports.insert(item.to_owned(), module.to_owned());
            assert!(previous.is_none(), "{item} is re-exported twice");
        }
    }
    reexports
}

#[test]
fn the_root_reexports_the_entry_points_of_the_stage_table_and_nothing_else() {
    let table = table();
    let root = root_reexports(LIB);
    assert!(table.len() >= 10, "the table was not read: {table:?}");
    for (item, module) in &root {
        let stages = table
            .get(item)
            .unwrap_or_else(|| panic!("{item} is at the root but not an entry point of the table"));
        assert!(
            stages.contains(module),
            "{item} is re-exported from `{module}`, not from its row's module ({stages:?})"
        );
    }
    for item in table.keys() {
        assert!(
            root.contains_key(item),
            "{item} is in the table but not at the root"
        );
    }
}

#[test]
fn a_root_reexport_of_plumbing_breaks_the_rule() {
    // The check itself, on a root that re-exports an item the table does not name, and one
    // that re-exports an entry point from a module its row does not name.
    let plumbing = root_reexports("pub use code::{WsaCode, UNKNOWN_LABEL};\n");
    let table = table();
    assert!(plumbing.keys().any(|item| !table.contains_key(item)));
    let elsewhere = root_reexports("pub use classify::Category;\n");
    assert!(!table["Category"].contains(&elsewhere["Category"]));
}

/// `pub use crate::` in a module: the item of another module, given a second path.
#[test]
fn no_module_reexports_another_modules_item() {
    let mut found = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("src/lib.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|l| l.starts_with("pub use crate::")) {
                let file = path.strip_prefix(&src).unwrap().display().to_string();
                found.push(format!("{file}: {line}"));
            }
        }
    }
    found.sort();
    assert_eq!(found, Vec::<String>::new());
}

/// `root` and `home` name one type, defined under the `wsa_trace::<module>` module.
fn same_type<Root: ?Sized, Home: ?Sized>(module: &str) {
    let (root, home) = (type_name::<Root>(), type_name::<Home>());
    let root = root.trim_start_matches("dyn ");
    assert_eq!(
        root,
        home.trim_start_matches("dyn "),
        "the root's item is not the module's"
    );
    let prefix = format!("wsa_trace::{module}::");
    assert!(
        root.starts_with(&prefix),
        "{root} is not defined in {prefix}"
    );
}

#[test]
fn each_entry_point_is_the_item_of_its_stage_module() {
    same_type::<wsa_trace::WsaCode, wsa_trace::code::WsaCode>("code");
    same_type::<wsa_trace::Category, wsa_trace::code::Category>("code");
    same_type::<wsa_trace::Retry, wsa_trace::code::Retry>("code");
    same_type::<wsa_trace::Mapping, wsa_trace::map::Mapping>("map");
    same_type::<wsa_trace::Classification, wsa_trace::classify::Classification>("classify");
    same_type::<dyn wsa_trace::Classify, dyn wsa_trace::classify::Classify>("classify");
    same_type::<wsa_trace::DefaultClassifier, wsa_trace::classify::DefaultClassifier>("classify");
    same_type::<wsa_trace::Op, wsa_trace::classify::Op>("classify");
    same_type::<wsa_trace::Observer, wsa_trace::observe::Observer>("observe");
    same_type::<wsa_trace::Peer, wsa_trace::observe::Peer>("observe");
    same_type::<wsa_trace::Scanner, wsa_trace::scan::Scanner>("scan");
    let class: fn(Option<wsa_trace::WsaCode>, wsa_trace::Op) -> wsa_trace::Classification =
        wsa_trace::default_class;
    let home: fn(Option<wsa_trace::WsaCode>, wsa_trace::Op) -> wsa_trace::Classification =
        wsa_trace::classify::default_class;
    let reset = Some(wsa_trace::WsaCode::WSAECONNRESET);
    for &op in wsa_trace::Op::ALL {
        assert_eq!(class(reset, op), home(reset, op));
    }
    #[cfg(feature = "tokio")]
    same_type::<wsa_trace::TraceStream<()>, wsa_trace::TraceStream<()>>("io");
    #[cfg(feature = "tower")]
    same_type::<wsa_trace::TraceConnectLayer, wsa_trace::connect::TraceConnectLayer>("connect");
    #[cfg(feature = "retry")]
    same_type::<wsa_trace::RetryPolicy, wsa_trace::retry::RetryPolicy>("retry");
    #[cfg(feature = "net")]
    {
        type Listener = tokio::net::TcpListener;
        same_type::<wsa_trace::GuardedListener<Listener>, wsa_trace::net::GuardedListener<Listener>>(
            "net",
        );
        same_type::<wsa_trace::TraceUdpSocket, wsa_trace::net::TraceUdpSocket>("net");
    }
    #[cfg(feature = "layer")]
    {
        same_type::<wsa_trace::WsaLayer, wsa_trace::layer::WsaLayer>("layer");
        same_type::<wsa_trace::Explain<()>, wsa_trace::layer::Explain<()>>("layer");
    }
}

/// What is not an entry point has its module's path only: these are the rule's examples.
#[test]
fn plumbing_is_in_its_module() {
    same_type::<wsa_trace::code::Family, wsa_trace::code::Family>("code");
    same_type::<wsa_trace::map::Via, wsa_trace::map::Via>("map");
    assert_eq!(wsa_trace::code::UNKNOWN_LABEL, "UNKNOWN");
    #[cfg(feature = "retry")]
    assert_eq!(wsa_trace::retry::Outcome::Retry.as_str(), "retry");
    #[cfg(feature = "tower")]
    same_type::<wsa_trace::connect::TraceConnect<()>, wsa_trace::connect::TraceConnect<()>>(
        "connect",
    );
}
