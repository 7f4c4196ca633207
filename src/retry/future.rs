use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project::pin_project;

use crate::yield_once::{yield_once, YieldOnce};

/// The wait before a retry: a yield for the would-block class, a backoff sleep otherwise.
#[pin_project]
#[derive(Debug)]
pub struct RetryFuture {
    #[pin]
    wait: Wait,
}

#[pin_project(project = WaitProj)]
#[derive(Debug)]
enum Wait {
    /// Yield to the scheduler once.
    Yield(#[pin] YieldOnce),
    /// Sleep for the backoff delay.
    Sleep(#[pin] tokio::time::Sleep),
}

impl RetryFuture {
    /// Yields to the scheduler once, then is ready.
    pub(super) fn yield_now() -> Self {
        RetryFuture {
            wait: Wait::Yield(yield_once()),
        }
    }

    /// Sleeps, then is ready.
    pub(super) fn sleep(sleep: tokio::time::Sleep) -> Self {
        RetryFuture {
            wait: Wait::Sleep(sleep),
        }
    }
}

impl Future for RetryFuture {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project().wait.project() {
            WaitProj::Yield(yield_once) => yield_once.poll(cx),
            WaitProj::Sleep(sleep) => sleep.poll(cx),
        }
    }
}
