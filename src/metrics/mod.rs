//! Counters through the `metrics` facade.
//!
//! One table in the source declares every family (its name, labels, description and number
//! of label sets); the handles, their registration and this list come from it.
//!
//! | counter | labels | counts |
//! |---|---|---|
//! | `<prefix>_socket_errors_total` | `code`, `category`, `op` | every observed error |
//! | `<prefix>_retries_total` | `code`, `op`, `outcome` | every retry decision of a [`RetryPolicy`] |
//! | `<prefix>_accept_backoffs_total` | `code` | every pause of a [`GuardedListener`] |
//! | `<prefix>_suppressed_events_total` | `code` | tracing events dropped by the rate limit (the errors are still counted) |
//! | `<prefix>_logged_socket_errors_total` | `code`, `category`, `op`, `source` | every socket error found in another library's log event by a [`WsaLayer`], by the crate that logged it |
//!
//! [`RetryPolicy`]: crate::retry::RetryPolicy
//! [`GuardedListener`]: crate::net::GuardedListener
//! [`WsaLayer`]: crate::layer::WsaLayer
//!
//! The prefix is `wsa` unless configured. `code` is the symbol, or `UNKNOWN` for every code
//! outside the catalog; every other label comes from a closed set too, so no peer can grow the
//! label set: each counter has at most (catalog codes + 1) x (values of its other labels)
//! series. `source` is the first segment of a log event's target, a name fixed at compile
//! time: there are at most as many as there are crates in the program, each with its own
//! handles, created the first time it logs a socket error.
//!
//! Each handle is registered with the recorder the first time its label set is counted and
//! kept; after that, counting is one atomic add: no key is built, no label hashed, nothing
//! allocated. The handles belong to the process, one table per prefix, so creating or
//! cloning an [`Observer`](crate::Observer) costs nothing. The tables are never freed: a
//! process keeps at most [`MAX_PREFIXES`] prefixes besides the default, and refuses new ones
//! past that (what each costs is there).
//!
//! A handle remembers the recorder it was registered with, and is registered again when a
//! different recorder is in effect: a recorder installed after the first errors still gets
//! every later count. Counts made before it was installed are lost, so install it first.
//!
//! Recorders are told apart by their address. The global one never moves; a local recorder
//! (`metrics::with_local_recorder`) created where a dropped one used to be would be taken for
//! it, so keep local recorders alive for the life of the process (tests can leak them).
//!
//! # Getting the counters out
//!
//! With `metrics-exporter-prometheus`, in four lines:
//!
//! ```
//! use metrics_exporter_prometheus::PrometheusBuilder;
//!
//! let prometheus = PrometheusBuilder::new().install_recorder()?; // first, before any socket
//! // ... sockets fail, observers count ...
//! let text = prometheus.render(); // the body of your /metrics response
//! # let _ = text;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod by_source;
mod family;
mod prefix;
mod table;

pub use prefix::{InvalidPrefix, MAX_PREFIXES};

#[cfg(any(feature = "retry", feature = "layer"))]
pub(crate) use family::code_label;
#[cfg(feature = "layer")]
pub(crate) use family::Family;
#[cfg(feature = "layer")]
pub(crate) use table::error_slot;
pub(crate) use table::Counters;

/// The default name prefix.
pub const DEFAULT_PREFIX: &str = "wsa";

/// What the error counter's name is after the prefix.
pub const ERRORS_SUFFIX: &str = table::FAMILIES[0].suffix;

