//! Unix errno -> Windows Sockets code: the one errno table, and this platform's index of it.
//!
//! [`errnos!`] holds one row per errno name: the `cfg` under which libc defines the constant,
//! its number on Linux and on macOS (the numbering a log from there is read in, whatever the
//! host), the catalog code, and whether the name counts in log text. A plain row takes its
//! code from the catalog's Berkeley column; a row with a code and a reason is one of this
//! crate's documented extras. From the rows come, at compile time:
//!
//! - this platform's index, by libc's own value of each constant (errno values differ between
//!   Linux, macOS and the BSDs; the names do not), so that a lookup is one bounds check and
//!   one load;
//! - the scanner's tables by name and by Linux and macOS number (`scan::platform`);
//! - the extras table of the [`map`](super) module docs, which a test holds to the rows.

use super::Translation;
use crate::code::{berkeley_position, position, same, Entry, WsaCode};

/// One errno name and everything known of it, whatever the platform.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Errno {
    /// The name, as libc spells the constant.
    pub(crate) name: &'static str,
    /// Its number on Linux, `None` where Linux has no such errno.
    pub(crate) linux: Option<u8>,
    /// Its number on macOS, `None` where macOS has no such errno.
    pub(crate) macos: Option<u8>,
    /// The catalog row it maps to.
    pub(crate) entry: Entry,
    /// Why, for the documented extras; `None` for the catalog's Berkeley column.
    pub(crate) reason: Option<&'static str>,
    /// Whether the name (or its number) in log text is this error: `ENOENT` is a Unix
    /// socket's missing path for a socket call, but in a log line nearly always a missing file.
    pub(crate) in_text: bool,
}

/// The catalog row of a plain row: its name's row in the Berkeley column.
const fn berkeley(name: &str) -> Entry {
    match berkeley_position(name) {
        Some(p) => Entry::at(p),
        None => panic!("a plain errno row is no Berkeley name of the catalog"),
    }
}

/// The catalog row of an extra, whose name must not be in the Berkeley column.
const fn extra(name: &str, code: WsaCode) -> Entry {
    assert!(
        berkeley_position(name).is_none(),
        "an extra's name is in the catalog's Berkeley column: make it a plain row"
    );
    match position(code) {
        Some(p) => Entry::at(p),
        None => panic!("an extra maps to a code the catalog lacks"),
    }
}

macro_rules! number {
    (-) => {
        None
    };
    ($n:literal) => {
        Some($n)
    };
}

