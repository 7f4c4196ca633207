//! Real loopback sockets on Windows, where `raw_os_error()` is a Winsock number: a refused
//! connect, a reset, a timed-out read and UDP's `WSAECONNRESET` for an earlier datagram's
//! ICMP port unreachable, each observed with its native number and counted under its code.
//! Where Wine (8.0) behaves differently from Windows, the test's message says so; the README's
//! "Platforms" section lists those tests.
#![cfg(windows)]

use crate::support;

use std::io::{ErrorKind, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpStream, UdpSocket};
use tower::{service_fn, Layer, ServiceExt};
use wsa_trace::net::TraceUdpSocket;
use wsa_trace::{ObserveExt, Op, TraceConnectLayer};

use support::{capture_async, LIMIT};

#[test]
fn a_refused_connect_is_10061_through_the_connector_layer() {
    let (err, seen) = capture_async(LIMIT, async {
        TraceConnectLayer::new()
            .observer(support::all_fields())
            .layer(service_fn(TcpStream::connect))
            .oneshot(support::closed_port())
            .await
            .map(drop)
            .expect_err("nothing listens on the port")
    });
    assert_eq!(err.raw_os_error(), Some(10061), "{err}");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    assert_eq!(seen.count("WSAECONNREFUSED", "transient", "connect"), 1);
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);
    let event = seen.one_event("WSAECONNREFUSED", "connect");
    assert_eq!(event.field("wsa.code"), Some("10061"));
    assert_eq!(event.field("wsa.os_code"), Some("10061"));
    assert_eq!(event.field("wsa.os_name"), Some("WSAECONNREFUSED"));
}

#[test]
fn a_reset_by_the_peer_is_10054_on_read() {
    let (err, seen) = capture_async(LIMIT, async {
        let (addr, server) = support::reset_server().await;
        let mut stream = wsa_trace::TraceStream::new(
            TcpStream::connect(addr).await.expect("connect"),
            support::all_fields(),
            addr.into(),
        );
        server.await.expect("the server closed with a reset");
        let mut buf = [0u8; 16];
        match stream.read(&mut buf).await {
            Ok(n) => panic!(
                "the read returned {n} bytes, expected WSAECONNRESET (Wine 8 reports a reset \
                 as a graceful close on read, where Windows reports 10054: a known Wine \
                 difference)"
            ),
            Err(err) => err,
        }
    });
    assert_eq!(err.raw_os_error(), Some(10054), "{err}");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    assert_eq!(seen.count("WSAECONNRESET", "transient", "read"), 1);
    assert_eq!(
        seen.one_event("WSAECONNRESET", "read").field("wsa.os_name"),
        Some("WSAECONNRESET")
    );
}

/// Windows fails a blocking receive whose `SO_RCVTIMEO` ran out with `WSAETIMEDOUT` (Linux
/// says `EAGAIN`): a real timed-out read on loopback.
#[test]
fn a_read_past_its_timeout_is_10060() {
    let (err, seen) = support::capture(|| {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (_server, _) = listener.accept().expect("accept");
        client
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut buf = [0u8; 16];
        client
            .read(&mut buf)
            .observe(Op::Read)
            .expect_err("the server never writes")
    });
    assert_eq!(err.raw_os_error(), Some(10060), "{err}");
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert_eq!(seen.count("WSAETIMEDOUT", "transient", "read"), 1);
}

/// A datagram to a closed port brings back an ICMP port unreachable, which Windows reports
/// as `WSAECONNRESET` on the socket's next `recv_from` (tokio#2017). `TraceUdpSocket` counts
/// it and receives the next datagram; with `skip_immediate(false)` the caller gets the error.
#[test]
fn recv_from_goes_on_past_the_wsaeconnreset_of_an_earlier_datagram() {
    let ((data, from, peer), seen) = capture_async(LIMIT, async {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let socket = TraceUdpSocket::new(socket, support::all_fields());
        let peer = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let closed = closed_udp_port();
        socket.send_to(b"nobody", closed).await.expect("send");
        // Sent after the first datagram on the same loopback path: its answer arrives after
        // the first one's ICMP error.
        socket
            .send_to(b"ping", peer.local_addr().unwrap())
            .await
            .expect("send");
        let mut buf = [0u8; 16];
        let (n, to) = peer.recv_from(&mut buf).await.expect("the ping");
        peer.send_to(&buf[..n], to).await.expect("the answer");
        let (n, from) = socket.recv_from(&mut buf).await.expect("the answer");
        (buf[..n].to_vec(), from, peer.local_addr().unwrap())
    });
    assert_eq!(data, b"ping");
    assert_eq!(from, peer);
    assert_eq!(
        seen.count("WSAECONNRESET", "transient", "recv_from"),
        1,
        "no WSAECONNRESET was observed before the answer (Wine 8 does not report an ICMP port \
         unreachable on an unconnected socket, where Windows does: a known Wine difference): \
         {:?}",
        seen.counters
    );
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);
}

#[test]
fn without_skip_immediate_recv_from_returns_the_wsaeconnreset() {
    let (err, seen) = capture_async(LIMIT, async {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let socket = TraceUdpSocket::new(socket, support::all_fields()).skip_immediate(false);
        socket
            .send_to(b"nobody", closed_udp_port())
            .await
            .expect("send");
        let mut buf = [0u8; 16];
        tokio::time::timeout(Duration::from_secs(2), socket.recv_from(&mut buf))
            .await
            .expect(
                "WSAECONNRESET within 2 s (Wine 8 does not report an ICMP port unreachable on \
                 an unconnected socket, where Windows does: a known Wine difference)",
            )
            .expect_err("the ICMP error is returned")
    });
    assert_eq!(err.raw_os_error(), Some(10054), "{err}");
    assert_eq!(seen.count("WSAECONNRESET", "transient", "recv_from"), 1);
}

/// A loopback UDP port where nothing listens: bound, then released.
fn closed_udp_port() -> SocketAddr {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    socket.local_addr().unwrap()
}
