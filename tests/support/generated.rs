//! Files generated from the code and committed: a test renders one and holds the file on disk
//! to it, or writes it with `WSA_TRACE_BLESS=1`.

use std::{env, fs};

/// Checks that the file at `path` (named `name` in messages) holds `rendered`; with
/// `WSA_TRACE_BLESS=1`, writes it instead (aside, then renamed, so that other tests reading
/// it meanwhile see a whole file). `bless` is the command that regenerates it.
pub fn check_or_bless(path: &str, name: &str, rendered: &str, bless: &str) {
    if env::var_os("WSA_TRACE_BLESS").is_some_and(|v| v == "1") {
        let aside = format!("{path}.blessing");
        fs::write(&aside, rendered).unwrap_or_else(|e| panic!("write {name}.blessing: {e}"));
        fs::rename(&aside, path).unwrap_or_else(|e| panic!("rename onto {name}: {e}"));
        return;
    }
    let on_disk = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {name}: {e}"))
        .replace("\r\n", "\n");
    if on_disk != rendered {
        let line = on_disk
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| on_disk.lines().count().min(rendered.lines().count()));
        panic!(
            "{name} is out of date (first difference on line {}); run `{bless}` and review the diff",
            line + 1
        );
    }
}
