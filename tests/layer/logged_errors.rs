//! `WsaLayer` and `Explain` on real libraries' own log lines, on loopback:
//!
//! - axum 0.8's `axum::serve` on a plain `TcpListener`, in a child process whose descriptor
//!   table is full: every `accept error: Too many open files (os error 24)` axum logs is
//!   counted once as `WSAEMFILE`, op `accept`, source `axum`, and explained in the fmt
//!   output;
//! - hyper-util's legacy client, whose connection task logs `client connection error: ...`
//!   at debug level when the server resets the connection: counted once per line, source
//!   `hyper_util`, and explained;
//! - hyper-util's refused connect, which it logs at TRACE: beside an fmt layer filtered at
//!   INFO the layer leaves it uncounted, and counts it with a level of its own, in a child
//!   process where its subscriber is the only one.

use crate::support;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use metrics_util::debugging::DebuggingRecorder;
use tokio::io::AsyncReadExt;
use tracing_subscriber::prelude::*;
use wsa_trace::layer::{Explain, WsaLayer};

use support::logs::LogBuffer;
use support::Counters;

const LOGGED: &str = "wsa_logged_socket_errors_total";
const CHILD_ENV: &str = "WSA_TRACE_LOGGED_ERRORS_CHILD";
const TRACE_CHILD_ENV: &str = "WSA_TRACE_LOGGED_TRACE_CHILD";
const TRACE_MARKER: &str = "refused connect: ";
const MARKER: &str = "axum figures: ";
/// How many accept errors the child waits for axum to log.
const ACCEPT_ERRORS: u64 = 2;

fn subscriber(buf: &LogBuffer) -> impl tracing::Subscriber + Send + Sync {
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(buf.clone())
        .with_ansi(false)
        .event_format(Explain::new(tracing_subscriber::fmt::format().compact()));
    tracing_subscriber::registry()
        .with(WsaLayer::new())
        .with(fmt)
}

/// The fmt output's lines from `target` holding `text`.
fn lines_of<'a>(log: &'a str, target: &str, text: &str) -> Vec<&'a str> {
    log.lines()
        .filter(|l| l.contains(&format!(" {target}")) && l.contains(text))
        .collect()
}

/// Unix only: the child runs under `ulimit -n`.
#[cfg(unix)]
#[test]
fn axum_accept_errors_are_counted_and_explained() {
    let mut cmd = support::rerun_with_nofile(64, module_path!(), "axum_child");
    cmd.env(CHILD_ENV, "1");
    let out = support::run_child(cmd, Duration::from_secs(40)).expect("run the child");
    assert!(out.status.success(), "{out}");
    let line = out.marker_line(MARKER);
    let get = |k: &str| -> u64 {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(k)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {k}: {line}"))
    };
    assert!(get("logged") >= ACCEPT_ERRORS, "{line}");
    assert_eq!(get("counted"), get("logged"), "{line}");
    assert_eq!(get("explained"), get("logged"), "{line}");
    assert_eq!(
        get("all_counted"),
        get("logged"),
        "nothing else counted: {line}"
    );
    assert_eq!(get("served"), 1, "{line}");
}

