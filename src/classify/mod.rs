//! What an error means for the caller: [`Retry`] advice and the [`Category`] that follows from
//! it, for a given [`Op`].
//!
//! Each catalog row carries the code's default advice and a one-line reason
//! ([`WsaCode::reason`]). A few codes mean something different depending on the operation
//! that failed; those rules are listed below and live in one place. Users can override both
//! per code and per code and operation with [`DefaultClassifier`], or bring their own
//! [`Classify`] implementation.
//!
//! ```
//! use wsa_trace::{default_class, Category, Op, Retry, WsaCode};
//!
//! // Address in use: fatal on bind, transient on connect (ephemeral ports exhausted).
//! let bind = default_class(Some(WsaCode::WSAEADDRINUSE), Op::Bind);
//! let connect = default_class(Some(WsaCode::WSAEADDRINUSE), Op::Connect);
//! assert_eq!((bind.category(), bind.retry()), (Category::Fatal, Retry::Never));
//! assert_eq!((connect.category(), connect.retry()), (Category::Transient, Retry::Backoff));
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
//! | `WSAENOTCONN` | shutdown | benign, ignore | the connection is already gone, after a reset say: what shutdown was for is done |
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

use crate::code::WsaCode;

pub(crate) use crate::code::{Category, Retry};
pub use op::Op;
pub use overrides::DefaultClassifier;

/// The class of an error for an operation: its retry advice, and the category that follows
/// from the advice. The two cannot contradict: the category is [`Retry::category`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Classification {
    retry: Retry,
}

impl Classification {
    /// Fatal, never retry: the class of every error that is not understood.
    pub const FATAL: Classification = Classification::new(Retry::Never);

    /// Benign, nothing to retry: the error reports a state the caller was heading for.
    pub const BENIGN: Classification = Classification::new(Retry::Ignore);

    /// The class with this advice.
    pub const fn new(retry: Retry) -> Self {
        Classification { retry }
    }

    /// What to do about the error.
    pub const fn retry(self) -> Retry {
        self.retry
    }

    /// Transient, fatal or benign: [`Retry::category`] of the advice.
    pub const fn category(self) -> Category {
        self.retry.category()
    }

    /// Whether the advice is to try again in some way.
    pub const fn is_retryable(self) -> bool {
        self.retry.is_retryable()
    }
}

impl From<Retry> for Classification {
    fn from(retry: Retry) -> Self {
        Classification::new(retry)
    }
}

/// Decides the class of an error code for an operation: what an [`Observer`](crate::Observer)
/// is given to classify with. To ask for the built-in class, call [`default_class`].
///
/// `code` is `None` when the error could not be mapped to any Windows Sockets code.
/// Implemented for [`DefaultClassifier`] and for closures
/// `Fn(Option<WsaCode>, Op) -> Classification`.
pub trait Classify {
    /// The class of `code` when `op` failed with it.
    fn class_of(&self, code: Option<WsaCode>, op: Op) -> Classification;
}

impl<F> Classify for F
where
    F: Fn(Option<WsaCode>, Op) -> Classification,
{
    fn class_of(&self, code: Option<WsaCode>, op: Op) -> Classification {
        self(code, op)
    }
}

/// The built-in class of `code` for `op`: the catalog's default, adjusted by the rules that
/// depend on the operation. Unknown codes are [`Classification::FATAL`]; so is no code at all,
/// except on [`Op::Accept`], where it concerns one connection (transient, immediately).
///
/// This is the crate's one way to ask for a class: a code found by [`Mapping`](crate::Mapping)
/// (its [`code`](crate::Mapping::code)), parsed from text or named by hand. With
/// [`Op::Other`], an operation not known, no rule applies and the class is the catalog's own,
/// the one the [catalog table](crate::catalog) lists. A [`Classify`] implementation (an
/// [`Observer`](crate::Observer)'s classifier) decides instead where one is given.
///
/// ```
/// use wsa_trace::{default_class, Category, Mapping, Op, Retry, WsaCode};
///
/// let reset = Mapping::from_io_error(&std::io::ErrorKind::ConnectionReset.into());
/// let class = default_class(reset.code(), Op::Read);
/// assert_eq!((class.category(), class.retry()), (Category::Transient, Retry::Reconnect));
///
/// // The catalog's own class of a code, with no operation known.
/// let class = default_class(Some(WsaCode::WSAEWOULDBLOCK), Op::Other);
/// assert_eq!(class.retry(), Retry::Immediately);
/// ```
#[inline]
pub fn default_class(code: Option<WsaCode>, op: Op) -> Classification {
    rules::default_class(code, op)
}
