//! The error path: what observing one failed read costs, against what users write by hand.
//!
//! - `map_classify`: `Mapping::from_io_error` + `default_class(mapping.code(), Op::Read)` alone (what
//!   an observer does before counting), for an errno error (`ECONNRESET`), a kind-only error
//!   (`ErrorKind::ConnectionReset`, no OS code) and an OS error wrapped in another `io::Error`.
//! - `observe`: `Observer::observe_io` (map, classify, count) with the Prometheus recorder
//!   installed globally, once with `.emit_event(false)` and once with the default observer
//!   (no tracing subscriber is installed, so its events are disabled and cost one level check).
//! - `by_hand`: the usual hand-written code, the error formatted for a log line plus
//!   `counter!("socket_errors_total", "error" => err.to_string(), "kind" => ...)`, with the same
//!   recorder: the key is built and hashed on every call.
//! - `fair_by_hand`: what a careful user writes instead: `warn!(error = %err)` (formatted only
//!   if a subscriber wants it) and `counter!` labelled with `kind()` and the raw OS code, the
//!   handle built per call as `counter!` does.
//! - `bare_counter`: a counter handle registered once before measuring, incremented: the
//!   floor under any counting.
//! - `following_counter` (figures only): `metrics::with_recorder` and the same increment,
//!   what a handle that follows the recorder in effect pays at least; with map+classify in
//!   front of it, the floor under `observe`.
//!
//! After criterion's groups, the same variants run again in interleaved rounds and the
//! medians give the printed figures: ns per map+classify, less the cost of the rounds' own
//! loop, measured with an empty variant (targets 5 ns, 10 ns for a wrapped error);
//! observe / bare_counter (target <= 3x); and the ratios by_hand / observe and
//! fair_by_hand / observe. The figures pass runs only under `cargo bench`.

mod common;

use std::hint::black_box;
use std::io;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{default_class, Classification, Mapping, Op, WsaCode};

use common::{fair_by_hand, interleaved, run_by_cargo_bench};

/// Calls per variant per round for map+classify alone.
const FAST_CALLS: u32 = 1_000_000;
/// Calls per variant per round for observe and by_hand.
const SLOW_CALLS: u32 = 100_000;

/// The Prometheus recorder, installed globally once, before any observer exists (observers
/// register their counter handles with the recorder present at the first error).
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .install_recorder()
            .expect("install the Prometheus recorder")
    })
}

fn errno_error() -> io::Error {
    io::Error::from_raw_os_error(libc::ECONNRESET)
}

fn kind_error() -> io::Error {
    io::Error::from(io::ErrorKind::ConnectionReset)
}

/// An OS error wrapped in another `io::Error`, as libraries that add context build them.
fn wrapped_error() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, errno_error())
}

#[inline(always)]
fn map_classify(err: &io::Error) -> Classification {
    let mapping = Mapping::from_io_error(black_box(err));
    black_box(default_class(mapping.code(), Op::Read))
}

#[inline(always)]
fn observe(observer: &Observer, err: &io::Error, peer: &Peer) {
    black_box(observer.observe_io(black_box(err), Op::Read, peer));
}

/// What an application does today without this crate.
#[inline(always)]
fn by_hand(err: &io::Error) {
    let err = black_box(err);
    let line = format!("{err}");
    metrics::counter!(
        "socket_errors_total",
        "error" => err.to_string(),
        "kind" => format!("{:?}", err.kind())
    )
    .increment(1);
    black_box(line);
}

/// A counter handle registered once, with the same labels as the observer's.
fn bare_counter() -> metrics::Counter {
    recorder();
    metrics::counter!(
        "bare_socket_errors_total",
        "code" => "WSAECONNRESET",
        "category" => "transient",
        "op" => "read"
    )
}

/// What a counter that follows the recorder in effect pays at least: asking `metrics` for
/// the recorder (its thread-local, then the global one), then the increment. The observer
/// does this on every error so that a recorder installed later still gets the counts.
#[inline(always)]
fn following_counter(counter: &metrics::Counter) {
    metrics::with_recorder(|recorder| {
        black_box(recorder);
        black_box(counter).increment(1);
    });
}

/// Observers created after the recorder, each warmed up once so that its (code, op) handle
/// is registered before measuring.
fn observers(err: &io::Error, peer: &Peer) -> (Observer, Observer) {
    recorder();
    let quiet = Observer::new().emit_event(false);
    let default = Observer::new();
    for o in [&quiet, &default] {
        let seen = o.observe_io(err, Op::Read, peer);
        assert_eq!(seen.code(), Some(WsaCode::WSAECONNRESET));
    }
    (quiet, default)
}

fn bench_map_classify(c: &mut Criterion) {
    let errno = errno_error();
    let kind = kind_error();
    let wrapped = wrapped_error();
    assert_eq!(map_classify(&errno), map_classify(&kind));
    assert_eq!(map_classify(&errno), map_classify(&wrapped));
    assert_eq!(
        map_classify(&errno),
        default_class(Some(WsaCode::WSAECONNRESET), Op::Read)
    );

    let mut group = c.benchmark_group("map_classify");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("errno", |b| b.iter(|| map_classify(&errno)));
    group.bench_function("kind_only", |b| b.iter(|| map_classify(&kind)));
    group.bench_function("wrapped", |b| b.iter(|| map_classify(&wrapped)));
    group.finish();
}

