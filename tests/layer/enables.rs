//! What adding `WsaLayer` turns on: nothing, in the three usual compositions (a global
//! `EnvFilter`, an fmt layer with a filter of its own, a plain fmt layer) and beside a global
//! filter that answers `sometimes` with no level hint, with the layer first or last; and what
//! a level of its own turns on.
//!
//! The level hint and the callsites' interest are process-wide (tracing-core keeps them for
//! every live dispatcher), so the compositions are built one after the other in a child
//! process where no other test runs, each alone while it lives.

use crate::support;

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::Dispatch;
use tracing_subscriber::layer::Context;
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;
use wsa_trace::layer::WsaLayer;

const CHILD_ENV: &str = "WSA_TRACE_LAYER_ENABLES_CHILD";
const MARKER: &str = "enables: ";
const LOGGED: &str = "wsa_logged_socket_errors_total";

/// How often a [`Counted`] value has been formatted.
static FORMATTED: AtomicUsize = AtomicUsize::new(0);

/// A field value that counts how often it is formatted, and reads as a socket error.
struct Counted;

impl fmt::Debug for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.fetch_add(1, Ordering::Relaxed);
        f.write_str("dial tcp: connect: connection refused")
    }
}

/// A filter that decides event by event (as a sampling or rate-limiting layer does): it
/// answers `sometimes` for every callsite and gives no level hint.
struct PerEvent;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for PerEvent {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        *meta.level() <= tracing::Level::INFO
    }
}

/// Where `WsaLayer` goes in a composition.
#[derive(Clone, Copy, Debug)]
enum Wsa {
    None,
    First,
    Last,
    /// Last, with a level of its own: TRACE.
    OwnTrace,
}

impl Wsa {
    /// The layer, when it goes last.
    fn last(self) -> WsaLayer {
        match self {
            Wsa::OwnTrace => WsaLayer::new().level(LevelFilter::TRACE),
            _ => WsaLayer::new(),
        }
    }
}

fn fmt_layer<S>() -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    tracing_subscriber::fmt::layer().with_writer(io::sink)
}

/// The registry with `layers`, in this order, as a dispatcher.
macro_rules! with {
    ($($layer:expr),*) => {
        Dispatch::new(tracing_subscriber::registry()$(.with($layer))*)
    };
}

/// The composition `name` with `wsa` where it says.
fn composition(name: &str, wsa: Wsa) -> Dispatch {
    let env = || EnvFilter::new("info");
    let info = LevelFilter::INFO;
    match (name, wsa) {
        ("global_env_filter", Wsa::None) => with!(env(), fmt_layer()),
        ("global_env_filter", Wsa::First) => with!(WsaLayer::new(), env(), fmt_layer()),
        ("global_env_filter", _) => with!(env(), fmt_layer(), wsa.last()),
        ("per_layer_filter", Wsa::None) => with!(fmt_layer().with_filter(info)),
        ("per_layer_filter", Wsa::First) => with!(WsaLayer::new(), fmt_layer().with_filter(info)),
        ("per_layer_filter", _) => with!(fmt_layer().with_filter(info), wsa.last()),
        ("per_layer_env_filter", Wsa::None) => with!(fmt_layer().with_filter(env())),
        ("per_layer_env_filter", Wsa::First) => {
            with!(WsaLayer::new(), fmt_layer().with_filter(env()))
        }
        ("per_layer_env_filter", _) => with!(fmt_layer().with_filter(env()), wsa.last()),
        ("global_per_event_filter", Wsa::None) => with!(PerEvent, fmt_layer()),
        ("global_per_event_filter", Wsa::First) => with!(WsaLayer::new(), PerEvent, fmt_layer()),
        ("global_per_event_filter", _) => with!(PerEvent, fmt_layer(), wsa.last()),
        ("plain_fmt", Wsa::None) => with!(fmt_layer()),
        ("plain_fmt", Wsa::First) => with!(WsaLayer::new(), fmt_layer()),
        ("plain_fmt", _) => with!(fmt_layer(), wsa.last()),
        _ => unreachable!("{name}"),
    }
}

