//! The peer on the default error event, as a user's crate sees it: a real refused connect
//! through `TraceConnectLayer` and a real reset read on a `TraceStream`, each observed by a
//! default `Observer`, carry `network.peer.address` and `network.peer.port` with the socket's
//! own values; a host name is `server.address`; an unknown peer leaves every peer field out.

use crate::support;

use std::io;
use std::net::SocketAddr;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tower::{service_fn, Layer, ServiceExt};
use wsa_trace::observe::{Observer, Peer, Transport};
use wsa_trace::{TraceConnectLayer, TraceStream};

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

/// Connects to a server that resets the connection at once and reads through a `TraceStream`
/// with a default observer and `peer(addr)`: the event of the real reset.
async fn reset_read_with(peer: impl FnOnce(SocketAddr) -> Peer) -> (SocketAddr, io::Error) {
    let (addr, server) = support::reset_server().await;
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let mut stream = TraceStream::new(tcp, Observer::new(), peer(addr));
    server.await.expect("the server closed with a reset");
    let err = stream
        .read(&mut [0u8; 64])
        .await
        .expect_err("the peer reset the connection");
    (addr, err)
}

// Under Wine the read after a reset ends as a graceful close (see the tour's reset scene).
#[cfg(unix)]
#[test]
fn a_reset_read_on_a_stream_names_the_peer() {
    let ((addr, _), seen) = capture_async(LIMIT, reset_read_with(Peer::from));
    assert_names_the_address(&seen.one_event("WSAECONNRESET", "read"), addr);
}

#[cfg(unix)]
#[test]
fn a_host_name_is_server_address_on_the_default_event() {
    let ((addr, _), seen) = capture_async(
        LIMIT,
        reset_read_with(|addr| Peer::new("localhost", Some(addr.port()), Transport::Tcp)),
    );
    let event = seen.one_event("WSAECONNRESET", "read");
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

#[cfg(unix)]
#[test]
fn an_unknown_peer_leaves_the_peer_fields_out() {
    let (_, seen) = capture_async(LIMIT, reset_read_with(|_| Peer::unknown()));
    let event = seen.one_event("WSAECONNRESET", "read");
    assert_eq!(peer_fields(&event), [], "{event:?}");
    // The rest of the default event is there.
    for name in ["wsa.code", "wsa.symbol", "wsa.op", "error"] {
        assert!(event.field(name).is_some(), "no {name} in {event:?}");
    }
}
