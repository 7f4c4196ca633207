//! What the layer enables: nothing the rest of the subscriber leaves off, unless it is given a
//! level of its own.
//!
//! tracing-subscriber combines the level hints of a subscriber's layers (`Layered`), and a
//! layer with no opinion (`None`) turns every level on beside a per-layer filter. The layer
//! therefore answers with the hint of the rest, which it learns when the subscriber is built:
//! from the subscriber beneath it ([`Layer::on_layer`]), or, when it sits on the bare registry
//! beneath the layers that decide, from the whole subscriber once it is complete
//! ([`Layer::on_register_dispatch`]). Its interest in a callsite is `always`, which leaves the
//! decision to the other layers.
//!
//! [`Layer::on_layer`]: tracing_subscriber::Layer::on_layer
//! [`Layer::on_register_dispatch`]: tracing_subscriber::Layer::on_register_dispatch

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use tracing::callsite::{Callsite, Identifier};
use tracing::field::FieldSet;
use tracing::level_filters::LevelFilter;
use tracing::metadata::Kind;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Level, Metadata};

/// The levels from the quietest, as stored: a hint is stored as its index plus one.
const LEVELS: [LevelFilter; 6] = [
    LevelFilter::OFF,
    LevelFilter::ERROR,
    LevelFilter::WARN,
    LevelFilter::INFO,
    LevelFilter::DEBUG,
    LevelFilter::TRACE,
];

/// No level learned: the rest may enable any level (or the subscriber was not built yet).
const ANY: u8 = 0;

fn encode(hint: Option<LevelFilter>) -> u8 {
    hint.and_then(|h| LEVELS.iter().position(|&l| l == h))
        .map_or(ANY, |i| i as u8 + 1)
}

fn decode(code: u8) -> Option<LevelFilter> {
    code.checked_sub(1)
        .map(|i| LEVELS[usize::from(i) % LEVELS.len()])
}

/// What the layer answers for the level hint: the rest of the subscriber's hint, learned when
/// the subscriber is built, raised to the layer's own level.
#[derive(Debug)]
pub(super) struct Enables {
    own: LevelFilter,
    rest: AtomicU8,
    /// The layer sits on the bare registry: the layers that decide are above it.
    on_registry: bool,
    /// The layer answers `never` for its probe while it learns what is above it.
    probing_never: AtomicBool,
}

impl Clone for Enables {
    fn clone(&self) -> Self {
        Enables {
            own: self.own,
            rest: AtomicU8::new(self.rest.load(Ordering::Relaxed)),
            on_registry: self.on_registry,
            probing_never: AtomicBool::new(false),
        }
    }
}

impl Enables {
    pub(super) const fn new(own: LevelFilter) -> Self {
        Enables {
            own,
            rest: AtomicU8::new(ANY),
            on_registry: false,
            probing_never: AtomicBool::new(false),
        }
    }

    pub(super) fn set_own(&mut self, own: LevelFilter) {
        self.own = own;
    }

    /// The layer was put over a subscriber whose level hint is `hint`.
    pub(super) fn layered(&mut self, hint: Option<LevelFilter>, on_registry: bool) {
        self.on_registry = on_registry;
        *self.rest.get_mut() = encode(hint);
    }

    /// The subscriber holding the layer is complete. On the bare registry the layer learns
    /// whether only per-layer filters are above it by registering a TRACE callsite of its
    /// own with the whole subscriber, twice: answering `always`, the answer is `sometimes`
    /// where per-layer filters all turned it off (a global filter answers `never`, no filter
    /// `always`); answering `never`, it stays `never` unless a layer without a per-layer
    /// filter is above. Then the filters' hints decide, and the layer's is `OFF`, which they
    /// raise: a layer's `None` beside per-layer filters would turn every level on.
    pub(super) fn registered(&self, dispatch: &Dispatch) {
        if !self.on_registry {
            return;
        }
        let answered = |never: bool| {
            self.probing_never.store(never, Ordering::Relaxed);
            let answer = dispatch.register_callsite(&PROBE_META);
            self.probing_never.store(false, Ordering::Relaxed);
            answer
        };
        // A layer above that answers `sometimes` itself, or one without a filter, turns the
        // layer's `never` into `sometimes`: then the layer cannot tell, and its hint is `None`.
        let filtered = answered(false).is_sometimes() && answered(true).is_never();
        let rest = filtered.then_some(LevelFilter::OFF);
        self.rest.store(encode(rest), Ordering::Relaxed);
    }

    /// The layer's interest in a callsite: `always`, which leaves the decision to the other
    /// layers (`max_level_hint` keeps the levels they leave off off), but for its probe.
    pub(super) fn interest(&self, meta: &Metadata<'_>) -> Interest {
        if self.probing_never.load(Ordering::Relaxed) && meta.callsite() == PROBE_META.callsite() {
            Interest::never()
        } else {
            Interest::always()
        }
    }

    /// The level hint: the rest's, raised to the layer's own level.
    pub(super) fn hint(&self) -> Option<LevelFilter> {
        decode(self.rest.load(Ordering::Relaxed)).map(|rest| rest.max(self.own))
    }
}

/// The callsite the layer registers to learn what is above it, with the subscriber only: it
/// is not registered with tracing, and nothing is ever logged from it. Its target is the
/// crate's own, which the layer skips.
struct Probe;

static PROBE: Probe = Probe;

static PROBE_META: Metadata<'static> = Metadata::new(
    "wsa_trace::layer::probe",
    "wsa_trace::layer",
    Level::TRACE,
    None,
    None,
    None,
    FieldSet::new(&[], Identifier(&PROBE)),
    Kind::EVENT,
);

impl Callsite for Probe {
    fn set_interest(&self, _: Interest) {}

    fn metadata(&self) -> &Metadata<'_> {
        &PROBE_META
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hint_round_trips() {
        for hint in LEVELS.map(Some).into_iter().chain([None]) {
            assert_eq!(decode(encode(hint)), hint);
        }
    }
}