const COMPOSITIONS: [&str; 5] = [
    "global_env_filter",
    "global_per_event_filter",
    "per_layer_filter",
    "per_layer_env_filter",
    "plain_fmt",
];

/// How often one event at each level formatted its field: `[trace, debug, info]`.
fn formatted(dispatch: &Dispatch) -> [usize; 3] {
    let mut counts = [0; 3];
    let mut count = |i: usize, emit: &dyn Fn()| {
        let before = FORMATTED.load(Ordering::Relaxed);
        tracing::dispatcher::with_default(dispatch, emit);
        counts[i] = FORMATTED.load(Ordering::Relaxed) - before;
    };
    count(
        0,
        &|| tracing::trace!(target: "lib", error = ?Counted, "connect"),
    );
    count(
        1,
        &|| tracing::debug!(target: "lib", error = ?Counted, "connect"),
    );
    count(
        2,
        &|| tracing::info!(target: "lib", error = ?Counted, "connect"),
    );
    counts
}

#[test]
fn adding_the_layer_turns_nothing_on() {
    let out = support::run_ignored_child(
        module_path!(),
        "enables_child",
        CHILD_ENV,
        Duration::from_secs(40),
    );
    let markers = out.markers(MARKER);
    let find = |name: &str, wsa: &str| {
        markers
            .iter()
            .find(|m| m["composition"] == name && m["wsa"] == wsa)
            .unwrap_or_else(|| panic!("no {name} {wsa}\n{out}"))
    };
    for name in COMPOSITIONS {
        let without = find(name, "None");
        for wsa in ["First", "Last"] {
            let with = find(name, wsa);
            assert_eq!(with["level"], without["level"], "{name}, {wsa}\n{out}");
            for level in ["trace", "debug", "info"] {
                let on = |m: &std::collections::BTreeMap<String, String>| m[level] != "0";
                assert_eq!(on(with), on(without), "{name}, {wsa}, {level}\n{out}");
            }
            // Where the fmt layer formats the field, the layer reads it once more.
            assert_eq!(with["info"], "2", "{name}, {wsa}\n{out}");
        }
        assert_eq!(without["info"], "1", "{name}\n{out}");
    }
    // The off levels cost nothing: their fields are never formatted.
    let per_layer = find("per_layer_filter", "Last");
    assert_eq!(per_layer["level"], "info", "{out}");
    assert_eq!(
        (&per_layer["trace"][..], &per_layer["debug"][..]),
        ("0", "0")
    );

    // A level of the layer's own turns TRACE on beside a per-layer filter: the fmt layer
    // still prints nothing below INFO, and the layer counts what hyper-util logs at TRACE.
    let own = find("per_layer_filter", "OwnTrace");
    assert_eq!(own["level"], "trace", "{out}");
    assert_eq!((&own["trace"][..], &own["debug"][..]), ("1", "1"), "{out}");
    assert_eq!(own["counted"], "3", "{out}");
    // A global filter decides for every layer: a level of the layer's own cannot pass it.
    let global = find("global_env_filter", "OwnTrace");
    assert_eq!((&global["trace"][..], &global["debug"][..]), ("0", "0"));
    assert_eq!(global["counted"], "1", "{out}");
}

/// Run by [`adding_the_layer_turns_nothing_on`] in a child process, where its dispatchers
/// are the only ones. Does nothing elsewhere.
#[test]
#[ignore = "run in a child process by adding_the_layer_turns_nothing_on"]
fn enables_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let counters = support::install_counters();
    for name in COMPOSITIONS {
        for wsa in [Wsa::None, Wsa::First, Wsa::Last, Wsa::OwnTrace] {
            let before = counters.total(LOGGED);
            let dispatch = composition(name, wsa);
            let level = LevelFilter::current();
            let [trace, debug, info] = formatted(&dispatch);
            drop(dispatch);
            let counted = counters.total(LOGGED) - before;
            println!(
                "{MARKER}composition={name} wsa={wsa:?} level={level} trace={trace} debug={debug} info={info} counted={counted}"
            );
        }
    }
}
