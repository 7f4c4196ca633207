//! What an error means for the caller: a [`Category`] and [`Retry`] advice, for a given [`Op`].
//!
//! Each catalog row carries the code's default class and a one-line reason
//! ([`WsaCode::reason`]). A few codes mean something different depending on the operation
//! that failed; those rules are listed below and live in one place. Users can override both
//! per code and per code and operation with [`DefaultClassifier`], or bring their own
//! [`Classify`] implementation.
//!
//! ```
//! use wsa_trace::{classify, Category, Op, Retry, WsaCode};
//!
//! // Address in use: fatal on bind, transient on connect (ephemeral ports exhausted).
//! let bind = classify(Some(WsaCode::WSAEADDRINUSE), Op::Bind);
//! let connect = classify(Some(WsaCode::WSAEADDRINUSE), Op::Connect);
//! assert_eq!((bind.category, bind.retry), (Category::Fatal, Retry::Never));
//! assert_eq!((connect.category, connect.retry), (Category::Transient, Retry::Backoff));
//! ```
//!
//! # Rules that depend on the operation
//!
//! | code | operation | class | why |
//! |---|---|---|---|
//! | `WSAEADDRINUSE`, `WSAEADDRNOTAVAIL` | connect | transient, backoff | no ephemeral port was free; ports come back as connections close |
//! | `WSAECONNRESET`, `WSAECONNABORTED` (also Linux's `EPROTO`) | accept | transient, immediately | one pending connection died before it was accepted, or its client gave up; the listener is fine |
//! | `WSAENETDOWN`, `WSAENETUNREACH`, `WSAEHOSTDOWN`, `WSAEHOSTUNREACH` (also `ENONET`), `WSAENOPROTOOPT`, `WSAEOPNOTSUPP` | accept | transient, immediately | Linux reports a network error of the pending connection on accept (accept(2): treat it like `EAGAIN`) |
//! | `WSAEACCES` (Linux's `EPERM`) | accept | transient, immediately | a firewall rule refused that one connection |
//! | no code at all | accept | transient, immediately | an error the mapping does not know (a custom listener's handshake, say) concerns one connection |
//! | `WSAEMFILE`, `WSAENOBUFS`, `WSA_NOT_ENOUGH_MEMORY` | accept | transient, backoff | out of resources: pause the accept loop, it recovers when they return |
//! | `WSAECONNRESET`, `WSAENETRESET`, `WSAECONNREFUSED` | send, send_to, recv, recv_from | transient, immediately | an ICMP error for an earlier datagram, reported on the next call; the UDP socket still works |
//! | `WSAEMSGSIZE` | recv, recv_from | transient, immediately | the datagram was larger than the buffer and was cut short (Windows; Linux truncates silently); the socket is fine. On a send it stays fatal: the datagram was not sent |
//! | `WSAENOTCONN` | shutdown | benign, never | the connection is already gone, after a reset say: what shutdown was for is done |
//! | `WSAECONNREFUSED` | bind | fatal, never | only a Unix socket path in a missing directory (`ENOENT`) gives it on bind, and the directory stays missing |
//! | any code advised `reconnect` | connect | transient, backoff | a failed connect has no connection to lose: retry the connect itself |
//! | `WSAETIMEDOUT` | read, write, flush | transient, reconnect | the established connection was given up on |
//!
//! Connecting a Unix socket whose server is restarting fails with `ENOENT` (the socket file is
//! gone) or `ECONNREFUSED` (nobody listens on it yet). Both are `WSAECONNREFUSED`, transient
//! with backoff on connect, like a TCP connect to a port where nothing listens yet.
//!
//! The default class of every code, with its reason, is in the [catalog table](crate::catalog).

mod op;
mod op_of;
mod overrides;
mod rules;

use std::fmt;

use crate::code::WsaCode;

pub use op::Op;
pub use overrides::DefaultClassifier;

/// Whether an error can go away by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// The condition may pass: a retry, later or on a new connection, can succeed.
    Transient,
    /// Retrying the same thing will fail the same way.
    Fatal,
    /// Nothing needs handling: the error reports a state the caller was heading for anyway,
    /// such as shutting down a connection the peer has already reset. Never retried, and
    /// logged at the would-block level rather than as a failure.
    Benign,
}

/// What to do about an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Retry {
    /// The operation is not done yet; it has not failed (the would-block class). Wait for
    /// readiness, or yield, and issue it again.
    Immediately,
    /// Retry the same operation after a delay.
    Backoff,
    /// The connection is gone: retry on a new connection, and only if the operation is
    /// idempotent.
    Reconnect,
    /// Do not retry.
    Never,
}

/// A category with its retry advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Classification {
    /// Transient or fatal.
    pub category: Category,
    /// What to do about it.
    pub retry: Retry,
}

impl Classification {
    /// Fatal, never retry: the class of every error that is not understood.
    pub const FATAL: Classification = Classification::new(Category::Fatal, Retry::Never);

    /// Builds a classification. The advice wins where the two disagree: a category of
    /// `Fatal` or `Benign` with advice other than [`Retry::Never`] is made transient, and
    /// `Transient` with [`Retry::Never`] is made fatal, so that `category` and `retry` never
    /// contradict.
    pub const fn new(category: Category, retry: Retry) -> Self {
        let category = match (category, retry) {
            (Category::Benign, Retry::Never) => Category::Benign,
            (_, Retry::Never) => Category::Fatal,
            (Category::Fatal | Category::Benign, _) => Category::Transient,
            (c, _) => c,
        };
        Classification { category, retry }
    }

    /// Whether the advice is anything but [`Retry::Never`].
    pub const fn is_retryable(self) -> bool {
        !matches!(self.retry, Retry::Never)
    }
}

impl Category {
    /// `"transient"`, `"fatal"` or `"benign"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Transient => "transient",
            Category::Fatal => "fatal",
            Category::Benign => "benign",
        }
    }
}

impl Retry {
    /// `"immediately"`, `"backoff"`, `"reconnect"` or `"never"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Retry::Immediately => "immediately",
            Retry::Backoff => "backoff",
            Retry::Reconnect => "reconnect",
            Retry::Never => "never",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decides the class of an error code for an operation.
///
/// `code` is `None` when the error could not be mapped to any Windows Sockets code.
/// Implemented for [`DefaultClassifier`] and for closures
/// `Fn(Option<WsaCode>, Op) -> Classification`.
pub trait Classify {
    /// The class of `code` when `op` failed with it.
    fn classify(&self, code: Option<WsaCode>, op: Op) -> Classification;
}

impl<F> Classify for F
where
    F: Fn(Option<WsaCode>, Op) -> Classification,
{
    fn classify(&self, code: Option<WsaCode>, op: Op) -> Classification {
        self(code, op)
    }
}

/// The built-in class of `code` for `op`: the catalog's default, adjusted by the rules that
/// depend on the operation. Unknown codes are [`Classification::FATAL`]; so is no code at all,
/// except on [`Op::Accept`], where it concerns one connection (transient, immediately).
#[inline]
pub fn classify(code: Option<WsaCode>, op: Op) -> Classification {
    rules::classify(code, op)
}
