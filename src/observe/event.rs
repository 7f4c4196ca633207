//! The tracing event, and the same fields recorded on a span.

use std::time::Duration;

use tracing::{Level, Span};

use crate::code::{Entry, UNKNOWN_LABEL};

use super::{otel, Observation, Peer};

/// The target of every event this crate emits.
pub const TARGET: &str = "wsa_trace";

macro_rules! emit_at {
    ($level:expr, $($fields:tt)+) => {
        match $level {
            Level::ERROR => tracing::event!(target: TARGET, Level::ERROR, $($fields)+),
            Level::WARN => tracing::event!(target: TARGET, Level::WARN, $($fields)+),
            Level::INFO => tracing::event!(target: TARGET, Level::INFO, $($fields)+),
            Level::DEBUG => tracing::event!(target: TARGET, Level::DEBUG, $($fields)+),
            _ => tracing::event!(target: TARGET, Level::TRACE, $($fields)+),
        }
    };
}

pub(super) fn event(level: Level, obs: &Observation, peer: &Peer, error: &dyn std::fmt::Display) {
    let m = &obs.mapping;
    let info = m.entry().map(Entry::info);
    emit_at!(
        level,
        wsa.code = info.map(|i| i.code.raw()),
        wsa.symbol = info.map_or(UNKNOWN_LABEL, |i| i.name),
        wsa.category = obs.class.category().as_str(),
        wsa.retry = obs.class.retry().as_str(),
        wsa.message = info.map(|i| i.message),
        wsa.description = info.map(|i| i.description),
        wsa.op = obs.op.as_str(),
        wsa.os_code = m.os_code(),
        wsa.os_name = m.os_name(),
        wsa.kind = ?m.kind(),
        error.type = otel::error_type(m.entry()),
        server.address = peer.name(),
        network.peer.address = peer.ip().map(tracing::field::display),
        network.peer.port = peer.port().map(i64::from),
        network.transport = peer.transport().map(|t| t.as_str()),
        error = %error,
        "socket operation failed"
    );
}

/// Whether any subscriber wants events of this crate at `level`.
pub(super) fn enabled(level: Level) -> bool {
    match level {
        Level::ERROR => tracing::enabled!(target: TARGET, Level::ERROR),
        Level::WARN => tracing::enabled!(target: TARGET, Level::WARN),
        Level::INFO => tracing::enabled!(target: TARGET, Level::INFO),
        Level::DEBUG => tracing::enabled!(target: TARGET, Level::DEBUG),
        _ => tracing::enabled!(target: TARGET, Level::TRACE),
    }
}

pub(super) fn suppressed(level: Level, entry: Option<Entry>, n: u64, interval: Duration) {
    let info = entry.map(Entry::info);
    emit_at!(
        level,
        wsa.code = info.map(|i| i.code.raw()),
        wsa.symbol = info.map_or(UNKNOWN_LABEL, |i| i.name),
        wsa.suppressed = n,
        wsa.interval_ms = interval.as_millis() as u64,
        "socket error events suppressed by the rate limit"
    );
}

pub(super) fn record(span: &Span, obs: &Observation, peer: &Peer) {
    if span.is_disabled() {
        return;
    }
    let m = &obs.mapping;
    let info = m.entry().map(Entry::info);
    span.record("wsa.code", info.map(|i| i.code.raw()));
    span.record("wsa.symbol", info.map_or(UNKNOWN_LABEL, |i| i.name));
    span.record("wsa.category", obs.class.category().as_str());
    span.record("wsa.retry", obs.class.retry().as_str());
    span.record("wsa.message", info.map(|i| i.message));
    span.record("wsa.description", info.map(|i| i.description));
    span.record("wsa.op", obs.op.as_str());
    span.record("wsa.os_code", m.os_code());
    span.record("wsa.os_name", m.os_name());
    span.record("wsa.kind", tracing::field::debug(m.kind()));
    span.record("error.type", otel::error_type(m.entry()));
    span.record("server.address", peer.name());
    span.record(
        "network.peer.address",
        peer.ip().map(tracing::field::display),
    );
    span.record("network.peer.port", peer.port().map(i64::from));
    span.record("network.transport", peer.transport().map(|t| t.as_str()));
}
