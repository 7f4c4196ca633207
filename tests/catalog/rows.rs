//! The catalog against Microsoft's numbers (every WSA error constant windows-sys publishes)
//! and against itself: a code windows-sys has and the catalog lacks fails the tests. The Win32
//! translation table is checked in `translations.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use crate::registry::package_dir;
use windows_sys::Win32::Foundation as win32;
use windows_sys::Win32::Networking::WinSock as ws;
use wsa_trace::code::{Family, ParseCodeError, UNKNOWN_LABEL};
use wsa_trace::{default_class, Category, Op, Retry, WsaCode};

/// `windows-sys` constants typed `WSA_ERROR` that are not errors: the base the numbering
/// starts from, and two results of `WSAWaitForMultipleEvents`.
const NOT_ERRORS: &[&str] = &["WSABASEERR", "WSA_WAIT_EVENT_0", "WSA_WAIT_IO_COMPLETION"];

/// Every `WSA_ERROR` constant of the windows-sys this crate is tested against, read from its
/// WinSock source (found through `cargo metadata`): `(symbol, number)`.
fn windows_sys_errors() -> BTreeMap<String, i32> {
    let source =
        package_dir("windows-sys", "0.61.").join("src/Windows/Win32/Networking/WinSock/mod.rs");
    let text =
        fs::read_to_string(&source).unwrap_or_else(|e| panic!("read {}: {e}", source.display()));
    let mut errors = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("pub const ") else {
            continue;
        };
        let Some((name, value)) = rest.split_once(": WSA_ERROR = ") else {
            continue;
        };
        let number = value
            .strip_suffix("i32;")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected line in {}: {line}", source.display()));
        if !NOT_ERRORS.contains(&name) {
            errors.insert(name.to_owned(), number);
        }
    }
    errors
}

fn as_i32(value: u32) -> i32 {
    i32::try_from(value).expect("Win32 error codes fit in an i32")
}

#[test]
#[cfg_attr(
    windows,
    ignore = "runs the cargo that built the tests, a host program: the Windows test binaries run under Wine, where it cannot start"
)]
fn every_number_and_symbol_is_microsofts() {
    let microsoft = windows_sys_errors();
    // The reading is of the crate compiled in: spot-check it against its constants.
    assert_eq!(microsoft["WSAECONNRESET"], ws::WSAECONNRESET);
    assert_eq!(
        microsoft["WSA_SECURE_HOST_NOT_FOUND"],
        ws::WSA_SECURE_HOST_NOT_FOUND
    );
    assert_eq!(
        microsoft["WSA_IPSEC_NAME_POLICY_ERROR"],
        ws::WSA_IPSEC_NAME_POLICY_ERROR
    );
    for not_error in NOT_ERRORS {
        assert!(WsaCode::from_name(not_error).is_none(), "{not_error}");
    }
    assert!(WsaCode::from_raw(ws::WSABASEERR).name().is_none());

    for (name, &number) in &microsoft {
        let code = WsaCode::from_name(name)
            .unwrap_or_else(|| panic!("windows-sys has {name} ({number}); the catalog lacks it"));
        assert_eq!(code.raw(), number, "{name}");
        assert_eq!(code.name(), Some(name.as_str()), "{name}");
    }
    for code in WsaCode::all() {
        let name = code.name().unwrap();
        assert_eq!(
            microsoft.get(name),
            Some(&code.raw()),
            "{name} is not in windows-sys"
        );
    }
    assert_eq!(WsaCode::all().len(), microsoft.len());
    assert_eq!(WsaCode::all().len(), 97);
}

#[test]
fn win32_family_matches_the_win32_errors() {
    let pairs = [
        (WsaCode::WSA_INVALID_HANDLE, win32::ERROR_INVALID_HANDLE),
        (
            WsaCode::WSA_NOT_ENOUGH_MEMORY,
            win32::ERROR_NOT_ENOUGH_MEMORY,
        ),
        (
            WsaCode::WSA_INVALID_PARAMETER,
            win32::ERROR_INVALID_PARAMETER,
        ),
        (
            WsaCode::WSA_OPERATION_ABORTED,
            win32::ERROR_OPERATION_ABORTED,
        ),
        (WsaCode::WSA_IO_INCOMPLETE, win32::ERROR_IO_INCOMPLETE),
        (WsaCode::WSA_IO_PENDING, win32::ERROR_IO_PENDING),
    ];
    for (code, error) in pairs {
        assert_eq!(code.raw(), as_i32(error), "{code:?}");
    }
    let win32_family: BTreeSet<WsaCode> = WsaCode::all()
        .filter(|c| c.family() == Some(Family::Win32))
        .collect();
    assert_eq!(win32_family, pairs.iter().map(|&(c, _)| c).collect());
}

