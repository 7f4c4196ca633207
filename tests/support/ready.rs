//! Polling by hand: an in-memory stream that is always ready, and a no-op waker. Shared by the
//! allocation tests (through `tests/support`) and the success-path benchmark (through
//! `benches/common`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Always ready: reads fill the buffer with zeros, writes accept every byte.
#[derive(Debug, Default)]
pub struct Ready;

impl AsyncRead for Ready {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let dst = buf.initialize_unfilled();
        dst.fill(0);
        let n = dst.len();
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Ready {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

/// A no-op waker (`Waker::noop()` needs Rust 1.85, above the crate's MSRV). Building it
/// allocates once; cloning and dropping it do not.
pub fn noop_waker() -> Waker {
    Waker::from(Arc::new(Noop))
}
