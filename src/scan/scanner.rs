//! The streaming state machine: one byte at a time, a fixed window, no allocation.

use std::fmt;
use std::ops::Range;

use super::phrases::{is_word, word_hash, LAST_WORDS, LONGEST, PHRASES};
use super::platform::{code_for_name, Platform};
use crate::code::WsaCode;
use crate::map;

/// How many bytes the window holds before it slides.
const CAP: usize = 256;
/// How many bytes it keeps when it slides: more than any pattern and the byte before it.
const KEEP: usize = 128;
/// The longest matched text a [`Found`] keeps a copy of.
const TEXT_MAX: usize = 96;
/// Longer words match nothing: no symbol, name or phrase word is this long.
const WORD_MAX: usize = 32;
/// Longer digit runs are no error number.
const DIGITS_MAX: usize = 12;

const _: () = assert!(LONGEST < TEXT_MAX && TEXT_MAX + 1 < KEEP && KEEP < CAP);

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
    /// An HRESULT of a WSA code: `0x80072746`, `-2147014842`.
    Hresult,
    /// A WSA symbol: `WSAECONNRESET`.
    Symbol,
    /// A Berkeley (errno) name standing alone: `ECONNREFUSED`.
    Berkeley,
    /// A standard error phrase: `Connection refused`.
    Phrase,
}

impl Form {
    /// How specific the form is: numbers (3) beat names (2), which beat phrases (1).
    pub const fn specificity(self) -> u8 {
        match self {
            Form::Phrase => 1,
            Form::Symbol | Form::Berkeley => 2,
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
            Form::Hresult => "hresult",
            Form::Symbol => "symbol",
            Form::Berkeley => "berkeley",
            Form::Phrase => "phrase",
        }
    }

