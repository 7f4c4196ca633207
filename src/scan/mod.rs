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
//! | [`Wrapped`](Form::Wrapped): a program's own wrapper | `Can't connect to MySQL server on 'db' (111)`, `system error: 104` (MySQL), `delayed connect error: 111` (Envoy), `system:111` (Boost, no space) | an errno of the platform |
//! | [`Resolver`](Form::Resolver): a getaddrinfo code | `[Errno -2]` (Python: glibc's `EAI_NONAME`, never `ENOENT`), `errno: -3008` (libuv) | the Winsock code Windows defines the `EAI_` name as |
//! | [`Hresult`](Form::Hresult): `HRESULT_FROM_WIN32` of a WSA code | `0x80072746`, `-2147014842`, `Error0x80072746` | the WSA code in the low word (all are 10054) |
//! | [`Symbol`](Form::Symbol) | `WSAECONNRESET` | the catalog's symbol |
//! | [`Berkeley`](Form::Berkeley): an errno name standing alone | `connect ECONNREFUSED 127.0.0.1:5432`, `write EPIPE` | the catalog's Berkeley column, then the errno table |
//! | [`Name`](Form::Name): a resolver's or runtime's name | `getaddrinfo EAI_AGAIN`, `getaddrinfo ENOTFOUND` (Node), `net::ERR_CONNECTION_REFUSED` (Chromium) | the code the name stands for |
//! | [`Errno`](Form::Errno), negated | `errno: -111` (Node), `errno=-104` | an errno of the platform (Linux and macOS) |
//! | [`Phrase`](Form::Phrase): the standard message | `connect: connection refused` (Go), `java.net.ConnectException: Connection refused`, `Only one usage of each socket address` (Windows), `Name or service not known` | the code it is the message of |
//!
//! The phrases are `strerror`'s socket messages on Linux and macOS (`connection refused`,
//! `connection reset by peer`, `no route to host`, `too many open files`, `broken pipe`,
//! `connection timed out`, `operation timed out`, `network is unreachable`,
//! `address already in use`, `cannot assign requested address`, ...), the resolvers'
//! (`name or service not known`, `temporary failure in name resolution`, Go's `no such
//! host`), Java's `connection reset` and `connect timed out`, Go's `i/o timeout`, and
//! Windows' `FormatMessage` texts of the Winsock set (`an existing connection was forcibly
//! closed by the remote host`, `only one usage of each socket address`, `the requested address
//! is not valid in its context`, `no such host is known`, ...), matched by a part that
//! Microsoft's documentation of the code shares; and the most common of the same messages as
//! Windows prints them in Chinese and Korean (`远程主机强迫关闭了一个现有的连接`, `원격
//! 호스트에 의해 강제로 끊겼습니다`), matched byte for byte.
//!
//! A bare errno is read as [`Platform::Linux`] numbers it unless told otherwise; numbers
//! of 10000 and above are WSA codes on every platform. Numbers go through the crate's
//! mapping tables ([`map`](crate::map)), so `EPIPE`, errno 32 and `broken pipe` are all
//! `WSAESHUTDOWN`. The tables of names and numbers are the crate's own, never the host's
//! libc: a Linux log read on Windows gives the answers it gives on Linux. They come from the
//! one errno table, which gives every errno name its Linux and macOS number (a test holds those
//! to the `libc` crate's source for the two systems).
//!
//! Text that only looks like an error is left alone: `ENOENT` and `[Errno 2]` (a missing
//! file), HRESULTs that are not Winsock's (`0x80070005`), WinINet's codes (`0x80072EFD`,
//! `12029`), HTTP statuses, a port that happens to be a Winsock number (`port 10061 open`),
//! gRPC's `Stream refused by server`, a firewall's `refused connection` log.
//!
//! # One code per text
//!
//! When a text holds several candidates the most specific wins: a number beats a name,
//! which beats a phrase ([`Form::specificity`]); between equals, the first. `Connection
//! refused (os error 111)` is read from its number.

mod names;
mod phrases;
mod platform;
mod scanner;
mod translations;

pub use platform::{ParsePlatformError, Platform};
pub use scanner::{scan, Form, Found, Scanner};
