//! Counters through the `metrics` facade.
//!
//! | counter | labels | counts |
//! |---|---|---|
//! | `<prefix>_socket_errors_total` | `code`, `category`, `op` | every observed error |
//! | `<prefix>_retries_total` | `code`, `op`, `outcome` | every retry decision of a [`RetryPolicy`](crate::retry::RetryPolicy) |
//! | `<prefix>_accept_backoffs_total` | `code` | every pause of a [`GuardedListener`](crate::net::GuardedListener) |
//! | `<prefix>_suppressed_events_total` | `code` | tracing events dropped by the rate limit (the errors are still counted) |
//!
//! The prefix is `wsa` unless configured. `code` is the symbol, or `UNKNOWN` for every code
//! outside the catalog; every other label comes from a closed set too, so no peer can grow the
//! label set: each counter has at most (catalog codes + 1) x (values of its other labels)
//! series.
//!
//! Each handle is registered with the recorder the first time its label set is seen and kept;
//! after that, counting is one atomic add: no key is built, no label hashed, nothing
//! allocated. Install the recorder before the first error is observed.

use std::sync::{Arc, OnceLock};

use metrics::{Counter, Key, KeyName, Label, Metadata, SharedString, Unit};

use crate::classify::{Category, Op};
use crate::code::WsaCode;

/// The default name prefix.
pub const DEFAULT_PREFIX: &str = "wsa";

/// What the error counter's name is after the prefix.
pub const ERRORS_SUFFIX: &str = "_socket_errors_total";

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));

/// One counter name with a fixed number of label sets, each registered on first use.
#[derive(Debug)]
pub(crate) struct LazyCounters {
    name: KeyName,
    help: &'static str,
    described: OnceLock<()>,
    slots: Box<[OnceLock<Counter>]>,
}

impl LazyCounters {
    pub(crate) fn new(name: String, help: &'static str, slots: usize) -> Self {
        LazyCounters {
            name: KeyName::from(SharedString::from(name)),
            help,
            described: OnceLock::new(),
            slots: (0..slots).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Adds one to the label set in `slot`, registering it with `labels` the first time.
    #[inline]
    pub(crate) fn increment(&self, slot: usize, labels: impl FnOnce() -> [Label; 3]) {
        self.slots[slot]
            .get_or_init(|| self.register(labels().into_iter().filter(|l| !l.key().is_empty())))
            .increment(1);
    }

    #[cold]
    fn register(&self, labels: impl Iterator<Item = Label>) -> Counter {
        let key = Key::from_parts(self.name.clone(), labels.collect::<Vec<_>>());
        metrics::with_recorder(|recorder| {
            self.described.get_or_init(|| {
                recorder.describe_counter(self.name.clone(), Some(Unit::Count), self.help.into())
            });
            recorder.register_counter(&key, &METADATA)
        })
    }
}

use crate::code::{slot as code_slot, slots as code_slots};

/// A `code` label.
pub(crate) fn code_label(code: Option<WsaCode>) -> Label {
    Label::from_static_parts("code", code.map_or(crate::UNKNOWN_LABEL, WsaCode::label))
}

/// No label: dropped at registration.
pub(crate) const NO_LABEL: Label = Label::from_static_parts("", "");

/// The counters of one observer: errors by code, category and operation, and events the
/// rate limit suppressed, by code.
#[derive(Debug)]
pub(crate) struct ErrorCounters {
    errors: LazyCounters,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))] // only the rate limit drops events
    suppressed: LazyCounters,
}

impl ErrorCounters {
    pub(crate) fn new(prefix: &str) -> Arc<Self> {
        Arc::new(ErrorCounters {
            errors: LazyCounters::new(
                format!("{prefix}{ERRORS_SUFFIX}"),
                "Socket errors observed, by Windows Sockets code, category and operation.",
                code_slots() * Op::ALL.len(),
            ),
            suppressed: LazyCounters::new(
                format!("{prefix}_suppressed_events_total"),
                "Socket error events not logged because of the per-code rate limit.",
                code_slots(),
            ),
        })
    }

    /// The error counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.errors.name()
    }

    /// Counts one event the rate limit dropped.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    #[inline]
    pub(crate) fn suppressed(&self, code: Option<WsaCode>) {
        self.suppressed
            .increment(code_slot(code), || [code_label(code), NO_LABEL, NO_LABEL]);
    }

    /// Counts one error.
    #[inline]
    pub(crate) fn increment(&self, code: Option<WsaCode>, op: Op, category: Category) {
        let slot = code_slot(code) * Op::ALL.len() + op as usize;
        self.errors.increment(slot, || {
            [
                code_label(code),
                Label::from_static_parts("category", category.as_str()),
                Label::from_static_parts("op", op.as_str()),
            ]
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_discriminants_index_op_all() {
        for (i, op) in Op::ALL.into_iter().enumerate() {
            assert_eq!(op as usize, i, "{op:?}");
        }
    }

    #[test]
    fn every_code_has_its_own_slot() {
        let counters = ErrorCounters::new("t");
        assert_eq!(counters.errors.slots.len(), code_slots() * Op::ALL.len());
        let mut seen = std::collections::HashSet::new();
        for code in WsaCode::all() {
            assert!(seen.insert(code_slot(Some(code))), "{code:?}");
        }
        assert!(seen.insert(code_slot(None)));
        assert_eq!(code_slot(Some(WsaCode::from_raw(12345))), code_slot(None));
        assert_eq!(seen.len(), code_slots());
        assert_eq!(counters.name(), "t_socket_errors_total");
    }

    #[test]
    fn labels_registered_once_with_the_recorder() {
        use metrics_util::debugging::DebuggingRecorder;
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        metrics::with_local_recorder(&recorder, || {
            let counters = ErrorCounters::new("unit");
            for _ in 0..5 {
                counters.increment(Some(WsaCode::WSAECONNRESET), Op::Read, Category::Transient);
            }
            counters.increment(Some(WsaCode::from_raw(4242)), Op::Read, Category::Fatal);
        });
        let mut rows: Vec<_> = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, _, value)| {
                let labels: Vec<String> = key
                    .key()
                    .labels()
                    .map(|l| format!("{}={}", l.key(), l.value()))
                    .collect();
                (
                    key.key().name().to_owned(),
                    labels.join(","),
                    format!("{value:?}"),
                )
            })
            .collect();
        rows.sort();
        assert_eq!(
            rows,
            vec![
                (
                    "unit_socket_errors_total".to_owned(),
                    "code=UNKNOWN,category=fatal,op=read".to_owned(),
                    "Counter(1)".to_owned()
                ),
                (
                    "unit_socket_errors_total".to_owned(),
                    "code=WSAECONNRESET,category=transient,op=read".to_owned(),
                    "Counter(5)".to_owned()
                ),
            ]
        );
    }
}
