//! One error's way through a policy: classified with the observer, decided on, then
//! reported. Every retry and every give-up is an event through the observer's rate limit, a
//! count under its prefix, and on a give-up the attempts and the reason on the current span.

use super::config::{Attempts, Config, Decision};
use crate::classify::Op;
use crate::map::Mapping;
use crate::observe::Observation;

impl Config {
    /// Classifies with the observer, decides, then reports. The operation is the one the
    /// error names where it names one ([`Op::from_error`]), the policy's otherwise.
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
        report(self, &seen, &decision, attempts);
        decision
    }
}

#[allow(unused_variables)]
fn report(config: &Config, seen: &Observation, decision: &Decision, attempts: &Attempts) {
    let outcome = decision.outcome();
    let entry = seen.mapping.entry();
    #[cfg(feature = "metrics")]
    config
        .observer
        .counters()
        .count_retries(entry, seen.op, outcome);
    #[cfg(feature = "tracing")]
    {
        use super::Outcome;
        use tracing::Level;
        let level = match decision {
            Decision::WouldBlock => Level::TRACE,
            Decision::Now | Decision::After(_) => Level::DEBUG,
            // Nothing failed: DEBUG, as for a retry, not the WARN of a give-up.
            Decision::GiveUp(Outcome::Benign) => Level::DEBUG,
            Decision::GiveUp(_) => Level::WARN,
        };
        if let Decision::GiveUp(_) = decision {
            let span = tracing::Span::current();
            span.record("wsa.attempts", attempts.calls());
            span.record("wsa.outcome", outcome.as_str());
        }
        if !config.observer.admit(level, entry) {
            return;
        }
        let symbol = seen.mapping.label();
        let raw = seen.code().map(|c| c.raw());
        let op = seen.op.as_str();
        let category = seen.class.category().as_str();
        let retry = seen.class.retry().as_str();
        // The fields every retry event carries, then the event's own.
        macro_rules! retry_event {
            ($level:expr, $($own:tt)+) => {
                tracing::event!(
                    target: crate::observe::TARGET,
                    $level,
                    wsa.code = raw,
                    wsa.symbol = symbol,
                    wsa.category = category,
                    wsa.retry = retry,
                    wsa.op = op,
                    wsa.outcome = outcome.as_str(),
                    wsa.attempts = attempts.calls(),
                    $($own)+
                )
            };
        }
        match decision {
            Decision::WouldBlock => {
                retry_event!(Level::TRACE, "retrying socket operation at once")
            }
            Decision::Now => retry_event!(Level::DEBUG, "retrying socket operation at once"),
            Decision::After(sleep) => retry_event!(
                Level::DEBUG,
                wsa.delay_ms = sleep
                    .deadline()
                    .saturating_duration_since(tokio::time::Instant::now())
                    .as_millis() as u64,
                "retrying socket operation after a delay"
            ),
            Decision::GiveUp(Outcome::Benign) => {
                retry_event!(Level::DEBUG, "not retrying benign socket error")
            }
            Decision::GiveUp(_) => retry_event!(Level::WARN, "giving up on socket operation"),
        }
    }
}
