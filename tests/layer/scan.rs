//! The text scanner: one line per recognised form, the platform parameter, specificity, and
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
