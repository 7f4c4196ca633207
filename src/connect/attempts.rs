//! The connect attempts of an [`AttemptConnector`](super::AttemptConnector): hyper-util's
//! happy eyeballs, with every failure observed and kept.

use std::future::{poll_fn, Future};
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::Poll;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::Instant;

use super::error::Attempt;
use crate::classify::Op;
use crate::observe::{Observer, Peer, Transport};

/// How to connect: the connector's settings.
#[derive(Clone, Copy, Debug)]
pub(super) struct Settings {
    pub(super) connect_timeout: Option<Duration>,
    pub(super) happy_eyeballs_timeout: Option<Duration>,
    pub(super) nodelay: bool,
}

/// The connection made: the stream, the attempt that made it (from 1, in the order attempts
/// started) and how many attempts had failed by then.
#[derive(Debug)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(super) struct Won {
    pub(super) stream: TcpStream,
    pub(super) attempt: u32,
    pub(super) failed: u32,
}

/// Counts shared by the two families' runs.
#[derive(Default)]
struct Tally {
    started: AtomicU32,
    failed: AtomicU32,
}

/// Connects to `addrs` as hyper-util's `HttpConnector` does: the addresses of the first
/// address's family in order; the other family's, in order, once the preferred ones have
/// all failed or the happy eyeballs delay has passed, whichever comes first; each run's
/// addresses sharing its connect timeout equally. The first connection wins; when none
/// does, every attempt is returned, in the order they failed.
pub(super) async fn connect(
    addrs: Vec<SocketAddr>,
    settings: Settings,
    observer: &Observer,
) -> Result<Won, Vec<Attempt>> {
    let tally = Tally::default();
    let (preferred, fallback) = match settings.happy_eyeballs_timeout {
        Some(delay) => {
            let first_v6 = addrs.first().is_some_and(SocketAddr::is_ipv6);
            let (preferred, fallback) = addrs.into_iter().partition(|a| a.is_ipv6() == first_v6);
            (preferred, Some((fallback, delay)))
        }
        None => (addrs, None),
    };
    let Some((fallback, delay)) = fallback.filter(|(f, _): &(Vec<_>, _)| !f.is_empty()) else {
        return run(preferred, settings, observer, &tally).await;
    };

    let mut preferred = pin!(run(preferred, settings, observer, &tally));
    let mut fallback = pin!(run(fallback, settings, observer, &tally));
    let mut delay = pin!(tokio::time::sleep(delay));
    let mut preferred_failed: Option<Vec<Attempt>> = None;
    let mut fallback_failed: Option<Vec<Attempt>> = None;
    let mut fallback_started = false;
    poll_fn(|cx| {
        if preferred_failed.is_none() {
            if let Poll::Ready(result) = preferred.as_mut().poll(cx) {
                match result {
                    Ok(won) => return Poll::Ready(Ok(won)),
                    Err(attempts) => preferred_failed = Some(attempts),
                }
            }
        }
        if !fallback_started {
            fallback_started = preferred_failed.is_some() || delay.as_mut().poll(cx).is_ready();
        }
        if fallback_started && fallback_failed.is_none() {
            if let Poll::Ready(result) = fallback.as_mut().poll(cx) {
                match result {
                    Ok(won) => return Poll::Ready(Ok(won)),
                    Err(attempts) => fallback_failed = Some(attempts),
                }
            }
        }
        match (&mut preferred_failed, &mut fallback_failed) {
            (Some(first), Some(second)) => {
                let mut all = std::mem::take(first);
                all.append(second);
                all.sort_by_key(|a| a.finished);
                Poll::Ready(Err(all))
            }
            _ => Poll::Pending,
        }
    })
    .await
}

/// Tries `addrs` one after the other, each with an equal share of the connect timeout.
async fn run(
    addrs: Vec<SocketAddr>,
    settings: Settings,
    observer: &Observer,
    tally: &Tally,
) -> Result<Won, Vec<Attempt>> {
    let share = settings
        .connect_timeout
        .and_then(|t| t.checked_div(u32::try_from(addrs.len()).unwrap_or(u32::MAX)));
    let mut failed = Vec::new();
    for addr in addrs {
        let attempt = tally.started.fetch_add(1, Ordering::Relaxed) + 1;
        let start = Instant::now();
        match once(addr, share, settings.nodelay).await {
            Ok(stream) => {
                let failed = tally.failed.load(Ordering::Relaxed);
                return Ok(Won {
                    stream,
                    attempt,
                    failed,
                });
            }
            Err(error) => {
                tally.failed.fetch_add(1, Ordering::Relaxed);
                let finished = Instant::now();
                let elapsed = finished - start;
                let symbol = observe(observer, &error, addr, attempt, elapsed);
                failed.push(Attempt {
                    addr,
                    symbol,
                    elapsed,
                    error,
                    finished,
                });
            }
        }
    }
    Err(failed)
}

/// One attempt, cut short by its share of the connect timeout.
async fn once(addr: SocketAddr, timeout: Option<Duration>, nodelay: bool) -> io::Result<TcpStream> {
    let connect = TcpStream::connect(addr);
    let stream = match timeout {
        Some(timeout) => tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??,
        None => connect.await?,
    };
    if nodelay {
        stream.set_nodelay(true)?;
    }
    Ok(stream)
}

/// Observes a failed attempt inside a span that carries its family, number and duration, so
/// that its event shows them; returns the code's symbol.
#[allow(unused_variables)]
fn observe(
    observer: &Observer,
    error: &io::Error,
    addr: SocketAddr,
    attempt: u32,
    elapsed: Duration,
) -> &'static str {
    let peer = Peer::socket(addr, Transport::Tcp);
    let observe = || {
        observer
            .observe_io(error, Op::Connect, &peer)
            .mapping
            .label()
    };
    #[cfg(feature = "tracing")]
    {
        let family = if addr.is_ipv6() { "ipv6" } else { "ipv4" };
        // At ERROR, so that the span is on whenever the attempt's event is, at any level.
        let span = tracing::span!(
            target: crate::observe::TARGET,
            tracing::Level::ERROR,
            "connect_attempt",
            network.type = family,
            wsa.connect_attempt = attempt,
            wsa.elapsed_ms = elapsed.as_millis() as u64,
        );
        span.in_scope(observe)
    }
    #[cfg(not(feature = "tracing"))]
    observe()
}
