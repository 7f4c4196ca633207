//! The Windows Sockets error catalog: [`WsaCode`] and everything known about each code.
//!
//! Every code lives in one table (`table.rs`), one row per code. The table generates the
//! associated constants (named exactly as Microsoft names them), the lookup by number and
//! the list behind [`WsaCode::all`]; adding a row adds it to every lookup and every test.
//!
//! ```
//! use wsa_trace::code::Family;
//! use wsa_trace::WsaCode;
//!
//! let code = WsaCode::WSAECONNRESET;
//! assert_eq!(code.raw(), 10054);
//! assert_eq!(code.name(), Some("WSAECONNRESET"));
//! assert_eq!(code.message(), Some("Connection reset by peer"));
//! assert_eq!(code.berkeley(), Some("ECONNRESET"));
//! assert_eq!(code.family(), Some(Family::Berkeley));
//!
//! // Its class, which depends on the operation, comes from
//! // `classify::default_class`.
//!
//! // Any number is representable; an unknown one simply has no name.
//! let odd = WsaCode::from_raw(12345);
//! assert!(!odd.is_known());
//! assert_eq!(odd.name(), None);
//! assert_eq!(odd.label(), "UNKNOWN");
//! ```

mod advice;
mod family;
mod parse;
mod table;

use std::fmt;

pub use advice::{Category, Retry};
pub use family::Family;
pub use parse::ParseCodeError;

/// A Windows Sockets error code, as `WSAGetLastError` or `raw_os_error()` on Windows reports it.
///
/// An open newtype over the number: every `i32` is representable, whether or not the catalog
/// knows it. Known codes are associated constants named as in `winerror.h` and `winsock2.h`
/// (`WsaCode::WSAECONNRESET`, `WsaCode::WSA_IO_PENDING`), so one string finds a code in logs,
/// docs and source alike.
///
/// ```
/// use wsa_trace::WsaCode;
///
/// let code: WsaCode = "wsaeconnreset".parse().unwrap();
/// assert_eq!(code, WsaCode::WSAECONNRESET);
/// assert_eq!(code.raw(), 10054);
/// assert_eq!(WsaCode::from_raw(10054), code);
/// assert_eq!(code.berkeley(), Some("ECONNRESET"));
/// assert_eq!(code.to_string(), "WSAECONNRESET (10054): Connection reset by peer");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct WsaCode(i32);

/// What the catalog records for one code.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Info {
    pub(crate) code: WsaCode,
    pub(crate) name: &'static str,
    pub(crate) family: Family,
    pub(crate) berkeley: Option<&'static str>,
    pub(crate) error_type: Option<&'static str>,
    pub(crate) message: &'static str,
    pub(crate) description: &'static str,
    pub(crate) retry: Retry,
    pub(crate) reason: &'static str,
    pub(crate) hint: Option<&'static str>,
}

/// The label that every code outside the catalog shares, so that label sets stay bounded.
pub const UNKNOWN_LABEL: &str = "UNKNOWN";

impl WsaCode {
    /// Wraps any number. Never fails: a number outside the catalog is an unknown code.
    pub const fn from_raw(raw: i32) -> Self {
        WsaCode(raw)
    }

    /// The number, as Windows reports it.
    pub const fn raw(self) -> i32 {
        self.0
    }

    pub(crate) fn info(self) -> Option<&'static Info> {
        table::info(self.0)
    }

    /// Whether the catalog has a row for this code.
    pub fn is_known(self) -> bool {
        self.info().is_some()
    }

    /// Every code in the catalog, in numerical order.
    ///
    /// ```
    /// use wsa_trace::WsaCode;
    /// assert!(WsaCode::all().any(|c| c == WsaCode::WSAETIMEDOUT));
    /// ```
    pub fn all() -> impl ExactSizeIterator<Item = WsaCode> + Clone {
        table::ROWS.iter().map(|row| row.code)
    }

    /// Microsoft's symbol, such as `"WSAECONNRESET"`; `None` for an unknown code.
    pub fn name(self) -> Option<&'static str> {
        self.info().map(|i| i.name)
    }

    /// The symbol, or [`UNKNOWN_LABEL`] for every unknown code: a value from a closed set,
    /// fit for metric labels.
    pub fn label(self) -> &'static str {
        self.name().unwrap_or(UNKNOWN_LABEL)
    }

    /// The standard short phrase, such as `"Connection reset by peer"`.
    pub fn message(self) -> Option<&'static str> {
        self.info().map(|i| i.message)
    }

    /// A longer explanation of what happened.
    pub fn description(self) -> Option<&'static str> {
        self.info().map(|i| i.description)
    }

    /// The Berkeley sockets (errno) name this code stands for, such as `"ECONNRESET"`.
    pub fn berkeley(self) -> Option<&'static str> {
        self.info().and_then(|i| i.berkeley)
    }

    /// OpenTelemetry's `error.type` for this code, such as `"connection_reset"`: the
    /// snake_case name .NET gives the error. `None` for codes without one, which observers
    /// report as `_OTHER`.
    pub fn error_type(self) -> Option<&'static str> {
        self.info().and_then(|i| i.error_type)
    }

    /// Which group of codes this one belongs to.
    pub fn family(self) -> Option<Family> {
        self.info().map(|i| i.family)
    }

    /// One line on why the code has its category and advice.
    pub fn reason(self) -> Option<&'static str> {
        self.info().map(|i| i.reason)
    }

    /// What to check or change, for the codes people meet most.
    pub fn hint(self) -> Option<&'static str> {
        self.info().and_then(|i| i.hint)
    }
}

