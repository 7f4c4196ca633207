//! Per-code rate limiting of events: at most `per` events for each code in each interval.
//! What is dropped is counted, and reported by a summary event when that code's next window
//! opens (or on [`Observer::flush_suppressed`](super::Observer::flush_suppressed)).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::code::{Entry, COUNT};

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
