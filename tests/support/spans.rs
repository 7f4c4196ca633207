//! Events with the fields of the spans they are in, and what is recorded on a span named
//! `fetch`: for tests that check fields a span carries onto its events (the connector's
//! `connect_attempt` span) or records on the caller's span.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::counters::Counters;
use super::runtime::{block_on, within};

/// An event's fields, or a span's.
pub type Fields = BTreeMap<String, String>;

/// What a [`capture_async`] saw: the crate's events, each with its spans' fields under its
/// own, and what was recorded on the span named `fetch`.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    events: Arc<Mutex<Vec<Fields>>>,
    fetch: Arc<Mutex<Vec<Fields>>>,
}

/// Which `fetch` span this is, from 0 in the order they were made.
struct FetchIndex(usize);

impl Seen {
    pub fn events(&self) -> Vec<Fields> {
        self.events.lock().unwrap().clone()
    }

    /// What was recorded on the spans named `fetch`, the later spans' values over the
    /// earlier ones'.
    pub fn fetch(&self) -> Fields {
        self.fetch_records().into_iter().flatten().collect()
    }

    /// What was recorded on each span named `fetch`, in the order they were made.
    pub fn fetch_records(&self) -> Vec<Fields> {
        self.fetch.lock().unwrap().clone()
    }
}

/// Runs `fut` on a current-thread runtime, failing after `limit`, with a fresh recorder and
/// a [`Seen`] layer on this thread.
pub fn capture_async<T>(limit: Duration, fut: impl Future<Output = T>) -> (T, Seen, Counters) {
    let seen = Seen::default();
    let (out, counters) = super::capture_with(seen.clone(), || block_on(within(limit, fut)));
    (out, seen, counters)
}

/// The event's field, which must be there.
pub fn field<'a>(event: &'a Fields, name: &str) -> &'a str {
    event
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {event:#?}"))
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Seen {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        let span = ctx.span(id).expect("a new span");
        let mut extensions = span.extensions_mut();
        if span.name() == "fetch" {
            let mut fetch = self.fetch.lock().unwrap();
            extensions.insert(FetchIndex(fetch.len()));
            fetch.push(Fields::new());
        }
        extensions.insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).expect("a recorded span");
        let index = span.extensions().get::<FetchIndex>().map(|i| i.0);
        if let Some(i) = index {
            values.record(&mut Visitor(&mut self.fetch.lock().unwrap()[i]));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != "wsa_trace" {
            return;
        }
        let mut fields = Fields::new();
        for span in ctx
            .event_scope(event)
            .into_iter()
            .flat_map(|s| s.from_root())
        {
            if let Some(own) = span.extensions().get::<Fields>() {
                fields.extend(own.clone());
            }
        }
        event.record(&mut Visitor(&mut fields));
        self.events.lock().unwrap().push(fields);
    }
}