/// Run by [`axum_accept_errors_are_counted_and_explained`] in a child process with 64
/// descriptors. Does nothing elsewhere.
#[test]
#[ignore = "run in a child process by axum_accept_errors_are_counted_and_explained"]
fn axum_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let recorder = DebuggingRecorder::new();
    let counters = Counters::new(recorder.snapshotter());
    recorder
        .install()
        .expect("the only recorder of this process");
    let buf = LogBuffer::default();
    tracing::subscriber::set_global_default(subscriber(&buf)).expect("the only subscriber");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    runtime.spawn(async move { axum::serve(listener, app).await });

    // Fill the descriptor table, then free one for a client: the server's accept has none.
    let mut hog = Vec::new();
    while let Ok(f) = std::fs::File::open("/dev/null") {
        hog.push(f);
        assert!(hog.len() < 10_000, "no descriptor limit");
    }
    drop(hog.pop());
    let mut client = TcpStream::connect(addr).expect("connect: the kernel queues it");
    let accept_errors = || lines_of(&buf.text(), "axum", "accept error").len() as u64;
    let start = Instant::now();
    while accept_errors() < ACCEPT_ERRORS {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "axum logged {} accept errors",
            accept_errors()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Descriptors come back: axum's next accept (after its one-second pause) succeeds.
    drop(hog);
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    client.read_to_string(&mut response).unwrap();
    let served = u64::from(response.starts_with("HTTP/1.1 200") && response.ends_with("ok"));

    let log = buf.text();
    let axum_lines = lines_of(
        &log,
        "axum",
        "accept error: Too many open files (os error 24)",
    );
    let explained = axum_lines
        .iter()
        .filter(|l| {
            l.contains(" wsa.symbol=WSAEMFILE wsa.category=transient wsa.retry=backoff wsa.hint=")
        })
        .count();
    println!("{log}");
    println!(
        "{MARKER}logged={} counted={} explained={explained} all_counted={} served={served}",
        axum_lines.len(),
        counters.get(
            LOGGED,
            &[
                ("code", "WSAEMFILE"),
                ("category", "transient"),
                ("op", "accept"),
                ("source", "axum")
            ]
        ),
        counters.total(LOGGED),
    );
    runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn hyper_util_connection_errors_are_counted_and_explained() {
    let buf = LogBuffer::default();
    let ((), counters) = support::count(|| {
        tracing::subscriber::with_default(subscriber(&buf), || {
            support::block_on(async {
                tokio::time::timeout(support::LIMIT, hyper_util_scenes(&buf))
                    .await
                    .expect(
                        "hyper-util logs both errors in time (under Wine 8 the pooled \
                         connection's reset reads as a graceful end, which it does not log: \
                         README, Platforms)",
                    )
            })
        })
    });
    let log = buf.text();
    println!("{log}");
    // A refused connect: `connect error for 127.0.0.1:...: ConnectError(..., Os { code: 111, .. })`.
    let refused = lines_of(&log, "hyper_util", "connect error for");
    // An idle pooled connection reset by the server: `client connection error: ... (os error 104)`.
    let reset = lines_of(&log, "hyper_util", "client connection error");
    assert_eq!(refused.len(), 1, "{log}");
    assert_eq!(reset.len(), 1, "{log}");
    for (lines, symbol, op) in [
        (&refused, "WSAECONNREFUSED", "connect"),
        (&reset, "WSAECONNRESET", "other"),
    ] {
        let labels = [
            ("code", symbol),
            ("category", "transient"),
            ("op", op),
            ("source", "hyper_util"),
        ];
        assert_eq!(
            counters.get(LOGGED, &labels),
            lines.len() as u64,
            "{symbol}: {:?}",
            counters.named(LOGGED)
        );
        for line in lines.iter() {
            assert!(
                line.contains(&format!(" wsa.symbol={symbol} wsa.category=transient")),
                "{line}"
            );
        }
    }
    assert_eq!(counters.total(LOGGED), 2, "{:?}", counters.named(LOGGED));
}

/// Drives hyper-util's legacy client into a refused connection, then into an idle pooled
/// connection that the server resets.
async fn hyper_util_scenes(buf: &LogBuffer) {
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();

    let closed: hyper::Uri = format!("http://{}/", support::closed_port())
        .parse()
        .unwrap();
    client.get(closed).await.expect_err("nothing listens");

    let listener = support::loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    let (reset_tx, reset_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request).await.expect("read the request");
        tokio::io::AsyncWriteExt::write_all(
            &mut stream,
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok",
        )
        .await
        .expect("respond");
        // Once the client holds the idle connection in its pool, reset it.
        let _ = reset_rx.await;
        stream.set_zero_linger().expect("SO_LINGER 0");
        drop(stream);
    });
    let uri: hyper::Uri = format!("http://{addr}/").parse().unwrap();
    let response = client.get(uri).await.expect("served");
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body");
    assert_eq!(body.to_bytes().as_ref(), b"ok");
    reset_tx.send(()).unwrap();
    server.await.unwrap();
    // The pooled connection's task reads the reset and logs it: wait for that line.
    while lines_of(&buf.text(), "hyper_util", "client connection error").is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[test]
fn a_refused_connect_logged_at_trace_counts_with_the_layer_s_own_level_only() {
    let out = support::run_ignored_child(
        module_path!(),
        "refused_connect_child",
        TRACE_CHILD_ENV,
        Duration::from_secs(40),
    );
    let markers = out.markers(TRACE_MARKER);
    let find = |level: &str| {
        markers
            .iter()
            .find(|m| m["level"] == level)
            .unwrap_or_else(|| panic!("no level={level}\n{out}"))
    };
    let (default, own) = (find("off"), find("trace"));
    assert_eq!(default["counted"], "0", "{out}");
    assert_eq!(own["counted"], "1", "{out}");
    // The fmt layer prints nothing of it either way.
    assert_eq!((&default["printed"][..], &own["printed"][..]), ("0", "0"));
}

/// Run by [`a_refused_connect_logged_at_trace_counts_with_the_layer_s_own_level_only`] in a
/// child process. Does nothing elsewhere.
#[test]
#[ignore = "run in a child process by a_refused_connect_logged_at_trace_counts_with_the_layer_s_own_level_only"]
fn refused_connect_child() {
    use tracing::level_filters::LevelFilter;

    if std::env::var_os(TRACE_CHILD_ENV).is_none() {
        return;
    }
    let counters = support::install_counters();
    let refused = || {
        let labels = [
            ("code", "WSAECONNREFUSED"),
            ("category", "transient"),
            ("op", "connect"),
            ("source", "hyper_util"),
        ];
        counters.get(LOGGED, &labels)
    };
    for level in [LevelFilter::OFF, LevelFilter::TRACE] {
        let buf = LogBuffer::default();
        let fmt = tracing_subscriber::fmt::layer()
            .with_writer(buf.clone())
            .with_ansi(false)
            .with_filter(LevelFilter::INFO);
        let dispatch = tracing::Dispatch::new(
            tracing_subscriber::registry()
                .with(fmt)
                .with(WsaLayer::new().level(level)),
        );
        let before = refused();
        tracing::dispatcher::with_default(&dispatch, || {
            support::block_on(async {
                let client: Client<_, Empty<Bytes>> =
                    Client::builder(TokioExecutor::new()).build_http();
                let closed: hyper::Uri = format!("http://{}/", support::closed_port())
                    .parse()
                    .unwrap();
                tokio::time::timeout(support::LIMIT, client.get(closed))
                    .await
                    .expect("in time")
                    .expect_err("nothing listens");
            })
        });
        drop(dispatch);
        let counted = refused() - before;
        let printed = lines_of(&buf.text(), "hyper_util", "connect error").len();
        println!("{TRACE_MARKER}level={level} counted={counted} printed={printed}");
    }
}
