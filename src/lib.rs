//! # wsa-trace
//!
//! Explains socket failures. Every `io::Error` is given its Windows Sockets (WSA) code, symbol,
//! category (transient, fatal or benign), retry advice and description, on every platform: on
//! Windows the OS reports WSA codes directly, on Linux and macOS errno values map to their WSA
//! equivalents, and errors with no OS code fall back on their `io::ErrorKind`.
//!
//! The data flows one way, and each stage is usable alone:
//!
//! | stage | what it does | entry points, at the root |
//! |---|---|---|
//! | [`code`] | the catalog: every WSA code, its message, description, Berkeley name, class and hint | [`WsaCode`], [`Category`], [`Retry`] |
//! | [`map`] | `io::Error` (or any error chain) -> code, keeping the native code | [`Mapping`] |
//! | [`classify`](mod@classify) | code + operation -> category and retry advice | [`default_class()`], [`Classify`], [`Classification`], [`DefaultClassifier`], [`Op`] |
//! | [`observe`] | a tracing event with structured fields, a per-code counter | [`Observer`], [`ObserveExt`], [`Peer`] |
//! | `io`, [`connect`] | wrap tokio streams and tower connectors | [`TraceStream`], [`TraceConnectLayer`] |
//! | [`retry`] | a tower retry policy and retry loops driven by the class | [`RetryPolicy`] |
//! | [`net`] | an accept loop that survives descriptor exhaustion, a UDP socket that survives ICMP errors | [`GuardedListener`], [`TraceUdpSocket`] |
//! | `layer` | count and explain the socket errors other libraries log | `WsaLayer`, `Explain` |
//! | [`scan`] | socket errors in text: log lines, messages, field values | [`Scanner`] |
//!
//! # Where an item lives
//!
//! One rule, taken from the crates this one plugs into: tokio, hyper-util and tower-http keep
//! each item in the module of its subject, and tower adds at its root the few items every user
//! names (`Service`, `Layer`, `ServiceBuilder`).
//!
//! - Every item has one home, the module of its stage, and is documented there:
//!   [`code::Family`], [`map::Via`], [`retry::Outcome`], [`connect::TraceConnect`]. A module
//!   never re-exports another module's item: an item has its module's path, and an entry
//!   point the root's as well.
//! - The root re-exports the entry points, and only them: the last column of the table above,
//!   what a user names to start with a stage (`use wsa_trace::{Observer, RetryPolicy};`). The
//!   wrappers are among them, where tower-http keeps its middleware in modules: theirs would
//!   collide at one root (`TraceLayer`, `TimeoutLayer`), ours are one per stage and named for
//!   the crate. What an entry point returns or takes as detail (futures, markers, label
//!   constants, parse errors) is reached through its module: `wsa_trace::retry::RetryFuture`.
//! - Types of other crates that our signatures use are re-exported by the module that uses
//!   them ([`retry::TpsBudget`], [`observe::Level`]), so that naming them needs no dependency
//!   of the user's own.
//!
//! `tests/catalog/api_paths.rs` holds the root to the table. `WsaLayer` and `Explain` need the
//! `layer` feature.
//!
//! The caller always gets its original error back: same value, same `kind()`, same
//! `raw_os_error()`, and the service's error type does not change.
//!
//! ```
//! use std::io;
//! use wsa_trace::{default_class, Category, Mapping, Op, Retry, WsaCode};
//!
//! # #[cfg(unix)]
//! let err = io::Error::from_raw_os_error(libc::ECONNREFUSED);
//! # #[cfg(windows)]
//! # let err = io::Error::from_raw_os_error(10061);
//! let mapping = Mapping::from_io_error(&err);
//! let code = mapping.code().unwrap();
//! assert_eq!(code, WsaCode::WSAECONNREFUSED);
//! assert_eq!(code.raw(), 10061);
//!
//! let class = default_class(Some(code), Op::Connect);
//! assert_eq!(class.category(), Category::Transient);
//! assert_eq!(class.retry(), Retry::Backoff);
//! println!("{code}: {}", code.hint().unwrap());
//! ```
//!
//! Around a connector, with tower:
//!
//! ```no_run
//! # #[cfg(all(feature = "tower", feature = "tracing"))]
//! # async fn run() -> std::io::Result<()> {
//! use std::net::SocketAddr;
//! use tokio::io::AsyncReadExt;
//! use tower::{service_fn, Layer, ServiceExt};
//! use wsa_trace::TraceConnectLayer;
//!
//! let connector = TraceConnectLayer::new()
//!     .layer(service_fn(|addr: SocketAddr| tokio::net::TcpStream::connect(addr)));
//! let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
//! // Refused? One event (wsa.symbol=WSAECONNREFUSED wsa.op=connect ...), one count,
//! // and the original io::Error comes back.
//! let mut stream = connector.oneshot(addr).await?;
//! let mut buf = [0; 1024];
//! stream.read(&mut buf).await?; // a reset here is observed with wsa.op=read
//! # Ok(()) }
//! ```
//!
//! One [`Observer`] holds the classifier, the event levels, the rate limit and the counter
//! names: give the same one (cloning it costs nothing) to the connector layer, the retry
//! policy, the accept guard and the UDP socket, so that what is logged is what is acted on.
//!
//! # Getting the counters out
//!
//! The counters go through the `metrics` facade ([`metrics`](mod@metrics)); with
//! `metrics-exporter-prometheus`, in four lines:
//!
//! ```
//! # #[cfg(feature = "metrics")] {
//! use metrics_exporter_prometheus::PrometheusBuilder;
//!
//! let prometheus = PrometheusBuilder::new().install_recorder().unwrap(); // first of all
//! // ... sockets fail, observers count ...
//! let text = prometheus.render(); // the body of your /metrics response
//! # let _ = text; }
//! ```
//!
//! Install the recorder before the first socket is used: one installed later gets every count
//! from then on, but not those made before it.
//!
//! # Features
//!
//! | feature | default | adds | dependencies |
//! |---|---|---|---|
//! | `tracing` | yes | a structured event per error, span recording ([`socket_span!`]) | `tracing` |
//! | `metrics` | yes | the per-code error counter ([`metrics`](mod@metrics)) | `metrics` |
//! | `tokio` | yes | [`TraceStream`], the `AsyncRead`/`AsyncWrite` wrapper | `tokio` (no features), `pin-project` |
//! | `tower` | yes | [`TraceConnectLayer`] for connectors (implies `tokio`) | `tower-service`, `tower-layer` |
//! | `retry` | yes | [`RetryPolicy`], a tower retry policy driven by the classification, and a retry helper for one-off calls (implies `tower`) | `tower` (`retry` only), tokio's `time` |
//! | `net` | yes | [`GuardedListener`], an accept loop that backs off when descriptors run out, and [`TraceUdpSocket`] (implies `tokio`) | tokio's `net` and `time` |
//! | `hyper` | no | hyper's `rt::Read`/`rt::Write` and hyper-util's `Connection` on [`TraceStream`], `http::Uri` targets, and with `tower` `connect::AttemptConnector`, which accounts for every connect attempt | `hyper`, `hyper-util`, `http` |
//! | `axum` | no | [`GuardedListener`] as an `axum::serve::Listener` (implies `net`) | `axum` (`tokio`, `http1`) |
//! | `cli` | no | the `wsa` lookup tool (`cargo install --path . --features cli` in a checkout) | `clap`, `serde_json` |
//! | `layer` | no | `WsaLayer` and `Explain` (module `layer`): count and explain the socket errors other libraries log | `tracing-subscriber` (`registry`, `fmt`) |
//! | `reqwest-retry` | no | `retry::WsaRetryable`: reqwest-middleware's retries decided by the classification (implies `retry`) | `reqwest`, `reqwest-middleware`, `reqwest-retry` (no default features) |
//!
//! With no features the catalog, mapping, classification and [`Observer`] (which then
//! only classifies) need `std` and `libc` alone.
//!
//! ## hyper, hyper-util and tonic need the `hyper` feature
//!
//! Without it, handing a [`TraceStream`] or a [`TraceConnectLayer`]-wrapped `HttpConnector`
//! to hyper fails to compile with errors that name the missing trait, not the feature:
//!
//! ```text
//! the trait bound `TraceStream<TokioIo<TcpStream>>: hyper::rt::Read` is not satisfied
//! the trait bound `TraceStream<..>: hyper_util::client::legacy::connect::Connection` is not satisfied
//! `http::Uri` is not a connector request wsa-trace can name the peer of
//! ```
//!
//! All three mean the same thing: enable the feature,
//! `wsa-trace = { version = "0.1", features = ["hyper"] }`.
//!
//! # The catalog
//!
//! The [`catalog`] page lists every code with its default class and the reason for it.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations, unreachable_pub)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod classify;
pub mod code;
#[cfg(feature = "tower")]
pub mod connect;
#[cfg(test)]
mod doc_tables;
#[cfg(feature = "tokio")]
mod io;
#[cfg(feature = "layer")]
pub mod layer;
pub mod map;
#[cfg(feature = "metrics")]
pub mod metrics;
#[cfg(feature = "net")]
pub mod net;
pub mod observe;
#[cfg(feature = "retry")]
pub mod retry;
pub mod scan;
#[cfg(any(feature = "net", feature = "retry"))]
mod yield_once;

// These two pages' summaries are the first paragraphs of their markdown files.
pub mod opentelemetry_mapping {
    #![doc = include_str!("../docs/opentelemetry.md")]
}

pub mod catalog {
    #![doc = include_str!("../docs/catalog.md")]
}

/// The README's examples, compiled and run as doctests with the default features they use.
#[cfg(all(doctest, feature = "retry", feature = "tower"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use classify::{default_class, Classification, Classify, DefaultClassifier, Op};
pub use code::{Category, Retry, WsaCode};
pub use map::Mapping;
pub use observe::{ObserveExt, Observer, Peer};
pub use scan::Scanner;

#[cfg(feature = "tower")]
pub use connect::TraceConnectLayer;
#[cfg(feature = "tokio")]
pub use io::TraceStream;
#[cfg(feature = "layer")]
pub use layer::{Explain, WsaLayer};
#[cfg(feature = "net")]
pub use net::{GuardedListener, TraceUdpSocket};
#[cfg(feature = "retry")]
pub use retry::RetryPolicy;

#[cfg(feature = "tracing")]
#[doc(hidden)]
pub mod __private {
    pub use tracing;
}
