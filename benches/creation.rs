//! What wrapping a connection costs when it is made: a `TraceStream` with a cloned observer,
//! with a fresh `Observer::new()`, and a `TraceConnectLayer` built around a connector, each
//! against the bare alternative of keeping the stream (or the connector) and its address.
//!
//! Each variant makes the value and drops it, so that creation and destruction are both in
//! the figure. After criterion's groups, the variants run again in interleaved rounds and the
//! medians give the printed ratios. The figures pass runs only under `cargo bench`.

mod common;

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use tower::Layer;
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{TraceConnectLayer, TraceStream};

use common::ready::Ready;
use common::{interleaved, run_by_cargo_bench};

/// Creations per variant per round.
const CALLS: u32 = 200_000;

fn addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

/// A connector standing in for a real one: nothing at all, the cheapest there is.
#[derive(Clone, Copy)]
struct Connector;

#[inline(always)]
fn bare_stream(addr: SocketAddr) {
    black_box((Ready, black_box(addr)));
}

#[inline(always)]
fn traced_clone(observer: &Observer, addr: SocketAddr) {
    black_box(TraceStream::new(
        Ready,
        observer.clone(),
        Peer::from(black_box(addr)),
    ));
}

#[inline(always)]
fn traced_new(addr: SocketAddr) {
    black_box(TraceStream::new(
        Ready,
        Observer::new(),
        Peer::from(black_box(addr)),
    ));
}

#[inline(always)]
fn bare_connector() {
    black_box(black_box(Connector));
}

#[inline(always)]
fn layered_connector(layer: &TraceConnectLayer) {
    black_box(layer.layer(black_box(Connector)));
}

#[inline(always)]
fn new_layer_connector() {
    black_box(TraceConnectLayer::new().layer(black_box(Connector)));
}

fn bench_creation(c: &mut Criterion) {
    let observer = Observer::new();
    let layer = TraceConnectLayer::new();
    let addr = addr();
    let mut group = c.benchmark_group("creation");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("bare_stream", |b| b.iter(|| bare_stream(addr)));
    group.bench_function("trace_stream_clone", |b| {
        b.iter(|| traced_clone(&observer, addr))
    });
    group.bench_function("trace_stream_new_observer", |b| b.iter(|| traced_new(addr)));
    group.bench_function("bare_connector", |b| b.iter(bare_connector));
    group.bench_function("layered_connector", |b| {
        b.iter(|| layered_connector(&layer))
    });
    group.bench_function("new_layer_connector", |b| b.iter(new_layer_connector));
    group.finish();
}

fn figures(_: &mut Criterion) {
    if !run_by_cargo_bench() {
        println!("creation: figures pass skipped (not run by `cargo bench`)");
        return;
    }
    let observer = Observer::new();
    let layer = TraceConnectLayer::new();
    let addr = addr();
    let [bare, clone, new, bare_conn, layered, new_layer] = interleaved(
        CALLS,
        &mut [
            &mut || bare_stream(addr),
            &mut || traced_clone(&observer, addr),
            &mut || traced_new(addr),
            &mut bare_connector,
            &mut || layered_connector(&layer),
            &mut new_layer_connector,
        ],
    );
    println!(
        "creation per connection: bare stream {bare:.2} ns, TraceStream with a cloned observer \
         {clone:.2} ns ({:.1}x), with Observer::new() {new:.2} ns ({:.1}x)",
        clone / bare,
        new / bare
    );
    println!(
        "creation per connector: bare {bare_conn:.2} ns, through a layer {layered:.2} ns \
         ({:.1}x), through TraceConnectLayer::new() {new_layer:.2} ns ({:.1}x)",
        layered / bare_conn,
        new_layer / bare_conn
    );
}

criterion_group!(benches, bench_creation, figures);
criterion_main!(benches);
