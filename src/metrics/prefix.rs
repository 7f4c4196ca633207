//! Metrics prefixes: the rule a prefix follows, how many a process keeps, and the error that
//! says which rule a refused one broke.

use std::fmt;

/// A metrics prefix that cannot be used: one that is not a valid Prometheus metric name (it
/// must be non-empty, start with an ASCII letter, `_` or `:`, and go on with ASCII letters,
/// digits, `_` or `:`), or a new one when the process already has [`MAX_PREFIXES`] besides
/// the default.
///
/// ```
/// use wsa_trace::Observer;
///
/// let err = Observer::new().metrics_prefix("my-app").unwrap_err();
/// assert_eq!(err.prefix(), "my-app");
/// assert!(err.to_string().contains("'-'"), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidPrefix {
    prefix: String,
    reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Empty,
    Start(char),
    Char(char),
    /// A new prefix, past the bound.
    TooMany(usize),
}

/// How many prefixes besides the default ([`DEFAULT_PREFIX`](super::DEFAULT_PREFIX)) a
/// process may use.
///
/// Each prefix has counter tables of its own, kept for the life of the process: about 1.5 KB
/// when it is first used, then a 32-byte cell per label set of each family the first time the
/// family counts: about 130 KB for `_socket_errors_total`, 130 KB per logging crate for
/// `_logged_socket_errors_total`, 350 KB for `_retries_total` (with feature `retry`), 3 KB
/// each for the other two, and, where an observer counts per peer, about 4 KB per peer that
/// takes a slot (at most [`MAX_PEERS`](super::MAX_PEERS) of them). Prefixes are configuration, one per service or subsystem; a prefix
/// made from request data would grow the process without end, so a new prefix past this
/// bound is refused with an [`InvalidPrefix`]. Prefixes already in use are always given again.
pub const MAX_PREFIXES: usize = 16;

impl InvalidPrefix {
    /// The prefix that was rejected.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A new prefix refused because the process already keeps `max` besides the default.
    pub(super) fn too_many(prefix: &str, max: usize) -> Self {
        InvalidPrefix {
            prefix: prefix.to_owned(),
            reason: Reason::TooMany(max),
        }
    }
}

impl fmt::Display for InvalidPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid metrics prefix {:?}: ", self.prefix)?;
        match self.reason {
            Reason::Empty => f.write_str("it is empty"),
            Reason::Start(c) => write!(
                f,
                "a Prometheus metric name cannot start with {c:?} (only a letter, '_' or ':')"
            ),
            Reason::Char(c) => write!(
                f,
                "a Prometheus metric name cannot contain {c:?} (only letters, digits, '_' and ':')"
            ),
            Reason::TooMany(max) => write!(
                f,
                "the process already uses {max} prefixes besides the default, the most it \
                 keeps counters for (each is kept for the life of the process); use one of them"
            ),
        }
    }
}

impl std::error::Error for InvalidPrefix {}

/// Checks `prefix` against Prometheus' metric name rule, `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub(crate) fn check(prefix: &str) -> Result<(), InvalidPrefix> {
    let fail = |reason| {
        Err(InvalidPrefix {
            prefix: prefix.to_owned(),
            reason,
        })
    };
    let mut chars = prefix.chars();
    match chars.next() {
        None => return fail(Reason::Empty),
        Some(c) if !(c.is_ascii_alphabetic() || c == '_' || c == ':') => {
            return fail(Reason::Start(c))
        }
        Some(_) => {}
    }
    match chars.find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')) {
        Some(c) => fail(Reason::Char(c)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_names_pass_and_others_say_why() {
        for ok in ["wsa", "my_app", "_x", "a:b", "App2"] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("my-app", "contain '-'"),
            ("1abc", "start with '1'"),
            ("a b", "contain ' '"),
            ("é", "start with 'é'"),
        ] {
            let err = check(bad).unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
            assert_eq!(err.prefix(), bad);
        }
    }
}
