//! The crate's `rust-version` holds for the committed lock file: no locked dependency that a
//! user of the crate builds (normal and build dependencies, any feature, transitively)
//! declares a higher `rust-version` than the crate itself; and the lock file and the manifest
//! hold `tracing-subscriber` to a version with the fix for RUSTSEC-2025-0055.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// `1.85` or `1.85.0` as comparable numbers; a missing part counts as 0.
fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| {
        p.parse::<u64>()
            .unwrap_or_else(|_| panic!("rust-version {text:?} is not a version"))
    });
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

#[test]
#[cfg_attr(
    windows,
    ignore = "runs the cargo that built the tests, a host program: the Windows test binaries run under Wine, where it cannot start"
)]
fn no_locked_dependency_needs_a_newer_rust_than_the_crate_declares() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let package = |id: &str| {
        packages
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("no package {id}"))
    };
    let nodes = meta["resolve"]["nodes"].as_array().expect("resolve.nodes");
    let root = meta["resolve"]["root"].as_str().expect("a root package");
    let ours = package(root)["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version");

    // Walk the normal and build edges from the crate; dev-only edges are not a user's concern.
    let mut reached = BTreeSet::new();
    let mut todo = vec![root.to_owned()];
    while let Some(id) = todo.pop() {
        let node = nodes.iter().find(|n| n["id"] == id.as_str()).expect("node");
        for dep in node["deps"].as_array().expect("deps") {
            let used = dep["dep_kinds"]
                .as_array()
                .expect("dep_kinds")
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            let dep_id = dep["pkg"].as_str().expect("pkg").to_owned();
            if used && reached.insert(dep_id.clone()) {
                todo.push(dep_id);
            }
        }
    }

    let too_new: Vec<String> = reached
        .iter()
        .map(|id| package(id))
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (version(needs) > version(ours)).then(|| {
                format!(
                    "{} {} needs {needs}",
                    p["name"].as_str().unwrap_or("?"),
                    p["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "rust-version = {ours:?}, but the lock file holds:\n{}",
        too_new.join("\n")
    );
}

/// The first `tracing-subscriber` with the fix for RUSTSEC-2025-0055 (ANSI escape sequences in
/// logged values reached the terminal). `layer::Explain` relies on the inner formatter to
/// escape them, so neither the manifest nor the lock file may admit an earlier one.
const TRACING_SUBSCRIBER_FIXED: &str = "0.3.20";

#[test]
fn tracing_subscriber_has_the_ansi_escape_fix() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).expect("Cargo.lock");
    let locked: Vec<&str> = lock
        .split("[[package]]")
        .filter(|p| p.lines().any(|l| l == "name = \"tracing-subscriber\""))
        .filter_map(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"'))
        .collect();
    assert!(!locked.is_empty(), "no tracing-subscriber in Cargo.lock");
    for v in &locked {
        assert!(
            version(v) >= version(TRACING_SUBSCRIBER_FIXED),
            "Cargo.lock holds tracing-subscriber {v}, before {TRACING_SUBSCRIBER_FIXED}"
        );
    }
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).expect("Cargo.toml");
    let required: Vec<&str> = manifest
        .lines()
        .filter(|l| l.starts_with("tracing-subscriber ="))
        .map(|l| {
            let (_, rest) = l.split_once("version = \"").expect("a version requirement");
            rest.split('"').next().unwrap_or_default()
        })
        .collect();
    assert_eq!(required.len(), 2, "the dependency and the dev-dependency");
    for r in required {
        assert!(
            version(r) >= version(TRACING_SUBSCRIBER_FIXED),
            "Cargo.toml admits tracing-subscriber {r}, before {TRACING_SUBSCRIBER_FIXED}"
        );
    }
}
