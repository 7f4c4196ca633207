use std::fmt;

/// What a retry decision came to: the closed set of the `outcome` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Retried after a backoff delay.
    Retry,
    /// Retried at once, after yielding: a call that would have blocked (not counted as an
    /// attempt), or a failure advised `immediately` (counted as one).
    RetryNow,
    /// Not retried: the error is fatal for this operation.
    Fatal,
    /// Not retried: the attempts are used up.
    AttemptsExhausted,
    /// Not retried: the overall deadline has passed.
    Deadline,
    /// Not retried: the retry budget is spent, so that a dependency that is down does not
    /// draw a retry storm.
    BudgetExhausted,
    /// Not retried: the operation may have sent data before it failed, and the request is not
    /// marked idempotent, so it is not sent again, whatever the error's advice.
    NotIdempotent,
    /// Not retried, and nothing failed: the error is benign for this operation (such as
    /// `WSAENOTCONN` on a shutdown), so what the operation was for is done.
    Benign,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: &'static [Outcome] = &[
        Outcome::Retry,
        Outcome::RetryNow,
        Outcome::Fatal,
        Outcome::AttemptsExhausted,
        Outcome::Deadline,
        Outcome::BudgetExhausted,
        Outcome::NotIdempotent,
        Outcome::Benign,
    ];

    /// A stable snake_case name, fit for labels.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Retry => "retry",
            Outcome::RetryNow => "retry_now",
            Outcome::Fatal => "fatal",
            Outcome::AttemptsExhausted => "attempts_exhausted",
            Outcome::Deadline => "deadline",
            Outcome::BudgetExhausted => "budget_exhausted",
            Outcome::NotIdempotent => "not_idempotent",
            Outcome::Benign => "benign",
        }
    }

    /// Whether the operation is tried again.
    pub const fn retries(self) -> bool {
        matches!(self, Outcome::Retry | Outcome::RetryNow)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
