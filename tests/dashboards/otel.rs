//! The observer's fields reach OpenTelemetry spans through `tracing-opentelemetry`: span
//! attributes with `record_on_span`, a span event for the tracing event. Each test connects
//! to a loopback port where nothing listens and reads what OpenTelemetry's SDK exported.
//! `docs/opentelemetry.md` describes the mapping these tests hold it to.

use std::io;
use std::net::SocketAddr;

use opentelemetry::trace::{Status, TracerProvider as _};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing::Instrument as _;
use wsa_trace::observe::{Peer, Transport};
use wsa_trace::{socket_span, ObserveExt, Observer, Op, WsaCode};

use crate::support::subscriber;

/// Runs `body` under a subscriber that sends spans to OpenTelemetry's SDK, and returns the
/// spans it exported.
fn exported<T>(body: impl FnOnce() -> T) -> (T, Vec<SpanData>) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("wsa-trace-tests"));
    let out = subscriber::with_layer(layer, body);
    provider.force_flush().expect("flush the span processor");
    let spans = exporter.get_finished_spans().expect("the exported spans");
    (out, spans)
}

/// Connects where nothing listens, inside `span`, observed towards `peer(addr)` by an
/// observer that records on the current span; returns the address tried.
fn connect_in(span: tracing::Span, peer: impl FnOnce(SocketAddr) -> Peer) -> SocketAddr {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    runtime.block_on(async {
        let addr = crate::support::closed_port();
        let peer = peer(addr);
        let observer = Observer::new().record_on_span(true);
        let result = async {
            tokio::net::TcpStream::connect(addr)
                .await
                .observe_peer(&observer, Op::Connect, &peer)
        }
        .instrument(span)
        .await;
        let err = result.expect_err("nothing listens there");
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        addr
    })
}

/// [`connect_in`] a `socket_span!` named "connect" with a `test.name` field of its own.
fn connect_in_socket_span(name: &'static str, peer: impl FnOnce(SocketAddr) -> Peer) -> SocketAddr {
    connect_in(
        socket_span!(tracing::Level::INFO, "connect", test.name = name),
        peer,
    )
}

fn attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn only_span(spans: &[SpanData]) -> &SpanData {
    assert_eq!(spans.len(), 1, "{spans:#?}");
    &spans[0]
}

/// The port as exported: OpenTelemetry's convention is an int; see
/// `port_is_an_int_attribute` for what arrives today.
fn port_of(value: Option<&Value>) -> Option<u16> {
    match value? {
        Value::I64(port) => u16::try_from(*port).ok(),
        Value::String(text) => text.as_str().parse().ok(),
        _ => None,
    }
}

#[test]
fn refused_connect_fields_are_span_attributes() {
    let (addr, spans) = exported(|| connect_in_socket_span("ip", Peer::from));
    let span = only_span(&spans);
    assert_eq!(span.name, "connect");
    let code = WsaCode::WSAECONNREFUSED;
    let expected: Vec<(&str, Value)> = vec![
        ("wsa.code", Value::I64(10061)),
        ("wsa.symbol", "WSAECONNREFUSED".into()),
        ("wsa.category", "transient".into()),
        ("wsa.retry", "backoff".into()),
        ("wsa.message", code.message().unwrap().into()),
        ("wsa.description", code.description().unwrap().into()),
        ("wsa.op", "connect".into()),
        ("wsa.kind", "ConnectionRefused".into()),
        ("error.type", "connection_refused".into()),
        ("network.peer.address", "127.0.0.1".into()),
        ("network.transport", "tcp".into()),
        ("test.name", "ip".into()),
    ];
    for (key, want) in expected {
        assert_eq!(attribute(span, key), Some(&want), "{key}");
    }
    let refused = crate::support::native::os_code(code);
    assert_eq!(
        attribute(span, "wsa.os_code"),
        Some(&Value::I64(refused.into()))
    );
    let os_name = if cfg!(windows) {
        "WSAECONNREFUSED"
    } else {
        "ECONNREFUSED"
    };
    assert_eq!(attribute(span, "wsa.os_name"), Some(&Value::from(os_name)));
    assert_eq!(
        port_of(attribute(span, "network.peer.port")),
        Some(addr.port())
    );
    // An IP peer has no host name.
    assert_eq!(attribute(span, "server.address"), None);
    // The observer leaves the status to the application.
    assert_eq!(span.status, Status::Unset);
}

