//! The translation tables of `wsa_trace::map`: Win32 errors from overlapped I/O, checked
//! against Microsoft's numbers (as windows-sys publishes them), and this platform's errno
//! values, checked against the catalog's Berkeley names and libc. Every row is checked, and
//! every checked name has a row.

use std::collections::{BTreeMap, BTreeSet};

use windows_sys::Win32::Foundation as win32;
#[cfg(any(target_os = "linux", target_os = "macos"))]
use wsa_trace::map::from_raw_os_error;
#[cfg(unix)]
use wsa_trace::map::{errno_name, os_code_name};
use wsa_trace::map::{
    errno_translations, from_errno, from_windows, windows_name, windows_translations,
};
use wsa_trace::WsaCode;

fn as_i32(value: u32) -> i32 {
    i32::try_from(value).expect("Win32 error codes fit in an i32")
}

/// `(name, windows-sys value)` for every Win32 error the translation table lists.
macro_rules! win32_errors {
    ($($name:ident),+ $(,)?) => {
        [$((stringify!($name), win32::$name)),+]
    };
}

#[test]
fn win32_translations_use_microsofts_numbers() {
    let expected: BTreeMap<&str, i32> = win32_errors![
        ERROR_TOO_MANY_OPEN_FILES,
        ERROR_ACCESS_DENIED,
        ERROR_OUTOFMEMORY,
        ERROR_NOT_SUPPORTED,
        ERROR_DEV_NOT_EXIST,
        ERROR_UNEXP_NET_ERR,
        ERROR_NETNAME_DELETED,
        ERROR_NETWORK_ACCESS_DENIED,
        ERROR_SEM_TIMEOUT,
        ERROR_MORE_DATA,
        ERROR_NOACCESS,
        ERROR_INVALID_NETNAME,
        ERROR_CONNECTION_REFUSED,
        ERROR_GRACEFUL_DISCONNECT,
        ERROR_ADDRESS_ALREADY_ASSOCIATED,
        ERROR_ADDRESS_NOT_ASSOCIATED,
        ERROR_CONNECTION_INVALID,
        ERROR_CONNECTION_ACTIVE,
        ERROR_NETWORK_UNREACHABLE,
        ERROR_HOST_UNREACHABLE,
        ERROR_PROTOCOL_UNREACHABLE,
        ERROR_PORT_UNREACHABLE,
        ERROR_REQUEST_ABORTED,
        ERROR_CONNECTION_ABORTED,
        ERROR_NO_SYSTEM_RESOURCES,
        ERROR_TIMEOUT,
        ERROR_NOT_CONNECTED,
    ]
    .into_iter()
    .map(|(name, value)| (name, as_i32(value)))
    .collect();

    let table = windows_translations();
    for row in table {
        let Some(&raw) = expected.get(row.name) else {
            panic!("{} is not checked against windows-sys", row.name);
        };
        assert_eq!(row.raw, raw, "{}", row.name);
        assert_eq!(from_windows(row.raw), Some(row.code), "{}", row.name);
        assert_eq!(windows_name(row.raw), Some(row.name), "{}", row.name);
        assert!(row.code.is_known(), "{} maps to {:?}", row.name, row.code);
        assert!(row.reason.is_some_and(|r| !r.is_empty()), "{}", row.name);
    }
    let names: BTreeSet<&str> = table.iter().map(|row| row.name).collect();
    assert_eq!(names.len(), table.len(), "a Win32 name appears twice");
    let raws: BTreeSet<i32> = table.iter().map(|row| row.raw).collect();
    assert_eq!(raws.len(), table.len(), "a Win32 number appears twice");
    assert_eq!(
        names,
        expected.keys().copied().collect(),
        "the checked list and the table differ"
    );
}

#[test]
fn win32_numbers_do_not_collide_with_the_catalog() {
    for row in windows_translations() {
        assert!(
            !WsaCode::from_raw(row.raw).is_known(),
            "{} ({}) is also a catalog number",
            row.name,
            row.raw
        );
    }
}

#[test]
fn wsa_codes_map_to_themselves_on_windows() {
    for code in WsaCode::all() {
        assert_eq!(from_windows(code.raw()), Some(code));
        assert_eq!(windows_name(code.raw()), code.name());
    }
    assert_eq!(from_windows(2), None); // ERROR_FILE_NOT_FOUND
    assert_eq!(windows_name(2), None);
    assert_eq!(from_windows(0), None);
    assert_eq!(from_windows(-1), None);
}

