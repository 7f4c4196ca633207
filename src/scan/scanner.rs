//! The streaming state machine: one byte at a time, a fixed window, no allocation.

use std::fmt;
use std::ops::Range;

use super::names::{code_for_runtime_name, gai_code, libuv_gai_code};
use super::phrases::{
    is_word, phrase_code, word_hash, word_hash_parts, FIRST_BY_HASH, LAST_WORDS, LONGEST,
    NEXT_SAME_HASH, PHRASES,
};
use super::platform::{entry_for_name, Platform};
use super::translations::{self, LAST_BYTES, TRANSLATIONS};
use crate::code::{Entry, WsaCode};
use crate::map::windows;

/// How many bytes the window holds before it slides.
const CAP: usize = 256;
/// How many bytes it keeps when it slides: more than any pattern and the byte before it.
const KEEP: usize = 128;
/// The longest matched text a [`Found`] keeps a copy of.
const TEXT_MAX: usize = 96;
/// Longer words match nothing: no symbol, name or phrase word is this long.
const WORD_MAX: usize = 32;
/// Texts up to this long are looked over for anything a match needs before they are read.
const SHORT: usize = 32;
/// Longer digit runs are no error number.
const DIGITS_MAX: usize = 12;
/// How far before a MySQL error number its quoted host may begin.
const QUOTED_MAX: usize = 64;

const _: () = assert!(LONGEST < TEXT_MAX && TEXT_MAX + 1 < KEEP && KEEP < CAP);
const _: () = assert!(translations::LONGEST < TEXT_MAX);
const _: () = assert!(CAP.is_power_of_two());

/// Which form of the [table](super#what-is-recognised) a code was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Form {
    /// Rust's `io::Error` text: `(os error 104)`.
    OsError,
    /// Rust's `io::Error` Debug form: `Os { code: 104, ... }`.
    OsDebug,
    /// `[Errno 111]`, `errno=104`, `errno 104`, `errno: 104`.
    Errno,
    /// nginx: `(111: Connection refused)`.
    Nginx,
    /// Python on Windows: `[WinError 10054]`, a Windows error number.
    WinError,
    /// A WSA code (10004 to 11033) after `error`, `code` or `SocketException (`.
    WsaNumber,
    /// An errno in a program's own wrapper: MySQL's `Can't connect to MySQL server on 'db'
    /// (111)` and `system error: 104`, Envoy's `delayed connect error: 111`, Boost's
    /// `system:111`.
    Wrapped,
    /// A getaddrinfo code where an errno would stand: Python's `[Errno -2]` (glibc's
    /// numbers, never an errno), libuv's `errno: -3008`.
    Resolver,
    /// An HRESULT of a WSA code: `0x80072746`, `-2147014842`.
    Hresult,
    /// A WSA symbol: `WSAECONNRESET`.
    Symbol,
    /// A Berkeley (errno) name standing alone: `ECONNREFUSED`.
    Berkeley,
    /// A name a resolver or runtime gives an error: `EAI_AGAIN`, Node's `ENOTFOUND`,
    /// Chromium's `net::ERR_CONNECTION_REFUSED`.
    Name,
    /// A standard error phrase: `Connection refused`.
    Phrase,
}

impl Form {
    /// How specific the form is: numbers (3) beat names (2), which beat phrases (1).
    pub const fn specificity(self) -> u8 {
        match self {
            Form::Phrase => 1,
            Form::Symbol | Form::Berkeley | Form::Name => 2,
            _ => 3,
        }
    }

    /// A stable snake_case name such as `"os_error"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Form::OsError => "os_error",
            Form::OsDebug => "os_debug",
            Form::Errno => "errno",
            Form::Nginx => "nginx",
            Form::WinError => "win_error",
            Form::WsaNumber => "wsa_number",
            Form::Wrapped => "wrapped",
            Form::Resolver => "resolver",
            Form::Hresult => "hresult",
            Form::Symbol => "symbol",
            Form::Berkeley => "berkeley",
            Form::Name => "name",
            Form::Phrase => "phrase",
        }
    }

    /// Reads the number of a number form: its catalog row.
    fn read(self, platform: Platform, n: u64) -> Option<Entry> {
        let n = i64::try_from(n).ok()?;
        match self {
            Form::OsError | Form::OsDebug | Form::Errno | Form::Nginx | Form::Wrapped => {
                platform.entry(n)
            }
            Form::WinError => windows::entry_of(i32::try_from(n).ok()?),
            Form::WsaNumber if (10_004..=11_033).contains(&n) => {
                Entry::of(WsaCode::from_raw(i32::try_from(n).ok()?))
            }
            _ => None,
        }
    }
}

