//! A future that lets the runtime run other tasks once, for the loops that retry at once: the
//! accept guard after a run of skipped errors, and the retry policy's immediate retries.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Pending on its first poll, with the task woken at once so that the runtime polls it again
/// after the tasks already waiting; ready on the next poll.
#[derive(Debug, Default)]
pub(crate) struct YieldOnce {
    yielded: bool,
}

/// Lets the runtime run other tasks once.
pub(crate) const fn yield_once() -> YieldOnce {
    YieldOnce { yielded: false }
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.yielded, true) {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    use super::*;

    #[derive(Default)]
    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn pending_once_with_the_task_woken_then_ready() {
        let wakes = Arc::new(CountWakes::default());
        let waker = Waker::from(Arc::clone(&wakes));
        let mut cx = Context::from_waker(&waker);
        let mut future = yield_once();
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(()));
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
    }
}
