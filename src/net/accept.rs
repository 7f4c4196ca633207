use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::classify::{Op, Retry};
use crate::observe::{Observer, Peer};

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

/// Lets the runtime run other tasks once: pending on the first poll, with the task woken.
async fn yield_once() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}

/// An accept loop that classifies its errors.
///
/// | error on accept | class | what [`accept`](GuardedListener::accept) does |
/// |---|---|---|
/// | `WSAECONNRESET`, `WSAECONNABORTED` and `EPROTO` (one pending connection died, or its client gave up) | transient, immediately | counts it and accepts the next connection at once |
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
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min.min(max);
        self.max_delay = max.max(min);
        self
    }

    /// The full name of the backoff counter, `<prefix>_accept_backoffs_total`.
    #[cfg(feature = "metrics")]
    pub fn counter_name(&self) -> &str {
        self.observer.counters().accept_backoffs_name()
    }

    /// The next connection. Per-connection errors and resource exhaustion are handled here;
    /// only errors that concern the listener itself are returned.
    pub async fn accept(&mut self) -> io::Result<(L::Conn, L::Addr)> {
        let mut skipped: u32 = 0;
        loop {
            let err = match poll_fn(|cx| self.inner.poll_accept(cx)).await {
                Ok(conn) => {
                    self.delay = None;
                    return Ok(conn);
                }
                Err(err) => err,
            };
            let seen = self.observer.observe_io(&err, Op::Accept, &Peer::unknown());
            match seen.class.retry() {
                Retry::Immediately | Retry::Ignore => {
                    // A listener whose every accept fails at once (one that never returns
                    // `Pending`) must not hold the thread.
                    skipped += 1;
                    if skipped % SKIPS_BEFORE_YIELD == 0 {
                        yield_once().await;
                    }
                }
                Retry::Backoff => {
                    let delay = self.next_delay();
                    #[cfg(feature = "metrics")]
                    self.observer
                        .counters()
                        .accept_backoff(seen.mapping.entry());
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
            .accept_backoff(crate::map::Mapping::from_io_error(err).entry());
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
            Poll::Ready(Err(io::Error::from_raw_os_error(libc::ECONNABORTED)))
        }
    }

    #[test]
    fn a_listener_that_always_fails_at_once_lets_other_tasks_run() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let open = Arc::new(AtomicBool::new(false));
        let mut listener = GuardedListener::new(Stubborn {
            open: open.clone(),
            failures: 0,
        });
        rt.block_on(async {
            let opener = tokio::spawn(async move { open.store(true, Ordering::SeqCst) });
            listener.accept().await.unwrap();
            opener.await.unwrap();
        });
        assert_eq!(listener.inner().failures, SKIPS_BEFORE_YIELD);
    }
}
