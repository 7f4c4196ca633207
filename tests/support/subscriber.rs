//! One tracing subscriber for the whole test binary, which hands each span and event to the
//! layer of the test running on the thread that emits it.
//!
//! Per-test scoped subscribers (`tracing::subscriber::with_default`) lose events when tests
//! run in parallel threads: while exactly one dispatcher exists, tracing-core computes the
//! interest of a callsite first hit on some thread from *that* thread's default subscriber,
//! without a lock, and caches it for the whole process. A test with no subscriber that reaches
//! an event callsite first caches "never" for every thread (or overwrites the "always" a
//! concurrently created subscriber has just set), and another test's events from that
//! callsite are then lost until the next dispatcher is created.
//!
//! Here one subscriber, [`install`]ed before a test reaches any callsite, serves every thread:
//! it answers "sometimes" for every callsite and asks, per span and per event, the layer the
//! current thread's test set with [`with_layer`]. A thread with no layer sees no events, as
//! with no subscriber. Every test of a binary that uses this module calls [`install`] first
//! (directly, or through `capture`/`count`), so that no callsite is reached before it.

use std::cell::RefCell;
use std::sync::{Arc, Once};

use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::Registry;

/// A test's layer, shared by the threads it runs on.
pub type SharedLayer = Arc<dyn Layer<Registry> + Send + Sync>;

thread_local! {
    /// The layer of the test running on this thread, if it set one.
    static CURRENT: RefCell<Option<SharedLayer>> = const { RefCell::new(None) };
}

/// Installs the binary's one subscriber, once. Call it before anything can reach a tracing
/// callsite.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Routed))
            .expect("the only global subscriber of this test binary");
    });
}

/// Runs `f` with `layer` receiving this thread's spans and events.
pub fn with_layer<L, T>(layer: L, f: impl FnOnce() -> T) -> T
where
    L: Layer<Registry> + Send + Sync + 'static,
{
    with_shared(Arc::new(layer), f)
}

/// Runs `f` with `layer` receiving this thread's spans and events; threads that share one
/// layer call this each with a clone of it.
pub fn with_shared<T>(layer: SharedLayer, f: impl FnOnce() -> T) -> T {
    install();
    let previous = CURRENT.with(|c| c.replace(Some(layer)));
    let _restore = Restore(previous);
    f()
}

/// Puts the previous layer back, also when the test panics.
struct Restore(Option<SharedLayer>);

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

fn current() -> Option<SharedLayer> {
    CURRENT.with(|c| c.borrow().clone())
}

/// The layer a span was created under, kept in the span's extensions, so that the span's
/// later calls reach it from whichever thread makes them.
struct Owner(SharedLayer);

fn owner(id: &Id, ctx: &Context<'_, Registry>) -> Option<SharedLayer> {
    let span = ctx.span(id)?;
    let ext = span.extensions();
    ext.get::<Owner>().map(|o| Arc::clone(&o.0))
}

/// The layer an event goes to: this thread's, else the one its span was created under.
fn event_owner(event: &Event<'_>, ctx: &Context<'_, Registry>) -> Option<SharedLayer> {
    current().or_else(|| {
        let span = ctx.event_span(event)?;
        owner(&span.id(), ctx)
    })
}

/// The routing layer of the one subscriber.
struct Routed;

impl Layer<Registry> for Routed {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Asked per span and per event in `enabled`, never cached per process.
        Interest::sometimes()
    }

    fn enabled(&self, meta: &Metadata<'_>, ctx: Context<'_, Registry>) -> bool {
        match current() {
            Some(layer) => layer.enabled(meta, ctx),
            // Events inside a span created under a layer, on a thread with none.
            None => meta.is_event() && ctx.lookup_current().is_some(),
        }
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, Registry>) {
        let Some(layer) = current() else { return };
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Owner(Arc::clone(&layer)));
        }
        layer.on_new_span(attrs, id, ctx);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, Registry>) {
        if let Some(layer) = owner(id, &ctx) {
            layer.on_record(id, values, ctx);
        }
    }

    fn on_follows_from(&self, id: &Id, follows: &Id, ctx: Context<'_, Registry>) {
        if let Some(layer) = owner(id, &ctx) {
            layer.on_follows_from(id, follows, ctx);
        }
    }

    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, Registry>) -> bool {
        event_owner(event, &ctx).is_some_and(|layer| layer.event_enabled(event, ctx))
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, Registry>) {
        if let Some(layer) = event_owner(event, &ctx) {
            layer.on_event(event, ctx);
        }
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, Registry>) {
        if let Some(layer) = owner(id, &ctx) {
            layer.on_enter(id, ctx);
        }
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, Registry>) {
        if let Some(layer) = owner(id, &ctx) {
            layer.on_exit(id, ctx);
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, Registry>) {
        if let Some(layer) = owner(&id, &ctx) {
            layer.on_close(id, ctx);
        }
    }
}
