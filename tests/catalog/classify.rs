//! The classification rules, one test per row of the table in `wsa_trace::classify`'s docs,
//! and the user's overrides.

use wsa_trace::{
    default_class, Category, Classification, Classify, DefaultClassifier, Op, Retry, WsaCode,
};

use Category::{Benign, Fatal, Transient};
use Retry::{Backoff, Ignore, Immediately, Never, Reconnect};

fn class(code: WsaCode, op: Op) -> (Category, Retry) {
    let c = default_class(Some(code), op);
    (c.category(), c.retry())
}

/// The catalog's own class: no rule applies to an operation not known.
fn catalog_class(code: WsaCode) -> (Category, Retry) {
    class(code, Op::Other)
}

#[test]
fn unknown_operation_gives_the_catalog_default() {
    for code in WsaCode::all() {
        assert_eq!(class(code, Op::Other), catalog_class(code), "{code:?}");
    }
}

#[test]
fn address_in_use_is_fatal_on_bind_and_transient_on_connect() {
    for code in [WsaCode::WSAEADDRINUSE, WsaCode::WSAEADDRNOTAVAIL] {
        assert_eq!(class(code, Op::Bind), (Fatal, Never), "{code:?}");
        assert_eq!(class(code, Op::Listen), (Fatal, Never), "{code:?}");
        assert_eq!(class(code, Op::Connect), (Transient, Backoff), "{code:?}");
    }
}

#[test]
fn a_pending_connection_dying_on_accept_is_skipped() {
    for code in [WsaCode::WSAECONNRESET, WsaCode::WSAECONNABORTED] {
        assert_eq!(
            class(code, Op::Accept),
            (Transient, Immediately),
            "{code:?}"
        );
        assert_eq!(class(code, Op::Read), (Transient, Reconnect), "{code:?}");
    }
}

/// Linux's accept(2) reports these for the pending connection, not the listener: treat them
/// like `EAGAIN`.
const NETWORK_ERRORS_OF_A_PENDING_CONNECTION: [WsaCode; 6] = [
    WsaCode::WSAENETDOWN,
    WsaCode::WSAENETUNREACH,
    WsaCode::WSAEHOSTDOWN,
    WsaCode::WSAEHOSTUNREACH,
    WsaCode::WSAENOPROTOOPT,
    WsaCode::WSAEOPNOTSUPP,
];

#[test]
fn a_network_error_of_the_pending_connection_is_skipped() {
    for code in NETWORK_ERRORS_OF_A_PENDING_CONNECTION {
        assert_eq!(
            class(code, Op::Accept),
            (Transient, Immediately),
            "{code:?}"
        );
        assert_eq!(class(code, Op::Other), catalog_class(code), "{code:?}");
    }
}

#[test]
fn a_firewall_refusing_one_connection_on_accept_is_skipped() {
    assert_eq!(
        class(WsaCode::WSAEACCES, Op::Accept),
        (Transient, Immediately)
    );
    assert_eq!(class(WsaCode::WSAEACCES, Op::Bind), (Fatal, Never));
    assert_eq!(class(WsaCode::WSAEACCES, Op::Connect), (Fatal, Never));
}

#[test]
fn no_code_at_all_on_accept_is_one_connections() {
    assert_eq!(
        default_class(None, Op::Accept),
        Classification::new(Immediately)
    );
    // A code outside the catalog is still not understood.
    assert_eq!(
        default_class(Some(WsaCode::from_raw(12345)), Op::Accept),
        Classification::FATAL
    );
}

#[test]
fn running_out_of_resources_on_accept_backs_off() {
    for code in [
        WsaCode::WSAEMFILE,
        WsaCode::WSAENOBUFS,
        WsaCode::WSA_NOT_ENOUGH_MEMORY,
    ] {
        assert_eq!(class(code, Op::Accept), (Transient, Backoff), "{code:?}");
    }
}

