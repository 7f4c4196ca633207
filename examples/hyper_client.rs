//! hyper-util's legacy `Client` with its `HttpConnector` behind [`TraceConnectLayer`]: a
//! refused connect is observed through hyper-util's `ConnectError` chain (op `connect`), a
//! reset is observed by the stream wrapper (op `read`), and a good request passes through
//! untouched. Everything runs on loopback.
//!
//! ```text
//! cargo run --example hyper_client --features hyper
//! ```
//!
//! The fmt subscriber prints one structured event per failure; the Prometheus recorder
//! prints the counters at the end.

use std::convert::Infallible;
use std::error::Error;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::connect::{HttpConnector, HttpInfo};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use metrics_exporter_prometheus::PrometheusBuilder;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpSocket};
use tokio::time::timeout;
use tower::Layer;
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

    let connector = TraceConnectLayer::new().layer(HttpConnector::new());
    let client = Client::builder(TokioExecutor::new()).build::<_, Empty<Bytes>>(connector);

    for (what, addr, path) in [
        ("ok", ok_addr, "/"),
        ("closed port", closed_addr, "/"),
        ("resetting server", reset_addr, "/reset"),
    ] {
        let uri: hyper::Uri = format!("http://{addr}{path}").parse()?;
        println!("\n== {what}: GET {uri}");
        match timeout(WAIT, client.get(uri)).await {
            Err(_) => println!("timed out after {WAIT:?}"),
            Ok(Ok(res)) => {
                let status = res.status();
                let remote = res
                    .extensions()
                    .get::<HttpInfo>()
                    .map(HttpInfo::remote_addr);
                let body = res.into_body().collect().await?.to_bytes();
                println!("{status}, remote {remote:?}, body {body:?}");
            }
            Ok(Err(err)) => print_error(&err),
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

/// A hyper server answering `200 hello` on `/` and `404` elsewhere.
async fn spawn_hello_server() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        for _ in 0..MAX_CONNECTIONS {
            let Ok(Ok((stream, _))) = timeout(WAIT, listener.accept()).await else {
                return;
            };
            tokio::spawn(async move {
                let service = service_fn(|req: Request<Incoming>| async move {
                    let res = if req.uri().path() == "/" {
                        Response::new(Full::new(Bytes::from_static(b"hello")))
                    } else {
                        let mut res = Response::new(Full::default());
                        *res.status_mut() = StatusCode::NOT_FOUND;
                        res
                    };
                    Ok::<_, Infallible>(res)
                });
                let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                let _ = timeout(WAIT, conn).await;
            });
        }
    });
    Ok(addr)
}

/// A raw listener that reads the request, then aborts the connection: `SO_LINGER` 0 makes the
/// close send a RST, so the client's read fails with a reset.
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
