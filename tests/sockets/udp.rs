//! The UDP wrapper on Linux: an ICMP port-unreachable for an earlier datagram comes back as
//! `ECONNREFUSED` on the next receive or send of a connected socket. `TraceUdpSocket`
//! observes and counts it, then goes on (receives again, or sends once more); with
//! `skip_immediate(false)` the caller gets the error. A datagram too large to send is fatal.
//! All traffic stays on 127.0.0.1.
#![cfg(target_os = "linux")]

use crate::support;

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::Interest;
use tokio::net::UdpSocket;
use tracing::Level;
use wsa_trace::net::TraceUdpSocket;

use support::{Counters, Event};

const ERRORS: &str = "wsa_socket_errors_total";
/// The longest any single wait may take.
const WAIT: Duration = Duration::from_secs(5);

/// Runs `fut` on a current-thread runtime with a local recorder and a capturing subscriber,
/// within 10 s; returns the crate's events.
fn run<F: Future>(fut: F) -> (F::Output, Counters, Vec<Event>) {
    let (out, captured) = support::capture_async(Duration::from_secs(10), fut);
    let events = captured.events.wsa();
    (out, captured.counters, events)
}

// ---------------------------------------------------------------------------------------
// The scenario
// ---------------------------------------------------------------------------------------

/// A loopback UDP port where nothing listens: bound, then released.
fn closed_udp_port() -> SocketAddr {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    socket.local_addr().unwrap()
}

/// Waits until the socket holds a pending error: the ICMP port-unreachable for a datagram
/// it sent has arrived.
async fn icmp_error_queued(socket: &TraceUdpSocket) {
    let ready = tokio::time::timeout(WAIT, socket.inner().ready(Interest::ERROR))
        .await
        .expect("the ICMP error arrives within 5 s")
        .expect("poll the socket");
    assert!(ready.is_error(), "{ready:?}");
}

/// A wrapped socket connected to a closed port, after one send whose ICMP error is queued.
async fn connected_with_an_icmp_error(skip_immediate: bool) -> (TraceUdpSocket, SocketAddr) {
    let peer = closed_udp_port();
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let mut socket =
        TraceUdpSocket::new(socket, support::all_fields()).skip_immediate(skip_immediate);
    socket
        .connect(peer)
        .await
        .expect("connect to the closed port");
    socket.send(b"one").await.expect("the first send succeeds");
    icmp_error_queued(&socket).await;
    (socket, peer)
}

/// Connects a wrapped socket to a closed port and sends to it, so that an ICMP
/// port-unreachable is queued on the socket; then listens on that port again and sends a
/// datagram from it. Returns the wrapped socket and the peer address.
async fn refused_then_answered(skip_immediate: bool) -> (TraceUdpSocket, SocketAddr) {
    let (socket, peer) = connected_with_an_icmp_error(skip_immediate).await;
    let reopened = UdpSocket::bind(peer)
        .await
        .unwrap_or_else(|e| panic!("bind {peer} again: {e}"));
    reopened
        .send_to(b"pong", socket.inner().local_addr().unwrap())
        .await
        .expect("send the answer");
    (socket, peer)
}

/// The refused error was counted once, for `op`, and nothing else was.
fn assert_refused_counted_once(counters: &Counters, op: &str) {
    assert_eq!(
        counters.value(ERRORS, "WSAECONNREFUSED", "transient", op),
        1,
        "{:#?}",
        counters.series()
    );
    assert_eq!(counters.total(ERRORS), 1);
}

fn assert_refused_event(events: &[Event], op: &str, peer: SocketAddr) {
    let found: Vec<&Event> = events
        .iter()
        .filter(|e| e.field("message") == Some("socket operation failed"))
        .collect();
    assert_eq!(found.len(), 1, "{events:#?}");
    let e = found[0];
    assert_eq!(
        e.level,
        Level::DEBUG,
        "the would-block class logs at DEBUG: {e:?}"
    );
    assert_eq!(e.field("wsa.symbol"), Some("WSAECONNREFUSED"), "{e:?}");
    assert_eq!(e.field("wsa.op"), Some(op), "{e:?}");
    assert_eq!(e.field("wsa.category"), Some("transient"), "{e:?}");
    assert_eq!(e.field("wsa.retry"), Some("immediately"), "{e:?}");
    assert_eq!(e.field("wsa.os_name"), Some("ECONNREFUSED"), "{e:?}");
    assert_eq!(e.field("network.transport"), Some("udp"), "{e:?}");
    assert_eq!(
        e.field("network.peer.port"),
        Some(peer.port().to_string().as_str()),
        "{e:?}"
    );
}

