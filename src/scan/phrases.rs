//! The standard error phrases, and the errno each stands for.

use std::sync::OnceLock;

use super::platform::code_for_name;
use crate::code::WsaCode;

/// Phrases that `strerror` (glibc, musl, macOS), Windows' `FormatMessage` and common runtimes
/// print, lower case, with the errno name whose code they mean (mapped by the errno table,
/// so `broken pipe` is `WSAESHUTDOWN` as `EPIPE` is). Matched without regard to case, on
/// word boundaries. A phrase contained in a longer one means the same code.
pub(super) const PHRASES: &[(&str, &str)] = &[
    ("connection refused", "ECONNREFUSED"),
    ("connection reset by peer", "ECONNRESET"),
    ("connection reset", "ECONNRESET"),
    ("no route to host", "EHOSTUNREACH"),
    ("too many open files", "EMFILE"),
    ("broken pipe", "EPIPE"),
    ("connection timed out", "ETIMEDOUT"),
    ("operation timed out", "ETIMEDOUT"),
    ("i/o timeout", "ETIMEDOUT"),
    ("network is unreachable", "ENETUNREACH"),
    ("network is down", "ENETDOWN"),
    ("host is down", "EHOSTDOWN"),
    ("address already in use", "EADDRINUSE"),
    ("cannot assign requested address", "EADDRNOTAVAIL"),
    ("can't assign requested address", "EADDRNOTAVAIL"),
    ("software caused connection abort", "ECONNABORTED"),
    ("transport endpoint is not connected", "ENOTCONN"),
    ("socket is not connected", "ENOTCONN"),
    ("no buffer space available", "ENOBUFS"),
    ("resource temporarily unavailable", "EAGAIN"),
    ("network dropped connection on reset", "ENETRESET"),
    ("cannot send after transport endpoint shutdown", "ESHUTDOWN"),
    ("can't send after socket shutdown", "ESHUTDOWN"),
    (
        "an existing connection was forcibly closed by the remote host",
        "ECONNRESET",
    ),
    (
        "no connection could be made because the target machine actively refused it",
        "ECONNREFUSED",
    ),
    ("the connected party did not properly respond", "ETIMEDOUT"),
    (
        "an established connection was aborted by the software in your host machine",
        "ECONNABORTED",
    ),
];

/// The code of each phrase, in table order, worked out once.
pub(super) fn phrase_code(index: usize) -> Option<WsaCode> {
    static CODES: OnceLock<[Option<WsaCode>; PHRASES.len()]> = OnceLock::new();
    CODES.get_or_init(|| std::array::from_fn(|i| code_for_name(PHRASES[i].1)))[index]
}

/// The longest phrase, which the scanner's window must hold.
pub(super) const LONGEST: usize = longest();

const fn longest() -> usize {
    let mut i = 0;
    let mut max = 0;
    while i < PHRASES.len() {
        if PHRASES[i].0.len() > max {
            max = PHRASES[i].0.len();
        }
        i += 1;
    }
    max
}

/// A 256-bit filter over the last words of the phrases: a word whose bit is clear ends no
/// phrase, and the table is not searched.
pub(super) static LAST_WORDS: [u64; 4] = last_words();

/// The filter's hash of a word, in any case.
pub(super) const fn word_hash(word: &[u8]) -> usize {
    let n = word.len();
    if n == 0 {
        return 0;
    }
    word_hash_parts(n, word[0], word[n - 1])
}

/// [`word_hash`] of a word of `len` bytes from `first` to `last`. Setting bit 5 lowers the
/// case of letters, all that phrase words begin and end with, in one instruction.
#[inline]
pub(super) const fn word_hash_parts(len: usize, first: u8, last: u8) -> usize {
    let first = (first | 0x20) as usize;
    let last = (last | 0x20) as usize;
    (len * 31 + first * 7 + last) & 255
}

const fn last_words() -> [u64; 4] {
    let mut bits = [0u64; 4];
    let mut i = 0;
    while i < PHRASES.len() {
        let h = LAST_WORD_HASHES[i] as usize;
        bits[h / 64] |= 1 << (h % 64);
        i += 1;
    }
    bits
}

/// The hash of each phrase's last word, in table order: only the phrases whose last word
/// hashes as the word just read are compared.
pub(super) static LAST_WORD_HASHES: [u8; PHRASES.len()] = {
    let mut hashes = [0u8; PHRASES.len()];
    let mut i = 0;
    while i < PHRASES.len() {
        let p = PHRASES[i].0.as_bytes();
        let mut start = p.len();
        while start > 0 && is_word(p[start - 1]) {
            start -= 1;
        }
        let (_, last) = p.split_at(start);
        hashes[i] = word_hash(last) as u8;
        i += 1;
    }
    hashes
};

/// Whether a byte belongs to a word: ASCII letters, digits and `_`.
#[inline]
pub(super) const fn is_word(b: u8) -> bool {
    WORD[b as usize]
}

/// [`is_word`] as a table.
static WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_lower_case_and_name_a_code() {
        for &(phrase, name) in PHRASES {
            assert_eq!(phrase, phrase.to_ascii_lowercase());
            assert!(is_word(phrase.as_bytes()[0]) && is_word(*phrase.as_bytes().last().unwrap()));
            assert!(
                super::super::platform::code_for_name(name).is_some(),
                "{name}"
            );
        }
    }
}
