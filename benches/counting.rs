//! Counting a socket error, as an application that uses the crate sees it: the public API
//! only, against the cheapest counting it could write by hand.
//!
//! - `bare_counter`: a `metrics::Counter` registered once, before measuring, with the labels
//!   the observer gives the same error, and incremented: the fair floor of any counting.
//! - `observe_io`: `Observer::observe_io` on the same error (map, classify, count; no tracing
//!   subscriber is installed, so its event costs one level check).
//! - `observe_io_per_peer`: the same with `count_peers(DEFAULT_PEERS)`, so that the error is
//!   counted in `wsa_peer_errors_total` too, under the peer's slot taken before measuring: the
//!   cost of the per-peer family is `counting/observe_io_per_peer` over `counting/observe_io`.
//!
//! Both count into the Prometheus recorder, installed once before anything else. The error
//! is a real one: a connect on loopback to a port nobody listens on, refused by the OS.
//! The target: `observe_io` costs at most 3x `bare_counter`. Read the ratio off criterion's
//! two lines, `counting/observe_io` over `counting/bare_counter`.

use std::hint::black_box;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use metrics_exporter_prometheus::PrometheusBuilder;
use wsa_trace::metrics::DEFAULT_PEERS;
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{Op, WsaCode};

/// A refused connect: the address of a listener that is gone, connected to.
fn refused() -> (io::Error, SocketAddr) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind on loopback");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    let err = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
        .expect_err("nobody listens on the port any more");
    (err, addr)
}

fn counting(c: &mut Criterion) {
    let prometheus = PrometheusBuilder::new()
        .install_recorder()
        .expect("the only recorder");
    let (err, addr) = refused();
    let peer = Peer::from(addr);
    let observer = Observer::new();
    // The first error registers the observer's handle; the labels it counts under are the
    // bare counter's.
    let seen = observer.observe_io(&err, Op::Connect, &peer);
    let per_peer = Observer::new().count_peers(DEFAULT_PEERS);
    per_peer.observe_io(&err, Op::Connect, &peer);
    assert_eq!(seen.code(), Some(WsaCode::WSAECONNREFUSED), "{err}");
    let bare = metrics::counter!(
        "bare_socket_errors_total",
        "code" => seen.mapping.label(),
        "category" => seen.class.category().as_str(),
        "op" => seen.op.as_str()
    );

    let mut group = c.benchmark_group("counting");
    group.bench_function("bare_counter", |b| b.iter(|| black_box(&bare).increment(1)));
    group.bench_function("observe_io", |b| {
        b.iter(|| black_box(observer.observe_io(black_box(&err), Op::Connect, &peer)))
    });
    group.bench_function("observe_io_per_peer", |b| {
        b.iter(|| black_box(per_peer.observe_io(black_box(&err), Op::Connect, &peer)))
    });
    group.finish();

    // Both counted into the recorder.
    let text = prometheus.render();
    for name in [
        "bare_socket_errors_total{",
        "wsa_socket_errors_total{",
        "wsa_peer_errors_total{",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(name) && l.contains("WSAECONNREFUSED")),
            "{name} is not exported:\n{text}"
        );
    }
}

criterion_group!(benches, counting);
criterion_main!(benches);
