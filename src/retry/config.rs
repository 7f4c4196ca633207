//! The shared settings of a retry policy, and the decision it makes for one error.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tower::retry::backoff::{ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use tower::retry::budget::{Budget, TpsBudget};
use tower::util::rng::HasherRng;

use crate::classify::Outcome;
use crate::classify::{Classification, Op, Retry};
use crate::observe::Observer;

/// Settings shared by every clone of a policy.
pub(super) struct Config {
    pub(super) observer: Observer,
    pub(super) op: Op,
    pub(super) idempotent: bool,
    pub(super) max_attempts: u32,
    pub(super) max_immediate: u32,
    pub(super) deadline: Duration,
    pub(super) backoff: ExponentialBackoffMaker,
    pub(super) budget: Arc<TpsBudget>,
}

impl Clone for Config {
    fn clone(&self) -> Self {
        Config {
            observer: self.observer.clone(),
            op: self.op,
            idempotent: self.idempotent,
            max_attempts: self.max_attempts,
            max_immediate: self.max_immediate,
            deadline: self.deadline,
            backoff: self.backoff.clone(),
            budget: self.budget.clone(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            observer: Observer::new(),
            op: Op::Connect,
            idempotent: false,
            max_attempts: u32::MAX,
            max_immediate: 64,
            deadline: Duration::from_secs(10),
            backoff: default_backoff(),
            budget: Arc::new(default_budget()),
        }
    }
}

/// 50 ms doubling to 2 s, with up to 50% jitter.
pub(super) fn default_backoff() -> ExponentialBackoffMaker {
    ExponentialBackoffMaker::new(
        Duration::from_millis(50),
        Duration::from_secs(2),
        0.5,
        HasherRng::default(),
    )
    .expect("50 ms to 2 s with 0.5 jitter is a valid backoff")
}

/// Retries may add 20% to the request rate, with at least 10 a second, over 10 s.
pub(super) fn default_budget() -> TpsBudget {
    TpsBudget::new(Duration::from_secs(10), 10, 0.2)
}

/// Where one request stands.
#[derive(Debug)]
pub(super) struct Attempts {
    calls: u32,
    failures: u32,
    immediate: u32,
    first_failure: Option<Instant>,
    backoff: Option<ExponentialBackoff>,
}

/// What to do about one error.
#[derive(Debug)]
pub(super) enum Decision {
    /// Yield, then try again.
    Now,
    /// Sleep, then try again.
    After(tokio::time::Sleep),
    /// Give up, for this reason.
    GiveUp(Outcome),
}

impl Decision {
    pub(super) fn outcome(&self) -> Outcome {
        match self {
            Decision::Now => Outcome::RetryNow,
            Decision::After(_) => Outcome::Retry,
            Decision::GiveUp(outcome) => *outcome,
        }
    }
}

impl Attempts {
    pub(super) const fn new() -> Self {
        Attempts {
            calls: 0,
            failures: 0,
            immediate: 0,
            first_failure: None,
            backoff: None,
        }
    }

    /// Failures so far that counted as attempts.
    #[cfg(test)]
    pub(super) fn failures(&self) -> u32 {
        self.failures
    }

    /// Calls made so far, each ending in a failure: would-block ones included.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))] // only events and spans show it
    pub(super) fn calls(&self) -> u32 {
        self.calls
    }

    /// Decides what to do after a failure of class `class`.
    ///
    /// The would-block class is not a failure: it neither counts as an attempt nor starts the
    /// deadline, which runs from the first real failure.
    pub(super) fn decide(
        &mut self,
        config: &mut Config,
        op: Op,
        class: Classification,
    ) -> Decision {
        self.calls = self.calls.saturating_add(1);
        let reconnect_allowed = config.idempotent || !sends_data(op);
        match class.retry() {
            Retry::Never => return Decision::GiveUp(Outcome::Fatal),
            Retry::Ignore => return Decision::GiveUp(Outcome::Benign),
            Retry::Reconnect if !reconnect_allowed => {
                return Decision::GiveUp(Outcome::NotIdempotent)
            }
            Retry::Immediately if self.immediate < config.max_immediate => {
                self.immediate += 1;
                return Decision::Now;
            }
            _ => {}
        }
        let now = Instant::now();
        let first = *self.first_failure.get_or_insert(now);
        match class.retry() {
            _ if now.duration_since(first) >= config.deadline => {
                Decision::GiveUp(Outcome::Deadline)
            }
            _ => {
                self.failures += 1;
                if self.failures >= config.max_attempts {
                    Decision::GiveUp(Outcome::AttemptsExhausted)
                } else if !config.budget.withdraw() {
                    Decision::GiveUp(Outcome::BudgetExhausted)
                } else {
                    let backoff = self
                        .backoff
                        .get_or_insert_with(|| config.backoff.make_backoff());
                    Decision::After(tower::retry::backoff::Backoff::next_backoff(backoff))
                }
            }
        }
    }
}

/// Whether bytes may have been sent when `op` fails: everything but connecting, binding,
/// listening, accepting and resolving.
fn sends_data(op: Op) -> bool {
    !matches!(
        op,
        Op::Connect | Op::Bind | Op::Listen | Op::Accept | Op::Resolve
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(retry: Retry) -> Classification {
        Classification::new(retry)
    }

    #[tokio::test]
    async fn would_block_neither_counts_nor_starts_the_deadline() {
        let mut config = Config {
            deadline: Duration::ZERO,
            max_attempts: 1,
            ..Config::default()
        };
        let mut attempts = Attempts::new();
        for _ in 0..3 {
            let decision = attempts.decide(&mut config, Op::Connect, class(Retry::Immediately));
            assert!(matches!(decision, Decision::Now), "{decision:?}");
        }
        assert_eq!(attempts.failures(), 0);
        assert!(attempts.first_failure.is_none());
        // The first real failure starts the clock, and a zero deadline has passed at once.
        let decision = attempts.decide(&mut config, Op::Connect, class(Retry::Backoff));
        assert_eq!(decision.outcome(), Outcome::Deadline);
    }

    #[tokio::test]
    async fn would_block_past_the_cap_counts_as_an_attempt() {
        let mut config = Config {
            max_immediate: 1,
            max_attempts: 2,
            ..Config::default()
        };
        let mut attempts = Attempts::new();
        assert!(matches!(
            attempts.decide(&mut config, Op::Connect, class(Retry::Immediately)),
            Decision::Now
        ));
        let decision = attempts.decide(&mut config, Op::Connect, class(Retry::Immediately));
        assert_eq!(decision.outcome(), Outcome::Retry);
        assert_eq!(attempts.failures(), 1);
    }
}
