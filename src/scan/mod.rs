//! Socket errors in text: log lines, error messages, field values.
//!
//! A [`Scanner`] is fed a text in pieces of any size (it is a [`fmt::Write`](std::fmt::Write),
//! so a value can be formatted straight into it) and finds at most one socket error in it. It
//! allocates nothing and keeps only a small fixed window of the text, so scanning costs about
//! what formatting does, and the answer is the same however the text is cut. The
//! `layer::WsaLayer` (feature `layer`) scans event fields with it and `wsa explain` scans
//! log files.
//!
//! ```
//! use wsa_trace::scan::{scan, Form, Platform};
//! use wsa_trace::WsaCode;
//!
//! let found = scan("accept error: Too many open files (os error 24)", Platform::Linux).unwrap();
//! assert_eq!(found.code(), WsaCode::WSAEMFILE);
//! assert_eq!(found.form(), Form::OsError);
//! assert_eq!(found.text(), "os error 24");
//!
//! // The same number is another error on macOS.
//! let mac = scan("[Errno 61] Connection refused", Platform::MacOs).unwrap();
//! assert_eq!(mac.code(), WsaCode::WSAECONNREFUSED);
//! ```
//!
//! # What is recognised
//!
//! Words, names and phrases match on word boundaries and without regard to case, except the
//! names, which are written in capitals.
//!
//! | form | example | read as |
//! |---|---|---|
//! | [`OsError`](Form::OsError): Rust's `io::Error` | `Connection reset by peer (os error 104)` | an errno of the platform |
//! | [`OsDebug`](Form::OsDebug): its Debug form | `Os { code: 104, kind: ConnectionReset, message: "..." }` | an errno of the platform |
//! | [`Errno`](Form::Errno): Python, C and Go runtimes | `[Errno 111] Connection refused`, `errno=104`, `errno 104`, `errno: 104` | an errno of the platform |
//! | [`Nginx`](Form::Nginx) | `connect() failed (111: Connection refused)` | an errno of the platform |
//! | [`WinError`](Form::WinError): Python on Windows | `[WinError 10054] An existing connection was forcibly closed` | a Windows error ([`map::from_windows`](crate::map::from_windows)) |
//! | [`WsaNumber`](Form::WsaNumber) | `error 10054`, `error: 10061`, `code=10060`, `SocketException (10054)` | a WSA code, 10004 to 11033 |
//! | [`Hresult`](Form::Hresult): `HRESULT_FROM_WIN32` of a WSA code | `0x80072746`, `-2147014842` | the WSA code in the low word (both are 10054) |
//! | [`Symbol`](Form::Symbol) | `WSAECONNRESET` | the catalog's symbol |
//! | [`Berkeley`](Form::Berkeley): an errno name standing alone | `connect ECONNREFUSED 127.0.0.1:5432`, `write EPIPE` | the catalog's Berkeley column, then the errno table |
//! | [`Phrase`](Form::Phrase): the standard message | `connect: connection refused` (Go), `java.net.ConnectException: Connection refused` | the errno it is the message of |
//!
//! The phrases are `strerror`'s socket messages on Linux and macOS (`connection refused`,
//! `connection reset by peer`, `no route to host`, `too many open files`, `broken pipe`,
//! `connection timed out`, `operation timed out`, `network is unreachable`,
//! `address already in use`, `cannot assign requested address`, ...), Java's
//! `connection reset`, Go's `i/o timeout`, and Windows' own texts
//! (`an existing connection was forcibly closed by the remote host`, ...).
//!
//! A bare errno is read as [`Platform::Linux`] numbers it unless told otherwise; numbers
//! of 10000 and above are WSA codes on every platform. Numbers go through the crate's
//! mapping tables ([`map`](crate::map)), so `EPIPE`, errno 32 and `broken pipe` are all
//! `WSAESHUTDOWN`.
//!
//! # One code per text
//!
//! When a text holds several candidates the most specific wins: a number beats a name,
//! which beats a phrase ([`Form::specificity`]); between equals, the first. `Connection
//! refused (os error 111)` is read from its number.

mod phrases;
mod platform;
mod scanner;

pub use platform::{ParsePlatformError, Platform};
pub use scanner::{scan, Form, Found, Scanner};
