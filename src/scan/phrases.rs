//! The standard error phrases, and the errno each stands for.

use std::sync::OnceLock;

use super::platform::entry_for_name;
use crate::code::{Entry, WsaCode};

/// Phrases that `strerror` (glibc, musl, macOS), `gai_strerror`, Windows' `FormatMessage`
/// and common runtimes print, lower case, with the name of the code they mean: an errno name
/// (mapped as the errno is, so `broken pipe` is `WSAESHUTDOWN` as `EPIPE` is) or a WSA
/// symbol. Matched without regard to case, on word boundaries. A phrase contained in a
/// longer one means the same code.
///
/// Windows' messages are matched by a part that both the English system message and
/// Microsoft's documentation of the code carry; the file-system codes of the Winsock set
/// (`WSAENOTEMPTY`, `WSAEDQUOT`, `WSAESTALE`, ...) and its vaguest wordings (`Cannot
/// translate name`) are left out, as their texts also come from other errors.
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
    // Java: `SocketTimeoutException: connect timed out`, `UnknownHostException: db`.
    ("connect timed out", "ETIMEDOUT"),
    ("unknownhostexception", "WSAHOST_NOT_FOUND"),
    // Resolvers: glibc's and macOS's `gai_strerror`, Go's resolver, Windows' messages.
    ("name or service not known", "WSAHOST_NOT_FOUND"),
    (
        "nodename nor servname provided, or not known",
        "WSAHOST_NOT_FOUND",
    ),
    ("no such host", "WSAHOST_NOT_FOUND"),
    ("no such host is known", "WSAHOST_NOT_FOUND"),
    ("temporary failure in name resolution", "WSATRY_AGAIN"),
    (
        "this is usually a temporary error during hostname resolution",
        "WSATRY_AGAIN",
    ),
    ("no address associated with hostname", "WSANO_DATA"),
    (
        "a non-recoverable error occurred during a database lookup",
        "WSANO_RECOVERY",
    ),
    (
        "the requested name is valid, but no data of the requested type was found",
        "WSANO_DATA",
    ),
    // The rest of Windows' messages of the Winsock set.
    (
        "a blocking operation was interrupted by a call to wsacancelblockingcall",
        "WSAEINTR",
    ),
    ("the file handle supplied is not valid", "WSAEBADF"),
    ("in a way forbidden by its access permissions", "WSAEACCES"),
    (
        "the system detected an invalid pointer address in attempting to use a pointer argument",
        "WSAEFAULT",
    ),
    ("an invalid argument was supplied", "WSAEINVAL"),
    ("too many open sockets", "WSAEMFILE"),
    (
        "a non-blocking socket operation could not be completed immediately",
        "WSAEWOULDBLOCK",
    ),
    (
        "a blocking operation is currently executing",
        "WSAEINPROGRESS",
    ),
    (
        "non-blocking socket that already had an operation in progress",
        "WSAEALREADY",
    ),
    (
        "an operation was attempted on something that is not a socket",
        "WSAENOTSOCK",
    ),
    (
        "a required address was omitted from an operation on a socket",
        "WSAEDESTADDRREQ",
    ),
    (
        "a message sent on a datagram socket was larger than the internal message buffer",
        "WSAEMSGSIZE",
    ),
    (
        "does not support the semantics of the socket type requested",
        "WSAEPROTOTYPE",
    ),
    (
        "option or level was specified in a getsockopt or setsockopt call",
        "WSAENOPROTOOPT",
    ),
    (
        "the requested protocol has not been configured into the system",
        "WSAEPROTONOSUPPORT",
    ),
    (
        "the support for the specified socket type does not exist in this address family",
        "WSAESOCKTNOSUPPORT",
    ),
    (
        "the attempted operation is not supported for the type of object referenced",
        "WSAEOPNOTSUPP",
    ),
    (
        "the protocol family has not been configured into the system",
        "WSAEPFNOSUPPORT",
    ),
    (
        "an address incompatible with the requested protocol was used",
        "WSAEAFNOSUPPORT",
    ),
    ("only one usage of each socket address", "WSAEADDRINUSE"),
    (
        "the requested address is not valid in its context",
        "WSAEADDRNOTAVAIL",
    ),
    (
        "a socket operation encountered a dead network",
        "WSAENETDOWN",
    ),
    (
        "a socket operation was attempted to an unreachable network",
        "WSAENETUNREACH",
    ),
    (
        "the connection has been broken due to keep-alive activity detecting a failure",
        "WSAENETRESET",
    ),
    (
        "the system lacked sufficient buffer space or because a queue was full",
        "WSAENOBUFS",
    ),
    (
        "a connect request was made on an already connected socket",
        "WSAEISCONN",
    ),
    (
        "disallowed because the socket is not connected",
        "WSAENOTCONN",
    ),
    (
        "disallowed because the socket had already been shut down",
        "WSAESHUTDOWN",
    ),
    (
        "too many references to some kernel object",
        "WSAETOOMANYREFS",
    ),
    (
        "a socket operation failed because the destination host was down",
        "WSAEHOSTDOWN",
    ),
    (
        "a socket operation was attempted to an unreachable host",
        "WSAEHOSTUNREACH",
    ),
    (
        "a windows sockets implementation may have a limit on the number of applications",
        "WSAEPROCLIM",
    ),
    ("wsastartup cannot function at this time", "WSASYSNOTREADY"),
    (
        "the windows sockets version requested is not supported",
        "WSAVERNOTSUPPORTED",
    ),
    (
        "either the application has not called wsastartup, or wsastartup failed",
        "WSANOTINITIALISED",
    ),
    (
        "the remote party has initiated a graceful shutdown sequence",
        "WSAEDISCON",
    ),
];

