//! The retry budget a policy draws on when it is given none: one per metrics prefix, shared by
//! every policy of the process with that prefix, so that a policy made per call cannot bring a
//! fresh budget of its own to every call.

use std::sync::Arc;
use std::time::Duration;

use tower::retry::budget::TpsBudget;

use crate::observe::Observer;

/// Retries may add 20% to the request rate, with at least 10 a second, over 10 s: in all, at
/// most 100 retries over 10 s plus a fifth of the successes.
pub(super) fn default_budget() -> TpsBudget {
    TpsBudget::new(Duration::from_secs(10), 10, 0.2)
}

/// The budget shared by every policy whose observer counts under `observer`'s prefix. Made on
/// first use, kept for the life of the process (one per prefix: a few hundred bytes each).
#[cfg(feature = "metrics")]
pub(super) fn shared(observer: &Observer) -> Arc<TpsBudget> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    static BUDGETS: OnceLock<Mutex<HashMap<Box<str>, Arc<TpsBudget>>>> = OnceLock::new();
    let mut budgets = BUDGETS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // The error counter's name stands for the prefix: one per prefix, and public.
    let key = observer.counter_name();
    if let Some(budget) = budgets.get(key) {
        return Arc::clone(budget);
    }
    let budget = Arc::new(default_budget());
    budgets.insert(key.into(), Arc::clone(&budget));
    budget
}

/// The budget shared by every policy of the process: without metrics there is one prefix.
#[cfg(not(feature = "metrics"))]
pub(super) fn shared(_observer: &Observer) -> Arc<TpsBudget> {
    use std::sync::OnceLock;

    static BUDGET: OnceLock<Arc<TpsBudget>> = OnceLock::new();
    Arc::clone(BUDGET.get_or_init(|| Arc::new(default_budget())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_budget_per_prefix() {
        let default = shared(&Observer::new());
        assert!(Arc::ptr_eq(&default, &shared(&Observer::new())));
        #[cfg(feature = "metrics")]
        {
            let other = Observer::new().metrics_prefix("budget_unit").unwrap();
            let mine = shared(&other);
            assert!(!Arc::ptr_eq(&default, &mine));
            assert!(Arc::ptr_eq(&mine, &shared(&other.clone())));
        }
    }
}
