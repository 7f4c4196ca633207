//! What the client examples share: loopback servers, a port that refuses connections, and
//! printing an error with its chain and the code of the `io::Error` inside.

use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::timeout;
use wsa_trace::map::find_io_error;
use wsa_trace::Mapping;

/// Bounds every wait of the example.
pub const WAIT: Duration = Duration::from_secs(5);
/// How many connections each loopback server accepts before it stops.
pub const MAX_CONNECTIONS: usize = 4;

/// Binds a listener on 127.0.0.1 and spawns a task that accepts up to [`MAX_CONNECTIONS`]
/// connections, each within [`WAIT`], handing each in turn to `handle`. Returns the listening
/// address.
pub async fn spawn_server<F, Fut>(mut handle: F) -> std::io::Result<SocketAddr>
where
    F: FnMut(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        for _ in 0..MAX_CONNECTIONS {
            let Ok(Ok((stream, _))) = timeout(WAIT, listener.accept()).await else {
                return;
            };
            handle(stream).await;
        }
    });
    Ok(addr)
}

/// A raw listener that reads the request, then aborts the connection: `SO_LINGER` 0 makes the
/// close send a RST, so the client's read fails with a reset.
pub async fn spawn_reset_server() -> std::io::Result<SocketAddr> {
    spawn_server(|mut stream| async move {
        let mut buf = [0u8; 1024];
        let _ = timeout(WAIT, stream.read(&mut buf)).await;
        // A zero linger does not block on drop: the kernel discards the socket at once.
        #[allow(deprecated)]
        let _ = stream.set_linger(Some(Duration::ZERO));
        drop(stream);
    })
    .await
}

/// A loopback port that refuses connections: bound but not listening. The port stays
/// refused, and nobody else's, while the socket lives.
pub fn refusing_port() -> std::io::Result<(TcpSocket, SocketAddr)> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let addr = socket.local_addr()?;
    Ok((socket, addr))
}

/// Prints the error, its chain, and what the `io::Error` inside maps to.
pub fn print_error(err: &(dyn Error + 'static)) {
    println!("error: {err}");
    let mut source = err.source();
    while let Some(cause) = source {
        println!("  caused by: {cause}");
        source = cause.source();
    }
    if let Some(io) = find_io_error(err) {
        let mapping = Mapping::from_io_error(io);
        println!(
            "  io::Error {:?} (os {:?}) -> {}",
            io.kind(),
            io.raw_os_error(),
            mapping.label()
        );
    }
}
