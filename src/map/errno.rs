//! Unix errno -> Windows Sockets code. A pure function over libc's constants for the platform
//! being built, compiled and tested on every platform (errno values differ between Linux,
//! macOS and the BSDs; the names do not).
//!
//! The plain rows come from the catalog's Berkeley column: [`berkeley!`] only names the libc
//! constant behind each name, and the code is the catalog row's. The rows with a reason are
//! this crate's own choices, the documented extras. Both are worked out at compile time into
//! one table indexed by errno, so that a lookup is one bounds check and one load.

use super::Translation;
use crate::code::{at, berkeley_position, position, Entry, WsaCode};

/// This platform's value of each Berkeley name of the catalog that libc defines.
macro_rules! berkeley {
    ($( $(#[$cfg:meta])* $errno:ident ),+ $(,)?) => {
        const BERKELEY: &[(&str, i32)] = &[$( $(#[$cfg])* (stringify!($errno), libc::$errno), )+];
    };
}

/// The documented extras: errnos with no Berkeley equivalent in the catalog, and why each
/// maps where it does.
macro_rules! extras {
    ($( $(#[$cfg:meta])* $errno:ident => $code:ident: $reason:literal; )+) => {
        const EXTRAS: &[Translation] = &[$( $(#[$cfg])* Translation {
            name: stringify!($errno),
            raw: libc::$errno,
            code: WsaCode::$code,
            reason: Some($reason),
        }, )+];

        /// Every extra's name and code, whatever the platform defines: a log names errnos
        /// the host's libc may lack (`EPROTO` on Windows, `ENONET` off Linux).
        pub(crate) const EXTRA_NAMES: &[(&str, WsaCode)] =
            &[$( (stringify!($errno), WsaCode::$code), )+];
    };
}

berkeley![
    EINTR,
    EBADF,
    EACCES,
    EFAULT,
    EINVAL,
    EMFILE,
    EWOULDBLOCK,
    EINPROGRESS,
    EALREADY,
    ENOTSOCK,
    EDESTADDRREQ,
    EMSGSIZE,
    EPROTOTYPE,
    ENOPROTOOPT,
    EPROTONOSUPPORT,
    #[cfg(unix)]
    ESOCKTNOSUPPORT,
    EOPNOTSUPP,
    #[cfg(unix)]
    EPFNOSUPPORT,
    EAFNOSUPPORT,
    EADDRINUSE,
    EADDRNOTAVAIL,
    ENETDOWN,
    ENETUNREACH,
    ENETRESET,
    ECONNABORTED,
    ECONNRESET,
    ENOBUFS,
    EISCONN,
    ENOTCONN,
    #[cfg(unix)]
    ESHUTDOWN,
    #[cfg(unix)]
    ETOOMANYREFS,
    ETIMEDOUT,
    ECONNREFUSED,
    ELOOP,
    ENAMETOOLONG,
    #[cfg(unix)]
    EHOSTDOWN,
    EHOSTUNREACH,
    ENOTEMPTY,
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    EPROCLIM,
    #[cfg(unix)]
    EUSERS,
    #[cfg(unix)]
    EDQUOT,
    #[cfg(unix)]
    ESTALE,
    #[cfg(unix)]
    EREMOTE,
];

extras! {
    EAGAIN => WSAEWOULDBLOCK: "EAGAIN is the other name of EWOULDBLOCK; where the values differ, both mean the call would block";
    ENOTSUP => WSAEOPNOTSUPP: "ENOTSUP is EOPNOTSUPP's twin (the same value on Linux)";
    EPIPE => WSAESHUTDOWN: "a write to a connection the peer closed: Windows reports that write as WSAESHUTDOWN";
    ENFILE => WSAEMFILE: "the system-wide descriptor table is full; Winsock folds both limits into WSAEMFILE";
    ENOMEM => WSA_NOT_ENOUGH_MEMORY: "the kernel could not allocate memory, the condition Windows reports as WSA_NOT_ENOUGH_MEMORY";
    ECANCELED => WSA_OPERATION_ABORTED: "an operation cancelled before completion, as Windows reports a cancelled overlapped operation";
    EPERM => WSAEACCES: "Linux returns EPERM when a firewall rule rejects a send, connect or pending connection; Windows reports refusals on permission grounds as WSAEACCES";
    #[cfg(unix)]
    ENOENT => WSAECONNREFUSED: "connecting a Unix socket whose file is missing: nothing listens at that address, what a refused connection says";
    #[cfg(unix)]
    EPROTO => WSAECONNABORTED: "a protocol error ended the connection (on accept, a pending one); Winsock reports a connection its own stack gave up on as WSAECONNABORTED";
    #[cfg(any(target_os = "linux", target_os = "android"))]
    ENONET => WSAEHOSTUNREACH: "Linux's errno for an ICMP host-isolated error; Windows reports the ICMP host-unreachable errors as WSAEHOSTUNREACH";
}

/// Names that win over the Berkeley name where two share a value: Linux calls 11 `EAGAIN`.
const NAMED_FIRST: &[&str] = &["EAGAIN"];

const COUNT: usize = BERKELEY.len() + EXTRAS.len();

/// The Berkeley rows with their catalog codes, then the extras.
const TABLE: [Translation; COUNT] = {
    let mut rows = [Translation {
        name: "",
        raw: 0,
        code: WsaCode::from_raw(0),
        reason: None,
    }; COUNT];
    let mut i = 0;
    while i < BERKELEY.len() {
        let (name, raw) = BERKELEY[i];
        let Some(position) = berkeley_position(name) else {
            panic!("an errno in `berkeley!` is no Berkeley name of the catalog");
        };
        rows[i] = Translation {
            name,
            raw,
            code: at(position),
            reason: None,
        };
        i += 1;
    }
    let mut j = 0;
    while j < EXTRAS.len() {
        rows[BERKELEY.len() + j] = EXTRAS[j];
        j += 1;
    }
    rows
};

/// Every row compiled for this platform.
pub(crate) static ROWS: [Translation; COUNT] = TABLE;

/// Where one errno value leads: the row that names it and its code's catalog position.
#[derive(Clone, Copy)]
struct Slot {
    row: u8,
    position: u8,
}

const EMPTY: Slot = Slot {
    row: u8::MAX,
    position: u8::MAX,
};

/// One more than the largest errno of the table.
const LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < COUNT {
        assert!(TABLE[i].raw >= 0, "errno values are positive");
        if TABLE[i].raw as usize > max {
            max = TABLE[i].raw as usize;
        }
        i += 1;
    }
    max + 1
};

const fn named_first(name: &str) -> bool {
    let mut i = 0;
    while i < NAMED_FIRST.len() {
        let first = NAMED_FIRST[i].as_bytes();
        let name = name.as_bytes();
        if first.len() == name.len() {
            let mut k = 0;
            while k < name.len() && first[k] == name[k] {
                k += 1;
            }
            if k == name.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// The table indexed by errno. Rows that share a value must agree on the code; the first row
/// of a value names it, after the names of [`NAMED_FIRST`].
static INDEX: [Slot; LEN] = {
    assert!(COUNT < u8::MAX as usize);
    let mut index = [EMPTY; LEN];
    let mut pass = 0;
    while pass < 2 {
        let mut i = 0;
        while i < COUNT {
            let row = &TABLE[i];
            if (pass == 0) == named_first(row.name) {
                let Some(position) = position(row.code) else {
                    panic!("every errno row maps to a catalog code");
                };
                let raw = row.raw as usize;
                if index[raw].row == u8::MAX {
                    index[raw] = Slot {
                        row: i as u8,
                        position: position as u8,
                    };
                } else if index[raw].position as usize != position {
                    panic!("two errno rows of one value map to different codes");
                }
            }
            i += 1;
        }
        pass += 1;
    }
    index
};

#[inline]
fn slot(errno: i32) -> Option<Slot> {
    let slot = *INDEX.get(usize::try_from(errno).ok()?)?;
    (slot.row != u8::MAX).then_some(slot)
}

/// The catalog row of this platform's errno's Windows Sockets code.
#[inline]
pub(crate) fn entry_of(errno: i32) -> Option<Entry> {
    slot(errno).map(|s| Entry::at(s.position as usize))
}

/// Maps this platform's errno to its Windows Sockets code.
#[inline]
pub(crate) fn from_errno(errno: i32) -> Option<WsaCode> {
    entry_of(errno).map(Entry::code)
}

/// The errno's symbolic name.
pub(crate) fn errno_name(errno: i32) -> Option<&'static str> {
    slot(errno).map(|s| ROWS[s.row as usize].name)
}
