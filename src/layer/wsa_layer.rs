//! The layer that counts the socket errors other libraries log.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, PoisonError, RwLock};

use tracing::callsite::Identifier;
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Registry;

use super::detect::{detect, is_own, source, Plan, SpanOp, SpanOpVisitor};
use super::interest::Enables;
use crate::metrics::{Counters, Source};
use crate::observe::Observer;
use crate::scan::Platform;

/// A `tracing_subscriber::Layer` that finds the socket errors in other libraries' log
/// events and counts each such event once in
/// `<prefix>_logged_socket_errors_total{code,category,op,source}`.
///
/// See the [module docs](super) for what it reads and how.
///
/// ```
/// use tracing_subscriber::prelude::*;
/// use wsa_trace::layer::WsaLayer;
///
/// let subscriber = tracing_subscriber::registry().with(WsaLayer::new());
/// tracing::subscriber::with_default(subscriber, || {
///     // axum's accept loop, for one:
///     tracing::error!(target: "axum::serve", "accept error: Too many open files (os error 24)");
/// });
/// ```
#[derive(Clone, Debug)]
pub struct WsaLayer {
    observer: Observer,
    platform: Platform,
    all_fields: bool,
    enables: Enables,
    state: Arc<State>,
}

/// What the layer knows of a callsite that is not the crate's own.
#[derive(Clone, Copy, Debug)]
struct Site {
    plan: Plan,
    /// The `source` label of the callsite's events, with the handles it counts into.
    source: Source<4>,
}

/// What the layer learns per callsite.
#[derive(Debug)]
struct State {
    counters: &'static Counters,
    /// Per callsite, decided once in `register_callsite`: how its fields are read and the
    /// source it is counted under, or `None` for the crate's own events.
    sites: RwLock<HashMap<Identifier, Option<Site>, BuildHasherDefault<PtrHasher>>>,
}

impl State {
    fn new(observer: &Observer) -> Arc<Self> {
        Arc::new(State {
            counters: observer.counters(),
            sites: RwLock::default(),
        })
    }

    /// Decides a callsite: skipped if it is the crate's own, else counted under its source.
    fn site(&self, meta: &'static Metadata<'static>, all_fields: bool) -> Option<Site> {
        if is_own(meta.target()) {
            return None;
        }
        Some(Site {
            plan: Plan::of(meta, all_fields),
            source: self.counters.logged.source(source(meta.target())),
        })
    }

    fn register(&self, meta: &'static Metadata<'static>, all_fields: bool) -> Option<Site> {
        let site = self.site(meta, all_fields);
        self.sites
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(meta.callsite(), site);
        site
    }
}

impl Default for WsaLayer {
    fn default() -> Self {
        WsaLayer::new()
    }
}

impl WsaLayer {
    /// A layer with a default [`Observer`], reading bare errnos as this platform numbers them.
    pub fn new() -> Self {
        let observer = Observer::new();
        WsaLayer {
            state: State::new(&observer),
            observer,
            platform: Platform::HOST,
            all_fields: false,
            enables: Enables::new(LevelFilter::OFF),
        }
    }

    /// Classifies with this observer's classifier and counts under its metrics prefix.
    /// Defaults to `Observer::new()`.
    pub fn observer(mut self, observer: Observer) -> Self {
        self.state = State::new(&observer);
        self.observer = observer;
        self
    }

    /// Reads bare errno numbers in text as `platform` numbers them (logs relayed from other
    /// machines). Defaults to [`Platform::HOST`].
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    /// Also reads the events up to `level` that the rest of the subscriber leaves off.
    /// Defaults to [`LevelFilter::OFF`]: the layer reads what the rest enables and enables
    /// nothing itself.
    ///
    /// hyper-util logs a refused connect at TRACE, and h2 and hyper log their connection
    /// errors at DEBUG: with the default, a subscriber that leaves those levels off leaves
    /// those errors uncounted. A level of the layer's own turns those callsites on in the
    /// whole process, so that every `debug!` or `trace!` up to `level` costs what its
    /// fields cost to record, even where nothing prints it. It works beside filters given
    /// to the other layers ([`Layer::with_filter`]); a filter on its own in the subscriber
    /// (a global `EnvFilter`) decides for every layer, this one included. See the
    /// [module docs](super#what-is-enabled).
    ///
    /// ```
    /// use tracing::level_filters::LevelFilter;
    /// use tracing_subscriber::prelude::*;
    /// use wsa_trace::layer::WsaLayer;
    ///
    /// let subscriber = tracing_subscriber::registry()
    ///     .with(tracing_subscriber::fmt::layer().with_filter(LevelFilter::INFO))
    ///     .with(WsaLayer::new().level(LevelFilter::TRACE));
    /// ```
    pub fn level(mut self, level: LevelFilter) -> Self {
        self.enables.set_own(level);
        self
    }

    /// Reads the text of every field, not only the message and the fields that hold an
    /// error. Defaults to `false`: a field whose name does not say that it holds an error
    /// (`user_agent`, `path`) may hold text from the outside, which must not raise socket
    /// error counts. See the [module docs](super#what-is-read).
    pub fn all_fields(mut self, all: bool) -> Self {
        self.all_fields = all;
        self
    }
}

impl<S> Layer<S> for WsaLayer
where
    S: Subscriber + for<'a> LookupSpan<'a> + 'static,
{
    fn on_layer(&mut self, inner: &mut S) {
        let on_registry = TypeId::of::<S>() == TypeId::of::<Registry>();
        self.enables.layered(inner.max_level_hint(), on_registry);
    }

    fn on_register_dispatch(&self, dispatch: &Dispatch) {
        self.enables.registered(dispatch);
    }

    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        self.state.register(meta, self.all_fields);
        self.enables.interest(meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        self.enables.hint()
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().fields().field("wsa.op").is_none() {
            return;
        }
        let mut visitor = SpanOpVisitor::default();
        attrs.record(&mut visitor);
        if let (Some(op), Some(span)) = (visitor.0, ctx.span(id)) {
            span.extensions_mut().replace(SpanOp(op));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let Some(field) = span.metadata().fields().field("wsa.op") else {
            return;
        };
        if !values.contains(&field) {
            return;
        }
        let mut visitor = SpanOpVisitor::default();
        values.record(&mut visitor);
        if let Some(op) = visitor.0 {
            span.extensions_mut().replace(SpanOp(op));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        // Only the site is read under the lock: nothing that may emit an event (and so
        // register a callsite) runs while it is held.
        let site = self
            .state
            .sites
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&meta.callsite())
            .copied();
        // A callsite registered before this layer existed is decided now, once.
        let Some(site) = site.unwrap_or_else(|| self.state.register(meta, self.all_fields)) else {
            return;
        };
        let scope = || ctx.event_scope(event);
        let Some(obs) = detect(event, site.plan, scope, &self.observer, self.platform) else {
            return;
        };
        self.state.counters.count_logged(
            obs.mapping.entry(),
            obs.class.category(),
            obs.op,
            site.source,
        );
    }
}

/// Hashes a callsite identifier, a pointer, with one multiply.
#[derive(Default)]
struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}
