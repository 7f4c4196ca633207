//! A family whose first label, `peer`, takes values known only when counting: the peers
//! that errors were seen with, at most a fixed number of them per prefix, and `_other` for
//! the rest.
//!
//! A peer takes a slot the first time it is counted while slots are free, and keeps it for
//! the life of the process: its label is built then, once, with its own [`Family`] of
//! handles. After that, counting it is a lookup under a shared lock and the family's atomic
//! add. A peer that finds no free slot counts under `_other`, made with the prefix's
//! counters, which allocates nothing.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;
use std::sync::{Arc, PoisonError, RwLock};

use super::by_source::Source;
use super::family::Family;
use super::label::Label;
use crate::code::Entry;

/// The most peers one prefix keeps series for, whatever an observer asks.
pub const MAX_PEERS: usize = 1024;

/// The peers an observer counts by default once per-peer counting is on: see
/// [`Observer::count_peers`](crate::Observer::count_peers).
pub const DEFAULT_PEERS: usize = 64;

/// The `peer` label of the peers that found no free slot.
pub const OTHER_PEER: &str = "_other";

/// A peer as the slots tell peers apart: its address or host name, and its port. The
/// observer makes it from its `Peer` without allocating (a name is the peer's own shared
/// one).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PeerKey {
    /// An IP address and port.
    Ip(IpAddr, Option<u16>),
    /// A host name and port.
    Name(Arc<str>, Option<u16>),
}

impl PeerKey {
    /// The label: `address:port` (`[v6]:port`), `name:port`, or the host alone without a
    /// port.
    fn label(&self) -> String {
        match self {
            PeerKey::Ip(ip, Some(port)) => std::net::SocketAddr::new(*ip, *port).to_string(),
            PeerKey::Ip(ip, None) => ip.to_string(),
            PeerKey::Name(name, Some(port)) => format!("{name}:{port}"),
            PeerKey::Name(name, None) => name.to_string(),
        }
    }
}

/// The value of a `peer` label and the handles it counts into: a [`Source`], the type of
/// every label value made while counting with a family of its own.
type PeerSlot<const N: usize> = Source<N>;

/// The peer an error was seen with, and how many peers the observer that saw it lets take a
/// slot: the `peer` argument of the family's counting method.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counted<'a> {
    pub(crate) peer: &'a PeerKey,
    pub(crate) max: usize,
}

/// One [`Family`] per peer that took a slot, and one for `_other`.
#[derive(Debug)]
pub(crate) struct ByPeer<const N: usize> {
    name: String,
    help: &'static str,
    keys: [&'static str; N],
    peers: RwLock<HashMap<PeerKey, PeerSlot<N>, BuildHasherDefault<Fx>>>,
    other: Family<N>,
}

impl<const N: usize> ByPeer<N> {
    /// The family `name`, whose label sets have a value for each of `keys`, the first of which
    /// is `peer`.
    pub(crate) fn new(name: String, help: &'static str, keys: [&'static str; N]) -> Self {
        assert_eq!(keys.first(), Some(&"peer"), "{name}: `peer` comes first");
        ByPeer {
            other: Family::new(name.clone(), help, keys),
            name,
            help,
            keys,
            peers: RwLock::default(),
        }
    }

    /// The slot of `key`: its own, or a new one if fewer than `max` are taken.
    #[inline]
    fn slot(&self, key: &PeerKey, max: usize) -> Option<PeerSlot<N>> {
        let peers = self.peers.read().unwrap_or_else(PoisonError::into_inner);
        match peers.get(key) {
            Some(found) => Some(*found),
            None if peers.len() >= max.min(MAX_PEERS) => None,
            None => {
                drop(peers);
                self.take(key, max)
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn take(&self, key: &PeerKey, max: usize) -> Option<PeerSlot<N>> {
        let mut peers = self.peers.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = peers.get(key) {
            return Some(*found);
        }
        if peers.len() >= max.min(MAX_PEERS) {
            return None;
        }
        // Kept for the process, at most `MAX_PEERS` per prefix.
        let slot = PeerSlot::new(
            Box::leak(key.label().into_boxed_str()),
            Box::leak(Box::new(Family::new(
                self.name.clone(),
                self.help,
                self.keys,
            ))),
        );
        peers.insert(key.clone(), slot);
        Some(slot)
    }
}

impl ByPeer<2> {
    /// Adds one to (`peer`, `code`), under the peer's own label if it has a slot or can take
    /// one, else under `_other`.
    #[inline]
    pub(crate) fn count(&self, (counted, code): (Counted<'_>, Option<Entry>)) {
        match self.slot(counted.peer, counted.max) {
            Some(slot) => slot.family().count((slot, code)),
            None => self.other.count((Other, code)),
        }
    }
}

/// The hash of the slot map, a word at a time (rustc's `FxHasher`): a key is a few words,
/// hashed on every count, and the map holds at most [`MAX_PEERS`] keys (only peers that took
/// a slot), so a peer that chose colliding keys could slow a lookup down to a scan of those,
/// never grow anything.
#[derive(Clone, Copy, Debug, Default)]
struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `Hasher`'s methods for integers: each one word.
macro_rules! words {
    ($($method:ident: $type:ty),+) => {$(
        #[inline]
        fn $method(&mut self, n: $type) {
            self.add(n as u64);
        }
    )+};
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut rest = [0; 8];
        rest[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(rest));
    }

    words!(write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64, write_usize: usize);

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The `peer` label `_other`.
#[derive(Clone, Copy, Debug)]
struct Other;

impl Label for Other {
    const COUNT: usize = 1;

    #[inline]
    fn index(self) -> usize {
        0
    }

    fn name(self) -> &'static str {
        OTHER_PEER
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_address_and_port_or_name_and_port() {
        let v4: IpAddr = [127, 0, 0, 1].into();
        let v6: IpAddr = "::1".parse().unwrap();
        let name: Arc<str> = "example.com".into();
        for (key, label) in [
            (PeerKey::Ip(v4, Some(80)), "127.0.0.1:80"),
            (PeerKey::Ip(v6, Some(443)), "[::1]:443"),
            (PeerKey::Ip(v4, None), "127.0.0.1"),
            (PeerKey::Name(name.clone(), Some(8443)), "example.com:8443"),
            (PeerKey::Name(name, None), "example.com"),
        ] {
            assert_eq!(key.label(), label);
        }
    }

    #[test]
    fn past_the_cap_peers_share_other() {
        let by = ByPeer::new("p_total".into(), "help", ["peer", "code"]);
        let key = |port| PeerKey::Ip([127, 0, 0, 1].into(), Some(port));
        let a = by.slot(&key(1), 2).unwrap();
        assert!(by.slot(&key(2), 2).is_some());
        assert!(by.slot(&key(3), 2).is_none());
        assert!(std::ptr::eq(
            by.slot(&key(1), 2).unwrap().family(),
            a.family()
        ));
        // A larger cap lets a new peer in; none goes past MAX_PEERS.
        assert!(by.slot(&key(3), 3).is_some());
        assert_eq!(Label::name(a), "127.0.0.1:1");
    }
}
