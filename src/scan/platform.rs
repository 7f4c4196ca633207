//! Whose errno numbering a bare number is read in.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::code::WsaCode;
use crate::map;
use crate::map::errno::EXTRA_NAMES;

/// The operating system whose numbering a bare errno in text follows: 111 is
/// `ECONNREFUSED` on Linux and 61 on macOS. Numbers of 10000 and above are Windows Sockets
/// codes whatever the platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// Linux (glibc and musl share the numbering). The default.
    #[default]
    Linux,
    /// macOS and the BSDs, whose socket errnos share the 4.4BSD numbering (where they
    /// differ, as `EOPNOTSUPP` does, macOS's number is the one read).
    MacOs,
    /// Windows: a number is a `raw_os_error()`, a WSA code or a Win32 error
    /// ([`map::from_windows`]).
    Windows,
}

impl Platform {
    /// The platform this is built for: Windows, macOS and the BSDs, or Linux for every
    /// other system.
    pub const HOST: Platform = if cfg!(windows) {
        Platform::Windows
    } else if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    )) {
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
        let raw = i32::try_from(raw).ok()?;
        if raw >= 10_000 || self == Platform::Windows {
            return map::from_windows(raw);
        }
        match usize::try_from(raw) {
            Ok(n) if n < SMALL_ERRNOS => {
                static CODES: OnceLock<[[Option<WsaCode>; SMALL_ERRNOS]; 2]> = OnceLock::new();
                let codes = CODES.get_or_init(|| {
                    [Platform::Linux, Platform::MacOs]
                        .map(|p| std::array::from_fn(|n| p.errno_code(n as i32)))
                });
                codes[usize::from(self == Platform::MacOs)][n]
            }
            _ => self.errno_code(raw),
        }
    }

    /// The code of errno `raw` as this platform (Linux or macOS) numbers it, looked up in
    /// the tables.
    fn errno_code(self, raw: i32) -> Option<WsaCode> {
        let name = ERRNO_NUMBERS.iter().find_map(|&(name, linux, macos)| {
            let n = if self == Platform::Linux {
                linux
            } else {
                macos
            };
            (n == raw).then_some(name)
        })?;
        code_for_name(name)
    }
}

/// Errno numbers below this are looked up once per platform and kept.
const SMALL_ERRNOS: usize = 256;

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

/// The code of an errno name (`ECONNRESET`, `EPIPE`): the catalog's Berkeley column, then the
/// errno table's documented extras by name ([`EXTRA_NAMES`]). Neither depends on the host,
/// so a log reads the same on every platform.
pub(crate) fn code_for_name(name: &str) -> Option<WsaCode> {
    if NOT_IN_TEXT.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        return None;
    }
    WsaCode::from_berkeley(name).or_else(|| {
        EXTRA_NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, code)| code)
    })
}

/// Errnos the errno table maps for socket calls only: `ENOENT` is a Unix socket's missing
/// path there, but in a log line it is nearly always a missing file, no socket error.
const NOT_IN_TEXT: &[&str] = &["ENOENT"];

/// The numbers of the errnos the mapping knows, on Linux and on macOS, whatever platform
/// this is built for. Only the numbers live here: the names are mapped by [`map`]'s tables.
/// `-1`: the platform has no such errno.
const ERRNO_NUMBERS: &[(&str, i32, i32)] = &[
    ("EPERM", 1, 1),
    ("EPROTO", 71, 100),
    ("ENONET", 64, -1),
    ("EINTR", 4, 4),
    ("EBADF", 9, 9),
    ("EAGAIN", 11, 35),
    ("ENOMEM", 12, 12),
    ("EACCES", 13, 13),
    ("EFAULT", 14, 14),
    ("EINVAL", 22, 22),
    ("ENFILE", 23, 23),
    ("EMFILE", 24, 24),
    ("EPIPE", 32, 32),
    ("ENAMETOOLONG", 36, 63),
    ("ENOTEMPTY", 39, 66),
    ("ELOOP", 40, 62),
    ("EREMOTE", 66, 71),
    ("EUSERS", 87, 68),
    ("ENOTSOCK", 88, 38),
    ("EDESTADDRREQ", 89, 39),
    ("EMSGSIZE", 90, 40),
    ("EPROTOTYPE", 91, 41),
    ("ENOPROTOOPT", 92, 42),
    ("EPROTONOSUPPORT", 93, 43),
    ("ESOCKTNOSUPPORT", 94, 44),
    ("EOPNOTSUPP", 95, 102),
    ("ENOTSUP", 95, 45),
    ("EPFNOSUPPORT", 96, 46),
    ("EAFNOSUPPORT", 97, 47),
    ("EADDRINUSE", 98, 48),
    ("EADDRNOTAVAIL", 99, 49),
    ("ENETDOWN", 100, 50),
    ("ENETUNREACH", 101, 51),
    ("ENETRESET", 102, 52),
    ("ECONNABORTED", 103, 53),
    ("ECONNRESET", 104, 54),
    ("ENOBUFS", 105, 55),
    ("EISCONN", 106, 56),
    ("ENOTCONN", 107, 57),
    ("ESHUTDOWN", 108, 58),
    ("ETOOMANYREFS", 109, 59),
    ("ETIMEDOUT", 110, 60),
    ("ECONNREFUSED", 111, 61),
    ("EHOSTDOWN", 112, 64),
    ("EHOSTUNREACH", 113, 65),
    ("EALREADY", 114, 37),
    ("EINPROGRESS", 115, 36),
    ("ESTALE", 116, 70),
    ("EDQUOT", 122, 69),
    ("ECANCELED", 125, 89),
    ("EPROCLIM", -1, 67),
];

#[cfg(test)]
mod tests {
    use super::*;

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
            let want = (!NOT_IN_TEXT.contains(&row.name)).then_some(row.code);
            assert_eq!(code_for_name(row.name), want, "{}", row.name);
        }
        for &(name, _) in EXTRA_NAMES {
            assert_eq!(
                WsaCode::from_berkeley(name),
                None,
                "{name} is in the catalog"
            );
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

    #[test]
    fn every_name_has_a_code() {
        for &(name, _, _) in ERRNO_NUMBERS {
            assert!(code_for_name(name).is_some(), "{name}");
        }
    }

    #[test]
    fn parses_os_names() {
        assert_eq!("MacOS".parse(), Ok(Platform::MacOs));
        assert_eq!("bsd".parse(), Ok(Platform::MacOs));
        assert_eq!("plan9".parse::<Platform>(), Err(ParsePlatformError));
    }
}
