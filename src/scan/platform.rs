//! Whose errno numbering a bare number is read in.

use crate::code::{Entry, WsaCode};
use crate::map::errno::{Errno, ERRNOS};
use crate::map::windows;
use std::fmt;
use std::str::FromStr;

/// The operating system whose numbering a bare errno in text follows: 111 is
/// `ECONNREFUSED` on Linux and 61 on macOS. Numbers of 10000 and above are Windows Sockets
/// codes whatever the platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// Linux (glibc and musl share the numbering). The default.
    #[default]
    Linux,
    /// macOS and the BSDs, whose socket errnos share the 4.4BSD numbering. Where they
    /// differ, macOS's number is the one read: FreeBSD's `EOPNOTSUPP` is macOS's `ENOTSUP`,
    /// the same error, while the BSDs' own numbers for `ECANCELED` and `EPROTO`, and NetBSD's
    /// and OpenBSD's for `ENOTSUP`, are read as nothing.
    MacOs,
    /// Windows: a number is a `raw_os_error()`, a WSA code or a Win32 error
    /// ([`map::from_windows`](crate::map::from_windows)).
    Windows,
}

impl Platform {
    /// The platform this is built for: Windows, macOS and the BSDs, or Linux for every
    /// other system.
    pub const HOST: Platform = if cfg!(windows) {
        Platform::Windows
    } else if cfg!(bsd) {
        Platform::MacOs
    } else {
        Platform::Linux
    };

    /// Every platform, in the order of `--os` values.
    pub const ALL: [Platform; 3] = [Platform::Linux, Platform::MacOs, Platform::Windows];

    /// `"linux"`, `"macos"` or `"windows"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Platform::Linux => "linux",
            Platform::MacOs => "macos",
            Platform::Windows => "windows",
        }
    }

    /// The code of a native error number printed on this platform.
    ///
    /// ```
    /// use wsa_trace::scan::Platform;
    /// use wsa_trace::WsaCode;
    /// assert_eq!(Platform::Linux.code(111), Some(WsaCode::WSAECONNREFUSED));
    /// assert_eq!(Platform::MacOs.code(61), Some(WsaCode::WSAECONNREFUSED));
    /// assert_eq!(Platform::Windows.code(10061), Some(WsaCode::WSAECONNREFUSED));
    /// assert_eq!(Platform::Linux.code(10054), Some(WsaCode::WSAECONNRESET));
    /// ```
    pub fn code(self, raw: i64) -> Option<WsaCode> {
        self.entry(raw).map(Entry::code)
    }

    /// The catalog row of a native error number printed on this platform: one load from the
    /// errno table's index for the platform.
    #[inline]
    pub(crate) fn entry(self, raw: i64) -> Option<Entry> {
        let raw = i32::try_from(raw).ok()?;
        let index: &[u8] = match self {
            _ if raw >= 10_000 => return windows::entry_of(raw),
            Platform::Windows => return windows::entry_of(raw),
            Platform::Linux => &LINUX,
            Platform::MacOs => &MACOS,
        };
        let position = *index.get(usize::try_from(raw).ok()?)?;
        (position != NONE).then(|| Entry::at(usize::from(position)))
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given is not `linux`, `macos` or `windows`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsePlatformError;

impl fmt::Display for ParsePlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected one of linux, macos, windows")
    }
}

impl std::error::Error for ParsePlatformError {}

/// `linux`, `macos` (or `bsd`) and `windows`, in any case.
impl FromStr for Platform {
    type Err = ParsePlatformError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("bsd") {
            return Ok(Platform::MacOs);
        }
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or(ParsePlatformError)
    }
}

/// The catalog row of an errno name written in capitals (`ECONNRESET`, `EPIPE`), from the
/// errno table's rows that count in text ([`ERRNOS`]), whatever the host: a log reads the
/// same on every platform.
pub(crate) fn entry_for_name(name: &str) -> Option<Entry> {
    let k = BY_NAME
        .binary_search_by(|&row| ERRNOS[usize::from(row)].name.cmp(name))
        .ok()?;
    Some(ERRNOS[usize::from(BY_NAME[k])].entry)
}

/// How many rows of the errno table count in text.
const IN_TEXT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < ERRNOS.len() {
        n += ERRNOS[i].in_text as usize;
        i += 1;
    }
    n
};

/// Whether `a` sorts before `b`, byte by byte, as `str`'s `Ord` does.
const fn before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// The rows of the errno table that count in text, sorted by name.
static BY_NAME: [u8; IN_TEXT] = {
    assert!(ERRNOS.len() < u8::MAX as usize);
    let mut sorted = [0u8; IN_TEXT];
    let mut n = 0;
    let mut i = 0;
    while i < ERRNOS.len() {
        if ERRNOS[i].in_text {
            // Insertion: shift the names after this one up by one.
            let mut k = n;
            while k > 0 && before(ERRNOS[i].name, ERRNOS[sorted[k - 1] as usize].name) {
                sorted[k] = sorted[k - 1];
                k -= 1;
            }
            sorted[k] = i as u8;
            n += 1;
        }
        i += 1;
    }
    sorted
};

/// A number of an errno table row on Linux or on macOS.
const fn number(row: &Errno, macos: bool) -> Option<u8> {
    if macos {
        row.macos
    } else {
        row.linux
    }
}

