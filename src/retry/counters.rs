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
        let outcome_index = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0);
        let index = (slot(code) * Op::ALL.len() + op as usize) * Outcome::ALL.len() + outcome_index;
        self.0.increment(index, || {
            [
                code_label(code),
                Label::from_static_parts("op", op.as_str()),
                Label::from_static_parts("outcome", outcome.as_str()),
            ]
        });
    }
}