#[test]
fn icmp_errors_on_a_datagram_call_are_retried_at_once() {
    for code in [
        WsaCode::WSAECONNRESET,
        WsaCode::WSAENETRESET,
        WsaCode::WSAECONNREFUSED,
    ] {
        for op in [Op::Send, Op::SendTo, Op::Recv, Op::RecvFrom] {
            assert!(op.is_datagram());
            assert_eq!(
                class(code, op),
                (Transient, Immediately),
                "{code:?} on {op}"
            );
        }
        // Stream calls keep their own classes.
        for op in [Op::Read, Op::Write] {
            assert!(!op.is_datagram());
            assert_eq!(class(code, op), catalog_class(code), "{code:?} on {op}");
        }
    }
    assert_eq!(
        class(WsaCode::WSAECONNREFUSED, Op::Connect),
        (Transient, Backoff)
    );
}

#[test]
fn an_oversized_datagram_is_benign_on_receive_and_fatal_on_send() {
    let code = WsaCode::WSAEMSGSIZE;
    for op in [Op::Recv, Op::RecvFrom] {
        assert_eq!(class(code, op), (Transient, Immediately), "on {op}");
    }
    for op in [Op::Send, Op::SendTo] {
        assert_eq!(class(code, op), (Fatal, Never), "on {op}");
    }
    assert_eq!(catalog_class(code), (Fatal, Never));
}

#[test]
fn not_connected_on_shutdown_is_benign() {
    let c = default_class(Some(WsaCode::WSAENOTCONN), Op::Shutdown);
    assert_eq!((c.category(), c.retry()), (Benign, Ignore));
    assert_eq!(c, Classification::BENIGN);
    assert!(!c.is_retryable());
    for op in [Op::Read, Op::Write, Op::Other] {
        assert_eq!(class(WsaCode::WSAENOTCONN, op), (Fatal, Never), "on {op}");
    }
}

#[test]
fn refused_on_bind_is_a_missing_directory_and_fatal() {
    assert_eq!(class(WsaCode::WSAECONNREFUSED, Op::Bind), (Fatal, Never));
    // On connect, a Unix socket's missing file or absent listener waits for the server.
    assert_eq!(
        class(WsaCode::WSAECONNREFUSED, Op::Connect),
        (Transient, Backoff)
    );
}

#[test]
fn reconnect_advice_on_connect_becomes_backoff() {
    let reconnecting: Vec<WsaCode> = WsaCode::all()
        .filter(|&c| catalog_class(c).1 == Reconnect)
        .collect();
    assert!(reconnecting.contains(&WsaCode::WSAECONNRESET));
    assert!(reconnecting.contains(&WsaCode::WSAESHUTDOWN));
    for code in reconnecting {
        assert_eq!(class(code, Op::Connect), (Transient, Backoff), "{code:?}");
        assert_eq!(class(code, Op::Write), (Transient, Reconnect), "{code:?}");
    }
}

#[test]
fn a_timeout_on_an_established_stream_needs_a_new_connection() {
    let code = WsaCode::WSAETIMEDOUT;
    for op in [Op::Read, Op::Write, Op::Flush] {
        assert_eq!(class(code, op), (Transient, Reconnect), "on {op}");
    }
    for op in [Op::Connect, Op::Resolve, Op::Other] {
        assert_eq!(class(code, op), (Transient, Backoff), "on {op}");
    }
}

#[test]
fn codes_without_a_rule_keep_their_default_on_every_operation() {
    let ruled = [
        WsaCode::WSAEADDRINUSE,
        WsaCode::WSAEADDRNOTAVAIL,
        WsaCode::WSAECONNRESET,
        WsaCode::WSAECONNABORTED,
        WsaCode::WSAEMFILE,
        WsaCode::WSAENOBUFS,
        WsaCode::WSA_NOT_ENOUGH_MEMORY,
        WsaCode::WSAENETRESET,
        WsaCode::WSAECONNREFUSED,
        WsaCode::WSAETIMEDOUT,
        WsaCode::WSAEACCES,
        WsaCode::WSAEMSGSIZE,
        WsaCode::WSAENOTCONN,
    ];
    for code in WsaCode::all() {
        if ruled.contains(&code)
            || NETWORK_ERRORS_OF_A_PENDING_CONNECTION.contains(&code)
            || catalog_class(code).1 == Reconnect
        {
            continue;
        }
        for &op in Op::ALL {
            assert_eq!(class(code, op), catalog_class(code), "{code:?} on {op}");
        }
    }
}

