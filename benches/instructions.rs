//! The error-path variants of `error_path` and `rate_limit`, one at a time, for counting
//! instructions with callgrind, which a busy machine does not disturb as it does timings:
//!
//! ```sh
//! bash scripts/instructions.sh        # every variant, instructions per call
//! ```
//!
//! Run as `instructions VARIANT CALLS`; the calls are made in the closure that
//! `scripts/instructions.sh` tells callgrind to count. Under `cargo bench` (no variant given)
//! it lists the variants and does nothing else.

mod common;

use std::hint::black_box;
use std::io;

use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{default_class, Mapping, Op};

use common::{fair_by_hand, same_fields_by_hand};

const VARIANTS: &[(&str, &str)] = &[
    (
        "nothing",
        "an empty call: the loop's own cost, to subtract from the others",
    ),
    ("errno", "map + classify an errno error (ECONNRESET)"),
    ("kind", "map + classify an ErrorKind-only error"),
    ("wrapped", "map + classify io::Error::new(kind, os_error)"),
    ("bare", "increment a counter registered beforehand"),
    (
        "observe",
        "Observer::observe_io, Prometheus recorder, no subscriber",
    ),
    ("quiet", "the same with emit_event(false)"),
    (
        "count_by_hand",
        "warn!(error = %e) + counter! by kind and raw code, no subscriber",
    ),
    (
        "event",
        "Observer::observe_io, emitted through the fmt subscriber",
    ),
    (
        "event_by_hand",
        "warn!(error = %e) + counter! through the fmt subscriber",
    ),
    (
        "event_same_fields",
        "the default event's fields (peer included) written by hand + the same counter, fmt subscriber",
    ),
    (
        "event_plain",
        "Observer::observe_io, through the fmt subscriber without ANSI colours",
    ),
    (
        "event_by_hand_plain",
        "warn!(error = %e) + counter! through the fmt subscriber without ANSI colours",
    ),
    (
        "event_same_fields_plain",
        "the default event's fields written by hand + the same counter, without ANSI colours",
    ),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(variant), Some(calls)) = (args.next(), args.next().and_then(|n| n.parse().ok()))
    else {
        println!("instructions: run as `instructions VARIANT CALLS` (scripts/instructions.sh)");
        for (name, what) in VARIANTS {
            println!("  {name:14} {what}");
        }
        return;
    };
    let _recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .expect("the only recorder");
    if variant.starts_with("event") {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(io::sink)
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(!variant.ends_with("_plain"))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    }
    let errno = io::Error::from_raw_os_error(libc::ECONNRESET);
    let kind = io::Error::from(io::ErrorKind::ConnectionReset);
    let wrapped = io::Error::new(
        io::ErrorKind::ConnectionReset,
        io::Error::from_raw_os_error(libc::ECONNRESET),
    );
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 8080));
    let peer = Peer::from(addr);
    let description = wsa_trace::WsaCode::WSAECONNRESET
        .description()
        .expect("a catalog code");
    // No rate limit: the `event` variants emit every call's event.
    let observer = Observer::new().no_rate_limit();
    let quiet = Observer::new().emit_event(false);
    let bare = metrics::counter!("bare_socket_errors_total", "code" => "WSAECONNRESET");
    let map = |err: &io::Error| {
        black_box(default_class(
            Mapping::from_io_error(black_box(err)).code(),
            Op::Read,
        ));
    };
    let observe = |o: &Observer| {
        black_box(o.observe_io(black_box(&errno), Op::Read, &peer));
    };
    let call: Box<dyn Fn()> = match variant.as_str() {
        "nothing" => Box::new(|| black_box(())),
        "errno" => Box::new(|| map(&errno)),
        "kind" => Box::new(|| map(&kind)),
        "wrapped" => Box::new(|| map(&wrapped)),
        "bare" => Box::new(|| black_box(&bare).increment(1)),
        "observe" | "event" | "event_plain" => Box::new(|| observe(&observer)),
        "quiet" => Box::new(|| observe(&quiet)),
        "count_by_hand" | "event_by_hand" | "event_by_hand_plain" => {
            Box::new(|| fair_by_hand(&errno))
        }
        "event_same_fields" | "event_same_fields_plain" => {
            Box::new(|| same_fields_by_hand(&errno, description, addr))
        }
        other => panic!("no variant {other}"),
    };
    // Registers handles and callsites before counting.
    call();
    run(calls, &*call);
}

/// The loop callgrind counts (`--toggle-collect=instructions::run`).
#[inline(never)]
fn run(calls: u32, call: &dyn Fn()) {
    for _ in 0..calls {
        call();
    }
}
