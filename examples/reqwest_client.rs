//! reqwest with [`TraceConnectLayer::observe_only()`] on its connector: a refused connect is
//! observed (op `connect`) and the `reqwest::Error` comes back as reqwest made it. The layer
//! only sees connects: reqwest's connection type is fixed, so a reset later on is not
//! observed, only returned. Everything runs on loopback.
//!
//! ```text
//! cargo run --example reqwest_client --features hyper
//! ```
//!
//! The fmt subscriber prints one structured event per observed failure; the Prometheus
//! recorder prints the counters at the end.

use std::error::Error;
use std::net::SocketAddr;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusBuilder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket};
use tokio::time::timeout;
use wsa_trace::map::find_io_error;
use wsa_trace::{Mapping, TraceConnectLayer};

/// Bounds every wait of the example.
const WAIT: Duration = Duration::from_secs(5);
/// How many connections each loopback server accepts before it stops.
const MAX_CONNECTIONS: usize = 4;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    tracing_subscriber::fmt().with_target(true).init();
    let metrics = PrometheusBuilder::new().install_recorder()?;

    let ok_addr = spawn_hello_server().await?;
    let reset_addr = spawn_reset_server().await?;
    let (_refusing, closed_addr) = refusing_port()?;

    let client = reqwest::Client::builder()
        .connector_layer(TraceConnectLayer::observe_only())
        .no_proxy()
        .timeout(WAIT)
        .build()?;

    for (what, addr, path) in [
        ("ok", ok_addr, "/"),
        ("closed port", closed_addr, "/"),
        ("resetting server", reset_addr, "/reset"),
    ] {
        let url = format!("http://{addr}{path}");
        println!("\n== {what}: GET {url}");
        match client.get(&url).send().await {
            Ok(res) => {
                let status = res.status();
                let body = res.text().await?;
                println!("{status}, body {body:?}");
            }
            Err(err) => {
                println!(
                    "is_connect: {}, is_request: {}",
                    err.is_connect(),
                    err.is_request()
                );
                print_error(&err);
            }
        }
    }

    println!("\n== counters\n{}", metrics.render());
    Ok(())
}

/// Prints the error, its chain, and what the `io::Error` inside maps to.
fn print_error(err: &(dyn Error + 'static)) {
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

/// A minimal HTTP/1.1 server: reads one request and answers `200 hello`, then closes.
async fn spawn_hello_server() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        for _ in 0..MAX_CONNECTIONS {
            let Ok(Ok((mut stream, _))) = timeout(WAIT, listener.accept()).await else {
                return;
            };
            let mut buf = [0u8; 1024];
            let _ = timeout(WAIT, stream.read(&mut buf)).await;
            let res = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello";
            let _ = timeout(WAIT, stream.write_all(res)).await;
        }
    });
    Ok(addr)
}

/// Reads the request, then aborts the connection: `SO_LINGER` 0 makes the close send a RST.
async fn spawn_reset_server() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        for _ in 0..MAX_CONNECTIONS {
            let Ok(Ok((mut stream, _))) = timeout(WAIT, listener.accept()).await else {
                return;
            };
            let mut buf = [0u8; 1024];
            let _ = timeout(WAIT, stream.read(&mut buf)).await;
            // A zero linger does not block on drop: the kernel discards the socket at once.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    });
    Ok(addr)
}

/// A loopback port that refuses connections: bound but not listening. The port stays
/// refused, and nobody else's, while the socket lives.
fn refusing_port() -> std::io::Result<(TcpSocket, SocketAddr)> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let addr = socket.local_addr()?;
    Ok((socket, addr))
}
