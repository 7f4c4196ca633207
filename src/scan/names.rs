//! The numbers and names that resolvers and runtimes give socket errors of their own.

use crate::code::WsaCode;

/// getaddrinfo's codes: the name, glibc's and musl's number (Python prints it as
/// `[Errno -2]`), libuv's (Node prints it as `errno: -3008`), and the Winsock code that
/// Windows' `ws2tcpip.h` defines the name as.
pub(super) const GAI: &[(&str, i32, i32, WsaCode)] = &[
    ("EAI_NONAME", -2, -3008, WsaCode::WSAHOST_NOT_FOUND),
    ("EAI_AGAIN", -3, -3001, WsaCode::WSATRY_AGAIN),
    ("EAI_FAIL", -4, -3004, WsaCode::WSANO_RECOVERY),
    ("EAI_NODATA", -5, -3007, WsaCode::WSANO_DATA),
    ("EAI_FAMILY", -6, -3005, WsaCode::WSAEAFNOSUPPORT),
    ("EAI_SOCKTYPE", -7, -3011, WsaCode::WSAESOCKTNOSUPPORT),
    ("EAI_SERVICE", -8, -3010, WsaCode::WSATYPE_NOT_FOUND),
    ("EAI_MEMORY", -10, -3006, WsaCode::WSA_NOT_ENOUGH_MEMORY),
];

/// Names runtimes give socket errors where no errno name fits: Node's `ENOTFOUND` (a name
/// that does not resolve) and Chromium's `net::ERR_` names of the errors it maps from
/// errno and Winsock codes.
const NAMES: &[(&str, WsaCode)] = &[
    ("ENOTFOUND", WsaCode::WSAHOST_NOT_FOUND),
    ("ERR_CONNECTION_REFUSED", WsaCode::WSAECONNREFUSED),
    ("ERR_CONNECTION_RESET", WsaCode::WSAECONNRESET),
    ("ERR_CONNECTION_ABORTED", WsaCode::WSAECONNABORTED),
    ("ERR_CONNECTION_TIMED_OUT", WsaCode::WSAETIMEDOUT),
    ("ERR_ADDRESS_IN_USE", WsaCode::WSAEADDRINUSE),
    ("ERR_ADDRESS_INVALID", WsaCode::WSAEADDRNOTAVAIL),
    ("ERR_ADDRESS_UNREACHABLE", WsaCode::WSAEHOSTUNREACH),
    ("ERR_NAME_NOT_RESOLVED", WsaCode::WSAHOST_NOT_FOUND),
    ("ERR_SOCKET_NOT_CONNECTED", WsaCode::WSAENOTCONN),
    ("ERR_MSG_TOO_BIG", WsaCode::WSAEMSGSIZE),
];

/// The code of a getaddrinfo name (`EAI_AGAIN`) or a runtime's name (`ENOTFOUND`,
/// `ERR_CONNECTION_REFUSED`), written in capitals.
pub(super) fn code_for_runtime_name(name: &str) -> Option<WsaCode> {
    GAI.iter()
        .map(|&(n, _, _, code)| (n, code))
        .chain(NAMES.iter().copied())
        .find(|&(n, _)| n == name)
        .map(|(_, code)| code)
}

/// The code of a negative number in an errno's place: `[Errno -2]` from Python, whose
/// negative numbers are glibc's getaddrinfo codes (`-2` is `EAI_NONAME`, never `ENOENT`).
pub(super) fn gai_code(negative: i64) -> Option<WsaCode> {
    GAI.iter()
        .find(|&&(_, glibc, _, _)| i64::from(glibc) == negative)
        .map(|&(.., code)| code)
}

/// The code of one of libuv's getaddrinfo numbers (`-3008`), the same on every platform.
pub(super) fn libuv_gai_code(negative: i64) -> Option<WsaCode> {
    GAI.iter()
        .find(|&&(_, _, uv, _)| i64::from(uv) == negative)
        .map(|&(.., code)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_capitals_and_codes_known() {
        for (name, code) in GAI.iter().map(|r| (r.0, r.3)).chain(NAMES.iter().copied()) {
            assert!(
                name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{name}"
            );
            assert!(
                name.starts_with('E'),
                "{name}: the scanner reads names from E"
            );
            assert!(code.is_known(), "{name}");
            assert_eq!(WsaCode::from_berkeley(name), None, "{name}");
        }
    }
}
