//! The shared settings of a retry policy, and how it decides about one error
//! ([`Config::decide_for`]): the [`Decision`], which [`report`](super::report) then reports.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tower::retry::backoff::{Backoff, ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use tower::retry::budget::{Budget, TpsBudget};
use tower::util::rng::HasherRng;

use super::decision::Decision;
use super::Outcome;
use crate::classify::{Classification, Op, Retry};
use crate::code::WsaCode;
use crate::map::Mapping;
use crate::observe::Observer;

/// Settings shared by every clone of a policy.
#[derive(Clone)]
pub(super) struct Config {
    pub(super) observer: Observer,
    pub(super) op: Op,
    pub(super) idempotent: bool,
    pub(super) max_attempts: u32,
    pub(super) max_immediate: u32,
    pub(super) deadline: Duration,
    pub(super) backoff: ExponentialBackoffMaker,
    pub(super) budget: Arc<TpsBudget>,
    /// Whether the budget was given, rather than the one shared by the observer's prefix.
    pub(super) own_budget: bool,
}

impl Default for Config {
    fn default() -> Self {
        let observer = Observer::new();
        Config {
            budget: super::budget::shared(&observer),
            own_budget: false,
            observer,
            op: Op::Other,
            idempotent: false,
            max_attempts: u32::MAX,
            max_immediate: 64,
            deadline: Duration::from_secs(10),
            backoff: default_backoff(),
        }
    }
}

impl Config {
    /// Classifies, counts and logs with `observer`; draws on its prefix's shared budget
    /// unless one was given.
    pub(super) fn set_observer(&mut self, observer: Observer) {
        if !self.own_budget {
            self.budget = super::budget::shared(&observer);
        }
        self.observer = observer;
    }

