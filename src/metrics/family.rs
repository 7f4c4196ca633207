//! One counter name with a fixed number of label sets, each handle registered on first use
//! and registered again whenever the recorder in effect is a different one.
//!
//! Each label set keeps the handle of the first real recorder it is counted with in a cell
//! that is written once: while that recorder is in effect (the global one never changes once
//! set), counting reads one atomic and adds one, with no lock. The handles for any other
//! recorder (a local one, in tests) sit in one map per family behind a read-write lock, the
//! latest such recorder's per label set, so that a label set costs one small cell.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};

use metrics::{Counter, Key, KeyName, Label, Metadata, Recorder, SharedString, Unit};

use super::label::Labels;

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));

/// The handle of a label set for the first real recorder it was counted with, and that
/// recorder's address.
type Slot = OnceLock<(usize, Counter)>;

/// One counter name with `N` labels: its label sets' handles, created when the first one is
/// counted. Declared in the [table](super::table).
#[derive(Debug)]
pub(crate) struct Family<const N: usize> {
    name: KeyName,
    help: &'static str,
    keys: [&'static str; N],
    /// The recorder the description was last given to.
    described: AtomicUsize,
    slots: OnceLock<Box<[Slot]>>,
    /// For each label set counted with a recorder other than its slot's, the latest such
    /// recorder's address and handle.
    others: RwLock<HashMap<usize, (usize, Counter)>>,
}

/// The address of a recorder: the global one never moves, and a local one is the same for as
/// long as it is in effect.
fn address(recorder: &dyn Recorder) -> usize {
    (recorder as *const dyn Recorder).cast::<()>() as usize
}

impl<const N: usize> Family<N> {
    /// The family `name`, whose label sets have a value for each of `keys`. Its cells, one
    /// per label set, are made when it first counts, as many as the label types' values
    /// allow ([`Labels::COUNT`]).
    pub(crate) fn new(name: String, help: &'static str, keys: [&'static str; N]) -> Self {
        Family {
            name: KeyName::from(SharedString::from(name)),
            help,
            keys,
            described: AtomicUsize::new(0),
            slots: OnceLock::new(),
            others: RwLock::new(HashMap::new()),
        }
    }

    /// The counter's full name.
    pub(crate) fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Adds one to the label set `labels`, registering it the first time it is counted with
    /// the recorder in effect.
    ///
    /// The usual case, a label set counted before with the recorder in effect, reads the
    /// label set's cell and asks `metrics` for the recorder's address, two lookups that do
    /// not wait for each other, compares them and adds one: nothing is carried into
    /// `metrics::with_recorder` but a function that returns the address.
    #[inline(always)]
    pub(crate) fn count<L: Labels<N>>(&self, labels: L) {
        let slot = labels.slot();
        let cell = self.slots.get().and_then(|slots| slots.get(slot));
        if let Some((first, counter)) = cell.and_then(Slot::get) {
            if *first == metrics::with_recorder(address) {
                counter.increment(1);
                return;
            }
        }
        self.count_first(slot, L::COUNT, &|| labels.values());
    }

    /// Counts a label set for the first time with the recorder in effect: makes the cells if
    /// this is the family's first count, then registers.
    #[cold]
    #[inline(never)]
    fn count_first(&self, slot: usize, len: usize, labels: &dyn Fn() -> [&'static str; N]) {
        let slots = self
            .slots
            .get_or_init(|| (0..len).map(|_| Slot::new()).collect());
        let Some(cell) = slots.get(slot) else { return };
        metrics::with_recorder(|recorder| self.increment_other(slot, cell, recorder, labels));
    }

    /// Counts with a recorder other than the cell's: takes the cell if it is still free and
    /// `recorder` is a real one, else uses the handle in the map, registered again if it
    /// belongs to another recorder.
    fn increment_other(
        &self,
        slot: usize,
        cell: &Slot,
        recorder: &dyn Recorder,
        labels: &dyn Fn() -> [&'static str; N],
    ) {
        let at = address(recorder);
        // The no-op recorder in effect before any is installed has no size: its handles count
        // nothing, and it must leave the cell to a recorder installed later.
        if std::mem::size_of_val(recorder) != 0 {
            let (first, counter) = cell.get_or_init(|| (at, self.register(recorder, labels)));
            if *first == at {
                counter.increment(1);
                return;
            }
        }
        {
            // Shared, so that threads counting with the same other recorder do not queue.
            let others = self.others.read().unwrap_or_else(|e| e.into_inner());
            if let Some((held, counter)) = others.get(&slot) {
                if *held == at {
                    counter.increment(1);
                    return;
                }
            }
        }
        let counter = self.register(recorder, labels);
        counter.increment(1);
        self.others
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(slot, (at, counter));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each family holds a cell per label set (thousands of them for the retry counter), so
    /// the cell stays small: the handle and the recorder's address.
    #[test]
    fn a_label_set_costs_one_small_cell() {
        assert!(
            std::mem::size_of::<Slot>() <= 32,
            "{} bytes",
            std::mem::size_of::<Slot>()
        );
    }

    /// A second recorder gets its own handle; the first keeps its cell; going back to the
    /// first is lock-free again; the second is registered again after a third.
    #[test]
    fn each_recorder_counts_its_own() {
        use metrics_util::debugging::DebuggingRecorder;
        let family = Family::new("family_test_total".into(), "help", ["code"]);
        let recorders: Vec<&'static DebuggingRecorder> = (0..3)
            .map(|_| &*Box::leak(Box::new(DebuggingRecorder::new())))
            .collect();
        let count = |r: &'static DebuggingRecorder, n: usize| {
            metrics::with_local_recorder(r, || {
                for _ in 0..n {
                    family.count((Some(crate::code::Entry::at(0)),));
                }
            })
        };
        count(recorders[0], 1);
        count(recorders[1], 2);
        count(recorders[0], 3);
        count(recorders[2], 4);
        count(recorders[1], 5);
        let value = |r: &DebuggingRecorder| -> u64 {
            r.snapshotter()
                .snapshot()
                .into_vec()
                .into_iter()
                .map(|(_, _, _, v)| match v {
                    metrics_util::debugging::DebugValue::Counter(n) => n,
                    other => panic!("{other:?}"),
                })
                .sum()
        };
        assert_eq!(value(recorders[0]), 4);
        assert_eq!(value(recorders[1]), 7);
        assert_eq!(value(recorders[2]), 4);
    }
}
