use std::io;

use super::{Observer, Peer};
use crate::classify::Op;

/// Observes one-off socket calls: `bind`, `listen`, `accept`, `try_read`, `send_to`, ...
///
/// The result comes back unchanged.
///
/// ```no_run
/// use wsa_trace::observe::{ObserveExt, Observer};
/// use wsa_trace::Op;
///
/// # async fn run() -> std::io::Result<()> {
/// let observer = Observer::new();
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080")
///     .await
///     .observe_with(&observer, Op::Bind)?;
/// # Ok(()) }
/// ```
pub trait ObserveExt {
    /// Observes an error with [`Observer::new()`]: the process's default observer, whose
    /// counters and rate limit every such call shares.
    fn observe(self, op: Op) -> Self;

    /// Observes an error with `observer`.
    fn observe_with(self, observer: &Observer, op: Op) -> Self;

    /// Observes an error with `observer`, recording `peer`.
    fn observe_peer(self, observer: &Observer, op: Op, peer: &Peer) -> Self;
}

impl<T> ObserveExt for io::Result<T> {
    fn observe(self, op: Op) -> Self {
        if self.is_ok() {
            return self;
        }
        self.observe_with(&Observer::new(), op)
    }

    fn observe_with(self, observer: &Observer, op: Op) -> Self {
        self.observe_peer(observer, op, &Peer::unknown())
    }

    fn observe_peer(self, observer: &Observer, op: Op, peer: &Peer) -> Self {
        if let Err(err) = &self {
            observer.observe_io(err, op, peer);
        }
        self
    }
}
