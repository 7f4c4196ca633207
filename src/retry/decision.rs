//! What a policy decides to do about one error.

use tokio::time::Sleep;

use super::Outcome;

/// What to do about one error.
#[derive(Debug)]
pub(super) enum Decision {
    /// The call would have blocked (or was interrupted): nothing failed. Wait for readiness
    /// (or yield), then call again.
    WouldBlock,
    /// A failure whose advice is to retry at once: yield, then call again.
    Now,
    /// Sleep, then try again.
    After(Sleep),
    /// Give up, for this reason.
    GiveUp(Outcome),
}

impl Decision {
    pub(super) fn outcome(&self) -> Outcome {
        match self {
            Decision::WouldBlock | Decision::Now => Outcome::RetryNow,
            Decision::After(_) => Outcome::Retry,
            Decision::GiveUp(outcome) => *outcome,
        }
    }
}