fn bench_observe(c: &mut Criterion) {
    let err = errno_error();
    let peer = Peer::from(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
    let (quiet, default) = observers(&err, &peer);

    let mut group = c.benchmark_group("observe");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("emit_event_false", |b| {
        b.iter(|| observe(&quiet, &err, &peer))
    });
    group.bench_function("default_no_subscriber", |b| {
        b.iter(|| observe(&default, &err, &peer))
    });
    group.bench_function("by_hand", |b| b.iter(|| by_hand(&err)));
    group.bench_function("fair_by_hand", |b| b.iter(|| fair_by_hand(&err)));
    let bare = bare_counter();
    group.bench_function("bare_counter", |b| b.iter(|| black_box(&bare).increment(1)));
    group.finish();
}

fn figures(_: &mut Criterion) {
    if !run_by_cargo_bench() {
        println!("error_path: figures pass skipped (not run by `cargo bench`)");
        return;
    }
    let errno = errno_error();
    let kind = kind_error();
    let wrapped = wrapped_error();
    // The loop calls each variant through a `dyn FnMut`; the empty variant measures that
    // call, and is subtracted from the others.
    let [ns_loop, ns_errno, ns_kind, ns_wrapped] = interleaved(
        FAST_CALLS,
        &mut [
            &mut || black_box(()),
            &mut || {
                map_classify(&errno);
            },
            &mut || {
                map_classify(&kind);
            },
            &mut || {
                map_classify(&wrapped);
            },
        ],
    );
    let (ns_errno, ns_kind, ns_wrapped) =
        (ns_errno - ns_loop, ns_kind - ns_loop, ns_wrapped - ns_loop);
    println!("error_path map+classify [ECONNRESET errno]: {ns_errno:.2} ns (target <= 5 ns; the loop's own {ns_loop:.2} ns taken off)");
    println!("error_path map+classify [ErrorKind only]: {ns_kind:.2} ns (target <= 5 ns)");
    println!("error_path map+classify [io::Error wrapping an OS error]: {ns_wrapped:.2} ns (target <= 10 ns)");

    let peer = Peer::from(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
    let (quiet, default) = observers(&errno, &peer);
    let bare = bare_counter();
    let [ns_quiet, ns_default, ns_hand, ns_fair, ns_bare, ns_following, ns_floor] = interleaved(
        SLOW_CALLS,
        &mut [
            &mut || observe(&quiet, &errno, &peer),
            &mut || observe(&default, &errno, &peer),
            &mut || by_hand(&errno),
            &mut || fair_by_hand(&errno),
            &mut || black_box(&bare).increment(1),
            &mut || following_counter(&bare),
            &mut || {
                map_classify(&errno);
                following_counter(&bare);
            },
        ],
    );
    println!(
        "error_path ratio (observe/bare_counter) [default, no subscriber]: {:.2}x  (observe {ns_default:.1} ns, bare counter {ns_bare:.1} ns; target <= 3x)",
        ns_default / ns_bare
    );
    println!(
        "error_path ratio (recorder_following_counter/bare_counter): {:.2}x  (asking metrics for the recorder in effect, then the increment: {ns_following:.1} ns)",
        ns_following / ns_bare
    );
    println!(
        "error_path ratio (map+classify+recorder_following_counter/bare_counter): {:.2}x  (the floor under observe: {ns_floor:.1} ns)",
        ns_floor / ns_bare
    );
    println!(
        "error_path ratio (fair_by_hand/observe) [default, no subscriber]: {:.1}x  (fair by hand {ns_fair:.1} ns, observe {ns_default:.1} ns)",
        ns_fair / ns_default
    );
    println!(
        "error_path ratio (by_hand/observe) [emit_event(false)]: {:.1}x  (by_hand {ns_hand:.1} ns, observe {ns_quiet:.1} ns; target >= 10x)",
        ns_hand / ns_quiet
    );
    println!(
        "error_path ratio (by_hand/observe) [default, no subscriber]: {:.1}x  (by_hand {ns_hand:.1} ns, observe {ns_default:.1} ns; target >= 10x)",
        ns_hand / ns_default
    );

    // Both kinds of counter reached the recorder.
    let text = recorder().render();
    let ours = text
        .lines()
        .find(|l| l.starts_with("wsa_socket_errors_total{") && l.contains("WSAECONNRESET"))
        .expect("the observer's counter is exported");
    assert!(ours.contains("op=\"read\""), "{ours}");
    assert!(
        text.lines().any(|l| l.starts_with("socket_errors_total{")),
        "the hand-written counter is exported"
    );
    println!("error_path exported: {ours}");
}

criterion_group!(benches, bench_map_classify, bench_observe, figures);
criterion_main!(benches);
