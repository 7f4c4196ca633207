//! The rate limit: what an error whose event is emitted costs, against one whose event the
//! limit suppresses.
//!
//! A `tracing_subscriber::fmt` subscriber writing to `io::sink()` is installed globally, so
//! that an emitted event is formatted in full, as it would be in production. No metrics
//! recorder is installed: the counter is the same no-op in every variant.
//!
//! - `emitted`: `Observer::new().no_rate_limit()`: every call formats and writes an event.
//! - `emitted_under_limit`: a limit that is never reached (`u32::MAX` per hour): the limiter's
//!   bookkeeping on top of `emitted`.
//! - `suppressed`: a limit of 1 per hour, spent before measuring: every call is dropped and
//!   counted.
//! - `no_event`: `emit_event(false)`: map, classify and count only, the floor under
//!   `suppressed`.
//! - `by_hand` (figures only): what a careful user writes by hand, `warn!(error = %err)` and
//!   a `counter!` labelled with the kind and the raw code ([`common::fair_by_hand`]), through
//!   the same subscriber.
//! - `same_fields_by_hand` (figures only): the observer's default event written by hand, its
//!   six fields, the peer's address and port, and `error`, with values known in advance, and
//!   the same counter ([`common::same_fields_by_hand`]): the fields' own cost in the
//!   subscriber.
//!
//! After criterion's groups, the same variants run again in interleaved rounds and the
//! medians give the printed figures, among them the ratio emitted / suppressed, and the
//! ratios emitted / by_hand and emitted / same_fields_by_hand, first through the installed
//! subscriber (ANSI colours on, `fmt`'s default), then through the same subscriber without
//! colours, set for the figures' thread. The figures pass runs only under `cargo bench`.

mod common;

use std::hint::black_box;
use std::io;
use std::sync::Once;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{Op, WsaCode};

use common::{fair_by_hand, interleaved, run_by_cargo_bench, same_fields_by_hand, ROUNDS};

/// Calls per variant per round.
const CALLS: u32 = 20_000;
/// Calls before the limited observers are measured.
const WARM_UP: u32 = 10;

/// The formatting subscriber, writing to a sink, with or without ANSI colours.
fn fmt_subscriber(ansi: bool) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_writer(io::sink)
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(ansi)
        .finish()
}

/// Installs the formatting subscriber, with `fmt`'s default colours, once.
fn subscriber() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(fmt_subscriber(true)).expect("the only subscriber");
    });
}

fn error() -> io::Error {
    io::Error::from_raw_os_error(libc::ECONNRESET)
}

/// The observers, each used a few times so that its counter handle exists and the limited
/// one's budget is spent.
fn observers(err: &io::Error, peer: &Peer) -> [Observer; 4] {
    subscriber();
    let emitted = Observer::new().no_rate_limit();
    let under_limit = Observer::new().rate_limit(u32::MAX, Duration::from_secs(3600));
    let suppressed = Observer::new().rate_limit(1, Duration::from_secs(3600));
    let no_event = Observer::new().emit_event(false);
    for o in [&emitted, &under_limit, &suppressed, &no_event] {
        for _ in 0..WARM_UP {
            o.observe_io(err, Op::Read, peer);
        }
    }
    [emitted, under_limit, suppressed, no_event]
}

#[inline(always)]
fn observe(observer: &Observer, err: &io::Error, peer: &Peer) {
    black_box(observer.observe_io(black_box(err), Op::Read, peer));
}

fn bench_events(c: &mut Criterion) {
    let err = error();
    let peer = Peer::from(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
    let [emitted, under_limit, suppressed, no_event] = observers(&err, &peer);

    let mut group = c.benchmark_group("rate_limit");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("emitted", |b| b.iter(|| observe(&emitted, &err, &peer)));
    group.bench_function("emitted_under_limit", |b| {
        b.iter(|| observe(&under_limit, &err, &peer))
    });
    group.bench_function("suppressed", |b| {
        b.iter(|| observe(&suppressed, &err, &peer))
    });
    group.bench_function("no_event", |b| b.iter(|| observe(&no_event, &err, &peer)));
    group.finish();
}

fn figures(_: &mut Criterion) {
    if !run_by_cargo_bench() {
        println!("rate_limit: figures pass skipped (not run by `cargo bench`)");
        return;
    }
    let err = error();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 8080));
    let peer = Peer::from(addr);
    let [emitted, under_limit, suppressed, no_event] = observers(&err, &peer);
    // Everything the suppressed variant drops must be reported at the end.
    let before = suppressed.flush_suppressed();
    assert_eq!(before, u64::from(WARM_UP) - 1);

    let description = WsaCode::WSAECONNRESET
        .description()
        .expect("a catalog code");
    let [ns_emitted, ns_under, ns_suppressed, ns_none, ns_hand, ns_same] = interleaved(
        CALLS,
        &mut [
            &mut || observe(&emitted, &err, &peer),
            &mut || observe(&under_limit, &err, &peer),
            &mut || observe(&suppressed, &err, &peer),
            &mut || observe(&no_event, &err, &peer),
            &mut || fair_by_hand(&err),
            &mut || same_fields_by_hand(&err, description, addr),
        ],
    );
    let [plain_emitted, plain_hand, plain_same] =
        tracing::subscriber::with_default(fmt_subscriber(false), || {
            interleaved(
                CALLS,
                &mut [
                    &mut || observe(&emitted, &err, &peer),
                    &mut || fair_by_hand(&err),
                    &mut || same_fields_by_hand(&err, description, addr),
                ],
            )
        });
    let dropped = suppressed.flush_suppressed();
    assert_eq!(dropped, CALLS as u64 * ROUNDS as u64);
    assert_eq!(under_limit.flush_suppressed(), 0);
    println!(
        "rate_limit ratio (emitted/suppressed): {:.1}x  (emitted {ns_emitted:.1} ns, \
         suppressed {ns_suppressed:.1} ns)",
        ns_emitted / ns_suppressed
    );
    for (colours, emitted, hand, same) in [
        ("ANSI colours", ns_emitted, ns_hand, ns_same),
        ("no colours", plain_emitted, plain_hand, plain_same),
    ] {
        println!(
            "rate_limit ratio (emitted/by_hand) [fmt subscriber, {colours}]: {:.2}x  (emitted \
             {emitted:.1} ns, warn!(error) + counter! by hand {hand:.1} ns; target <= 1.5x)",
            emitted / hand
        );
        println!(
            "rate_limit ratio (emitted/same_fields_by_hand) [fmt subscriber, {colours}]: {:.2}x  \
             (emitted {emitted:.1} ns, the same fields by hand {same:.1} ns)",
            emitted / same
        );
    }
    println!(
        "rate_limit limiter overhead on an emitted event: {:+.1} ns  (under the limit \
         {ns_under:.1} ns, no limit {ns_emitted:.1} ns)",
        ns_under - ns_emitted
    );
    println!(
        "rate_limit cost of suppressing: {:+.1} ns  (suppressed {ns_suppressed:.1} ns, \
         no event at all {ns_none:.1} ns)",
        ns_suppressed - ns_none
    );
}

criterion_group!(benches, bench_events, figures);
criterion_main!(benches);
