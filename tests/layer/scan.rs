//! The text scanner: one line per recognised form, the platform parameter, specificity,
//! look-alikes that stay silent, the layer reading the same forms from relayed lines, and
//! properties over any text cut into any pieces.

use crate::support;

use proptest::prelude::*;
use wsa_trace::scan::{scan, Form, Found, Platform, Scanner};
use wsa_trace::WsaCode;

use support::forms::FORMS;

fn found(text: &str) -> Found {
    scan(text, Platform::Linux).unwrap_or_else(|| panic!("nothing found in {text:?}"))
}

#[test]
fn every_form_of_the_table() {
    for &(line, form, code, text) in FORMS {
        let f = found(line);
        assert_eq!((f.form(), f.code()), (form, code), "{line}");
        assert_eq!(f.text(), text, "{line}");
        assert_eq!(&line[f.range()], text, "{line}");
    }
}

#[test]
fn the_platform_decides_bare_errnos() {
    let line = "[Errno 61] Connection refused";
    assert_eq!(
        scan(line, Platform::MacOs).unwrap().code(),
        WsaCode::WSAECONNREFUSED
    );
    // 61 is ENODATA on Linux: no socket error, so the phrase decides.
    assert_eq!(scan(line, Platform::Linux).unwrap().form(), Form::Phrase);
    assert_eq!(
        scan("(os error 54)", Platform::MacOs).unwrap().code(),
        WsaCode::WSAECONNRESET
    );
    assert_eq!(
        scan("(os error 64)", Platform::Windows).unwrap().code(),
        WsaCode::WSAECONNRESET
    );
    // 64 is ENONET on Linux, a host cut off.
    assert_eq!(
        scan("(os error 64)", Platform::Linux).unwrap().code(),
        WsaCode::WSAEHOSTUNREACH
    );
    // ENOENT in a log line is a missing file, not a socket's missing path.
    assert_eq!(
        scan("No such file or directory (os error 2)", Platform::Linux),
        None
    );
    assert_eq!(scan("open config: ENOENT", Platform::Linux), None);
    for p in Platform::ALL {
        assert_eq!(
            scan("(os error 10054)", p).unwrap().code(),
            WsaCode::WSAECONNRESET,
            "{p}"
        );
    }
}

#[test]
fn a_number_beats_a_name_and_a_name_beats_a_phrase() {
    let f = found("Connection refused: ECONNRESET (os error 110)");
    assert_eq!((f.form(), f.code()), (Form::OsError, WsaCode::WSAETIMEDOUT));
    let f = found("connection refused, then ECONNRESET");
    assert_eq!(
        (f.form(), f.code()),
        (Form::Berkeley, WsaCode::WSAECONNRESET)
    );
    // Between equals, the first.
    let f = found("broken pipe after connection refused");
    assert_eq!(f.code(), WsaCode::WSAESHUTDOWN);
}

#[test]
fn near_misses_are_not_matches() {
    for text in [
        "",
        "error 200 while reading",       // no WSA code
        "myerror 10054",                 // no word boundary
        "status code 10000",             // outside the WSA range
        "request took 10054 ms",         // a number with no lead
        "port 10054 open",               // idem
        "connection refusedx",           // no word boundary after the phrase
        "econnrefused in lower case",    // names are written in capitals
        "HRESULT 0x80070005",            // E_ACCESSDENIED is no socket error
        "ELEPHANT ERRORS WSAEVERYTHING", // capital words that name nothing
        "the os error 9999 is unknown",
    ] {
        assert_eq!(scan(text, Platform::Linux), None, "{text:?}");
    }
}

