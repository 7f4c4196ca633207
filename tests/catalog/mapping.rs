//! `io::Error` -> code: raw OS codes, the `io::ErrorKind` fallback, resolver text and the walk
//! through error chains. The errno table itself is checked in `translations.rs`.

use std::error::Error;
use std::fmt;
use std::io::{self, ErrorKind};

use wsa_trace::map::Via;
#[cfg(unix)]
use wsa_trace::map::{errno_name, errno_translations};
use wsa_trace::map::{find_io_error, from_kind};
use wsa_trace::{Mapping, WsaCode};

use crate::native::os_code;

/// A mapping holds the catalog row it found: small enough to copy through every stage.
#[test]
fn a_mapping_is_small_and_copy() {
    fn copy<T: Copy>() {}
    copy::<Mapping>();
    assert!(std::mem::size_of::<Mapping>() <= 12);
}

#[cfg(unix)]
#[test]
fn raw_os_errors_map_via_os() {
    for row in errno_translations() {
        let m = Mapping::from_io_error(&io::Error::from_raw_os_error(row.raw));
        assert_eq!(m.code(), Some(row.code), "{}", row.name);
        assert_eq!(m.via(), Via::Os);
        assert_eq!(m.os_code(), Some(row.raw));
        assert_eq!(m.os_name(), errno_name(row.raw));
        assert_eq!(m.label(), row.code.name().unwrap());
        assert_eq!(m.kind(), io::Error::from_raw_os_error(row.raw).kind());
    }
    let m = Mapping::from_io_error(&io::Error::from_raw_os_error(libc::ECONNRESET));
    assert_eq!(m.os_name(), Some("ECONNRESET"));
    assert_eq!(m.kind(), ErrorKind::ConnectionReset);
}

/// On Windows every Winsock number is its own code, and each Win32 error of overlapped I/O
/// maps to the code its row names, all through the OS path.
#[cfg(windows)]
#[test]
fn raw_os_errors_map_via_os() {
    for code in WsaCode::all() {
        let m = Mapping::from_io_error(&io::Error::from_raw_os_error(code.raw()));
        assert_eq!(m.code(), Some(code));
        assert_eq!(m.via(), Via::Os);
        assert_eq!(m.os_code(), Some(code.raw()));
        assert_eq!(m.os_name(), code.name());
    }
    for row in wsa_trace::map::windows_translations() {
        let m = Mapping::from_io_error(&io::Error::from_raw_os_error(row.raw));
        assert_eq!(m.code(), Some(row.code), "{}", row.name);
        assert_eq!(m.via(), Via::Os);
        assert_eq!(m.os_name(), Some(row.name));
    }
    let m = Mapping::from_io_error(&io::Error::from_raw_os_error(10054));
    assert_eq!(m.os_name(), Some("WSAECONNRESET"));
    assert_eq!(m.kind(), ErrorKind::ConnectionReset);
}

#[cfg(target_os = "linux")]
#[test]
fn native_code_is_kept() {
    let m = Mapping::from_io_error(&io::Error::from_raw_os_error(104));
    assert_eq!(m.code(), Some(WsaCode::WSAECONNRESET));
    assert_eq!(m.os_code(), Some(104));
    assert_eq!(m.os_name(), Some("ECONNRESET"));
}

#[cfg(unix)]
#[test]
fn an_unmapped_os_code_is_kept_without_a_code() {
    let m = Mapping::from_io_error(&io::Error::from_raw_os_error(libc::EEXIST));
    assert_eq!(m.code(), None);
    assert_eq!(m.os_code(), Some(libc::EEXIST));
    assert_eq!(m.via(), Via::Unmapped);
    assert_eq!(m.label(), "UNKNOWN");
    assert_eq!(m.kind(), ErrorKind::AlreadyExists);
}

