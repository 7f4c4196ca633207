//! What happens when an error is seen: one tracing event with structured fields, the same
//! fields on the current span if asked, and one count on the per-code counter. The caller
//! then gets its original error back, untouched.
//!
//! ```
//! use std::io;
//! use wsa_trace::observe::{Observer, Peer};
//! use wsa_trace::{Op, Retry, WsaCode};
//!
//! let observer = Observer::new();
//! let err = io::Error::from(io::ErrorKind::ConnectionRefused);
//! let seen = observer.observe_io(&err, Op::Connect, &Peer::unknown());
//! assert_eq!(seen.code(), Some(WsaCode::WSAECONNREFUSED));
//! assert_eq!(seen.class.retry, Retry::Backoff);
//! ```
//!
//! # Fields
//!
//! Every event has these fields (absent where unknown); [`socket_span!`](crate::socket_span)
//! declares the same ones on a span so that [`Observer::record_on_span`] can fill them.
//!
//! | field | example | meaning |
//! |---|---|---|
//! | `wsa.code` | `10054` | the Windows Sockets code |
//! | `wsa.symbol` | `WSAECONNRESET` | its symbol, `UNKNOWN` when there is none |
//! | `wsa.category` | `transient` | `transient` or `fatal` |
//! | `wsa.retry` | `reconnect` | `immediately`, `backoff`, `reconnect` or `never` |
//! | `wsa.message` | `Connection reset by peer` | the standard short phrase |
//! | `wsa.description` | `The remote side, ...` | what happened |
//! | `wsa.op` | `read` | the operation that failed ([`Op`]) |
//! | `wsa.os_code` | `104` | the native code (`raw_os_error()`) |
//! | `wsa.os_name` | `ECONNRESET` | its name on this platform |
//! | `wsa.kind` | `ConnectionReset` | the `io::ErrorKind` |
//! | `error.type` | `connection_reset` | OpenTelemetry's low-cardinality error name, `_OTHER` if none |
//! | `server.address` | `example.com` | the host name connected to, where known |
//! | `network.peer.address` | `127.0.0.1` | the peer's IP address, where known |
//! | `network.peer.port` | `8080` | the peer's port, where known |
//! | `network.transport` | `tcp` | `tcp`, `udp` or `unix` |
//! | `error` | `Connection reset by peer (os error 104)` | the error's own text, with its sources after `: ` |
//!
//! Events have the target `wsa_trace` and the message `socket operation failed`. Their level
//! follows the class: `DEBUG` for the would-block class (nothing failed), `WARN` for other
//! transient errors, `ERROR` for fatal ones; each is configurable.
//!
//! # Cost
//!
//! Mapping and classifying allocate nothing. Field values are computed only when a
//! subscriber wants the event. Counting is one atomic add once the (code, operation) handle
//! exists; see [`metrics`](crate::metrics).

#[cfg(feature = "tracing")]
mod event;
mod ext;
#[cfg(feature = "tracing")]
mod limit;
pub(crate) mod otel;
mod peer;

use std::error::Error;
use std::fmt;
use std::io;
use std::sync::Arc;

use crate::classify::{Classification, Classify, DefaultClassifier, Op};
use crate::code::WsaCode;
use crate::map::Mapping;

#[cfg(feature = "tracing")]
pub use event::TARGET;
pub use ext::ObserveExt;
pub use otel::OTHER as ERROR_TYPE_OTHER;
pub use peer::{Host, Peer, Target, Transport};

#[cfg(feature = "tracing")]
pub use tracing::Level;

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
        otel::error_type(self.mapping.code())
    }
}

/// Maps, classifies, emits and counts. Cheap to clone: the classifier and the counters are
/// shared.
///
/// ```
/// # #[cfg(all(feature = "tracing", feature = "metrics"))] {
/// use wsa_trace::observe::{Level, Observer};
/// use wsa_trace::{Classification, DefaultClassifier, WsaCode};
///
/// let observer = Observer::new()
///     .classifier(DefaultClassifier::new().with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL))
///     .level_transient(Level::INFO)
///     .metrics_prefix("myapp")
///     .record_on_span(true);
/// # let _ = observer;
/// # }
/// ```
#[derive(Clone)]
pub struct Observer {
    classifier: Arc<dyn Classify + Send + Sync>,
    #[cfg(feature = "tracing")]
    levels: Levels,
    #[cfg(feature = "tracing")]
    on_event: bool,
    #[cfg(feature = "tracing")]
    on_span: bool,
    #[cfg(feature = "tracing")]
    limit: Option<Arc<limit::RateLimit>>,
    #[cfg(feature = "metrics")]
    counters: Arc<crate::metrics::ErrorCounters>,
}