/// What comes before a number, lower case, and the form that makes of it. The first that
/// matches decides, so longer leads come before the shorter ones they end with.
const LEADS: &[(&str, Form)] = &[
    ("os error ", Form::OsError),
    ("os { code: ", Form::OsDebug),
    ("errno ", Form::Errno),
    ("errno=", Form::Errno),
    ("errno: ", Form::Errno),
    ("errno = ", Form::Errno),
    ("winerror ", Form::WinError),
    ("connect error: ", Form::Wrapped),
    ("system error: ", Form::Wrapped),
    ("system:", Form::Wrapped),
    ("socketexception (", Form::WsaNumber),
    ("error ", Form::WsaNumber),
    ("error: ", Form::WsaNumber),
    ("error=", Form::WsaNumber),
    ("error = ", Form::WsaNumber),
    ("code ", Form::WsaNumber),
    ("code: ", Form::WsaNumber),
    ("code=", Form::WsaNumber),
    ("code = ", Form::WsaNumber),
];

/// The last three bytes of a text, lower case, hashed into 0..256.
const fn tail_hash(t: &[u8]) -> usize {
    let n = t.len();
    let a = t[n - 3].to_ascii_lowercase() as usize;
    let b = t[n - 2].to_ascii_lowercase() as usize;
    let c = t[n - 1].to_ascii_lowercase() as usize;
    (a * 31 * 31 + b * 31 + c) & 255
}

/// A 256-bit filter over the last three bytes of the leads.
static LEAD_TAILS: [u64; 4] = {
    let mut bits = [0u64; 4];
    let mut i = 0;
    while i < LEADS.len() {
        let h = tail_hash(LEADS[i].0.as_bytes());
        bits[h / 64] |= 1 << (h % 64);
        i += 1;
    }
    bits
};

/// Whether `head` may end with a lead: most numbers (ports, counts, times) are turned away
/// here.
#[inline]
fn lead_filter(head: &[u8]) -> bool {
    if head.len() < 3 {
        return false;
    }
    let h = tail_hash(head);
    LEAD_TAILS[h / 64] & (1 << (h % 64)) != 0
}

/// What comes before MySQL's quoted host, lower case: `Can't connect to MySQL server on
/// 'db' (111)`, `... through socket '/run/mysqld/mysqld.sock' (111)`.
const MYSQL_LEADS: &[&str] = &["to mysql server on ", "mysql server through socket "];

/// The catalog row of an HRESULT made from a WSA code (`HRESULT_FROM_WIN32`).
fn hresult(h: u32) -> Option<Entry> {
    let low = (h & 0xFFFF) as i32;
    if h & 0xFFFF_0000 != 0x8007_0000 || low < 10_000 {
        return None;
    }
    Entry::of(WsaCode::from_raw(low))
}

/// A socket error found in a text: its code, the form it was written in, and where.
///
/// It holds the catalog row of its code, as [`Mapping`](crate::Mapping) does, so that what
/// reads it (the layer's event, `wsa explain`) looks nothing up again.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Found {
    entry: Entry,
    form: Form,
    start: usize,
    end: usize,
    text: [u8; TEXT_MAX],
}

impl Found {
    /// The Windows Sockets code.
    pub fn code(&self) -> WsaCode {
        self.entry.code()
    }

    /// The catalog row of the code.
    #[cfg(feature = "layer")]
    pub(crate) fn entry(&self) -> Entry {
        self.entry
    }

    /// The form it was written in.
    pub fn form(&self) -> Form {
        self.form
    }

