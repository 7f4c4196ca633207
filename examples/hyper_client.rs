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

mod common;

use std::convert::Infallible;
use std::error::Error;
use std::net::SocketAddr;

use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::connect::{HttpConnector, HttpInfo};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use metrics_exporter_prometheus::PrometheusBuilder;
use tokio::time::timeout;
use tower::Layer;
use wsa_trace::TraceConnectLayer;

use common::{print_error, refusing_port, spawn_reset_server, spawn_server, WAIT};

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

/// A hyper server answering `200 hello` on `/` and `404` elsewhere.
async fn spawn_hello_server() -> std::io::Result<SocketAddr> {
    spawn_server(|stream| async move {
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
    })
    .await
}
