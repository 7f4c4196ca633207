//! Any error -> a Windows Sockets code, on every platform.
//!
//! [`Mapping::from_io_error`] and [`Mapping::from_error`] find the `io::Error` in an error
//! chain and work out its [`WsaCode`], keeping the native code beside it.
//!
//! ```
//! use std::io;
//! use wsa_trace::map::Via;
//! use wsa_trace::{Mapping, WsaCode};
//!
//! // What Linux reports for a reset connection; macOS and Windows use other numbers,
//! // and each maps to the same code.
//! # #[cfg(unix)]
//! let err = io::Error::from_raw_os_error(libc::ECONNRESET);
//! # #[cfg(windows)]
//! # let err = io::Error::from_raw_os_error(10054);
//! let m = Mapping::from_io_error(&err);
//! assert_eq!(m.code(), Some(WsaCode::WSAECONNRESET));
//! assert_eq!(m.os_code(), err.raw_os_error());
//! assert_eq!(m.via(), Via::Os);
//! # #[cfg(unix)]
//! assert_eq!(m.os_name(), Some("ECONNRESET"));
//!
//! // No OS code at all: a tokio timeout. The kind decides.
//! let timeout = io::Error::from(io::ErrorKind::TimedOut);
//! assert_eq!(Mapping::from_io_error(&timeout).code(), Some(WsaCode::WSAETIMEDOUT));
//! ```
//!
//! # How a code is found
//!
//! 1. The error chain is walked through `source()`, and into `io::Error::get_ref()` (an
//!    `io::Error` hides its payload's own chain), looking at 32 errors at most. The first
//!    `io::Error` whose OS code maps to a WSA code wins; failing that, the first whose OS code,
//!    kind or text gives a code; failing that, the first `io::Error` at all, with no code.
//! 2. An OS code is mapped by the platform's table: on Windows, [`from_windows`] (WSA codes as
//!    they are, Win32 codes from overlapped I/O translated); elsewhere, [`from_errno`].
//!    Both are pure functions, available on every platform.
//! 3. Without an OS code, the standard library's resolver failures are recognised by their
//!    text (they carry none), then the [`io::ErrorKind`] decides ([`from_kind`]).
//!
//! # errno pairs that are not a plain Berkeley equivalence
//!
//! Every other errno the table knows maps to the code whose Berkeley name it is. These are the
//! extras, with their numbers on Linux and on macOS (`-`: that system has no such errno).
//!
//! | errno | Linux | macOS | code | why |
//! |---|---|---|---|---|
//! | `EAGAIN` | 11 | 35 | `WSAEWOULDBLOCK` | EAGAIN is the other name of EWOULDBLOCK; where the values differ, both mean the call would block |
//! | `ENOTSUP` | 95 | 45 | `WSAEOPNOTSUPP` | ENOTSUP is EOPNOTSUPP's twin (the same value on Linux) |
//! | `EPIPE` | 32 | 32 | `WSAESHUTDOWN` | a write to a connection the peer closed: Windows reports that write as WSAESHUTDOWN |
//! | `ENFILE` | 23 | 23 | `WSAEMFILE` | the system-wide descriptor table is full; Winsock folds both limits into WSAEMFILE |
//! | `ENOMEM` | 12 | 12 | `WSA_NOT_ENOUGH_MEMORY` | the kernel could not allocate memory, the condition Windows reports as WSA_NOT_ENOUGH_MEMORY |
//! | `ECANCELED` | 125 | 89 | `WSA_OPERATION_ABORTED` | an operation cancelled before completion, as Windows reports a cancelled overlapped operation |
//! | `EPERM` | 1 | 1 | `WSAEACCES` | Linux returns EPERM when a firewall rule rejects a send, connect or pending connection; Windows reports refusals on permission grounds as WSAEACCES |
//! | `ENOENT` | 2 | 2 | `WSAECONNREFUSED` | connecting a Unix socket whose file is missing: nothing listens at that address, what a refused connection says |
//! | `EPROTO` | 71 | 100 | `WSAECONNABORTED` | a protocol error ended the connection (on accept, a pending one); Winsock reports a connection its own stack gave up on as WSAECONNABORTED |
//! | `ENONET` | 64 | - | `WSAEHOSTUNREACH` | Linux's errno for an ICMP host-isolated error; Windows reports the ICMP host-unreachable errors as WSAEHOSTUNREACH |
//!
//! The native code and its name stay in [`Mapping::os_code`] and [`Mapping::os_name`]
//! (`EPROTO`, `ENONET`), so an error that shares its WSA code with another can still be told
//! apart.
//!
//! # Errors without an OS code
//!
//! | `io::ErrorKind` or text | code |
//! |---|---|
//! | `ConnectionRefused`, `ConnectionReset`, `ConnectionAborted`, `NotConnected` | `WSAECONNREFUSED`, `WSAECONNRESET`, `WSAECONNABORTED`, `WSAENOTCONN` |
//! | `AddrInUse`, `AddrNotAvailable` | `WSAEADDRINUSE`, `WSAEADDRNOTAVAIL` |
//! | `BrokenPipe` | `WSAESHUTDOWN` |
//! | `WouldBlock` (`try_read`), `Interrupted` | `WSAEWOULDBLOCK`, `WSAEINTR` |
//! | `TimedOut` (tokio's `timeout`, hyper-util's connect timeout) | `WSAETIMEDOUT` |
//! | `PermissionDenied`, `InvalidInput`, `Unsupported`, `OutOfMemory` | `WSAEACCES`, `WSAEINVAL`, `WSAEOPNOTSUPP`, `WSA_NOT_ENOUGH_MEMORY` |
//! | `NetworkUnreachable`, `HostUnreachable`, `NetworkDown` | `WSAENETUNREACH`, `WSAEHOSTUNREACH`, `WSAENETDOWN` |
//! | "failed to lookup address information: ... not known / does not resolve" | `WSAHOST_NOT_FOUND` |
//! | "... temporary failure ..." | `WSATRY_AGAIN` |
//! | "... non-recoverable ..." | `WSANO_RECOVERY` |
//! | "... no address associated / no usable address ..." | `WSANO_DATA` |

