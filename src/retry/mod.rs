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
//! # Events and counters
//!
//! Each decision increments `<prefix>_retries_total{code, op, outcome}` and emits an event
//! (target `wsa_trace`): `TRACE` for an immediate retry, `DEBUG` for a retry after a delay
//! (`wsa.attempt`, `wsa.delay_ms`), `WARN` for a give-up. `outcome` is one of [`Outcome`].

mod config;
#[cfg(feature = "metrics")]
mod counters;
mod future;
mod outcome;
mod policy;
mod report;
mod run;

pub use future::RetryFuture;
pub use outcome::Outcome;
pub use policy::RetryPolicy;

pub use tower::retry::backoff::ExponentialBackoffMaker;
pub use tower::retry::budget::TpsBudget;
