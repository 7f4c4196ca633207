//! Counters through the `metrics` facade.
//!
//! One table in the source declares every family (its name, its labels and the types of
//! their values, its description); the handles, their registration, the method that counts
//! each family and this list come from it.
//!
//! | counter | labels | counts |
//! |---|---|---|
//! | `<prefix>_socket_errors_total` | `code`, `category`, `op` | every observed error |
//! | `<prefix>_retries_total` | `code`, `op`, `outcome` | every retry decision of a [`RetryPolicy`] |
//! | `<prefix>_accept_backoffs_total` | `code` | every pause of a [`GuardedListener`] |
//! | `<prefix>_suppressed_events_total` | `code` | tracing events dropped by the rate limit (the errors are still counted) |
//! | `<prefix>_logged_socket_errors_total` | `code`, `category`, `op`, `source` | every socket error found in another library's log event by a [`WsaLayer`], by the crate that logged it |
//! | `<prefix>_peer_errors_total` | `peer`, `code` | every observed error with a known peer, once [`Observer::count_peers`] is on: the first N peers by `address:port` (or `name:port`), the rest as `_other` |
//!
//! (Each of these three types is in the docs of its feature; see the
//! [feature table](crate#features).)
//!
//! The prefix is `wsa` unless configured. `code` is the symbol, or `UNKNOWN` for every code
//! outside the catalog; every other label comes from a closed set too, so no peer can grow the
//! label set: each counter has at most (catalog codes + 1) x (values of its other labels)
//! series. `source` is the first segment of a log event's target, a name fixed at compile
//! time: there are at most as many as there are crates in the program, each with its own
//! handles, created the first time it logs a socket error.
//!
//! # Per-peer counts
//!
//! `peer` is the one label whose values are not a closed set, so it is off unless an observer
//! turns it on with [`Observer::count_peers`]`(n)` (say [`DEFAULT_PEERS`], 64) and capped:
//!
//! - **First come.** A peer (`address:port`, `[v6]:port`, or `name:port` when the peer
//!   carries a host name, as the connector's does) takes a slot the first time one of its
//!   errors is counted while fewer than `n` slots of the prefix are taken.
//! - **Kept for the process's life, per prefix.** A slot is never given back, so a peer's
//!   series never moves; each prefix has its own slots, at most [`MAX_PEERS`] whatever `n`.
//! - **The rest are `_other`.** Every later peer counts under `peer="_other"`
//!   ([`OTHER_PEER`]), so the family has at most `n + 1` series per code.
//!
//! A peer's label is built once, when it takes its slot (about 4 KB with its handles, the
//! first time it counts); counting a peer that has its slot is a lookup under a shared lock
//! and an atomic add, and counting under `_other` allocates nothing. Errors with no known
//! peer (an accept loop's) are not counted here.
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
#![cfg_attr(feature = "retry", doc = "[`RetryPolicy`]: crate::retry::RetryPolicy")]
#![cfg_attr(not(feature = "retry"), doc = "[`RetryPolicy`]: crate#features")]
#![cfg_attr(
    feature = "net",
    doc = "[`GuardedListener`]: crate::net::GuardedListener"
)]
#![cfg_attr(not(feature = "net"), doc = "[`GuardedListener`]: crate#features")]
#![cfg_attr(feature = "layer", doc = "[`WsaLayer`]: crate::layer::WsaLayer")]
#![cfg_attr(not(feature = "layer"), doc = "[`WsaLayer`]: crate#features")]
//!
//! [`Observer::count_peers`]: crate::Observer::count_peers

mod by_peer;
mod by_source;
mod counters;
mod family;
mod label;
mod prefix;
mod table;

pub use by_peer::{DEFAULT_PEERS, MAX_PEERS, OTHER_PEER};
pub use prefix::{InvalidPrefix, MAX_PREFIXES};
pub use table::{
    ACCEPT_BACKOFFS_SUFFIX, ERRORS_SUFFIX, LOGGED_SUFFIX, PEER_ERRORS_SUFFIX, RETRIES_SUFFIX,
    SUPPRESSED_SUFFIX,
};

pub(crate) use by_peer::{Counted, PeerKey};

#[cfg(feature = "layer")]
pub(crate) use by_source::Source;
#[cfg(all(test, feature = "retry"))]
pub(crate) use label::tests as label_tests;
#[cfg(feature = "retry")]
pub(crate) use label::{Label, OutcomeLabel};
pub(crate) use table::Counters;