    /// The byte range of the matched text within the text scanned.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The matched text as written (`os error 104`, `Connection refused`).
    pub fn text(&self) -> &str {
        let len = (self.end - self.start).min(TEXT_MAX);
        std::str::from_utf8(&self.text[..len]).unwrap_or_default()
    }
}

impl fmt::Debug for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Found")
            .field("code", &self.code())
            .field("form", &self.form)
            .field("range", &self.range())
            .field("text", &self.text())
            .finish()
    }
}

/// Finds at most one socket error in a text fed in pieces of any size.
///
/// Feed it with [`feed`](Scanner::feed) or through [`fmt::Write`] (`write!(scanner, "{err}")`,
/// which fails once nothing more of the text can change the answer, to stop the formatting),
/// then call [`finish`](Scanner::finish) for the answer, which also readies it for the next
/// text. It allocates nothing, holds a fixed window of the text, and gives the same answer
/// however the text is cut into pieces.
///
/// ```
/// use std::fmt::Write;
/// use wsa_trace::scan::{Platform, Scanner};
/// use wsa_trace::WsaCode;
///
/// let mut scanner = Scanner::new(Platform::Linux);
/// let err = std::io::Error::from_raw_os_error(libc::EMFILE);
/// write!(scanner, "accept error: {err}").unwrap();
/// let found = scanner.finish().unwrap();
/// assert_eq!(found.code(), WsaCode::WSAEMFILE);
/// # #[cfg(target_os = "linux")]
/// assert_eq!(found.text(), "os error 24");
/// ```
#[derive(Clone)]
pub struct Scanner {
    platform: Platform,
    /// The text's last bytes, as written.
    window: [u8; CAP],
    len: usize,
    /// Bytes fed since the text began.
    pos: usize,
    /// Whether `window[0]` is the text's first byte.
    at_start: bool,
    /// Bytes of the window already read for word ends.
    scanned: usize,
    /// Length of the word `window[.. scanned]` ends with (letters, digits and `_`).
    word: usize,
    best: Option<Found>,
    /// The specificity of `best`, 0 for none.
    rank: u8,
    /// Nothing can beat `best` any more.
    done: bool,
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scanner")
            .field("platform", &self.platform)
            .field("pos", &self.pos)
            .field("best", &self.best)
            .finish_non_exhaustive()
    }
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new(Platform::default())
    }
}

impl Scanner {
    /// A scanner reading bare errno numbers as `platform` numbers them.
    pub const fn new(platform: Platform) -> Self {
        Scanner {
            platform,
            window: [0; CAP],
            len: 0,
            pos: 0,
            at_start: true,
            scanned: 0,
            word: 0,
            best: None,
            rank: 0,
            done: false,
        }
    }

    /// The platform bare errno numbers are read for.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Feeds the next piece of the text. Bytes that are not ASCII never match anything, so
    /// text that is not UTF-8 can be fed as it is.
    ///
    /// The bytes are only copied here; they are read in blocks when the window fills up and
    /// at [`finish`](Scanner::finish), so feeding many small pieces costs little more than
    /// feeding one.
    #[inline]
    pub fn feed(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if end <= CAP && !self.done {
            // The common case: the piece fits in the window as it is.
            self.window[self.len..end].copy_from_slice(bytes);
            self.len = end;
            self.pos += bytes.len();
            return;
        }
        self.feed_sliding(bytes);
    }

