//! One event -> at most one socket error, its operation and its class.

use std::error::Error;
use std::fmt::{self, Write};

use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::registry::{LookupSpan, Scope};

use super::op_words::{op_named, OpWords};
use super::quiet::scan_message;
use crate::classify::Op;
use crate::map::Mapping;
use crate::observe::{Observation, Observer};
use crate::scan::{Found, Platform, Scanner};

/// Whether events of `target` are the crate's own ([`TARGET`](crate::observe::TARGET) or a
/// module below it), which already carry their fields.
pub(super) fn is_own(target: &str) -> bool {
    target
        .strip_prefix(crate::observe::TARGET)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

/// The library that logged an event: the first path segment of its target.
pub(super) fn source(target: &'static str) -> &'static str {
    target.split("::").next().unwrap_or(target)
}

/// How a field is read, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Formatted into the scanner.
    Text = 0,
    /// `wsa.op` or `op`: names the operation.
    Op = 1,
    /// `errno`, `os_error` or `raw_os_error`: an integer is read as an errno number, a text
    /// is scanned.
    Errno = 2,
    /// Not read: a field whose name does not say it holds an error (unless every field is
    /// read), or one named for a span of time, which holds a duration.
    Skip = 3,
}

/// The names of the fields read by default besides the message, and how: the table of the
/// [module docs](super#what-is-read).
const NAMES: &[(&str, Kind)] = &[
    ("message", Kind::Text),
    ("error", Kind::Text),
    ("err", Kind::Text),
    ("e", Kind::Text),
    ("cause", Kind::Text),
    ("reason", Kind::Text),
    ("source", Kind::Text),
    ("exception", Kind::Text),
    ("errno", Kind::Errno),
    ("os_error", Kind::Errno),
    ("raw_os_error", Kind::Errno),
    ("wsa.op", Kind::Op),
    ("op", Kind::Op),
];

/// Fields named for a span of time: never read, even when every field is.
const DURATIONS: &[&str] = &[
    "elapsed",
    "duration",
    "latency",
    "took",
    "time.busy",
    "time.idle",
];

impl Kind {
    fn of(name: &str, all_fields: bool) -> Kind {
        if let Some(&(_, kind)) = NAMES.iter().find(|(n, _)| *n == name) {
            return kind;
        }
        let read = names_an_error(name) || (all_fields && !DURATIONS.contains(&name));
        if read {
            Kind::Text
        } else {
            Kind::Skip
        }
    }
}

/// Whether a name that is not in [`NAMES`] still says its field holds an error: it ends
/// with `_error`, `_err` or `.error` (`io_error`, `upstream.error`), or starts with `error.`
/// or `exception.` (`error.message`, `exception.message`).
fn names_an_error(name: &str) -> bool {
    ["_error", "_err", ".error"]
        .iter()
        .any(|s| name.ends_with(s))
        || ["error.", "exception."].iter().any(|p| name.starts_with(p))
}

/// The [`Kind`]s of a callsite's fields, decided once from their names: two bits for each
/// of the first 32 fields (later fields are looked at by name).
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    bits: u64,
    all_fields: bool,
}

/// How many fields a [`Plan`] holds.
const PLANNED: usize = 32;

impl Plan {
    /// The plan of the fields of `meta`'s callsite; `all_fields` reads the text of every
    /// field but those named for a span of time.
    pub(super) fn of(meta: &Metadata<'_>, all_fields: bool) -> Plan {
        let bits = meta
            .fields()
            .iter()
            .filter(|f| f.index() < PLANNED)
            .fold(0, |bits, f| {
                bits | (Kind::of(f.name(), all_fields) as u64) << (2 * f.index())
            });
        Plan { bits, all_fields }
    }

    fn kind(self, field: &Field) -> Kind {
        let i = field.index();
        if i >= PLANNED {
            return Kind::of(field.name(), self.all_fields);
        }
        match (self.bits >> (2 * i)) & 3 {
            0 => Kind::Text,
            1 => Kind::Op,
            2 => Kind::Errno,
            _ => Kind::Skip,
        }
    }
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
    plan: Plan,
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
        let found = self.scanner.finish();
        self.keep(found);
    }

    /// Keeps a text's socket error if it is more specific than the one kept so far.
    fn keep(&mut self, found: Option<Found>) {
        if let Some(found) = found {
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
        match self.plan.kind(field) {
            Kind::Op => self.op = self.op.or_else(|| op_named(value)),
            Kind::Text | Kind::Errno if !self.settled() => {
                let found = self.scanner.scan_whole(value.as_bytes());
                self.keep(found);
            }
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match self.plan.kind(field) {
            Kind::Op if self.op.is_none() => {
                let mut short = Short::default();
                let _ = write!(short, "{value:?}");
                self.op = short.op();
            }
            Kind::Text if !self.settled() && field.name() == "message" => {
                let found = scan_message(&mut self.scanner, value);
                self.keep(found);
            }
            Kind::Text | Kind::Errno if !self.settled() => {
                let _ = write!(self.scanner, "{value:?}");
                self.take();
            }
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if self.plan.kind(field) == Kind::Errno && !self.settled() {
            // Read as the scanner's errno form, whatever the field's name.
            let _ = write!(self.scanner, "errno={value}");
            self.take();
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if self.plan.kind(field) == Kind::Errno && !self.settled() {
            let _ = write!(self.scanner, "errno={value}");
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
/// keyword, else `other`. `plan` is the plan of the event's callsite; `scope` gives the
/// event's spans, asked for only when an error is found.
pub(super) fn detect<'s, S>(
    event: &Event<'_>,
    plan: Plan,
    scope: impl FnOnce() -> Option<Scope<'s, S>>,
    observer: &Observer,
    platform: Platform,
) -> Option<Observation>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let mut finder = Finder {
        plan,
        scanner: Scanner::new(platform),
        typed: None,
        text: None,
        op: None,
    };
    event.record(&mut finder);
    let mapping = finder
        .typed
        .or_else(|| finder.text.map(|f| Mapping::of_text(f.entry())))?;
    let op = finder
        .op
        .or_else(|| scope()?.find_map(|span| span.extensions().get::<SpanOp>().map(|s| s.0)))
        .or_else(|| {
            let mut words = MessageOp(OpWords::default());
            event.record(&mut words);
            words.0.found()
        })
        .unwrap_or(Op::Other);
    Some(observer.observation(mapping, op))
}
