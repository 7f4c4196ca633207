use std::sync::Arc;

use metrics::Label;

use super::Outcome;
use crate::classify::Op;
use crate::code::{slot, slots, WsaCode};
use crate::metrics::{code_label, LazyCounters};

/// `<prefix>_retries_total`, by code, operation and outcome.
#[derive(Debug)]
pub(crate) struct RetryCounters(LazyCounters);

impl RetryCounters {
    pub(crate) fn new(prefix: &str) -> Arc<Self> {
        Arc::new(RetryCounters(LazyCounters::new(
            format!("{prefix}_retries_total"),
            "Retry decisions on socket errors, by Windows Sockets code, operation and outcome.",
            slots() * Op::ALL.len() * Outcome::ALL.len(),
        )))
    }

    pub(crate) fn name(&self) -> &str {
        self.0.name()
    }

    pub(crate) fn increment(&self, code: Option<WsaCode>, op: Op, outcome: Outcome) {
        let index =
            (slot(code) * Op::ALL.len() + op as usize) * Outcome::ALL.len() + outcome as usize;
        self.0.increment(index, || {
            [
                code_label(code),
                Label::from_static_parts("op", op.as_str()),
                Label::from_static_parts("outcome", outcome.as_str()),
            ]
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_discriminants_index_outcome_all() {
        for (i, outcome) in Outcome::ALL.into_iter().enumerate() {
            assert_eq!(outcome as usize, i, "{outcome:?}");
        }
    }
}
