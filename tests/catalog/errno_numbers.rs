//! The Linux and macOS numbers the scanner reads bare errnos with (`--os linux`, `--os macos`)
//! against the `libc` crate's own source for those targets, read from the registry whatever
//! the host: a wrong number in the errno table fails here on Linux as on macOS. The BSDs,
//! read with macOS's numbers, are held to what `Platform::MacOs`'s docs say of them.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use wsa_trace::scan::{scan, Form, Platform};
use wsa_trace::WsaCode;

use crate::registry::package_dir;

/// libc's source files that define the errnos of a target: glibc on x86-64 for Linux (the
/// numbering every Linux port but Alpha, MIPS, PA-RISC and SPARC shares), Apple's for macOS.
const SOURCES: &[(Platform, &[&str])] = &[
    (
        Platform::Linux,
        &[
            "src/unix/linux_like/linux_l4re_shared.rs",
            "src/unix/linux_like/linux/gnu/mod.rs",
            "src/unix/linux_like/linux/gnu/b64/x86_64/mod.rs",
        ],
    ),
    (Platform::MacOs, &["src/unix/bsd/apple/mod.rs"]),
];

/// libc's source files that define the errnos of each BSD, which the scanner reads with
/// macOS's numbers (`--os macos`, `--os bsd`).
const BSDS: &[(&str, &[&str])] = &[
    (
        "freebsd",
        &[
            "src/unix/bsd/freebsdlike/mod.rs",
            "src/unix/bsd/freebsdlike/freebsd/mod.rs",
        ],
    ),
    (
        "dragonfly",
        &[
            "src/unix/bsd/freebsdlike/mod.rs",
            "src/unix/bsd/freebsdlike/dragonfly/mod.rs",
        ],
    ),
    (
        "netbsd",
        &[
            "src/unix/bsd/netbsdlike/mod.rs",
            "src/unix/bsd/netbsdlike/netbsd/mod.rs",
        ],
    ),
    (
        "openbsd",
        &[
            "src/unix/bsd/netbsdlike/mod.rs",
            "src/unix/bsd/netbsdlike/openbsd/mod.rs",
        ],
    ),
];

/// The errnos each BSD numbers otherwise than macOS, as `Platform::MacOs`'s docs say: read
/// with macOS's numbers, they are nothing.
const NOT_MACOS_NUMBERS: &[(&str, &[&str])] = &[
    ("freebsd", &["ECANCELED", "EPROTO"]),
    ("dragonfly", &["ECANCELED", "EPROTO"]),
    ("netbsd", &["ECANCELED", "ENOTSUP", "EPROTO"]),
    ("openbsd", &["ECANCELED", "ENOTSUP", "EPROTO"]),
];

/// Every `pub const E...: c_int = ...;` of `files`, by name, an alias (`EWOULDBLOCK = EAGAIN`)
/// taking its target's value. A name defined twice with two values is left out.
fn errnos(libc: &Path, files: &[&str]) -> BTreeMap<String, i32> {
    let mut values = BTreeMap::new();
    let mut aliases = Vec::new();
    let mut twice = Vec::new();
    for file in files {
        let path = libc.join(file);
        let text =
            fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        for line in text.lines() {
            let Some(rest) = line.trim().strip_prefix("pub const E") else {
                continue;
            };
            let Some((name, value)) = rest.split_once(": c_int = ") else {
                continue;
            };
            let name = format!("E{name}");
            let value = value.split(';').next().unwrap_or_default().trim();
            match value.parse::<i32>() {
                Ok(n) => {
                    if values.insert(name.clone(), n).is_some_and(|old| old != n) {
                        twice.push(name);
                    }
                }
                Err(_) => aliases.push((name, value.to_owned())),
            }
        }
    }
    for (name, target) in aliases {
        if let Some(&n) = values.get(&target) {
            values.entry(name).or_insert(n);
        }
    }
    for name in twice {
        values.remove(&name);
    }
    values
}

/// The code of an errno name standing alone in a log line, when the crate reads it as one.
fn by_name(name: &str) -> Option<WsaCode> {
    scan(&format!("write {name}"), Platform::Linux)
        .filter(|f| f.form() == Form::Berkeley)
        .map(|f| f.code())
}

#[test]
#[cfg_attr(
    windows,
    ignore = "runs the cargo that built the tests, a host program: the Windows test binaries run under Wine, where it cannot start"
)]
fn numbers_are_libcs_for_linux_and_macos() {
    let libc = package_dir("libc", "0.2.");
    for &(platform, files) in SOURCES {
        let libc_errnos = errnos(&libc, files);
        assert!(
            libc_errnos.len() > 60,
            "{platform}: few errnos read from {files:?}: {libc_errnos:?}"
        );
        // Each name the crate reads in a log has libc's number on the platform.
        let mut named = 0;
        for (name, &n) in &libc_errnos {
            let Some(code) = by_name(name) else { continue };
            named += 1;
            assert_eq!(
                platform.code(i64::from(n)),
                Some(code),
                "{platform}: libc numbers {name} {n}"
            );
        }
        assert!(named > 40, "{platform}: {named} names read");
        // Each number the crate reads is libc's number of a name read as the same code.
        for n in 1..10_000 {
            let Some(code) = platform.code(n) else {
                continue;
            };
            let names: Vec<_> = libc_errnos
                .iter()
                .filter(|&(_, &v)| i64::from(v) == n)
                .map(|(name, _)| name.as_str())
                .collect();
            assert!(
                names.iter().any(|name| by_name(name) == Some(code)),
                "{platform}: the crate reads {n} as {code}, libc names it {names:?}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "runs the cargo that built the tests, a host program: the Windows test binaries run under Wine, where it cannot start"
)]
fn a_bsds_numbers_read_as_macos_are_its_errors_or_nothing() {
    let libc = package_dir("libc", "0.2.");
    for &(bsd, files) in BSDS {
        let libc_errnos = errnos(&libc, files);
        let (_, differ) = NOT_MACOS_NUMBERS
            .iter()
            .find(|(name, _)| *name == bsd)
            .expect("every BSD is listed");
        let mut unread = Vec::new();
        for (name, &n) in &libc_errnos {
            let Some(code) = by_name(name) else { continue };
            match Platform::MacOs.code(i64::from(n)) {
                Some(read) => assert_eq!(read, code, "{bsd}: {name} is {n}"),
                None => unread.push(name.as_str()),
            }
        }
        assert_eq!(unread, *differ, "{bsd}: the errnos read as nothing");
    }
}