#[test]
fn recv_goes_on_past_an_icmp_port_unreachable() {
    let ((n, data, peer), counters, events) = run(async {
        let (socket, peer) = refused_then_answered(true).await;
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(WAIT, socket.recv(&mut buf))
            .await
            .expect("a datagram within 5 s")
            .expect("the refused error is skipped");
        (n, buf[..n].to_vec(), peer)
    });
    assert_eq!(data, b"pong");
    assert_eq!(n, 4);
    assert_refused_counted_once(&counters, "recv");
    assert_refused_event(&events, "recv", peer);
}

#[test]
fn recv_from_goes_on_past_an_icmp_port_unreachable() {
    let ((n, from, data, peer), counters, events) = run(async {
        let (socket, peer) = refused_then_answered(true).await;
        let mut buf = [0u8; 64];
        let (n, from) = tokio::time::timeout(WAIT, socket.recv_from(&mut buf))
            .await
            .expect("a datagram within 5 s")
            .expect("the refused error is skipped");
        (n, from, buf[..n].to_vec(), peer)
    });
    assert_eq!(&data[..n], b"pong");
    assert_eq!(from, peer);
    assert_refused_counted_once(&counters, "recv_from");
    assert_refused_event(&events, "recv_from", peer);
}

#[test]
fn without_skip_immediate_recv_returns_the_original_error() {
    let ((err, next), counters, events) = run(async {
        let (socket, _) = refused_then_answered(false).await;
        let mut buf = [0u8; 64];
        let err = tokio::time::timeout(WAIT, socket.recv(&mut buf))
            .await
            .expect("a result within 5 s")
            .expect_err("the refused error is returned");
        // The error was consumed: the next receive gets the datagram.
        let n = tokio::time::timeout(WAIT, socket.recv(&mut buf))
            .await
            .expect("a datagram within 5 s")
            .expect("the datagram");
        (err, buf[..n].to_vec())
    });
    assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED), "{err:?}");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(next, b"pong");
    assert_refused_counted_once(&counters, "recv");
    assert_eq!(events.len(), 1, "{events:#?}");
}

#[test]
fn send_to_port_zero_is_observed() {
    let (err, counters, events) = run(async {
        let socket = TraceUdpSocket::new(
            UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap(),
            support::all_fields(),
        );
        let target = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        tokio::time::timeout(WAIT, socket.send_to(b"x", target))
            .await
            .expect("a result within 5 s")
            .expect_err("nothing can be sent to port 0")
    });
    // Linux rejects a zero destination port with EINVAL.
    assert_eq!(err.raw_os_error(), Some(libc::EINVAL), "{err:?}");
    assert_eq!(counters.value(ERRORS, "WSAEINVAL", "fatal", "send_to"), 1);
    assert_eq!(counters.total(ERRORS), 1);
    assert_eq!(events.len(), 1, "{events:#?}");
    let e = &events[0];
    assert_eq!(e.level, Level::ERROR);
    assert_eq!(e.field("wsa.op"), Some("send_to"));
    assert_eq!(e.field("network.peer.address"), Some("127.0.0.1"));
    assert_eq!(e.field("network.peer.port"), Some("0"));
    assert_eq!(e.field("network.transport"), Some("udp"));
}

#[test]
fn send_goes_on_past_an_icmp_port_unreachable() {
    let ((sent, peer), counters, events) = run(async {
        let (socket, peer) = connected_with_an_icmp_error(true).await;
        // Linux hands the pending error to whichever call comes next, a send too; the
        // datagram is then sent once more.
        let sent = tokio::time::timeout(WAIT, socket.send(b"two"))
            .await
            .expect("a result within 5 s")
            .expect("the refused error is skipped");
        (sent, peer)
    });
    assert_eq!(sent, 3);
    assert_refused_counted_once(&counters, "send");
    assert_refused_event(&events, "send", peer);
}

