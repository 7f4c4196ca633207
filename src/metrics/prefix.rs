//! The counters of a prefix, checked once and shared by the whole process.

use std::fmt;
use std::sync::{Mutex, OnceLock};

use super::family::code_label;
use super::table::{error_slot, Counters};
use super::DEFAULT_PREFIX;
use crate::classify::{Category, Op};
use crate::code::{slot as code_slot, Entry};

/// A metrics prefix that is not a valid Prometheus metric name: it must be non-empty, start
/// with an ASCII letter, `_` or `:`, and go on with ASCII letters, digits, `_` or `:`.
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
}

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

impl Counters {
    /// The counters of `prefix`, which must have passed [`check`].
    pub(crate) fn of(prefix: &str) -> &'static Counters {
        if prefix == DEFAULT_PREFIX {
            return Counters::default_prefix();
        }
        static OTHERS: Mutex<Vec<&'static Counters>> = Mutex::new(Vec::new());
        let mut others = OTHERS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = others.iter().find(|c| c.prefix == prefix) {
            return found;
        }
        // Kept for the life of the process: one per prefix, and prefixes are configuration.
        let prefix: &'static str = Box::leak(prefix.into());
        let made: &'static Counters = Box::leak(Box::new(Counters::new(prefix)));
        others.push(made);
        made
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
        let a = Counters::of("shared_a");
        let b = Counters::of("shared_a");
        assert!(std::ptr::eq(a, b));
        assert!(std::ptr::eq(
            Counters::of("wsa"),
            Counters::default_prefix()
        ));
        assert_eq!(a.name(), "shared_a_socket_errors_total");
    }
}