    /// [`feed`](Scanner::feed) when the window fills up or nothing can beat the best match.
    /// Kept apart so that the common case saves and restores few registers.
    #[inline(never)]
    fn feed_sliding(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.done {
                self.pos += bytes.len();
                return;
            }
            if self.len == CAP {
                self.scan_pending();
                if self.done {
                    continue;
                }
                self.window.copy_within(CAP - KEEP.., 0);
                self.len = KEEP;
                self.scanned = KEEP;
                self.at_start = false;
            }
            let n = bytes.len().min(CAP - self.len);
            let (piece, rest) = bytes.split_at(n);
            self.window[self.len..self.len + n].copy_from_slice(piece);
            self.len += n;
            self.pos += n;
            bytes = rest;
        }
    }

    /// Reads the bytes fed since the last read: only the ends of words matter, found 64
    /// bytes at a time, as bits.
    fn scan_pending(&mut self) {
        let mut i = self.scanned;
        let pending = i..self.len;
        while i < self.len && !self.done {
            let block_end = (i + 64).min(self.len);
            let width = block_end - i;
            // Whole eight-byte chunks where the window has them: the bits past `width` are
            // never read.
            let mask = word_mask(&self.window[i..(i + ((width + 7) & !7)).min(CAP)]);
            let carry = self.word;
            let before = (mask << 1) | u64::from(carry > 0);
            // Bit j of `ends`: a word ended just before byte j; of `starts`: one starts at j.
            let mut ends = before & !mask;
            let mut starts = mask & !before;
            if width < 64 {
                ends &= (1u64 << width) - 1;
            }
            // The first end closes the word carried in from before the block, if any; every
            // other end closes the word of the next start.
            let mut carried = carry > 0;
            while ends != 0 {
                let j = ends.trailing_zeros() as usize;
                ends &= ends - 1;
                let word = if carried {
                    carried = false;
                    carry + j
                } else {
                    let start = starts.trailing_zeros() as usize;
                    starts &= starts - 1;
                    j - start
                };
                let end = i + j;
                if self.turned_away(end, word) {
                    continue;
                }
                self.word = word;
                self.end_word(end, Some(self.window[end]));
                if self.done {
                    break;
                }
            }
            // The word still being read at the end of the block.
            let top = (!mask << (64 - width)).leading_zeros() as usize;
            self.word = if top >= width { carry + width } else { top };
            i = block_end;
        }
        if !self.done && self.rank <= Form::Phrase.specificity() {
            self.translations(pending);
        }
        self.scanned = self.len;
    }

    /// Most words are lower case and end no phrase; most numbers follow something other than
    /// a lead's last byte (ports, times). Both are turned away before [`end_word`].
    ///
    /// `word` is the length of the word ending at `end` (the window's positions are taken
    /// modulo its size, which they never reach, so that no bounds check is left).
    #[inline]
    fn turned_away(&self, end: usize, word: usize) -> bool {
        let Some(start) = end.checked_sub(word) else {
            return false;
        };
        let first = self.window[start % CAP];
        if first.is_ascii_lowercase() {
            // A word that ends no phrase may still end with an HRESULT: `error0x80072746`.
            return !may_end_phrase(word, first, self.window[(end - 1) % CAP])
                && (word <= 10 || self.window[(end - 10) % CAP] != b'0');
        }
        if !first.is_ascii_digit() || (first == b'0' && word == 10) {
            // Names, and HRESULTs in hex (`0x` and eight digits) wherever they stand.
            return false;
        }
        match start.checked_sub(1).map(|b| self.window[b]) {
            Some(b'(' | b'-') => false,
            Some(b' ' | b'=' | b':') => !lead_filter(&self.window[..start]),
            _ => true,
        }
    }

    /// Scans a text that comes in one piece: the same answer as [`feed`](Scanner::feed) then
    /// [`finish`](Scanner::finish), but a text with nothing any form needs (no letter, `(`
    /// or `-`: addresses, numbers) is turned away before it is copied. Anything fed before
    /// is part of the text.
    pub(crate) fn scan_whole(&mut self, text: &[u8]) -> Option<Found> {
        if self.pos == 0 && !may_match(text) {
            return None;
        }
        self.feed(text);
        self.finish()
    }

    /// Ends the text: its socket error, if any, and the scanner is ready for another text.
    pub fn finish(&mut self) -> Option<Found> {
        if self.at_start
            && self.scanned == 0
            && self.len <= SHORT
            && !may_match(&self.window[..self.len])
        {
            // A short text, all in the window, with nothing in it that can start a match
            // (an address, a number). Longer texts are mostly words and are read.
            self.reset();
            return None;
        }
        if !self.done {
            self.scan_pending();
        }
        if !self.done && self.word > 0 && !self.turned_away(self.len, self.word) {
            self.end_word(self.len, None);
        }
        let found = if self.rank > 0 { self.best } else { None };
        self.reset();
        found
    }

    /// Forgets the text fed so far (the window's bytes are left as they are: nothing reads
    /// past its length).
    pub fn reset(&mut self) {
        self.len = 0;
        self.scanned = 0;
        self.pos = 0;
        self.at_start = true;
        self.word = 0;
        self.best = None;
        self.rank = 0;
        self.done = false;
    }

    /// The word in `window[.. end]` just ended; `next` is the byte after it.
    fn end_word(&mut self, end: usize, next: Option<u8>) {
        let len = self.word;
        if len > WORD_MAX || len > end {
            return;
        }
        let start = end - len;
        let word = &self.window[start..end];
        let first = word[0];
        if first.is_ascii_digit() {
            if word.iter().all(u8::is_ascii_digit) {
                if len <= DIGITS_MAX {
                    let value = word.iter().fold(0u64, |v, d| v * 10 + u64::from(d - b'0'));
                    self.number(start, end, value, next);
                }
            } else if len == 10 && first == b'0' && word[1] | 0x20 == b'x' {
                let hex = std::str::from_utf8(&word[2..]).ok();
                if let Some(h) = hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
                    if let Some(entry) = hresult(h) {
                        self.offer(entry, Form::Hresult, start, end);
                    }
                }
            }
            return;
        }
        let rank = self.rank;
        if len > 10 && word[len - 10] == b'0' && rank < Form::Hresult.specificity() {
            if let Some(entry) = glued_hresult(word) {
                self.offer(entry, Form::Hresult, end - 10, end);
                return;
            }
        }
        if first.is_ascii_uppercase() && !word.iter().any(u8::is_ascii_lowercase) {
            if len >= 4 && rank < Form::Symbol.specificity() {
                self.name(start, end);
            }
            return;
        }
        if rank <= Form::Phrase.specificity() {
            self.phrase(start, end);
        }
    }

    /// A word in capitals in `window[start..end]`: a WSA symbol or a Berkeley name?
    fn name(&mut self, start: usize, end: usize) {
        let name = std::str::from_utf8(&self.window[start..end]).unwrap_or_default();
        let found = if name.starts_with("WSA") {
            WsaCode::from_name(name)
                .and_then(Entry::of)
                .map(|e| (e, Form::Symbol))
        } else if name.starts_with('E') {
            entry_for_name(name)
                .map(|e| (e, Form::Berkeley))
                .or_else(|| {
                    code_for_runtime_name(name)
                        .and_then(Entry::of)
                        .map(|e| (e, Form::Name))
                })
        } else {
            None
        };
        if let Some((entry, form)) = found {
            self.offer(entry, form, start, end);
        }
    }

    /// A number in `window[start..end]` just ended, followed by `next`.
    fn number(&mut self, start: usize, end: usize, value: u64, next: Option<u8>) {
        let Some(&before) = start.checked_sub(1).map(|i| &self.window[i]) else {
            return;
        };
        match before {
            b'-' => {
                // A negative HRESULT in decimal: its two's complement.
                let h = (value as u32).wrapping_neg();
                match hresult(h).filter(|_| value <= 0x8000_0000) {
                    Some(entry) => self.offer(entry, Form::Hresult, start - 1, end),
                    None => self.negative_errno(start - 1, end, value),
                }
            }
            b'(' if next == Some(b':') => {
                if let Some(entry) = Form::Nginx.read(self.platform, value) {
                    self.offer(entry, Form::Nginx, start - 1, end);
                }
            }
            b'(' if self.after_mysql_host(start - 1) => {
                if let Some(entry) = Form::Wrapped.read(self.platform, value) {
                    self.offer(entry, Form::Wrapped, start - 1, end);
                }
            }
            b' ' | b'=' | b':' | b'(' => {
                let head = &self.window[..start];
                if !lead_filter(head) {
                    return;
                }
                let Some(&(lead, form)) = LEADS.iter().find(|(l, _)| ends_with(head, l)) else {
                    return;
                };
                let lead_start = start - lead.len();
                if self.boundary(lead_start) {
                    if let Some(entry) = form.read(self.platform, value) {
                        self.offer(entry, form, lead_start, end);
                    }
                }
            }
            _ => {}
        }
    }

    /// A negative number after `errno` (`errno: -111`, `[Errno -2]`) in `window[minus..end]`:
    /// in Python's brackets a getaddrinfo code, else a negated errno (Node, the kernel) or
    /// one of libuv's getaddrinfo codes.
    fn negative_errno(&mut self, minus: usize, end: usize, value: u64) {
        let head = &self.window[..minus];
        let gap = head
            .iter()
            .rev()
            .take_while(|b| matches!(b, b' ' | b':' | b'='))
            .count();
        let head = &head[..minus - gap];
        if gap > 3 || !ends_with(head, "errno") {
            return;
        }
        let lead_start = head.len() - "errno".len();
        if !self.boundary(lead_start) {
            return;
        }
        let negative = -i64::try_from(value).unwrap_or(i64::MAX);
        let bracketed = lead_start > 0 && self.window[lead_start - 1] == b'[';
        let found = if bracketed {
            gai_code(negative)
                .and_then(Entry::of)
                .map(|e| (e, Form::Resolver))
        } else if let Some(entry) = libuv_gai_code(negative).and_then(Entry::of) {
            Some((entry, Form::Resolver))
        } else if self.platform == Platform::Windows || value == 1 {
            // libuv numbers Windows' errors its own way; the names beside them are read.
            // `errno=-1` is a C function's failed return logged as if it were an errno.
            None
        } else {
            Form::Errno
                .read(self.platform, value)
                .map(|e| (e, Form::Errno))
        };
        if let Some((entry, form)) = found {
            self.offer(entry, form, lead_start, end);
        }
    }

    /// Windows' localised messages ending in `window[pending]`. Kept out of the word loop.
    #[inline(never)]
    fn translations(&mut self, pending: Range<usize>) {
        // Looked for only in text that is not all ASCII.
        if is_ascii(&self.window[pending.clone()]) {
            return;
        }
        for j in pending {
            if !LAST_BYTES[usize::from(self.window[j])] {
                continue;
            }
            let text = &self.window[..=j];
            let found = TRANSLATIONS
                .iter()
                .find(|(part, _)| text.ends_with(part.as_bytes()));
            if let Some((part, entry)) = found.and_then(|&(p, c)| Some((p, Entry::of(c)?))) {
                self.offer(entry, Form::Phrase, j + 1 - part.len(), j + 1);
            }
        }
    }

    /// Whether the `(` at `paren` follows MySQL's quoted host: `... MySQL server on 'db' (`.
    fn after_mysql_host(&self, paren: usize) -> bool {
        let head = &self.window[..paren];
        let head = head.strip_suffix(b" ").unwrap_or(head);
        let Some(head) = head.strip_suffix(b"'") else {
            return false;
        };
        let from = head.len().saturating_sub(QUOTED_MAX);
        let Some(open) = head[from..].iter().rposition(|&b| b == b'\'') else {
            return false;
        };
        let before = &head[..from + open];
        MYSQL_LEADS
            .iter()
            .any(|lead| ends_with(before, lead) && self.boundary(before.len() - lead.len()))
    }

    /// A word that may end a phrase just ended at `end`.
    fn phrase(&mut self, start: usize, end: usize) {
        let h = word_hash(&self.window[start..end]);
        if !may_end_phrase(end - start, self.window[start], self.window[end - 1]) {
            return;
        }
        let text = &self.window[..end];
        let mut next = FIRST_BY_HASH[h];
        while let Some(index) = usize::from(next).checked_sub(1) {
            let phrase = PHRASES[index].0;
            if ends_with(text, phrase) && self.boundary(end - phrase.len()) {
                if let Some(entry) = phrase_code(index) {
                    self.offer(entry, Form::Phrase, end - phrase.len(), end);
                }
                return;
            }
            next = NEXT_SAME_HASH[index];
        }
    }

    /// Whether a match may start at window position `i`: at the text's start or after a
    /// byte that is not part of a word.
    fn boundary(&self, i: usize) -> bool {
        match i.checked_sub(1) {
            Some(j) => !is_word(self.window[j]),
            None => self.at_start,
        }
    }

    /// Keeps a candidate in `window[start..end]` if it is more specific than the best so far,
    /// or as specific and a longer text around it (`connection reset by peer` around
    /// `connection reset`).
    fn offer(&mut self, entry: Entry, form: Form, start: usize, end: usize) {
        let base = self.pos - self.len;
        let new = form.specificity();
        if let Some(best) = &self.best {
            if self.rank > new || (self.rank == new && base + start > best.start) {
                return;
            }
        }
        let mut text = [0; TEXT_MAX];
        let n = (end - start).min(TEXT_MAX);
        text[..n].copy_from_slice(&self.window[start..start + n]);
        self.best = Some(Found {
            entry,
            form,
            start: base + start,
            end: base + end,
            text,
        });
        self.rank = new;
        self.done = new == Form::OsError.specificity();
    }
}

