//! A family whose last label, `source`, takes values known only when counting: the crates
//! whose log events the layer reads.
// Only the layer counts by source.
#![cfg_attr(not(feature = "layer"), allow(dead_code))]

use std::sync::{PoisonError, RwLock};

use super::family::Family;
use super::label::{Label, Labels};

/// One [`Family`] per `source`, created the first time the source is counted and kept for the
/// life of the process: as many as there are crates that log socket errors, each with the
/// same handles, late-recorder behaviour and lock-free counting as every other family.
#[derive(Debug)]
pub(crate) struct BySource<const N: usize> {
    name: String,
    help: &'static str,
    keys: [&'static str; N],
    sources: RwLock<Vec<Source<N>>>,
}

/// The value of a `source` label and the handles it counts into: what a caller looks up once
/// with [`BySource::source`] and keeps, so that counting takes no lock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Source<const N: usize> {
    name: &'static str,
    family: &'static Family<N>,
}

/// `source`: one value in each of its family's per-source tables.
impl<const N: usize> Label for Source<N> {
    const COUNT: usize = 1;

    #[inline]
    fn index(self) -> usize {
        0
    }

    fn name(self) -> &'static str {
        self.name
    }
}

impl<const N: usize> Source<N> {
    /// A label value made while counting, `name`, and the handles it counts into: a crate's
    /// `source` here, a peer's slot in [`ByPeer`](super::by_peer::ByPeer).
    pub(super) fn new(name: &'static str, family: &'static Family<N>) -> Self {
        Source { name, family }
    }

    /// The handles this value counts into.
    #[inline]
    pub(super) fn family(self) -> &'static Family<N> {
        self.family
    }
}

/// A label set whose last value is a [`Source`]: the one that picks the handles.
pub(crate) trait Sourced<const N: usize>: Labels<N> {
    /// The source.
    fn source(self) -> Source<N>;
}

macro_rules! sourced {
    ($n:literal, $last:tt: $($t:ident),*) => {
        impl<$($t: Label),*> Sourced<$n> for ($($t,)* Source<$n>,) {
            #[inline]
            fn source(self) -> Source<$n> {
                self.$last
            }
        }
    };
}

sourced!(1, 0:);
sourced!(2, 1: A);
sourced!(3, 2: A, B);
sourced!(4, 3: A, B, C);

impl<const N: usize> BySource<N> {
    /// The family `name`, whose label sets have a value for each of `keys`, the last of which
    /// is `source`.
    pub(crate) fn new(name: String, help: &'static str, keys: [&'static str; N]) -> Self {
        assert_eq!(keys.last(), Some(&"source"), "{name}: `source` comes last");
        BySource {
            name,
            help,
            keys,
            sources: RwLock::default(),
        }
    }

    /// The `source` label `source` of this family, its handles created on first use. Look it
    /// up once per callsite and keep it: counting through it takes no lock.
    pub(crate) fn source(&self, source: &'static str) -> Source<N> {
        let find = |sources: &[Source<N>]| sources.iter().copied().find(|s| s.name == source);
        if let Some(found) = find(&self.sources.read().unwrap_or_else(PoisonError::into_inner)) {
            return found;
        }
        let mut sources = self.sources.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = find(&sources) {
            return found;
        }
        // Kept for the process, as the prefix's table is: one per crate that logs.
        let family: &'static Family<N> = Box::leak(Box::new(Family::new(
            self.name.clone(),
            self.help,
            self.keys,
        )));
        let found = Source {
            name: source,
            family,
        };
        sources.push(found);
        found
    }

    /// Adds one to the label set `labels` in the handles of its source.
    #[inline]
    pub(crate) fn count<L: Sourced<N>>(&self, labels: L) {
        labels.source().family.count(labels);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_family_per_source() {
        let by = BySource::new("t_total".into(), "help", ["code", "source"]);
        let a = by.source("a");
        let b = by.source("b");
        assert!(!std::ptr::eq(a.family, b.family));
        assert!(std::ptr::eq(a.family, by.source("a").family));
        assert_eq!(a.family.name(), "t_total");
        assert_eq!((Label::name(a), Label::name(b)), ("a", "b"));
    }
}