/// What the logged-error counter's name is after the prefix.
#[cfg(feature = "layer")]
pub(crate) const LOGGED_SUFFIX: &str = table::FAMILIES[4].suffix;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Category, Op};
    use crate::code::{slot as code_slot, slots as code_slots, Entry, WsaCode};

    #[test]
    fn op_discriminants_index_op_all() {
        for (i, op) in Op::ALL.iter().copied().enumerate() {
            assert_eq!(op as usize, i, "{op:?}");
        }
    }

    #[test]
    fn category_discriminants_index_category_all() {
        for (i, category) in Category::ALL.iter().copied().enumerate() {
            assert_eq!(category as usize, i, "{category:?}");
        }
    }

    #[test]
    fn every_code_op_and_category_has_its_own_error_slot() {
        let mut seen = std::collections::HashSet::new();
        let codes = WsaCode::all().map(Entry::of).chain([None]);
        for code in codes {
            for &op in Op::ALL {
                for &category in Category::ALL {
                    let slot = table::error_slot(code, op, category);
                    assert!(slot < table::error_slots(), "{code:?} {op:?}");
                    assert!(seen.insert(slot), "{code:?} {op:?} {category:?}");
                }
            }
        }
    }

    #[test]
    fn every_code_has_its_own_slot() {
        let mut seen = std::collections::HashSet::new();
        for code in WsaCode::all() {
            assert!(seen.insert(code_slot(Entry::of(code))), "{code:?}");
        }
        assert!(seen.insert(code_slot(None)));
        assert_eq!(
            code_slot(Entry::of(WsaCode::from_raw(12345))),
            code_slot(None)
        );
        assert_eq!(seen.len(), code_slots());
        assert_eq!(Counters::of("t").unwrap().name(), "t_socket_errors_total");
    }

    fn labels_cell(labels: &[&str]) -> String {
        labels
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn the_docs_tables_are_the_table() {
        let module: Vec<Vec<String>> = table::FAMILIES
            .iter()
            .map(|f| {
                vec![
                    format!("`<prefix>{}`", f.suffix),
                    labels_cell(f.labels),
                    f.counts.to_owned(),
                ]
            })
            .collect();
        assert_eq!(
            crate::doc_tables::rows(include_str!("mod.rs"), "//! | counter"),
            module
        );
        let readme: Vec<Vec<String>> = table::FAMILIES
            .iter()
            .map(|f| {
                vec![
                    format!("`{DEFAULT_PREFIX}{}`", f.suffix),
                    labels_cell(f.labels),
                ]
            })
            .collect();
        assert_eq!(
            crate::doc_tables::rows(include_str!("../../README.md"), "## Metrics"),
            readme
        );
    }

    #[test]
    fn every_family_in_the_table_is_counted_named_and_described_as_declared() {
        use metrics_util::debugging::DebuggingRecorder;
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        metrics::with_local_recorder(&recorder, || {
            let counters = Counters::of("every").unwrap();
            let code = crate::code::Entry::of(WsaCode::WSAEMFILE);
            counters.error(code, Op::Accept, Category::Transient);
            counters.suppressed(code);
            counters.accept_backoff(code);
            // Label keys come from the table, whatever the values: any will do here.
            counters
                .retries
                .increment(0, || [family::code_label(code), "accept", "retry"]);
            let source = counters.logged.source("axum");
            assert_eq!(source.name(), counters.logged.name());
            source.increment(0, || {
                [family::code_label(code), "transient", "accept", "axum"]
            });
        });
        let mut seen: Vec<(String, Vec<String>, String)> = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, help, _)| {
                (
                    key.key().name().to_owned(),
                    key.key().labels().map(|l| l.key().to_owned()).collect(),
                    help.map(|h| h.to_string()).unwrap_or_default(),
                )
            })
            .collect();
        seen.sort();
        let mut declared: Vec<(String, Vec<String>, String)> = table::FAMILIES
            .iter()
            .filter(|f| cfg!(feature = "retry") || f.suffix != "_retries_total")
            .map(|f| {
                (
                    format!("every{}", f.suffix),
                    f.labels.iter().map(|l| (*l).to_owned()).collect(),
                    f.help.to_owned(),
                )
            })
            .collect();
        declared.sort();
        assert_eq!(seen, declared);
    }

    /// Every counter goes through a family of the table: nothing else in the crate registers,
    /// describes or counts one.
    #[test]
    fn only_the_table_makes_counters() {
        fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("metrics/family.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for needle in [
                        concat!("counter", "!("),
                        concat!("register", "_counter"),
                        concat!("describe", "_counter"),
                    ] {
                        if text.contains(needle) {
                            found.push(format!("{}: {needle}", path.display()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        visit(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert_eq!(found, Vec::<String>::new());
    }

    fn rows(snapshotter: &metrics_util::debugging::Snapshotter) -> Vec<(String, String, String)> {
        let mut rows: Vec<_> = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, _, value)| {
                let labels: Vec<String> = key
                    .key()
                    .labels()
                    .map(|l| format!("{}={}", l.key(), l.value()))
                    .collect();
                (
                    key.key().name().to_owned(),
                    labels.join(","),
                    format!("{value:?}"),
                )
            })
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn labels_registered_once_with_the_recorder() {
        use metrics_util::debugging::DebuggingRecorder;
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        metrics::with_local_recorder(&recorder, || {
            let counters = Counters::of("unit").unwrap();
            for _ in 0..5 {
                counters.error(
                    Entry::of(WsaCode::WSAECONNRESET),
                    Op::Read,
                    Category::Transient,
                );
            }
            counters.error(
                Entry::of(WsaCode::from_raw(4242)),
                Op::Read,
                Category::Fatal,
            );
        });
        assert_eq!(
            rows(&snapshotter),
            vec![
                (
                    "unit_socket_errors_total".to_owned(),
                    "code=UNKNOWN,category=fatal,op=read".to_owned(),
                    "Counter(1)".to_owned()
                ),
                (
                    "unit_socket_errors_total".to_owned(),
                    "code=WSAECONNRESET,category=transient,op=read".to_owned(),
                    "Counter(5)".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_second_recorder_gets_its_own_handles() {
        use metrics_util::debugging::DebuggingRecorder;
        let code = Entry::of(WsaCode::WSAETIMEDOUT);
        let count = |recorder: &DebuggingRecorder, n| {
            metrics::with_local_recorder(recorder, || {
                for _ in 0..n {
                    Counters::of("switch")
                        .unwrap()
                        .error(code, Op::Write, Category::Transient);
                }
            })
        };
        let (first, second) = (DebuggingRecorder::new(), DebuggingRecorder::new());
        count(&first, 2);
        count(&second, 3);
        count(&first, 1);
        let value = |r: &DebuggingRecorder| rows(&r.snapshotter())[0].2.clone();
        assert_eq!(value(&first), "Counter(3)");
        assert_eq!(value(&second), "Counter(3)");
    }
}
