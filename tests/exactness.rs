//! The counters are exact under concurrency: N tasks on a multi-thread runtime, each reading
//! M injected errors through its own [`TraceStream`] sharing one [`Observer`], give a count
//! of exactly N x M, however the tasks interleave and whichever registers the counter first.
//!
//! The recorder is installed globally (this test binary only), since the tasks run on the
//! runtime's worker threads; each test uses its own counter prefix so their series stay apart.
//!
//! The errors injected are this platform's own codes and kinds, and (on Unix) a foreign
//! Windows number.

mod support;

use std::io::{self, ErrorKind};
use std::sync::OnceLock;
use std::time::Duration;

use metrics_util::debugging::DebuggingRecorder;
use tokio::io::AsyncReadExt;
use wsa_trace::observe::{Observer, Peer};
#[cfg(unix)]
use wsa_trace::{map::Via, Mapping};
use wsa_trace::{TraceStream, WsaCode};

use support::native::{os_code, os_error};
use support::Counters;

/// Tasks.
const N: usize = 8;
/// Errors per task.
const M: usize = 1000;

/// The global recorder's counters, installed on first use.
fn counters() -> &'static Counters {
    static COUNTERS: OnceLock<Counters> = OnceLock::new();
    COUNTERS.get_or_init(|| {
        let recorder = DebuggingRecorder::new();
        let counters = Counters::new(recorder.snapshotter());
        recorder
            .install()
            .expect("no other global recorder in this test binary");
        counters
    })
}

/// Runs `N` tasks on a multi-thread runtime; task `t` reads the errors `errors(t, i)` for
/// `i` in `0..M` through a [`TraceStream`] sharing `observer`, then end of stream. Returns
/// the errors each task saw, in order.
fn read_injected_errors(
    observer: &Observer,
    errors: fn(usize, usize) -> io::Error,
) -> Vec<Vec<io::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a multi-thread runtime");
    runtime.block_on(async {
        let tasks: Vec<_> = (0..N)
            .map(|t| {
                // The builder shares each error with the mock (an `Arc` the mock unwraps when
                // it returns the error): drop it before the task can read.
                let mock = {
                    let mut builder = tokio_test::io::Builder::new();
                    for i in 0..M {
                        builder.read_error(errors(t, i));
                    }
                    builder.build()
                };
                let mut stream = TraceStream::new(mock, observer.clone(), Peer::unknown());
                tokio::spawn(async move {
                    let mut seen = Vec::with_capacity(M);
                    let mut buf = [0u8; 16];
                    // M errors, then end of stream; one more round would be a bug.
                    for _ in 0..=M {
                        match stream.read(&mut buf).await {
                            Ok(0) => return seen,
                            Ok(n) => panic!("task {t}: read {n} bytes from an error-only mock"),
                            Err(err) => {
                                seen.push(err);
                                // Let other tasks interleave with this one.
                                tokio::task::yield_now().await;
                            }
                        }
                    }
                    panic!("task {t}: no end of stream after {M} errors");
                })
            })
            .collect();
        let mut all = Vec::with_capacity(N);
        for task in tasks {
            let seen = tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .expect("the tasks finish within 5 s")
                .expect("the task did not panic");
            all.push(seen);
        }
        all
    })
}

#[test]
fn n_tasks_reading_m_resets_count_exactly_n_times_m() {
    let observer = Observer::new().metrics_prefix("exact_reset").unwrap();
    let name = observer.counter_name().to_owned();
    let counters = counters();
    assert_eq!(counters.total(&name), 0);

    let seen = read_injected_errors(&observer, |_, _| os_error(WsaCode::WSAECONNRESET));

    // Every task got its M errors back, each the injected one.
    assert_eq!(seen.len(), N);
    for (t, errors) in seen.iter().enumerate() {
        assert_eq!(errors.len(), M, "task {t}");
        for err in errors {
            assert_eq!(
                err.raw_os_error(),
                Some(os_code(WsaCode::WSAECONNRESET)),
                "task {t}: {err}"
            );
            assert_eq!(err.kind(), ErrorKind::ConnectionReset, "task {t}: {err}");
        }
    }

    let expected = (N * M) as u64;
    assert_eq!(
        counters.value(&name, "WSAECONNRESET", "transient", "read"),
        expected,
        "{counters:?}"
    );
    assert_eq!(counters.total(&name), expected, "{counters:?}");
}

/// Windows' own numbers mean nothing to Linux: `from_raw_os_error(10054)` is no errno there,
/// so its kind is uncategorized and it maps to no code at all (it is counted as `UNKNOWN`,
/// fatal). Errors that carry only a kind, as libraries build them, map by that kind.
#[cfg(unix)]
#[test]
fn kind_only_errors_and_foreign_raw_codes_count_exactly() {
    let windows_reset = io::Error::from_raw_os_error(10054);
    let m = Mapping::from_io_error(&windows_reset);
    assert_eq!(
        (m.code(), m.os_code(), m.os_name(), m.via()),
        (None, Some(10054), None, Via::Unmapped),
        "{windows_reset}"
    );
    // What the same number means where it comes from.
    assert_eq!(
        wsa_trace::map::from_windows(10054),
        Some(WsaCode::WSAECONNRESET)
    );

    let observer = Observer::new().metrics_prefix("exact_mixed").unwrap();
    let name = observer.counter_name().to_owned();
    let counters = counters();
    assert_eq!(counters.total(&name), 0);

    // Tasks alternate: even reads give a kind-only ConnectionAborted, odd reads raw 10054.
    let seen = read_injected_errors(&observer, |_, i| {
        if i % 2 == 0 {
            io::Error::from(ErrorKind::ConnectionAborted)
        } else {
            io::Error::from_raw_os_error(10054)
        }
    });

    for (t, errors) in seen.iter().enumerate() {
        assert_eq!(errors.len(), M, "task {t}");
        for (i, err) in errors.iter().enumerate() {
            if i % 2 == 0 {
                assert_eq!(
                    (err.kind(), err.raw_os_error()),
                    (ErrorKind::ConnectionAborted, None)
                );
            } else {
                assert_eq!(err.raw_os_error(), Some(10054), "task {t}: {err}");
            }
        }
    }

    let half = (N * M / 2) as u64;
    assert_eq!(
        counters.value(&name, "WSAECONNABORTED", "transient", "read"),
        half,
        "{counters:?}"
    );
    assert_eq!(
        counters.value(&name, "UNKNOWN", "fatal", "read"),
        half,
        "{counters:?}"
    );
    assert_eq!(counters.total(&name), 2 * half, "{counters:?}");
}
