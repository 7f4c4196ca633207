//! Misbehaving loopback servers, one per scenario. Each binds `127.0.0.1:0`, serves at most
//! one connection in a tokio task, and gives up after [`LIFETIME`], so nothing outlives the
//! tour.

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{sleep, timeout};

/// How long a server waits for its one connection, and then serves it, at most.
const LIFETIME: Duration = Duration::from_secs(5);

/// Where every server listens: a free port on the IPv4 loopback.
const LOOPBACK: (Ipv4Addr, u16) = (Ipv4Addr::LOCALHOST, 0);

/// Accepts, then aborts the connection: `SO_LINGER` 0 makes the close send a RST.
pub async fn resetting() -> io::Result<SocketAddr> {
    serve_once(|stream| async move { stream.set_zero_linger() }).await
}

/// Accepts, reads a little, then closes while the client is still sending: closing a socket
/// with unread data aborts the connection, and the client's next write fails.
pub async fn closing_mid_write() -> io::Result<SocketAddr> {
    serve_once(|mut stream| async move {
        let mut buf = [0; 1024];
        stream.read_exact(&mut buf).await?;
        Ok(())
    })
    .await
}

/// Accepts and never answers; holds the connection until [`LIFETIME`] is up.
pub async fn stalling() -> io::Result<SocketAddr> {
    serve_once(|stream| async move {
        sleep(LIFETIME).await;
        drop(stream);
        Ok(())
    })
    .await
}

/// Binds a listener and spawns a task that accepts one connection and hands it to `handle`,
/// each step bounded by [`LIFETIME`]. Returns the listening address.
async fn serve_once<F, Fut>(handle: F) -> io::Result<SocketAddr>
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = io::Result<()>> + Send,
{
    let listener = TcpListener::bind(LOOPBACK).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Ok(Ok((stream, _))) = timeout(LIFETIME, listener.accept()).await {
            drop(listener);
            // The server's own errors do not matter: the client's are the subject.
            let _ = timeout(LIFETIME, handle(stream)).await;
        }
    });
    Ok(addr)
}
