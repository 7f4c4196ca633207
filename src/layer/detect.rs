//! One event -> at most one socket error, its operation and its class.

use std::error::Error;
use std::fmt::{self, Write};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::registry::{LookupSpan, Scope};

use super::op_words::{op_named, OpWords};
use crate::classify::Op;
use crate::map::Mapping;
use crate::observe::{Observation, Observer};
use crate::scan::{Found, Platform, Scanner};

/// The target of the crate's own events, which already carry their fields.
const OWN_TARGET: &str = "wsa_trace";

/// Whether events of `target` are the crate's own.
pub(super) fn is_own(target: &str) -> bool {
    target
        .strip_prefix(OWN_TARGET)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

/// The library that logged an event: the first path segment of its target.
pub(super) fn source(target: &'static str) -> &'static str {
    target.split("::").next().unwrap_or(target)
}

/// Whether a field names the operation.
fn is_op_field(field: &Field) -> bool {
    matches!(field.name(), "wsa.op" | "op")
}

/// Integer fields read as errno numbers, scanned as the fmt layer prints them (`errno=104`).
fn is_errno_field(field: &Field) -> bool {
    matches!(field.name(), "errno" | "os_error" | "raw_os_error")
}

/// A value formatted into a small fixed buffer (longer values are cut).
#[derive(Default)]
struct Short {
    buf: [u8; 16],
    len: usize,
}

impl Write for Short {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len < self.buf.len() {
                self.buf[self.len] = b;
                self.len += 1;
            }
        }
        Ok(())
    }
}

impl Short {
    fn op(&self) -> Option<Op> {
        std::str::from_utf8(&self.buf[..self.len])
            .ok()
            .and_then(op_named)
    }
}

/// Walks an event's fields: error values through the chain mapping, everything else through
/// the scanner, and the operation field.
struct Finder {
    scanner: Scanner,
    /// An error value that maps to a code: beats any text.
    typed: Option<Mapping>,
    text: Option<Found>,
    op: Option<Op>,
}

impl Finder {
    /// Whether nothing a text field holds could change the answer.
    fn settled(&self) -> bool {
        self.typed.is_some() || self.text.is_some_and(|f| f.form().specificity() == 3)
    }

    fn take(&mut self) {
        if let Some(found) = self.scanner.finish() {
            if self
                .text
                .is_none_or(|t| t.form().specificity() < found.form().specificity())
            {
                self.text = Some(found);
            }
        }
    }
}

impl Visit for Finder {
    fn record_error(&mut self, _: &Field, value: &(dyn Error + 'static)) {
        if self.typed.is_none() {
            self.typed = Mapping::from_error(value).filter(|m| m.code().is_some());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if is_op_field(field) {
            self.op = self.op.or_else(|| op_named(value));
        } else if !self.settled() {
            self.scanner.feed(value.as_bytes());
            self.take();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if is_op_field(field) {
            if self.op.is_none() {
                let mut short = Short::default();
                let _ = write!(short, "{value:?}");
                self.op = short.op();
            }
        } else if !self.settled() {
            let _ = write!(self.scanner, "{value:?}");
            self.take();
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if is_errno_field(field) && !self.settled() {
            let _ = write!(self.scanner, "{}={value}", field.name());
            self.take();
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if is_errno_field(field) && !self.settled() {
            let _ = write!(self.scanner, "{}={value}", field.name());
            self.take();
        }
    }

    fn record_i128(&mut self, _: &Field, _: i128) {}
    fn record_u128(&mut self, _: &Field, _: u128) {}
    fn record_f64(&mut self, _: &Field, _: f64) {}
    fn record_bool(&mut self, _: &Field, _: bool) {}
}

/// The message's first operation keyword.
struct MessageOp(OpWords);

impl Visit for MessageOp {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" && self.0.found().is_none() {
            let _ = write!(self.0, "{value:?}");
            self.0.finish();
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" && self.0.found().is_none() {
            let _ = self.0.write_str(value);
            self.0.finish();
        }
    }
}

/// The operation recorded on a span (`wsa.op`), kept in its extensions.
#[derive(Clone, Copy, Debug)]
pub(super) struct SpanOp(pub(super) Op);

/// Reads `wsa.op` from a span's fields.
#[derive(Default)]
pub(super) struct SpanOpVisitor(pub(super) Option<Op>);

impl Visit for SpanOpVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "wsa.op" {
            self.0 = op_named(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "wsa.op" {
            let mut short = Short::default();
            let _ = write!(short, "{value:?}");
            self.0 = short.op();
        }
    }
}

/// The socket error an event carries, if any, classified by `observer`. The operation is the
/// event's `wsa.op` or `op` field, else the nearest span's `wsa.op`, else the message's first
/// keyword, else `other`.
pub(super) fn detect<S>(
    event: &Event<'_>,
    scope: Option<Scope<'_, S>>,
    observer: &Observer,
    platform: Platform,
) -> Option<Observation>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let mut finder = Finder {
        scanner: Scanner::new(platform),
        typed: None,
        text: None,
        op: None,
    };
    event.record(&mut finder);
    let mapping = finder
        .typed
        .or_else(|| finder.text.map(|f| Mapping::from_text(f.code())))?;
    let op = finder
        .op
        .or_else(|| scope?.find_map(|span| span.extensions().get::<SpanOp>().map(|s| s.0)))
        .or_else(|| {
            let mut words = MessageOp(OpWords::default());
            event.record(&mut words);
            words.0.found()
        })
        .unwrap_or(Op::Other);
    Some(observer.observation(mapping, op))
}