/// Text that looks like a socket error and is none stays silent, read as any platform.
#[test]
fn look_alikes_stay_silent() {
    for text in [
        "FileNotFoundError: [Errno 2] No such file or directory: 'config.yaml'",
        "Error: ENOENT: no such file or directory, open '/etc/app.json'",
        "Can't connect to local MySQL server through socket '/run/mysqld/mysqld.sock' (2)",
        "Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))",
        "DeliveryOptimization error: 0x80072efd, extended error: 0x00000000",
        "HResult=0x80072EFD",
        "Installation failed with exit code -2147012867",
        "InternetOpenUrl failed: error 12029",
        "WinHttpSendRequest: 12029: ERROR_WINHTTP_CANNOT_CONNECT",
        "HTTP/1.1 503 Service Unavailable",
        "upstream returned status code 502",
        "Discovered open port 10061/tcp on 10.0.0.5",
        "port 10061 open",
        "Error: 14 UNAVAILABLE: Stream refused by server",
        "REFUSED_STREAM",
        "[  232.201324] refused connection: IN=wlp0s20f3 OUT= SRC=188.81.128.126 DST=192.168.1.115 PROTO=TCP SPT=46742 DPT=22000",
        "ERROR 2003 (HY000): Can't connect to MySQL server on 'db' (HY000)",
        "errno: -2, code: 'ENOENT', syscall: 'open'",
        "[Errno -99] unknown",
        "Error0x80070005.",
        "ERR_CONNECTION_CLOSED",
        "EAI_ANYTHING",
        "Operating system: 64-bit",
        "read failed, errno=-1",
        "poll returned -1 (errno -1)",
    ] {
        for p in Platform::ALL {
            assert_eq!(scan(text, p), None, "{text:?} read as {p}");
        }
    }
}

/// Python's negative `[Errno -N]` are getaddrinfo codes, on every platform: `-2` is
/// `EAI_NONAME`, never `ENOENT`; Node's `errno: -N` is a negated errno of the platform.
#[test]
fn negative_errnos_are_getaddrinfo_codes_in_brackets_and_negated_errnos_elsewhere() {
    for p in Platform::ALL {
        let f = scan("[Errno -2] Name or service not known", p).unwrap();
        assert_eq!(
            (f.form(), f.code()),
            (Form::Resolver, WsaCode::WSAHOST_NOT_FOUND),
            "{p}"
        );
        let f = scan("socket.gaierror: [Errno -5] No address", p).unwrap();
        assert_eq!(f.code(), WsaCode::WSANO_DATA, "{p}");
        let f = scan("errno: -3001, code: 'EAI_AGAIN'", p).unwrap();
        assert_eq!(
            (f.form(), f.code()),
            (Form::Resolver, WsaCode::WSATRY_AGAIN),
            "{p}"
        );
    }
    let f = scan("{ errno: -61, code: 'ECONNREFUSED' }", Platform::MacOs).unwrap();
    assert_eq!(
        (f.form(), f.code()),
        (Form::Errno, WsaCode::WSAECONNREFUSED)
    );
    // 61 is no socket errno on Linux: the name beside it decides.
    let f = scan("{ errno: -61, code: 'ECONNREFUSED' }", Platform::Linux).unwrap();
    assert_eq!(f.form(), Form::Berkeley);
    // libuv numbers Windows' errors its own way: the name decides there too.
    let f = scan("{ errno: -4078, code: 'ECONNREFUSED' }", Platform::Windows).unwrap();
    assert_eq!(f.form(), Form::Berkeley);
}

/// MySQL's own error numbers (2002, 2003) are not socket codes; the one in parentheses
/// after the host is, as the platform numbers it.
#[test]
fn mysql_reads_the_os_code_after_the_host() {
    let line = "ERROR 2003 (HY000): Can't connect to MySQL server on 'db.internal' (111)";
    assert_eq!(found(line).code(), WsaCode::WSAECONNREFUSED);
    assert_eq!(found(line).text(), "(111");
    let mac = "ERROR 2003 (HY000): Can't connect to MySQL server on '127.0.0.1' (61)";
    assert_eq!(
        scan(mac, Platform::MacOs).unwrap().code(),
        WsaCode::WSAECONNREFUSED
    );
    assert_eq!(scan(mac, Platform::Linux), None);
    let win = "Can't connect to MySQL server on 'localhost' (10061)";
    for p in Platform::ALL {
        assert_eq!(
            scan(win, p).unwrap().code(),
            WsaCode::WSAECONNREFUSED,
            "{p}"
        );
    }
    // A host too long for the window's look-back, and a number after no host, stay silent.
    let far = format!(
        "Can't connect to MySQL server on '{}' (111)",
        "h".repeat(80)
    );
    assert_eq!(scan(&far, Platform::Linux), None);
    assert_eq!(scan("MySQL server on db (111)", Platform::Linux), None);
}

