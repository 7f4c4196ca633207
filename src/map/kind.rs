//! The fallback for errors that carry no OS code: their `io::ErrorKind`, and the text of the
//! name-resolution failures that the standard library reports without one.

use std::fmt::{self, Write as _};
use std::io::{self, ErrorKind};

use crate::code::{Entry, WsaCode};

/// The catalog row of `code`, worked out at compile time.
macro_rules! row {
    ($code:ident) => {
        const {
            match Entry::of(WsaCode::$code) {
                Some(entry) => entry,
                None => panic!("a kind maps to a catalog code"),
            }
        }
    };
}

/// The catalog row of the code an OS would have reported for an `io::ErrorKind`: one `match`
/// straight to the row, with no second lookup by code.
///
/// Kinds that no socket code describes (`NotFound`, `UnexpectedEof`, `Other`, ...) give `None`.
#[inline]
pub(crate) fn entry_of(kind: ErrorKind) -> Option<Entry> {
    Some(match kind {
        ErrorKind::ConnectionRefused => row!(WSAECONNREFUSED),
        ErrorKind::ConnectionReset => row!(WSAECONNRESET),
        ErrorKind::ConnectionAborted => row!(WSAECONNABORTED),
        ErrorKind::NotConnected => row!(WSAENOTCONN),
        ErrorKind::AddrInUse => row!(WSAEADDRINUSE),
        ErrorKind::AddrNotAvailable => row!(WSAEADDRNOTAVAIL),
        ErrorKind::BrokenPipe => row!(WSAESHUTDOWN),
        ErrorKind::WouldBlock => row!(WSAEWOULDBLOCK),
        ErrorKind::TimedOut => row!(WSAETIMEDOUT),
        ErrorKind::Interrupted => row!(WSAEINTR),
        ErrorKind::PermissionDenied => row!(WSAEACCES),
        ErrorKind::InvalidInput => row!(WSAEINVAL),
        ErrorKind::OutOfMemory => row!(WSA_NOT_ENOUGH_MEMORY),
        ErrorKind::Unsupported => row!(WSAEOPNOTSUPP),
        ErrorKind::NetworkUnreachable => row!(WSAENETUNREACH),
        ErrorKind::HostUnreachable => row!(WSAEHOSTUNREACH),
        ErrorKind::NetworkDown => row!(WSAENETDOWN),
        _ => return None,
    })
}

/// The prefix the standard library puts on resolver failures (`getaddrinfo` errors).
const RESOLVER_PREFIX: &str = "failed to lookup address information";

/// Phrases of `gai_strerror` (glibc, musl, macOS and the BSDs), lower case, and their codes.
const RESOLVER_PHRASES: &[(&str, WsaCode)] = &[
    ("not known", WsaCode::WSAHOST_NOT_FOUND),
    ("does not resolve", WsaCode::WSAHOST_NOT_FOUND),
    ("temporary failure", WsaCode::WSATRY_AGAIN),
    ("non-recoverable", WsaCode::WSANO_RECOVERY),
    ("no address associated", WsaCode::WSANO_DATA),
    ("no usable address", WsaCode::WSANO_DATA),
    (
        "address family for hostname not supported",
        WsaCode::WSANO_DATA,
    ),
];

/// Recognises the standard library's resolver failures by their text, without allocating.
pub(crate) fn from_resolver_text(err: &io::Error) -> Option<WsaCode> {
    let mut text = Prefix::default();
    // A full buffer stops the formatting early; what fitted is enough.
    let _ = write!(text, "{err}");
    let text = text.as_str();
    if !starts_with_ignore_case(text, RESOLVER_PREFIX) {
        return None;
    }
    let rest = &text[RESOLVER_PREFIX.len()..];
    RESOLVER_PHRASES
        .iter()
        .find(|(phrase, _)| contains_ignore_case(rest, phrase))
        .map(|&(_, code)| code)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The first bytes of a formatted message, on the stack.
struct Prefix {
    buf: [u8; 160],
    len: usize,
}

impl Default for Prefix {
    fn default() -> Self {
        Prefix {
            buf: [0; 160],
            len: 0,
        }
    }
}

impl Prefix {
    fn as_str(&self) -> &str {
        // Only whole `&str` pieces are copied in, cut at a char boundary.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for Prefix {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len() - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.buf[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        if take < s.len() {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }
}
