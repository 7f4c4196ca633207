//! `WsaLayer` and `Explain` on hand-made events: what is read, what is skipped, the
//! operation's order of precedence, the counter's labels, and `Explain`'s lines against
//! the inner format's.

use crate::support;

use std::fmt::{self, Write};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

use tracing::error;
use tracing_subscriber::prelude::*;
use wsa_trace::layer::{Explain, WsaLayer};
use wsa_trace::observe::Observer;
use wsa_trace::scan::{Platform, Scanner};
use wsa_trace::{Classification, DefaultClassifier, WsaCode};

use support::logs::LogBuffer;
use support::{capture_with, Counters};

const LOGGED: &str = "wsa_logged_socket_errors_total";

/// The events' texts are Linux lines ("os error 24", `errno = 104`): read with Linux's
/// numbering on every host.
fn logged(f: impl FnOnce()) -> Counters {
    capture_with(WsaLayer::new().platform(Platform::Linux), f).1
}

/// A reset as this platform's calls report it (10054 on Windows, `ECONNRESET` elsewhere).
fn reset() -> io::Error {
    support::native::os_error(WsaCode::WSAECONNRESET)
}

fn get(c: &Counters, code: &str, category: &str, op: &str, source: &str) -> u64 {
    c.get(
        LOGGED,
        &[
            ("code", code),
            ("category", category),
            ("op", op),
            ("source", source),
        ],
    )
}

#[test]
fn a_library_accept_error_is_counted_once_with_its_source_and_op() {
    let c = logged(|| {
        error!(target: "axum::serve::listener", "accept error: Too many open files (os error 24)");
        error!(target: "axum::serve", "accept error: Too many open files (os error 24)");
    });
    assert_eq!(get(&c, "WSAEMFILE", "transient", "accept", "axum"), 2);
    assert_eq!(c.total(LOGGED), 2);
    assert_eq!(c.total(support::COUNTER), 0, "not in the wrapped family");
}

#[test]
fn events_without_a_socket_error_and_the_crates_own_are_not_counted() {
    let c = logged(|| {
        tracing::info!(target: "app", user = "alice", status = 200, "request served");
        tracing::event!(target: "wsa_trace", tracing::Level::ERROR, wsa.symbol = "WSAECONNRESET", "socket operation failed: connection reset");
        error!(target: "wsa_trace::observe", "connection refused");
        let not_socket = io::Error::other("disk full");
        error!(target: "app", error = &not_socket as &dyn std::error::Error, "save failed");
    });
    assert_eq!(c.total(LOGGED), 0, "{:?}", c.named(LOGGED));
}

#[test]
fn a_typed_error_beats_the_text_and_one_event_counts_once() {
    let c = logged(|| {
        let reset = reset();
        error!(
            target: "db_client::pool",
            error = &reset as &dyn std::error::Error,
            detail = "connection refused (os error 111)",
            "read failed: broken pipe"
        );
    });
    assert_eq!(
        get(&c, "WSAECONNRESET", "transient", "read", "db_client"),
        1
    );
    assert_eq!(c.total(LOGGED), 1);
}

#[test]
fn the_operation_comes_from_the_field_then_the_span_then_the_message() {
    let c = logged(|| {
        error!(target: "lib_a", op = "send_to", "write failed: connection refused");
        tracing::event!(target: "lib_a", tracing::Level::ERROR, wsa.op = "recv", "connection refused");
        let span = tracing::info_span!("conn", wsa.op = tracing::field::Empty);
        span.record("wsa.op", "connect");
        span.in_scope(|| {
            let inner = tracing::info_span!("inner");
            inner.in_scope(|| error!(target: "lib_b", "write: connection refused"));
        });
        error!(target: "lib_c", "while trying to connect: connection refused");
        error!(target: "lib_d", "connection refused");
    });
    assert_eq!(
        get(&c, "WSAECONNREFUSED", "transient", "send_to", "lib_a"),
        1
    );
    assert_eq!(get(&c, "WSAECONNREFUSED", "transient", "recv", "lib_a"), 1);
    assert_eq!(
        get(&c, "WSAECONNREFUSED", "transient", "connect", "lib_b"),
        1
    );
    assert_eq!(
        get(&c, "WSAECONNREFUSED", "transient", "connect", "lib_c"),
        1
    );
    assert_eq!(get(&c, "WSAECONNREFUSED", "transient", "other", "lib_d"), 1);
}

#[test]
fn errno_fields_and_every_field_kind_are_read() {
    let c = logged(|| {
        error!(target: "c_lib", errno = 104_i64, "recv failed");
        error!(target: "go_proxy", err = %"dial tcp 10.0.0.1:80: connect: no route to host", "upstream");
        error!(target: "dotnet", error = ?"SocketException (10060)", "call failed");
    });
    assert_eq!(get(&c, "WSAECONNRESET", "transient", "recv", "c_lib"), 1);
    assert_eq!(c.total(LOGGED), 3, "{:?}", c.named(LOGGED));
}

