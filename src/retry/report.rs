//! What a policy reports of one decision: a count under the observer's prefix, and an event
//! through the observer's rate limit, with, on a give-up, the attempts and the reason on the
//! current span. The event's fields are the field list's (see
//! [`observe`](crate::observe#fields)): its rows that name `retry`, then its `retry_span`
//! group.

use super::decision::Decision;
use crate::observe::{Observation, Observer};

/// Counts and reports `decision`, made after `calls` calls for the error `seen`.
#[allow(unused_variables)]
pub(super) fn report(observer: &Observer, seen: &Observation, decision: &Decision, calls: u32) {
    let outcome = decision.outcome();
    let entry = seen.mapping.entry();
    #[cfg(feature = "metrics")]
    observer.counters().count_retries(entry, seen.op, outcome);
    #[cfg(feature = "tracing")]
    event::report(observer, seen, decision, calls);
}

#[cfg(feature = "tracing")]
mod event {
    use tracing::Level;

    use super::{Decision, Observation, Observer};
    use crate::observe::fields::{names, rows_naming, values};
    use crate::observe::{Peer, TARGET};
    use crate::retry::Outcome;

    /// The peer of a retry event's fields: none, as the event carries none of the peer's.
    const NO_PEER: Peer = Peer::unknown();

    /// The value of each field of the list's `retry_span` group.
    mod span_values {
        use super::Decision;

        pub(super) fn outcome(decision: &Decision, _: u32) -> &'static str {
            decision.outcome().as_str()
        }

        pub(super) fn attempts(_: &Decision, calls: u32) -> u32 {
            calls
        }
    }

    /// A retry event at `[level]` for `[seen decision calls]`, with the fields of the list's
    /// rows that name `retry`, then those of its `retry_span` group, then `[own]`.
    macro_rules! retry_event_fields {
        (
            { [$($level:tt)+] [$seen:ident $decision:ident $calls:ident] [$($own:tt)+] }
            [$([$($name:ident).+] $value:ident)*]
            detail: $detail:tt
            event: $event:tt
            retry_span: { $([$($rname:ident).+] $rvalue:ident $rexample:literal $rmeaning:literal;)* }
            $($rest:tt)*
        ) => {
            tracing::event!(
                target: TARGET,
                $($level)+,
                $($($name).+ = values::$value($seen, &NO_PEER),)*
                $($($rname).+ = span_values::$rvalue($decision, $calls),)*
                $($own)+
            )
        };
    }

    pub(super) fn report(observer: &Observer, seen: &Observation, decision: &Decision, calls: u32) {
        let level = match decision {
            Decision::WouldBlock => Level::TRACE,
            Decision::Now | Decision::After(_) => Level::DEBUG,
            // Nothing failed: DEBUG, as for a retry, not the WARN of a give-up.
            Decision::GiveUp(Outcome::Benign) => Level::DEBUG,
            Decision::GiveUp(_) => Level::WARN,
        };
        if let Decision::GiveUp(_) = decision {
            let span = tracing::Span::current();
            span.record(names::attempts, span_values::attempts(decision, calls));
            span.record(names::outcome, span_values::outcome(decision, calls));
        }
        if !observer.admit(level, seen.mapping.entry()) {
            return;
        }
        macro_rules! retry_event {
            ($level:expr, $($own:tt)+) => {
                crate::__wsa_fields!([rows_naming] {
                    retry [retry_event_fields] { [$level] [seen decision calls] [$($own)+] } []
                })
            };
        }
        match decision {
            Decision::WouldBlock => {
                retry_event!(Level::TRACE, "retrying socket operation at once")
            }
            Decision::Now => retry_event!(Level::DEBUG, "retrying socket operation at once"),
            Decision::After(sleep) => retry_event!(
                Level::DEBUG,
                { names::delay_ms } = sleep
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
