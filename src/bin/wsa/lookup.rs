//! What was asked for, resolved through the library's own tables: the catalog
//! (`WsaCode`'s parser and columns) and `map`'s errno and Windows translations. Nothing here
//! knows a number or a name of its own.

use wsa_trace::map::{self, Translation};
use wsa_trace::WsaCode;

/// What was asked for.
#[derive(Debug)]
pub(crate) enum Query {
    /// A WSA number, symbol or Berkeley name.
    Code(String),
    /// This platform's errno, by number or name.
    Errno(String),
    /// A Windows `raw_os_error()`, by number or name.
    Windows(String),
    /// Text to look for in every code's symbol, message, description and Berkeley name.
    Search(String),
    /// Every code.
    List,
}

/// What a query found.
#[derive(Debug)]
pub(crate) enum Answer {
    /// One code.
    Code(WsaCode),
    /// A native value and the code it stands for.
    Native(Native),
    /// Several codes, in catalog order.
    Many(Vec<WsaCode>),
}

/// A native value (errno or Windows error) and the code it stands for.
#[derive(Debug)]
pub(crate) struct Native {
    /// `"unix"` for errno, `"windows"` for a Windows `raw_os_error()`.
    pub(crate) platform: &'static str,
    /// The number.
    pub(crate) raw: i32,
    /// Its symbol, when the table has one.
    pub(crate) name: Option<&'static str>,
    /// Why the pair holds, when it is not a plain equivalence.
    pub(crate) reason: Option<&'static str>,
    /// The code it stands for.
    pub(crate) code: WsaCode,
}

impl Query {
    /// Resolves the query, or says why it could not.
    pub(crate) fn answer(self) -> Result<Answer, String> {
        match self {
            Query::Code(text) => text
                .parse::<WsaCode>()
                .map(Answer::Code)
                .map_err(|e| e.to_string()),
            Query::Errno(text) => errno_input(&text).map(Answer::Native),
            Query::Windows(text) => windows_input(&text).map(Answer::Native),
            Query::Search(text) => search(&text).map(Answer::Many),
            Query::List => Ok(Answer::Many(WsaCode::all().collect())),
        }
    }
}

/// `--search`: every code that mentions `text`, in any case.
fn search(text: &str) -> Result<Vec<WsaCode>, String> {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return Err("--search needs some text to look for".to_owned());
    }
    let found: Vec<WsaCode> = WsaCode::all().filter(|&c| mentions(c, &needle)).collect();
    if found.is_empty() {
        return Err(format!(
            "no Windows Sockets code mentions `{}`",
            text.trim()
        ));
    }
    Ok(found)
}

/// Whether the code's symbol, message, description or Berkeley name contains `needle`,
/// which is already lowercase.
fn mentions(code: WsaCode, needle: &str) -> bool {
    [
        code.name(),
        code.message(),
        code.description(),
        code.berkeley(),
    ]
    .into_iter()
    .flatten()
    .any(|field| field.to_lowercase().contains(needle))
}

/// `--errno`: a number, or a name from this platform's errno table.
fn errno_input(text: &str) -> Result<Native, String> {
    let t = text.trim();
    let rows = map::errno_translations();
    // A name stays the one given: `EAGAIN` is not shown as its twin `EWOULDBLOCK`.
    let (raw, name) = match t.parse::<i32>() {
        Ok(raw) => (raw, map::errno_name(raw)),
        Err(_) => {
            let row = named(rows, t).ok_or_else(|| {
                format!(
                    "`{t}` names no errno with a Windows Sockets equivalent on this platform: \
                     expected a number or a name such as EPIPE or ECONNRESET"
                )
            })?;
            (row.raw, Some(row.name))
        }
    };
    let code = map::from_errno(raw)
        .ok_or_else(|| format!("errno {raw} has no Windows Sockets equivalent on this platform"))?;
    Ok(Native {
        platform: "unix",
        raw,
        name,
        reason: reason(rows, raw, name),
        code,
    })
}

/// `--windows`: a number, a WSA symbol or a Win32 name from the translation table.
fn windows_input(text: &str) -> Result<Native, String> {
    let t = text.trim();
    let rows = map::windows_translations();
    let raw = match t.parse::<i32>() {
        Ok(raw) => raw,
        Err(_) => WsaCode::from_name(t)
            .map(WsaCode::raw)
            .or_else(|| named(rows, t).map(|row| row.raw))
            .ok_or_else(|| {
                format!(
                    "`{t}` is not a Windows socket error: expected a number, a symbol such as \
                     WSAECONNRESET or a Win32 name such as ERROR_NETNAME_DELETED"
                )
            })?,
    };
    let code = map::from_windows(raw).ok_or_else(|| {
        format!(
            "Windows error {raw} is not a socket error: expected a WSA code such as 10054 or a \
             Win32 error that socket I/O reports, such as 64 (ERROR_NETNAME_DELETED)"
        )
    })?;
    let name = map::windows_name(raw);
    Ok(Native {
        platform: "windows",
        raw,
        name,
        reason: reason(rows, raw, name),
        code,
    })
}

/// The row of a translation table named `name`, in any case.
fn named(rows: &'static [Translation], name: &str) -> Option<&'static Translation> {
    rows.iter().find(|row| row.name.eq_ignore_ascii_case(name))
}

/// The reason the table gives for the row with this number and name.
fn reason(rows: &[Translation], raw: i32, name: Option<&str>) -> Option<&'static str> {
    rows.iter()
        .find(|row| row.raw == raw && Some(row.name) == name)
        .and_then(|row| row.reason)
}