#[test]
fn integer_os_error_fields_are_read_whatever_their_name() {
    // Numbered as Linux numbers them, whatever the host.
    let layer = WsaLayer::new().platform(Platform::Linux);
    let c = capture_with(layer, || {
        error!(target: "rust_lib", raw_os_error = 104_i64, "read failed");
        error!(target: "rust_lib", os_error = 104_u64, "read failed");
        error!(target: "c_lib", errno = 104_i32, "read failed");
    })
    .1;
    assert_eq!(get(&c, "WSAECONNRESET", "transient", "read", "rust_lib"), 2);
    assert_eq!(get(&c, "WSAECONNRESET", "transient", "read", "c_lib"), 1);
    assert_eq!(c.total(LOGGED), 3, "{:?}", c.named(LOGGED));
}

/// Events whose socket error is only in a field that may hold text from the outside.
fn untrusted() {
    tracing::info!(target: "api", user_agent = "curl/8 (os error 24)", "request served");
    tracing::info!(target: "api", path = ?"/WSAECONNRESET", status = 404, "not found");
    tracing::warn!(target: "api", query = %"q=connection refused", "slow request");
}

#[test]
fn text_from_the_outside_counts_nothing_by_default() {
    let c = logged(|| {
        untrusted();
        // A field that holds an error, by its value or by its name, is still read.
        let reset = reset();
        error!(target: "api", upstream = &reset as &dyn std::error::Error, "proxy failed");
        error!(target: "api", upstream_error = %"connect: connection refused", "proxy failed");
        tracing::event!(target: "api", tracing::Level::ERROR, exception.message = %"connect: connection refused", "proxy failed");
    });
    assert_eq!(get(&c, "WSAECONNRESET", "transient", "other", "api"), 1);
    assert_eq!(get(&c, "WSAECONNREFUSED", "transient", "other", "api"), 2);
    assert_eq!(c.total(LOGGED), 3, "{:?}", c.named(LOGGED));
}

#[test]
fn every_field_is_read_when_asked() {
    let layer = WsaLayer::new().platform(Platform::Linux).all_fields(true);
    let c = capture_with(layer, untrusted).1;
    assert_eq!(get(&c, "WSAEMFILE", "transient", "other", "api"), 1);
    assert_eq!(get(&c, "WSAECONNRESET", "transient", "other", "api"), 1);
    assert_eq!(get(&c, "WSAECONNREFUSED", "transient", "other", "api"), 1);
    assert_eq!(c.total(LOGGED), 3, "{:?}", c.named(LOGGED));
}

#[test]
fn fields_named_for_a_span_of_time_are_not_read_and_the_others_are() {
    let linux = || WsaLayer::new().platform(Platform::Linux);
    for layer in [linux(), linux().all_fields(true)] {
        let c = capture_with(layer, || {
            error!(target: "timed", elapsed = ?"Connection refused (os error 111)", "request done");
            error!(target: "timed", latency = "connection refused", took = 3_u64, "request done");
            error!(target: "timed", elapsed = 12_u64, cause = ?"Connection refused (os error 111)", "request done");
        })
        .1;
        assert_eq!(get(&c, "WSAECONNREFUSED", "transient", "other", "timed"), 1);
        assert_eq!(c.total(LOGGED), 1, "{:?}", c.named(LOGGED));
    }
}

/// An error whose Debug form is its text, then a long tail written in small pieces, each
/// counted.
struct Chatty<'a>(&'a AtomicUsize);

/// How many pieces of tail [`Chatty`] writes.
const TAIL: usize = 1000;

impl fmt::Debug for Chatty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConnectError(\"tcp connect error\", Connection refused (os error 111))")?;
        for _ in 0..TAIL {
            self.0.fetch_add(1, Ordering::Relaxed);
            f.write_str(", more context")?;
        }
        Ok(())
    }
}

#[test]
fn formatting_stops_once_the_error_is_found() {
    let written = AtomicUsize::new(0);
    let layer = WsaLayer::new().platform(Platform::Linux);
    let c = capture_with(layer, || {
        error!(target: "hyper_util", error = ?Chatty(&written), "connect failed");
    })
    .1;
    assert_eq!(
        get(&c, "WSAECONNREFUSED", "transient", "connect", "hyper_util"),
        1
    );
    // The scanner reads in windows of 256 bytes: the tail stops within one of them.
    let pieces = written.load(Ordering::Relaxed);
    assert!(
        pieces > 0 && pieces < 256 / ", more context".len() + 2,
        "{pieces} of {TAIL}"
    );

    // The same through the scanner alone: the write fails, the answer stands.
    written.store(0, Ordering::Relaxed);
    let mut scanner = Scanner::new(Platform::Linux);
    assert!(write!(scanner, "{:?}", Chatty(&written)).is_err());
    assert_eq!(
        scanner.finish().map(|f| f.code()),
        Some(WsaCode::WSAECONNREFUSED)
    );
    assert!(written.load(Ordering::Relaxed) < TAIL / 10);
}

