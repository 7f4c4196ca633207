//! Per-code error counters through the `metrics` facade.
//!
//! One counter, `<prefix>_socket_errors_total` (prefix `wsa` unless configured), labelled
//! `code` (the symbol, or `UNKNOWN`), `category` and `op`: every label value comes from a
//! closed set, so no peer can grow the label set. At most (catalog codes + 1) x operations
//! series exist.
//!
//! Each (code, operation) handle is registered with the recorder the first time that pair
//! is seen and kept; after that, counting an error is one atomic add: no key is built, no
//! label hashed, nothing allocated. Install the recorder before the first error is observed.

use std::sync::{Arc, OnceLock};

use metrics::{Counter, Key, KeyName, Label, Metadata, SharedString, Unit};

use crate::classify::{Category, Op};
use crate::code::WsaCode;

/// The default name prefix.
pub const DEFAULT_PREFIX: &str = "wsa";

/// What the counter's name is after the prefix.
pub const ERRORS_SUFFIX: &str = "_socket_errors_total";

const HELP: &str = "Socket errors observed, by Windows Sockets code, category and operation.";

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));

/// The lazily registered counter handles of one observer.
#[derive(Debug)]
pub(crate) struct ErrorCounters {
    name: KeyName,
    described: OnceLock<()>,
    /// (catalog codes + the unknown bucket) x operations.
    slots: Box<[OnceLock<Counter>]>,
}

impl ErrorCounters {
    pub(crate) fn new(prefix: &str) -> Arc<Self> {
        let name = format!("{prefix}{ERRORS_SUFFIX}");
        let slots = (0..(WsaCode::count() + 1) * Op::ALL.len())
            .map(|_| OnceLock::new())
            .collect();
        Arc::new(ErrorCounters {
            name: KeyName::from(SharedString::from(name)),
            described: OnceLock::new(),
            slots,
        })
    }

    /// The counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Counts one error.
    #[inline]
    pub(crate) fn increment(&self, code: Option<WsaCode>, op: Op, category: Category) {
        let code_slot = code.and_then(WsaCode::index).unwrap_or(WsaCode::count());
        let slot = code_slot * Op::ALL.len() + op as usize;
        self.slots[slot]
            .get_or_init(|| self.register(code, op, category))
            .increment(1);
    }

    #[cold]
    fn register(&self, code: Option<WsaCode>, op: Op, category: Category) -> Counter {
        let label = code.map_or(crate::code::UNKNOWN_LABEL, WsaCode::label);
        let labels = vec![
            Label::from_static_parts("code", label),
            Label::from_static_parts("category", category.as_str()),
            Label::from_static_parts("op", op.as_str()),
        ];
        let key = Key::from_parts(self.name.clone(), labels);
        metrics::with_recorder(|recorder| {
            self.described.get_or_init(|| {
                recorder.describe_counter(self.name.clone(), Some(Unit::Count), HELP.into())
            });
            recorder.register_counter(&key, &METADATA)
        })
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
        assert_eq!(counters.slots.len(), (WsaCode::count() + 1) * Op::ALL.len());
        let mut seen = std::collections::HashSet::new();
        for code in WsaCode::all() {
            assert!(seen.insert(code.index().unwrap()), "{code:?}");
        }
        assert_eq!(seen.len(), WsaCode::count());
        assert_eq!(counters.name(), "t_socket_errors_total");
    }
}
