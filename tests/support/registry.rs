//! Where a dependency's source sits in the local cargo registry, found through
//! `cargo metadata` for the host's dependencies only: those are the ones the build of the test
//! has fetched, so `--offline` works with a cache that holds nothing else (a fresh
//! `CARGO_HOME`).
#![allow(dead_code)]

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of the one package `name` of the crate's resolved dependencies whose version
/// starts with `version`.
pub fn package_dir(name: &str, version: &str) -> PathBuf {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &host_triple(&cargo)])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let manifests: Vec<&str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p["name"] == name)
        .filter(|p| {
            p["version"]
                .as_str()
                .is_some_and(|v| v.starts_with(version))
        })
        .map(|p| p["manifest_path"].as_str().expect("manifest_path"))
        .collect();
    let [manifest] = manifests[..] else {
        panic!("expected one {name} {version} package, found {manifests:?}");
    };
    Path::new(manifest)
        .parent()
        .expect("a manifest's folder")
        .to_owned()
}

/// The host's target triple, from the `rustc` beside the `cargo` that runs the tests.
fn host_triple(cargo: &str) -> String {
    let beside = Path::new(cargo).with_file_name("rustc");
    let rustc = if beside.exists() {
        beside.into_os_string()
    } else {
        "rustc".into()
    };
    let out = Command::new(rustc)
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("host: "))
        .unwrap_or_else(|| panic!("rustc -vV names no host: {text}"))
        .to_owned()
}
