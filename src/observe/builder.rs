//! The observer's construction: the type, its settings and the by-value setters that change
//! them. What an observer does with an error (map, classify, count, emit, record) is in
//! `pipeline.rs`.

use std::fmt;
use std::sync::Arc;

use crate::classify::{Classification, Classify, DefaultClassifier, Op};
use crate::map::Mapping;

#[cfg(feature = "tracing")]
use super::{limit, Level};

/// Maps, classifies, emits and counts: the one source of truth for the classifier, the event
/// levels, the rate limit and the counter names. Give the same observer to the connector
/// layer, the streams, the retry policy, the accept guard and the UDP socket, so that the class
/// an event shows is the class the policy acts on.
///
/// Creating one with [`Observer::new`] and cloning one allocate nothing (after the first
/// observer of the process): the settings sit behind one shared pointer, and the counter
/// handles belong to the process, one table per prefix. Make one at start-up and clone it.
///
/// The setters (from [`classifier`](Observer::classifier) on) make an observer; what it does
/// with an error is [`observe_io`](Observer::observe_io), [`observe_error`](Observer::observe_error)
/// and, for the rate limit,
/// [`flush_suppressed`](Observer::flush_suppressed).
///
/// ```
/// # #[cfg(all(feature = "tracing", feature = "metrics"))] {
/// use wsa_trace::observe::{Level, Observer};
/// use wsa_trace::{Classification, DefaultClassifier, WsaCode};
///
/// let observer = Observer::new()
///     .classifier(DefaultClassifier::new().with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL))
///     .level_transient(Level::INFO)
///     .metrics_prefix("myapp")?
///     .record_on_span(true);
/// # let _ = observer;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Observer {
    pub(super) inner: Arc<Inner>,
}

#[derive(Clone)]
pub(super) struct Inner {
    pub(super) classifier: Classifier,
    #[cfg(feature = "tracing")]
    pub(super) levels: Levels,
    #[cfg(feature = "tracing")]
    pub(super) on_event: bool,
    #[cfg(feature = "tracing")]
    pub(super) on_span: bool,
    #[cfg(feature = "tracing")]
    pub(super) event_fields: EventFields,
    #[cfg(feature = "tracing")]
    pub(super) limit: limit::Limit,
    #[cfg(feature = "metrics")]
    pub(super) counters: &'static crate::metrics::Counters,
    /// How many peers may take a slot of `<prefix>_peer_errors_total`; 0 when off.
    #[cfg(feature = "metrics")]
    pub(super) peers: usize,
}

/// The built-in classifier, held without a pointer of its own, or the user's.
#[derive(Clone)]
pub(super) enum Classifier {
    Default(DefaultClassifier),
    Custom(Arc<dyn Classify + Send + Sync>),
}

impl Classifier {
    #[inline]
    pub(super) fn class_of(&self, mapping: &Mapping, op: Op) -> Classification {
        match self {
            Classifier::Default(c) => c.class_of_entry(mapping.entry(), op),
            Classifier::Custom(c) => c.class_of(mapping.code(), op),
        }
    }
}

/// Which fields an error event carries. A span made with [`socket_span!`](crate::socket_span)
/// gets every field whichever is chosen (see [`Observer::record_on_span`]).
///
/// Each field costs the subscriber a formatting step; with the `fmt` subscriber most of an
/// event's cost is its fields, so the default carries what a reader of the log needs and
/// leaves the rest to spans and counters.
#[cfg(feature = "tracing")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventFields {
    /// `wsa.code`, `wsa.symbol`, `wsa.category`, `wsa.retry`, `wsa.description`, `wsa.op`,
    /// the peer where it is known (`network.peer.address`, or `server.address` for a host
    /// name, and `network.peer.port`; absent, not empty, for
    /// [`Peer::unknown()`](crate::observe::Peer::unknown)) and `error` (whose text carries the
    /// native code, such as `(os error 104)`). The default.
    #[default]
    Essential,
    /// Every field of the [list](crate::observe#fields): the essential ones, and
    /// `network.transport`, `wsa.message`, `wsa.os_code`, `wsa.os_name`, `wsa.kind` and
    /// `error.type`. For logs read without the span, and for pipelines that read those
    /// fields from events, such as an OpenTelemetry exporter of log records.
    All,
}

#[cfg(feature = "tracing")]
#[derive(Clone, Copy, Debug)]
pub(super) struct Levels {
    pub(super) routine: Level,
    pub(super) transient: Level,
    pub(super) fatal: Level,
}

impl Default for Observer {
    fn default() -> Self {
        Observer::new()
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Observer");
        #[cfg(feature = "tracing")]
        d.field("levels", &self.inner.levels)
            .field("on_event", &self.inner.on_event)
            .field("on_span", &self.inner.on_span)
            .field("event_fields", &self.inner.event_fields)
            .field("rate_limit", &self.inner.limit.settings());
        #[cfg(feature = "metrics")]
        d.field("counter", &self.inner.counters.name())
            .field("peers", &self.inner.peers);
        d.finish_non_exhaustive()
    }
}

