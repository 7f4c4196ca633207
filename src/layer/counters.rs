//! `<prefix>_logged_socket_errors_total{code,category,op,source}`: a family of the metrics
//! table, with one set of handles per source.

use crate::classify::{Category, Op};
use crate::code::Entry;
use crate::metrics::{code_label, error_slot, Counters, Family};

/// What the logged-error counter's name is after the prefix.
pub const LOGGED_SUFFIX: &str = crate::metrics::LOGGED_SUFFIX;

/// The handles of one source (the first segment of the events' target).
#[derive(Debug)]
pub(super) struct SourceCounters {
    source: &'static str,
    family: &'static Family<4>,
}

impl SourceCounters {
    /// The handles of `source` under the prefix of `counters`.
    pub(super) fn new(counters: &'static Counters, source: &'static str) -> Self {
        SourceCounters {
            source,
            family: counters.logged.source(source),
        }
    }

    /// Counts one logged error: one atomic add once its handle exists for the recorder in
    /// effect.
    #[inline]
    pub(super) fn increment(&self, code: Option<Entry>, op: Op, category: Category) {
        self.family.increment(error_slot(code, op, category), || {
            [
                code_label(code),
                category.as_str(),
                op.as_str(),
                self.source,
            ]
        });
    }
}