#[test]
fn alias_names_the_same_number() {
    assert_eq!(WsaCode::WSANO_ADDRESS, WsaCode::WSANO_DATA);
    assert_eq!(WsaCode::WSANO_ADDRESS.raw(), ws::WSANO_DATA);
    assert_eq!(
        WsaCode::from_name("WSANO_ADDRESS"),
        Some(WsaCode::WSANO_DATA)
    );
    assert_eq!(
        WsaCode::from_name("wsano_address"),
        Some(WsaCode::WSANO_DATA)
    );
    assert_eq!("WSANO_ADDRESS".parse(), Ok(WsaCode::WSANO_DATA));
    // The alias is not a symbol of its own: the code keeps its main name.
    assert_eq!(WsaCode::WSANO_ADDRESS.name(), Some("WSANO_DATA"));
    assert!(WsaCode::all().all(|c| c.name() != Some("WSANO_ADDRESS")));
}

#[test]
fn numbers_are_unique_and_ascending() {
    let numbers: Vec<i32> = WsaCode::all().map(WsaCode::raw).collect();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "rows must be in strictly ascending order: {numbers:?}"
    );
}

#[test]
fn symbols_are_unique_ignoring_case() {
    let mut seen = BTreeSet::new();
    for code in WsaCode::all() {
        let name = code.name().unwrap();
        assert!(seen.insert(name.to_ascii_uppercase()), "{name} twice");
        assert_eq!(WsaCode::from_name(&name.to_ascii_lowercase()), Some(code));
    }
    assert!(!seen.contains("WSANO_ADDRESS"));
}

#[test]
fn berkeley_names_are_unique_and_round_trip() {
    let mut seen = BTreeSet::new();
    for code in WsaCode::all() {
        let Some(berkeley) = code.berkeley() else {
            continue;
        };
        assert!(
            seen.insert(berkeley.to_ascii_uppercase()),
            "{berkeley} twice"
        );
        assert!(berkeley.starts_with('E'), "{berkeley}");
        assert_eq!(WsaCode::from_berkeley(berkeley), Some(code));
        assert_eq!(
            WsaCode::from_berkeley(&berkeley.to_ascii_lowercase()),
            Some(code)
        );
        assert_eq!(berkeley.parse(), Ok(code));
        // The symbol is the Berkeley name with the WSA prefix.
        assert_eq!(code.name().unwrap(), format!("WSA{berkeley}"));
    }
    assert_eq!(WsaCode::from_berkeley("EAGAIN"), None);
    assert_eq!(WsaCode::from_berkeley("WSAECONNRESET"), None);
}

#[test]
fn families_follow_the_numbering() {
    for code in WsaCode::all() {
        let n = code.raw();
        let expected = match n {
            ..=9999 => Family::Win32,
            10004..=10071 => Family::Berkeley,
            10091..=10112 => Family::Winsock,
            11001..=11004 => Family::Resolver,
            11005..=11031 => Family::Qos,
            11032..=11033 => Family::Security,
            _ => panic!("{code:?} is outside every family's range"),
        };
        assert_eq!(code.family(), Some(expected), "{code:?}");
        assert_eq!(
            code.berkeley().is_some(),
            expected == Family::Berkeley,
            "{code:?}"
        );
    }
    assert_eq!(WsaCode::from_raw(12345).family(), None);
}

#[test]
fn category_follows_from_the_advice() {
    for code in WsaCode::all() {
        for &op in Op::ALL {
            let class = default_class(Some(code), op);
            assert_eq!(
                class.category(),
                class.retry().category(),
                "{code:?} {op:?}"
            );
        }
    }
    let unknown = WsaCode::from_raw(12345);
    for &op in Op::ALL {
        let class = default_class(Some(unknown), op);
        assert_eq!(
            (class.category(), class.retry()),
            (Category::Fatal, Retry::Never)
        );
    }
}

/// OpenTelemetry's `error.type` names: snake_case, and no two codes share one.
#[test]
fn error_type_names_are_snake_case_and_unique() {
    let mut seen = BTreeSet::new();
    for code in WsaCode::all() {
        let Some(name) = code.error_type() else {
            continue;
        };
        assert!(
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && !name.starts_with('_'),
            "{code:?}: {name}"
        );
        assert!(seen.insert(name), "{name} names two codes");
    }
    assert_eq!(
        WsaCode::WSAECONNRESET.error_type(),
        Some("connection_reset")
    );
    assert_eq!(WsaCode::from_raw(12345).error_type(), None);
}