#[test]
fn the_tracing_event_is_a_span_event() {
    let (addr, spans) = exported(|| connect_in_socket_span("event", Peer::from));
    let span = only_span(&spans);
    let events: Vec<_> = span.events.iter().collect();
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = events[0];
    assert_eq!(event.name, "socket operation failed");
    let get = |key: &str| {
        event
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.clone())
    };
    assert_eq!(get("level"), Some("WARN".into()));
    assert_eq!(get("target"), Some("wsa_trace".into()));
    assert_eq!(get("wsa.symbol"), Some("WSAECONNREFUSED".into()));
    assert_eq!(get("wsa.category"), Some("transient".into()));
    assert_eq!(get("wsa.op"), Some("connect".into()));
    // The event carries the essential fields, the peer among them; the detail is on the span.
    assert_eq!(get("error.type"), None);
    assert_eq!(get("network.peer.address"), Some("127.0.0.1".into()));
    assert_eq!(
        port_of(get("network.peer.port").as_ref()),
        Some(addr.port())
    );
    assert_eq!(get("server.address"), None);
    assert_eq!(
        port_of(attribute(span, "network.peer.port")),
        Some(addr.port())
    );
    let error = get("error").expect("the error's text").to_string();
    assert!(error.contains("refused"), "{error}");
}

#[test]
fn a_host_name_is_server_address() {
    let (addr, spans) = exported(|| {
        connect_in_socket_span("name", |addr| {
            Peer::new("localhost", Some(addr.port()), Transport::Tcp)
        })
    });
    let span = only_span(&spans);
    assert_eq!(attribute(span, "server.address"), Some(&"localhost".into()));
    assert_eq!(attribute(span, "network.peer.address"), None);
    assert_eq!(
        port_of(attribute(span, "network.peer.port")),
        Some(addr.port())
    );
    assert_eq!(
        attribute(span, "error.type"),
        Some(&"connection_refused".into())
    );
}

#[test]
fn a_span_without_the_fields_gets_no_attributes() {
    // tracing drops `record` calls for fields a span did not declare: hence socket_span!.
    let (_, spans) = exported(|| connect_in(tracing::info_span!("plain"), Peer::from));
    let span = only_span(&spans);
    assert_eq!(span.name, "plain");
    for key in [
        "wsa.symbol",
        "wsa.code",
        "error.type",
        "network.peer.address",
    ] {
        assert_eq!(attribute(span, key), None, "{key}");
    }
    // The event still becomes a span event.
    let events: Vec<_> = span.events.iter().map(|e| e.name.to_string()).collect();
    assert_eq!(events, ["socket operation failed"]);
}

#[test]
fn several_errors_in_one_span_end_with_the_last() {
    let ((), spans) = exported(|| {
        let span = socket_span!(tracing::Level::INFO, "two errors");
        let _entered = span.enter();
        let observer = Observer::new().record_on_span(true);
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        observer.observe_io(&refused, Op::Connect, &Peer::unknown());
        observer.observe_io(&reset, Op::Read, &Peer::unknown());
    });
    let span = only_span(&spans);
    let last = |key: &str| {
        span.attributes
            .iter()
            .rev()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.clone())
    };
    assert_eq!(last("wsa.symbol"), Some("WSAECONNRESET".into()));
    assert_eq!(last("wsa.op"), Some("read".into()));
    assert_eq!(last("error.type"), Some("connection_reset".into()));
    let symbols: Vec<String> = span
        .events
        .iter()
        .filter_map(|e| {
            e.attributes
                .iter()
                .find(|kv| kv.key.as_str() == "wsa.symbol")
                .map(|kv| kv.value.to_string())
        })
        .collect();
    assert_eq!(symbols, ["WSAECONNREFUSED", "WSAECONNRESET"]);
}

#[test]
fn the_application_sets_the_status() {
    let (_, spans) = exported(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let addr = crate::support::closed_port();
            let observer = Observer::new().record_on_span(true);
            let span = socket_span!(
                tracing::Level::INFO,
                "connect",
                otel.status_code = tracing::field::Empty,
            );
            let result = async {
                tokio::net::TcpStream::connect(addr).await.observe_peer(
                    &observer,
                    Op::Connect,
                    &Peer::from(addr),
                )
            }
            .instrument(span.clone())
            .await;
            if result.is_err() {
                span.record("otel.status_code", "error");
            }
        })
    });
    let span = only_span(&spans);
    assert!(
        matches!(span.status, Status::Error { .. }),
        "{:?}",
        span.status
    );
    assert_eq!(
        attribute(span, "error.type"),
        Some(&"connection_refused".into())
    );
}

/// OpenTelemetry's `network.peer.port` is an int. The observer records the port as a `u16`,
/// which tracing passes on as a `u64`, and tracing-opentelemetry's span visitor turns a `u64`
/// into its decimal text. Recording it as an `i64` would make it an int.
#[test]
fn port_is_an_int_attribute() {
    let (addr, spans) = exported(|| connect_in_socket_span("port", Peer::from));
    let span = only_span(&spans);
    assert_eq!(
        attribute(span, "network.peer.port"),
        Some(&Value::I64(addr.port().into()))
    );
}
