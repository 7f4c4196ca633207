//! The per-code event rate limit under a storm: one million errors, a handful of log lines,
//! exact counters, and summaries that account for every dropped event; and the default
//! limit, which every observer has, under a burst of real loopback resets.

use crate::support;

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use metrics_util::debugging::DebuggingRecorder;
use tracing::field::{Field, Visit};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::Op;

use support::subscriber::{with_shared, SharedLayer};
use support::{capture_with, Counters, Series};

const STORM: u64 = 1_000_000;
const PER: u32 = 10;
const FAILED: &str = "socket operation failed";
const SUPPRESSED: &str = "socket error events suppressed by the rate limit";

/// What the capturing layer tallies.
#[derive(Debug, Default)]
struct Tally {
    /// Error events, by `wsa.symbol`.
    failed: BTreeMap<String, u64>,
    /// Summary events.
    summaries: u64,
    /// The sum of the summaries' `wsa.suppressed`, by `wsa.symbol`.
    suppressed: BTreeMap<String, u64>,
    /// Anything else from the crate.
    other: Vec<String>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Tally>>);

#[derive(Default)]
struct Fields {
    message: String,
    symbol: String,
    suppressed: Option<u64>,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "wsa.suppressed" {
            self.suppressed = Some(value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "wsa.symbol" {
            self.symbol = value.to_owned();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != wsa_trace::observe::TARGET {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut tally = self.0.lock().unwrap();
        match fields.message.as_str() {
            FAILED => *tally.failed.entry(fields.symbol).or_default() += 1,
            SUPPRESSED => {
                tally.summaries += 1;
                let n = fields.suppressed.expect("a summary carries wsa.suppressed");
                *tally.suppressed.entry(fields.symbol).or_default() += n;
            }
            other => tally.other.push(other.to_owned()),
        }
    }
}

/// The value of counter `name` labelled `code` (and nothing else, or also `category`/`op`).
fn counter(snapshot: &[Series], name: &str, code: &str) -> u64 {
    snapshot
        .iter()
        .filter(|s| s.name == name && s.labels.get("code").map(String::as_str) == Some(code))
        .map(|s| s.value)
        .sum()
}

/// Takes what `capture` tallied, and reads `code`'s figures: its errors counted, its events
/// the limit dropped (counted), its error events emitted and the dropped events its summaries
/// reported.
fn figures(capture: &Capture, counters: &Counters, code: &str) -> (Tally, [u64; 4]) {
    let tally = std::mem::take(&mut *capture.0.lock().unwrap());
    let snapshot = counters.series();
    let figures = [
        counter(&snapshot, "wsa_socket_errors_total", code),
        counter(&snapshot, "wsa_suppressed_events_total", code),
        tally.failed.get(code).copied().unwrap_or(0),
        tally.suppressed.get(code).copied().unwrap_or(0),
    ];
    (tally, figures)
}

#[test]
fn a_million_errors_log_a_handful_of_lines_and_count_exactly() {
    let capture = Capture::default();
    let ((elapsed, flushed, summaries_before_flush), counters) =
        capture_with(capture.clone(), || {
            let observer = Observer::new().rate_limit(PER, Duration::from_secs(1));
            let err = io::Error::from(io::ErrorKind::ConnectionReset);
            let peer = Peer::unknown();
            let started = Instant::now();
            for _ in 0..STORM {
                observer.observe_io(&err, Op::Read, &peer);
            }
            let elapsed = started.elapsed();
            let summaries_before_flush = capture.0.lock().unwrap().summaries;
            (elapsed, observer.flush_suppressed(), summaries_before_flush)
        });

    let (tally, [errors, suppressed, emitted, summarized]) =
        figures(&capture, &counters, "WSAECONNRESET");
    let snapshot = counters.series();
    let bound = u64::from(PER) * (elapsed.as_secs_f64().ceil() as u64 + 1);
    println!(
        "rate_limit: {STORM} errors in {:.3} s ({:.0} ns each): {emitted} events (bound {bound}), \
         {} summaries ({summaries_before_flush} before the flush) reporting {summarized}, \
         counters: errors {errors}, suppressed {suppressed}; flush_suppressed() returned {flushed}",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e9 / STORM as f64,
        tally.summaries,
    );

    assert!(
        tally.other.is_empty(),
        "unexpected events: {:?}",
        tally.other
    );
    assert_eq!(tally.failed.len(), 1, "{tally:?}");
    assert_eq!(
        tally.suppressed.keys().collect::<Vec<_>>(),
        ["WSAECONNRESET"]
    );
    // Log lines bounded by the configured rate, and at least the first window's worth.
    assert!(emitted >= u64::from(PER), "{emitted} events");
    assert!(emitted <= bound, "{emitted} events in {elapsed:?}");
    // The error counter is exact whatever the limit drops.
    assert_eq!(errors, STORM);
    assert_eq!(
        snapshot
            .iter()
            .filter(|s| s.name == "wsa_socket_errors_total")
            .count(),
        1
    );
    // Every error was either logged or counted as suppressed...
    assert_eq!(suppressed + emitted, STORM);
    // ...and every suppressed event was reported by a summary, before or at the flush.
    assert_eq!(summarized, suppressed);
    assert!(
        flushed > 0 && flushed <= suppressed,
        "flushed {flushed} of {suppressed}"
    );
    assert_eq!(tally.summaries, summaries_before_flush + 1);
    // Windows of one second: a summary per window boundary crossed, at most.
    assert!(
        summaries_before_flush <= elapsed.as_secs() + 1,
        "{summaries_before_flush} summaries in {elapsed:?}"
    );
}

#[test]
fn each_code_has_its_own_budget() {
    let capture = Capture::default();
    let (flushed, counters) = capture_with(capture.clone(), || {
        let observer = Observer::new().rate_limit(3, Duration::from_secs(3600));
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        for _ in 0..100 {
            observer.observe_io(&reset, Op::Read, &Peer::unknown());
            observer.observe_io(&refused, Op::Connect, &Peer::unknown());
        }
        let flushed = observer.flush_suppressed();
        // Nothing left to flush.
        assert_eq!(observer.flush_suppressed(), 0);
        flushed
    });
    let tally = std::mem::take(&mut *capture.0.lock().unwrap());
    let snapshot = counters.series();
    assert_eq!(flushed, 2 * 97);
    for code in ["WSAECONNRESET", "WSAECONNREFUSED"] {
        assert_eq!(tally.failed.get(code), Some(&3), "{tally:?}");
        assert_eq!(tally.suppressed.get(code), Some(&97), "{tally:?}");
        assert_eq!(counter(&snapshot, "wsa_socket_errors_total", code), 100);
        assert_eq!(counter(&snapshot, "wsa_suppressed_events_total", code), 97);
    }
    assert_eq!(tally.summaries, 2);
}

#[test]
fn summaries_at_each_new_window_account_for_every_dropped_event() {
    const PER: u32 = 5;
    const INTERVAL: Duration = Duration::from_millis(50);
    const RUN: Duration = Duration::from_millis(400);
    let capture = Capture::default();
    let ((calls, elapsed, summaries_before_flush, flushed), counters) =
        capture_with(capture.clone(), || {
            let observer = Observer::new().rate_limit(PER, INTERVAL);
            let err = io::Error::from(io::ErrorKind::TimedOut);
            let started = Instant::now();
            let mut calls = 0u64;
            while started.elapsed() < RUN && calls < 50_000_000 {
                observer.observe_io(&err, Op::Connect, &Peer::unknown());
                calls += 1;
            }
            let elapsed = started.elapsed();
            let before = capture.0.lock().unwrap().summaries;
            (calls, elapsed, before, observer.flush_suppressed())
        });
    let (_, [errors, suppressed, emitted, summarized]) =
        figures(&capture, &counters, "WSAETIMEDOUT");
    let windows = (elapsed.as_secs_f64() / INTERVAL.as_secs_f64()).ceil() as u64 + 1;
    println!(
        "rate_limit windows: {calls} errors in {elapsed:?}: {emitted} events (bound {}), \
         {summaries_before_flush} summaries during the storm, 1 at the flush ({flushed}), \
         suppressed {suppressed}",
        u64::from(PER) * windows
    );
    assert_eq!(errors, calls);
    assert_eq!(emitted + suppressed, calls);
    assert!(emitted <= u64::from(PER) * windows, "{emitted} events");
    // The storm spans several windows: each new one reported the last one's drops.
    assert!(
        summaries_before_flush >= 2,
        "{summaries_before_flush} summaries"
    );
    assert!(
        summaries_before_flush < windows,
        "{summaries_before_flush} summaries"
    );
    // Every window but the last (which the end of the storm may cut short) emitted its fill.
    assert!(
        emitted > u64::from(PER) * summaries_before_flush,
        "{emitted} events"
    );
    assert_eq!(summarized, suppressed);
    assert!(flushed <= suppressed);
}

#[test]
fn threads_sharing_one_observer_lose_no_count() {
    const THREADS: u64 = 4;
    const EACH: u64 = STORM / THREADS;
    // Leaked: counter handles are kept per recorder address (see `wsa_trace::metrics`).
    let recorder: &'static DebuggingRecorder = Box::leak(Box::new(DebuggingRecorder::new()));
    let counters = Counters::new(recorder.snapshotter());
    let capture = Capture::default();
    let layer: SharedLayer = Arc::new(capture.clone());
    let observer = Observer::new().rate_limit(PER, Duration::from_millis(100));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                with_shared(Arc::clone(&layer), || {
                    metrics::with_local_recorder(recorder, || {
                        let err = io::Error::from(io::ErrorKind::ConnectionReset);
                        for _ in 0..EACH {
                            observer.observe_io(&err, Op::Read, &Peer::unknown());
                        }
                    })
                })
            });
        }
    });
    let elapsed = started.elapsed();
    let flushed = with_shared(layer, || observer.flush_suppressed());
    let (tally, [errors, suppressed, emitted, summarized]) =
        figures(&capture, &counters, "WSAECONNRESET");
    let windows = (elapsed.as_secs_f64() / 0.1).ceil() as u64 + 1;
    println!(
        "rate_limit threads: {THREADS} x {EACH} errors in {elapsed:?}: {emitted} events \
         (bound {}), {} summaries, suppressed {suppressed}, flushed {flushed}",
        u64::from(PER) * windows,
        tally.summaries
    );
    assert_eq!(errors, STORM);
    assert_eq!(emitted + suppressed, STORM);
    assert_eq!(summarized, suppressed);
    assert!(emitted <= u64::from(PER) * windows, "{emitted} events");
}

