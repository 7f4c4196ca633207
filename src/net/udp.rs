use std::io;
use std::net::SocketAddr;

use tokio::net::{ToSocketAddrs, UdpSocket};

use crate::classify::{Op, Retry};
use crate::observe::{Observer, Peer, Transport};

/// A tokio `UdpSocket` whose errors are observed like a stream's, and whose receives and
/// sends go on past the errors that concern an earlier datagram.
///
/// An ICMP port-unreachable for a datagram sent earlier comes back on the next call, a
/// receive or a send: Windows reports it as `WSAECONNRESET` (or `WSAENETRESET` for
/// time-exceeded), Linux as `ECONNREFUSED` on a connected socket. One vanished peer must not
/// end a server's loop, so these errors (classified transient, retry immediately, on a
/// datagram operation) are observed and counted, and then:
///
/// | call | what happens after such an error |
/// |---|---|
/// | [`recv`](TraceUdpSocket::recv), [`recv_from`](TraceUdpSocket::recv_from) | the receive goes on and returns the next datagram |
/// | [`send`](TraceUdpSocket::send), [`send_to`](TraceUdpSocket::send_to) | the error was reported instead of sending, and is now cleared: the datagram is sent once more, and that second result is returned (observed too if it fails) |
///
/// A datagram larger than the receive buffer (`WSAEMSGSIZE` on Windows; Linux cuts it short
/// without an error) is dropped the same way and the receive goes on; on a send
/// `WSAEMSGSIZE` is fatal and returned. [`TraceUdpSocket::skip_immediate`] turns all of this
/// off: every error is then returned after it is observed.
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
    skip_immediate: bool,
    connected: Peer,
}

impl TraceUdpSocket {
    /// Binds a socket observed by a default [`Observer`]; a failure is observed with
    /// [`Op::Bind`].
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<Self> {
        TraceUdpSocket::bind_with(addr, Observer::new()).await
    }

    /// Binds a socket observed by `observer`, which also observes a failure to bind, with
    /// [`Op::Bind`].
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use wsa_trace::net::TraceUdpSocket;
    /// use wsa_trace::Observer;
    ///
    /// let observer = Observer::new().metrics_prefix("dns")?;
    /// let socket = TraceUdpSocket::bind_with("127.0.0.1:0", observer).await?;
    /// # let _ = socket;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn bind_with<A: ToSocketAddrs>(addr: A, observer: Observer) -> io::Result<Self> {
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
            skip_immediate: true,
            connected,
        }
    }

    /// Observes with `observer`.
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }

    /// Whether receives and sends go on past the errors classified
    /// [`Retry::Immediately`] for their operation: those for earlier datagrams (see above).
    /// Defaults to `true`; with `false`, every error is returned after it is observed.
    pub fn skip_immediate(mut self, yes: bool) -> Self {
        self.skip_immediate = yes;
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

    /// Sends to `target`; a failure is observed with [`Op::SendTo`]. After an error for an
    /// earlier datagram, sends once more.
    pub async fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        let peer = Peer::socket(target, Transport::Udp);
        let result = self.inner.send_to(buf, target).await;
        match result {
            Err(err) if self.goes_on(&err, Op::SendTo, &peer) => {
                let again = self.inner.send_to(buf, target).await;
                self.observe(&again, Op::SendTo, &peer);
                again
            }
            result => result,
        }
    }

    /// Sends on a connected socket; a failure is observed with [`Op::Send`]. After an error
    /// for an earlier datagram, sends once more.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.send(buf).await;
        match result {
            Err(err) if self.goes_on(&err, Op::Send, &self.connected) => {
                let again = self.inner.send(buf).await;
                self.observe(&again, Op::Send, &self.connected);
                again
            }
            result => result,
        }
    }

    /// Receives a datagram and its source, going on past errors for earlier datagrams.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        loop {
            match self.inner.recv_from(buf).await {
                Err(err) if self.goes_on(&err, Op::RecvFrom, &self.connected) => continue,
                result => return result,
            }
        }
    }

    /// Receives a datagram on a connected socket, going on past errors for earlier
    /// datagrams.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.recv(buf).await {
                Err(err) if self.goes_on(&err, Op::Recv, &self.connected) => continue,
                result => return result,
            }
        }
    }

    /// Observes an error; whether the call should go on.
    fn goes_on(&self, err: &io::Error, op: Op, peer: &Peer) -> bool {
        let seen = self.observer.observe_io(err, op, peer);
        self.skip_immediate && seen.class.retry() == Retry::Immediately
    }

    fn observe<T>(&self, result: &io::Result<T>, op: Op, peer: &Peer) {
        if let Err(err) = result {
            self.observer.observe_io(err, op, peer);
        }
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
