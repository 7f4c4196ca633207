use std::future::Future;
use std::io;

use tower::retry::budget::Budget;

use super::decision::Decision;
use super::RetryPolicy;
use crate::map::Mapping;

impl<V> RetryPolicy<V> {
    /// Retries a non-blocking call such as `try_read`, `try_write` or `try_send_to`: when it
    /// would block it awaits `ready()` (the socket's readiness) and calls again without
    /// counting an attempt; other errors are retried as the [policy](RetryPolicy) decides
    /// (never, when the operation may have sent data and the calls are not
    /// [`idempotent`](RetryPolicy::idempotent)); the rest, and whatever is left when the
    /// policy gives up, are returned as they came. The deadline runs from the first call.
    ///
    /// ```no_run
    /// use wsa_trace::retry::RetryPolicy;
    /// use wsa_trace::Op;
    ///
    /// # async fn run(socket: tokio::net::UdpSocket) -> std::io::Result<()> {
    /// // Receiving again sends nothing: the ICMP error an earlier datagram brought back
    /// // (advised `immediately`) may be retried too.
    /// let policy = RetryPolicy::new().op(Op::Recv).idempotent(true);
    /// let mut buf = [0u8; 1500];
    /// let n = policy.run_nonblocking(|| socket.readable(), || socket.try_recv(&mut buf)).await?;
    /// # let _ = n; Ok(()) }
    /// ```
    pub async fn run_nonblocking<T, C, R, RF>(&self, mut ready: R, mut call: C) -> io::Result<T>
    where
        C: FnMut() -> io::Result<T>,
        R: FnMut() -> RF,
        RF: Future<Output = io::Result<()>>,
    {
        let mut policy = self.clone();
        policy.parts().1.start();
        loop {
            match call() {
                Ok(value) => {
                    policy.parts().0.budget.deposit();
                    return Ok(value);
                }
                Err(err) => match policy.decide_io(&err) {
                    Decision::WouldBlock => ready().await?,
                    Decision::Now => super::RetryFuture::yield_now().await,
                    Decision::After(sleep) => sleep.await,
                    Decision::GiveUp(_) => return Err(err),
                },
            }
        }
    }

    /// Retries an async call such as `TcpStream::connect`, as the [policy](RetryPolicy)
    /// decides: would-block errors after a yield, without counting an attempt; the rest, and
    /// whatever is left when the policy gives up, are returned as they came. The deadline
    /// runs from the first call.
    ///
    /// A policy made for each call is fine: policies given no budget share the one of their
    /// observer's prefix.
    ///
    /// ```no_run
    /// use wsa_trace::retry::RetryPolicy;
    ///
    /// # async fn run() -> std::io::Result<()> {
    /// let stream = RetryPolicy::connector()
    ///     .run(|| tokio::net::TcpStream::connect("127.0.0.1:8080"))
    ///     .await?;
    /// # drop(stream); Ok(()) }
    /// ```
    pub async fn run<T, F, Fut>(&self, mut call: F) -> io::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = io::Result<T>>,
    {
        let mut policy = self.clone();
        policy.parts().1.start();
        loop {
            match call().await {
                Ok(value) => {
                    policy.parts().0.budget.deposit();
                    return Ok(value);
                }
                Err(err) => match policy.decide_io(&err) {
                    Decision::WouldBlock | Decision::Now => super::RetryFuture::yield_now().await,
                    Decision::After(sleep) => sleep.await,
                    Decision::GiveUp(_) => return Err(err),
                },
            }
        }
    }

    fn decide_io(&mut self, err: &io::Error) -> Decision {
        let mapping = Mapping::from_io_error(err);
        let (config, attempts) = self.parts();
        config.decide_for(attempts, err, Some(mapping))
    }
}
