//! Properties over arbitrary input: nothing panics, every label comes from the closed set, and
//! the chain walk finds OS codes within its limit however the chain is built.

use std::collections::BTreeSet;
use std::error::Error;
use std::fmt;
use std::io::{self, ErrorKind};

use proptest::prelude::*;
use proptest::sample::select;
use wsa_trace::code::UNKNOWN_LABEL;
use wsa_trace::map::Via;
use wsa_trace::map::{
    errno_name, errno_translations, find_io_error, from_errno, from_kind, from_raw_os_error,
    from_windows, os_code_name, windows_name, windows_translations,
};
use wsa_trace::{default_class, Category, Mapping, Op, Retry, WsaCode};

/// Every label a code or a mapping may carry.
fn labels() -> BTreeSet<&'static str> {
    WsaCode::all()
        .map(|c| c.name().unwrap())
        .chain([UNKNOWN_LABEL])
        .collect()
}

fn assert_known(code: Option<WsaCode>) {
    if let Some(code) = code {
        assert!(code.is_known(), "{code:?}");
    }
}

fn assert_mapping(m: &Mapping) {
    assert!(labels().contains(m.label()), "{}", m.label());
    assert_known(m.code());
    assert_eq!(m.code().is_some(), m.via() != Via::Unmapped);
    assert_eq!(m.label(), m.code().map_or(UNKNOWN_LABEL, WsaCode::label));
    let _ = (m.os_code(), m.os_name(), m.kind(), m.via().as_str());
}

/// Every `io::ErrorKind` stable at the crate's minimum Rust version (1.83): later ones such as
/// `CrossesDevices`, `InvalidFilename`, `QuotaExceeded` and `InProgress` are left out.
const KINDS: &[ErrorKind] = &[
    ErrorKind::NotFound,
    ErrorKind::PermissionDenied,
    ErrorKind::ConnectionRefused,
    ErrorKind::ConnectionReset,
    ErrorKind::HostUnreachable,
    ErrorKind::NetworkUnreachable,
    ErrorKind::ConnectionAborted,
    ErrorKind::NotConnected,
    ErrorKind::AddrInUse,
    ErrorKind::AddrNotAvailable,
    ErrorKind::NetworkDown,
    ErrorKind::BrokenPipe,
    ErrorKind::AlreadyExists,
    ErrorKind::WouldBlock,
    ErrorKind::NotADirectory,
    ErrorKind::IsADirectory,
    ErrorKind::DirectoryNotEmpty,
    ErrorKind::ReadOnlyFilesystem,
    ErrorKind::StaleNetworkFileHandle,
    ErrorKind::InvalidInput,
    ErrorKind::InvalidData,
    ErrorKind::TimedOut,
    ErrorKind::WriteZero,
    ErrorKind::StorageFull,
    ErrorKind::NotSeekable,
    ErrorKind::FileTooLarge,
    ErrorKind::ResourceBusy,
    ErrorKind::ExecutableFileBusy,
    ErrorKind::Deadlock,
    ErrorKind::TooManyLinks,
    ErrorKind::ArgumentListTooLong,
    ErrorKind::Interrupted,
    ErrorKind::Unsupported,
    ErrorKind::UnexpectedEof,
    ErrorKind::OutOfMemory,
    ErrorKind::Other,
];

fn kinds() -> impl Strategy<Value = ErrorKind> {
    select(KINDS)
}

fn ops() -> impl Strategy<Value = Op> {
    select(Op::ALL.to_vec())
}

/// Any number, with the catalog's numbers and the tables' numbers drawn often.
fn numbers() -> impl Strategy<Value = i32> {
    let catalog: Vec<i32> = WsaCode::all().map(WsaCode::raw).collect();
    let errnos: Vec<i32> = errno_translations().iter().map(|row| row.raw).collect();
    let win32: Vec<i32> = windows_translations().iter().map(|row| row.raw).collect();
    prop_oneof![
        any::<i32>(),
        -5..12_000i32,
        select(catalog),
        select(errnos),
        select(win32),
    ]
}

const RESOLVER_PREFIX: &str = "failed to lookup address information: ";

/// Characters of one to four bytes, none of them ASCII, so no resolver phrase can hide in them.
const WIDE: &[char] = &['é', 'ß', '€', '中', '😀', '\u{10FFFF}'];

