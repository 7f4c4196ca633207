use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::classify::{Op, Retry};
use crate::observe::{Observer, Peer};
use crate::yield_once::yield_once;

/// A listener that can accept connections: tokio's `TcpListener` and, on Unix,
/// `UnixListener`; implement it for others.
pub trait Accept {
    /// The accepted connection.
    type Conn;
    /// The peer's address.
    type Addr;

    /// Polls for the next connection.
    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(Self::Conn, Self::Addr)>>;
}

impl Accept for tokio::net::TcpListener {
    type Conn = tokio::net::TcpStream;
    type Addr = std::net::SocketAddr;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(Self::Conn, Self::Addr)>> {
        tokio::net::TcpListener::poll_accept(self, cx)
    }
}

#[cfg(unix)]
impl Accept for tokio::net::UnixListener {
    type Conn = tokio::net::UnixStream;
    type Addr = tokio::net::unix::SocketAddr;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(Self::Conn, Self::Addr)>> {
        tokio::net::UnixListener::poll_accept(self, cx)
    }
}

/// How many errors in a row [`GuardedListener::accept`] skips before it lets other tasks run.
const SKIPS_BEFORE_YIELD: u32 = 32;

/// How many per-connection errors in a row, with no connection accepted between them, the
/// guard skips at once. From the next one on it pauses [`RUN_PAUSE`] before each accept.
const SKIPS_BEFORE_PAUSE: u32 = 256;

/// The pause before each accept once a run of per-connection errors is longer than
/// [`SKIPS_BEFORE_PAUSE`]: at most about 1,000 accept calls a second.
const RUN_PAUSE: Duration = Duration::from_millis(1);

/// The one event of a run of per-connection errors long enough to pause the loop.
#[cfg(feature = "tracing")]
fn run_event(seen: &crate::observe::Observation) {
    tracing::event!(
        target: crate::observe::TARGET,
        tracing::Level::WARN,
        wsa.symbol = seen.mapping.label(),
        wsa.skipped = SKIPS_BEFORE_PAUSE,
        wsa.delay_ms = RUN_PAUSE.as_millis() as u64,
        "accept keeps failing with per-connection errors and no connection accepted: \
         pausing before each accept until one is"
    );
}

/// An accept loop that classifies its errors.
///
/// | error on accept | class | what [`accept`](GuardedListener::accept) does |
/// |---|---|---|
/// | `WSAECONNRESET`, `WSAECONNABORTED` and `EPROTO` (one pending connection died, or its client gave up) | transient, immediately | counts it and accepts the next connection at once; after 256 in a row with no connection, pauses 1 ms before each accept (below) |
/// | `ENETDOWN`, `ENETUNREACH`, `EHOSTDOWN`, `EHOSTUNREACH`, `ENONET`, `ENOPROTOOPT`, `EOPNOTSUPP` (a network error of the pending connection, which Linux's accept(2) says to treat like `EAGAIN`) | transient, immediately | the same |
/// | `EPERM` (`WSAEACCES`: a firewall refused that connection) | transient, immediately | the same |
/// | an error with no code at all (counted under `UNKNOWN`) | transient, immediately | the same |
/// | `WSAEMFILE` (and `ENFILE`), `WSAENOBUFS`, `WSA_NOT_ENOUGH_MEMORY` | transient, backoff | pauses, 10 ms doubling to 1 s, and tries again by itself |
/// | anything fatal: errors of the listener itself, such as `EBADF`, `EINVAL`, `ENOTSOCK`, `EFAULT` | fatal | returns the error |
/// | anything a custom classifier calls benign ([`Retry::Ignore`]) | benign | skips it, as a per-connection error |
///
/// After 32 skipped errors in a row the loop lets the runtime run other tasks once, so that a
/// listener whose accepts keep failing at once cannot hold its thread.
///
/// A per-connection error is skipped at once only while it is one of a short run. A listener
/// whose every accept fails, such as one whose connections a security module denies
/// (`EPERM`/`EACCES` before the connection is dequeued) or a custom [`Accept`] that returns an
/// error with no code once it is shut down, would otherwise call accept millions of times a
/// second and never return. After 256 per-connection errors in a row with no connection
/// accepted, the loop pauses 1 ms before each further accept (at most about 1,000 calls a
/// second), logs one `WARN` event saying so (field `wsa.skipped`), and counts each pause under
/// the error's code; the next connection accepted ends the run.
///
/// Without the pause, a listener out of descriptors spins: the pending connection keeps the
/// socket readable while every accept fails. Pauses are counted in
/// `<prefix>_accept_backoffs_total{code}`, and the errors' events are rate limited (5 per code
/// per second unless another observer is given).
///
/// ```no_run
/// use wsa_trace::net::GuardedListener;
///
/// # async fn run() -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// let mut listener = GuardedListener::new(listener);
/// loop {
///     let (stream, peer) = listener.accept().await?;
///     tokio::spawn(async move { /* serve */ drop((stream, peer)); });
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct GuardedListener<L> {
    inner: L,
    observer: Observer,
    min_delay: Duration,
    max_delay: Duration,
    delay: Option<Duration>,
    /// Per-connection errors since the last connection accepted, saturating.
    run: u32,
}