    /// Reads the number of a number form.
    fn read(self, platform: Platform, n: u64) -> Option<WsaCode> {
        let n = i64::try_from(n).ok()?;
        match self {
            Form::OsError | Form::OsDebug | Form::Errno | Form::Nginx => platform.code(n),
            Form::WinError => i32::try_from(n).ok().and_then(map::from_windows),
            Form::WsaNumber => Some(WsaCode::from_raw(i32::try_from(n).ok()?))
                .filter(|c| (10_004..=11_033).contains(&n) && c.is_known()),
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

/// The code of an HRESULT made from a WSA code (`HRESULT_FROM_WIN32`).
fn hresult(h: u32) -> Option<WsaCode> {
    let low = (h & 0xFFFF) as i32;
    let code = WsaCode::from_raw(low);
    (h & 0xFFFF_0000 == 0x8007_0000 && low >= 10_000 && code.is_known()).then_some(code)
}

/// A socket error found in a text: its code, the form it was written in, and where.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Found {
    code: WsaCode,
    form: Form,
    start: usize,
    end: usize,
    text: [u8; TEXT_MAX],
}

impl Found {
    /// The Windows Sockets code.
    pub fn code(&self) -> WsaCode {
        self.code
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
            .field("code", &self.code)
            .field("form", &self.form)
            .field("range", &self.range())
            .field("text", &self.text())
            .finish()
    }
}

/// The word being read.
#[derive(Clone, Copy, Debug)]
struct Word {
    len: usize,
    /// Digits only so far, and their value.
    digits: bool,
    value: u64,
    /// Upper-case letters, digits and `_`, starting with a letter.
    upper: bool,
    /// `0x` and hex digits so far, their count and value.
    hex: bool,
    hex_digits: u8,
    hex_value: u32,
}

impl Word {
    const NONE: Word = Word {
        len: 0,
        digits: false,
        value: 0,
        upper: false,
        hex: false,
        hex_digits: 0,
        hex_value: 0,
    };

    #[inline]
    fn push(&mut self, b: u8) {
        let i = self.len;
        self.len = i.saturating_add(1);
        if i == 0 {
            self.digits = b.is_ascii_digit();
            self.value = u64::from(b.wrapping_sub(b'0'));
            self.upper = b.is_ascii_uppercase();
            self.hex = b == b'0';
            return;
        }
        if self.digits {
            if b.is_ascii_digit() {
                if i < DIGITS_MAX {
                    self.value = self.value * 10 + u64::from(b - b'0');
                }
            } else {
                self.digits = false;
            }
        }
        self.upper &= !b.is_ascii_lowercase();
        if self.hex {
            if i == 1 {
                self.hex = b | 0x20 == b'x';
            } else {
                match (b as char).to_digit(16) {
                    Some(d) if self.hex_digits < 8 => {
                        self.hex_value = self.hex_value << 4 | d;
                        self.hex_digits += 1;
                    }
                    _ => self.hex = false,
                }
            }
        }
    }
}

/// Finds at most one socket error in a text fed in pieces of any size.
///
/// Feed it with [`feed`](Scanner::feed) or through [`fmt::Write`] (`write!(scanner, "{err}")`),
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
    word: Word,
    best: Option<Found>,
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
            word: Word::NONE,
            best: None,
            done: false,
        }
    }

    /// The platform bare errno numbers are read for.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Feeds the next piece of the text. Bytes that are not ASCII never match anything, so
    /// text that is not UTF-8 can be fed as it is.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.done {
            self.pos += bytes.len();
            return;
        }
        for (i, &b) in bytes.iter().enumerate() {
            self.byte(b);
            if self.done {
                self.pos += bytes.len() - i - 1;
                return;
            }
        }
    }

    /// Ends the text: its socket error, if any, and the scanner is ready for another text.
    pub fn finish(&mut self) -> Option<Found> {
        if !self.done && self.word.len > 0 {
            self.end_word(None);
        }
        let found = self.best;
        self.reset();
        found
    }

    /// Forgets the text fed so far (the window's bytes are left as they are: nothing reads
    /// past its length).
    pub fn reset(&mut self) {
        self.len = 0;
        self.pos = 0;
        self.at_start = true;
        self.word = Word::NONE;
        self.best = None;
        self.done = false;
    }

    /// Whether nothing fed from now on can change the answer: a number form was found.
    pub fn is_settled(&self) -> bool {
        self.done
    }

    /// What was found so far, without ending the text (a word still being read is not
    /// looked at).
    pub fn best(&self) -> Option<&Found> {
        self.best.as_ref()
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        if is_word(b) {
            self.word.push(b);
        } else if self.word.len > 0 {
            self.end_word(Some(b));
            self.word = Word::NONE;
        }
        if self.len == CAP {
            self.window.copy_within(CAP - KEEP.., 0);
            self.len = KEEP;
            self.at_start = false;
        }
        self.window[self.len] = b;
        self.len += 1;
        self.pos += 1;
    }

    /// A word just ended at the end of the window; `next` is the byte after it.
    fn end_word(&mut self, next: Option<u8>) {
        let w = self.word;
        if w.len > WORD_MAX {
            return;
        }
        let end = self.len;
        let start = end - w.len;
        if w.digits {
            if w.len <= DIGITS_MAX {
                self.number(start, w.value, next);
            }
            return;
        }
        if w.hex {
            if w.hex_digits == 8 {
                if let Some(code) = hresult(w.hex_value) {
                    self.offer(code, Form::Hresult, start, end);
                }
            }
            return;
        }
        let rank = self.best.map_or(0, |f| f.form.specificity());
        if w.upper && w.len >= 4 && rank < Form::Symbol.specificity() {
            let name = std::str::from_utf8(&self.window[start..end]).unwrap_or_default();
            let found = if name.starts_with("WSA") {
                WsaCode::from_name(name).map(|c| (c, Form::Symbol))
            } else if name.starts_with('E') {
                code_for_name(name).map(|c| (c, Form::Berkeley))
            } else {
                None
            };
            if let Some((code, form)) = found {
                self.offer(code, form, start, end);
            }
            return;
        }
        if rank <= Form::Phrase.specificity() {
            self.phrase(start, end);
        }
    }

    /// A number in `start..self.len` just ended.
    fn number(&mut self, start: usize, value: u64, next: Option<u8>) {
        let end = self.len;
        let Some(&before) = start.checked_sub(1).map(|i| &self.window[i]) else {
            return;
        };
        match before {
            b'-' if value <= 0x8000_0000 => {
                // A negative HRESULT in decimal: its two's complement.
                let h = (value as u32).wrapping_neg();
                if let Some(code) = hresult(h) {
                    self.offer(code, Form::Hresult, start - 1, end);
                }
            }
            b'(' if next == Some(b':') => {
                if let Some(code) = Form::Nginx.read(self.platform, value) {
                    self.offer(code, Form::Nginx, start - 1, end);
                }
            }
            b' ' | b'=' | b':' | b'(' => {
                let head = &self.window[..start];
                let Some(&(lead, form)) = LEADS.iter().find(|(l, _)| ends_with(head, l)) else {
                    return;
                };
                let lead_start = start - lead.len();
                if self.boundary(lead_start) {
                    if let Some(code) = form.read(self.platform, value) {
                        self.offer(code, form, lead_start, end);
                    }
                }
            }
            _ => {}
        }
    }

    /// A word that may end a phrase just ended at `end`.
    fn phrase(&mut self, start: usize, end: usize) {
        let h = word_hash(&self.window[start..end]);
        if LAST_WORDS[h / 64] & (1 << (h % 64)) == 0 {
            return;
        }
        let text = &self.window[..end];
        for &(phrase, name) in PHRASES {
            if ends_with(text, phrase) && self.boundary(end - phrase.len()) {
                if let Some(code) = code_for_name(name) {
                    self.offer(code, Form::Phrase, end - phrase.len(), end);
                }
                return;
            }
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
    fn offer(&mut self, code: WsaCode, form: Form, start: usize, end: usize) {
        let base = self.pos - self.len;
        if let Some(best) = self.best {
            let (old, new) = (best.form.specificity(), form.specificity());
            if old > new || (old == new && base + start > best.start) {
                return;
            }
        }
        let mut text = [0; TEXT_MAX];
        let n = (end - start).min(TEXT_MAX);
        text[..n].copy_from_slice(&self.window[start..start + n]);
        self.best = Some(Found {
            code,
            form,
            start: base + start,
            end: base + end,
            text,
        });
        self.done = form.specificity() == Form::OsError.specificity();
    }
}

impl fmt::Write for Scanner {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.feed(s.as_bytes());
        Ok(())
    }
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
    let mut scanner = Scanner::new(platform);
    scanner.feed(text.as_bytes());
    scanner.finish()
}
