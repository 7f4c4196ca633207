//! The counters of a prefix, checked once and shared by the whole process. The struct and
//! its `count_<family>` methods come from the [table](super::table); this file finds the one
//! of a prefix.

use std::sync::{Mutex, OnceLock};

use super::prefix::{check, InvalidPrefix, MAX_PREFIXES};
use super::table::Counters;
use super::DEFAULT_PREFIX;

/// The counters of the prefixes other than the default, at most `max` of them.
struct Prefixes {
    max: usize,
    made: Mutex<Vec<&'static Counters>>,
}

impl Prefixes {
    const fn new(max: usize) -> Self {
        Prefixes {
            max,
            made: Mutex::new(Vec::new()),
        }
    }

    /// The counters of `prefix`, which must have passed [`check`]: the ones made before, or
    /// new ones if there is room.
    fn get(&self, prefix: &str) -> Result<&'static Counters, InvalidPrefix> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = made.iter().find(|c| c.prefix == prefix) {
            return Ok(found);
        }
        if made.len() >= self.max {
            return Err(InvalidPrefix::too_many(prefix, self.max));
        }
        // Kept for the life of the process: one per prefix, and at most `max` of them.
        let prefix: &'static str = Box::leak(prefix.into());
        let counters: &'static Counters = Box::leak(Box::new(Counters::new(prefix)));
        made.push(counters);
        Ok(counters)
    }
}

impl Counters {
    /// The counters of `prefix`, once it is checked and if the process has room for it.
    pub(crate) fn of(prefix: &str) -> Result<&'static Counters, InvalidPrefix> {
        static OTHERS: Prefixes = Prefixes::new(MAX_PREFIXES);
        check(prefix)?;
        if prefix == DEFAULT_PREFIX {
            return Ok(Counters::default_prefix());
        }
        OTHERS.get(prefix)
    }

    /// The counters of the default prefix.
    pub(crate) fn default_prefix() -> &'static Counters {
        static DEFAULT: OnceLock<Counters> = OnceLock::new();
        DEFAULT.get_or_init(|| Counters::new(DEFAULT_PREFIX))
    }

    /// The error counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.errors.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_per_prefix() {
        let a = Counters::of("shared_a").unwrap();
        let b = Counters::of("shared_a").unwrap();
        assert!(std::ptr::eq(a, b));
        assert!(std::ptr::eq(
            Counters::of("wsa").unwrap(),
            Counters::default_prefix()
        ));
        assert_eq!(a.name(), "shared_a_socket_errors_total");
        assert_eq!(Counters::of("a-b").unwrap_err(), check("a-b").unwrap_err());
    }

    #[test]
    fn past_the_bound_new_prefixes_are_refused_and_old_ones_given_again() {
        let prefixes = Prefixes::new(2);
        let a = prefixes.get("bound_a").unwrap();
        let b = prefixes.get("bound_b").unwrap();
        let err = prefixes.get("bound_c").unwrap_err();
        assert_eq!(err, InvalidPrefix::too_many("bound_c", 2));
        assert!(err.to_string().contains("already uses 2 prefixes"), "{err}");
        assert!(std::ptr::eq(prefixes.get("bound_a").unwrap(), a));
        assert!(std::ptr::eq(prefixes.get("bound_b").unwrap(), b));
        assert_eq!(prefixes.made.lock().unwrap().len(), 2);
    }
}