/// The extras documented in `wsa_trace::map`, with the code each maps to.
const EXTRAS: &[(&str, WsaCode)] = &[
    ("EAGAIN", WsaCode::WSAEWOULDBLOCK),
    ("ENOTSUP", WsaCode::WSAEOPNOTSUPP),
    ("EPIPE", WsaCode::WSAESHUTDOWN),
    ("ENFILE", WsaCode::WSAEMFILE),
    ("ENOMEM", WsaCode::WSA_NOT_ENOUGH_MEMORY),
    ("ECANCELED", WsaCode::WSA_OPERATION_ABORTED),
    ("EPERM", WsaCode::WSAEACCES),
    #[cfg(unix)]
    ("ENOENT", WsaCode::WSAECONNREFUSED),
    #[cfg(unix)]
    ("EPROTO", WsaCode::WSAECONNABORTED),
    #[cfg(any(target_os = "linux", target_os = "android"))]
    ("ENONET", WsaCode::WSAEHOSTUNREACH),
];

#[test]
fn errno_rows_restate_the_catalog_or_are_documented_extras() {
    for row in errno_translations() {
        match row.reason {
            None => assert_eq!(row.code.berkeley(), Some(row.name), "{}", row.name),
            Some(reason) => {
                assert!(!reason.is_empty(), "{}", row.name);
                let extra = EXTRAS.iter().find(|(name, _)| *name == row.name);
                let Some(&(_, code)) = extra else {
                    panic!("{} has a reason but is not a documented extra", row.name);
                };
                assert_eq!(row.code, code, "{}", row.name);
            }
        }
        assert_eq!(from_errno(row.raw), Some(row.code), "{}", row.name);
        assert!(row.code.is_known());
    }
    for (name, _) in EXTRAS {
        assert!(
            errno_translations().iter().any(|row| row.name == *name),
            "the documented extra {name} is missing"
        );
    }
}

/// The Berkeley names of the catalog that libc defines on this platform.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn libc_berkeley() -> Vec<(&'static str, i32)> {
    vec![
        ("EINTR", libc::EINTR),
        ("EBADF", libc::EBADF),
        ("EACCES", libc::EACCES),
        ("EFAULT", libc::EFAULT),
        ("EINVAL", libc::EINVAL),
        ("EMFILE", libc::EMFILE),
        ("EWOULDBLOCK", libc::EWOULDBLOCK),
        ("EINPROGRESS", libc::EINPROGRESS),
        ("EALREADY", libc::EALREADY),
        ("ENOTSOCK", libc::ENOTSOCK),
        ("EDESTADDRREQ", libc::EDESTADDRREQ),
        ("EMSGSIZE", libc::EMSGSIZE),
        ("EPROTOTYPE", libc::EPROTOTYPE),
        ("ENOPROTOOPT", libc::ENOPROTOOPT),
        ("EPROTONOSUPPORT", libc::EPROTONOSUPPORT),
        ("ESOCKTNOSUPPORT", libc::ESOCKTNOSUPPORT),
        ("EOPNOTSUPP", libc::EOPNOTSUPP),
        ("EPFNOSUPPORT", libc::EPFNOSUPPORT),
        ("EAFNOSUPPORT", libc::EAFNOSUPPORT),
        ("EADDRINUSE", libc::EADDRINUSE),
        ("EADDRNOTAVAIL", libc::EADDRNOTAVAIL),
        ("ENETDOWN", libc::ENETDOWN),
        ("ENETUNREACH", libc::ENETUNREACH),
        ("ENETRESET", libc::ENETRESET),
        ("ECONNABORTED", libc::ECONNABORTED),
        ("ECONNRESET", libc::ECONNRESET),
        ("ENOBUFS", libc::ENOBUFS),
        ("EISCONN", libc::EISCONN),
        ("ENOTCONN", libc::ENOTCONN),
        ("ESHUTDOWN", libc::ESHUTDOWN),
        ("ETOOMANYREFS", libc::ETOOMANYREFS),
        ("ETIMEDOUT", libc::ETIMEDOUT),
        ("ECONNREFUSED", libc::ECONNREFUSED),
        ("ELOOP", libc::ELOOP),
        ("ENAMETOOLONG", libc::ENAMETOOLONG),
        ("EHOSTDOWN", libc::EHOSTDOWN),
        ("EHOSTUNREACH", libc::EHOSTUNREACH),
        ("ENOTEMPTY", libc::ENOTEMPTY),
        ("EUSERS", libc::EUSERS),
        ("EDQUOT", libc::EDQUOT),
        ("ESTALE", libc::ESTALE),
        ("EREMOTE", libc::EREMOTE),
        #[cfg(target_os = "macos")]
        ("EPROCLIM", libc::EPROCLIM),
    ]
}

/// Catalog Berkeley names that libc does not define on this platform.
#[cfg(any(target_os = "linux", target_os = "macos"))]
const NOT_IN_LIBC: &[&str] = if cfg!(target_os = "linux") {
    &["EPROCLIM"]
} else {
    &[]
};