#[test]
fn the_observer_classifies_and_names_the_family() {
    let observer = Observer::new()
        .classifier(
            DefaultClassifier::new().with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL),
        )
        .metrics_prefix("svc")
        .unwrap();
    let c = capture_with(WsaLayer::new().observer(observer), || {
        error!(target: "hyper_util::client", "connect error: Connection refused");
    })
    .1;
    let labels = [
        ("code", "WSAECONNREFUSED"),
        ("category", "fatal"),
        ("op", "connect"),
        ("source", "hyper_util"),
    ];
    assert_eq!(c.get("svc_logged_socket_errors_total", &labels), 1);
}

/// Events of every kind: with and without a socket error, in spans, with fields.
fn events() {
    let span = tracing::info_span!("request", id = 7);
    let _g = span.enter();
    tracing::info!(target: "app", user = "alice", status = 200, "request served");
    error!(target: "axum::serve", "accept error: Too many open files (os error 24)");
    tracing::warn!(target: "app", retries = 3, "slow upstream");
    let reset = reset();
    error!(target: "hyper", error = &reset as &dyn std::error::Error, "connection error");
    tracing::debug!(target: "app", "done");
}

/// Formats `events()` through `format` over the plain fmt layer, then over `Explain`.
fn both<F>(format: F) -> (String, String)
where
    F: tracing_subscriber::fmt::FormatEvent<
            tracing_subscriber::Registry,
            tracing_subscriber::fmt::format::DefaultFields,
        > + Clone
        + Send
        + Sync
        + 'static,
{
    let run = |explained: bool| {
        let buf = LogBuffer::default();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(buf.clone())
            .with_ansi(false)
            .without_time();
        let subscriber = tracing_subscriber::registry();
        if explained {
            let explain = Explain::new(format.clone()).platform(Platform::Linux);
            let s = subscriber.with(layer.event_format(explain));
            tracing::subscriber::with_default(s, events);
        } else {
            let s = subscriber.with(layer.event_format(format.clone()));
            tracing::subscriber::with_default(s, events);
        }
        buf.text()
    };
    (run(false), run(true))
}

fn check_explained(plain: &str, explained: &str) {
    let plain: Vec<&str> = plain.lines().collect();
    let explained: Vec<&str> = explained.lines().collect();
    assert_eq!(plain.len(), explained.len());
    let mut appended = 0;
    for (p, e) in plain.iter().zip(&explained) {
        if p == e {
            assert!(!e.contains("wsa.symbol="), "{e}");
            continue;
        }
        let rest = e
            .strip_prefix(p)
            .unwrap_or_else(|| panic!("{e:?} does not extend {p:?}"));
        let want = |code: WsaCode, category: &str, retry: &str| {
            format!(
                " wsa.symbol={} wsa.category={category} wsa.retry={retry} wsa.hint={:?}",
                code.name().unwrap(),
                code.hint().unwrap()
            )
        };
        assert!(
            rest == want(WsaCode::WSAEMFILE, "transient", "backoff")
                || rest == want(WsaCode::WSAECONNRESET, "transient", "reconnect"),
            "{rest}"
        );
        appended += 1;
    }
    assert_eq!(appended, 2, "{explained:#?}");
}

#[test]
fn explain_changes_only_the_lines_with_a_socket_error() {
    use tracing_subscriber::fmt::format;
    let (plain, explained) = both(format().without_time());
    check_explained(&plain, &explained);
    let (plain, explained) = both(format().compact().without_time());
    check_explained(&plain, &explained);
}

#[test]
fn explain_over_the_pretty_format_appends_to_the_event_s_last_line() {
    use tracing_subscriber::fmt::format;
    let (plain, explained) = both(format().pretty().without_time());
    check_explained(&plain, &explained);
}

#[test]
fn explain_and_the_layer_together() {
    let buf = LogBuffer::default();
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(buf.clone())
        .with_ansi(false)
        .event_format(
            Explain::new(tracing_subscriber::fmt::format().compact()).platform(Platform::Linux),
        );
    let subscriber = tracing_subscriber::registry()
        .with(WsaLayer::new().platform(Platform::Linux))
        .with(fmt);
    let ((), c) = support::count(|| tracing::subscriber::with_default(subscriber, events));
    assert_eq!(c.total(LOGGED), 2);
    assert_eq!(buf.text().matches(" wsa.symbol=").count(), 2);
}
