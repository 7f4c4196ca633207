//! The tracing event, and the same fields recorded on a span.

use std::time::Duration;

use tracing::{Level, Span};

use crate::code::Entry;

use super::fields::{rows_naming, values};
use super::{EventFields, Observation, Peer};

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

/// The error event: the list's `error` and `event` groups, and its `detail` group too when
/// `$all` is true.
macro_rules! error_event {
    (
        { $level:expr, $all:expr, $obs:ident, $peer:ident, $err:ident }
        error: { $([$($name:ident).+] $value:ident $example:literal $meaning:literal $($also:ident)*;)* }
        detail: { $([$($dname:ident).+] $dvalue:ident $dexample:literal $dmeaning:literal;)* }
        event: { $([$($ename:ident).+] $evalue:ident $eexample:literal $emeaning:literal;)* }
        $($rest:tt)*
    ) => {
        if $all {
            emit_at!(
                $level,
                $($($name).+ = values::$value($obs, $peer),)*
                $($($dname).+ = values::$dvalue($obs, $peer),)*
                $($($ename).+ = values::$evalue($err),)*
                "socket operation failed"
            )
        } else {
            emit_at!(
                $level,
                $($($name).+ = values::$value($obs, $peer),)*
                $($($ename).+ = values::$evalue($err),)*
                "socket operation failed"
            )
        }
    };
}

/// The span recording: every field of the list's `error` and `detail` groups.
macro_rules! record_fields {
    (
        { $span:ident, $obs:ident, $peer:ident }
        error: { $([$($name:ident).+] $value:ident $example:literal $meaning:literal $($also:ident)*;)* }
        detail: { $([$($dname:ident).+] $dvalue:ident $dexample:literal $dmeaning:literal;)* }
        $($rest:tt)*
    ) => {
        $($span.record(stringify!($($name).+), values::$value($obs, $peer));)*
        $($span.record(stringify!($($dname).+), values::$dvalue($obs, $peer));)*
    };
}

pub(super) fn event(
    level: Level,
    fields: EventFields,
    obs: &Observation,
    peer: &Peer,
    error: &dyn std::fmt::Display,
) {
    let all = matches!(fields, EventFields::All);
    crate::__wsa_fields!([error_event] { level, all, obs, peer, error });
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

/// The value of each field the rate limit's summary carries, for the summary of `n` events
/// of `entry` dropped in an interval of `interval`.
mod summary_values {
    use std::time::Duration;

    use crate::code::{Entry, UNKNOWN_LABEL};

    pub(super) fn code(entry: Option<Entry>, _: u64, _: Duration) -> Option<i32> {
        entry.map(|e| e.info().code.raw())
    }

    pub(super) fn symbol(entry: Option<Entry>, _: u64, _: Duration) -> &'static str {
        entry.map_or(UNKNOWN_LABEL, |e| e.info().name)
    }

    pub(super) fn suppressed(_: Option<Entry>, n: u64, _: Duration) -> u64 {
        n
    }

    pub(super) fn interval_ms(_: Option<Entry>, _: u64, interval: Duration) -> u64 {
        interval.as_millis() as u64
    }
}

/// The rate limit's summary at `[level]` for `[entry n interval]`: the fields of the list's
/// rows that name `summary`, then its `summary` group.
macro_rules! summary_event {
    (
        { $level:ident [$entry:ident $n:ident $interval:ident] }
        [$([$($name:ident).+] $value:ident)*]
        detail: $detail:tt
        event: $event:tt
        retry_span: $retry_span:tt
        retry_event: $retry_event:tt
        summary: { $([$($sname:ident).+] $svalue:ident $sexample:literal $smeaning:literal;)* }
        $($rest:tt)*
    ) => {
        emit_at!(
            $level,
            $($($name).+ = summary_values::$value($entry, $n, $interval),)*
            $($($sname).+ = summary_values::$svalue($entry, $n, $interval),)*
            "socket error events suppressed by the rate limit"
        )
    };
}

pub(super) fn suppressed(level: Level, entry: Option<Entry>, n: u64, interval: Duration) {
    crate::__wsa_fields!([rows_naming] {
        summary [summary_event] { level [entry n interval] } []
    });
}

pub(super) fn record(span: &Span, obs: &Observation, peer: &Peer) {
    if span.is_disabled() {
        return;
    }
    crate::__wsa_fields!([record_fields] { span, obs, peer });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::WsaCode;
    use crate::observe::fields::tests::{carried_by_events, fields_of_events};

    #[test]
    fn a_summary_carries_the_fields_the_list_gives_it() {
        let entry = Entry::of(WsaCode::WSAECONNRESET);
        let interval = Duration::from_secs(1);
        let events = fields_of_events(|| suppressed(Level::WARN, entry, 3, interval));
        assert_eq!(events, [carried_by_events("summary", "summary")]);
    }
}
