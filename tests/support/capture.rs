//! Capturing what an observer produces on the current thread: a fresh metrics recorder, and
//! the events of the binary's one subscriber (see [`subscriber`](super::subscriber)).

use std::future::Future;
use std::time::Duration;

use metrics_util::debugging::DebuggingRecorder;
use tracing_subscriber::layer::Layer;
use tracing_subscriber::Registry;

use super::counters::{Counters, COUNTER};
use super::events::{CaptureLayer, Event, Events};
use super::runtime::{block_on, block_on_paused, within};
use super::subscriber;

/// What a [`capture`]d closure produced: counters and events.
#[derive(Debug)]
pub struct Captured {
    pub counters: Counters,
    pub events: Events,
}

impl Captured {
    /// The value of the default counter for (`code`, `category`, `op`).
    pub fn count(&self, code: &str, category: &str, op: &str) -> u64 {
        self.counters.value(COUNTER, code, category, op)
    }

    /// The sum of every series of the default counter.
    pub fn total(&self) -> u64 {
        self.counters.total(COUNTER)
    }

    /// Asserts that exactly one event names `symbol` and `op`, and returns it.
    pub fn one_event(&self, symbol: &str, op: &str) -> Event {
        let found = self.events.matching(symbol, op);
        assert_eq!(
            found.len(),
            1,
            "events for {symbol}/{op}: {found:#?}\nall: {:#?}",
            self.events.wsa()
        );
        found.into_iter().next().unwrap()
    }
}

/// Runs `f` with a fresh [`DebuggingRecorder`] as this thread's metrics recorder and a
/// [`CaptureLayer`] receiving this thread's spans and events (through the binary's one
/// subscriber, see [`subscriber`]). Observers count into the recorder
/// in effect where they count: run async code with [`block_on`] (a current-thread runtime)
/// inside `f`.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Captured) {
    let events = Events::default();
    let (out, counters) = capture_with(CaptureLayer(events.clone()), f);
    (out, Captured { counters, events })
}

/// [`count`] with `layer` receiving this thread's spans and events (through the binary's one
/// subscriber, see [`subscriber`]), for tests that capture events their own way.
pub fn capture_with<L, T>(layer: L, f: impl FnOnce() -> T) -> (T, Counters)
where
    L: Layer<Registry> + Send + Sync + 'static,
{
    subscriber::with_layer(layer, || count(f))
}

/// Runs `f` with a fresh [`DebuggingRecorder`] as this thread's metrics recorder, and no
/// tracing layer (the binary's one subscriber is installed first, see [`subscriber`]).
/// Observers count on the thread that runs `f`.
///
/// The recorder is leaked: counter handles are kept per recorder address for the whole
/// process, so each test's recorder must have an address no later one can take.
pub fn count<T>(f: impl FnOnce() -> T) -> (T, Counters) {
    subscriber::install();
    let recorder: &'static DebuggingRecorder = Box::leak(Box::new(DebuggingRecorder::new()));
    let counters = Counters::new(recorder.snapshotter());
    let out = metrics::with_local_recorder(recorder, f);
    (out, counters)
}

/// Installs a fresh [`DebuggingRecorder`] as the recorder of the whole process (a child
/// process's, where no other test runs), and returns its counters.
pub fn install_counters() -> Counters {
    let recorder = DebuggingRecorder::new();
    let counters = Counters::new(recorder.snapshotter());
    recorder
        .install()
        .expect("the only recorder of this process");
    counters
}

/// Runs `fut` on a paused runtime ([`block_on_paused`]) inside [`capture`], failing if it
/// takes longer than `limit` of the paused clock.
pub fn capture_paused<F: Future>(limit: Duration, fut: F) -> (F::Output, Captured) {
    capture(|| block_on_paused(within(limit, fut)))
}

/// Runs `fut` on a current-thread runtime inside [`capture`], failing if it takes longer than
/// `limit`.
pub fn capture_async<F: Future>(limit: Duration, fut: F) -> (F::Output, Captured) {
    capture(|| block_on(within(limit, fut)))
}

/// Runs `fut` on a current-thread runtime inside [`count`], failing if it takes longer than
/// `limit`.
pub fn count_async<F: Future>(limit: Duration, fut: F) -> (F::Output, Counters) {
    count(|| block_on(within(limit, fut)))
}
