//! The peer on the default error event, as a user's crate sees it: a real refused connect
//! through `TraceConnectLayer` and a real reset read on a `TraceStream`, each observed by a
//! default `Observer`, carry `network.peer.address` and `network.peer.port` with the socket's
//! own values; a host name is `server.address`; an unknown peer leaves every peer field out.

use crate::support;

use std::net::SocketAddr;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tower::{service_fn, Layer, ServiceExt};
use wsa_trace::observe::{ObserveExt, Observer, Peer};
use wsa_trace::{Op, TraceConnectLayer, TraceStream};

use support::{capture_async, Event, LIMIT};

/// The peer's fields, as the default event carries them.
const PEER_FIELDS: [&str; 3] = [
    "network.peer.address",
    "network.peer.port",
    "server.address",
];

/// The peer's fields an event recorded, by name.
fn peer_fields(event: &Event) -> Vec<(&'static str, &str)> {
    PEER_FIELDS
        .iter()
        .filter_map(|&name| Some((name, event.field(name)?)))
        .collect()
}

/// The event carries `addr`'s address and port, and no host name.
fn assert_names_the_address(event: &Event, addr: SocketAddr) {
    let port = addr.port().to_string();
    let want = [
        ("network.peer.address", addr.ip().to_string()),
        ("network.peer.port", port),
    ];
    let want: Vec<_> = want.iter().map(|(n, v)| (*n, v.as_str())).collect();
    assert_eq!(peer_fields(event), want, "{event:?}");
}

#[test]
fn a_refused_connect_through_the_connector_layer_names_the_peer() {
    let (addr, seen) = capture_async(LIMIT, async {
        let addr = support::closed_port();
        let connector = TraceConnectLayer::new()
            .observer(Observer::new())
            .layer(service_fn(|addr: SocketAddr| TcpStream::connect(addr)));
        connector
            .oneshot(addr)
            .await
            .expect_err("nothing listens on a released port");
        addr
    });
    assert_names_the_address(&seen.one_event("WSAECONNREFUSED", "connect"), addr);
}

/// Reads from a server that resets the connection at once, through a `TraceStream` with a
/// default observer and the server's address as its peer. Wine ends such a read as a graceful
/// close, so this test is in `scripts/windows.sh`'s list of Wine's differences.
#[test]
fn a_reset_read_on_a_stream_names_the_peer() {
    let (addr, seen) = capture_async(LIMIT, async {
        let (addr, server) = support::reset_server().await;
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let mut stream = TraceStream::new(tcp, Observer::new(), Peer::from(addr));
        server.await.expect("the server closed with a reset");
        stream.read(&mut [0u8; 64]).await.expect_err(
            "the peer reset the connection (Wine 8 ends this read as a graceful close)",
        );
        addr
    });
    assert_names_the_address(&seen.one_event("WSAECONNRESET", "read"), addr);
}

/// A connector called with a host name and port: its event names the host as
/// `server.address`, beside the port, and has no IP address.
#[test]
fn a_host_name_is_server_address_on_the_default_event() {
    let (addr, seen) = capture_async(LIMIT, async {
        let addr = support::closed_port();
        // The name stands for `addr`, where nothing listens, whatever it resolves to here.
        let connector = TraceConnectLayer::new()
            .observer(Observer::new())
            .layer(service_fn(move |_: String| TcpStream::connect(addr)));
        connector
            .oneshot(format!("localhost:{}", addr.port()))
            .await
            .expect_err("nothing listens on a released port");
        addr
    });
    let event = seen.one_event("WSAECONNREFUSED", "connect");
    let port = addr.port().to_string();
    assert_eq!(
        peer_fields(&event),
        [
            ("network.peer.port", port.as_str()),
            ("server.address", "localhost")
        ],
        "{event:?}"
    );
}

/// A refused connect observed with `observe_with`, which knows no peer: no peer field at all,
/// not empty ones.
#[test]
fn an_unknown_peer_leaves_the_peer_fields_out() {
    let (_, seen) = capture_async(LIMIT, async {
        TcpStream::connect(support::closed_port())
            .await
            .observe_with(&Observer::new(), Op::Connect)
            .expect_err("nothing listens on a released port")
    });
    let event = seen.one_event("WSAECONNREFUSED", "connect");
    assert_eq!(peer_fields(&event), [], "{event:?}");
    // The rest of the default event is there.
    for name in ["wsa.code", "wsa.symbol", "wsa.op", "error"] {
        assert!(event.field(name).is_some(), "no {name} in {event:?}");
    }
}
