//! What `WsaLayer` adds to a service's logging: the fmt layer writing to `io::sink()`, with
//! and without `WsaLayer` in the same subscriber, on events with a message and three fields
//! and no socket error (the common case, with a formatted and with a static message), and on
//! events that carry one.
//!
//! No metrics recorder is installed: counting is the same no-op in every variant. After
//! criterion's groups, the variants run again in interleaved rounds and the medians give the
//! printed figures and the ratio with / without (the target is at most 1.05x for events with
//! no socket error), in this thread's CPU time (which a busy machine does not inflate) and in
//! wall time. The figures pass runs only under `cargo bench`.

mod common;

use std::hint::black_box;
use std::io;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use tracing::Dispatch;
use tracing_subscriber::prelude::*;
use wsa_trace::layer::WsaLayer;

use common::{interleaved_pair, run_by_cargo_bench, ROUNDS};

/// Events per round of the figures pass.
const EVENTS: u32 = 20_000;

fn fmt_alone() -> Dispatch {
    Dispatch::new(
        tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_writer(io::sink)),
    )
}

fn fmt_with_layer() -> Dispatch {
    Dispatch::new(
        tracing_subscriber::registry()
            .with(WsaLayer::new())
            .with(tracing_subscriber::fmt::layer().with_writer(io::sink)),
    )
}

/// An event with a message and three fields, and no socket error, as hyper-util's pool logs.
macro_rules! pool_event {
    ($i:expr, $($message:tt)+) => {
        tracing::info!(
            target: "hyper_util::client::legacy::pool",
            peer = "127.0.0.1:8080",
            attempt = black_box($i),
            elapsed = ?Duration::from_micros(black_box($i) % 1000),
            $($message)+
        )
    };
}

/// With a formatted message.
fn plain_event(i: u64) {
    pool_event!(
        i,
        "checkout of pooled connection {} succeeded",
        black_box("http://127.0.0.1:8080")
    );
}

/// With a static message.
fn static_event(i: u64) {
    pool_event!(i, "checkout of pooled connection succeeded");
}

/// An event with a message and three fields, whose message holds a socket error.
fn error_event(i: u64) {
    tracing::error!(
        target: "axum::serve",
        peer = "127.0.0.1:8080",
        attempt = black_box(i),
        elapsed = ?Duration::from_micros(black_box(i) % 1000),
        "accept error: {}",
        black_box("Too many open files (os error 24)")
    );
}

/// This thread's CPU time in seconds: time spent descheduled on a busy machine is not
/// counted, so the ratio compares the work done.
fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Seconds of wall time and of this thread's CPU time for `n` events.
fn run(dispatch: &Dispatch, event: fn(u64), n: u32) -> (f64, f64) {
    tracing::dispatcher::with_default(dispatch, || {
        let (wall, cpu) = (Instant::now(), thread_cpu());
        for i in 0..u64::from(n) {
            event(i);
        }
        (wall.elapsed().as_secs_f64(), thread_cpu() - cpu)
    })
}

fn bench(c: &mut Criterion) {
    let alone = fmt_alone();
    let with = fmt_with_layer();
    for (name, event) in [
        ("no_socket_error", plain_event as fn(u64)),
        ("no_socket_error_static", static_event),
        ("socket_error", error_event),
    ] {
        let mut group = c.benchmark_group(format!("layer/{name}"));
        group.bench_function("fmt_alone", |b| {
            tracing::dispatcher::with_default(&alone, || b.iter(|| event(7)))
        });
        group.bench_function("fmt_with_wsa_layer", |b| {
            tracing::dispatcher::with_default(&with, || b.iter(|| event(7)))
        });
        group.finish();
    }
}

fn figures(_: &mut Criterion) {
    if !run_by_cargo_bench() {
        return;
    }
    let alone = fmt_alone();
    let with = fmt_with_layer();
    println!("\nfmt layer to a sink, {ROUNDS} interleaved rounds of {EVENTS} events, medians:");
    for (name, event) in [
        ("no socket error", plain_event as fn(u64)),
        ("static message", static_event),
        ("socket error", error_event),
    ] {
        let per = |s: f64| s * 1e9 / f64::from(EVENTS);
        for (clock, pick) in [("CPU", 1), ("wall", 0)] {
            let time = |d: &Dispatch| {
                let (wall, cpu) = run(d, event, EVENTS);
                [wall, cpu][pick]
            };
            let (bare, layered) = interleaved_pair(|| time(&alone), || time(&with));
            println!(
                "  {name:<16} {clock:<4} fmt alone {:>7.1} ns/event, with WsaLayer {:>7.1} ns/event: {:.3}x",
                per(bare),
                per(layered),
                layered / bare
            );
        }
    }
}

criterion_group!(benches, bench, figures);
criterion_main!(benches);