pub(crate) mod chain;
pub(crate) mod errno;
mod kind;
pub(crate) mod view;
pub(crate) mod windows;

use std::error::Error;
use std::io;

use crate::code::{Entry, WsaCode};

pub use chain::find_io_error;
pub use view::{BoxedError, ErrorView, TypedError};

/// One row of a translation table: a native code, its name, the WSA code it maps to, and why,
/// where the pair is not a plain equivalence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Translation {
    /// The native symbol, such as `"EPIPE"` or `"ERROR_NETNAME_DELETED"`.
    pub name: &'static str,
    /// The native number on the platform the table is for.
    pub raw: i32,
    /// The code it maps to.
    pub code: WsaCode,
    /// Why, for pairs that are not a plain Berkeley equivalence.
    pub reason: Option<&'static str>,
}

/// The errno table compiled for this platform, in table order: the Berkeley pairs, then the
/// documented extras.
pub fn errno_translations() -> &'static [Translation] {
    &errno::ROWS
}

/// The Win32 errors that overlapped socket I/O reports, with the WSA code each stands for.
/// WSA codes themselves map to themselves and are not listed.
pub fn windows_translations() -> &'static [Translation] {
    windows::ROWS
}

/// How a [`Mapping`] found its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Via {
    /// From the OS error code.
    Os,
    /// From the text of a resolver failure that carries no OS code.
    Resolver,
    /// From the `io::ErrorKind`, for errors with no OS code.
    Kind,
    /// From text, such as a log line ([`scan`](crate::scan)): no error value behind it.
    Text,
    /// Nothing gave a code.
    Unmapped,
}

