//! Retries that follow the classification: a `tower::retry::Policy` for connectors and other
//! services, and [`RetryPolicy::run`] (async calls) and [`RetryPolicy::run_nonblocking`] (non-blocking `try_*` calls) for one-off calls.
//!
//! Backoff and budget are tower's own (`ExponentialBackoffMaker`, `TpsBudget`). The policy is
//! safe by default: what may already have been sent is not sent again unless the policy is
//! told the requests are [`idempotent`](RetryPolicy::idempotent), and policies given no
//! budget share the one of their observer's metrics prefix.
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use tower::{service_fn, ServiceBuilder, ServiceExt};
//! use wsa_trace::retry::RetryPolicy;
//! use wsa_trace::TraceConnectLayer;
//!
//! # async fn run() -> std::io::Result<()> {
//! let connector = ServiceBuilder::new()
//!     .retry(RetryPolicy::connector())
//!     .layer(TraceConnectLayer::new())
//!     .service(service_fn(|addr: SocketAddr| tokio::net::TcpStream::connect(addr)));
//! // Refused while the server starts? Retried with backoff. Fatal? Returned at once.
//! let stream = connector.oneshot("127.0.0.1:8080".parse().unwrap()).await?;
//! # drop(stream); Ok(()) }
//! ```
//!
//! # What is retried
//!
//! | the error | what the policy does | outcome |
//! |---|---|---|
//! | would block (`WSAEWOULDBLOCK`, `EAGAIN`) or interrupted (`WSAEINTR`), advised `immediately` | nothing failed: calls again after a yield (after readiness, in [`run_nonblocking`](RetryPolicy::run_nonblocking)), not counted as an attempt, up to [`max_immediate`](RetryPolicy::max_immediate) times a request; past that, a failure with backoff | `retry_now` |
//! | advised `never` | gives up | `fatal` |
//! | advised `ignore` | gives up; nothing failed | `benign` |
//! | any other, when the operation may have sent data and the requests are not [`idempotent`](RetryPolicy::idempotent) | gives up, whatever the advice | `not_idempotent` |
//! | advised `immediately` | calls again after a yield, as an attempt | `retry_now` |
//! | advised `backoff` or `reconnect` | calls again after a backoff, as an attempt | `retry` |
//!
//! Every operation may have sent data but connect, bind, listen, accept and resolve. A
//! retry that counts as an attempt stops at the first of the
//! [`deadline`](RetryPolicy::deadline) (which runs from the first call; the last wait is cut
//! to what is left of it: `deadline`), [`max_attempts`](RetryPolicy::max_attempts)
//! (`attempts_exhausted`) and the [budget](RetryPolicy::budget) (`budget_exhausted`).
//!
//! # Connectors and request-level services
//!
//! When the error names no operation, the policy reads it as its own
//! [`op`](RetryPolicy::op). [`RetryPolicy::new`] and [`RetryPolicy::boxed`] take
//! [`Op::Other`](crate::Op::Other): a request-level service may fail after its request went
//! out, so it is not called again unless idempotent. [`RetryPolicy::connector`] (or
//! `.op(Op::Connect)`) says the policy wraps a connector: a failed connect sent nothing, and
//! its transient errors are retried.
//!
//! # One budget per prefix
//!
//! A policy given no [`budget`](RetryPolicy::budget) draws on one made for its observer's
//! metrics prefix and shared by every such policy in the process, so that policies built per
//! call, as in the one-off example below, do not each bring a budget of their own:
//!
//! ```no_run
//! use wsa_trace::retry::RetryPolicy;
//!
//! # async fn run() -> std::io::Result<()> {
//! let stream = RetryPolicy::connector()
//!     .run(|| tokio::net::TcpStream::connect("127.0.0.1:8080"))
//!     .await?;
//! # drop(stream); Ok(()) }
//! ```
//!
//! # One observer
//!
//! The policy classifies with its [`Observer`](crate::Observer) (see
//! [`RetryPolicy::observer`]): give it the one the [`TraceConnectLayer`](crate::TraceConnectLayer)
//! has, and the class an event shows is the class acted on. The operation is the one the error
//! names where it names one ([`Op::from_error`](crate::Op::from_error)), the policy's
//! [`op`](RetryPolicy::op) otherwise.
//!
//! # Events and counters
//!
//! Each decision increments `<prefix>_retries_total{code, op, outcome}` (the observer's prefix)
//! and emits an event (target `wsa_trace`, through the observer's rate limit) with the error's
//! `wsa.code`, `wsa.symbol`, `wsa.category`, `wsa.retry` and `wsa.op`, and `wsa.outcome` and
//! `wsa.attempts`: `TRACE` for a retry after a would-block error, `DEBUG` for a retry of a
//! failure, at once or after a delay (then with `wsa.delay_ms`), `WARN` for a give-up, `DEBUG`
//! for a benign error not retried. `outcome` is one of [`Outcome`].
//!
//! # reqwest-middleware
//!
//! With the `reqwest-retry` feature, `WsaRetryable` is a `reqwest_retry::RetryableStrategy`
//! that decides by the same classification and the same rule on what may have been sent:
//! `RetryTransientMiddleware::new_with_policy_and_strategy(policy, WsaRetryable::new(observer))`.
//! reqwest-retry's policy decides how often and how long; the strategy only classifies, and
//! neither counts nor logs (see its docs).
//!
//! # After giving up
//!
//! The caller gets the last error as it came. The policy records `wsa.attempts` (the calls
//! made) and `wsa.outcome` (why it stopped) on the current span, which declares them when it
//! is made with [`socket_span!`](crate::socket_span).

mod budget;
mod config;
mod decision;
mod future;
mod outcome;
mod policy;
mod report;
#[cfg(feature = "reqwest-retry")]
mod reqwest;
mod run;

pub use future::RetryFuture;
pub use outcome::Outcome;
pub use policy::RetryPolicy;
#[cfg(feature = "reqwest-retry")]
pub use reqwest::WsaRetryable;

pub use tower::retry::backoff::ExponentialBackoffMaker;
pub use tower::retry::budget::TpsBudget;