impl Observer {
    /// How many events per code the default rate limit lets through in each
    /// [`DEFAULT_RATE_INTERVAL`](Observer::DEFAULT_RATE_INTERVAL).
    #[cfg(feature = "tracing")]
    pub const DEFAULT_RATE_LIMIT: u32 = 10;

    /// The interval of the default rate limit.
    #[cfg(feature = "tracing")]
    pub const DEFAULT_RATE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

    /// The built-in classifier, an event per error at the default levels, no span recording,
    /// the default rate limit and counters named `wsa_socket_errors_total` and so on.
    ///
    /// # The default rate limit
    ///
    /// Every observer emits at most [`DEFAULT_RATE_LIMIT`](Observer::DEFAULT_RATE_LIMIT)
    /// events per code in each [`DEFAULT_RATE_INTERVAL`](Observer::DEFAULT_RATE_INTERVAL) (10
    /// a second) unless it is given a limit of its own with
    /// [`rate_limit`](Observer::rate_limit) or lifted with
    /// [`no_rate_limit`](Observer::no_rate_limit). What is dropped is counted in
    /// `<prefix>_suppressed_events_total` and reported by a summary event; the error counters
    /// stay exact.
    ///
    /// An observer and its clones share one limit. `Observer::new()` returns a clone of the
    /// process's default observer, so every unconfigured observer, the ones the wrappers make
    /// for themselves included, shares one limit for the whole process: a storm of resets
    /// over many connections logs a few lines a second, not one per error. An observer whose
    /// settings are changed (any builder method) is a new observer, with a default limit of
    /// its own; a limit set with `rate_limit` is kept by the observers configured from it.
    pub fn new() -> Self {
        static DEFAULT: std::sync::OnceLock<Observer> = std::sync::OnceLock::new();
        DEFAULT
            .get_or_init(|| Observer {
                inner: Arc::new(Inner {
                    classifier: Classifier::Default(DefaultClassifier::new()),
                    #[cfg(feature = "tracing")]
                    levels: Levels {
                        routine: Level::DEBUG,
                        transient: Level::WARN,
                        fatal: Level::ERROR,
                    },
                    #[cfg(feature = "tracing")]
                    on_event: true,
                    #[cfg(feature = "tracing")]
                    on_span: false,
                    #[cfg(feature = "tracing")]
                    event_fields: EventFields::Essential,
                    #[cfg(feature = "tracing")]
                    limit: limit::Limit::default_of(
                        Observer::DEFAULT_RATE_LIMIT,
                        Observer::DEFAULT_RATE_INTERVAL,
                    ),
                    #[cfg(feature = "metrics")]
                    counters: crate::metrics::Counters::default_prefix(),
                    #[cfg(feature = "metrics")]
                    peers: 0,
                }),
            })
            .clone()
    }

    /// The settings, to change: copied first if another observer shares them.
    fn set(&mut self) -> &mut Inner {
        Arc::make_mut(&mut self.inner)
    }

    /// Classifies with `classifier`. Defaults to [`DefaultClassifier::new()`].
    pub fn classifier<C>(mut self, classifier: C) -> Self
    where
        C: Classify + Send + Sync + 'static,
    {
        self.set().classifier = Classifier::Custom(Arc::new(classifier));
        self
    }

    /// The level of events for routine errors, those where nothing failed: the errors
    /// advised [`Retry::Immediately`](crate::code::Retry::Immediately) (would-block,
    /// interrupted, an ICMP error for an earlier datagram) and the benign ones
    /// ([`Retry::Ignore`](crate::code::Retry::Ignore)). Defaults to `DEBUG`.
    #[cfg(feature = "tracing")]
    pub fn level_routine(mut self, level: Level) -> Self {
        self.set().levels.routine = level;
        self
    }

    /// The level of events for other transient errors. Defaults to `WARN`.
    #[cfg(feature = "tracing")]
    pub fn level_transient(mut self, level: Level) -> Self {
        self.set().levels.transient = level;
        self
    }

    /// The level of events for fatal errors. Defaults to `ERROR`.
    #[cfg(feature = "tracing")]
    pub fn level_fatal(mut self, level: Level) -> Self {
        self.set().levels.fatal = level;
        self
    }

    /// Whether to emit an event per error. Defaults to `true`.
    #[cfg(feature = "tracing")]
    pub fn emit_event(mut self, yes: bool) -> Self {
        self.set().on_event = yes;
        self
    }

    /// Which fields each error event carries: [`EventFields::Essential`] (the default) or
    /// [`EventFields::All`].
    ///
    /// ```
    /// use wsa_trace::observe::{EventFields, Observer};
    ///
    /// // An OpenTelemetry log pipeline that reads `error.type` and `network.transport`.
    /// let observer = Observer::new().event_fields(EventFields::All);
    /// # let _ = observer;
    /// ```
    #[cfg(feature = "tracing")]
    pub fn event_fields(mut self, fields: EventFields) -> Self {
        self.set().event_fields = fields;
        self
    }

