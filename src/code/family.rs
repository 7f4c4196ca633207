use std::fmt;

/// The group a code belongs to in the Windows Sockets numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Family {
    /// A Win32 error that Winsock reports under a `WSA_` name (6, 8, 87, 995 to 997).
    Win32,
    /// The Winsock twin of a Berkeley sockets errno (10004 to 10071).
    Berkeley,
    /// A Winsock extension with no Berkeley counterpart (10091 to 10112).
    Winsock,
    /// A name-resolution failure, the Winsock form of `h_errno` (11001 to 11004).
    Resolver,
    /// A Generic QoS (RSVP) code (11005 to 11031).
    Qos,
    /// A secure socket (IPsec) code (11032 and 11033).
    Security,
}

impl Family {
    /// A stable snake_case name: `win32`, `berkeley`, `winsock`, `resolver`, `qos` or `security`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::Win32 => "win32",
            Family::Berkeley => "berkeley",
            Family::Winsock => "winsock",
            Family::Resolver => "resolver",
            Family::Qos => "qos",
            Family::Security => "security",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