proptest! {
    #[test]
    fn any_number_is_a_code(n in numbers()) {
        let code = WsaCode::from_raw(n);
        prop_assert_eq!(code.raw(), n);
        prop_assert!(labels().contains(code.label()));
        let known = code.is_known();
        prop_assert_eq!(code.name().is_some(), known);
        prop_assert_eq!(code.message().is_some(), known);
        prop_assert_eq!(code.description().is_some(), known);
        prop_assert_eq!(code.reason().is_some(), known);
        prop_assert_eq!(code.family().is_some(), known);
        if !known {
            prop_assert_eq!(code.label(), UNKNOWN_LABEL);
            prop_assert!(code.berkeley().is_none() && code.hint().is_none());
        }
        let class = default_class(Some(code), Op::Other);
        prop_assert_eq!(class.category(), class.retry().category());
        if !known {
            prop_assert_eq!((class.category(), class.retry()), (Category::Fatal, Retry::Never));
        }
        let _ = (code.to_string(), format!("{code:?}"), code.to_string().parse::<WsaCode>());
    }

    #[test]
    fn lookups_never_panic_and_give_known_codes(n in numbers()) {
        assert_known(from_windows(n));
        assert_known(from_errno(n));
        assert_known(from_raw_os_error(n));
        prop_assert_eq!(windows_name(n).is_some(), from_windows(n).is_some());
        prop_assert_eq!(errno_name(n).is_some(), from_errno(n).is_some());
        prop_assert_eq!(os_code_name(n).is_some(), from_raw_os_error(n).is_some());
        if WsaCode::from_raw(n).is_known() {
            prop_assert_eq!(from_windows(n), Some(WsaCode::from_raw(n)));
        }
    }

    #[test]
    fn any_raw_os_error_maps(n in numbers()) {
        let m = Mapping::from_io_error(&io::Error::from_raw_os_error(n));
        assert_mapping(&m);
        prop_assert_eq!(m.os_code(), Some(n));
        prop_assert!(m.via() != Via::Resolver);
        if let Some(code) = from_raw_os_error(n) {
            prop_assert_eq!((m.code(), m.via()), (Some(code), Via::Os));
        }
    }

    #[test]
    fn classes_are_consistent(n in numbers(), op in ops()) {
        for code in [None, Some(WsaCode::from_raw(n))] {
            let c = default_class(code, op);
            prop_assert_eq!(c.category(), c.retry().category());
            // Not understood is fatal; only no code at all on accept concerns one connection.
            if code.is_none() && op == Op::Accept {
                prop_assert_eq!((c.category(), c.retry()), (Category::Transient, Retry::Immediately));
            } else if !code.is_some_and(WsaCode::is_known) {
                prop_assert_eq!((c.category(), c.retry()), (Category::Fatal, Retry::Never));
            }
        }
    }

    #[test]
    fn any_kind_maps(kind in kinds(), text in ".{0,40}") {
        assert_known(from_kind(kind));
        for err in [io::Error::from(kind), io::Error::new(kind, text.clone())] {
            let m = Mapping::from_io_error(&err);
            assert_mapping(&m);
            prop_assert_eq!(m.kind(), kind);
            prop_assert_eq!(m.os_code(), None);
            if m.via() != Via::Resolver {
                prop_assert_eq!(m.code(), from_kind(kind));
            }
        }
    }

    #[test]
    fn any_text_maps(text in any::<String>(), kind in kinds()) {
        for text in [text.clone(), format!("{RESOLVER_PREFIX}{text}")] {
            let m = Mapping::from_io_error(&io::Error::new(kind, text));
            assert_mapping(&m);
        }
    }

    #[test]
    fn long_text_is_cut_at_char_boundaries(
        filler in proptest::collection::vec(select(WIDE), 0..200),
        phrase in select(vec![
            ("Name or service not known", WsaCode::WSAHOST_NOT_FOUND),
            ("Temporary failure in name resolution", WsaCode::WSATRY_AGAIN),
            ("Non-recoverable failure in name resolution", WsaCode::WSANO_RECOVERY),
            ("No address associated with hostname", WsaCode::WSANO_DATA),
        ]),
        tail in ".{0,20}",
    ) {
        let filler: String = filler.into_iter().collect();
        let (phrase, code) = phrase;
        let text = format!("{RESOLVER_PREFIX}{filler}{phrase}");
        let m = Mapping::from_io_error(&io::Error::other(format!("{text}{tail}")));
        assert_mapping(&m);
        // The phrase is either seen whole or not at all; std's messages are far shorter than
        // this bound.
        prop_assert!(m.code().is_none() || m.code() == Some(code), "{:?}", m);
        if text.len() <= 128 {
            prop_assert_eq!((m.code(), m.via()), (Some(code), Via::Resolver));
        }
    }

    #[test]
    fn very_long_text_maps(len in 0usize..100_000, c in any::<char>()) {
        let text: String = std::iter::repeat_n(c, len / c.len_utf8()).collect();
        for text in [text.clone(), format!("{RESOLVER_PREFIX}{text}")] {
            assert_mapping(&Mapping::from_io_error(&io::Error::other(text)));
        }
    }

    #[test]
    fn deep_chains(
        layers in proptest::collection::vec(layer(), 0..100),
        errno in select(crate::native::os_codes()),
    ) {
        let depth = layers.len();
        let mut err: Box<dyn Error + Send + Sync> = Box::new(io::Error::from_raw_os_error(errno));
        for layer in layers.iter().rev() {
            err = layer.wrap(err);
        }
        let m = Mapping::from_error(&*err);
        let found = find_io_error(&*err);
        // An OS code fewer than 32 hops down is found. Exactly 32 hops down is the boundary: the
        // walk visits 32 errors (31 hops) while its docs say "at most 32 hops", so either
        // answer is accepted there.
        if depth < 32 {
            let m = m.expect("the chain holds an io::Error within reach");
            prop_assert_eq!(m.via(), Via::Os);
            prop_assert_eq!(m.os_code(), Some(errno));
            prop_assert_eq!(m.code(), from_raw_os_error(errno));
            prop_assert_eq!(found.and_then(io::Error::raw_os_error), Some(errno));
        } else if depth > 32 {
            // Past the walk's limit the OS code is out of reach; nothing else goes wrong.
            prop_assert!(m.is_none_or(|m| m.via() != Via::Os));
            prop_assert!(found.is_none_or(|e| e.raw_os_error().is_none()));
        }
        if let Some(m) = m {
            assert_mapping(&m);
        }
    }
}

