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

/// The `outcome` label of `<prefix>_retries_total`.
#[cfg(feature = "metrics")]
impl crate::metrics::Label for Outcome {
    const COUNT: usize = Outcome::ALL.len();

    #[inline]
    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        self.as_str()
    }
}

#[cfg(feature = "metrics")]
impl crate::metrics::OutcomeLabel for Outcome {}

#[cfg(all(test, feature = "metrics"))]
mod tests {
    use super::*;
    use crate::classify::Op;
    use crate::code::{Entry, WsaCode};

    #[test]
    fn outcomes_are_numbered_in_order() {
        crate::metrics::label_tests::indexes_are_places(Outcome::ALL);
    }

    /// The retries family counts under its row's labels, in order, each label set in a series
    /// of its own (the family's other checks are in the metrics module).
    #[test]
    fn retries_count_under_the_labels_their_row_declares() {
        let code = Entry::of(WsaCode::WSAEMFILE);
        let snapshotter = crate::metrics::tests::counted("outcomes", |c| {
            c.count_retries(code, Op::Connect, Outcome::BudgetExhausted);
            c.count_retries(code, Op::Connect, Outcome::Retry);
            c.count_retries(code, Op::Connect, Outcome::Retry);
            // The digits add up to those of the first: a series of its own all the same.
            c.count_retries(code, Op::Accept, Outcome::AttemptsExhausted);
        });
        let seen = crate::metrics::tests::rows(&snapshotter);
        let row = |labels: &str, n: u64| {
            (
                "outcomes_retries_total".to_owned(),
                labels.to_owned(),
                format!("Counter({n})"),
            )
        };
        assert_eq!(
            seen,
            vec![
                row("code=WSAEMFILE,op=accept,outcome=attempts_exhausted", 1),
                row("code=WSAEMFILE,op=connect,outcome=budget_exhausted", 1),
                row("code=WSAEMFILE,op=connect,outcome=retry", 2),
            ]
        );
    }
}