impl Via {
    /// `"os"`, `"resolver"`, `"kind"`, `"text"` or `"unmapped"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Via::Os => "os",
            Via::Resolver => "resolver",
            Via::Kind => "kind",
            Via::Text => "text",
            Via::Unmapped => "unmapped",
        }
    }
}

/// What an `io::Error` is, in Windows Sockets terms, with the native facts kept beside it.
///
/// Copying a `Mapping` is cheap (12 bytes) and making one never allocates. It holds the
/// catalog row it found, so that asking for the code, its symbol or its class looks nothing up
/// again.
///
/// ```
/// use std::io;
/// use wsa_trace::map::Via;
/// use wsa_trace::{Mapping, WsaCode};
///
/// // An OS error: the code, and the native errno kept beside it.
/// # #[cfg(unix)]
/// let refused = io::Error::from_raw_os_error(libc::ECONNREFUSED);
/// # #[cfg(windows)]
/// # let refused = io::Error::from_raw_os_error(10061);
/// let mapping = Mapping::from_io_error(&refused);
/// assert_eq!(mapping.code(), Some(WsaCode::WSAECONNREFUSED));
/// assert_eq!(mapping.os_code(), refused.raw_os_error());
/// assert_eq!(mapping.via(), Via::Os);
///
/// // No OS code: the `io::ErrorKind` decides.
/// let timed_out = io::Error::from(io::ErrorKind::TimedOut);
/// let mapping = Mapping::from_io_error(&timed_out);
/// assert_eq!(mapping.code(), Some(WsaCode::WSAETIMEDOUT));
/// assert_eq!(mapping.via(), Via::Kind);
/// assert_eq!(mapping.label(), "WSAETIMEDOUT");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    entry: Option<Entry>,
    os_code: Option<i32>,
    /// `None` when it follows from `os_code`.
    kind: Option<io::ErrorKind>,
    via: Via,
}

impl Mapping {
    /// Maps one `io::Error`, looking inside it if it wraps another error.
    #[inline]
    pub fn from_io_error(err: &io::Error) -> Mapping {
        match (err.raw_os_error(), err.get_ref()) {
            // An OS error, mapped here inline; one whose code maps to nothing goes by its kind.
            (Some(raw), _) => {
                Mapping::from_raw(raw).unwrap_or_else(|| Mapping::unmapped_os(err, raw))
            }
            // A bare kind: one `match` to the catalog row.
            (None, None) => Mapping::of_kind(err.kind(), None),
            (None, Some(inner)) => Mapping::from_payload(err, inner),
        }
    }

    /// [`Mapping::from_io_error`] for an OS code that maps to nothing: its kind decides.
    #[cold]
    #[inline(never)]
    fn unmapped_os(err: &io::Error, raw: i32) -> Mapping {
        Mapping::of_kind(err.kind(), Some(raw))
    }