#[test]
fn every_row_is_documented() {
    for code in WsaCode::all() {
        for (field, text) in [
            ("message", code.message()),
            ("description", code.description()),
            ("reason", code.reason()),
        ] {
            let text = text.unwrap_or_else(|| panic!("{code:?} has no {field}"));
            assert!(!text.trim().is_empty(), "{code:?} has an empty {field}");
        }
        if let Some(hint) = code.hint() {
            assert!(!hint.trim().is_empty(), "{code:?} has an empty hint");
        }
    }
}

#[test]
fn promised_hints_exist() {
    let promised = [
        WsaCode::WSAECONNREFUSED,
        WsaCode::WSAECONNRESET,
        WsaCode::WSAECONNABORTED,
        WsaCode::WSAETIMEDOUT,
        WsaCode::WSAENETUNREACH,
        WsaCode::WSAEHOSTUNREACH,
        WsaCode::WSAENETDOWN,
        WsaCode::WSAEADDRINUSE,
        WsaCode::WSAEADDRNOTAVAIL,
        WsaCode::WSAEMFILE,
        WsaCode::WSAENOBUFS,
        WsaCode::WSAHOST_NOT_FOUND,
        WsaCode::WSATRY_AGAIN,
        WsaCode::WSAEWOULDBLOCK,
        WsaCode::WSANOTINITIALISED,
        WsaCode::WSASYSNOTREADY,
        WsaCode::WSAEMSGSIZE,
        WsaCode::WSAEACCES,
        WsaCode::WSAESHUTDOWN,
    ];
    for code in promised {
        assert!(code.hint().is_some(), "{code:?} has no hint");
    }
}

#[test]
fn display_and_debug() {
    let reset = WsaCode::WSAECONNRESET;
    assert_eq!(
        reset.to_string(),
        "WSAECONNRESET (10054): Connection reset by peer"
    );
    assert_eq!(format!("{reset:?}"), "WSAECONNRESET(10054)");
    assert_eq!(format!("{:?}", WsaCode::WSANO_ADDRESS), "WSANO_DATA(11004)");

    let odd = WsaCode::from_raw(12345);
    assert_eq!(odd.to_string(), "unknown Windows Sockets code 12345");
    assert_eq!(format!("{odd:?}"), "WsaCode(12345)");
    assert_eq!(format!("{:?}", WsaCode::from_raw(-7)), "WsaCode(-7)");

    for code in WsaCode::all() {
        let (name, message) = (code.name().unwrap(), code.message().unwrap());
        assert_eq!(
            code.to_string(),
            format!("{name} ({}): {message}", code.raw())
        );
        assert_eq!(format!("{code:?}"), format!("{name}({})", code.raw()));
    }
}

#[test]
fn labels_come_from_a_closed_set() {
    assert_eq!(UNKNOWN_LABEL, "UNKNOWN");
    for code in WsaCode::all() {
        assert!(code.is_known());
        assert_eq!(code.label(), code.name().unwrap());
    }
    for raw in [
        0,
        1,
        2,
        10000,
        10010,
        10072,
        10113,
        11000,
        11034,
        12345,
        -1,
        i32::MIN,
        i32::MAX,
    ] {
        let code = WsaCode::from_raw(raw);
        assert!(!code.is_known(), "{raw}");
        assert_eq!(code.label(), UNKNOWN_LABEL);
        assert_eq!(code.name(), None);
        assert_eq!(code.message(), None);
        assert_eq!(code.description(), None);
        assert_eq!(code.berkeley(), None);
        assert_eq!(code.reason(), None);
        assert_eq!(code.hint(), None);
        let class = default_class(Some(code), Op::Other);
        assert_eq!(
            (class.category(), class.retry()),
            (Category::Fatal, Retry::Never)
        );
    }
}

#[test]
fn conversions_keep_the_number() {
    for code in WsaCode::all() {
        assert_eq!(i32::from(code), code.raw());
        assert_eq!(WsaCode::from(code.raw()), code);
        assert_eq!(WsaCode::from_raw(code.raw()), code);
    }
}

#[test]
fn parsing() {
    for code in WsaCode::all() {
        assert_eq!(code.raw().to_string().parse(), Ok(code));
        assert_eq!(code.name().unwrap().parse(), Ok(code));
        assert_eq!(format!("  {}\n", code.raw()).parse(), Ok(code));
    }
    for input in [
        "99999", "12345", "-1", "64", "WSAENOPE", "ENOPE", "", "EAGAIN",
    ] {
        let err: ParseCodeError = input.parse::<WsaCode>().unwrap_err();
        assert_eq!(err.input(), input);
        let message = err.to_string();
        assert!(message.contains(&format!("`{input}`")), "{message}");
    }
    let err = " wsaenope ".parse::<WsaCode>().unwrap_err();
    assert!(err.to_string().contains(" wsaenope "));
    let _: &dyn std::error::Error = &err;
}