#[test]
fn without_skip_immediate_send_returns_the_original_error() {
    let ((err, next), counters, events) = run(async {
        let (socket, _) = connected_with_an_icmp_error(false).await;
        let err = tokio::time::timeout(WAIT, socket.send(b"two"))
            .await
            .expect("a result within 5 s")
            .expect_err("the queued ICMP error");
        // The error was consumed by the send that reported it, which sent nothing.
        let next = tokio::time::timeout(WAIT, socket.send(b"three"))
            .await
            .expect("a result within 5 s");
        (err, next.map_err(|e| e.kind()))
    });
    assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED), "{err:?}");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(next, Ok(5));
    assert_refused_counted_once(&counters, "send");
    assert_eq!(events.len(), 1, "{events:#?}");
}

/// Larger than any IPv4 UDP payload (65,507 bytes).
const OVERSIZED: usize = 70_000;

#[test]
fn an_oversized_datagram_is_fatal_on_send() {
    let ((to_err, connected_err), counters, events) = run(async {
        let receiver = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let target = receiver.local_addr().unwrap();
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let mut socket = TraceUdpSocket::new(socket, support::all_fields());
        let big = vec![0u8; OVERSIZED];
        let to_err = tokio::time::timeout(WAIT, socket.send_to(&big, target))
            .await
            .expect("a result within 5 s")
            .expect_err("too large to send");
        socket.connect(target).await.expect("connect");
        let connected_err = tokio::time::timeout(WAIT, socket.send(&big))
            .await
            .expect("a result within 5 s")
            .expect_err("too large to send");
        (to_err, connected_err)
    });
    for err in [&to_err, &connected_err] {
        assert_eq!(err.raw_os_error(), Some(libc::EMSGSIZE), "{err:?}");
    }
    // Each is observed once: a fatal error is not sent again.
    assert_eq!(counters.value(ERRORS, "WSAEMSGSIZE", "fatal", "send_to"), 1);
    assert_eq!(counters.value(ERRORS, "WSAEMSGSIZE", "fatal", "send"), 1);
    assert_eq!(counters.total(ERRORS), 2);
    assert_eq!(events.len(), 2, "{events:#?}");
    for e in &events {
        assert_eq!(e.level, Level::ERROR, "{e:?}");
        assert_eq!(e.field("wsa.symbol"), Some("WSAEMSGSIZE"), "{e:?}");
        assert_eq!(e.field("wsa.os_name"), Some("EMSGSIZE"), "{e:?}");
        assert_eq!(e.field("wsa.retry"), Some("never"), "{e:?}");
    }
}

/// Linux cuts a datagram too large for the buffer short without an error (Windows reports
/// `WSAEMSGSIZE`, which the receive skips): nothing is observed.
#[test]
fn a_datagram_larger_than_the_buffer_is_cut_short_on_linux() {
    let (received, counters, events) = run(async {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let socket = TraceUdpSocket::new(socket, support::all_fields());
        let sender = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        sender
            .send_to(&[7u8; 100], socket.inner().local_addr().unwrap())
            .await
            .expect("send");
        let mut buf = [0u8; 10];
        let (n, _) = tokio::time::timeout(WAIT, socket.recv_from(&mut buf))
            .await
            .expect("a datagram within 5 s")
            .expect("the datagram, cut short");
        buf[..n].to_vec()
    });
    assert_eq!(received, [7u8; 10]);
    assert_eq!(counters.total(ERRORS), 0);
    assert!(events.is_empty(), "{events:#?}");
}

/// Binding a UDP port another socket holds is a real `EADDRINUSE`, observed on bind by the
/// observer given to `bind_with`: counted under that observer's prefix, and nowhere else.
#[test]
fn bind_with_observes_a_taken_port_with_its_own_observer() {
    let observer = wsa_trace::Observer::new()
        .metrics_prefix("udp_bind_test")
        .expect("a valid prefix");
    let (err, counters, events) = run(async {
        let holder = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let taken = holder.local_addr().unwrap();
        TraceUdpSocket::bind_with(taken, observer)
            .await
            .map(|_| ())
            .expect_err("the port is held by another socket")
    });
    assert_eq!(err.raw_os_error(), Some(libc::EADDRINUSE), "{err}");
    let labels = [
        ("code", "WSAEADDRINUSE"),
        ("category", "fatal"),
        ("op", "bind"),
    ];
    assert_eq!(
        counters.get("udp_bind_test_socket_errors_total", &labels),
        1
    );
    assert_eq!(
        counters.total(ERRORS),
        0,
        "the default prefix counted nothing"
    );
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].field("wsa.symbol"), Some("WSAEADDRINUSE"));
}