    /// Whether to record the fields on the current span as well. The span must declare
    /// them: create it with [`socket_span!`](crate::socket_span). Defaults to `false`.
    #[cfg(feature = "tracing")]
    pub fn record_on_span(mut self, yes: bool) -> Self {
        self.set().on_span = yes;
        self
    }

    /// Emits at most `per` events for each code in each `interval`; the rest are dropped and
    /// counted, and a summary event (`wsa.suppressed`, at the transient level) reports them
    /// when that code's next event is let through, or on
    /// [`flush_suppressed`](Observer::flush_suppressed). Events no subscriber would record do
    /// not count against the limit. Retry events of a policy given this observer share the
    /// same limit, as do the observer's clones and the observers configured from it. Counters
    /// stay exact whatever is dropped. Defaults to
    /// [`DEFAULT_RATE_LIMIT`](Observer::DEFAULT_RATE_LIMIT) events per code per second (see
    /// [`Observer::new`] for whom it is shared by).
    ///
    /// ```
    /// use std::time::Duration;
    /// use wsa_trace::Observer;
    ///
    /// // A limit of this observer's own, more generous than the default.
    /// let observer = Observer::new().rate_limit(100, Duration::from_secs(1));
    /// # let _ = observer;
    /// ```
    #[cfg(feature = "tracing")]
    pub fn rate_limit(mut self, per: u32, interval: std::time::Duration) -> Self {
        self.set().limit = limit::Limit::Set(Arc::new(limit::RateLimit::new(per, interval)));
        self
    }

    /// Lifts the rate limit: an event for every error, however many. For tests that count
    /// events, and for logs that a peer cannot flood. Undone by
    /// [`rate_limit`](Observer::rate_limit).
    ///
    /// ```
    /// use wsa_trace::Observer;
    ///
    /// let observer = Observer::new().no_rate_limit();
    /// # let _ = observer;
    /// ```
    #[cfg(feature = "tracing")]
    pub fn no_rate_limit(mut self) -> Self {
        self.set().limit = limit::Limit::Off;
        self
    }

    /// Names the counters `<prefix>_socket_errors_total`, `<prefix>_retries_total` and so on.
    /// Defaults to `wsa`. The prefix must be a valid Prometheus metric name
    /// (`[a-zA-Z_:][a-zA-Z0-9_:]*`), so that the names published are the names
    /// [`counter_name`](Observer::counter_name) gives; anything else is refused. A process
    /// keeps counters for at most [`MAX_PREFIXES`](crate::metrics::MAX_PREFIXES) prefixes
    /// besides `wsa`, for its whole life: past that, a prefix not used before is refused too.
    ///
    /// ```
    /// use wsa_trace::Observer;
    ///
    /// let observer = Observer::new().metrics_prefix("myapp")?;
    /// assert_eq!(observer.counter_name(), "myapp_socket_errors_total");
    /// assert!(Observer::new().metrics_prefix("my-app").is_err());
    /// assert!(Observer::new().metrics_prefix("1abc").is_err());
    /// assert!(Observer::new().metrics_prefix("").is_err());
    /// # Ok::<(), wsa_trace::metrics::InvalidPrefix>(())
    /// ```
    #[cfg(feature = "metrics")]
    pub fn metrics_prefix(mut self, prefix: &str) -> Result<Self, crate::metrics::InvalidPrefix> {
        let counters = crate::metrics::Counters::of(prefix)?;
        self.set().counters = counters;
        Ok(self)
    }

    /// Counts each error with a known peer in `<prefix>_peer_errors_total{peer,code}` as well,
    /// for the first `max` peers of the prefix (at most [`MAX_PEERS`](crate::metrics::MAX_PEERS));
    /// every later peer counts under `peer="_other"`. A peer keeps its slot for the life of the
    /// process. `max` of 0 turns it off. Defaults to off; [`DEFAULT_PEERS`] (64) is a good
    /// `max`. The policy is in the [metrics docs](crate::metrics#per-peer-counts).
    ///
    /// [`DEFAULT_PEERS`]: crate::metrics::DEFAULT_PEERS
    ///
    /// ```
    /// use wsa_trace::metrics::DEFAULT_PEERS;
    /// use wsa_trace::Observer;
    ///
    /// let observer = Observer::new().count_peers(DEFAULT_PEERS);
    /// # let _ = observer;
    /// ```
    #[cfg(feature = "metrics")]
    pub fn count_peers(mut self, max: usize) -> Self {
        self.set().peers = max.min(crate::metrics::MAX_PEERS);
        self
    }

    /// The full name of the error counter.
    #[cfg(feature = "metrics")]
    pub fn counter_name(&self) -> &str {
        self.inner.counters.name()
    }

    /// The counters of this observer's prefix.
    #[cfg(all(
        feature = "metrics",
        any(feature = "retry", feature = "net", feature = "layer")
    ))]
    pub(crate) fn counters(&self) -> &'static crate::metrics::Counters {
        self.inner.counters
    }
}
