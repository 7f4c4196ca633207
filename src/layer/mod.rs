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
//! 1. fields recorded as errors (`error = &e as &dyn std::error::Error`) are walked with the
//!    chain mapping ([`Mapping::from_error`](crate::Mapping::from_error)): a typed value beats
//!    any text, and an error value that maps to no code is not counted, since it is not
//!    known to be a socket error;
//! 2. every other field, the message included, goes through the text
//!    [scanner](crate::scan) (integer fields named `errno`, `os_error` or `raw_os_error`
//!    as `errno=104`); the most specific match wins.
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
//! # Cost
//!
//! Whether a callsite is the crate's own, and which source's counters it uses, is decided
//! once per callsite in `register_callsite`. An event is read by formatting its fields
//! into the scanner, which allocates nothing; counting is one atomic add once the label
//! set's handle exists. `benches/layer.rs` measures it against the fmt layer alone.

mod counters;
mod detect;
mod explain;
mod op_words;
mod wsa_layer;

pub use counters::LOGGED_SUFFIX;
pub use explain::Explain;
pub use wsa_layer::WsaLayer;
