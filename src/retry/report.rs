//! Every retry and every give-up: an event and a count.

use super::config::{Config, Decision};
use crate::code::WsaCode;

#[allow(unused_variables)]
pub(super) fn report(config: &Config, code: Option<WsaCode>, decision: &Decision, failures: u32) {
    let outcome = decision.outcome();
    #[cfg(feature = "metrics")]
    config.counters.increment(code, config.op, outcome);
    #[cfg(feature = "tracing")]
    {
        let symbol = code.map_or(crate::UNKNOWN_LABEL, WsaCode::label);
        let op = config.op.as_str();
        match decision {
            Decision::Now => tracing::event!(
                target: crate::observe::TARGET,
                tracing::Level::TRACE,
                wsa.symbol = symbol,
                wsa.op = op,
                wsa.outcome = outcome.as_str(),
                "retrying socket operation at once"
            ),
            Decision::After(sleep) => tracing::event!(
                target: crate::observe::TARGET,
                tracing::Level::DEBUG,
                wsa.symbol = symbol,
                wsa.op = op,
                wsa.outcome = outcome.as_str(),
                wsa.attempt = failures,
                wsa.delay_ms = sleep
                    .deadline()
                    .saturating_duration_since(tokio::time::Instant::now())
                    .as_millis() as u64,
                "retrying socket operation after a delay"
            ),
            Decision::GiveUp(_) => tracing::event!(
                target: crate::observe::TARGET,
                tracing::Level::WARN,
                wsa.symbol = symbol,
                wsa.op = op,
                wsa.outcome = outcome.as_str(),
                wsa.attempt = failures,
                "giving up on socket operation"
            ),
        }
    }
}