// ---------------------------------------------------------------------------------------
// The default limit, under real resets
// ---------------------------------------------------------------------------------------

/// The default limit needs the stream wrapper (feature `tokio`).
#[cfg(feature = "tokio")]
mod default_limit {
    use super::*;

    use tokio::io::AsyncReadExt;
    use tokio::net::TcpStream;
    use wsa_trace::TraceStream;

    /// Set in the environment of the child process that runs [`reset_burst_child`].
    const CHILD_ENV: &str = "WSA_TRACE_RESET_BURST_CHILD";
    /// The marker line the child prints.
    const MARKER: &str = "RESET_BURST";
    /// Connections the peer resets: many times the default limit.
    const RESETS: usize = 200;

    /// The default limit is one for the process: it is checked in a child process, where no other
    /// test spends it.
    #[test]
    fn a_burst_of_real_resets_logs_at_most_the_default_limit() {
        let out = support::run_ignored_child(
            module_path!(),
            "reset_burst_child",
            CHILD_ENV,
            Duration::from_secs(60),
        );
        assert!(out.marker_line(MARKER).contains("resets=200"), "{out}");
    }

    /// Run by [`a_burst_of_real_resets_logs_at_most_the_default_limit`] in a child process. Does
    /// nothing elsewhere.
    #[test]
    #[ignore = "run in a child process by a_burst_of_real_resets_logs_at_most_the_default_limit"]
    fn reset_burst_child() {
        if std::env::var_os(CHILD_ENV).is_none() {
            return;
        }
        let capture = Capture::default();
        let ((resets, elapsed, flushed), counters) = capture_with(capture.clone(), || {
            support::block_on(async {
                tokio::time::timeout(support::LIMIT * 6, reset_burst())
                    .await
                    .expect("the burst ends within 30 s")
            })
        });
        let (tally, [errors, suppressed, emitted, summarized]) =
            figures(&capture, &counters, "WSAECONNRESET");
        let per = u64::from(Observer::DEFAULT_RATE_LIMIT);
        let windows = (elapsed.as_secs_f64() / Observer::DEFAULT_RATE_INTERVAL.as_secs_f64()).ceil()
            as u64
            + 1;
        println!(
            "{MARKER} resets={resets} elapsed_ms={} emitted={emitted} bound={} suppressed={suppressed} \
             summaries={} summarized={summarized} flushed={flushed} errors={errors}",
            elapsed.as_millis(),
            per * windows,
            tally.summaries,
        );
        assert!(tally.other.is_empty(), "{:?}", tally.other);
        // Every reset counted, whatever the limit dropped.
        assert_eq!(errors, resets as u64);
        // At most the default limit logged in each window, and at least the first window's fill.
        assert!(emitted >= per, "{emitted} events");
        assert!(emitted <= per * windows, "{emitted} events in {elapsed:?}");
        // The rest dropped, counted and reported by the summaries.
        assert_eq!(emitted + suppressed, resets as u64);
        assert!(tally.summaries >= 1, "no summary");
        assert!(flushed > 0, "nothing left to flush");
        assert_eq!(summarized, suppressed);
    }

