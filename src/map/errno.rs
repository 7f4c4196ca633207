//! Unix errno -> Windows Sockets code. A pure function over libc's constants for the platform
//! being built, compiled and tested on every platform (errno values differ between Linux,
//! macOS and the BSDs; the names do not).
//!
//! The Berkeley rows restate the catalog's equivalence (a test keeps the two in step); the
//! rows with a reason are this crate's own choices.

use super::Translation;
use crate::code::WsaCode;

macro_rules! errno_table {
    ($( $(#[$cfg:meta])* $errno:ident => $code:ident $(: $reason:literal)? ;)+) => {
        /// Maps this platform's errno to its Windows Sockets code.
        #[allow(unreachable_patterns)] // aliases such as EAGAIN == EWOULDBLOCK on Linux
        #[inline]
        pub(crate) const fn from_errno(errno: i32) -> Option<WsaCode> {
            match errno {
                $( $(#[$cfg])* libc::$errno => Some(WsaCode::$code), )+
                _ => None,
            }
        }

        /// The errno's symbolic name; the first row wins where two names share a value.
        #[allow(unreachable_patterns)]
        pub(crate) const fn errno_name(errno: i32) -> Option<&'static str> {
            match errno {
                $( $(#[$cfg])* libc::$errno => Some(stringify!($errno)), )+
                _ => None,
            }
        }

        /// Every row compiled for this platform.
        pub(crate) static ROWS: &[Translation] = &[
            $( $(#[$cfg])* Translation {
                name: stringify!($errno),
                raw: libc::$errno,
                code: WsaCode::$code,
                reason: errno_table!(@reason $($reason)?),
            }, )+
        ];
    };
    (@reason) => { None };
    (@reason $r:literal) => { Some($r) };
}

errno_table! {
    EINTR => WSAEINTR;
    EBADF => WSAEBADF;
    EACCES => WSAEACCES;
    EFAULT => WSAEFAULT;
    EINVAL => WSAEINVAL;
    EMFILE => WSAEMFILE;
    EAGAIN => WSAEWOULDBLOCK: "EAGAIN is the other name of EWOULDBLOCK; where the values differ, both mean the call would block";
    EWOULDBLOCK => WSAEWOULDBLOCK;
    EINPROGRESS => WSAEINPROGRESS;
    EALREADY => WSAEALREADY;
    ENOTSOCK => WSAENOTSOCK;
    EDESTADDRREQ => WSAEDESTADDRREQ;
    EMSGSIZE => WSAEMSGSIZE;
    EPROTOTYPE => WSAEPROTOTYPE;
    ENOPROTOOPT => WSAENOPROTOOPT;
    EPROTONOSUPPORT => WSAEPROTONOSUPPORT;
    #[cfg(unix)]
    ESOCKTNOSUPPORT => WSAESOCKTNOSUPPORT;
    EOPNOTSUPP => WSAEOPNOTSUPP;
    ENOTSUP => WSAEOPNOTSUPP: "ENOTSUP is EOPNOTSUPP's twin (the same value on Linux)";
    #[cfg(unix)]
    EPFNOSUPPORT => WSAEPFNOSUPPORT;
    EAFNOSUPPORT => WSAEAFNOSUPPORT;
    EADDRINUSE => WSAEADDRINUSE;
    EADDRNOTAVAIL => WSAEADDRNOTAVAIL;
    ENETDOWN => WSAENETDOWN;
    ENETUNREACH => WSAENETUNREACH;
    ENETRESET => WSAENETRESET;
    ECONNABORTED => WSAECONNABORTED;
    ECONNRESET => WSAECONNRESET;
    ENOBUFS => WSAENOBUFS;
    EISCONN => WSAEISCONN;
    ENOTCONN => WSAENOTCONN;
    #[cfg(unix)]
    ESHUTDOWN => WSAESHUTDOWN;
    #[cfg(unix)]
    ETOOMANYREFS => WSAETOOMANYREFS;
    ETIMEDOUT => WSAETIMEDOUT;
    ECONNREFUSED => WSAECONNREFUSED;
    ELOOP => WSAELOOP;
    ENAMETOOLONG => WSAENAMETOOLONG;
    #[cfg(unix)]
    EHOSTDOWN => WSAEHOSTDOWN;
    EHOSTUNREACH => WSAEHOSTUNREACH;
    ENOTEMPTY => WSAENOTEMPTY;
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    EPROCLIM => WSAEPROCLIM;
    #[cfg(unix)]
    EUSERS => WSAEUSERS;
    #[cfg(unix)]
    EDQUOT => WSAEDQUOT;
    #[cfg(unix)]
    ESTALE => WSAESTALE;
    #[cfg(unix)]
    EREMOTE => WSAEREMOTE;
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
