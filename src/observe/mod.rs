//! What happens when an error is seen: one tracing event with structured fields, the same
//! fields on the current span if asked, and one count on the per-code counter. The caller
//! then gets its original error back, untouched.
//!
//! ```
//! use std::io;
//! use wsa_trace::observe::{Observer, Peer};
//! use wsa_trace::{Op, Retry, WsaCode};
//!
//! let observer = Observer::new();
//! let err = io::Error::from(io::ErrorKind::ConnectionRefused);
//! let seen = observer.observe_io(&err, Op::Connect, &Peer::unknown());
//! assert_eq!(seen.code(), Some(WsaCode::WSAECONNREFUSED));
//! assert_eq!(seen.class.retry(), Retry::Backoff);
//! ```
//!
//! # Fields
//!
//! An error event carries the essential fields, the peer's among them (each absent where
//! unknown: an error observed with [`Peer::unknown`] has no `network.peer.*` field); with
//! [`EventFields::All`] it carries the detail too. [`socket_span!`](crate::socket_span)
//! declares every field whose last column names the span, so that
//! [`Observer::record_on_span`] and the retry policy can fill them. Each field costs a subscriber such as `fmt` a formatting step, and most of an
//! emitted event's cost is its fields: the default keeps what a reader of the log needs.
//!
//! | field | example | meaning | carried by |
//! |---|---|---|---|
//! | `wsa.code` | `10054` | the Windows Sockets code | every error event, retry events, the rate limit's summaries, the span |
//! | `wsa.symbol` | `WSAECONNRESET` | its symbol, `UNKNOWN` when there is none | every error event, retry events, the rate limit's summaries, `Explain`'s lines, the span |
//! | `wsa.category` | `transient` | `transient`, `fatal` or `benign` | every error event, retry events, `Explain`'s lines, the span |
//! | `wsa.retry` | `reconnect` | `immediately`, `backoff`, `reconnect`, `never` or `ignore` | every error event, retry events, `Explain`'s lines, the span |
//! | `wsa.description` | `The remote side, ...` | what happened | every error event, the span |
//! | `wsa.op` | `read` | the operation that failed | every error event, retry events, the span |
//! | `network.peer.address` | `127.0.0.1` | the peer's IP address, where known | every error event, the span |
//! | `network.peer.port` | `8080` | the peer's port, where known | every error event, the span |
//! | `server.address` | `example.com` | the host name connected to, where known | every error event, the span |
//! | `wsa.message` | `Connection reset by peer` | the standard short phrase | the span; error events with `EventFields::All` |
//! | `wsa.os_code` | `104` | the native code (`raw_os_error()`) | the span; error events with `EventFields::All` |
//! | `wsa.os_name` | `ECONNRESET` | its name on this platform | the span; error events with `EventFields::All` |
//! | `wsa.kind` | `ConnectionReset` | the `io::ErrorKind` | the span; error events with `EventFields::All` |
//! | `error.type` | `connection_reset` | OpenTelemetry's low-cardinality error name, `_OTHER` if none | the span; error events with `EventFields::All` |
//! | `network.transport` | `tcp` | `tcp`, `udp` or `unix` | the span; error events with `EventFields::All` |
//! | `error` | `Connection reset by peer (os error 104)` | the error's own text, with its sources after `: ` | every error event |
//! | `wsa.outcome` | `retry` | the decision: `retry`, `retry_now`, `fatal`, `attempts_exhausted`, `deadline`, `budget_exhausted`, `not_idempotent`, `benign` | retry events, the span on giving up |
//! | `wsa.attempts` | `3` | the calls made so far, this one included | retry events, the span on giving up |
//! | `wsa.delay_ms` | `200` | the wait before the next call, on `retrying ... after a delay` | retry events |
//! | `wsa.suppressed` | `97` | how many events of this code the rate limit dropped | the rate limit's summaries |
//! | `wsa.interval_ms` | `1000` | the rate limit's interval | the rate limit's summaries |
//! | `wsa.hint` | `"Raise the limit ..."` | what to check or change, for the codes people meet most | `Explain`'s lines |
//! | `network.type` | `ipv6` | the family of the address a connect attempt went to: `ipv4` or `ipv6` | `AttemptConnector`'s `connect_attempt` span or, on success, the span |
//! | `wsa.connect_attempt` | `2` | the connect attempt, from 1 in the order they started; on the span, the one that connected | `AttemptConnector`'s `connect_attempt` span or, on success, the span |
//! | `wsa.elapsed_ms` | `3000` | how long a failed connect attempt took | `AttemptConnector`'s `connect_attempt` span or, on success, the span |
//! | `wsa.connect_failed` | `1` | how many connect attempts had failed when one connected | `AttemptConnector`'s `connect_attempt` span or, on success, the span |
//!
//! `wsa.op` is an [`Op`](crate::Op), `wsa.outcome` an [`Outcome`](crate::retry::Outcome). One
//! list in the source names every field; the error event, the span recording, `socket_span!`,
//! the retry events, the rate limit's summaries, the lines of `layer::Explain` and this table
//! come from it.
//!
//! Events have the target `wsa_trace` and the message `socket operation failed`. Their level
//! follows the class: `DEBUG` for the would-block class and benign errors (nothing failed),
//! `WARN` for other transient errors, `ERROR` for fatal ones; each is configurable.
//!
//! # Cost
//!
//! Mapping and classifying allocate nothing. Field values are computed only when a
//! subscriber wants the event. Counting is one atomic add once the (code, operation) handle
//! exists; see [`metrics`](crate::metrics).

mod builder;
#[cfg(feature = "tracing")]
mod event;
mod ext;
pub(crate) mod fields;
#[cfg(feature = "tracing")]
mod limit;
pub(crate) mod otel;
mod peer;
mod pipeline;
#[cfg(feature = "tracing")]
mod span;

#[cfg(feature = "tracing")]
pub use builder::EventFields;
pub use builder::Observer;
#[cfg(feature = "tracing")]
pub use event::TARGET;
pub use ext::ObserveExt;
pub use otel::OTHER as ERROR_TYPE_OTHER;
pub use peer::{Host, Peer, Transport};
pub use pipeline::Observation;

#[cfg(feature = "tracing")]
pub use tracing::Level;