#[test]
fn nothing_understood_is_fatal() {
    for &op in Op::ALL {
        if op != Op::Accept {
            assert_eq!(default_class(None, op), Classification::FATAL, "{op}");
        }
        for raw in [0, 2, 12345, -1, i32::MAX] {
            assert_eq!(
                default_class(Some(WsaCode::from_raw(raw)), op),
                Classification::FATAL
            );
        }
    }
    assert_eq!(Classification::FATAL.category(), Fatal);
    assert_eq!(Classification::FATAL.retry(), Never);
    assert!(!Classification::FATAL.is_retryable());
}

#[test]
fn every_class_is_consistent() {
    for code in WsaCode::all() {
        for &op in Op::ALL {
            let c = default_class(Some(code), op);
            assert_eq!(c.category(), c.retry().category(), "{code:?} on {op}");
            assert_eq!(
                c.is_retryable(),
                !matches!(c.retry(), Never | Ignore),
                "{code:?} on {op}"
            );
        }
    }
}

#[test]
fn the_category_follows_from_the_advice() {
    let cases = [
        (Immediately, Transient),
        (Backoff, Transient),
        (Reconnect, Transient),
        (Never, Fatal),
        (Ignore, Benign),
    ];
    for (retry, category) in cases {
        let c = Classification::new(retry);
        assert_eq!((c.category(), c.retry()), (category, retry), "new({retry})");
        assert_eq!(Classification::from(retry), c);
    }
    assert_eq!(Classification::new(Never), Classification::FATAL);
    assert_eq!(Classification::new(Ignore), Classification::BENIGN);
}

#[test]
fn names_are_stable() {
    assert_eq!(
        [Transient, Fatal, Benign].map(Category::as_str),
        ["transient", "fatal", "benign"]
    );
    assert_eq!(
        [Immediately, Backoff, Reconnect, Never, Ignore].map(Retry::as_str),
        ["immediately", "backoff", "reconnect", "never", "ignore"]
    );
    assert_eq!(Transient.to_string(), "transient");
    assert_eq!(Backoff.to_string(), "backoff");
    assert_eq!(Op::SendTo.to_string(), "send_to");
    assert_eq!(Op::RecvFrom.as_str(), "recv_from");
    let mut names: Vec<&str> = Op::ALL.iter().map(|op| op.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Op::ALL.len());
}

#[test]
fn default_classifier_without_overrides_is_the_builtin_rules() {
    let classifier = DefaultClassifier::new();
    for code in WsaCode::all()
        .map(Some)
        .chain([None, Some(WsaCode::from_raw(12345))])
    {
        for &op in Op::ALL {
            assert_eq!(classifier.class_of(code, op), default_class(code, op));
        }
    }
}

#[test]
fn override_per_code_applies_to_every_operation() {
    let classifier =
        DefaultClassifier::new().with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL);
    for &op in Op::ALL {
        assert_eq!(
            classifier.class_of(Some(WsaCode::WSAECONNREFUSED), op),
            Classification::FATAL
        );
        // Other codes keep the built-in rules.
        let reset = Some(WsaCode::WSAECONNRESET);
        assert_eq!(classifier.class_of(reset, op), default_class(reset, op));
    }
    assert_eq!(
        classifier.class_of(None, Op::Connect),
        Classification::FATAL
    );
}

#[test]
fn override_per_code_and_operation_applies_to_that_operation_only() {
    let quick = Classification::new(Immediately);
    let classifier =
        DefaultClassifier::new().with_code_op(WsaCode::WSAETIMEDOUT, Op::Connect, quick);
    let code = Some(WsaCode::WSAETIMEDOUT);
    assert_eq!(classifier.class_of(code, Op::Connect), quick);
    for op in Op::ALL.iter().copied().filter(|&op| op != Op::Connect) {
        assert_eq!(
            classifier.class_of(code, op),
            default_class(code, op),
            "{op}"
        );
    }
}

