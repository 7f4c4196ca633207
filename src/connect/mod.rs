//! A tower layer for connectors: observes every failed connect, through the whole error
//! chain, and wraps each new stream in a [`TraceStream`](crate::TraceStream).
//!
//! A connector is any `Service<Req>` that yields a stream: hyper-util's `HttpConnector`, a
//! `service_fn` around `TcpStream::connect`, tonic's endpoint connectors. The inner service's
//! error type and `poll_ready` pass through unchanged; the caller gets the very error the
//! connector returned.
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use tokio::net::TcpStream;
//! use tower::{service_fn, Layer, ServiceExt};
//! use wsa_trace::TraceConnectLayer;
//!
//! # async fn run() -> std::io::Result<()> {
//! let connector = TraceConnectLayer::new()
//!     .layer(service_fn(|addr: SocketAddr| TcpStream::connect(addr)));
//! let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
//! // A refused connect is logged and counted as WSAECONNREFUSED (op "connect"), then returned.
//! let stream = connector.oneshot(addr).await?; // a TraceStream<TcpStream>
//! # drop(stream);
//! # Ok(()) }
//! ```
//!
//! # Modes
//!
//! | layer | inner error | response | use with |
//! |---|---|---|---|
//! | [`TraceConnectLayer::new()`] | any `E: Error + 'static` (`io::Error`, hyper-util's `ConnectError`) | [`TraceStream<S::Response>`](crate::TraceStream) | hyper-util's legacy `Client`, tonic's `Endpoint::connect_with_connector`, your own |
//! | [`TraceConnectLayer::observe_only()`] | `Box<dyn Error + Send + Sync>` | unchanged | reqwest's `ClientBuilder::connector_layer` (its services return `BoxError` and a fixed connection type) |
//!
//! # When is an error observed?
//!
//! When the inner future resolves to `Err`, once, with the operation the error names
//! ([`Op::from_error`](crate::Op::from_error): a failed bind of the source address is
//! [`Op::Bind`](crate::Op)), else [`Op::Connect`](crate::Op), and the peer the request names ([`Target`]). Errors of the stream, later,
//! are observed by the [`TraceStream`](crate::TraceStream) with their own operation.
//!
//! # Every attempt accounted for
//!
//! With the `hyper` feature, `AttemptConnector` takes the place of hyper-util's
//! `HttpConnector`, which logs a failed attempt only at TRACE and returns the last one's error
//! with no address. It resolves the name through a `Resolve`r the caller can replace, then
//! connects with `HttpConnector`'s semantics: the addresses of the first address's family in
//! order, the other family's once those have failed or after the happy eyeballs delay
//! (300 ms), each family's addresses sharing the connect timeout equally. (Not taken over:
//! local address binding, keepalive and the other socket options of `HttpConnector`.)
//!
//! ```no_run
//! # #[cfg(feature = "hyper")]
//! # async fn run() -> Result<(), wsa_trace::connect::ConnectError> {
//! use tower::ServiceExt;
//! use wsa_trace::connect::AttemptConnector;
//!
//! let stream = AttemptConnector::new().oneshot("http://localhost:8080".parse().unwrap()).await?;
//! # drop(stream);
//! # Ok(()) }
//! ```
//!
//! | when | observed as | and |
//! |---|---|---|
//! | the resolver fails or gives no address | [`Op::Resolve`](crate::Op), the name as `server.address` | `WSAHOST_NOT_FOUND` is fatal, `WSATRY_AGAIN` transient with backoff |
//! | an attempt fails | [`Op::Connect`](crate::Op), the address as the peer, inside a `connect_attempt` span carrying `network.type`, `wsa.connect_attempt` and `wsa.elapsed_ms` | one event and one count per attempt |
//! | an attempt connects | nothing | `wsa.connect_attempt` (which attempt won, from 1) and `wsa.connect_failed` (how many had failed) recorded on the current span |
//! | every attempt failed | each attempt, as above, once | the `ConnectError` lists them: `connect to example.com:443 failed: [2001:db8::1]:443 WSAENETUNREACH after 0 ms; 192.0.2.10:443 WSAETIMEDOUT after 3000 ms`, with the last attempt's `io::Error` as its source |
//!
//! Its errors are observed already: do not wrap it in a [`TraceConnectLayer`], which would
//! count them twice. Retry it with `retry::RetryPolicy::connector()`,
//! which reads the last attempt's code (a resolver failure is then read with the policy's
//! operation, `connect`: the code decides alike).

#[cfg(feature = "hyper")]
mod attempts;
#[cfg(feature = "hyper")]
mod connecting;
#[cfg(feature = "hyper")]
mod connector;
#[cfg(feature = "hyper")]
mod error;
mod future;
mod layer;
mod mode;
#[cfg(feature = "hyper")]
mod resolve;
mod service;
mod target;

#[cfg(feature = "hyper")]
pub use connecting::Connecting;
#[cfg(feature = "hyper")]
pub use connector::AttemptConnector;
#[cfg(feature = "hyper")]
pub use error::{Attempt, ConnectError};
pub use future::ResponseFuture;
pub use layer::TraceConnectLayer;
pub use mode::{Mode, ObserveOnly, Wrap};
#[cfg(feature = "hyper")]
pub use resolve::{Resolve, SystemResolve, SystemResolver};
pub use service::TraceConnect;
pub use target::Target;
