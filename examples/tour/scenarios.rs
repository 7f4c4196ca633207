//! The client side of each scenario: print a header, make the call fail, return the error the
//! caller got back. An `Err` means the scenario itself went wrong (the call succeeded, or
//! nothing happened in time).

use std::error::Error;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tower::{service_fn, ServiceBuilder, ServiceExt};
use wsa_trace::observe::Observer;
use wsa_trace::{ObserveExt, Op, TraceConnectLayer, TraceStream};

use crate::servers;

/// A scenario that did not go as planned.
pub type Failure = Box<dyn Error>;

/// The bound on every network wait the tour expects to end by itself.
const WAIT: Duration = Duration::from_secs(5);

/// How long the stalled read is given before it counts as timed out.
const READ_TIMEOUT: Duration = Duration::from_millis(300);

/// The client's writes to the server that closes: chunk size and how many at most (256 MiB).
const CHUNK: usize = 64 * 1024;
const MAX_CHUNKS: usize = 4096;

/// Connects through the connector under test: `TcpStream::connect` behind
/// `TraceConnectLayer`. A failed connect is observed with op `connect`; the stream it returns
/// observes its own read and write errors. (An application builds the connector once and
/// clones it; each scenario builds its own here to keep them independent.)
async fn connect(observer: &Observer, addr: SocketAddr) -> io::Result<TraceStream<TcpStream>> {
    let connector = ServiceBuilder::new()
        .layer(TraceConnectLayer::new().observer(observer.clone()))
        .service(service_fn(|addr: SocketAddr| TcpStream::connect(addr)));
    match timeout(WAIT, connector.oneshot(addr)).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::other("connect did not finish within 5 s")),
    }
}

/// Connects where nothing listens: the connector reports `ECONNREFUSED`, and its event names
/// the address and port (`network.peer.address`, `network.peer.port`), as the header does.
pub async fn refused(observer: &Observer) -> Result<io::Error, Failure> {
    // Held until the end: while the socket lives, no listener can take its port.
    let (_held, addr) = crate::common::refusing_port()?;
    header(&format!("refused: nothing listens on {addr}"));
    match connect(observer, addr).await {
        Ok(_) => Err(format!("connected to {addr}, expected a refusal").into()),
        Err(err) => Ok(err),
    }
}

/// Reads from a server that aborts the connection: the read fails with `ECONNRESET`.
///
/// Under Wine (8.0) the read ends as if the server had closed gracefully, and only the next
/// write reports the reset: there, and only there, the scenario writes once more and returns
/// that error, observed with op `write` (see [`reset_op`]).
pub async fn reset(observer: &Observer) -> Result<io::Error, Failure> {
    let addr = servers::resetting().await?;
    header("reset: server accepts, then aborts the connection (SO_LINGER 0)");
    let mut stream = connect(observer, addr).await?;
    let mut buf = [0; 64];
    match timeout(WAIT, stream.read(&mut buf)).await {
        Err(_) => Err("no reset within 5 s".into()),
        Ok(Ok(0)) if under_wine() => {
            println!(
                "   under Wine the read ends as a graceful close; the next write reports the reset"
            );
            match timeout(WAIT, stream.write_all(b"after the reset")).await {
                Err(_) => Err("no reset within 5 s".into()),
                Ok(Ok(())) => Err("the write after the reset succeeded, expected a reset".into()),
                Ok(Err(err)) => Ok(err),
            }
        }
        Ok(Ok(n)) => Err(format!("read returned {n} bytes, expected a reset").into()),
        Ok(Err(err)) => Ok(err),
    }
}

/// The operation the reset scenario's error is observed with: `read`, or `write` under Wine,
/// which reports a reset on the next write only.
pub fn reset_op() -> Op {
    if under_wine() {
        Op::Write
    } else {
        Op::Read
    }
}

/// Whether the tour runs under Wine rather than on Windows: Wine's own programs sit in its
/// `system32`, where no Windows has them.
fn under_wine() -> bool {
    cfg!(windows)
        && std::env::var_os("WINDIR").is_some_and(|dir| {
            Path::new(&dir)
                .join("system32")
                .join("wineboot.exe")
                .exists()
        })
}

/// Keeps writing to a server that reads a little and closes: a write fails with `EPIPE` or
/// `ECONNRESET`.
pub async fn closed_mid_write(observer: &Observer) -> Result<io::Error, Failure> {
    let addr = servers::closing_mid_write().await?;
    header("mid-write: server reads 1 KiB, then closes while the client keeps writing");
    let mut stream = connect(observer, addr).await?;
    let chunk = vec![0x5a; CHUNK];
    let writes = async {
        for _ in 0..MAX_CHUNKS {
            stream.write_all(&chunk).await?;
        }
        Ok::<_, io::Error>(())
    };
    match timeout(WAIT, writes).await {
        Err(_) => Err("no write failed within 5 s".into()),
        Ok(Ok(())) => Err("every write succeeded, expected a failure".into()),
        Ok(Err(err)) => Ok(err),
    }
}

/// Reads from a server that never answers, under a deadline: the elapsed deadline becomes an
/// `io::Error` of kind `TimedOut`, observed with op `read` and the peer.
pub async fn stalled(observer: &Observer) -> Result<io::Error, Failure> {
    let addr = servers::stalling().await?;
    header("stalled: server accepts and never answers; the read has a 300 ms deadline");
    let mut stream = connect(observer, addr).await?;
    let mut buf = [0; 64];
    let read = timeout(READ_TIMEOUT, stream.read(&mut buf))
        .await
        .unwrap_or_else(|elapsed| {
            Err(io::Error::new(io::ErrorKind::TimedOut, elapsed)).observe_peer(
                observer,
                Op::Read,
                stream.peer(),
            )
        });
    match read {
        Ok(n) => Err(format!("read returned {n} bytes, expected a timeout").into()),
        Err(err) => Ok(err),
    }
}

/// Binds a port another listener holds: a one-off call, observed with `observe_with`.
pub async fn addr_in_use(observer: &Observer) -> Result<io::Error, Failure> {
    let first = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = first.local_addr()?;
    header(&format!(
        "bind: {addr} is already taken by another listener"
    ));
    match TcpListener::bind(addr)
        .await
        .observe_with(observer, Op::Bind)
    {
        Ok(_) => Err(format!("bound {addr} twice, expected EADDRINUSE").into()),
        Err(err) => Ok(err),
    }
}

/// `try_read` on a connected socket with nothing to read: `WouldBlock`, observed as a read
/// at DEBUG level (nothing failed; retry when readable). Tokio answers from its readiness
/// state without calling `recv`, so the error has no OS code and maps through its kind.
pub async fn would_block(observer: &Observer) -> Result<io::Error, Failure> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    header("would block: try_read on a connected socket with no data");
    let stream = connect(observer, addr).await?;
    let (_quiet_peer, _) = timeout(WAIT, listener.accept()).await??;
    let mut buf = [0; 64];
    let read = stream
        .inner()
        .try_read(&mut buf)
        .observe_peer(observer, Op::Read, stream.peer());
    match read {
        Ok(n) => Err(format!("try_read returned {n} bytes, expected WouldBlock").into()),
        Err(err) => Ok(err),
    }
}

fn header(text: &str) {
    println!("\n== {text}");
}
