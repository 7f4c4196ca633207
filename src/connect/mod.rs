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

mod future;
mod layer;
mod mode;
mod service;
mod target;

pub use future::ResponseFuture;
pub use layer::TraceConnectLayer;
pub use mode::{Mode, ObserveOnly, Wrap};
pub use service::TraceConnect;
pub use target::Target;
