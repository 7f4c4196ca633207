//! Retries that follow the classification: a `tower::retry::Policy` for connectors and other
//! services, and [`RetryPolicy::run`] / [`RetryPolicy::run_async`] for one-off calls.
//!
//! Backoff and budget are tower's own (`ExponentialBackoffMaker`, `TpsBudget`).
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use tower::{service_fn, ServiceBuilder, ServiceExt};
//! use wsa_trace::retry::RetryPolicy;
//! use wsa_trace::TraceConnectLayer;
//!
//! # async fn run() -> std::io::Result<()> {
//! let connector = ServiceBuilder::new()
//!     .retry(RetryPolicy::new())
//!     .layer(TraceConnectLayer::new())
//!     .service(service_fn(|addr: SocketAddr| tokio::net::TcpStream::connect(addr)));
//! // Refused while the server starts? Retried with backoff. Fatal? Returned at once.
//! let stream = connector.oneshot("127.0.0.1:8080".parse().unwrap()).await?;
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
//! `wsa.attempts`: `TRACE` for an immediate retry, `DEBUG` for a retry after a delay (and
//! `wsa.delay_ms`), `WARN` for a give-up, `DEBUG` for a benign error not retried. `outcome` is
//! one of [`Outcome`].
//!
//! # After giving up
//!
//! The caller gets the last error as it came. The policy records `wsa.attempts` (the calls
//! made) and `wsa.outcome` (why it stopped) on the current span, which declares them when it
//! is made with [`socket_span!`](crate::socket_span).

mod config;
#[cfg(feature = "metrics")]
mod counters;
mod future;
mod policy;
mod report;
mod run;

pub use crate::classify::Outcome;
pub use future::RetryFuture;
pub use policy::RetryPolicy;

pub use tower::retry::backoff::ExponentialBackoffMaker;
pub use tower::retry::budget::TpsBudget;
