//! Helpers shared by the benchmarks: the interleaved rounds of their figures passes, the fair
//! hand-written baseline of the error path, and (in
//! [`ready`], shared with the allocation tests) the always-ready in-memory stream and the
//! no-op waker that the success-path benchmark polls by hand.
//!
//! Each benchmark uses a part of this module only.
#![allow(dead_code)]

use std::hint::black_box;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

#[path = "../../tests/support/ready.rs"]
pub mod ready;

/// Interleaved rounds of a figures pass.
pub const ROUNDS: usize = 20;

/// Whether `cargo bench` runs this binary: it passes `--bench`, `cargo test --benches` does
/// not. The figures passes run only then.
pub fn run_by_cargo_bench() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Median ns per call of each variant, run in `ROUNDS` interleaved rounds of `calls` calls,
/// the order rotating every round.
pub fn interleaved<const N: usize>(calls: u32, variants: &mut [&mut dyn FnMut(); N]) -> [f64; N] {
    let mut samples: [Vec<f64>; N] = std::array::from_fn(|_| Vec::with_capacity(ROUNDS));
    for round in 0..ROUNDS {
        for k in 0..N {
            let i = (round + k) % N;
            let f = &mut variants[i];
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            samples[i].push(start.elapsed().as_secs_f64() * 1e9 / f64::from(calls));
        }
    }
    samples.map(|mut s| median(&mut s))
}

/// Runs `bare` and `traced` alternately for `ROUNDS` rounds (swapping which goes first every
/// round); each returns the seconds it took for the same amount of work. Returns the medians
/// (bare, wrapped) in seconds.
pub fn interleaved_pair(
    mut bare: impl FnMut() -> f64,
    mut traced: impl FnMut() -> f64,
) -> (f64, f64) {
    let mut b = Vec::with_capacity(ROUNDS);
    let mut t = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            b.push(bare());
            t.push(traced());
        } else {
            t.push(traced());
            b.push(bare());
        }
    }
    (median(&mut b), median(&mut t))
}

/// What a careful user writes by hand to log and count a socket error: an event whose `error`
/// field is formatted only if a subscriber wants it, and `counter!` labelled with the error's
/// `kind()` and raw OS code instead of its text, the handle built per call as `counter!` does.
#[inline(always)]
pub fn fair_by_hand(err: &io::Error) {
    let err = black_box(err);
    tracing::warn!(error = %err, "socket operation failed");
    count_by_hand(err);
}

/// The counter of the hand-written baselines: labelled with the error's `kind()` and raw OS
/// code, the handle built per call as `counter!` does.
#[inline(always)]
fn count_by_hand(err: &io::Error) {
    metrics::counter!(
        "fair_socket_errors_total",
        "kind" => format!("{:?}", err.kind()),
        "code" => err.raw_os_error().unwrap_or(0).to_string()
    )
    .increment(1);
}

/// The event an observer emits by default, written by hand with its values known in advance:
/// the same six fields, the peer's address and port, and `error`, and the same counter as
/// [`fair_by_hand`]. Against it, an observer's emitted event shows what mapping and
/// classifying add to the fields' own cost.
#[inline(always)]
pub fn same_fields_by_hand(err: &io::Error, description: &'static str, peer: SocketAddr) {
    let err = black_box(err);
    let peer = black_box(peer);
    tracing::warn!(
        wsa.code = 10054,
        wsa.symbol = "WSAECONNRESET",
        wsa.category = "transient",
        wsa.retry = "reconnect",
        wsa.description = description,
        wsa.op = "read",
        network.peer.address = %peer.ip(),
        network.peer.port = i64::from(peer.port()),
        error = %err,
        "socket operation failed"
    );
    count_by_hand(err);
}
