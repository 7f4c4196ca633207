use std::io;
use std::net::SocketAddr;

use tokio::net::{ToSocketAddrs, UdpSocket};

use crate::classify::{Op, Retry};
use crate::observe::{Observer, Peer, Transport};

/// A tokio `UdpSocket` whose errors are observed like a stream's, and whose receives go on
/// past the errors that concern an earlier datagram.
///
/// An ICMP port-unreachable for a datagram sent earlier comes back on a later receive:
/// Windows reports it as `WSAECONNRESET` (or `WSAENETRESET` for time-exceeded), Linux as
/// `ECONNREFUSED` on a connected socket. One vanished peer must not end a server's receive
/// loop, so these errors (classified transient, retry immediately, on a receive) are
/// observed and counted, and the receive continues. [`TraceUdpSocket::skip_benign`] turns
/// that off.
///
/// ```no_run
/// use wsa_trace::net::TraceUdpSocket;
///
/// # async fn run() -> std::io::Result<()> {
/// let socket = TraceUdpSocket::bind("127.0.0.1:5353").await?;
/// let mut buf = [0u8; 1500];
/// loop {
///     let (n, from) = socket.recv_from(&mut buf).await?;
///     socket.send_to(&buf[..n], from).await?;
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct TraceUdpSocket {
    inner: UdpSocket,
    observer: Observer,
    skip_benign: bool,
    connected: Peer,
}

impl TraceUdpSocket {
    /// Binds a socket; a failure is observed with [`Op::Bind`].
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<Self> {
        let observer = Observer::new();
        match UdpSocket::bind(addr).await {
            Ok(socket) => Ok(TraceUdpSocket::new(socket, observer)),
            Err(err) => {
                observer.observe_io(&err, Op::Bind, &Peer::unknown());
                Err(err)
            }
        }
    }

    /// Wraps a socket.
    pub fn new(inner: UdpSocket, observer: Observer) -> Self {
        let connected = inner.peer_addr().map_or_else(
            |_| Peer::unknown(),
            |addr| Peer::socket(addr, Transport::Udp),
        );
        TraceUdpSocket {
            inner,
            observer,
            skip_benign: true,
            connected,
        }
    }

    /// Observes with `observer`.
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }

    /// Whether receives go on past errors for earlier datagrams. Defaults to `true`.
    pub fn skip_benign(mut self, yes: bool) -> Self {
        self.skip_benign = yes;
        self
    }

    /// Connects the socket to `addr`; a failure is observed with [`Op::Connect`].
    pub async fn connect(&mut self, addr: SocketAddr) -> io::Result<()> {
        let peer = Peer::socket(addr, Transport::Udp);
        let result = self.inner.connect(addr).await;
        if let Err(err) = &result {
            self.observer.observe_io(err, Op::Connect, &peer);
        } else {
            self.connected = peer;
        }
        result
    }

    /// Sends to `target`; a failure is observed with [`Op::SendTo`].
    pub async fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        let result = self.inner.send_to(buf, target).await;
        if let Err(err) = &result {
            let peer = Peer::socket(target, Transport::Udp);
            self.observer.observe_io(err, Op::SendTo, &peer);
        }
        result
    }

    /// Sends on a connected socket; a failure is observed with [`Op::Send`].
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.send(buf).await;
        if let Err(err) = &result {
            self.observer.observe_io(err, Op::Send, &self.connected);
        }
        result
    }

    /// Receives a datagram and its source, going on past errors for earlier datagrams.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        loop {
            match self.inner.recv_from(buf).await {
                Err(err) if self.goes_on(&err, Op::RecvFrom) => continue,
                result => return result,
            }
        }
    }

    /// Receives a datagram on a connected socket, going on past errors for earlier
    /// datagrams.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.recv(buf).await {
                Err(err) if self.goes_on(&err, Op::Recv) => continue,
                result => return result,
            }
        }
    }

    /// Observes a receive error; whether the receive should go on.
    fn goes_on(&self, err: &io::Error, op: Op) -> bool {
        let seen = self.observer.observe_io(err, op, &self.connected);
        self.skip_benign && seen.class.retry == Retry::Immediately
    }

    /// The wrapped socket.
    pub fn inner(&self) -> &UdpSocket {
        &self.inner
    }

    /// Unwraps the socket.
    pub fn into_inner(self) -> UdpSocket {
        self.inner
    }
}