    /// [`RESETS`] connections to a loopback server that resets each one, each read through a
    /// `TraceStream` with a default observer until the reset shows. Returns the resets seen, the
    /// time from the first read to the last, and what `flush_suppressed` reported.
    async fn reset_burst() -> (usize, Duration, u64) {
        let listener = support::loopback_listener().await;
        let addr = listener.local_addr().unwrap();
        // In rounds that fit any listen backlog: connect, then accept and reset.
        let mut clients = Vec::with_capacity(RESETS);
        while clients.len() < RESETS {
            let round = (RESETS - clients.len()).min(64);
            for _ in 0..round {
                clients.push(TcpStream::connect(addr).await.expect("connect"));
            }
            for _ in 0..round {
                let (stream, _) = listener.accept().await.expect("accept");
                stream.set_zero_linger().expect("SO_LINGER 0");
                drop(stream);
            }
        }
        let started = Instant::now();
        let mut resets = 0;
        for tcp in clients {
            let peer = Peer::from(addr);
            let mut stream = TraceStream::new(tcp, Observer::new(), peer);
            let mut buf = [0u8; 16];
            let err = stream.read(&mut buf).await.expect_err(
                "the peer reset (under Wine 8 a read after a reset ends as a graceful close, \
                 unlike Windows: README, Platforms)",
            );
            assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
            resets += 1;
        }
        let elapsed = started.elapsed();
        (resets, elapsed, Observer::new().flush_suppressed())
    }
}
