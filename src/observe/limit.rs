//! Per-code rate limiting of events: at most `per` events for each code in each interval.
//! What is dropped is counted, and reported by a summary event when that code's next window
//! opens (or on [`Observer::flush_suppressed`](super::Observer::flush_suppressed)).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::code::{Entry, COUNT};

/// An observer's rate limit.
#[derive(Clone, Debug)]
pub(crate) enum Limit {
    /// Every event is emitted.
    Off,
    /// The user's, shared by the clones of the observer it was set on and by the observers
    /// configured from those.
    Set(Arc<RateLimit>),
    /// The default, `per` events per code in each `interval`, made the first time an event
    /// is held against it.
    Default(DefaultLimit),
}

impl Limit {
    /// The default limit: `per` events per code in each `interval`.
    pub(crate) const fn default_of(per: u32, interval: Duration) -> Self {
        Limit::Default(DefaultLimit {
            per,
            interval,
            made: OnceLock::new(),
        })
    }

    /// The limit in effect, made now if it is the default's first use.
    #[inline]
    pub(crate) fn get(&self) -> Option<&RateLimit> {
        match self {
            Limit::Off => None,
            Limit::Set(limit) => Some(limit),
            Limit::Default(d) => Some(d.made.get_or_init(|| RateLimit::new(d.per, d.interval))),
        }
    }

    /// The limit in effect if it exists yet: `None` when every event is emitted or the
    /// default was never used, so that nothing can have been suppressed.
    pub(crate) fn made(&self) -> Option<&RateLimit> {
        match self {
            Limit::Off => None,
            Limit::Set(limit) => Some(limit),
            Limit::Default(d) => d.made.get(),
        }
    }

    /// The events per code and the interval, or `None` when every event is emitted.
    pub(crate) fn settings(&self) -> Option<(u32, Duration)> {
        match self {
            Limit::Off => None,
            Limit::Set(limit) => Some((limit.per(), limit.interval())),
            Limit::Default(d) => Some((d.per, d.interval)),
        }
    }
}

/// The default limit of one observer and its clones. An observer whose settings are changed
/// is a new observer: the copy of its settings starts a limit of its own, so that observers
/// configured apart do not spend each other's budget.
#[derive(Debug)]
pub(crate) struct DefaultLimit {
    per: u32,
    interval: Duration,
    made: OnceLock<RateLimit>,
}

impl Clone for DefaultLimit {
    fn clone(&self) -> Self {
        DefaultLimit {
            per: self.per,
            interval: self.interval,
            made: OnceLock::new(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct RateLimit {
    per: u32,
    interval_ms: u64,
    base: Instant,
    slots: Box<[Slot]>,
}

#[derive(Debug, Default)]
struct Slot {
    window: AtomicU64,
    count: AtomicU32,
    suppressed: AtomicU64,
}

/// What to do with one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admit {
    /// Emit it; `suppressed` events of the same code were dropped in the window before.
    Emit { suppressed: u64 },
    /// Drop it.
    Suppress,
}

impl RateLimit {
    pub(crate) fn new(per: u32, interval: Duration) -> Self {
        RateLimit {
            per,
            interval_ms: interval.as_millis().clamp(1, u64::MAX as u128) as u64,
            base: Instant::now(),
            slots: (0..slot_count()).map(|_| Slot::default()).collect(),
        }
    }

    pub(crate) fn per(&self) -> u32 {
        self.per
    }

    pub(crate) fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms)
    }

    pub(crate) fn admit(&self, entry: Option<Entry>) -> Admit {
        let slot = &self.slots[slot_of(entry)];
        let now = self.base.elapsed().as_millis() as u64;
        let start = slot.window.load(Ordering::Relaxed);
        let mut suppressed = 0;
        if now.saturating_sub(start) >= self.interval_ms
            && slot
                .window
                .compare_exchange(start, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            slot.count.store(0, Ordering::Relaxed);
            suppressed = slot.suppressed.swap(0, Ordering::AcqRel);
        }
        // Past the limit the count is left alone, so that a long storm cannot wrap it round;
        // only racing threads can take it a little past `per`.
        if slot.count.load(Ordering::Relaxed) < self.per
            && slot.count.fetch_add(1, Ordering::Relaxed) < self.per
        {
            Admit::Emit { suppressed }
        } else {
            slot.suppressed.fetch_add(1, Ordering::Relaxed);
            Admit::Suppress
        }
    }

    /// Takes every code's suppressed count, leaving zero.
    pub(crate) fn drain(&self) -> impl Iterator<Item = (Option<Entry>, u64)> + '_ {
        let codes = (0..COUNT)
            .map(|i| Some(Entry::at(i)))
            .chain(std::iter::once(None));
        codes.zip(self.slots.iter()).filter_map(|(code, slot)| {
            let n = slot.suppressed.swap(0, Ordering::AcqRel);
            (n > 0).then_some((code, n))
        })
    }
}

use crate::code::{slot as slot_of, slots as slot_count};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::WsaCode;

    #[test]
    fn admits_per_window_and_reports_what_it_dropped() {
        let limit = RateLimit::new(3, Duration::from_secs(3600));
        let code = Entry::of(WsaCode::WSAECONNRESET);
        let admitted = (0..10)
            .filter(|_| matches!(limit.admit(code), Admit::Emit { .. }))
            .count();
        assert_eq!(admitted, 3);
        // Other codes have their own budget.
        assert_eq!(
            limit.admit(Entry::of(WsaCode::WSAETIMEDOUT)),
            Admit::Emit { suppressed: 0 }
        );
        assert_eq!(limit.admit(None), Admit::Emit { suppressed: 0 });
        let drained: Vec<_> = limit.drain().collect();
        assert_eq!(drained, vec![(code, 7)]);
        assert_eq!(limit.drain().count(), 0);
    }

    #[test]
    fn a_default_limit_is_made_once_and_not_copied() {
        let limit = Limit::default_of(2, Duration::from_secs(3600));
        assert_eq!(limit.settings(), Some((2, Duration::from_secs(3600))));
        assert!(limit.made().is_none(), "made before its first use");
        let code = Entry::of(WsaCode::WSAECONNRESET);
        let made = limit.get().expect("a default limit");
        assert!(std::ptr::eq(made, limit.get().unwrap()));
        assert!(std::ptr::eq(made, limit.made().unwrap()));
        assert!(matches!(made.admit(code), Admit::Emit { .. }));
        assert!(matches!(made.admit(code), Admit::Emit { .. }));
        assert_eq!(made.admit(code), Admit::Suppress);
        // A copy of the settings has a budget of its own.
        let copy = limit.clone();
        assert_eq!(copy.settings(), limit.settings());
        assert!(matches!(
            copy.get().unwrap().admit(code),
            Admit::Emit { suppressed: 0 }
        ));
        assert_eq!(Limit::Off.get().map(RateLimit::per), None);
    }

    #[test]
    fn a_new_window_reports_the_previous_one() {
        let limit = RateLimit::new(1, Duration::from_millis(1));
        let code = Entry::of(WsaCode::WSAECONNREFUSED);
        assert!(matches!(limit.admit(code), Admit::Emit { .. }));
        assert_eq!(limit.admit(code), Admit::Suppress);
        assert_eq!(limit.admit(code), Admit::Suppress);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(limit.admit(code), Admit::Emit { suppressed: 2 });
    }
}
