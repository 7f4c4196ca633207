//! The counters of a prefix, checked once and shared by the whole process.

use std::fmt;
use std::sync::{Mutex, OnceLock};

use super::family::code_label;
use super::table::{error_slot, Counters};
use super::DEFAULT_PREFIX;
use crate::classify::{Category, Op};
use crate::code::{slot as code_slot, Entry};

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

/// How many prefixes besides the default ([`DEFAULT_PREFIX`]) a process may use.
///
/// Each prefix has counter tables of its own, kept for the life of the process: about 1.5 KB
/// when it is first used, then a 32-byte cell per label set of each family the first time the
/// family counts: about 130 KB for `_socket_errors_total`, 130 KB per logging crate for
/// `_logged_socket_errors_total`, 350 KB for `_retries_total` (with feature `retry`), 3 KB
/// each for the other two. Prefixes are configuration, one per service or subsystem; a prefix
/// made from request data would grow the process without end, so a new prefix past this
/// bound is refused with an [`InvalidPrefix`]. Prefixes already in use are always given again.
pub const MAX_PREFIXES: usize = 16;

impl InvalidPrefix {
    /// The prefix that was rejected.
    pub fn prefix(&self) -> &str {
        &self.prefix
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

/// The counters of the prefixes other than the default, at most `max` of them.
struct Prefixes {
    max: usize,
    made: Mutex<Vec<&'static Counters>>,
}

impl Prefixes {
    const fn new(max: usize) -> Self {
        Prefixes {
            max,
            made: Mutex::new(Vec::new()),
        }
    }

    /// The counters of `prefix`, which must have passed [`check`]: the ones made before, or
    /// new ones if there is room.
    fn get(&self, prefix: &str) -> Result<&'static Counters, InvalidPrefix> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = made.iter().find(|c| c.prefix == prefix) {
            return Ok(found);
        }
        if made.len() >= self.max {
            return Err(InvalidPrefix {
                prefix: prefix.to_owned(),
                reason: Reason::TooMany(self.max),
            });
        }
        // Kept for the life of the process: one per prefix, and at most `max` of them.
        let prefix: &'static str = Box::leak(prefix.into());
        let counters: &'static Counters = Box::leak(Box::new(Counters::new(prefix)));
        made.push(counters);
        Ok(counters)
    }
}

impl Counters {
    /// The counters of `prefix`, once it is checked and if the process has room for it.
    pub(crate) fn of(prefix: &str) -> Result<&'static Counters, InvalidPrefix> {
        static OTHERS: Prefixes = Prefixes::new(MAX_PREFIXES);
        check(prefix)?;
        if prefix == DEFAULT_PREFIX {
            return Ok(Counters::default_prefix());
        }
        OTHERS.get(prefix)
    }

    /// The counters of the default prefix.
    pub(crate) fn default_prefix() -> &'static Counters {
        static DEFAULT: OnceLock<Counters> = OnceLock::new();
        DEFAULT.get_or_init(|| Counters::new(DEFAULT_PREFIX))
    }

    /// The error counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.errors.name()
    }

    /// Counts one error.
    #[inline]
    pub(crate) fn error(&self, code: Option<Entry>, op: Op, category: Category) {
        self.errors.increment(error_slot(code, op, category), || {
            [code_label(code), category.as_str(), op.as_str()]
        });
    }

    /// Counts one event the rate limit dropped.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    #[inline]
    pub(crate) fn suppressed(&self, code: Option<Entry>) {
        self.suppressed
            .increment(code_slot(code), || [code_label(code)]);
    }

    /// The accept-backoff counter's full name.
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) fn accept_backoffs_name(&self) -> &str {
        self.accept_backoffs.name()
    }

    /// Counts one pause of an accept loop.
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) fn accept_backoff(&self, code: Option<Entry>) {
        self.accept_backoffs
            .increment(code_slot(code), || [code_label(code)]);
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

    #[test]
    fn one_table_per_prefix() {
        let a = Counters::of("shared_a").unwrap();
        let b = Counters::of("shared_a").unwrap();
        assert!(std::ptr::eq(a, b));
        assert!(std::ptr::eq(
            Counters::of("wsa").unwrap(),
            Counters::default_prefix()
        ));
        assert_eq!(a.name(), "shared_a_socket_errors_total");
        assert_eq!(Counters::of("a-b").unwrap_err().reason, Reason::Char('-'));
    }

    #[test]
    fn past_the_bound_new_prefixes_are_refused_and_old_ones_given_again() {
        let prefixes = Prefixes::new(2);
        let a = prefixes.get("bound_a").unwrap();
        let b = prefixes.get("bound_b").unwrap();
        let err = prefixes.get("bound_c").unwrap_err();
        assert_eq!(err.prefix(), "bound_c");
        assert_eq!(err.reason, Reason::TooMany(2));
        assert!(err.to_string().contains("already uses 2 prefixes"), "{err}");
        assert!(std::ptr::eq(prefixes.get("bound_a").unwrap(), a));
        assert!(std::ptr::eq(prefixes.get("bound_b").unwrap(), b));
        assert_eq!(prefixes.made.lock().unwrap().len(), 2);
    }
}