/// Lines of other programs relayed through `tracing` (a Go sidecar's, a Python worker's,
/// Node's) are counted by the layer as `wsa explain` reads them.
#[cfg(feature = "layer")]
#[test]
fn the_layer_counts_relayed_lines_of_other_programs() {
    use wsa_trace::layer::WsaLayer;

    let lines = [
        ("dial tcp: lookup db.internal: no such host", "WSAHOST_NOT_FOUND"),
        ("socket.gaierror: [Errno -3] Temporary failure in name resolution", "WSATRY_AGAIN"),
        ("Error: getaddrinfo ENOTFOUND api.example.com", "WSAHOST_NOT_FOUND"),
        ("Can't connect to MySQL server on 'db' (111)", "WSAECONNREFUSED"),
        ("transport failure reason: delayed connect error: 111", "WSAECONNREFUSED"),
        ("connectex: Only one usage of each socket address (protocol/network address/port) is normally permitted.", "WSAEADDRINUSE"),
        ("FileNotFoundError: [Errno 2] No such file or directory", ""),
        ("Error: 14 UNAVAILABLE: Stream refused by server", ""),
    ];
    let (_, c) = support::capture_with(WsaLayer::new().platform(Platform::Linux), || {
        for (line, _) in lines {
            tracing::warn!(target: "sidecar", "{line}");
        }
    });
    let logged = c.named("wsa_logged_socket_errors_total");
    for symbol in [
        "WSAHOST_NOT_FOUND",
        "WSATRY_AGAIN",
        "WSAECONNREFUSED",
        "WSAEADDRINUSE",
    ] {
        let want = lines.iter().filter(|(_, s)| *s == symbol).count() as u64;
        let got: u64 = logged
            .iter()
            .filter(|s| s.labels.get("code").map(String::as_str) == Some(symbol))
            .map(|s| s.value)
            .sum();
        assert_eq!(got, want, "{symbol}: {logged:?}");
    }
    let positives = lines.iter().filter(|(_, s)| !s.is_empty()).count() as u64;
    assert_eq!(c.total("wsa_logged_socket_errors_total"), positives);
}

/// Windows' messages in Chinese and Korean are read however short the text, and other text
/// in those languages stays silent.
#[test]
fn chinese_and_korean_messages_are_read() {
    for (text, code) in [
        ("目标计算机积极拒绝", WsaCode::WSAECONNREFUSED),
        ("远程主机强迫关闭了一个现有的连接。", WsaCode::WSAECONNRESET),
        (
            "[错误] 通常每个套接字地址(协议/网络地址/端口)只允许使用一次。",
            WsaCode::WSAEADDRINUSE,
        ),
        ("알려진 호스트가 없습니다", WsaCode::WSAHOST_NOT_FOUND),
    ] {
        for p in Platform::ALL {
            let f = scan(text, p).unwrap_or_else(|| panic!("nothing in {text:?}"));
            assert_eq!((f.form(), f.code()), (Form::Phrase, code), "{text}");
            assert_eq!(&text[f.range()], f.text());
        }
    }
    for text in [
        "普通的中文日志，没有错误。",
        "请求的地址无效",
        "连接成功，主机已响应",
        "카카오 서버가 못버티고 있는 문제입니다.",
        "远程主机",
    ] {
        assert_eq!(scan(text, Platform::Windows), None, "{text}");
    }
}

/// An HRESULT glued to the word before it, in any case, is read; one that is not Winsock's
/// is not.
#[test]
fn an_hresult_glued_to_a_word() {
    for text in ["Error0x80072746.", "error0x80072746", "hr=0x80072746"] {
        let f = found(text);
        assert_eq!(
            (f.form(), f.code()),
            (Form::Hresult, WsaCode::WSAECONNRESET),
            "{text}"
        );
        assert_eq!(f.text(), "0x80072746");
    }
    for text in [
        "Error0x80070005",
        "error0x80072efd",
        "x0x8007274G",
        "10x80072746",
    ] {
        assert_eq!(scan(text, Platform::Linux), None, "{text}");
    }
}

