//! One counter name with a fixed number of label sets, each handle registered on first use
//! and registered again whenever the recorder in effect is a different one.
//!
//! Each label set keeps the handle of the first real recorder it is counted with in a cell
//! that is written once: while that recorder is in effect (the global one never changes once
//! set), counting reads one atomic and adds one, with no lock. The handle for any other
//! recorder sits behind a lock beside it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};

use metrics::{Counter, Key, KeyName, Label, Metadata, Recorder, SharedString, Unit};

use crate::code::Entry;

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));

/// A label set's handles, each with the address of the recorder it was registered with: the
/// first real recorder's, set once and read without a lock, and the latest other one's.
#[derive(Debug)]
struct Slot {
    first: OnceLock<(usize, Counter)>,
    other: RwLock<(usize, Counter)>,
}

impl Slot {
    fn new() -> Self {
        Slot {
            first: OnceLock::new(),
            other: RwLock::new((0, Counter::noop())),
        }
    }
}

/// One counter name with `N` labels: its label sets' handles, created when the first one is
/// counted. Declared in the [table](super::table).
#[derive(Debug)]
pub(crate) struct Family<const N: usize> {
    name: KeyName,
    help: &'static str,
    keys: [&'static str; N],
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

impl<const N: usize> Family<N> {
    /// The family `name`, with `len` label sets, each of a value for each of `keys`.
    pub(crate) fn new(
        name: String,
        help: &'static str,
        len: usize,
        keys: [&'static str; N],
    ) -> Self {
        Family {
            name: KeyName::from(SharedString::from(name)),
            help,
            keys,
            len,
            described: AtomicUsize::new(0),
            slots: OnceLock::new(),
        }
    }

    /// The counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Adds one to the label set in `slot`, registering it with the label values `labels`
    /// gives (one per key, in the table's order) the first time it is counted with the
    /// recorder in effect.
    #[inline]
    pub(crate) fn increment(&self, slot: usize, labels: impl Fn() -> [&'static str; N]) {
        let slots = self
            .slots
            .get_or_init(|| (0..self.len).map(|_| Slot::new()).collect());
        let Some(cell) = slots.get(slot) else { return };
        metrics::with_recorder(|recorder| match cell.first.get() {
            Some((first, counter)) if *first == address(recorder) => counter.increment(1),
            _ => self.increment_other(cell, recorder, &labels),
        });
    }

    /// Counts with a recorder other than the lock-free cell's: takes the cell if it is still
    /// free and `recorder` is a real one, else uses the locked handle, registered again if it
    /// belongs to another recorder.
    #[cold]
    #[inline(never)]
    fn increment_other(
        &self,
        cell: &Slot,
        recorder: &dyn Recorder,
        labels: &dyn Fn() -> [&'static str; N],
    ) {
        let at = address(recorder);
        // The no-op recorder in effect before any is installed has no size: its handles count
        // nothing, and it must leave the cell to a recorder installed later.
        if std::mem::size_of_val(recorder) != 0 {
            let (first, counter) = cell
                .first
                .get_or_init(|| (at, self.register(recorder, labels)));
            if *first == at {
                counter.increment(1);
                return;
            }
        }
        {
            let held = cell.other.read().unwrap_or_else(|e| e.into_inner());
            if held.0 == at {
                held.1.increment(1);
                return;
            }
        }
        let counter = self.register(recorder, labels);
        counter.increment(1);
        *cell.other.write().unwrap_or_else(|e| e.into_inner()) = (at, counter);
    }

    #[cold]
    #[inline(never)]
    fn register(&self, recorder: &dyn Recorder, labels: &dyn Fn() -> [&'static str; N]) -> Counter {
        let at = address(recorder);
        if self.described.swap(at, Ordering::AcqRel) != at {
            recorder.describe_counter(self.name.clone(), Some(Unit::Count), self.help.into());
        }
        let labels: Vec<Label> = self
            .keys
            .into_iter()
            .zip(labels())
            .map(|(key, value)| Label::from_static_parts(key, value))
            .collect();
        recorder.register_counter(&Key::from_parts(self.name.clone(), labels), &METADATA)
    }
}

/// The value of a `code` label: the symbol, or `UNKNOWN`.
pub(crate) fn code_label(code: Option<Entry>) -> &'static str {
    code.map_or(crate::code::UNKNOWN_LABEL, |e| e.info().name)
}