#[test]
fn code_and_operation_wins_over_code() {
    let quick = Classification::new(Immediately);
    // Registered in both orders: precedence does not depend on the order of the calls.
    let a = DefaultClassifier::new()
        .with_code(WsaCode::WSAECONNRESET, Classification::FATAL)
        .with_code_op(WsaCode::WSAECONNRESET, Op::Read, quick);
    let b = DefaultClassifier::new()
        .with_code_op(WsaCode::WSAECONNRESET, Op::Read, quick)
        .with_code(WsaCode::WSAECONNRESET, Classification::FATAL);
    for classifier in [a, b] {
        let code = Some(WsaCode::WSAECONNRESET);
        assert_eq!(classifier.class_of(code, Op::Read), quick);
        assert_eq!(classifier.class_of(code, Op::Write), Classification::FATAL);
        assert_eq!(classifier.class_of(code, Op::Accept), Classification::FATAL);
    }
}

#[test]
fn a_later_override_replaces_an_earlier_one() {
    let later = Classification::new(Backoff);
    let classifier = DefaultClassifier::new()
        .with_code(WsaCode::WSAEACCES, Classification::new(Immediately))
        .with_code(WsaCode::WSAEACCES, later)
        .with_code_op(WsaCode::WSAEINVAL, Op::Bind, Classification::new(Reconnect))
        .with_code_op(WsaCode::WSAEINVAL, Op::Bind, later);
    assert_eq!(
        classifier.class_of(Some(WsaCode::WSAEACCES), Op::Connect),
        later
    );
    assert_eq!(
        classifier.class_of(Some(WsaCode::WSAEINVAL), Op::Bind),
        later
    );
    assert_eq!(
        classifier.class_of(Some(WsaCode::WSAEINVAL), Op::Connect),
        Classification::FATAL
    );

    // Clones share the overrides and stay independent when extended.
    let base = classifier
        .clone()
        .with_code(WsaCode::WSAEACCES, Classification::FATAL);
    assert_eq!(
        base.class_of(Some(WsaCode::WSAEACCES), Op::Other),
        Classification::FATAL
    );
    assert_eq!(
        classifier.class_of(Some(WsaCode::WSAEACCES), Op::Other),
        later
    );
}

#[test]
fn overrides_reach_unknown_codes() {
    let odd = WsaCode::from_raw(12345);
    let retry = Classification::new(Backoff);
    let classifier = DefaultClassifier::new().with_code(odd, retry);
    assert_eq!(classifier.class_of(Some(odd), Op::Read), retry);
    assert_eq!(
        classifier.class_of(Some(WsaCode::from_raw(12346)), Op::Read),
        Classification::FATAL
    );
}

#[test]
fn closures_classify() {
    let everything_backs_off = |_: Option<WsaCode>, _: Op| Classification::new(Backoff);
    assert_eq!(
        everything_backs_off.class_of(None, Op::Read).retry(),
        Backoff
    );

    let strict = |code: Option<WsaCode>, op: Op| match code {
        Some(WsaCode::WSAECONNREFUSED) => Classification::FATAL,
        _ => default_class(code, op),
    };
    assert_eq!(
        strict.class_of(Some(WsaCode::WSAECONNREFUSED), Op::Connect),
        Classification::FATAL
    );
    assert_eq!(
        strict
            .class_of(Some(WsaCode::WSAETIMEDOUT), Op::Read)
            .retry(),
        Reconnect
    );

    fn run(classifier: &dyn Classify) -> Classification {
        classifier.class_of(Some(WsaCode::WSAEWOULDBLOCK), Op::Read)
    }
    assert_eq!(run(&strict).retry(), Immediately);
    assert_eq!(run(&DefaultClassifier::default()).retry(), Immediately);
}