    /// [`Mapping::from_io_error`] for an error that carries `inner`.
    #[inline(never)]
    fn from_payload(err: &io::Error, inner: &(dyn Error + Send + Sync + 'static)) -> Mapping {
        // The usual wrapper, `io::Error::new(kind, os_error)`: one downcast finds the code.
        if let Some(m) = inner.downcast_ref::<io::Error>().and_then(Mapping::from_os) {
            return m;
        }
        chain::map_chain(err).unwrap_or_else(|| Mapping::single(err))
    }

    /// Maps the first `io::Error` found in an error chain (`hyper_util`'s `ConnectError`,
    /// `reqwest::Error`, a `Box<dyn Error + Send + Sync>`), or `None` if the chain holds none.
    ///
    /// ```
    /// use std::{error::Error, io};
    /// use wsa_trace::{Mapping, WsaCode};
    ///
    /// #[derive(Debug)]
    /// struct ConnectFailed(io::Error);
    /// impl std::fmt::Display for ConnectFailed {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str("connect failed")
    ///     }
    /// }
    /// impl Error for ConnectFailed {
    ///     fn source(&self) -> Option<&(dyn Error + 'static)> {
    ///         Some(&self.0)
    ///     }
    /// }
    ///
    /// let boxed: Box<dyn Error + Send + Sync> =
    ///     Box::new(ConnectFailed(io::ErrorKind::ConnectionRefused.into()));
    /// let m = Mapping::from_error(&*boxed).unwrap();
    /// assert_eq!(m.code(), Some(WsaCode::WSAECONNREFUSED));
    /// ```
    pub fn from_error(err: &(dyn Error + 'static)) -> Option<Mapping> {
        chain::map_chain(err)
    }

    /// The mapping of an error with no `io::Error` inside: no code, kind `Other`.
    pub fn unmapped() -> Mapping {
        Mapping::new(None, None, Some(io::ErrorKind::Other), Via::Unmapped)
    }

    /// The mapping of a code read from text, which has no native code or kind behind it.
    pub fn from_text(code: WsaCode) -> Mapping {
        Mapping::new(Entry::of(code), None, Some(io::ErrorKind::Other), Via::Text)
    }

    /// [`Mapping::from_text`] of a catalog row the text was read as: no lookup.
    #[cfg(feature = "layer")]
    pub(crate) fn of_text(entry: Entry) -> Mapping {
        Mapping::new(Some(entry), None, Some(io::ErrorKind::Other), Via::Text)
    }

    /// Maps exactly this `io::Error`, without looking inside it.
    #[inline]
    pub(crate) fn single(err: &io::Error) -> Mapping {
        let os_code = err.raw_os_error();
        if let Some(m) = os_code.and_then(Mapping::from_raw) {
            return m;
        }
        let kind = err.kind();
        // Resolver text can only be in a payload: skip the formatting for bare kinds.
        if os_code.is_none() && err.get_ref().is_some() {
            if let Some(code) = kind::from_resolver_text(err) {
                return Mapping::new(Entry::of(code), None, Some(kind), Via::Resolver);
            }
        }
        Mapping::of_kind(kind, os_code)
    }

    /// Maps by the kind alone, keeping the OS code (one that maps to nothing) beside it.
    #[inline]
    fn of_kind(kind: io::ErrorKind, os_code: Option<i32>) -> Mapping {
        match kind::entry_of(kind) {
            Some(entry) => Mapping::new(Some(entry), os_code, Some(kind), Via::Kind),
            None => Mapping::new(None, os_code, Some(kind), Via::Unmapped),
        }
    }

    /// Maps exactly this `io::Error` by its OS code, if it has one that maps: no formatting.
    #[inline(always)]
    fn from_os(err: &io::Error) -> Option<Mapping> {
        Mapping::from_raw(err.raw_os_error()?)
    }

    /// Maps an OS code, if it maps.
    #[inline]
    fn from_raw(os_code: i32) -> Option<Mapping> {
        // The kind of an OS error follows from its code: worked out when asked for.
        entry_of_raw_os_error(os_code)
            .map(|entry| Mapping::new(Some(entry), Some(os_code), None, Via::Os))
    }

    const fn new(
        entry: Option<Entry>,
        os_code: Option<i32>,
        kind: Option<io::ErrorKind>,
        via: Via,
    ) -> Self {
        Mapping {
            entry,
            os_code,
            kind,
            via,
        }
    }

    /// The portable Windows Sockets code, if any could be found.
    #[inline]
    pub fn code(&self) -> Option<WsaCode> {
        self.entry.map(Entry::code)
    }

    /// The catalog row of the code.
    #[inline]
    pub(crate) fn entry(&self) -> Option<Entry> {
        self.entry
    }

    /// The code's symbol, or [`UNKNOWN_LABEL`](crate::code::UNKNOWN_LABEL) when there is none:
    /// always from a closed set.
    pub fn label(&self) -> &'static str {
        self.entry
            .map_or(crate::code::UNKNOWN_LABEL, |e| e.info().name)
    }

    /// The native OS code as observed (`raw_os_error()`): errno 104 on Linux, 10054 on Windows.
    pub fn os_code(&self) -> Option<i32> {
        self.os_code
    }

    /// The native code's symbolic name on this platform: `"ECONNRESET"` on Unix,
    /// `"WSAECONNRESET"` or a Win32 name such as `"ERROR_NETNAME_DELETED"` on Windows.
    pub fn os_name(&self) -> Option<&'static str> {
        self.os_code.and_then(os_code_name)
    }

