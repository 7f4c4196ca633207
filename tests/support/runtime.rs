//! Running futures on a current-thread runtime, with a limit on how long they may take.

use std::future::Future;
use std::time::Duration;

/// The longest any single wait in these tests may take.
pub const LIMIT: Duration = Duration::from_secs(5);

/// Runs `fut` to completion on a current-thread runtime, on this thread.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
        .block_on(fut)
}

/// Runs `fut` to completion on a current-thread runtime whose clock starts paused: timers
/// fire in order as soon as nothing else can run, so waits cost no wall-clock time. For
/// futures that do no I/O (scripted services), whose timing is then exact.
pub fn block_on_paused<F: Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a paused current-thread runtime")
        .block_on(fut)
}

/// Awaits `fut`, failing if it takes longer than `limit`.
pub async fn within<F: Future>(limit: Duration, fut: F) -> F::Output {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| panic!("the test did not finish within {limit:?}"))
}
