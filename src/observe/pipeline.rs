//! What an observer does with an error: map, classify, count, emit, record. The observer's
//! construction (the type, its settings and its setters) is in `builder.rs`.

use std::error::Error;
use std::fmt;
use std::io;

use crate::classify::{Classification, Op};
use crate::code::WsaCode;
#[cfg(feature = "tracing")]
use crate::code::{Entry, Retry};
use crate::map::Mapping;

#[cfg(feature = "tracing")]
use super::{event, limit, Level};
use super::{otel, Observer, Peer};

/// What was seen: the mapping, its class and the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The error in Windows Sockets terms.
    pub mapping: Mapping,
    /// Its category and retry advice for `op`.
    pub class: Classification,
    /// The operation that failed.
    pub op: Op,
}

impl Observation {
    /// The code, if one was found.
    pub fn code(&self) -> Option<WsaCode> {
        self.mapping.code()
    }

    /// OpenTelemetry's `error.type` for this error: snake_case, `_OTHER` when no name applies.
    pub fn error_type(&self) -> &'static str {
        otel::error_type(self.mapping.entry())
    }
}

impl Observer {
    /// Emits a summary event for every code whose events the rate limit dropped since its
    /// last summary, such as before shutting down. Returns how many events were dropped.
    #[cfg(feature = "tracing")]
    pub fn flush_suppressed(&self) -> u64 {
        // A default limit no event has met yet has suppressed nothing: it is not made here.
        let Some(limit) = self.inner.limit.made() else {
            return 0;
        };
        limit
            .drain()
            .map(|(code, n)| {
                event::suppressed(self.inner.levels.transient, code, n, limit.interval());
                n
            })
            .sum()
    }

    /// Maps and classifies without emitting or counting.
    #[inline]
    pub(crate) fn observation(&self, mapping: Mapping, op: Op) -> Observation {
        Observation {
            mapping,
            class: self.inner.classifier.class_of(&mapping, op),
            op,
        }
    }

    /// Observes an `io::Error` from `op` towards `peer`: maps, classifies, emits, counts.
    #[cold]
    #[inline(never)]
    pub fn observe_io(&self, err: &io::Error, op: Op, peer: &Peer) -> Observation {
        let obs = self.observation(Mapping::from_io_error(err), op);
        self.emit(&obs, peer, err);
        obs
    }

    /// Observes any error, walking its chain to the `io::Error` inside. Errors with none are
    /// counted in the unknown bucket.
    #[cold]
    #[inline(never)]
    pub fn observe_error(&self, err: &(dyn Error + 'static), op: Op, peer: &Peer) -> Observation {
        let mapping = Mapping::from_error(err).unwrap_or_else(Mapping::unmapped);
        let obs = self.observation(mapping, op);
        self.emit(&obs, peer, &Chain(err));
        obs
    }

    #[allow(unused_variables)]
    #[inline(always)]
    fn emit(&self, obs: &Observation, peer: &Peer, err: &dyn fmt::Display) {
        #[cfg(feature = "metrics")]
        self.inner
            .counters
            .count_errors(obs.mapping.entry(), obs.class.category(), obs.op);
        #[cfg(feature = "metrics")]
        if self.inner.peers != 0 {
            if let Some(key) = peer_key(peer) {
                let peer = crate::metrics::Counted {
                    peer: &key,
                    max: self.inner.peers,
                };
                self.inner
                    .counters
                    .count_peer_errors(peer, obs.mapping.entry());
            }
        }
        #[cfg(feature = "tracing")]
        {
            if self.inner.on_event {
                let level = self.level(obs);
                // The check every event makes first, here without a call: when nothing in the
                // process listens at this level, there is no callsite to visit and nothing to
                // hold against the limit.
                if level <= tracing::level_filters::LevelFilter::current()
                    && self.admit(level, obs.mapping.entry())
                {
                    event::event(level, self.inner.event_fields, obs, peer, err);
                }
            }
            if self.inner.on_span {
                event::record(&tracing::Span::current(), obs, peer);
            }
        }
    }

    /// Whether an event about `code` at `level` is to be emitted: someone wants it and the
    /// rate limit lets it through. A summary of what the limit dropped goes out first.
    #[cfg(feature = "tracing")]
    #[inline]
    pub(crate) fn admit(&self, level: Level, entry: Option<Entry>) -> bool {
        match self.inner.limit.get() {
            None => true,
            Some(limit) => self.admit_limited(limit, level, entry),
        }
    }

    #[cfg(feature = "tracing")]
    #[inline(never)]
    fn admit_limited(&self, limit: &limit::RateLimit, level: Level, entry: Option<Entry>) -> bool {
        // An event nobody would record is not held against the limit.
        if !event::enabled(level) {
            return false;
        }
        match limit.admit(entry) {
            limit::Admit::Emit { suppressed: 0 } => true,
            limit::Admit::Emit { suppressed } => {
                let transient = self.inner.levels.transient;
                event::suppressed(transient, entry, suppressed, limit.interval());
                true
            }
            limit::Admit::Suppress => {
                #[cfg(feature = "metrics")]
                self.inner.counters.count_suppressed(entry);
                false
            }
        }
    }

    #[cfg(feature = "tracing")]
    fn level(&self, obs: &Observation) -> Level {
        let levels = &self.inner.levels;
        match obs.class.retry() {
            Retry::Immediately | Retry::Ignore => levels.routine,
            Retry::Backoff | Retry::Reconnect => levels.transient,
            Retry::Never => levels.fatal,
        }
    }
}

/// How `<prefix>_peer_errors_total` tells `peer` apart from other peers: by address or host
/// name, and port. A peer with neither is not counted there.
#[cfg(feature = "metrics")]
fn peer_key(peer: &Peer) -> Option<crate::metrics::PeerKey> {
    use crate::metrics::PeerKey;
    Some(match peer.host()? {
        super::Host::Ip(ip) => PeerKey::Ip(ip, peer.port()),
        super::Host::Name(name) => PeerKey::Name(name, peer.port()),
    })
}

/// An error and its sources, `outer: inner: innermost`, formatted only when recorded.
struct Chain<'a>(&'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut next = self.0.source();
        for _ in 0..32 {
            let Some(err) = next else { break };
            write!(f, ": {err}")?;
            next = err.source();
        }
        Ok(())
    }
}
