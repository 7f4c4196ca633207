//! The catalog against Microsoft's numbers (as windows-sys publishes them) and against itself:
//! every row is checked, so a row added without a check here fails the tests. The Win32
//! translation table is checked in `translations.rs`.

use std::collections::BTreeSet;

use windows_sys::Win32::Foundation as win32;
use windows_sys::Win32::Networking::WinSock as ws;
use wsa_trace::{Category, Family, ParseCodeError, Retry, WsaCode, UNKNOWN_LABEL};

/// `(constant, windows-sys value, symbol)` for a symbol that both spell the same way.
macro_rules! same_name {
    ($($name:ident),+ $(,)?) => {
        [$((WsaCode::$name, ws::$name, stringify!($name))),+]
    };
}

/// Every catalog row, paired with the windows-sys constant of the same name.
fn microsoft_numbers() -> Vec<(WsaCode, i32, &'static str)> {
    same_name![
        WSA_INVALID_HANDLE,
        WSA_NOT_ENOUGH_MEMORY,
        WSA_INVALID_PARAMETER,
        WSA_OPERATION_ABORTED,
        WSA_IO_INCOMPLETE,
        WSA_IO_PENDING,
        WSAEINTR,
        WSAEBADF,
        WSAEACCES,
        WSAEFAULT,
        WSAEINVAL,
        WSAEMFILE,
        WSAEWOULDBLOCK,
        WSAEINPROGRESS,
        WSAEALREADY,
        WSAENOTSOCK,
        WSAEDESTADDRREQ,
        WSAEMSGSIZE,
        WSAEPROTOTYPE,
        WSAENOPROTOOPT,
        WSAEPROTONOSUPPORT,
        WSAESOCKTNOSUPPORT,
        WSAEOPNOTSUPP,
        WSAEPFNOSUPPORT,
        WSAEAFNOSUPPORT,
        WSAEADDRINUSE,
        WSAEADDRNOTAVAIL,
        WSAENETDOWN,
        WSAENETUNREACH,
        WSAENETRESET,
        WSAECONNABORTED,
        WSAECONNRESET,
        WSAENOBUFS,
        WSAEISCONN,
        WSAENOTCONN,
        WSAESHUTDOWN,
        WSAETOOMANYREFS,
        WSAETIMEDOUT,
        WSAECONNREFUSED,
        WSAELOOP,
        WSAENAMETOOLONG,
        WSAEHOSTDOWN,
        WSAEHOSTUNREACH,
        WSAENOTEMPTY,
        WSAEPROCLIM,
        WSAEUSERS,
        WSAEDQUOT,
        WSAESTALE,
        WSAEREMOTE,
        WSASYSNOTREADY,
        WSAVERNOTSUPPORTED,
        WSANOTINITIALISED,
        WSAEDISCON,
        WSAENOMORE,
        WSAECANCELLED,
        WSAEINVALIDPROCTABLE,
        WSAEINVALIDPROVIDER,
        WSAEPROVIDERFAILEDINIT,
        WSASYSCALLFAILURE,
        WSASERVICE_NOT_FOUND,
        WSATYPE_NOT_FOUND,
        WSA_E_NO_MORE,
        WSA_E_CANCELLED,
        WSAEREFUSED,
        WSAHOST_NOT_FOUND,
        WSATRY_AGAIN,
        WSANO_RECOVERY,
        WSANO_DATA,
        WSA_QOS_RECEIVERS,
        WSA_QOS_SENDERS,
        WSA_QOS_NO_SENDERS,
        WSA_QOS_NO_RECEIVERS,
        WSA_QOS_REQUEST_CONFIRMED,
        WSA_QOS_ADMISSION_FAILURE,
        WSA_QOS_POLICY_FAILURE,
        WSA_QOS_BAD_STYLE,
        WSA_QOS_BAD_OBJECT,
        WSA_QOS_TRAFFIC_CTRL_ERROR,
        WSA_QOS_GENERIC_ERROR,
        WSA_QOS_ESERVICETYPE,
        WSA_QOS_EFLOWSPEC,
        WSA_QOS_EPROVSPECBUF,
        WSA_QOS_EFILTERSTYLE,
        WSA_QOS_EFILTERTYPE,
        WSA_QOS_EFILTERCOUNT,
        WSA_QOS_EOBJLENGTH,
        WSA_QOS_EFLOWCOUNT,
        WSA_QOS_EUNKOWNPSOBJ,
        WSA_QOS_EPOLICYOBJ,
        WSA_QOS_EFLOWDESC,
        WSA_QOS_EPSFLOWSPEC,
        WSA_QOS_EPSFILTERSPEC,
        WSA_QOS_ESDMODEOBJ,
        WSA_QOS_ESHAPERATEOBJ,
        WSA_QOS_RESERVED_PETYPE,
    ]
    .to_vec()
}

fn as_i32(value: u32) -> i32 {
    i32::try_from(value).expect("Win32 error codes fit in an i32")
}

#[test]
fn every_number_and_symbol_is_microsofts() {
    let checked = microsoft_numbers();
    for &(code, expected, name) in &checked {
        assert_eq!(code.raw(), expected, "{name}");
        assert_eq!(code.name(), Some(name), "{name}");
        assert_eq!(WsaCode::from_name(name), Some(code), "{name}");
    }
    let checked: BTreeSet<WsaCode> = checked.iter().map(|&(code, _, _)| code).collect();
    let all: BTreeSet<WsaCode> = WsaCode::all().collect();
    assert_eq!(
        checked, all,
        "every catalog row must be checked against windows-sys"
    );
    assert_eq!(WsaCode::all().len(), 95);
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
fn category_and_retry_agree() {
    for code in WsaCode::all() {
        assert_eq!(
            code.category() == Category::Fatal,
            code.retry() == Retry::Never,
            "{code:?}: {} / {}",
            code.category(),
            code.retry()
        );
    }
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
        11032,
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
        assert_eq!(
            (code.category(), code.retry()),
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