impl<L: Accept> GuardedListener<L> {
    /// Guards `inner` with an observer that logs at most 5 events per code per second.
    pub fn new(inner: L) -> Self {
        let observer = Observer::new();
        #[cfg(feature = "tracing")]
        let observer = observer.rate_limit(5, Duration::from_secs(1));
        GuardedListener {
            inner,
            observer,
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(1),
            delay: None,
            run: 0,
        }
    }

    /// Observes with `observer`: its classifier decides what pauses the loop, and its prefix
    /// names the backoff counter.
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }

    /// The pause after the first resource error, doubling on each one after it up to `max`.
    /// Defaults to 10 ms and 1 s.
    pub fn backoff_range(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min.min(max);
        self.max_delay = max.max(min);
        self
    }

    /// The full name of the backoff counter, `<prefix>_accept_backoffs_total`.
    #[cfg(feature = "metrics")]
    pub fn counter_name(&self) -> &str {
        self.observer.counters().accept_backoffs.name()
    }

    /// The next connection. Per-connection errors and resource exhaustion are handled here;
    /// only errors that concern the listener itself are returned.
    pub async fn accept(&mut self) -> io::Result<(L::Conn, L::Addr)> {
        loop {
            let err = match poll_fn(|cx| self.inner.poll_accept(cx)).await {
                Ok(conn) => {
                    self.delay = None;
                    self.run = 0;
                    return Ok(conn);
                }
                Err(err) => err,
            };
            let seen = self.observer.observe_io(&err, Op::Accept, &Peer::unknown());
            match seen.class.retry() {
                Retry::Immediately | Retry::Ignore => {
                    // Saturating: a run can outlast any counter at 1,000 errors a second.
                    self.run = self.run.saturating_add(1);
                    if self.run < SKIPS_BEFORE_PAUSE {
                        // A listener whose every accept fails at once (one that never returns
                        // `Pending`) must not hold the thread.
                        if self.run % SKIPS_BEFORE_YIELD == 0 {
                            yield_once().await;
                        }
                    } else {
                        // A run this long is no burst of dying connections: the listener
                        // fails every accept, and must not spin.
                        if self.run == SKIPS_BEFORE_PAUSE {
                            #[cfg(feature = "tracing")]
                            run_event(&seen);
                        }
                        #[cfg(feature = "metrics")]
                        self.observer
                            .counters()
                            .count_accept_backoffs(seen.mapping.entry());
                        tokio::time::sleep(RUN_PAUSE).await;
                    }
                }
                Retry::Backoff => {
                    let delay = self.next_delay();
                    #[cfg(feature = "metrics")]
                    self.observer
                        .counters()
                        .count_accept_backoffs(seen.mapping.entry());
                    tokio::time::sleep(delay).await;
                }
                Retry::Reconnect | Retry::Never => return Err(err),
            }
        }
    }

    fn next_delay(&mut self) -> Duration {
        let delay = match self.delay {
            None => self.min_delay,
            Some(last) => (last * 2).min(self.max_delay),
        };
        self.delay = Some(delay);
        delay
    }

    /// Pauses after an error that [`accept`](Self::accept) returned (and so observed), for
    /// an accept loop that cannot hand the error on: counts the pause under the error's code
    /// and sleeps for the next delay of the backoff schedule.
    #[cfg(feature = "axum")]
    pub(crate) async fn pause_after_fatal(&mut self, err: &io::Error) {
        let delay = self.next_delay();
        #[cfg(feature = "metrics")]
        self.observer
            .counters()
            .count_accept_backoffs(crate::map::Mapping::from_io_error(err).entry());
        #[cfg(not(feature = "metrics"))]
        let _ = err;
        tokio::time::sleep(delay).await;
    }

    /// The wrapped listener.
    pub fn inner(&self) -> &L {
        &self.inner
    }

    /// The wrapped listener, mutably.
    pub fn inner_mut(&mut self) -> &mut L {
        &mut self.inner
    }

    /// Unwraps the listener.
    pub fn into_inner(self) -> L {
        self.inner
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::code::WsaCode;
    use crate::map::Mapping;

    /// The raw OS code of a connection aborted before it was accepted, on Windows or
    /// elsewhere: Winsock's own number, or the errno. Pure, so both arms are tested on every
    /// platform; [`connaborted`] picks this platform's.
    fn connaborted_raw(windows: bool) -> i32 {
        if windows {
            WsaCode::WSAECONNABORTED.raw()
        } else {
            libc::ECONNABORTED
        }
    }

    /// The error this platform's accept gives for a connection aborted before it was accepted.
    fn connaborted() -> io::Error {
        io::Error::from_raw_os_error(connaborted_raw(cfg!(windows)))
    }

    #[test]
    fn the_aborted_connection_has_each_platforms_own_code() {
        assert_eq!(connaborted_raw(true), 10053);
        assert_eq!(
            crate::map::from_windows(connaborted_raw(true)),
            Some(WsaCode::WSAECONNABORTED)
        );
        assert_eq!(
            crate::map::from_errno(connaborted_raw(false)),
            Some(WsaCode::WSAECONNABORTED)
        );
        assert_eq!(
            Mapping::from_io_error(&connaborted()).code(),
            Some(WsaCode::WSAECONNABORTED)
        );
    }

    /// Fails every accept at once with a per-connection error until `open` is set.
    struct Stubborn {
        open: Arc<AtomicBool>,
        failures: u32,
    }

    impl Accept for Stubborn {
        type Conn = ();
        type Addr = ();

        fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<((), ())>> {
            if self.open.load(Ordering::SeqCst) {
                return Poll::Ready(Ok(((), ())));
            }
            self.failures += 1;
            assert!(
                self.failures < 10_000,
                "the accept loop never let the other task run"
            );
            Poll::Ready(Err(connaborted()))
        }
    }

    fn stubborn() -> (GuardedListener<Stubborn>, Arc<AtomicBool>) {
        let open = Arc::new(AtomicBool::new(false));
        let listener = GuardedListener::new(Stubborn {
            open: open.clone(),
            failures: 0,
        });
        (listener, open)
    }

    #[test]
    fn a_listener_that_always_fails_at_once_lets_other_tasks_run() {
        // The yield comes well before the run is long enough to pause: only the yield can let
        // the opener run here.
        const { assert!(SKIPS_BEFORE_YIELD < SKIPS_BEFORE_PAUSE) };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (mut listener, open) = stubborn();
        rt.block_on(async {
            let opener = tokio::spawn(async move { open.store(true, Ordering::SeqCst) });
            listener.accept().await.unwrap();
            opener.await.unwrap();
        });
        assert_eq!(listener.inner().failures, SKIPS_BEFORE_YIELD);
        assert_eq!(listener.run, 0, "the connection ends the run");
    }

    #[test]
    fn the_run_saturates_instead_of_overflowing() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let (mut listener, open) = stubborn();
        listener.run = u32::MAX - 2;
        rt.block_on(async {
            let opener = tokio::spawn(async move {
                tokio::time::sleep(RUN_PAUSE * 10).await;
                open.store(true, Ordering::SeqCst)
            });
            listener.accept().await.unwrap();
            opener.await.unwrap();
        });
        // Paused before each accept all along: about one failure per pause.
        assert!(
            (10..=12).contains(&listener.inner().failures),
            "{}",
            listener.inner().failures
        );
        assert_eq!(listener.run, 0);
    }
}