#[cfg(feature = "tracing")]
#[derive(Clone, Copy, Debug)]
struct Levels {
    immediately: Level,
    transient: Level,
    fatal: Level,
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
        d.field("levels", &self.levels)
            .field("on_event", &self.on_event)
            .field("on_span", &self.on_span)
            .field(
                "rate_limit",
                &self.limit.as_ref().map(|l| (l.per(), l.interval())),
            );
        #[cfg(feature = "metrics")]
        d.field("counter", &self.counters.name());
        d.finish_non_exhaustive()
    }
}

impl Observer {
    /// The built-in classifier, an event per error at the default levels, no span recording,
    /// and counters named `wsa_socket_errors_total`.
    pub fn new() -> Self {
        Observer {
            classifier: Arc::new(DefaultClassifier::new()),
            #[cfg(feature = "tracing")]
            levels: Levels {
                immediately: Level::DEBUG,
                transient: Level::WARN,
                fatal: Level::ERROR,
            },
            #[cfg(feature = "tracing")]
            on_event: true,
            #[cfg(feature = "tracing")]
            on_span: false,
            #[cfg(feature = "tracing")]
            limit: None,
            #[cfg(feature = "metrics")]
            counters: crate::metrics::ErrorCounters::new(crate::metrics::DEFAULT_PREFIX),
        }
    }

    /// Classifies with `classifier`. Defaults to [`DefaultClassifier::new()`].
    pub fn classifier<C>(mut self, classifier: C) -> Self
    where
        C: Classify + Send + Sync + 'static,
    {
        self.classifier = Arc::new(classifier);
        self
    }

    /// The level of events for the would-block class ([`Retry::Immediately`](crate::Retry::Immediately)).
    /// Defaults to `DEBUG`.
    #[cfg(feature = "tracing")]
    pub fn level_immediately(mut self, level: Level) -> Self {
        self.levels.immediately = level;
        self
    }

    /// The level of events for other transient errors. Defaults to `WARN`.
    #[cfg(feature = "tracing")]
    pub fn level_transient(mut self, level: Level) -> Self {
        self.levels.transient = level;
        self
    }

    /// The level of events for fatal errors. Defaults to `ERROR`.
    #[cfg(feature = "tracing")]
    pub fn level_fatal(mut self, level: Level) -> Self {
        self.levels.fatal = level;
        self
    }

    /// Whether to emit an event per error. Defaults to `true`.
    #[cfg(feature = "tracing")]
    pub fn emit_event(mut self, yes: bool) -> Self {
        self.on_event = yes;
        self
    }

    /// Whether to record the fields on the current span as well. The span must declare
    /// them: create it with [`socket_span!`](crate::socket_span). Defaults to `false`.
    #[cfg(feature = "tracing")]
    pub fn record_on_span(mut self, yes: bool) -> Self {
        self.on_span = yes;
        self
    }

    /// Emits at most `per` events for each code in each `interval`; the rest are dropped and
    /// counted, and a summary event (`wsa.suppressed`, at the transient level) reports them
    /// when that code's next event is let through, or on
    /// [`flush_suppressed`](Observer::flush_suppressed). Events no subscriber would record do
    /// not count against the limit.
    /// Counters stay exact whatever is dropped. Defaults to no limit.
    ///
    /// ```
    /// use std::time::Duration;
    /// use wsa_trace::Observer;
    ///
    /// let observer = Observer::new().rate_limit(10, Duration::from_secs(1));
    /// # let _ = observer;
    /// ```
    #[cfg(feature = "tracing")]
    pub fn rate_limit(mut self, per: u32, interval: std::time::Duration) -> Self {
        self.limit = Some(Arc::new(limit::RateLimit::new(per, interval)));
        self
    }

    /// Emits a summary event for every code whose events the rate limit dropped since its
    /// last summary, such as before shutting down. Returns how many events were dropped.
    #[cfg(feature = "tracing")]
    pub fn flush_suppressed(&self) -> u64 {
        let Some(limit) = &self.limit else { return 0 };
        limit
            .drain()
            .map(|(code, n)| {
                event::suppressed(self.levels.transient, code, n, limit.interval());
                n
            })
            .sum()
    }

    /// Names the counters `<prefix>_socket_errors_total` and so on. Defaults to `wsa`.
    #[cfg(feature = "metrics")]
    pub fn metrics_prefix(mut self, prefix: &str) -> Self {
        self.counters = crate::metrics::ErrorCounters::new(prefix);
        self
    }

