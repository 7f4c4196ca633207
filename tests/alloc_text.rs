//! Allocation counts for reading socket errors in text: scanning allocates nothing, whatever
//! the text and however it is fed.

mod support;

use std::fmt::Write;

use wsa_trace::scan::{Platform, Scanner};
use wsa_trace::WsaCode;

use support::counting::{allocations, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn scanning_allocates_nothing() {
    let lines: [&str; 4] = [
        "accept error: Too many open files (os error 24)",
        "java.net.ConnectException: Connection refused",
        "GET /index.html 200 12ms user=alice",
        "Err(Os { code: 104, kind: ConnectionReset, message: \"Connection reset by peer\" })",
    ];
    let long = "no error at all here ".repeat(2_000);
    // Formatting an `io::Error` itself allocates (its `strerror` text): an argument that does
    // not stands in for it.
    let errno = 104;
    let mut scanner = Scanner::new(Platform::Linux);
    let (n, codes) = allocations(|| {
        let mut codes = [None; 7];
        for (slot, line) in codes.iter_mut().zip(lines) {
            scanner.feed(line.as_bytes());
            *slot = scanner.finish().map(|f| f.code());
        }
        scanner.feed(long.as_bytes());
        codes[4] = scanner.finish().map(|f| f.code());
        for b in lines[0].as_bytes().chunks(1) {
            scanner.feed(b);
        }
        codes[5] = scanner.finish().map(|f| f.code());
        write!(scanner, "read failed (os error {errno})").unwrap();
        codes[6] = scanner.finish().map(|f| f.code());
        codes
    });
    assert_eq!(n, 0, "allocations while scanning");
    assert_eq!(
        codes,
        [
            Some(WsaCode::WSAEMFILE),
            Some(WsaCode::WSAECONNREFUSED),
            None,
            Some(WsaCode::WSAECONNRESET),
            None,
            Some(WsaCode::WSAEMFILE),
            Some(WsaCode::WSAECONNRESET),
        ]
    );
}
