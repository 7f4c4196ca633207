//! One counter name with a fixed number of label sets, each handle registered on first use
//! and registered again whenever the recorder in effect is a different one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};

use metrics::{Counter, Key, KeyName, Label, Metadata, Recorder, SharedString, Unit};

use crate::code::Entry;

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));

/// A label set's handle, and the recorder it was registered with (by address).
type Slot = RwLock<(usize, Counter)>;

/// One counter name: its label sets' handles, created when the first one is counted.
#[derive(Debug)]
pub(crate) struct Family {
    name: KeyName,
    help: &'static str,
    len: usize,
    /// The recorder the description was last given to.
    described: AtomicUsize,
    slots: OnceLock<Box<[Slot]>>,
}

/// The address of a recorder: the global one never moves, and a local one is the same for as
/// long as it is in effect.
fn address(recorder: &dyn Recorder) -> usize {
    (recorder as *const dyn Recorder).cast::<()>() as usize
}

impl Family {
    pub(crate) fn new(name: String, help: &'static str, len: usize) -> Self {
        Family {
            name: KeyName::from(SharedString::from(name)),
            help,
            len,
            described: AtomicUsize::new(0),
            slots: OnceLock::new(),
        }
    }

    /// The counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Adds one to the label set in `slot`, registering it with `labels` the first time it
    /// is counted with the recorder in effect.
    #[inline]
    pub(crate) fn increment(&self, slot: usize, labels: impl FnOnce() -> [Label; 3]) {
        let slots = self.slots.get_or_init(|| {
            (0..self.len)
                .map(|_| RwLock::new((0, Counter::noop())))
                .collect()
        });
        let Some(cell) = slots.get(slot) else { return };
        metrics::with_recorder(|recorder| {
            let at = address(recorder);
            {
                let held = cell.read().unwrap_or_else(|e| e.into_inner());
                if held.0 == at {
                    held.1.increment(1);
                    return;
                }
            }
            let counter = self.register(recorder, labels);
            counter.increment(1);
            *cell.write().unwrap_or_else(|e| e.into_inner()) = (at, counter);
        });
    }

    #[cold]
    #[inline(never)]
    fn register(&self, recorder: &dyn Recorder, labels: impl FnOnce() -> [Label; 3]) -> Counter {
        let at = address(recorder);
        if self.described.swap(at, Ordering::AcqRel) != at {
            recorder.describe_counter(self.name.clone(), Some(Unit::Count), self.help.into());
        }
        let labels: Vec<Label> = labels()
            .into_iter()
            .filter(|l| !l.key().is_empty())
            .collect();
        recorder.register_counter(&Key::from_parts(self.name.clone(), labels), &METADATA)
    }
}

/// A `code` label.
pub(crate) fn code_label(code: Option<Entry>) -> Label {
    Label::from_static_parts(
        "code",
        code.map_or(crate::code::UNKNOWN_LABEL, |e| e.info().name),
    )
}

/// No label: dropped at registration.
pub(crate) const NO_LABEL: Label = Label::from_static_parts("", "");
