//! A library's own log line, explained and counted: hyper-util's legacy client logs a refused
//! connect (`connect error for 127.0.0.1:...: ConnectError(..., Os { code: 111, .. })`) through
//! tracing; `WsaLayer` counts it in `wsa_logged_socket_errors_total` with `source="hyper_util"`
//! and `Explain` ends the printed line with the explanation. Nothing wraps the client.

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use metrics_exporter_prometheus::PrometheusHandle;
use tracing::instrument::WithSubscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;
use wsa_trace::layer::{Explain, WsaLayer};
use wsa_trace::metrics::LOGGED_SUFFIX;
use wsa_trace::observe::Observer;

use crate::scenarios::Failure;

/// The module that logs hyper-util's connect attempts.
const CONNECT_TARGET: &str = "hyper_util::client::legacy::connect::http";

/// Runs the scene: the client's own trace lines, explained, then the counter they made.
pub async fn refused_in_a_library(
    observer: &Observer,
    prometheus: &PrometheusHandle,
) -> Result<(), Failure> {
    println!("\n== a library's log line: hyper-util's client connects where nothing listens");
    let printed = tracing_subscriber::fmt::layer()
        .compact()
        .with_ansi(false)
        .without_time()
        .event_format(Explain::new(
            tracing_subscriber::fmt::format()
                .compact()
                .without_time()
                .with_ansi(false),
        ))
        .with_filter(Targets::new().with_target(CONNECT_TARGET, tracing::Level::TRACE));
    let subscriber = tracing_subscriber::registry()
        .with(WsaLayer::new().observer(observer.clone()))
        .with(printed);
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    // Held until the end: while the socket lives, no listener can take its port.
    let (_held, addr) = crate::common::refusing_port()?;
    let uri: hyper::Uri = format!("http://{addr}/").parse()?;
    let result = client.get(uri).with_subscriber(subscriber).await;
    if result.is_ok() {
        return Err("the request to a closed port succeeded".into());
    }
    let name = observer
        .counter_name()
        .replace("_socket_errors_total", LOGGED_SUFFIX);
    let text = prometheus.render();
    let sample = text
        .lines()
        .find(|l| l.starts_with(&name) && l.contains("source=\"hyper_util\""))
        .ok_or_else(|| format!("no {name} sample for hyper_util"))?;
    println!("   counted: {sample}");
    let expected = [
        "code=\"WSAECONNREFUSED\"",
        "op=\"connect\"",
        "category=\"transient\"",
    ];
    if !sample.ends_with(" 1") || !expected.iter().all(|l| sample.contains(l)) {
        return Err(format!("expected one refused connect, got: {sample}").into());
    }
    Ok(())
}
