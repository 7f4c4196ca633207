//! The number a code has on the platform the test was built for, through the crate's own
//! platform switch: the Winsock number itself on Windows, where `raw_os_error()` is one, and
//! the errno the crate's table gives for the code's Berkeley name elsewhere. Tests build the
//! OS errors they expect from these, never from a Linux `libc` constant (`libc::ECONNREFUSED`
//! is 107 with Windows' C library, which no socket call returns).
#![allow(dead_code)]

use std::io;

use wsa_trace::WsaCode;

/// This platform's `raw_os_error()` for `code`.
pub fn os_code(code: WsaCode) -> i32 {
    #[cfg(windows)]
    {
        i32::from(code)
    }
    #[cfg(not(windows))]
    {
        let name = code
            .berkeley()
            .unwrap_or_else(|| panic!("{code} has no Berkeley name, so no errno"));
        wsa_trace::map::errno_translations()
            .iter()
            .find(|row| row.name == name)
            .map(|row| row.raw)
            .unwrap_or_else(|| panic!("no errno {name} on this platform"))
    }
}

/// The OS error a socket call on this platform fails with for `code`.
pub fn os_error(code: WsaCode) -> io::Error {
    io::Error::from_raw_os_error(os_code(code))
}

/// Every `raw_os_error()` value the crate maps on this platform: the Winsock numbers and the
/// Win32 errors of overlapped I/O on Windows, the errno table's values elsewhere.
pub fn os_codes() -> Vec<i32> {
    #[cfg(windows)]
    {
        WsaCode::all()
            .map(WsaCode::raw)
            .chain(
                wsa_trace::map::windows_translations()
                    .iter()
                    .map(|row| row.raw),
            )
            .collect()
    }
    #[cfg(not(windows))]
    {
        wsa_trace::map::errno_translations()
            .iter()
            .map(|row| row.raw)
            .collect()
    }
}