/// The kinds `wsa_trace::map` documents, with their codes.
const KINDS: &[(ErrorKind, WsaCode)] = &[
    (ErrorKind::ConnectionRefused, WsaCode::WSAECONNREFUSED),
    (ErrorKind::ConnectionReset, WsaCode::WSAECONNRESET),
    (ErrorKind::ConnectionAborted, WsaCode::WSAECONNABORTED),
    (ErrorKind::NotConnected, WsaCode::WSAENOTCONN),
    (ErrorKind::AddrInUse, WsaCode::WSAEADDRINUSE),
    (ErrorKind::AddrNotAvailable, WsaCode::WSAEADDRNOTAVAIL),
    (ErrorKind::BrokenPipe, WsaCode::WSAESHUTDOWN),
    (ErrorKind::WouldBlock, WsaCode::WSAEWOULDBLOCK),
    (ErrorKind::TimedOut, WsaCode::WSAETIMEDOUT),
    (ErrorKind::Interrupted, WsaCode::WSAEINTR),
    (ErrorKind::PermissionDenied, WsaCode::WSAEACCES),
    (ErrorKind::InvalidInput, WsaCode::WSAEINVAL),
    (ErrorKind::OutOfMemory, WsaCode::WSA_NOT_ENOUGH_MEMORY),
    (ErrorKind::Unsupported, WsaCode::WSAEOPNOTSUPP),
    (ErrorKind::NetworkUnreachable, WsaCode::WSAENETUNREACH),
    (ErrorKind::HostUnreachable, WsaCode::WSAEHOSTUNREACH),
    (ErrorKind::NetworkDown, WsaCode::WSAENETDOWN),
];

#[test]
fn kind_only_errors_map_by_kind() {
    for &(kind, code) in KINDS {
        assert_eq!(from_kind(kind), Some(code), "{kind:?}");
        for err in [io::Error::from(kind), io::Error::new(kind, "it failed")] {
            let m = Mapping::from_io_error(&err);
            assert_eq!(m.code(), Some(code), "{kind:?}");
            assert_eq!(m.via(), Via::Kind, "{kind:?}");
            assert_eq!(m.os_code(), None);
            assert_eq!(m.os_name(), None);
            assert_eq!(m.kind(), kind);
        }
    }
    for kind in [
        ErrorKind::NotFound,
        ErrorKind::UnexpectedEof,
        ErrorKind::Other,
        ErrorKind::InvalidData,
    ] {
        assert_eq!(from_kind(kind), None, "{kind:?}");
        let m = Mapping::from_io_error(&io::Error::from(kind));
        assert_eq!(
            (m.code(), m.via(), m.label()),
            (None, Via::Unmapped, "UNKNOWN"),
            "{kind:?}"
        );
    }
}

fn resolver_error(detail: &str) -> io::Error {
    io::Error::other(format!("failed to lookup address information: {detail}"))
}

#[test]
fn resolver_failures_are_recognised_by_their_text() {
    let cases = [
        ("Name or service not known", WsaCode::WSAHOST_NOT_FOUND),
        (
            "nodename nor servname provided, or not known",
            WsaCode::WSAHOST_NOT_FOUND,
        ),
        (
            "Temporary failure in name resolution",
            WsaCode::WSATRY_AGAIN,
        ),
        (
            "Non-recoverable failure in name resolution",
            WsaCode::WSANO_RECOVERY,
        ),
        ("No address associated with hostname", WsaCode::WSANO_DATA),
    ];
    for (detail, code) in cases {
        let m = Mapping::from_io_error(&resolver_error(detail));
        assert_eq!(m.code(), Some(code), "{detail}");
        assert_eq!(m.via(), Via::Resolver, "{detail}");
        assert_eq!(m.os_code(), None);
        assert_eq!(m.kind(), ErrorKind::Other);
    }
}

#[test]
fn unrelated_text_gives_no_resolver_code() {
    for err in [
        resolver_error("Servname not supported for ai_socktype"),
        io::Error::other("Name or service not known"),
        io::Error::other("temporary failure, try later"),
        io::Error::other("failed to look up address information: not known"),
        io::Error::other(""),
    ] {
        let m = Mapping::from_io_error(&err);
        assert_eq!((m.code(), m.via()), (None, Via::Unmapped), "{err}");
    }
    // The kind still decides when the text says nothing.
    let m = Mapping::from_io_error(&io::Error::new(
        ErrorKind::TimedOut,
        "Name or service not known",
    ));
    assert_eq!(
        (m.code(), m.via()),
        (Some(WsaCode::WSAETIMEDOUT), Via::Kind)
    );
}

/// A wrapper that exposes its cause through `source()`, as `hyper_util`'s `ConnectError` does.
#[derive(Debug)]
struct Wrapped {
    what: &'static str,
    cause: Option<Box<dyn Error + Send + Sync>>,
}

impl Wrapped {
    fn new(what: &'static str, cause: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Wrapped {
            what,
            cause: Some(cause.into()),
        }
    }
}

impl fmt::Display for Wrapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }
}

