//! Windows' socket messages in Chinese and Korean, as `FormatMessage` prints them on Windows
//! in those languages and as users paste them, often with no number beside them.

use crate::code::WsaCode;

/// A part of each localised message, long enough to be found in no other text, with its
/// code. Matched byte for byte (these scripts have no case and no spaces between words to
/// align on). Each part stops before punctuation that copies vary
/// (`，` or `,`, a final `。`), and before places where a console cut the line.
pub(super) const TRANSLATIONS: &[(&str, WsaCode)] = &[
    // Simplified Chinese.
    ("远程主机强迫关闭了一个现有的连接", WsaCode::WSAECONNRESET),
    ("目标计算机积极拒绝", WsaCode::WSAECONNREFUSED),
    ("没有正确答复或连接的主机没有反应", WsaCode::WSAETIMEDOUT),
    (
        "主机中的软件中止了一个已建立的连接",
        WsaCode::WSAECONNABORTED,
    ),
    (
        "以一种访问权限不允许的方式做了一个访问套接字的尝试",
        WsaCode::WSAEACCES,
    ),
    ("通常每个套接字地址", WsaCode::WSAEADDRINUSE),
    ("该请求的地址无效", WsaCode::WSAEADDRNOTAVAIL),
    ("套接字操作尝试一个无法连接的主机", WsaCode::WSAEHOSTUNREACH),
    (
        "向一个无法连接的网络尝试了一个套接字操作",
        WsaCode::WSAENETUNREACH,
    ),
    ("不知道这样的主机", WsaCode::WSAHOST_NOT_FOUND),
    // Korean.
    (
        "원격 호스트에 의해 강제로 끊겼습니다",
        WsaCode::WSAECONNRESET,
    ),
    (
        "연결을 거부했으므로 연결하지 못했습니다",
        WsaCode::WSAECONNREFUSED,
    ),
    ("응답이 없어 연결하지 못했거나", WsaCode::WSAETIMEDOUT),
    (
        "호스트 시스템의 소프트웨어의 의해 중단되었습니다",
        WsaCode::WSAECONNABORTED,
    ),
    (
        "소켓 주소(프로토콜/네트워크 주소/포트)는 하나만",
        WsaCode::WSAEADDRINUSE,
    ),
    ("알려진 호스트가 없습니다", WsaCode::WSAHOST_NOT_FOUND),
];

/// The longest part, which the scanner's window must hold.
pub(super) const LONGEST: usize = super::phrases::longest(TRANSLATIONS);

/// Whether a byte ends some part: only there is the table searched.
pub(super) static LAST_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < TRANSLATIONS.len() {
        let p = TRANSLATIONS[i].0.as_bytes();
        t[p[p.len() - 1] as usize] = true;
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_not_ascii_at_either_end_and_name_a_code() {
        for &(part, code) in TRANSLATIONS {
            let bytes = part.as_bytes();
            assert!(
                !bytes[0].is_ascii() && !bytes[bytes.len() - 1].is_ascii(),
                "{part}"
            );
            assert!(code.is_known(), "{part}: {code}");
        }
    }
}