/// Feeding through `fmt::Write` fails with [`fmt::Error`] once nothing more of the text can
/// change the answer (a number form was found, at the latest one window after it), so that
/// the value being formatted into the scanner stops there. The answer is still
/// [`finish`](Scanner::finish)'s: the error only ends the formatting early.
impl fmt::Write for Scanner {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.feed(s.as_bytes());
        self.more()
    }

    fn write_char(&mut self, c: char) -> fmt::Result {
        self.feed(c.encode_utf8(&mut [0; 4]).as_bytes());
        self.more()
    }
}

impl Scanner {
    /// `Err` once nothing more can change the answer: formatting may stop.
    #[inline]
    fn more(&self) -> fmt::Result {
        if self.done {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }
}

/// Whether a word of `len` bytes from `first` to `last` may end a phrase.
#[inline]
fn may_end_phrase(len: usize, first: u8, last: u8) -> bool {
    let h = word_hash_parts(len, first, last);
    LAST_WORDS[h / 64] & (1 << (h % 64)) != 0
}

/// The code of an HRESULT glued to the word before it: `Error0x80072746`.
fn glued_hresult(word: &[u8]) -> Option<Entry> {
    let len = word.len();
    if len <= 10 || word[len - 10] != b'0' || word[len - 9] | 0x20 != b'x' {
        return None;
    }
    if !word[len - 11].is_ascii_alphabetic() {
        return None;
    }
    let hex = std::str::from_utf8(&word[len - 8..]).ok()?;
    hresult(u32::from_str_radix(hex, 16).ok()?)
}

/// Whether every byte is ASCII: 32 bytes a round, as four words.
#[inline]
fn is_ascii(bytes: &[u8]) -> bool {
    const H: u64 = 0x8080_8080_8080_8080;
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
    let mut all = 0u64;
    let mut rounds = bytes.chunks_exact(32);
    for r in rounds.by_ref() {
        all |= word(&r[..8]) | word(&r[8..16]) | word(&r[16..24]) | word(&r[24..]);
    }
    let mut words = rounds.remainder().chunks_exact(8);
    for w in words.by_ref() {
        all |= word(w);
    }
    let tail = words.remainder().iter().fold(0, |t, &b| t | b);
    all & H == 0 && tail < 0x80
}

/// Whether `bytes` may hold a match: every form has an ASCII letter (the leads, `0x`, names
/// and phrases), a `(` (nginx) or a `-` (a negative HRESULT), or bytes that are not ASCII
/// (a localised message). Addresses, numbers and times have none and are turned away in one
/// pass, eight bytes at a time.
fn may_match(bytes: &[u8]) -> bool {
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
    let Some(tail) = bytes.len().checked_sub(8) else {
        // Fewer than eight bytes, padded with zeros, which match nothing.
        let mut last = [0; 8];
        last[..bytes.len()].copy_from_slice(bytes);
        return may_match8(u64::from_le_bytes(last));
    };
    // Whole chunks, then the last eight bytes (which may overlap the last chunk read).
    bytes.chunks_exact(8).any(|c| may_match8(word(c))) || may_match8(word(&bytes[tail..]))
}

/// Whether any byte of `x` is an ASCII letter, `(` or `-`, or not ASCII.
#[inline]
fn may_match8(x: u64) -> bool {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let letters = between(x | (L * 0x20), u64::from(b'a') - 1, u64::from(b'z') + 1);
    // `(` is 0x28 and `-` is 0x2d: bytes from 0x28 to 0x2d are `(`, `)`, `*`, `+`, `,`, `-`.
    let punct = between(x, 0x27, 0x2e);
    letters | punct | (x & H) != 0
}

/// High bit of each byte of `x` set where m < byte < n, for bytes below 128 (others clear).
#[inline]
fn between(x: u64, m: u64, n: u64) -> u64 {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    (L * (127 + n)).wrapping_sub(x & (L * 127)) & !x & ((x & (L * 127)) + L * (127 - m)) & H
}

/// Bit j set: `bytes[j]` belongs to a word (at most 64 bytes). Eight bytes at a time.
#[inline]
fn word_mask(bytes: &[u8]) -> u64 {
    let mut mask = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for (k, chunk) in chunks.by_ref().enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        mask |= u64::from(word_bits8(x)) << (8 * k);
    }
    let done = bytes.len() - chunks.remainder().len();
    for (j, &b) in chunks.remainder().iter().enumerate() {
        mask |= u64::from(is_word(b)) << (done + j);
    }
    mask
}

