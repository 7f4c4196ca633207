//! The bound on metrics prefixes and what each costs, through the public API, in a child
//! process: the bound is the process's, and no other test may spend it.

use crate::support;

use std::io;
use std::time::Duration;

use wsa_trace::metrics::MAX_PREFIXES;
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::Op;

use support::counting::allocated;

/// Set in the environment of the child process that runs [`prefixes_child`].
const CHILD_ENV: &str = "WSA_TRACE_PREFIXES_CHILD";
/// The marker line the child prints.
const MARKER: &str = "PREFIXES";
/// New prefixes asked for past the bound.
const REFUSED: usize = 10_000;
/// What the docs of `MAX_PREFIXES` say a prefix costs when first used (about 1.5 KB), and its
/// error counter once it counts (about 130 KB), with a margin.
const FIRST_USE_BYTES: usize = 2_048;
const ERRORS_FAMILY_BYTES: usize = 140 * 1024;

#[test]
fn prefixes_are_bounded_and_cost_what_the_docs_say() {
    let out = support::run_ignored_child(
        module_path!(),
        "prefixes_child",
        CHILD_ENV,
        Duration::from_secs(60),
    );
    let made = format!("made={MAX_PREFIXES} ");
    assert!(out.marker_line(MARKER).contains(&made), "{out}");
}

/// Run by [`prefixes_are_bounded_and_cost_what_the_docs_say`] in a child process. Does
/// nothing elsewhere.
#[test]
#[ignore = "run in a child process by prefixes_are_bounded_and_cost_what_the_docs_say"]
fn prefixes_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    // The process's first observer builds what every observer shares.
    drop(Observer::new());

    // Up to the bound, each new prefix costs about 1.5 KB.
    let names: Vec<String> = (0..MAX_PREFIXES).map(|i| format!("bounded_{i}")).collect();
    let mut first_use = 0;
    for name in &names {
        let ((_, bytes), made) = allocated(|| Observer::new().metrics_prefix(name));
        made.unwrap_or_else(|e| panic!("{name}: {e}"));
        first_use = first_use.max(bytes);
    }
    assert!(first_use <= FIRST_USE_BYTES, "{first_use} bytes");

    // Past it, a new prefix is refused with an error that says why, and nothing is kept:
    // all a refusal asks for is the error's copy of the name.
    let refused: Vec<String> = (0..REFUSED).map(|i| format!("refused_{i:05}")).collect();
    let mut refusal = 0;
    for name in &refused {
        let ((_, bytes), result) = allocated(|| Observer::new().metrics_prefix(name));
        let err = result.expect_err("a prefix past the bound");
        assert_eq!(err.prefix(), name);
        let why = format!("already uses {MAX_PREFIXES} prefixes");
        assert!(err.to_string().contains(&why), "{err}");
        refusal = refusal.max(bytes);
    }
    assert!(refusal <= refused[0].len(), "{refusal} bytes");

    // The prefixes in use, and the default, are given again.
    for name in names.iter().map(String::as_str).chain(["wsa"]) {
        let observer = Observer::new().metrics_prefix(name).expect(name);
        assert_eq!(
            observer.counter_name(),
            format!("{name}_socket_errors_total")
        );
    }

    // A prefix's error counter, the first time it counts: one cell per label set.
    let observer = Observer::new().metrics_prefix(&names[0]).unwrap();
    let err = io::Error::from(io::ErrorKind::ConnectionReset);
    let ((_, errors_family), _) =
        allocated(|| observer.observe_io(&err, Op::Read, &Peer::unknown()));
    assert!(
        (ERRORS_FAMILY_BYTES / 2..=ERRORS_FAMILY_BYTES).contains(&errors_family),
        "{errors_family} bytes"
    );

    println!(
        "{MARKER} made={MAX_PREFIXES} first_use_bytes={first_use} refused={REFUSED} \
         refusal_bytes={refusal} errors_family_bytes={errors_family}"
    );
}