    /// The error's `io::ErrorKind`.
    pub fn kind(&self) -> io::ErrorKind {
        match (self.kind, self.os_code) {
            (Some(kind), _) => kind,
            (None, Some(raw)) => io::Error::from_raw_os_error(raw).kind(),
            (None, None) => io::ErrorKind::Other,
        }
    }

    /// How the code was found.
    pub fn via(&self) -> Via {
        self.via
    }
}

/// Maps a `raw_os_error()` value of the platform this was built for: [`from_windows`] on
/// Windows, [`from_errno`] elsewhere.
#[inline]
pub fn from_raw_os_error(raw: i32) -> Option<WsaCode> {
    #[cfg(windows)]
    {
        from_windows(raw)
    }
    #[cfg(not(windows))]
    {
        from_errno(raw)
    }
}

/// The catalog row of a `raw_os_error()` value of the platform this was built for.
#[inline]
fn entry_of_raw_os_error(raw: i32) -> Option<Entry> {
    #[cfg(windows)]
    {
        windows::entry_of(raw)
    }
    #[cfg(not(windows))]
    {
        errno::entry_of(raw)
    }
}

/// The symbolic name of a `raw_os_error()` value on the platform this was built for.
pub fn os_code_name(raw: i32) -> Option<&'static str> {
    #[cfg(windows)]
    {
        windows::windows_name(raw)
    }
    #[cfg(not(windows))]
    {
        errno::errno_name(raw)
    }
}

/// Maps a Unix errno, as numbered on the platform this was built for, to its code.
///
/// ```
/// use wsa_trace::{map::from_errno, WsaCode};
/// assert_eq!(from_errno(libc::ECONNREFUSED), Some(WsaCode::WSAECONNREFUSED));
/// assert_eq!(from_errno(libc::EPIPE), Some(WsaCode::WSAESHUTDOWN));
/// assert_eq!(from_errno(-1), None);
/// ```
#[inline]
pub fn from_errno(errno: i32) -> Option<WsaCode> {
    errno::from_errno(errno)
}

/// The name of this platform's errno value, for the errnos the table knows.
pub fn errno_name(errno: i32) -> Option<&'static str> {
    errno::errno_name(errno)
}

/// Maps a Windows `raw_os_error()` value, a WSA code or a Win32 error from overlapped I/O, to
/// its code. Works on every platform.
///
/// ```
/// use wsa_trace::{map::from_windows, WsaCode};
/// assert_eq!(from_windows(10054), Some(WsaCode::WSAECONNRESET));
/// assert_eq!(from_windows(64), Some(WsaCode::WSAECONNRESET)); // ERROR_NETNAME_DELETED
/// assert_eq!(from_windows(1225), Some(WsaCode::WSAECONNREFUSED)); // ERROR_CONNECTION_REFUSED
/// assert_eq!(from_windows(2), None); // ERROR_FILE_NOT_FOUND is no socket error
/// ```
pub fn from_windows(raw: i32) -> Option<WsaCode> {
    windows::from_windows(raw)
}

/// The symbolic name of a Windows `raw_os_error()` value: a WSA symbol or a Win32 name from
/// the translation table. Works on every platform.
pub fn windows_name(raw: i32) -> Option<&'static str> {
    windows::windows_name(raw)
}

/// Maps an `io::ErrorKind` to a code, for errors that carry no OS code.
pub fn from_kind(kind: io::ErrorKind) -> Option<WsaCode> {
    kind::entry_of(kind).map(Entry::code)
}