/// One link of a chain.
#[derive(Clone, Debug)]
enum Layer {
    /// A custom error whose `source()` is the next link.
    Custom,
    /// An `io::Error` carrying the next link as its payload.
    Io(ErrorKind),
}

fn layer() -> impl Strategy<Value = Layer> {
    prop_oneof![Just(Layer::Custom), kinds().prop_map(Layer::Io)]
}

impl Layer {
    fn wrap(&self, inner: Box<dyn Error + Send + Sync>) -> Box<dyn Error + Send + Sync> {
        match *self {
            Layer::Custom => Box::new(Custom(inner)),
            Layer::Io(kind) => Box::new(io::Error::new(kind, inner)),
        }
    }
}

#[derive(Debug)]
struct Custom(Box<dyn Error + Send + Sync>);

impl fmt::Display for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("wrapped")
    }
}

impl Error for Custom {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.0)
    }
}

fn chain_of(depth: usize, errno: i32) -> Box<dyn Error + Send + Sync> {
    let mut err: Box<dyn Error + Send + Sync> = Box::new(io::Error::from_raw_os_error(errno));
    for i in 0..depth {
        let layer = if i % 2 == 0 {
            Layer::Custom
        } else {
            Layer::Io(ErrorKind::Other)
        };
        err = layer.wrap(err);
    }
    err
}

#[test]
fn the_walk_limit() {
    let errno = errno_translations()[0].raw;
    for depth in [0, 1, 30, 31] {
        let m = Mapping::from_error(&*chain_of(depth, errno)).unwrap();
        assert_eq!(
            (m.via(), m.os_code()),
            (Via::Os, Some(errno)),
            "depth {depth}"
        );
    }
    for depth in [33, 99, 1000] {
        let m = Mapping::from_error(&*chain_of(depth, errno));
        assert!(m.is_none_or(|m| m.via() != Via::Os), "depth {depth}");
    }
}