/// The default name prefix.
pub const DEFAULT_PREFIX: &str = "wsa";

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::classify::{Category, Op};
    use crate::code::{Entry, WsaCode};

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

    /// Each family's typed method counts under exactly the labels its row declares: the keys
    /// in the row's order with the values given, the row's name and description, each label
    /// set in a series of its own. A row whose labels change order changes what the recorder
    /// gets here (and the method's signature), and fails.
    #[test]
    fn each_family_counts_under_the_labels_its_row_declares() {
        let code = Entry::of(WsaCode::WSAEMFILE);
        let unknown = Entry::of(WsaCode::from_raw(4242));
        let snapshotter = counted("every", |c| {
            c.count_errors(code, Category::Transient, Op::Accept);
            c.count_errors(code, Category::Transient, Op::Accept);
            c.count_errors(code, Category::Transient, Op::Connect);
            // The digits of this label set add up to those of the first: its own series all
            // the same.
            c.count_errors(code, Category::Fatal, Op::Connect);
            c.count_errors(unknown, Category::Fatal, Op::Read);
            c.count_accept_backoffs(code);
            c.count_suppressed(unknown);
            c.count_suppressed(unknown);
            c.count_suppressed(unknown);
            let axum = c.logged.source("axum");
            c.count_logged(code, Category::Benign, Op::Shutdown, axum);
            c.count_logged(
                code,
                Category::Benign,
                Op::Shutdown,
                c.logged.source("hyper"),
            );
            c.count_logged(code, Category::Benign, Op::Shutdown, axum);
            for port in [1, 2, 3, 1] {
                let peer = PeerKey::Ip([127, 0, 0, 1].into(), Some(port));
                c.count_peer_errors(
                    Counted {
                        peer: &peer,
                        max: 2,
                    },
                    code,
                );
            }
        });
        let expected = [
            (
                "every_socket_errors_total",
                "code=WSAEMFILE,category=transient,op=accept",
                2,
            ),
            (
                "every_socket_errors_total",
                "code=WSAEMFILE,category=transient,op=connect",
                1,
            ),
            (
                "every_socket_errors_total",
                "code=WSAEMFILE,category=fatal,op=connect",
                1,
            ),
            (
                "every_socket_errors_total",
                "code=UNKNOWN,category=fatal,op=read",
                1,
            ),
            ("every_accept_backoffs_total", "code=WSAEMFILE", 1),
            ("every_suppressed_events_total", "code=UNKNOWN", 3),
            (
                "every_peer_errors_total",
                "peer=127.0.0.1:1,code=WSAEMFILE",
                2,
            ),
            (
                "every_peer_errors_total",
                "peer=127.0.0.1:2,code=WSAEMFILE",
                1,
            ),
            ("every_peer_errors_total", "peer=_other,code=WSAEMFILE", 1),
            (
                "every_logged_socket_errors_total",
                "code=WSAEMFILE,category=benign,op=shutdown,source=axum",
                2,
            ),
            (
                "every_logged_socket_errors_total",
                "code=WSAEMFILE,category=benign,op=shutdown,source=hyper",
                1,
            ),
        ];
        let mut expected: Vec<(String, String, String)> = expected
            .into_iter()
            .map(|(name, labels, n)| (name.to_owned(), labels.to_owned(), format!("Counter({n})")))
            .collect();
        expected.sort();
        assert_eq!(rows(&snapshotter), expected);

        // Every family is there, under its row's keys and description.
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
        seen.dedup();
        let mut declared: Vec<(String, Vec<String>, String)> = table::FAMILIES
            .iter()
            // Counted, with its labels' values, in the retry module, which `Outcome` lives in.
            .filter(|f| f.suffix != RETRIES_SUFFIX)
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

    /// Counts with `count` under `prefix` into a recorder of its own, and returns what the
    /// recorder holds.
    pub(crate) fn counted(
        prefix: &str,
        count: impl FnOnce(&Counters),
    ) -> metrics_util::debugging::Snapshotter {
        let recorder = metrics_util::debugging::DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        metrics::with_local_recorder(&recorder, || count(Counters::of(prefix).unwrap()));
        snapshotter
    }

    /// Each series a recorder holds: its name, its labels as `key=value` in order, and its
    /// value, sorted.
    pub(crate) fn rows(
        snapshotter: &metrics_util::debugging::Snapshotter,
    ) -> Vec<(String, String, String)> {
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
                counters.count_errors(
                    Entry::of(WsaCode::WSAECONNRESET),
                    Category::Transient,
                    Op::Read,
                );
            }
            counters.count_errors(
                Entry::of(WsaCode::from_raw(4242)),
                Category::Fatal,
                Op::Read,
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
                    Counters::of("switch").unwrap().count_errors(
                        code,
                        Category::Transient,
                        Op::Write,
                    );
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
