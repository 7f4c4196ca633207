//! Windows `raw_os_error()` -> Windows Sockets code. A pure function, compiled and tested on
//! every platform.
//!
//! Winsock calls report WSA codes directly. Overlapped I/O (IOCP, which tokio uses through
//! mio) reports some socket failures as Win32 errors instead; those are translated here to the
//! WSA code a synchronous call would have given, following the translations libuv and .NET
//! apply to the same completions.

use super::Translation;
use crate::code::{Entry, WsaCode};

macro_rules! win32_table {
    ($( $name:ident = $raw:literal => $code:ident : $reason:literal ;)+) => {
        const fn from_win32(raw: i32) -> Option<WsaCode> {
            match raw {
                $( $raw => Some(WsaCode::$code), )+
                _ => None,
            }
        }

        const fn win32_name(raw: i32) -> Option<&'static str> {
            match raw {
                $( $raw => Some(stringify!($name)), )+
                _ => None,
            }
        }

        /// Every Win32 row.
        pub(crate) static ROWS: &[Translation] = &[
            $( Translation { name: stringify!($name), raw: $raw, code: WsaCode::$code, reason: Some($reason) }, )+
        ];
    };
}

win32_table! {
    ERROR_TOO_MANY_OPEN_FILES = 4 => WSAEMFILE: "the handle limit, the Win32 form of WSAEMFILE";
    ERROR_ACCESS_DENIED = 5 => WSAEACCES: "access refused at the Win32 layer, as WSAEACCES at the socket layer";
    ERROR_OUTOFMEMORY = 14 => WSA_NOT_ENOUGH_MEMORY: "the other Win32 out-of-memory error";
    ERROR_NOT_SUPPORTED = 50 => WSAEOPNOTSUPP: "the request is not supported by the socket's provider";
    ERROR_DEV_NOT_EXIST = 55 => WSAENETDOWN: "the network device went away under the operation";
    ERROR_UNEXP_NET_ERR = 59 => WSAENETDOWN: "an unexpected failure of the network stack";
    ERROR_NETNAME_DELETED = 64 => WSAECONNRESET: "what an overlapped receive or send reports when the peer resets the connection";
    ERROR_NETWORK_ACCESS_DENIED = 65 => WSAEACCES: "the network refused access on permission grounds";
    ERROR_SEM_TIMEOUT = 121 => WSAETIMEDOUT: "what an overlapped connect reports when the peer never answers";
    ERROR_MORE_DATA = 234 => WSAEMSGSIZE: "an overlapped datagram receive whose buffer was too small";
    ERROR_NOACCESS = 998 => WSAEFAULT: "a buffer the call could not access: the Win32 form of a bad pointer";
    ERROR_INVALID_NETNAME = 1214 => WSAEADDRNOTAVAIL: "the address given is not valid for this operation";
    ERROR_CONNECTION_REFUSED = 1225 => WSAECONNREFUSED: "what an overlapped connect reports when nothing listens";
    ERROR_GRACEFUL_DISCONNECT = 1226 => WSAEDISCON: "the peer started a graceful close";
    ERROR_ADDRESS_ALREADY_ASSOCIATED = 1227 => WSAEADDRINUSE: "the local address is already in use";
    ERROR_ADDRESS_NOT_ASSOCIATED = 1228 => WSAEADDRNOTAVAIL: "the address is not associated with any local endpoint";
    ERROR_CONNECTION_INVALID = 1229 => WSAENOTCONN: "an operation on a connection that does not exist";
    ERROR_CONNECTION_ACTIVE = 1230 => WSAEISCONN: "an operation not allowed on a connection that is already active";
    ERROR_NETWORK_UNREACHABLE = 1231 => WSAENETUNREACH: "the Win32 form of an unreachable network";
    ERROR_HOST_UNREACHABLE = 1232 => WSAEHOSTUNREACH: "the Win32 form of an unreachable host";
    ERROR_PROTOCOL_UNREACHABLE = 1233 => WSAENETUNREACH: "the remote network does not carry the protocol, reported as unreachable";
    ERROR_PORT_UNREACHABLE = 1234 => WSAECONNRESET: "an ICMP port unreachable, which Winsock reports as WSAECONNRESET on datagram sockets";
    ERROR_REQUEST_ABORTED = 1235 => WSA_OPERATION_ABORTED: "the request was aborted before it completed";
    ERROR_CONNECTION_ABORTED = 1236 => WSAECONNABORTED: "the local system aborted the connection";
    ERROR_NO_SYSTEM_RESOURCES = 1450 => WSAENOBUFS: "the system ran out of the resources the operation needed";
    ERROR_TIMEOUT = 1460 => WSAETIMEDOUT: "the operation's time ran out";
    ERROR_NOT_CONNECTED = 2250 => WSAENOTCONN: "an operation that needs a connection found none";
}

/// The catalog row of a Windows `raw_os_error()` value, a WSA code or a Win32 error.
#[inline]
pub(crate) fn entry_of(raw: i32) -> Option<Entry> {
    Entry::of(WsaCode::from_raw(raw)).or_else(|| from_win32(raw).and_then(Entry::of))
}

/// Maps a Windows `raw_os_error()` value, a WSA code or a Win32 error, to its WSA code.
pub(crate) fn from_windows(raw: i32) -> Option<WsaCode> {
    entry_of(raw).map(Entry::code)
}

/// The symbolic name of a Windows `raw_os_error()` value: the WSA symbol, or the Win32 name.
pub(crate) fn windows_name(raw: i32) -> Option<&'static str> {
    WsaCode::from_raw(raw).name().or_else(|| win32_name(raw))
}