/// The catalog row of a phrase's name: a WSA symbol, or an errno name mapped as the errno is.
pub(super) fn name_entry(name: &str) -> Option<Entry> {
    if name.starts_with("WSA") {
        WsaCode::from_name(name).and_then(Entry::of)
    } else {
        entry_for_name(name)
    }
}

/// The catalog row of each phrase's code, in table order, worked out once.
pub(super) fn phrase_code(index: usize) -> Option<Entry> {
    static CODES: OnceLock<[Option<Entry>; PHRASES.len()]> = OnceLock::new();
    CODES.get_or_init(|| std::array::from_fn(|i| name_entry(PHRASES[i].1)))[index]
}

/// The longest phrase, which the scanner's window must hold.
pub(super) const LONGEST: usize = longest(PHRASES);

/// The length in bytes of the longest text of a table of texts and what each stands for.
pub(super) const fn longest<T>(table: &[(&str, T)]) -> usize {
    let mut i = 0;
    let mut max = 0;
    while i < table.len() {
        if table[i].0.len() > max {
            max = table[i].0.len();
        }
        i += 1;
    }
    max
}

/// A 1024-bit filter over the last words of the phrases: a word whose bit is clear ends no
/// phrase, and the table is not searched.
pub(super) static LAST_WORDS: [u64; FILTER_WORDS] = last_words();

/// The filter's size in 64-bit words.
pub(super) const FILTER_WORDS: usize = 16;

/// The filter's hash of a word, in any case.
pub(super) const fn word_hash(word: &[u8]) -> usize {
    let n = word.len();
    if n == 0 {
        return 0;
    }
    word_hash_parts(n, word[0], word[n - 1])
}

/// [`word_hash`] of a word of `len` bytes from `first` to `last`: the three packed in a word
/// and mixed by a multiplication (Fibonacci hashing), whose top bits index the filter. Setting
/// bit 5 lowers the case of letters, all that phrase words begin and end with, in one
/// instruction.
#[inline]
pub(super) const fn word_hash_parts(len: usize, first: u8, last: u8) -> usize {
    const _: () = assert!(FILTER_WORDS * 64 == 1 << 10);
    let packed = (first | 0x20) as u32 | ((last | 0x20) as u32) << 8 | (len as u32) << 16;
    (packed.wrapping_mul(0x9E37_79B1) >> 22) as usize
}

const fn last_words() -> [u64; FILTER_WORDS] {
    let mut bits = [0u64; FILTER_WORDS];
    let mut i = 0;
    while i < PHRASES.len() {
        let h = LAST_WORD_HASHES[i] as usize;
        bits[h / 64] |= 1 << (h % 64);
        i += 1;
    }
    bits
}

/// For each hash of [`word_hash`], the first phrase (its index plus one, 0 for none) whose
/// last word hashes so: only the phrases of the word just read are compared, in table order,
/// through [`NEXT_SAME_HASH`].
pub(super) static FIRST_BY_HASH: [u8; FILTER_WORDS * 64] = CHAINS.0;

/// For each phrase, the next one in table order (index plus one, 0 for none) whose last word
/// hashes as its own does.
pub(super) static NEXT_SAME_HASH: [u8; PHRASES.len()] = CHAINS.1;

const _: () = assert!(PHRASES.len() < u8::MAX as usize);

/// [`FIRST_BY_HASH`] and [`NEXT_SAME_HASH`], built from the last phrase to the first so that
/// each chain runs in table order.
const CHAINS: ([u8; FILTER_WORDS * 64], [u8; PHRASES.len()]) = {
    let mut first = [0u8; FILTER_WORDS * 64];
    let mut next = [0u8; PHRASES.len()];
    let mut i = PHRASES.len();
    while i > 0 {
        i -= 1;
        let h = LAST_WORD_HASHES[i] as usize;
        next[i] = first[h];
        first[h] = i as u8 + 1;
    }
    (first, next)
};

/// The hash of each phrase's last word, in table order.
const LAST_WORD_HASHES: [u16; PHRASES.len()] = {
    let mut hashes = [0u16; PHRASES.len()];
    let mut i = 0;
    while i < PHRASES.len() {
        let p = PHRASES[i].0.as_bytes();
        let mut start = p.len();
        while start > 0 && is_word(p[start - 1]) {
            start -= 1;
        }
        let (_, last) = p.split_at(start);
        hashes[i] = word_hash(last) as u16;
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

    /// Each hash's chain visits exactly the phrases whose last word has that hash, in table
    /// order, and the filter's bit is set for each.
    #[test]
    fn chains_hold_every_phrase_by_its_last_word() {
        for h in 0..FIRST_BY_HASH.len() {
            let mut chain = Vec::new();
            let mut next = FIRST_BY_HASH[h];
            while let Some(i) = usize::from(next).checked_sub(1) {
                chain.push(i);
                next = NEXT_SAME_HASH[i];
            }
            let want: Vec<usize> = (0..PHRASES.len())
                .filter(|&i| usize::from(LAST_WORD_HASHES[i]) == h)
                .collect();
            assert_eq!(chain, want, "hash {h}");
            assert_eq!(LAST_WORDS[h / 64] & (1 << (h % 64)) != 0, !want.is_empty());
        }
    }

    #[test]
    fn phrases_are_lower_case_and_name_a_code() {
        for &(phrase, name) in PHRASES {
            assert_eq!(phrase, phrase.to_ascii_lowercase());
            assert!(is_word(phrase.as_bytes()[0]) && is_word(*phrase.as_bytes().last().unwrap()));
            assert!(name_entry(name).is_some(), "{name}");
        }
    }
}
