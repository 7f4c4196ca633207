//! Count and explain the socket errors that other libraries only log (feature `layer`).
//!
//! Most socket errors in a real service happen inside libraries that cannot be wrapped:
//! axum's and hyper's accept loops, hyper-util's connection pool, database and cache
//! clients. They reach the application only as log events such as
//! `accept error: Too many open files (os error 24)`. [`WsaLayer`] reads those events as
//! they pass and counts them; [`Explain`] appends the explanation to the human log line.
//! Neither needs any change to the code that logs.
//!
//! ```
//! use tracing_subscriber::prelude::*;
//! use wsa_trace::layer::{Explain, WsaLayer};
//!
//! tracing_subscriber::registry()
//!     .with(WsaLayer::new())
//!     .with(tracing_subscriber::fmt::layer().event_format(Explain::new(
//!         tracing_subscriber::fmt::format(),
//!     )))
//!     .init();
//! ```
//!
//! # What is read
//!
//! Each event yields at most one socket error:
//!
//! 1. fields recorded as errors (`error = &e as &dyn std::error::Error`), whatever their
//!    names, are walked with the chain mapping
//!    ([`Mapping::from_error`](crate::Mapping::from_error)): a typed value beats any text,
//!    and an error value that maps to no code is not counted, since it is not known to be a
//!    socket error;
//! 2. the message and the fields whose names say they hold an error go through the text
//!    [scanner](crate::scan); the most specific match wins. Integer fields named `errno`,
//!    `os_error` or `raw_os_error` are read as errno numbers.
//!
//! Other fields are not read: their text may come from the outside (`user_agent`, `path`,
//! `query`), and anyone who can put `(os error 24)` in a logged header must not be able to
//! raise socket error counts. [`WsaLayer::all_fields`] reads them all; even then, fields
//! named for a span of time (`elapsed`, `duration`, `latency`, `took`, and the fmt layer's
//! `time.busy` and `time.idle`) hold durations and are not read.
//!
//! | field name | read as |
//! |---|---|
//! | `message` | text |
//! | `error`, `err`, `e`, `cause`, `reason`, `source`, `exception` | text |
//! | ending with `_error`, `_err` or `.error` (`io_error`), starting with `error.` or `exception.` (`exception.message`) | text |
//! | `errno`, `os_error`, `raw_os_error` | an integer as an errno number (`raw_os_error = 104`), else text |
//! | `wsa.op`, `op` | the operation (below) |
//! | any, holding a `&dyn Error` | the error's chain |
//! | any other | nothing, or text with [`WsaLayer::all_fields`] |
//!
//! Events whose target is `wsa_trace` are skipped: they are the crate's own, counted where
//! they happen.
//!
//! # The operation
//!
//! In this order: an event field `wsa.op` or `op` holding an [`Op`](crate::Op) name; the
//! nearest span with a `wsa.op` field; the first of these words in the message; else
//! `other`.
//!
//! | word | op |
//! |---|---|
//! | `accept` | `accept` |
//! | `connect` | `connect` |
//! | `bind` | `bind` |
//! | `read` | `read` |
//! | `write` | `write` |
//! | `recv` | `recv` |
//! | `send` | `send` |
//! | `shutdown` | `shutdown` |
//! | `resolve`, `lookup` | `resolve` |
//!
//! The code and operation are then classified by the [`Observer`](crate::Observer)'s
//! classifier, as everywhere else: `accept error: ... (os error 24)` is `WSAEMFILE`, op
//! `accept`, transient, backoff.
//!
//! # The counter
//!
//! | counter | labels |
//! |---|---|
//! | `<prefix>_logged_socket_errors_total` | `code`, `category`, `op`, `source` |
//!
//! A family of its own, so that an error seen both by a wrapped stream and in a library's
//! log is not counted twice in `socket_errors_total`. `source` is the first path segment of
//! the event's target (`axum`, `hyper_util`, `tonic`): the library that logged it, from
//! the closed set of crates in the binary. The prefix is the observer's.
//!
//! # What is enabled
//!
//! The layer enables nothing of its own: a process's enabled levels and callsites are the
//! same with it as without it, and it reads the events the rest of the subscriber enables.
//! tracing-subscriber takes the most permissive answer of a subscriber's layers, and a layer
//! with no opinion of its level turns every level on beside a per-layer filter
//! (`fmt::layer().with_filter(LevelFilter::INFO)`), so the layer answers with the level of
//! the rest, which it learns when the subscriber is built.
//!
//! What that leaves uncounted is what the rest leaves off. hyper-util logs a refused
//! connect at TRACE (`connect error for 127.0.0.1:5432: ConnectError(...)`), and hyper and
//! h2 log their connection errors at DEBUG. [`WsaLayer::level`] gives the layer a level of
//! its own:
//!
//! ```
//! use tracing::level_filters::LevelFilter;
//! use tracing_subscriber::prelude::*;
//! use wsa_trace::layer::WsaLayer;
//!
//! tracing_subscriber::registry()
//!     .with(tracing_subscriber::fmt::layer().with_filter(LevelFilter::INFO))
//!     .with(WsaLayer::new().level(LevelFilter::TRACE))
//!     .init();
//! ```
//!
//! The fmt layer still prints INFO and above, and the layer counts the socket errors logged
//! at every level; the cost is that every `trace!` and `debug!` callsite in the process is
//! then live, and the layer reads the message and error fields of each (hyper and h2 log
//! per frame). A filter that stands alone in the subscriber (`registry().with(EnvFilter)`)
//! decides for every layer: the process's level still rises to the layer's, but the filter
//! turns those callsites off; give the filter to the fmt layer instead (`with_filter`) for
//! the layer's level to count. A filter given to the layer itself
//! (`WsaLayer::new().with_filter(..)`) makes it read only what that filter passes, as for
//! any layer.
//!
//! With a per-layer filter that turns targets on and off (`EnvFilter` directives such as
//! `info,my_app=debug` given to `with_filter`), the levels stay those of the filter, but
//! callsites it turns off at a level it enables for other targets are dispatched to this
//! layer (tracing-subscriber asks the layers of such callsites one event at a time).
//!
//! # Cost
//!
//! Whether a callsite is the crate's own, which source's counters it uses, and how each of
//! its fields is read (by its name: text, operation, errno, or not at all) are decided once
//! per callsite in `register_callsite`. An event is read by formatting the fields it reads
//! into the scanner, which allocates nothing and stops the formatting once nothing more can
//! change its answer; integer and bool fields are not formatted, but for the errno fields. A
//! message that comes in one piece (a static one) and holds no socket error is remembered per
//! thread and not scanned again. Counting is one atomic add once the label set's handle
//! exists. `benches/layer.rs` measures it against the fmt layer alone (the README's
//! performance section has the figures).

mod detect;
mod explain;
mod interest;
mod op_words;
mod quiet;
mod wsa_layer;

pub use explain::Explain;
pub use wsa_layer::WsaLayer;