#[cfg(any(target_os = "linux", target_os = "macos"))]
#[test]
fn every_berkeley_errno_of_this_platform_is_in_the_table() {
    let list = libc_berkeley();
    for (name, errno) in &list {
        let code = WsaCode::from_berkeley(name);
        assert!(code.is_some(), "{name} is no catalog Berkeley name");
        assert_eq!(from_errno(*errno), code, "{name}");
        assert_eq!(from_raw_os_error(*errno), code, "{name}");
        assert!(
            errno_translations()
                .iter()
                .any(|row| row.name == *name && row.raw == *errno),
            "{name} has no row"
        );
    }
    // The list covers the catalog: every Berkeley name is either checked or absent from libc.
    for code in WsaCode::all() {
        if let Some(berkeley) = code.berkeley() {
            assert!(
                list.iter().any(|(name, _)| *name == berkeley) || NOT_IN_LIBC.contains(&berkeley),
                "{berkeley} is not checked"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn errno_extras() {
    assert_eq!(from_errno(libc::EAGAIN), Some(WsaCode::WSAEWOULDBLOCK));
    assert_eq!(from_errno(libc::EWOULDBLOCK), Some(WsaCode::WSAEWOULDBLOCK));
    assert_eq!(from_errno(libc::EPIPE), Some(WsaCode::WSAESHUTDOWN));
    assert_eq!(from_errno(libc::ENFILE), Some(WsaCode::WSAEMFILE));
    assert_eq!(
        from_errno(libc::ENOMEM),
        Some(WsaCode::WSA_NOT_ENOUGH_MEMORY)
    );
    assert_eq!(
        from_errno(libc::ECANCELED),
        Some(WsaCode::WSA_OPERATION_ABORTED)
    );
    assert_eq!(from_errno(libc::ENOTSUP), Some(WsaCode::WSAEOPNOTSUPP));
    assert_eq!(from_errno(libc::EPERM), Some(WsaCode::WSAEACCES));
    assert_eq!(from_errno(libc::EPROTO), Some(WsaCode::WSAECONNABORTED));
    assert_eq!(errno_name(libc::EPROTO), Some("EPROTO"));
    assert_eq!(errno_name(libc::ECONNRESET), Some("ECONNRESET"));
    assert_eq!(errno_name(libc::EAGAIN), Some("EAGAIN"));
    assert_eq!(errno_name(libc::EPIPE), Some("EPIPE"));
    assert_eq!(os_code_name(libc::ECONNRESET), Some("ECONNRESET"));
    // A Unix socket's missing file: nothing listens at that address.
    assert_eq!(from_errno(libc::ENOENT), Some(WsaCode::WSAECONNREFUSED));
    assert_eq!(errno_name(libc::ENOENT), Some("ENOENT"));
    // Errors that are not about sockets have no code.
    assert_eq!(from_errno(libc::EEXIST), None);
    assert_eq!(errno_name(libc::EEXIST), None);
    assert_eq!(from_errno(0), None);
    assert_eq!(from_errno(-1), None);
}

#[cfg(target_os = "linux")]
#[test]
fn linux_numbers() {
    assert_eq!(from_errno(104), Some(WsaCode::WSAECONNRESET));
    assert_eq!(from_errno(111), Some(WsaCode::WSAECONNREFUSED));
    assert_eq!(from_errno(11), Some(WsaCode::WSAEWOULDBLOCK));
    // EOPNOTSUPP and ENOTSUP share 95; the Berkeley name comes first.
    assert_eq!(errno_name(95), Some("EOPNOTSUPP"));
    assert_eq!(from_errno(64), Some(WsaCode::WSAEHOSTUNREACH)); // ENONET
    assert_eq!(errno_name(libc::ENONET), Some("ENONET"));
    assert_eq!(from_errno(71), Some(WsaCode::WSAECONNABORTED)); // EPROTO
}

/// Errors that share a WSA code keep their own native code and name in the mapping.
#[cfg(target_os = "linux")]
#[test]
fn shared_codes_keep_the_native_error() {
    for (errno, name, code) in [
        (libc::EPROTO, "EPROTO", WsaCode::WSAECONNABORTED),
        (libc::ECONNABORTED, "ECONNABORTED", WsaCode::WSAECONNABORTED),
        (libc::ENONET, "ENONET", WsaCode::WSAEHOSTUNREACH),
        (libc::EHOSTUNREACH, "EHOSTUNREACH", WsaCode::WSAEHOSTUNREACH),
    ] {
        let m = wsa_trace::Mapping::from_io_error(&std::io::Error::from_raw_os_error(errno));
        assert_eq!(m.code(), Some(code), "{name}");
        assert_eq!(m.os_code(), Some(errno), "{name}");
        assert_eq!(m.os_name(), Some(name), "{name}");
    }
}