impl fmt::Debug for WsaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name}({})", self.0),
            None => write!(f, "WsaCode({})", self.0),
        }
    }
}

/// `WSAECONNRESET (10054): Connection reset by peer`, or `unknown Windows Sockets code 12345`.
impl fmt::Display for WsaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Some(i) => write!(f, "{} ({}): {}", i.name, self.0, i.message),
            None => write!(f, "unknown Windows Sockets code {}", self.0),
        }
    }
}

impl From<WsaCode> for i32 {
    fn from(code: WsaCode) -> i32 {
        code.0
    }
}

impl From<i32> for WsaCode {
    fn from(raw: i32) -> WsaCode {
        WsaCode(raw)
    }
}

/// How many codes the catalog has.
pub(crate) const COUNT: usize = table::NUMBERS.len();

/// The code at a catalog position (`position < COUNT`).
pub(crate) const fn at(position: usize) -> WsaCode {
    WsaCode(table::NUMBERS[position])
}

/// Whether two names are the same, for tables built at compile time (`==` is not `const`).
pub(crate) const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The catalog position of the code whose Berkeley name is exactly `name`, for tables built
/// at compile time from the Berkeley column.
pub(crate) const fn berkeley_position(name: &str) -> Option<usize> {
    let mut i = 0;
    while i < table::BERKELEY.len() {
        if let Some(berkeley) = table::BERKELEY[i] {
            if same(berkeley, name) {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// A code's catalog position.
#[inline]
pub(crate) const fn position(code: WsaCode) -> Option<usize> {
    table::position(code.0)
}

/// The catalog's default advice for a code, straight from the table.
pub(crate) const fn table_advice(code: WsaCode) -> Option<Retry> {
    table::advice(code.0)
}

/// A catalog row, by position: what a mapping holds once it has found its code, so that every
/// later stage (classification, event fields, counters) reads the row instead of looking the
/// code up again. One byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Entry(u8);

const _: () = assert!(COUNT < u8::MAX as usize, "catalog positions fit in a byte");

impl Entry {
    /// The row at `position`, which must be below [`COUNT`].
    #[inline]
    pub(crate) const fn at(position: usize) -> Entry {
        assert!(position < COUNT);
        Entry(position as u8)
    }

    /// The row of a code, `None` for an unknown one: the one catalog lookup.
    #[inline]
    pub(crate) const fn of(code: WsaCode) -> Option<Entry> {
        match position(code) {
            Some(p) => Some(Entry(p as u8)),
            None => None,
        }
    }

    /// The row's position in the catalog, for tables indexed by code.
    #[inline]
    pub(crate) const fn position(self) -> usize {
        self.0 as usize
    }

    /// The row's code.
    #[inline]
    pub(crate) const fn code(self) -> WsaCode {
        at(self.0 as usize)
    }

    /// Everything the catalog knows about the code.
    #[inline]
    pub(crate) fn info(self) -> &'static Info {
        &table::ROWS[self.0 as usize]
    }
}

#[cfg(any(feature = "tracing", feature = "metrics"))]
/// The slot of a row in a table with one entry per catalog code plus one shared by every
/// unknown or missing code: its catalog position, or the last slot.
#[inline]
pub(crate) fn slot(entry: Option<Entry>) -> usize {
    entry.map_or(COUNT, Entry::position)
}

#[cfg(feature = "tracing")]
/// How many slots such a table has.
pub(crate) fn slots() -> usize {
    table::ROWS.len() + 1
}
