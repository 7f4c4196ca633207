//! Capturing tracing events: a layer that records each event's level, target and fields.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// One tracing event: its level, target and fields (strings as they are, other values in
/// their `Debug` form).
#[derive(Clone, Debug)]
pub struct Event {
    pub level: Level,
    pub target: String,
    pub fields: BTreeMap<String, String>,
}

impl Event {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// The events a [`CaptureLayer`] saw.
#[derive(Clone, Debug, Default)]
pub struct Events(Arc<Mutex<Vec<Event>>>);

impl Events {
    pub fn all(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    /// The crate's events (target `wsa_trace`, `observe::TARGET`, which builds without
    /// `tracing` do not have: there are no events then).
    pub fn wsa(&self) -> Vec<Event> {
        self.all()
            .into_iter()
            .filter(|e| e.target == "wsa_trace")
            .collect()
    }

    /// The crate's events with `wsa.symbol == symbol` and `wsa.op == op`.
    pub fn matching(&self, symbol: &str, op: &str) -> Vec<Event> {
        self.wsa()
            .into_iter()
            .filter(|e| e.field("wsa.symbol") == Some(symbol) && e.field("wsa.op") == Some(op))
            .collect()
    }
}

/// A tracing layer that records every event.
#[derive(Clone, Debug, Default)]
pub struct CaptureLayer(pub Events);

struct FieldVisitor<'a>(&'a mut BTreeMap<String, String>);

impl Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for CaptureLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut FieldVisitor(&mut fields));
        let meta = event.metadata();
        self.0 .0.lock().unwrap().push(Event {
            level: *meta.level(),
            target: meta.target().to_owned(),
            fields,
        });
    }
}

/// An observer whose events carry every field, for tests that check the native code, the
/// kind or the transport on the event.
#[cfg(feature = "tracing")]
pub fn all_fields() -> wsa_trace::Observer {
    wsa_trace::Observer::new().event_fields(wsa_trace::observe::EventFields::All)
}
