//! [`GuardedListener`] as axum's listener (feature `axum`).

use std::io;

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite};

use super::accept::{Accept, GuardedListener};

/// `axum::serve(GuardedListener::new(listener), app)`: the guard decides what an accept
/// error does, instead of axum's one-second sleep after every error.
///
/// | error on accept | what the listener does |
/// |---|---|
/// | per-connection (`WSAECONNRESET`, `WSAECONNABORTED`) | counts it and accepts the next connection at once; after 256 in a row with no connection, pauses 1 ms before each accept |
/// | resource exhaustion (`WSAEMFILE`, `WSAENOBUFS`, `WSA_NOT_ENOUGH_MEMORY`) | counts it and pauses, 10 ms doubling to 1 s (see [`GuardedListener::backoff_range`]) |
/// | anything fatal | logs and counts it, then pauses on the same doubling schedule and tries again: axum's listener cannot return an error |
///
/// Every pause is counted in `<prefix>_accept_backoffs_total{code}`; the schedule starts
/// again after the next connection.
///
/// ```no_run
/// use axum::{routing::get, Router};
/// use wsa_trace::net::GuardedListener;
///
/// # async fn run() -> std::io::Result<()> {
/// let app = Router::new().route("/", get(|| async { "hello" }));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// axum::serve(GuardedListener::new(listener), app).await
/// # }
/// ```
impl<L> Listener for GuardedListener<L>
where
    L: Accept + Listener<Addr = <L as Accept>::Addr>,
    <L as Accept>::Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    <L as Accept>::Addr: Send,
{
    type Io = <L as Accept>::Conn;
    type Addr = <L as Accept>::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match GuardedListener::accept(self).await {
                Ok(conn) => return conn,
                Err(err) => self.pause_after_fatal(&err).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Listener::local_addr(self.inner())
    }
}
