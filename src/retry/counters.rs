use crate::classify::Op;
use crate::classify::Outcome;
use crate::code::{slot, Entry};
use crate::metrics::{code_label, Counters};

/// Counts one decision in `<prefix>_retries_total{code, op, outcome}`.
pub(crate) fn increment(counters: &Counters, code: Option<Entry>, op: Op, outcome: Outcome) {
    let index = (slot(code) * Op::ALL.len() + op as usize) * Outcome::ALL.len() + outcome as usize;
    counters
        .retries
        .increment(index, || [code_label(code), op.as_str(), outcome.as_str()]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_discriminants_index_outcome_all() {
        for (i, outcome) in Outcome::ALL.iter().copied().enumerate() {
            assert_eq!(outcome as usize, i, "{outcome:?}");
        }
    }
}
