//! `--serve [ADDR] [--for SECONDS]`: after the tour, keep the misbehaving servers busy and
//! serve the counters, so that a real Prometheus can scrape them and a dashboard can graph
//! them.
//!
//! Every 500 ms a round runs the tour's six scenarios again, plus two that feed the other
//! counters:
//!
//! | scenario | what happens | counters |
//! |---|---|---|
//! | the tour's six | as in the tour | `wsa_socket_errors_total` |
//! | retried connect | a [`RetryPolicy`] of 2 attempts connects where nothing listens | `wsa_socket_errors_total`, `wsa_retries_total` |
//! | accept | a [`GuardedListener`] whose first accept fails with `EMFILE` pauses 10 ms, then accepts a real loopback connection | `wsa_socket_errors_total`, `wsa_accept_backoffs_total` |
//!
//! The `EMFILE` is injected by a listener wrapper: exhausting the process's descriptors for
//! real would starve the metrics endpoint too. Every other error comes from the kernel.
//!
//! Events go through an observer that logs at most one event per code every 10 s; the rest
//! are dropped and counted in `wsa_suppressed_events_total`.
//!
//! Two endpoints, on a loopback address only, served within the limits of `endpoint.rs`
//! (at most 64 connections, an idle one closed after 5 s or when a newer one needs its slot):
//!
//! | path | body |
//! |---|---|
//! | `/metrics` | the Prometheus exposition, rendered by the tour's recorder |
//! | `/report` | what the example itself counted, one `counter code op count` line per series, `-` for a counter without `op` |
//!
//! The report is the example's own tally, kept apart from the counters: it lets a checker
//! compare what Prometheus stored with what really happened. A series is tallied in the same
//! step (no await in between) as the error is observed, so a scrape never sees more than
//! the report that follows it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{interval, timeout, Instant, MissedTickBehavior};
use wsa_trace::net::{Accept, GuardedListener};
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::retry::RetryPolicy;
use wsa_trace::{default_class, Mapping, ObserveExt, Op, Retry, WsaCode};

use crate::scenarios::{self, Failure};
use crate::{check, endpoint};

/// Where `--serve` listens when no address is given.
const DEFAULT_ADDR: &str = "127.0.0.1:9898";

/// One round of scenarios at most this often.
const PERIOD: Duration = Duration::from_millis(500);

/// The bound on the waits of the serve-only scenarios.
const WAIT: Duration = Duration::from_secs(5);

/// What `--help` prints.
pub const USAGE: &str = "\
usage: tour [--serve [ADDR]] [--for SECONDS]

Runs the tour of wsa-trace against misbehaving loopback servers, and checks what it shows.

  --serve [ADDR]   then serve /metrics and /report on ADDR (loopback only; default
                   127.0.0.1:9898, 127.0.0.1:0 picks a free port) and run a round of the
                   scenarios every 500 ms
  --for SECONDS    stop serving after SECONDS (default: run until killed)
  -h, --help       print this and exit
";

/// What the command line asked for.
#[derive(Debug)]
pub struct Options {
    addr: SocketAddr,
    duration: Option<Duration>,
}

impl Options {
    /// Parses `--serve [ADDR]` and `--for SECONDS`; `None` without `--serve`.
    pub fn from_args() -> Result<Option<Options>, Failure> {
        let mut args = std::env::args().skip(1).peekable();
        let mut addr = None;
        let mut duration = None;
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--serve" => {
                    let text = match args.next_if(|next| !next.starts_with("--")) {
                        Some(text) => text,
                        None => DEFAULT_ADDR.to_owned(),
                    };
                    let parsed: SocketAddr = text
                        .parse()
                        .map_err(|err| format!("--serve {text}: {err}"))?;
                    if !parsed.ip().is_loopback() {
                        return Err(format!("--serve {text}: only loopback addresses").into());
                    }
                    addr = Some(parsed);
                }
                "--for" => {
                    let text = args.next().ok_or("--for needs a number of seconds")?;
                    let secs: f64 = text.parse().map_err(|err| format!("--for {text}: {err}"))?;
                    let secs = Duration::try_from_secs_f64(secs)
                        .map_err(|err| format!("--for {text}: {err}"))?;
                    duration = Some(secs);
                }
                "-h" | "--help" => return Err(Failure::from(Help)),
                other => {
                    return Err(format!(
                        "unknown argument {other:?}; usage: tour [--serve [ADDR]] [--for SECONDS]"
                    )
                    .into())
                }
            }
        }
        match (addr, duration) {
            (Some(addr), duration) => Ok(Some(Options { addr, duration })),
            (None, None) => Ok(None),
            (None, Some(_)) => Err("--for only goes with --serve".into()),
        }
    }
}

