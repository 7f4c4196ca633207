//! `<prefix>_peer_errors_total` as a user's crate turns it on: 10,000 distinct peers stay at
//! most N + 1 series per code with every error counted, and a refused connect on loopback
//! through `TraceConnectLayer` is counted under its real peer, by address or by the name the
//! connector was given. Each test has a prefix of its own: the slots are the prefix's, for
//! the whole process.

use crate::support;

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tower::{service_fn, Layer, ServiceExt};
use wsa_trace::metrics::{DEFAULT_PEERS, OTHER_PEER};
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{Op, TraceConnectLayer, WsaCode};

use support::native::os_error;
use support::{count, count_async, LIMIT};

/// Distinct peers, and the most time their loop may take before it stops and fails.
const PEERS: usize = 10_000;
const LOOP_BOUND: Duration = Duration::from_secs(60);

/// The address of the `i`th peer: loopback addresses with distinct ports, no socket needed.
fn addr(i: usize) -> SocketAddr {
    let i = u16::try_from(i).expect("fewer than 65,536 peers");
    let [hi, lo] = i.to_be_bytes();
    SocketAddr::from((Ipv4Addr::new(127, 1, hi, lo), 1 + i % 60_000))
}

fn peer(i: usize) -> Peer {
    Peer::from(addr(i))
}

fn label(i: usize) -> String {
    addr(i).to_string()
}

#[test]
fn ten_thousand_peers_stay_within_the_cap_and_every_error_is_counted() {
    let name = "peer_cap_peer_errors_total";
    let codes = [WsaCode::WSAECONNREFUSED, WsaCode::WSAECONNRESET];
    let (counted, counters) = count(|| {
        let observer = Observer::new()
            .metrics_prefix("peer_cap")
            .expect("a valid prefix")
            .count_peers(DEFAULT_PEERS);
        let start = Instant::now();
        let mut counted = 0;
        for i in 0..PEERS {
            if start.elapsed() > LOOP_BOUND {
                break;
            }
            let peer = peer(i);
            for code in codes {
                observer.observe_io(&os_error(code), Op::Connect, &peer);
            }
            counted += 1;
        }
        counted
    });
    assert_eq!(counted, PEERS, "the loop stopped after {LOOP_BOUND:?}");

    let series = counters.named(name);
    for code in codes {
        let of_code: Vec<_> = series
            .iter()
            .filter(|s| Some(s.labels["code"].as_str()) == code.name())
            .collect();
        // The first DEFAULT_PEERS peers have their own series, first come; every later one is
        // `_other`.
        let peers: BTreeSet<&str> = of_code.iter().map(|s| s.labels["peer"].as_str()).collect();
        let mut expected: BTreeSet<String> = (0..DEFAULT_PEERS).map(label).collect();
        expected.insert(OTHER_PEER.to_owned());
        assert_eq!(
            peers,
            expected.iter().map(String::as_str).collect(),
            "{code}"
        );
        assert_eq!(of_code.len(), DEFAULT_PEERS + 1, "{code}");
        for s in &of_code {
            let want = if s.labels["peer"] == OTHER_PEER {
                (PEERS - DEFAULT_PEERS) as u64
            } else {
                1
            };
            assert_eq!(s.value, want, "{s:?}");
        }
    }
    // Exact: every error once here, as in the error counter.
    let total = (PEERS * codes.len()) as u64;
    assert_eq!(counters.total(name), total);
    assert_eq!(counters.total("peer_cap_socket_errors_total"), total);
}

#[test]
fn off_by_default() {
    let ((), counters) = count(|| {
        let observer = Observer::new();
        for i in 0..3 {
            observer.observe_io(&os_error(WsaCode::WSAECONNRESET), Op::Read, &peer(i));
        }
    });
    assert_eq!(counters.total(support::COUNTER), 3);
    assert_eq!(counters.named("wsa_peer_errors_total"), vec![]);
}

#[test]
fn a_refused_connect_counts_under_its_real_peer() {
    let observer = || {
        Observer::new()
            .metrics_prefix("peer_connect")
            .expect("a valid prefix")
            .count_peers(DEFAULT_PEERS)
    };
    let (addr, counters) = count_async(LIMIT, async {
        let addr = support::closed_port();
        // By address.
        let err = TraceConnectLayer::new()
            .observer(observer())
            .layer(service_fn(|addr: SocketAddr| {
                assert!(addr.ip().is_loopback(), "tests only talk to loopback");
                TcpStream::connect(addr)
            }))
            .oneshot(addr)
            .await
            .expect_err("nothing listens on a held port");
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
        // By the name the connector is given, which it resolves to loopback itself.
        let err = TraceConnectLayer::new()
            .observer(observer())
            .layer(service_fn(|(host, port): (String, u16)| {
                assert_eq!(host, "localhost");
                TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            }))
            .oneshot(("localhost".to_owned(), addr.port()))
            .await
            .expect_err("nothing listens on a held port");
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
        addr
    });
    let name = "peer_connect_peer_errors_total";
    let refused = WsaCode::WSAECONNREFUSED.name().expect("a catalog code");
    let by_addr = addr.to_string();
    let by_name = format!("localhost:{}", addr.port());
    for peer in [&by_addr, &by_name] {
        assert_eq!(
            counters.get(name, &[("peer", peer), ("code", refused)]),
            1,
            "{peer}: {:#?}",
            counters.named(name)
        );
    }
    assert_eq!(counters.total(name), 2, "{:#?}", counters.named(name));
}