/// One more than the largest number on Linux or on macOS of a row that counts in text.
const fn numbers(macos: bool) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < ERRNOS.len() {
        if let (true, Some(n)) = (ERRNOS[i].in_text, number(&ERRNOS[i], macos)) {
            if n as usize > max {
                max = n as usize;
            }
        }
        i += 1;
    }
    max + 1
}

/// No row has this number.
const NONE: u8 = u8::MAX;

/// The catalog position of each number on Linux or on macOS, of the rows that count in text.
/// Rows that share a number must agree on the code.
const fn by_number<const N: usize>(macos: bool) -> [u8; N] {
    let mut index = [NONE; N];
    let mut i = 0;
    while i < ERRNOS.len() {
        let row = &ERRNOS[i];
        if let (true, Some(n)) = (row.in_text, number(row, macos)) {
            let position = row.entry.position() as u8;
            let n = n as usize;
            assert!(
                index[n] == NONE || index[n] == position,
                "two errno rows of one number map to different codes"
            );
            index[n] = position;
        }
        i += 1;
    }
    index
}

static LINUX: [u8; numbers(false)] = by_number(false);
static MACOS: [u8; numbers(true)] = by_number(true);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map;

    /// On the platform this is built for, reading a number agrees with the errno table.
    #[test]
    fn host_numbers_agree_with_the_errno_table() {
        #[cfg(target_os = "linux")]
        let host = Some(Platform::Linux);
        #[cfg(target_os = "macos")]
        let host = Some(Platform::MacOs);
        #[cfg(not(any(target_os = "linux", target_os = "macos")))]
        let host: Option<Platform> = None;
        let Some(host) = host else { return };
        let mismatched: Vec<_> = (0..10_000)
            .filter(|&n| n != libc::ENOENT)
            .filter(|&n| host.code(i64::from(n)) != map::from_errno(n))
            .collect();
        assert_eq!(mismatched, Vec::<i32>::new());
        // A missing file is what `ENOENT` means in a log line: the errno table reads it as a
        // refused connect only for socket operations, where it is a Unix socket's missing path.
        assert_eq!(host.code(i64::from(libc::ENOENT)), None);
    }

    /// Every name the host's errno table maps reads as that code, whatever the host.
    #[test]
    fn names_agree_with_the_hosts_errno_table() {
        for row in map::errno_translations() {
            let want = (row.name != "ENOENT").then_some(row.code);
            assert_eq!(
                entry_for_name(row.name).map(Entry::code),
                want,
                "{}",
                row.name
            );
        }
        for row in ERRNOS.iter().filter(|row| row.reason.is_some()) {
            assert_eq!(
                WsaCode::from_berkeley(row.name),
                None,
                "{} is in the catalog",
                row.name
            );
        }
    }

    /// Every row of the errno table reads by name as its code unless it does not count in
    /// text, whatever the platform defines; only names in capitals are read.
    #[test]
    fn every_name_has_a_code() {
        for row in ERRNOS {
            assert_eq!(
                entry_for_name(row.name),
                row.in_text.then_some(row.entry),
                "{}",
                row.name
            );
            assert_eq!(entry_for_name(&row.name.to_lowercase()), None);
        }
        assert_eq!(entry_for_name("EZZZ"), None);
        assert_eq!(entry_for_name(""), None);
    }

    /// Each number of the table reads as its row's code on its platform, and no other number
    /// reads as anything.
    #[test]
    fn numbers_are_the_tables() {
        for (platform, macos) in [(Platform::Linux, false), (Platform::MacOs, true)] {
            for n in -2..10_000 {
                let want: Vec<_> = ERRNOS
                    .iter()
                    .filter(|r| r.in_text && number(r, macos).map(i64::from) == Some(n))
                    .map(|r| r.entry.code())
                    .collect();
                assert_eq!(platform.code(n), want.first().copied(), "{platform} {n}");
            }
        }
    }

    /// On every host, Linux and macOS numbers read the same: `EPROTO` is 71 on Linux and
    /// 100 on macOS even where the host's libc has no such errno.
    #[test]
    fn numbers_do_not_depend_on_the_host() {
        assert_eq!(Platform::Linux.code(71), Some(WsaCode::WSAECONNABORTED));
        assert_eq!(Platform::MacOs.code(100), Some(WsaCode::WSAECONNABORTED));
        assert_eq!(Platform::Linux.code(64), Some(WsaCode::WSAEHOSTUNREACH));
        assert_eq!(Platform::Linux.code(104), Some(WsaCode::WSAECONNRESET));
        assert_eq!(Platform::MacOs.code(54), Some(WsaCode::WSAECONNRESET));
        assert_eq!(Platform::Linux.code(2), None);
    }

    /// A platform's missing errnos are no number: neither `-1` nor one past the table.
    #[test]
    fn negative_and_large_numbers_read_as_nothing() {
        for platform in [Platform::Linux, Platform::MacOs] {
            for n in [-1, -2, 255, 256, 9_999, i64::MAX] {
                assert_eq!(platform.code(n), None, "{platform} {n}");
            }
        }
    }

    #[test]
    fn parses_os_names() {
        assert_eq!("MacOS".parse(), Ok(Platform::MacOs));
        assert_eq!("bsd".parse(), Ok(Platform::MacOs));
        assert_eq!("plan9".parse::<Platform>(), Err(ParsePlatformError));
    }
}