/// `--help` was asked for: not a failure, but no tour either.
#[derive(Debug)]
pub struct Help;

impl std::fmt::Display for Help {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(USAGE)
    }
}

impl std::error::Error for Help {}

/// The example's own count of what it made fail, by (counter, code, op).
#[derive(Debug, Default)]
pub struct Tally(BTreeMap<(String, &'static str, &'static str), u64>);

impl Tally {
    pub fn add(&mut self, counter: &str, code: &'static str, op: &'static str, n: u64) {
        *self.0.entry((counter.to_owned(), code, op)).or_default() += n;
    }

    pub fn render(&self) -> String {
        let mut out = String::from("# counter code op count\n");
        for ((counter, code, op), n) in &self.0 {
            let _ = writeln!(out, "{counter} {code} {op} {n}");
        }
        out
    }
}

pub type Shared = Arc<Mutex<Tally>>;

/// Serves `/metrics` and `/report` and runs a round every [`PERIOD`] until killed or until
/// `--for` is up. `seen` is what the tour itself made fail, each once.
pub async fn run(
    options: Options,
    prometheus: PrometheusHandle,
    errors_counter: &str,
    seen: &[(WsaCode, Op)],
) -> Result<(), Failure> {
    let tally = Shared::default();
    for (code, op) in seen {
        lock(&tally).add(errors_counter, code.label(), op.as_str(), 1);
    }

    let listener = TcpListener::bind(options.addr)
        .await
        .map_err(|err| format!("--serve {}: {err}", options.addr))?;
    let addr = listener.local_addr()?;
    // Per-peer counts too: each round refuses on a new port, so the first rounds take the
    // peer slots and the later ones count as `_other`.
    let observer = Observer::new()
        .rate_limit(1, Duration::from_secs(10))
        .count_peers(wsa_trace::metrics::DEFAULT_PEERS);
    tokio::spawn(endpoint::serve(
        listener,
        observer.clone(),
        prometheus,
        tally.clone(),
    ));
    println!("\nserving metrics on http://{addr}/metrics");
    println!("serving the example's own counts on http://{addr}/report");
    match options.duration {
        Some(duration) => println!("running for {duration:?}"),
        None => println!("running until killed"),
    }

    let deadline = options.duration.and_then(|d| Instant::now().checked_add(d));
    let mut ticks = interval(PERIOD);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut rounds = 0u64;
    loop {
        ticks.tick().await;
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            break;
        }
        round(&observer, &tally)
            .await
            .map_err(|failure| format!("round {}: {failure}", rounds + 1))?;
        rounds += 1;
    }
    let dropped = observer.flush_suppressed();
    println!("\n== served {rounds} rounds; the rate limit dropped {dropped} events since the last summary");
    print!("{}", lock(&tally).render());
    Ok(())
}

/// Runs every scenario once and tallies each error right where it comes back.
async fn round(observer: &Observer, tally: &Shared) -> Result<(), Failure> {
    let errors = observer.counter_name().to_owned();
    let count = |(code, op): (WsaCode, Op)| {
        lock(tally).add(&errors, code.label(), op.as_str(), 1);
    };
    count(
        check(
            "refused",
            scenarios::refused(observer),
            Op::Connect,
            &[WsaCode::WSAECONNREFUSED],
        )
        .await?,
    );
    count(
        check(
            "reset",
            scenarios::reset(observer),
            scenarios::reset_op(),
            &[WsaCode::WSAECONNRESET],
        )
        .await?,
    );
    count(
        check(
            "mid-write",
            scenarios::closed_mid_write(observer),
            Op::Write,
            &[WsaCode::WSAESHUTDOWN, WsaCode::WSAECONNRESET],
        )
        .await?,
    );
    count(
        check(
            "stalled",
            scenarios::stalled(observer),
            Op::Read,
            &[WsaCode::WSAETIMEDOUT],
        )
        .await?,
    );
    count(
        check(
            "bind",
            scenarios::addr_in_use(observer),
            Op::Bind,
            &[WsaCode::WSAEADDRINUSE],
        )
        .await?,
    );
    count(
        check(
            "would block",
            scenarios::would_block(observer),
            Op::Read,
            &[WsaCode::WSAEWOULDBLOCK],
        )
        .await?,
    );
    retried_connect(observer, tally).await?;
    exhausted_accept(observer, tally).await
}