impl Error for Wrapped {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.cause.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

#[test]
fn an_os_code_inside_a_custom_error_inside_an_io_error_is_found() {
    let inner = io::Error::from_raw_os_error(os_code(WsaCode::WSAECONNREFUSED));
    let outer = io::Error::other(Wrapped::new("connect failed", inner));
    let m = Mapping::from_io_error(&outer);
    assert_eq!(m.code(), Some(WsaCode::WSAECONNREFUSED));
    assert_eq!(m.via(), Via::Os);
    assert_eq!(m.os_code(), Some(os_code(WsaCode::WSAECONNREFUSED)));
    assert_eq!(m.kind(), ErrorKind::ConnectionRefused);
    assert_eq!(Mapping::from_error(&outer), Some(m));
    assert_eq!(
        find_io_error(&outer).unwrap().raw_os_error(),
        Some(os_code(WsaCode::WSAECONNREFUSED))
    );
}

#[test]
fn an_os_error_wrapped_in_an_io_error_keeps_its_os_code() {
    // What libraries that add context build: io::Error::new(kind, os_error).
    let inner = io::Error::from_raw_os_error(os_code(WsaCode::WSAECONNRESET));
    let outer = io::Error::new(ErrorKind::ConnectionReset, inner);
    let m = Mapping::from_io_error(&outer);
    assert_eq!(m.code(), Some(WsaCode::WSAECONNRESET));
    assert_eq!(m.via(), Via::Os);
    assert_eq!(m.os_code(), Some(os_code(WsaCode::WSAECONNRESET)));
    // Twice wrapped: the chain walk finds it too.
    let twice = io::Error::other(outer);
    assert_eq!(Mapping::from_io_error(&twice), m);
}

#[test]
fn a_boxed_chain_is_walked() {
    let boxed: Box<dyn Error + Send + Sync> = Box::new(Wrapped::new(
        "request failed",
        Wrapped::new(
            "connect failed",
            io::Error::from_raw_os_error(os_code(WsaCode::WSAETIMEDOUT)),
        ),
    ));
    let m = Mapping::from_error(&*boxed).unwrap();
    assert_eq!(m.code(), Some(WsaCode::WSAETIMEDOUT));
    assert_eq!(m.via(), Via::Os);
    assert_eq!(m.os_code(), Some(os_code(WsaCode::WSAETIMEDOUT)));
}

#[test]
fn an_os_code_deep_inside_wins_over_an_outer_kind() {
    let inner = io::Error::from_raw_os_error(os_code(WsaCode::WSAECONNRESET));
    let middle = Wrapped::new("read failed", inner);
    let outer = io::Error::new(ErrorKind::TimedOut, middle);
    let m = Mapping::from_io_error(&outer);
    assert_eq!(m.code(), Some(WsaCode::WSAECONNRESET));
    assert_eq!(m.via(), Via::Os);
    assert_eq!(m.kind(), ErrorKind::ConnectionReset);

    // Without an OS code anywhere, the first io::Error whose kind gives a code wins.
    let inner = io::Error::from(ErrorKind::ConnectionReset);
    let outer = io::Error::other(Wrapped::new("read failed", inner));
    let m = Mapping::from_io_error(&outer);
    assert_eq!(
        (m.code(), m.via()),
        (Some(WsaCode::WSAECONNRESET), Via::Kind)
    );

    let inner = io::Error::from(ErrorKind::ConnectionReset);
    let outer = io::Error::new(ErrorKind::TimedOut, Wrapped::new("read failed", inner));
    let m = Mapping::from_io_error(&outer);
    assert_eq!(
        (m.code(), m.via()),
        (Some(WsaCode::WSAETIMEDOUT), Via::Kind)
    );
}

#[test]
fn a_resolver_failure_inside_a_chain_is_found() {
    let chain = Wrapped::new("client error", resolver_error("Name or service not known"));
    let m = Mapping::from_error(&chain).unwrap();
    assert_eq!(
        (m.code(), m.via()),
        (Some(WsaCode::WSAHOST_NOT_FOUND), Via::Resolver)
    );
}

#[test]
fn a_chain_without_an_io_error_maps_to_nothing() {
    let chain = Wrapped::new("outer", Wrapped::new("inner", "just text"));
    assert_eq!(Mapping::from_error(&chain), None);
    assert!(find_io_error(&chain).is_none());
    let leaf = Wrapped {
        what: "leaf",
        cause: None,
    };
    assert_eq!(Mapping::from_error(&leaf), None);
}

#[test]
fn an_io_error_without_a_code_is_still_reported() {
    let chain = Wrapped::new("outer", io::Error::other("boom"));
    let m = Mapping::from_error(&chain).unwrap();
    assert_eq!(
        (m.code(), m.via(), m.kind()),
        (None, Via::Unmapped, ErrorKind::Other)
    );
    assert_eq!(find_io_error(&chain).unwrap().to_string(), "boom");
}
