use std::error::Error;
use std::fmt;
use std::str::FromStr;

use super::{table, WsaCode};

/// The input named no code in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseCodeError {
    input: Box<str>,
}

impl ParseCodeError {
    /// The text that could not be resolved.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a Windows Sockets code: expected a number, a symbol such as WSAECONNRESET \
             or a Berkeley name such as ECONNRESET",
            self.input
        )
    }
}

impl Error for ParseCodeError {}

impl WsaCode {
    /// Finds a code by its symbol, ignoring case: `"WSAECONNRESET"`, `"wsaeconnreset"`, or an
    /// alias such as `"WSANO_ADDRESS"`.
    ///
    /// ```
    /// use wsa_trace::WsaCode;
    /// assert_eq!(WsaCode::from_name("wsaetimedout"), Some(WsaCode::WSAETIMEDOUT));
    /// assert_eq!(WsaCode::from_name("WSANO_ADDRESS"), Some(WsaCode::WSANO_DATA));
    /// assert_eq!(WsaCode::from_name("ETIMEDOUT"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<WsaCode> {
        let name = name.trim();
        table::ROWS
            .iter()
            .find(|row| row.name.eq_ignore_ascii_case(name))
            .map(|row| row.code)
            .or_else(|| {
                table::ALIASES
                    .iter()
                    .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
                    .map(|&(_, code)| code)
            })
    }

    /// Finds the code whose Berkeley equivalent is `name`, ignoring case: `"ECONNRESET"`.
    ///
    /// ```
    /// use wsa_trace::WsaCode;
    /// assert_eq!(WsaCode::from_berkeley("econnrefused"), Some(WsaCode::WSAECONNREFUSED));
    /// ```
    pub fn from_berkeley(name: &str) -> Option<WsaCode> {
        let name = name.trim();
        table::ROWS
            .iter()
            .find(|row| row.berkeley.is_some_and(|b| b.eq_ignore_ascii_case(name)))
            .map(|row| row.code)
    }
}

/// Parses a catalog number (`"10054"`), a symbol (`"WSAECONNRESET"`) or a Berkeley name
/// (`"ECONNRESET"`). A number outside the catalog is an error here: use
/// [`WsaCode::from_raw`] to wrap any number.
impl FromStr for WsaCode {
    type Err = ParseCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let found = match t.parse::<i32>() {
            Ok(n) => Some(WsaCode::from_raw(n)).filter(|c| c.is_known()),
            Err(_) => WsaCode::from_name(t).or_else(|| WsaCode::from_berkeley(t)),
        };
        found.ok_or_else(|| ParseCodeError { input: s.into() })
    }
}