/// Connects where nothing listens, under a retry policy of 2 attempts: each failure is one
/// observed error and one retry decision (retry, then attempts_exhausted).
async fn retried_connect(observer: &Observer, tally: &Shared) -> Result<(), Failure> {
    // Held until the end: while the socket lives, no listener can take its port.
    let (_held, addr) = crate::common::refusing_port()?;
    println!("\n== retried connect: 2 attempts on {addr}, where nothing listens");
    let policy = RetryPolicy::connector().max_attempts(2);
    let retries = policy.counter_name().to_owned();
    let (errors, retries) = (observer.counter_name(), retries.as_str());
    let peer = &Peer::from(addr);
    let attempts = timeout(
        WAIT,
        policy.run(move || async move {
            let result = TcpStream::connect(addr)
                .await
                .observe_peer(observer, Op::Connect, peer);
            if let Err(err) = &result {
                let code = Mapping::from_io_error(err).label();
                let mut tally = lock(tally);
                tally.add(errors, code, Op::Connect.as_str(), 1);
                tally.add(retries, code, Op::Connect.as_str(), 1);
            }
            result
        }),
    )
    .await;
    match attempts {
        Err(_) => Err("the retried connect did not finish within 5 s".into()),
        Ok(Ok(_)) => Err(format!("connected to {addr}, expected a refusal").into()),
        Ok(Err(err)) => {
            println!("   caller got back: kind={:?} after the retry", err.kind());
            Ok(())
        }
    }
}

/// Accepts through a [`GuardedListener`] whose first accept reports `EMFILE`: the guard
/// counts the error, pauses once, and accepts the real connection behind it.
async fn exhausted_accept(observer: &Observer, tally: &Shared) -> Result<(), Failure> {
    let inner = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = inner.local_addr()?;
    println!("\n== accept: the first accept on {addr} reports EMFILE; the guard pauses 10 ms");
    let mut listener = GuardedListener::new(Tallied {
        inner,
        emfile: 1,
        errors: observer.counter_name().to_owned(),
        tally: tally.clone(),
    })
    .observer(observer.clone())
    .backoff_range(Duration::from_millis(10), Duration::from_millis(10));
    let both = timeout(WAIT, async {
        tokio::join!(listener.accept(), TcpStream::connect(addr))
    });
    match both.await {
        Err(_) => Err("accept did not finish within 5 s".into()),
        Ok((Err(err), _)) => Err(format!("accept failed: {err}").into()),
        Ok((_, Err(err))) => Err(format!("connect to {addr} failed: {err}").into()),
        Ok((Ok(_), Ok(_))) => Ok(()),
    }
}

/// A listener that tallies each accept error, and the pause a resource error brings, in
/// the same step as the guard observes it. Its next `emfile` accepts fail with `EMFILE`, as
/// `accept(2)` does when the process has no descriptor left; then it accepts for real.
pub struct Tallied {
    pub inner: TcpListener,
    pub emfile: u32,
    pub errors: String,
    pub tally: Shared,
}

impl Accept for Tallied {
    type Conn = TcpStream;
    type Addr = SocketAddr;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let result = if self.emfile > 0 {
            self.emfile -= 1;
            Err(emfile())
        } else {
            std::task::ready!(self.inner.poll_accept(cx))
        };
        if let Err(err) = &result {
            let mapping = Mapping::from_io_error(err);
            let code = mapping.label();
            let mut tally = lock(&self.tally);
            tally.add(&self.errors, code, Op::Accept.as_str(), 1);
            if default_class(mapping.code(), Op::Accept).retry() == Retry::Backoff {
                let backoffs = format!(
                    "{}_accept_backoffs_total",
                    wsa_trace::metrics::DEFAULT_PREFIX
                );
                tally.add(&backoffs, code, "-", 1);
            }
        }
        Poll::Ready(result)
    }
}

/// The native "too many open files" error.
fn emfile() -> io::Error {
    #[cfg(unix)]
    let raw = libc::EMFILE;
    #[cfg(not(unix))]
    let raw = WsaCode::WSAEMFILE.raw();
    io::Error::from_raw_os_error(raw)
}

pub fn lock(tally: &Shared) -> std::sync::MutexGuard<'_, Tally> {
    tally
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