    /// The full name of the error counter.
    #[cfg(feature = "metrics")]
    pub fn counter_name(&self) -> &str {
        self.counters.name()
    }

    /// Maps and classifies without emitting or counting.
    pub fn classify(&self, mapping: Mapping, op: Op) -> Observation {
        Observation {
            mapping,
            class: self.classifier.classify(mapping.code(), op),
            op,
        }
    }

    /// Observes an `io::Error` from `op` towards `peer`: maps, classifies, emits, counts.
    #[cold]
    #[inline(never)]
    pub fn observe_io(&self, err: &io::Error, op: Op, peer: &Peer) -> Observation {
        let obs = self.classify(Mapping::from_io_error(err), op);
        self.emit(&obs, peer, err);
        obs
    }

    /// Observes any error, walking its chain to the `io::Error` inside. Errors with none are
    /// counted in the unknown bucket.
    #[cold]
    #[inline(never)]
    pub fn observe_error(&self, err: &(dyn Error + 'static), op: Op, peer: &Peer) -> Observation {
        let mapping = Mapping::from_error(err).unwrap_or_else(Mapping::unmapped);
        let obs = self.classify(mapping, op);
        self.emit(&obs, peer, &Chain(err));
        obs
    }

    #[allow(unused_variables)]
    fn emit(&self, obs: &Observation, peer: &Peer, err: &dyn fmt::Display) {
        #[cfg(feature = "metrics")]
        self.counters
            .increment(obs.mapping.code(), obs.op, obs.class.category);
        #[cfg(feature = "tracing")]
        {
            if self.on_event {
                self.event(obs, peer, err);
            }
            if self.on_span {
                event::record(&tracing::Span::current(), obs, peer);
            }
        }
    }

    #[cfg(feature = "tracing")]
    fn event(&self, obs: &Observation, peer: &Peer, err: &dyn fmt::Display) {
        let level = self.level(obs);
        if let Some(limit) = &self.limit {
            // An event nobody would record is not held against the limit.
            if !event::enabled(level) {
                return;
            }
            let code = obs.mapping.code();
            match limit.admit(code) {
                limit::Admit::Emit { suppressed: 0 } => {}
                limit::Admit::Emit { suppressed } => {
                    event::suppressed(self.levels.transient, code, suppressed, limit.interval())
                }
                limit::Admit::Suppress => {
                    #[cfg(feature = "metrics")]
                    self.counters.suppressed(code);
                    return;
                }
            }
        }
        event::event(level, obs, peer, err);
    }

    #[cfg(feature = "tracing")]
    fn level(&self, obs: &Observation) -> Level {
        match (obs.class.retry, obs.class.category) {
            (crate::Retry::Immediately, _) => self.levels.immediately,
            (_, crate::Category::Transient) => self.levels.transient,
            (_, crate::Category::Fatal) => self.levels.fatal,
        }
    }
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

/// Creates a span that declares every field an [`Observer`] records, for use with
/// [`Observer::record_on_span`]. Takes a level and a name, then any fields of your own.
///
/// ```
/// use wsa_trace::socket_span;
///
/// let span = socket_span!(tracing::Level::INFO, "fetch", url = "http://127.0.0.1:1/");
/// let _guard = span.enter();
/// ```
#[cfg(feature = "tracing")]
#[macro_export]
macro_rules! socket_span {
    ($level:expr, $name:expr $(, $($fields:tt)*)?) => {
        $crate::__private::tracing::span!(
            $level,
            $name,
            wsa.code = $crate::__private::tracing::field::Empty,
            wsa.symbol = $crate::__private::tracing::field::Empty,
            wsa.category = $crate::__private::tracing::field::Empty,
            wsa.retry = $crate::__private::tracing::field::Empty,
            wsa.message = $crate::__private::tracing::field::Empty,
            wsa.description = $crate::__private::tracing::field::Empty,
            wsa.op = $crate::__private::tracing::field::Empty,
            wsa.os_code = $crate::__private::tracing::field::Empty,
            wsa.os_name = $crate::__private::tracing::field::Empty,
            wsa.kind = $crate::__private::tracing::field::Empty,
            error.type = $crate::__private::tracing::field::Empty,
            server.address = $crate::__private::tracing::field::Empty,
            network.peer.address = $crate::__private::tracing::field::Empty,
            network.peer.port = $crate::__private::tracing::field::Empty,
            network.transport = $crate::__private::tracing::field::Empty,
            $($($fields)*)?
        )
    };
}
