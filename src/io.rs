//! [`TraceStream`]: an `AsyncRead + AsyncWrite` wrapper that observes every I/O error.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project::pin_project;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::classify::Op;
use crate::observe::{Observer, Peer};

/// Wraps a tokio stream. Every `Poll::Ready(Err(e))` from `poll_read`, `poll_write`,
/// `poll_write_vectored`, `poll_flush` and `poll_shutdown` is observed (mapped, classified,
/// emitted, counted) and then returned as it was: same `kind()`, same `raw_os_error()`, same
/// error value. Everything else is forwarded untouched, including `is_write_vectored`.
///
/// Make one [`Observer`] when the program starts and give each stream a clone: cloning it
/// allocates nothing, and the stream is tokio's plus 24 bytes (a `TraceStream<TcpStream>` is
/// 64 bytes on Linux, 72 on Windows).
///
/// ```no_run
/// use tokio::io::AsyncWriteExt;
/// use tokio::net::TcpListener;
/// use wsa_trace::observe::{Observer, Peer};
/// use wsa_trace::TraceStream;
///
/// # async fn run() -> std::io::Result<()> {
/// let observer = Observer::new(); // once, shared by every connection
/// let listener = TcpListener::bind("127.0.0.1:8080").await?;
/// loop {
///     let (tcp, addr) = listener.accept().await?;
///     let mut stream = TraceStream::new(tcp, observer.clone(), Peer::from(addr));
///     tokio::spawn(async move {
///         // A reset here is logged and counted, then returned.
///         let _ = stream.write_all(b"hello").await;
///     });
/// }
/// # }
/// ```
#[pin_project]
#[derive(Debug)]
pub struct TraceStream<S> {
    #[pin]
    inner: S,
    observer: Observer,
    peer: Peer,
}

impl<S> TraceStream<S> {
    /// Wraps `inner`, observing its errors with `observer`, recording `peer`.
    pub fn new(inner: S, observer: Observer, peer: Peer) -> Self {
        TraceStream {
            inner,
            observer,
            peer,
        }
    }

    /// Observes with `observer` from now on, in place of the one given to
    /// [`new`](TraceStream::new).
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }

    /// The wrapped stream.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The wrapped stream, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The wrapped stream, pinned.
    pub fn inner_pin_mut(self: Pin<&mut Self>) -> Pin<&mut S> {
        self.project().inner
    }

    /// Unwraps the stream.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The peer recorded with each error.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }
}

/// Observes an error result on its way out; anything else passes as it is.
#[inline(always)]
pub(crate) fn seen<T>(
    poll: Poll<io::Result<T>>,
    observer: &Observer,
    op: Op,
    peer: &Peer,
) -> Poll<io::Result<T>> {
    if let Poll::Ready(Err(err)) = &poll {
        observer.observe_io(err, op, peer);
    }
    poll
}

impl<S: AsyncRead> AsyncRead for TraceStream<S> {
    #[inline]
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        seen(
            this.inner.poll_read(cx, buf),
            this.observer,
            Op::Read,
            this.peer,
        )
    }
}

/// The write half, the same for tokio's `AsyncWrite` and hyper's `rt::Write`: every method
/// forwards, and errors are observed on their way out.
macro_rules! forward_write {
    () => {
        #[inline]
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let this = self.project();
            seen(
                this.inner.poll_write(cx, buf),
                this.observer,
                Op::Write,
                this.peer,
            )
        }

        #[inline]
        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let this = self.project();
            let poll = this.inner.poll_write_vectored(cx, bufs);
            seen(poll, this.observer, Op::Write, this.peer)
        }

        #[inline]
        fn is_write_vectored(&self) -> bool {
            self.inner.is_write_vectored()
        }

        #[inline]
        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            let this = self.project();
            seen(
                this.inner.poll_flush(cx),
                this.observer,
                Op::Flush,
                this.peer,
            )
        }

        #[inline]
        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            let this = self.project();
            seen(
                this.inner.poll_shutdown(cx),
                this.observer,
                Op::Shutdown,
                this.peer,
            )
        }
    };
}

impl<S: AsyncWrite> AsyncWrite for TraceStream<S> {
    forward_write!();
}

#[cfg(feature = "hyper")]
mod hyper_io {
    use super::*;
    use hyper::rt::{Read, ReadBufCursor, Write};
    use hyper_util::client::legacy::connect::{Connected, Connection};

    impl<S: Read> Read for TraceStream<S> {
        #[inline]
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: ReadBufCursor<'_>,
        ) -> Poll<io::Result<()>> {
            let this = self.project();
            seen(
                this.inner.poll_read(cx, buf),
                this.observer,
                Op::Read,
                this.peer,
            )
        }
    }

    impl<S: Write> Write for TraceStream<S> {
        forward_write!();
    }

    /// Forwards the wrapped stream's connection info (ALPN, proxy, extra such as `HttpInfo`).
    impl<S: Connection> Connection for TraceStream<S> {
        fn connected(&self) -> Connected {
            self.inner.connected()
        }
    }
}
