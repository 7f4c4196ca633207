//! A family whose last label, `source`, takes values known only when counting: the crates
//! whose log events the layer reads.
// Only the layer counts by source.
#![cfg_attr(not(feature = "layer"), allow(dead_code))]

use std::sync::{PoisonError, RwLock};

use super::family::Family;

/// One [`Family`] per `source`, created the first time the source is counted and kept for the
/// life of the process: as many as there are crates that log socket errors, each with the
/// same handles, late-recorder behaviour and lock-free counting as every other family.
#[derive(Debug)]
pub(crate) struct BySource<const N: usize> {
    name: String,
    help: &'static str,
    len: usize,
    keys: [&'static str; N],
    sources: RwLock<Vec<(&'static str, &'static Family<N>)>>,
}

impl<const N: usize> BySource<N> {
    /// The family `name`, with `len` label sets per source, each of a value for each of `keys`,
    /// the last of which is `source`.
    pub(crate) fn new(
        name: String,
        help: &'static str,
        len: usize,
        keys: [&'static str; N],
    ) -> Self {
        assert_eq!(keys.last(), Some(&"source"), "{name}: `source` comes last");
        BySource {
            name,
            help,
            len,
            keys,
            sources: RwLock::default(),
        }
    }

    /// The counter's full name.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The handles of `source`, created on first use. Look it up once per callsite and keep
    /// it: counting through it takes no lock.
    pub(crate) fn source(&self, source: &'static str) -> &'static Family<N> {
        let find = |sources: &[(&'static str, &'static Family<N>)]| {
            sources
                .iter()
                .find(|(s, _)| *s == source)
                .map(|(_, family)| *family)
        };
        if let Some(family) = find(&self.sources.read().unwrap_or_else(PoisonError::into_inner)) {
            return family;
        }
        let mut sources = self.sources.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(family) = find(&sources) {
            return family;
        }
        // Kept for the process, as the prefix's table is: one per crate that logs.
        let family: &'static Family<N> = Box::leak(Box::new(Family::new(
            self.name.clone(),
            self.help,
            self.len,
            self.keys,
        )));
        sources.push((source, family));
        family
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_family_per_source() {
        let by = BySource::new("t_total".into(), "help", 2, ["code", "source"]);
        let a = by.source("a");
        let b = by.source("b");
        assert!(!std::ptr::eq(a, b));
        assert!(std::ptr::eq(a, by.source("a")));
        assert_eq!(a.name(), "t_total");
    }
}
