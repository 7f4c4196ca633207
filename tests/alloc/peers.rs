//! What per-peer counting costs in allocations: turning it on allocates only the observer's
//! own settings, as any setter does; a peer's first error takes its slot (its label, built
//! once, and its handles); after that, counting a peer in its slot, or one under `_other`,
//! allocates nothing.
//!
//! No recorder is installed in this binary: the handles are the no-op recorder's, and every
//! measurement starts after a warm-up that registered them. The observer emits no events:
//! another test of this binary sets subscribers for a while, and the first event let through
//! then would make the observer's rate limit, once, in the middle of a measurement.

use crate::support;

use std::net::{Ipv4Addr, SocketAddr};

use wsa_trace::metrics::MAX_PEERS;
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{Op, WsaCode};

use support::counting::{allocated, allocations};
use support::native::os_error;

const CALLS: usize = 10_000;
/// The most a first count of a new peer may ask for, as the metrics docs state it (about
/// 4 KB: its label, its handles' table, its share of the slot map), with a margin.
const NEW_PEER_BYTES: usize = 8 * 1024;

fn peer(port: u16) -> Peer {
    Peer::from(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

#[test]
fn turning_it_on_allocates_only_the_settings() {
    let base = Observer::new();
    let ((n, bytes), observer) = allocated(|| base.clone().count_peers(64));
    // The settings are copied once, out of the shared default, as by any setter; nothing else.
    let ((setter, setter_bytes), _) = allocated(|| base.clone().emit_event(true));
    assert_eq!((n, bytes), (setter, setter_bytes));
    assert_eq!(n, 1, "{bytes} bytes");
    // Turned on again, the observer's own settings change in place.
    let ((n, _), _) = allocated(|| observer.count_peers(MAX_PEERS + 1));
    assert_eq!(n, 0);
}

#[test]
fn a_peer_in_its_slot_and_other_peers_count_without_allocating() {
    let observer = Observer::new()
        .metrics_prefix("alloc_peers")
        .expect("a valid prefix")
        .emit_event(false)
        .count_peers(2);
    let reset = os_error(WsaCode::WSAECONNRESET);
    let (first, second, third) = (peer(1), peer(2), peer(3));

    // The prefix's error counter makes its table on its first count, with or without a peer.
    observer.observe_io(&reset, Op::Read, &Peer::unknown());
    // The first peer's first error takes its slot: bounded, as the docs say.
    let ((_, bytes), _) = allocated(|| observer.observe_io(&reset, Op::Read, &first));
    assert!(bytes <= NEW_PEER_BYTES, "{bytes} bytes");
    // Warm-up: the second takes the last slot, the third is the first `_other`.
    observer.observe_io(&reset, Op::Read, &second);
    observer.observe_io(&reset, Op::Read, &third);

    let (n, ()) = allocations(|| {
        for _ in 0..CALLS {
            observer.observe_io(&reset, Op::Read, &first);
        }
    });
    assert_eq!(
        n, 0,
        "{CALLS} counts of a peer in its slot allocated {n} times"
    );

    // Peers never seen before, past the cap: each is `_other`, at no cost.
    let (n, ()) = allocations(|| {
        for port in 4..4 + CALLS as u16 {
            observer.observe_io(&reset, Op::Read, &peer(port));
        }
    });
    assert_eq!(n, 0, "{CALLS} new peers past the cap allocated {n} times");
}