macro_rules! errnos {
    ($(
        $(#[cfg($cfg:meta)])?
        $name:ident $linux:tt $macos:tt $(=> $code:ident: $reason:literal)? $(, $not:ident)?;
    )+) => {
        /// Every row, whatever the platform.
        pub(crate) const ERRNOS: &[Errno] = &[$(
            Errno {
                name: stringify!($name),
                linux: number!($linux),
                macos: number!($macos),
                entry: errnos!(@entry $name $($code)?),
                reason: errnos!(@reason $($reason)?),
                in_text: errnos!(@in_text $($not)?),
            },
        )+];

        /// This platform's value of each constant libc defines here, by name.
        const HOST: &[(&str, i32)] = &[$( $(#[cfg($cfg)])? (stringify!($name), libc::$name), )+];
    };
    (@entry $name:ident) => { berkeley(stringify!($name)) };
    (@entry $name:ident $code:ident) => { extra(stringify!($name), WsaCode::$code) };
    (@reason) => { None };
    (@reason $reason:literal) => { Some($reason) };
    (@in_text) => { true };
    (@in_text not_in_text) => { false };
}

errnos! {
    // name          Linux macOS
    EINTR            4     4;
    EBADF            9     9;
    EACCES           13    13;
    EFAULT           14    14;
    EINVAL           22    22;
    EMFILE           24    24;
    EWOULDBLOCK      11    35;
    EINPROGRESS      115   36;
    EALREADY         114   37;
    ENOTSOCK         88    38;
    EDESTADDRREQ     89    39;
    EMSGSIZE         90    40;
    EPROTOTYPE       91    41;
    ENOPROTOOPT      92    42;
    EPROTONOSUPPORT  93    43;
    #[cfg(unix)]
    ESOCKTNOSUPPORT  94    44;
    EOPNOTSUPP       95    102;
    #[cfg(unix)]
    EPFNOSUPPORT     96    46;
    EAFNOSUPPORT     97    47;
    EADDRINUSE       98    48;
    EADDRNOTAVAIL    99    49;
    ENETDOWN         100   50;
    ENETUNREACH      101   51;
    ENETRESET        102   52;
    ECONNABORTED     103   53;
    ECONNRESET       104   54;
    ENOBUFS          105   55;
    EISCONN          106   56;
    ENOTCONN         107   57;
    #[cfg(unix)]
    ESHUTDOWN        108   58;
    #[cfg(unix)]
    ETOOMANYREFS     109   59;
    ETIMEDOUT        110   60;
    ECONNREFUSED     111   61;
    ELOOP            40    62;
    ENAMETOOLONG     36    63;
    #[cfg(unix)]
    EHOSTDOWN        112   64;
    EHOSTUNREACH     113   65;
    ENOTEMPTY        39    66;
    #[cfg(bsd)]
    EPROCLIM         -     67;
    #[cfg(unix)]
    EUSERS           87    68;
    #[cfg(unix)]
    EDQUOT           122   69;
    #[cfg(unix)]
    ESTALE           116   70;
    #[cfg(unix)]
    EREMOTE          66    71;
    // The documented extras: errnos with no Berkeley equivalent in the catalog, and why each
    // maps where it does.
    EAGAIN           11    35  => WSAEWOULDBLOCK: "EAGAIN is the other name of EWOULDBLOCK; where the values differ, both mean the call would block";
    ENOTSUP          95    45  => WSAEOPNOTSUPP: "ENOTSUP is EOPNOTSUPP's twin (the same value on Linux)";
    EPIPE            32    32  => WSAESHUTDOWN: "a write to a connection the peer closed: Windows reports that write as WSAESHUTDOWN";
    ENFILE           23    23  => WSAEMFILE: "the system-wide descriptor table is full; Winsock folds both limits into WSAEMFILE";
    ENOMEM           12    12  => WSA_NOT_ENOUGH_MEMORY: "the kernel could not allocate memory, the condition Windows reports as WSA_NOT_ENOUGH_MEMORY";
    ECANCELED        125   89  => WSA_OPERATION_ABORTED: "an operation cancelled before completion, as Windows reports a cancelled overlapped operation";
    EPERM            1     1   => WSAEACCES: "Linux returns EPERM when a firewall rule rejects a send, connect or pending connection; Windows reports refusals on permission grounds as WSAEACCES";
    #[cfg(unix)]
    ENOENT           2     2   => WSAECONNREFUSED: "connecting a Unix socket whose file is missing: nothing listens at that address, what a refused connection says", not_in_text;
    #[cfg(unix)]
    EPROTO           71    100 => WSAECONNABORTED: "a protocol error ended the connection (on accept, a pending one); Winsock reports a connection its own stack gave up on as WSAECONNABORTED";
    #[cfg(any(target_os = "linux", target_os = "android"))]
    ENONET           64    -   => WSAEHOSTUNREACH: "Linux's errno for an ICMP host-isolated error; Windows reports the ICMP host-unreachable errors as WSAEHOSTUNREACH";
}

/// Names that win over another name of the same value: Linux calls 11 `EAGAIN`.
const NAMED_FIRST: &[&str] = &["EAGAIN"];

/// The row of a name.
const fn row_of(name: &str) -> usize {
    let mut i = 0;
    while i < ERRNOS.len() {
        if same(ERRNOS[i].name, name) {
            return i;
        }
        i += 1;
    }
    panic!("a libc constant without a row")
}

const COUNT: usize = HOST.len();

/// The rows libc defines on this platform, in table order, with this platform's values.
const TABLE: [Translation; COUNT] = {
    let mut rows = [Translation {
        name: "",
        raw: 0,
        code: WsaCode::from_raw(0),
        reason: None,
    }; COUNT];
    let mut i = 0;
    while i < COUNT {
        let (name, raw) = HOST[i];
        let row = &ERRNOS[row_of(name)];
        rows[i] = Translation {
            name,
            raw,
            code: row.entry.code(),
            reason: row.reason,
        };
        i += 1;
    }
    rows
};

/// Every row compiled for this platform.
pub(crate) static ROWS: [Translation; COUNT] = TABLE;

/// Where one errno value leads: the row that names it and its code's catalog position.
#[derive(Clone, Copy)]
struct Slot {
    row: u8,
    position: u8,
}

const EMPTY: Slot = Slot {
    row: u8::MAX,
    position: u8::MAX,
};

/// One more than the largest errno of the table.
const LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < COUNT {
        assert!(TABLE[i].raw >= 0, "errno values are positive");
        if TABLE[i].raw as usize > max {
            max = TABLE[i].raw as usize;
        }
        i += 1;
    }
    max + 1
};

const fn named_first(name: &str) -> bool {
    let mut i = 0;
    while i < NAMED_FIRST.len() {
        if same(NAMED_FIRST[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// The table indexed by errno. Rows that share a value must agree on the code; the first row
/// of a value names it, after the names of [`NAMED_FIRST`].
static INDEX: [Slot; LEN] = {
    assert!(COUNT < u8::MAX as usize);
    let mut index = [EMPTY; LEN];
    let mut pass = 0;
    while pass < 2 {
        let mut i = 0;
        while i < COUNT {
            let row = &TABLE[i];
            if (pass == 0) == named_first(row.name) {
                let position = ERRNOS[row_of(row.name)].entry.position();
                let raw = row.raw as usize;
                if index[raw].row == u8::MAX {
                    index[raw] = Slot {
                        row: i as u8,
                        position: position as u8,
                    };
                } else if index[raw].position as usize != position {
                    panic!("two errno rows of one value map to different codes");
                }
            }
            i += 1;
        }
        pass += 1;
    }
    index
};

#[inline]
fn slot(errno: i32) -> Option<Slot> {
    let slot = *INDEX.get(usize::try_from(errno).ok()?)?;
    (slot.row != u8::MAX).then_some(slot)
}

/// The catalog row of this platform's errno's Windows Sockets code.
#[inline]
pub(crate) fn entry_of(errno: i32) -> Option<Entry> {
    slot(errno).map(|s| Entry::at(s.position as usize))
}

/// Maps this platform's errno to its Windows Sockets code.
#[inline]
pub(crate) fn from_errno(errno: i32) -> Option<WsaCode> {
    entry_of(errno).map(Entry::code)
}

/// The errno's symbolic name.
pub(crate) fn errno_name(errno: i32) -> Option<&'static str> {
    slot(errno).map(|s| ROWS[s.row as usize].name)
}

/// The extras table of the [`map`](super) module docs, one line per extra.
#[cfg(test)]
fn extras_doc_rows() -> Vec<Vec<String>> {
    let number = |n: Option<u8>| n.map_or("-".to_owned(), |n| n.to_string());
    ERRNOS
        .iter()
        .filter_map(|row| {
            Some(vec![
                format!("`{}`", row.name),
                number(row.linux),
                number(row.macos),
                format!("`{}`", row.entry.info().name),
                row.reason?.to_owned(),
            ])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module docs' table of extras is the rows', cell for cell.
    #[test]
    fn the_docs_table_is_the_extras() {
        let docs = crate::doc_tables::rows(include_str!("mod.rs"), "# errno pairs that are not");
        let want = extras_doc_rows();
        if docs != want {
            let lines: Vec<String> = want
                .iter()
                .map(|cells| format!("//! | {} |", cells.join(" | ")))
                .collect();
            panic!(
                "the extras table of src/map/mod.rs is out of date; it reads:\n{}",
                lines.join("\n")
            );
        }
    }

    /// Every name of the catalog's Berkeley column has a row, and names are unique.
    #[test]
    fn every_berkeley_name_has_one_row() {
        for code in WsaCode::all() {
            if let Some(name) = code.berkeley() {
                let rows: Vec<_> = ERRNOS.iter().filter(|r| r.name == name).collect();
                assert_eq!(rows.len(), 1, "{name}");
                assert_eq!(rows[0].entry.code(), code, "{name}");
                assert_eq!(rows[0].reason, None, "{name}");
            }
        }
        for (i, row) in ERRNOS.iter().enumerate() {
            assert!(
                ERRNOS[..i].iter().all(|r| r.name != row.name),
                "{} twice",
                row.name
            );
        }
    }
}
