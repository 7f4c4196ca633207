//! Allocation counts for reading socket errors in text: scanning allocates nothing, whatever
//! the text and however it is fed.

use crate::support;

use std::fmt::Write;

use wsa_trace::scan::{Platform, Scanner};
use wsa_trace::WsaCode;

use support::counting::allocations;

#[test]
fn scanning_allocates_nothing() {
    let lines: [&str; 4] = [
        "accept error: Too many open files (os error 24)",
        "java.net.ConnectException: Connection refused",
        "GET /index.html 200 12ms user=alice",
        "Err(Os { code: 104, kind: ConnectionReset, message: \"Connection reset by peer\" })",
    ];
    let long = "no error at all here ".repeat(2_000);
    // Formatting an `io::Error` itself allocates (its `strerror` text): an argument that does
    // not stands in for it.
    let errno = 104;
    let mut scanner = Scanner::new(Platform::Linux);
    let (n, codes) = allocations(|| {
        let mut codes = [None; 7];
        for (slot, line) in codes.iter_mut().zip(lines) {
            scanner.feed(line.as_bytes());
            *slot = scanner.finish().map(|f| f.code());
        }
        scanner.feed(long.as_bytes());
        codes[4] = scanner.finish().map(|f| f.code());
        for b in lines[0].as_bytes().chunks(1) {
            scanner.feed(b);
        }
        codes[5] = scanner.finish().map(|f| f.code());
        write!(scanner, "read failed (os error {errno})").unwrap();
        codes[6] = scanner.finish().map(|f| f.code());
        codes
    });
    assert_eq!(n, 0, "allocations while scanning");
    assert_eq!(
        codes,
        [
            Some(WsaCode::WSAEMFILE),
            Some(WsaCode::WSAECONNREFUSED),
            None,
            Some(WsaCode::WSAECONNRESET),
            None,
            Some(WsaCode::WSAEMFILE),
            Some(WsaCode::WSAECONNRESET),
        ]
    );
}

/// Events of a library with and without a socket error, as a service logs them.
#[cfg(feature = "layer")]
fn library_events(n: usize) {
    for i in 0..n {
        tracing::info!(target: "hyper_util::client", peer = "127.0.0.1:8080", attempt = i, ok = true, "request sent");
        tracing::error!(target: "axum::serve", "accept error: Too many open files (os error 24)");
        let reset = std::io::Error::from_raw_os_error(crate::support::native::os_code(
            wsa_trace::WsaCode::WSAECONNRESET,
        ));
        tracing::debug!(target: "hyper", error = &reset as &dyn std::error::Error, "connection error");
    }
}

/// Tells [`layer_allocations_child`] it runs as the child.
#[cfg(feature = "layer")]
const LAYER_CHILD_ENV: &str = "WSA_TRACE_ALLOC_LAYER_CHILD";

/// After the first events (which register the callsites and the counter handles), the
/// layer allocates nothing per event, alone and under the fmt layer writing to a sink.
///
/// Measured in a child process: setting a subscriber, even a scoped one, changes the
/// process's enabled levels, so the other tests of this binary, which count the allocations
/// of an error path with no subscriber, would see events turned on under them.
#[cfg(feature = "layer")]
#[test]
fn the_layer_allocates_nothing_per_event() {
    crate::support::run_ignored_child(
        module_path!(),
        "layer_allocations_child",
        LAYER_CHILD_ENV,
        std::time::Duration::from_secs(60),
    );
}

/// Run by [`the_layer_allocates_nothing_per_event`] in a child process, where its
/// subscribers are the only ones. Does nothing elsewhere.
#[cfg(feature = "layer")]
#[test]
#[ignore = "run in a child process by the_layer_allocates_nothing_per_event"]
fn layer_allocations_child() {
    if std::env::var_os(LAYER_CHILD_ENV).is_none() {
        return;
    }
    use tracing_subscriber::prelude::*;
    use wsa_trace::layer::{Explain, WsaLayer};

    let recorder = metrics_util::debugging::DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let alone = tracing_subscriber::registry().with(WsaLayer::new());
        tracing::subscriber::with_default(alone, || {
            library_events(2);
            let (n, ()) = allocations(|| library_events(1_000));
            assert_eq!(n, 0, "allocations in 3000 events through WsaLayer");
        });
        // The fmt layer allocates on its own (formatting an `io::Error` does): adding the
        // layer and `Explain` must add nothing to that.
        let plain = tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
        let fmt_alone = tracing::subscriber::with_default(plain, || {
            library_events(2);
            allocations(|| library_events(1_000)).0
        });
        let fmt = tracing_subscriber::fmt::layer()
            .with_writer(std::io::sink)
            .event_format(Explain::new(tracing_subscriber::fmt::format()));
        let logged = tracing_subscriber::registry()
            .with(WsaLayer::new())
            .with(fmt);
        tracing::subscriber::with_default(logged, || {
            library_events(2);
            let (n, ()) = allocations(|| library_events(1_000));
            assert_eq!(
                n, fmt_alone,
                "allocations beyond the fmt layer's own ({fmt_alone})"
            );
        });
    });
    let counted: u64 = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, ..)| key.key().name() == "wsa_logged_socket_errors_total")
        .map(|(.., value)| match value {
            metrics_util::debugging::DebugValue::Counter(n) => n,
            _ => 0,
        })
        .sum();
    assert_eq!(counted, 2 * 2 * 1_002, "two counted events in each round");
}