/// Bit j set: byte j of `x` (little-endian) is an ASCII letter, digit or `_`.
#[inline]
fn word_bits8(x: u64) -> u8 {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let digits = between(x, u64::from(b'0') - 1, u64::from(b'9') + 1);
    let letters = between(x | (L * 0x20), u64::from(b'a') - 1, u64::from(b'z') + 1);
    let z = x ^ (L * u64::from(b'_'));
    let underscore = !(((z & (L * 0x7F)) + L * 0x7F) | z) & H;
    let t = (digits | letters | underscore) >> 7;
    (t.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Whether `hay` ends with the lower-case `needle`, in any case.
#[inline]
fn ends_with(hay: &[u8], needle: &str) -> bool {
    hay.len() >= needle.len()
        && hay[hay.len() - needle.len()..].eq_ignore_ascii_case(needle.as_bytes())
}

/// Scans one whole text.
///
/// ```
/// use wsa_trace::scan::{scan, Form, Platform};
/// use wsa_trace::WsaCode;
///
/// let found = scan("dial tcp 127.0.0.1:80: connect: connection refused", Platform::Linux).unwrap();
/// assert_eq!(found.code(), WsaCode::WSAECONNREFUSED);
/// assert_eq!(found.form(), Form::Phrase);
/// assert_eq!(found.range(), 32..50);
/// ```
pub fn scan(text: &str, platform: Platform) -> Option<Found> {
    Scanner::new(platform).scan_whole(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pre_filter_keeps_every_letter_paren_and_minus() {
        for b in 0..=255u8 {
            let want = b.is_ascii_alphabetic() || b"()*+,-".contains(&b) || !b.is_ascii();
            for at in 0..8 {
                let mut bytes = *b"01234567";
                bytes[at] = b;
                assert_eq!(
                    may_match8(u64::from_le_bytes(bytes)),
                    want,
                    "{b:#x} at {at}"
                );
            }
        }
        assert!(!may_match(b"127.0.0.1:8080 17.5 [::1]:443"));
        assert!(may_match(b"127.0.0.1:8080 17.5 [::1]:443 -2147014842"));
    }

    #[test]
    fn word_bits_agree_with_the_table() {
        for a in 0..=255u8 {
            for b in [0u8, b'_', b'z', b'0', 0x80, 0xff, b' ', a.wrapping_add(1)] {
                let bytes = [
                    a,
                    b,
                    a ^ 0x20,
                    b.wrapping_sub(1),
                    a,
                    0x7f,
                    b,
                    a.wrapping_mul(3),
                ];
                let want = bytes
                    .iter()
                    .enumerate()
                    .fold(0u8, |m, (j, &c)| m | (u8::from(is_word(c)) << j));
                assert_eq!(word_bits8(u64::from_le_bytes(bytes)), want, "{bytes:?}");
            }
        }
    }
}