#[test]
fn a_scanner_is_reused_text_after_text() {
    let mut s = Scanner::new(Platform::Linux);
    s.feed(b"connection refused");
    assert_eq!(s.finish().unwrap().code(), WsaCode::WSAECONNREFUSED);
    s.feed(b"all fine");
    assert_eq!(s.finish(), None);
    s.feed(b"xx (os error 104)");
    assert_eq!(s.finish().unwrap().range(), 4..16);
}

#[test]
fn long_texts_keep_offsets_and_window() {
    let mut line = "x".repeat(5000);
    line.push_str(" then: Connection reset by peer ");
    line.push_str(&"y ".repeat(3000));
    let f = found(&line);
    assert_eq!(f.range(), 5007..5031);
    assert_eq!(&line[f.range()], "Connection reset by peer");
    // A 100 kB word is no match, and what follows it still is.
    let text = format!("{}  errno=104", "E".repeat(100_000));
    assert_eq!(found(&text).range(), 100_002..100_011);
}

/// Feeds `text` cut at `cuts` (positions, any order, any repeats).
fn chunked(text: &[u8], cuts: &[usize], platform: Platform) -> Option<Found> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).collect();
    cuts.sort_unstable();
    let mut s = Scanner::new(platform);
    let mut at = 0;
    for c in cuts {
        s.feed(&text[at..c]);
        at = c;
    }
    s.feed(&text[at..]);
    s.finish()
}

/// Text that often holds something the scanner looks for.
fn texty() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&'static str> = FORMS
        .iter()
        .map(|f| f.0)
        .chain([
            "os error ",
            "errno",
            "=",
            "(",
            ":",
            " ",
            "-",
            "0x8007",
            "2746",
            "104",
            "10054",
            "E",
            "WSA",
            "connection ",
            "reset",
            "refused",
            "\u{fffd}",
            "é",
            "远程主机",
            "强迫关闭了一个现有的连接",
            "연결을 거부했으므로",
            "\u{3002}",
            "\n",
            "WSAECONNRESET",
        ])
        .collect();
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(pieces).prop_map(|s| s.as_bytes().to_vec()),
            prop::collection::vec(any::<u8>(), 0..8),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_any_cuts_same_answer(
        text in texty(),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
        p in prop::sample::select(Platform::ALL.to_vec()),
    ) {
        let whole = chunked(&text, &[], p);
        prop_assert_eq!(chunked(&text, &cuts, p), whole);
        let bytewise: Vec<usize> = (0..=text.len()).collect();
        prop_assert_eq!(chunked(&text, &bytewise, p), whole);
        if let Some(f) = whole {
            prop_assert!(f.code().is_known());
            prop_assert!(f.range().end <= text.len());
            prop_assert_eq!(text[f.range()].to_vec(), f.text().as_bytes().to_vec());
        }
    }

    #[test]
    fn any_bytes_never_panic(text in prop::collection::vec(any::<u8>(), 0..600), cut in any::<usize>()) {
        let whole = chunked(&text, &[], Platform::Linux);
        prop_assert_eq!(chunked(&text, &[cut], Platform::Linux), whole);
    }

    #[test]
    fn a_form_found_anywhere_in_noise(
        i in 0..FORMS.len(),
        before in "[a-z ]{0,300}",
        after in "[a-z ]{0,300}",
    ) {
        let (line, _, code, _) = FORMS[i];
        let text = format!("{before} {line} {after}");
        let f = scan(&text, Platform::Linux);
        prop_assert!(f.is_some(), "{}", text);
        let f = f.unwrap();
        // Noise made of lower-case words may hold a phrase of its own; a form never loses to one.
        if FORMS[i].1 != Form::Phrase {
            prop_assert_eq!(f.code(), code);
        }
    }
}