    /// Classifies with the observer, decides, then reports (see [`report`](super::report)).
    /// The operation is the one the error names where it names one ([`Op::from_error`]), the
    /// policy's otherwise.
    pub(super) fn decide_for(
        &mut self,
        attempts: &mut Attempts,
        err: &(dyn std::error::Error + 'static),
        mapping: Option<Mapping>,
    ) -> Decision {
        let op = Op::from_error(err).unwrap_or(self.op);
        let mapping = mapping
            .or_else(|| Mapping::from_error(err))
            .unwrap_or_else(Mapping::unmapped);
        let seen = self.observer.observation(mapping, op);
        let decision = attempts.decide(self, op, seen.code(), seen.class);
        super::report::report(&self.observer, &seen, &decision, attempts.calls());
        decision
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

/// Where one request stands.
#[derive(Debug)]
pub(super) struct Attempts {
    calls: u32,
    failures: u32,
    immediate: u32,
    started: Option<Instant>,
    backoff: Option<ExponentialBackoff>,
}

impl Attempts {
    pub(super) const fn new() -> Self {
        Attempts {
            calls: 0,
            failures: 0,
            immediate: 0,
            started: None,
            backoff: None,
        }
    }

    /// A fresh request that started when this one did: tower clones the policy for each
    /// request right after telling it the request is about to be made.
    pub(super) fn restart(&self) -> Self {
        Attempts {
            started: self.started,
            ..Attempts::new()
        }
    }

    /// The first call of a request is about to be made: the deadline runs from now. Later
    /// calls of the same request leave the start where it is.
    pub(super) fn start(&mut self) {
        if self.calls == 0 {
            self.started = Some(Instant::now());
        }
    }

    /// Failures so far that counted as attempts.
    #[cfg(test)]
    pub(super) fn failures(&self) -> u32 {
        self.failures
    }

    /// Calls made so far, each ending in a failure: would-block ones included.
    pub(super) fn calls(&self) -> u32 {
        self.calls
    }

    /// Decides what to do after a call that failed with `code`, of class `class` for `op`.
    ///
    /// A call that would have blocked, or was interrupted, did nothing: it is retried at once
    /// without counting as an attempt, up to `max_immediate` times. Any other error is a
    /// failure: it is never repeated when `op` may have sent data and the requests are not
    /// idempotent, and every retry of it counts toward `max_attempts`, the deadline (which
    /// runs from the first call) and the budget, whether it waits or not.
    pub(super) fn decide(
        &mut self,
        config: &mut Config,
        op: Op,
        code: Option<WsaCode>,
        class: Classification,
    ) -> Decision {
        self.calls = self.calls.saturating_add(1);
        let now = Instant::now();
        let started = *self.started.get_or_insert(now);
        let would_block = nothing_happened(code) && class.retry() == Retry::Immediately;
        match class.retry() {
            Retry::Never => return Decision::GiveUp(Outcome::Fatal),
            Retry::Ignore => return Decision::GiveUp(Outcome::Benign),
            Retry::Immediately | Retry::Backoff | Retry::Reconnect => {}
        }
        if would_block && self.immediate < config.max_immediate {
            self.immediate += 1;
            return Decision::WouldBlock;
        }
        if !would_block && may_have_sent(op) && !config.idempotent {
            return Decision::GiveUp(Outcome::NotIdempotent);
        }
        let left = config.deadline.saturating_sub(now.duration_since(started));
        if left.is_zero() {
            return Decision::GiveUp(Outcome::Deadline);
        }
        self.failures = self.failures.saturating_add(1);
        if self.failures >= config.max_attempts {
            return Decision::GiveUp(Outcome::AttemptsExhausted);
        }
        if !config.budget.withdraw() {
            return Decision::GiveUp(Outcome::BudgetExhausted);
        }
        if class.retry() == Retry::Immediately && !would_block {
            return Decision::Now;
        }
        let backoff = self
            .backoff
            .get_or_insert_with(|| config.backoff.make_backoff());
        let sleep = backoff.next_backoff();
        // The last wait ends at the deadline: the last retry starts as it passes, not later.
        let end = now + left;
        if sleep.deadline() > end {
            return Decision::After(tokio::time::sleep_until(end));
        }
        Decision::After(sleep)
    }
}

/// Whether an error says that the call did nothing: it would have blocked, or a signal
/// interrupted it before it did anything.
pub(super) fn nothing_happened(code: Option<WsaCode>) -> bool {
    code == Some(WsaCode::WSAEWOULDBLOCK) || code == Some(WsaCode::WSAEINTR)
}

/// Whether bytes may have been sent when `op` fails: everything but connecting, binding,
/// listening, accepting and resolving. A request-level service whose error names no operation
/// is [`Op::Other`]: by the time it fails, its request may have gone out.
pub(super) fn may_have_sent(op: Op) -> bool {
    !matches!(
        op,
        Op::Connect | Op::Bind | Op::Listen | Op::Accept | Op::Resolve
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const WOULD_BLOCK: Option<WsaCode> = Some(WsaCode::WSAEWOULDBLOCK);
    const TIMED_OUT: Option<WsaCode> = Some(WsaCode::WSAETIMEDOUT);

    /// The outcome of one call failing with `code`, advised `retry`, for `op`.
    fn outcome(
        attempts: &mut Attempts,
        config: &mut Config,
        op: Op,
        code: Option<WsaCode>,
        retry: Retry,
    ) -> Outcome {
        let decision = attempts.decide(config, op, code, Classification::new(retry));
        let would_block = matches!(decision, Decision::WouldBlock);
        assert_eq!(would_block, code == WOULD_BLOCK && attempts.failures == 0);
        decision.outcome()
    }

    #[tokio::test]
    async fn would_block_does_not_count() {
        let mut config = Config {
            deadline: Duration::ZERO,
            max_attempts: 1,
            ..Config::default()
        };
        let mut attempts = Attempts::new();
        for _ in 0..3 {
            let got = outcome(
                &mut attempts,
                &mut config,
                Op::Write,
                WOULD_BLOCK,
                Retry::Immediately,
            );
            assert_eq!(got, Outcome::RetryNow);
        }
        assert_eq!(attempts.failures(), 0);
        // A real failure is held to the deadline, which runs from the first call.
        let got = outcome(
            &mut attempts,
            &mut config,
            Op::Connect,
            None,
            Retry::Backoff,
        );
        assert_eq!(got, Outcome::Deadline);
    }

    #[tokio::test]
    async fn past_the_cap_would_block_counts_and_immediate_failures_always_do() {
        let mut config = Config {
            max_immediate: 1,
            max_attempts: 2,
            ..Config::default()
        };
        // Would-block past the cap is a failure, with backoff; a failure advised `immediately`
        // counts from the first.
        let cases = [
            (
                WOULD_BLOCK,
                &[
                    Outcome::RetryNow,
                    Outcome::Retry,
                    Outcome::AttemptsExhausted,
                ][..],
            ),
            (
                TIMED_OUT,
                &[Outcome::RetryNow, Outcome::AttemptsExhausted][..],
            ),
        ];
        for (code, want) in cases {
            let mut attempts = Attempts::new();
            for &want in want {
                let got = outcome(
                    &mut attempts,
                    &mut config,
                    Op::Connect,
                    code,
                    Retry::Immediately,
                );
                assert_eq!(got, want, "{code:?}");
            }
        }
    }

    #[tokio::test]
    async fn nothing_that_may_have_sent_is_repeated_unless_idempotent() {
        for retry in [Retry::Immediately, Retry::Backoff, Retry::Reconnect] {
            for op in [Op::Write, Op::Send, Op::Other] {
                let mut config = Config::default();
                let got = outcome(&mut Attempts::new(), &mut config, op, TIMED_OUT, retry);
                assert_eq!(got, Outcome::NotIdempotent, "{op} {retry:?}");
                config.idempotent = true;
                let got = outcome(&mut Attempts::new(), &mut config, op, TIMED_OUT, retry);
                assert!(got.retries(), "{op} {retry:?}");
            }
        }
    }

    #[cfg(feature = "tracing")]
    #[test]
    fn a_retry_event_carries_the_fields_the_list_gives_it() {
        let mut config = Config::default();
        config.set_observer(Observer::new().no_rate_limit());
        // An error naming no operation, to a policy whose requests are not idempotent: a give-up.
        let err = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let events = crate::observe::fields::tests::fields_of_events(|| {
            config.decide_for(&mut Attempts::new(), &err, None);
        });
        assert_eq!(
            events,
            [crate::observe::fields::tests::carried_by_events(
                "retry",
                "retry_span"
            )]
        );
    }
}
