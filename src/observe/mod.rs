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
//! assert_eq!(seen.class.retry(), Retry::Backoff);
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
//! | `wsa.category` | `transient` | `transient`, `fatal` or `benign` |
//! | `wsa.retry` | `reconnect` | `immediately`, `backoff`, `reconnect`, `never` or `ignore` |
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
//! | `wsa.outcome` | `retry` | retry events only: the decision ([`Outcome`](crate::retry::Outcome)): `retry`, `retry_now`, `fatal`, `attempts_exhausted`, `deadline`, `budget_exhausted`, `not_idempotent` |
//! | `wsa.attempts` | `3` | retry events only: the calls made so far, this one included |
//! | `wsa.delay_ms` | `200` | `retrying ... after a delay` only: the wait before the next call |
//!
//! Events have the target `wsa_trace` and the message `socket operation failed`. Their level
//! follows the class: `DEBUG` for the would-block class and benign errors (nothing failed),
//! `WARN` for other transient errors, `ERROR` for fatal ones; each is configurable.
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
#[cfg(feature = "tracing")]
use crate::code::Entry;
#[cfg(feature = "tracing")]
use crate::code::Retry;
use crate::code::WsaCode;
use crate::map::Mapping;

#[cfg(feature = "tracing")]
pub use event::TARGET;
pub use ext::ObserveExt;
pub use otel::OTHER as ERROR_TYPE_OTHER;
pub use peer::{Host, Peer, Transport};

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
        otel::error_type(self.mapping.entry())
    }
}

/// Maps, classifies, emits and counts: the one source of truth for the classifier, the event
/// levels, the rate limit and the counter names. Give the same observer to the connector
/// layer, the streams, the retry policy, the accept guard and the UDP socket, so that the class
/// an event shows is the class the policy acts on.
///
/// Creating one with [`Observer::new`] and cloning one allocate nothing (after the first
/// observer of the process): the settings sit behind one shared pointer, and the counter
/// handles belong to the process, one table per prefix. Make one at start-up and clone it.
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
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    classifier: Classifier,
    #[cfg(feature = "tracing")]
    levels: Levels,
    #[cfg(feature = "tracing")]
    on_event: bool,
    #[cfg(feature = "tracing")]
    on_span: bool,
    #[cfg(feature = "tracing")]
    limit: Option<Arc<limit::RateLimit>>,
    #[cfg(feature = "metrics")]
    counters: &'static crate::metrics::Counters,
}

/// The built-in classifier, held without a pointer of its own, or the user's.
#[derive(Clone)]
enum Classifier {
    Default(DefaultClassifier),
    Custom(Arc<dyn Classify + Send + Sync>),
}

impl Classifier {
    fn class_of(&self, mapping: &Mapping, op: Op) -> Classification {
        match self {
            Classifier::Default(c) => c.class_of_entry(mapping.entry(), op),
            Classifier::Custom(c) => c.class_of(mapping.code(), op),
        }
    }
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
        d.field("levels", &self.inner.levels)
            .field("on_event", &self.inner.on_event)
            .field("on_span", &self.inner.on_span)
            .field(
                "rate_limit",
                &self.inner.limit.as_ref().map(|l| (l.per(), l.interval())),
            );
        #[cfg(feature = "metrics")]
        d.field("counter", &self.inner.counters.name());
        d.finish_non_exhaustive()
    }
}

impl Observer {
    /// The built-in classifier, an event per error at the default levels, no span recording,
    /// no rate limit, and counters named `wsa_socket_errors_total` and so on.
    pub fn new() -> Self {
        static DEFAULT: std::sync::OnceLock<Observer> = std::sync::OnceLock::new();
        DEFAULT
            .get_or_init(|| Observer {
                inner: Arc::new(Inner {
                    classifier: Classifier::Default(DefaultClassifier::new()),
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
                    counters: crate::metrics::Counters::default_prefix(),
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

    /// The level of events for the would-block class ([`Retry::Immediately`])
    /// and for benign errors ([`Retry::Ignore`], [`Category::Benign`](crate::code::Category::Benign)). Defaults to `DEBUG`.
    #[cfg(feature = "tracing")]
    pub fn level_immediately(mut self, level: Level) -> Self {
        self.set().levels.immediately = level;
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
    /// same limit. Counters stay exact whatever is dropped. Defaults to no limit.
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
        self.set().limit = Some(Arc::new(limit::RateLimit::new(per, interval)));
        self
    }

    /// Emits a summary event for every code whose events the rate limit dropped since its
    /// last summary, such as before shutting down. Returns how many events were dropped.
    #[cfg(feature = "tracing")]
    pub fn flush_suppressed(&self) -> u64 {
        let Some(limit) = &self.inner.limit else {
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

    /// Names the counters `<prefix>_socket_errors_total`, `<prefix>_retries_total` and so on.
    /// Defaults to `wsa`. The prefix must be a valid Prometheus metric name
    /// (`[a-zA-Z_:][a-zA-Z0-9_:]*`), so that the names published are the names
    /// [`counter_name`](Observer::counter_name) gives; anything else is refused.
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
        crate::metrics::check_prefix(prefix)?;
        self.set().counters = crate::metrics::Counters::of(prefix);
        Ok(self)
    }

    /// The full name of the error counter.
    #[cfg(feature = "metrics")]
    pub fn counter_name(&self) -> &str {
        self.inner.counters.name()
    }

    /// The counters of this observer's prefix.
    #[cfg(all(feature = "metrics", any(feature = "retry", feature = "net")))]
    pub(crate) fn counters(&self) -> &'static crate::metrics::Counters {
        self.inner.counters
    }

    /// Maps and classifies without emitting or counting.
    pub fn observation(&self, mapping: Mapping, op: Op) -> Observation {
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
    fn emit(&self, obs: &Observation, peer: &Peer, err: &dyn fmt::Display) {
        #[cfg(feature = "metrics")]
        self.inner
            .counters
            .error(obs.mapping.entry(), obs.op, obs.class.category());
        #[cfg(feature = "tracing")]
        {
            if self.inner.on_event {
                let level = self.level(obs);
                if self.admit(level, obs.mapping.entry()) {
                    event::event(level, obs, peer, err);
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
    pub(crate) fn admit(&self, level: Level, entry: Option<Entry>) -> bool {
        let Some(limit) = &self.inner.limit else {
            return true;
        };
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
                self.inner.counters.suppressed(entry);
                false
            }
        }
    }

    #[cfg(feature = "tracing")]
    fn level(&self, obs: &Observation) -> Level {
        let levels = &self.inner.levels;
        match obs.class.retry() {
            Retry::Immediately | Retry::Ignore => levels.immediately,
            Retry::Backoff | Retry::Reconnect => levels.transient,
            Retry::Never => levels.fatal,
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
            wsa.attempts = $crate::__private::tracing::field::Empty,
            wsa.outcome = $crate::__private::tracing::field::Empty,
            $($($fields)*)?
        )
    };
}
