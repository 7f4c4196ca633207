//! The observer's fields on an OpenTelemetry span, through `tracing-opentelemetry`.
//!
//! ```text
//! cargo run --example otel
//! ```
//!
//! Connects to a loopback port where nothing listens, inside a span created with
//! [`wsa_trace::socket_span!`] and an observer that records on the span. The span goes to
//! OpenTelemetry's SDK, whose in-memory exporter keeps it; the example prints the exported
//! span's attributes, status and events, and exits non-zero if an attribute it expects is
//! missing or wrong. With a real exporter (OTLP to a collector) the same attributes reach the
//! tracing backend. See `docs/opentelemetry.md` for the mapping.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use opentelemetry::trace::{Status, TracerProvider as _};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;
use wsa_trace::observe::{Peer, Transport};
use wsa_trace::{socket_span, ObserveExt, Observer, Op};

fn main() -> ExitCode {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("wsa-trace-example")));

    let addr = match tracing::subscriber::with_default(subscriber, refused_connect) {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!("otel: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = provider.force_flush() {
        eprintln!("otel: flush failed: {err}");
        return ExitCode::FAILURE;
    }
    let spans = exporter.get_finished_spans().unwrap_or_default();
    let Some(span) = spans.iter().find(|s| s.name == "connect") else {
        eprintln!(
            "otel: no span named \"connect\" was exported ({} spans)",
            spans.len()
        );
        return ExitCode::FAILURE;
    };

    print_span(span);
    let missing = check(span, addr);
    if missing.is_empty() {
        println!("\nevery expected attribute is on the exported span");
        ExitCode::SUCCESS
    } else {
        for problem in &missing {
            eprintln!("otel: {problem}");
        }
        ExitCode::FAILURE
    }
}

/// Connects where nothing listens, inside a `socket_span!`, observed by an observer that
/// records on the span. Returns the address it tried.
fn refused_connect() -> std::io::Result<SocketAddr> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        // A free loopback port: bound, then released.
        let addr = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await?
            .local_addr()?;
        let observer = Observer::new().record_on_span(true);
        // `otel.*` fields are tracing-opentelemetry's: the span kind, and the status, which
        // the application sets when it decides the operation failed.
        let span = socket_span!(
            tracing::Level::INFO,
            "connect",
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
        );
        let connect = async {
            tokio::net::TcpStream::connect(addr).await.observe_peer(
                &observer,
                Op::Connect,
                &Peer::socket(addr, Transport::Tcp),
            )
        };
        match connect.instrument(span.clone()).await {
            Ok(_) => Err(std::io::Error::other(format!(
                "connected to {addr}, expected a refusal"
            ))),
            Err(_) => {
                span.record("otel.status_code", "error");
                Ok(addr)
            }
        }
        // The span closes here, when its last handle is dropped, and is exported.
    })
}

fn print_span(span: &SpanData) {
    println!("span {:?} ({:?})", span.name, span.span_kind);
    let mut attributes: Vec<_> = span.attributes.iter().collect();
    attributes.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
    for kv in attributes {
        println!("  {} = {}", kv.key, show(&kv.value));
    }
    println!("  status: {:?}", span.status);
    for event in span.events.iter() {
        println!("  event {:?}", event.name);
        for kv in &event.attributes {
            println!("    {} = {}", kv.key, show(&kv.value));
        }
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{:?}", s.as_str()),
        other => other.to_string(),
    }
}

/// What must be on the span after a refused connect to `addr`; returns what is not.
fn check(span: &SpanData, addr: SocketAddr) -> Vec<String> {
    let expected: [(&str, Value); 10] = [
        ("wsa.code", Value::I64(10061)),
        ("wsa.symbol", "WSAECONNREFUSED".into()),
        ("wsa.category", "transient".into()),
        ("wsa.retry", "backoff".into()),
        ("wsa.op", "connect".into()),
        ("wsa.kind", "ConnectionRefused".into()),
        ("error.type", "connection_refused".into()),
        ("network.peer.address", addr.ip().to_string().into()),
        ("network.peer.port", Value::I64(addr.port().into())),
        ("network.transport", "tcp".into()),
    ];
    let mut problems = Vec::new();
    for (key, want) in expected {
        match span.attributes.iter().find(|kv| kv.key.as_str() == key) {
            None => problems.push(format!("attribute {key} is missing")),
            Some(kv) if kv.value != want => {
                problems.push(format!("attribute {key} = {}, expected {want}", kv.value))
            }
            Some(_) => {}
        }
    }
    if !matches!(span.status, Status::Error { .. }) {
        problems.push(format!("status is {:?}, expected Error", span.status));
    }
    problems
}
