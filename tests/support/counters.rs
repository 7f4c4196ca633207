//! Reading the counters a test's recorder received: every series with its total.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use metrics_util::debugging::{DebugValue, Snapshotter};

/// The name of the error counter with the default prefix.
pub const COUNTER: &str = "wsa_socket_errors_total";

/// One counter series: its name, its labels, its value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Series {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: u64,
}

/// A series' identity: its name and labels.
type SeriesKey = (String, BTreeMap<String, String>);

/// Reads a [`DebuggingRecorder`]'s counters. A snapshot resets the recorder's counters to
/// zero, so the values read are added up here: every read sees the total since the start.
#[derive(Clone)]
pub struct Counters {
    snapshotter: Snapshotter,
    totals: Arc<Mutex<BTreeMap<SeriesKey, u64>>>,
}

impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.series()).finish()
    }
}

impl Counters {
    pub fn new(snapshotter: Snapshotter) -> Self {
        Counters {
            snapshotter,
            totals: Arc::default(),
        }
    }

    /// Every counter series seen so far, with its total.
    pub fn series(&self) -> Vec<Series> {
        let mut totals = self.totals.lock().unwrap();
        for (key, _, _, value) in self.snapshotter.snapshot().into_vec() {
            let DebugValue::Counter(n) = value else {
                continue;
            };
            let key = key.key();
            let labels = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            *totals.entry((key.name().to_owned(), labels)).or_default() += n;
        }
        totals
            .iter()
            .map(|((name, labels), &value)| Series {
                name: name.clone(),
                labels: labels.clone(),
                value,
            })
            .collect()
    }

    /// The series of counter `name` labelled exactly `code`, `category` and `op`: 0 if it was
    /// never registered.
    pub fn value(&self, name: &str, code: &str, category: &str, op: &str) -> u64 {
        self.get(name, &[("code", code), ("category", category), ("op", op)])
    }

    /// The series of counter `name` labelled exactly `labels` (no more, no fewer): 0 if it
    /// was never registered.
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        let want: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.series()
            .into_iter()
            .filter(|s| s.name == name && s.labels == want)
            .map(|s| s.value)
            .sum()
    }

    /// Every series of counter `name`.
    pub fn named(&self, name: &str) -> Vec<Series> {
        self.series()
            .into_iter()
            .filter(|s| s.name == name)
            .collect()
    }

    /// The sum of every series of counter `name`.
    pub fn total(&self, name: &str) -> u64 {
        self.named(name).into_iter().map(|s| s.value).sum()
    }
}
