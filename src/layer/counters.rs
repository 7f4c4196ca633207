//! `<prefix>_logged_socket_errors_total{code,category,op,source}`: one family per layer,
//! one set of lazily registered handles per source.

use std::sync::OnceLock;

use metrics::{Counter, Key, KeyName, Label, Metadata, SharedString, Unit};

use crate::classify::{Category, Op};
use crate::code::{slot, slots, Entry};
use crate::metrics::code_label;

/// What the logged-error counter's name is after the prefix.
pub const LOGGED_SUFFIX: &str = "_logged_socket_errors_total";

const HELP: &str = "Socket errors found in other libraries' log events, by Windows Sockets code, \
                    category, operation and the library that logged them.";

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));

/// The handles of one source (the first segment of the events' target).
#[derive(Debug)]
pub(super) struct SourceCounters {
    name: KeyName,
    source: &'static str,
    /// One per (code, operation); the category follows from them and the classifier.
    slots: Box<[OnceLock<Counter>]>,
}

impl SourceCounters {
    pub(super) fn new(prefix: &str, source: &'static str) -> Self {
        SourceCounters {
            name: KeyName::from(SharedString::from(format!("{prefix}{LOGGED_SUFFIX}"))),
            source,
            slots: (0..slots() * Op::ALL.len())
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// Counts one logged error: one atomic add once its handle exists.
    #[inline]
    pub(super) fn increment(&self, code: Option<Entry>, op: Op, category: Category) {
        self.slots[slot(code) * Op::ALL.len() + op as usize]
            .get_or_init(|| self.register(code, op, category))
            .increment(1);
    }

    #[cold]
    fn register(&self, code: Option<Entry>, op: Op, category: Category) -> Counter {
        let labels = vec![
            Label::from_static_parts("code", code_label(code)),
            Label::from_static_parts("category", category.as_str()),
            Label::from_static_parts("op", op.as_str()),
            Label::from_static_parts("source", self.source),
        ];
        let key = Key::from_parts(self.name.clone(), labels);
        metrics::with_recorder(|recorder| {
            recorder.describe_counter(self.name.clone(), Some(Unit::Count), HELP.into());
            recorder.register_counter(&key, &METADATA)
        })
    }
}
