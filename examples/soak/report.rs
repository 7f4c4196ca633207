//! The end of the soak: the crate's counters read back from the recorder, compared with the
//! tallies, and the process's descriptors and resident memory.

use std::collections::BTreeMap;
use std::io;

use metrics_util::debugging::{DebugValue, Snapshotter};

use crate::client::Errors;

/// Totals by (code, op).
pub type Counts = BTreeMap<(String, String), u64>;

/// Counter totals by name, then by their `code` and `op` labels (other labels summed).
pub fn counters(snapshotter: &Snapshotter) -> BTreeMap<String, Counts> {
    let mut totals: BTreeMap<String, Counts> = BTreeMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let DebugValue::Counter(n) = value else {
            continue;
        };
        let key = key.key();
        let label = |name: &str| {
            key.labels()
                .find(|l| l.key() == name)
                .map_or(String::new(), |l| l.value().to_owned())
        };
        *totals
            .entry(key.name().to_owned())
            .or_default()
            .entry((label("code"), label("op")))
            .or_default() += n;
    }
    totals
}

/// The (code, op) pairs where the tally and the counter differ.
pub fn differences(tallied: &Errors, counted: &Counts) -> Vec<String> {
    let tallied: Counts = tallied
        .iter()
        .map(|(&(code, op), &n)| ((code.to_owned(), op.to_owned()), n))
        .filter(|&(_, n)| n > 0)
        .collect();
    let mut keys: Vec<_> = tallied.keys().chain(counted.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let want = tallied.get(key).copied().unwrap_or(0);
            let got = counted.get(key).copied().unwrap_or(0);
            (want != got).then(|| format!("{}/{} tallied={want} counted={got}", key.0, key.1))
        })
        .collect()
}

/// This process's open descriptors and resident memory.
#[derive(Clone, Copy, Debug)]
pub struct Resources {
    pub fds: usize,
    pub rss_kib: u64,
}

impl Resources {
    /// Reads `/proc/self/fd` and `VmRSS` from `/proc/self/status` (Linux).
    pub fn now() -> io::Result<Resources> {
        // The directory's own descriptor is counted each time alike.
        let fds = std::fs::read_dir("/proc/self/fd")?.count();
        let status = std::fs::read_to_string("/proc/self/status")?;
        let rss_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no VmRSS line"))?;
        Ok(Resources { fds, rss_kib })
    }
}
