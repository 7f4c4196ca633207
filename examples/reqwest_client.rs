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

mod common;

use std::error::Error;
use std::net::SocketAddr;

use metrics_exporter_prometheus::PrometheusBuilder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;
use wsa_trace::TraceConnectLayer;

use common::{print_error, refusing_port, spawn_reset_server, spawn_server, WAIT};

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

/// A minimal HTTP/1.1 server: reads one request and answers `200 hello`, then closes.
async fn spawn_hello_server() -> std::io::Result<SocketAddr> {
    spawn_server(|mut stream| async move {
        let mut buf = [0u8; 1024];
        let _ = timeout(WAIT, stream.read(&mut buf)).await;
        let res = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello";
        let _ = timeout(WAIT, stream.write_all(res)).await;
    })
    .await
}
