//! What to do about an error ([`Retry`]), and the [`Category`] that follows from it.
//!
//! A leaf: the catalog's advice column is a [`Retry`], and the category is a method of the
//! advice, never a second fact that could contradict it.

use std::fmt;

/// Whether an error can go away by itself: [`Retry::category`] of the advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// The condition may pass: a retry, later or on a new connection, can succeed.
    Transient,
    /// Retrying the same thing will fail the same way.
    Fatal,
    /// Nothing needs handling: the error reports a state the caller was heading for anyway,
    /// such as shutting down a connection the peer has already reset. Never retried, and
    /// logged at the would-block level rather than as a failure.
    Benign,
}

/// What to do about an error. Its [`category`](Retry::category) follows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Retry {
    /// The operation is not done yet; it has not failed (the would-block class). Wait for
    /// readiness, or yield, and issue it again. Transient.
    Immediately,
    /// Retry the same operation after a delay. Transient.
    Backoff,
    /// The connection is gone: retry on a new connection, and only if the operation is
    /// idempotent. Transient.
    Reconnect,
    /// Do not retry: it would fail the same way. Fatal.
    Never,
    /// Do not retry, and do not treat it as a failure: what the operation was for is done
    /// already. Benign.
    Ignore,
}

impl Retry {
    /// Every advice, in declaration order.
    pub const ALL: &'static [Retry] = &[
        Retry::Immediately,
        Retry::Backoff,
        Retry::Reconnect,
        Retry::Never,
        Retry::Ignore,
    ];

    /// The category this advice implies: transient for the three kinds of retry, fatal for
    /// [`Retry::Never`], benign for [`Retry::Ignore`].
    pub const fn category(self) -> Category {
        match self {
            Retry::Immediately | Retry::Backoff | Retry::Reconnect => Category::Transient,
            Retry::Never => Category::Fatal,
            Retry::Ignore => Category::Benign,
        }
    }

    /// Whether the advice is to try again in some way.
    pub const fn is_retryable(self) -> bool {
        matches!(self.category(), Category::Transient)
    }

    /// `"immediately"`, `"backoff"`, `"reconnect"`, `"never"` or `"ignore"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Retry::Immediately => "immediately",
            Retry::Backoff => "backoff",
            Retry::Reconnect => "reconnect",
            Retry::Never => "never",
            Retry::Ignore => "ignore",
        }
    }
}

impl Category {
    /// Every category, in declaration order.
    pub const ALL: &'static [Category] = &[Category::Transient, Category::Fatal, Category::Benign];

    /// `"transient"`, `"fatal"` or `"benign"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Transient => "transient",
            Category::Fatal => "fatal",
            Category::Benign => "benign",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_comes_from_some_advice() {
        for category in Category::ALL {
            assert!(
                Retry::ALL.iter().any(|r| r.category() == *category),
                "{category}"
            );
        }
        for retry in Retry::ALL {
            assert_eq!(
                retry.is_retryable(),
                retry.category() == Category::Transient
            );
        }
    }
}
