//! Loopback servers that fail in known ways, and a port where nothing listens.

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::runtime::LIMIT;

/// A loopback listener on a free port.
pub async fn loopback_listener() -> TcpListener {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind 127.0.0.1:0")
}

/// A loopback address where nothing listens: a port bound by a socket that never listens,
/// held for the rest of this test process. See [`ClosedPort`].
pub fn closed_port() -> SocketAddr {
    static HELD: std::sync::Mutex<Vec<ClosedPort>> = std::sync::Mutex::new(Vec::new());
    let port = ClosedPort::new();
    let addr = port.addr();
    HELD.lock().unwrap_or_else(|e| e.into_inner()).push(port);
    addr
}

/// A loopback port where nothing listens, held by a bound socket that does not listen until
/// [`listen`](ClosedPort::listen) is called. A port merely bound and released could be taken
/// at once by another test's listener; this one cannot, since the holder does not set
/// `SO_REUSEADDR` and so shares its port with no later bind. The kernel refuses a connect to
/// it as to any port where nothing listens.
pub struct ClosedPort {
    socket: tokio::net::TcpSocket,
    addr: SocketAddr,
}

impl ClosedPort {
    pub fn new() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
        socket
            .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .expect("bind 127.0.0.1:0");
        let addr = socket.local_addr().expect("the bound address");
        ClosedPort { socket, addr }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server comes up on the port: a blocking listener. Must run on a tokio runtime.
    pub fn listen(self) -> std::net::TcpListener {
        let listener = self.socket.listen(16).expect("listen on the held port");
        let listener = listener.into_std().expect("a std listener");
        listener.set_nonblocking(false).expect("blocking accepts");
        listener
    }
}

/// A server that accepts one connection, sets `SO_LINGER` to zero and closes it at once, so
/// that the kernel sends a reset instead of a normal close. It must run on a tokio runtime.
pub async fn reset_server() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (stream, _) = tokio::time::timeout(LIMIT, listener.accept())
            .await
            .expect("a client connects in time")
            .expect("accept");
        stream.set_zero_linger().expect("SO_LINGER 0");
        drop(stream);
    });
    (addr, task)
}

/// Keeps a [`stalled_server`]'s connection open until dropped.
#[derive(Debug)]
pub struct Stalled {
    pub addr: SocketAddr,
    _release: oneshot::Sender<()>,
}

/// A server that accepts one connection and then neither reads nor writes nor closes, until
/// the returned guard is dropped (or [`LIMIT`] passes).
pub async fn stalled_server() -> Stalled {
    let listener = loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    let (release, released) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let Ok(Ok((stream, _))) = tokio::time::timeout(LIMIT, listener.accept()).await else {
            return;
        };
        let _ = tokio::time::timeout(LIMIT, released).await;
        drop(stream);
    });
    Stalled {
        addr,
        _release: release,
    }
}
