//! Tests that cannot run their scenario on this machine (no network namespaces, no
//! Prometheus): they say so where it shows, and fail where every scenario must run.

use std::io::Write;

/// Whether every scenario must run: `CI=true` in the environment.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The current test cannot run its scenario, for `reason`; the caller returns after this.
///
/// Under `CI=true` the test fails with the reason. Elsewhere `SKIPPED <test>: <reason>`
/// goes straight to the process's stderr, which the test runner's output capture does not
/// hide (it captures the `print!` macros only), so the line shows next to the test's `ok`.
#[track_caller]
pub fn skip_or_fail(reason: &str) {
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    if required() {
        panic!("{test} cannot run its scenario here, and CI=true requires it: {reason}");
    }
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {reason}");
}
