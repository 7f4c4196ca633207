//! hyper-util's legacy `Client` and reqwest through [`TraceConnectLayer`], against loopback
//! servers: the layer is transparent on success, observes a refused connect through each
//! client's error chain, and (wrapping mode) observes a reset on the stream.
//!
//! Each test runs on a current_thread runtime inside `metrics::with_local_recorder`, with a
//! fresh `DebuggingRecorder` and a fresh `Observer`: the clients' connection tasks run on the
//! same thread, so every counter handle is registered with this test's recorder.

use std::convert::Infallible;
use std::error::Error;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::connect::{HttpConnector, HttpInfo};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};

/// One row of a `DebuggingRecorder` snapshot.
type SnapshotRow = (
    metrics_util::CompositeKey,
    Option<metrics::Unit>,
    Option<metrics::SharedString>,
    DebugValue,
);
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpSocket};
use tokio::time::timeout;
use tower::Layer;
use wsa_trace::map::find_io_error;
use wsa_trace::observe::Observer;
use wsa_trace::{Mapping, TraceConnectLayer, WsaCode};

use crate::support::native::os_code;

/// Bounds every wait in a server.
const WAIT: Duration = Duration::from_secs(5);
/// Bounds a whole test.
const TEST_WAIT: Duration = Duration::from_secs(20);
/// How many connections a loopback server accepts before it stops.
const MAX_CONNECTIONS: usize = 4;

/// Runs `test` on a current_thread runtime with a fresh local `DebuggingRecorder`; returns
/// the recorder's snapshotter.
fn run<F, Fut>(test: F) -> Snapshotter
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    // Leaked: counter handles are kept per recorder address (see `wsa_trace::metrics`).
    let recorder: &'static DebuggingRecorder = Box::leak(Box::new(DebuggingRecorder::new()));
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(recorder, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            timeout(TEST_WAIT, test()).await.expect("test timed out");
        });
    });
    snapshotter
}

/// Every counter named `name`, as (code, category, op, value).
fn counters(snapshotter: &Snapshotter, name: &str) -> Vec<(String, String, String, u64)> {
    counters_in(&snapshotter.snapshot().into_vec(), name)
}

/// [`counters`] of a snapshot taken once (taking one resets the counters).
fn counters_in(snapshot: &[SnapshotRow], name: &str) -> Vec<(String, String, String, u64)> {
    let mut found = Vec::new();
    for (key, _, _, value) in snapshot {
        let key = key.key();
        if key.name() != name {
            continue;
        }
        let label = |l: &str| {
            key.labels()
                .find(|label| label.key() == l)
                .map(|label| label.value().to_owned())
                .unwrap_or_default()
        };
        let DebugValue::Counter(value) = value else {
            panic!("{name} is not a counter: {value:?}");
        };
        found.push((label("code"), label("category"), label("op"), *value));
    }
    found.sort();
    found
}

/// A hyper server answering `200 hello` on `/` and `404` elsewhere.
pub(super) async fn hello_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local_addr");
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
    addr
}

/// Reads the request, then aborts the connection: `SO_LINGER` 0 makes the close send a RST
/// after the client has written, so the client's next read fails with a reset.
async fn reset_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local_addr");
    tokio::spawn(async move {
        for _ in 0..MAX_CONNECTIONS {
            let Ok(Ok((mut stream, _))) = timeout(WAIT, listener.accept()).await else {
                return;
            };
            let mut buf = [0u8; 1024];
            let _ = timeout(WAIT, stream.read(&mut buf)).await;
            // A zero linger does not block on drop: the kernel discards the socket at once.
            #[allow(deprecated)]
            stream
                .set_linger(Some(Duration::ZERO))
                .expect("SO_LINGER 0");
            drop(stream);
        }
    });
    addr
}

/// A loopback port that refuses connections: bound but not listening. Keep the socket alive
/// for as long as the port must stay refused (nobody else can take it meanwhile).
fn refusing_port() -> (TcpSocket, SocketAddr) {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().unwrap()).expect("bind");
    let addr = socket.local_addr().expect("local_addr");
    (socket, addr)
}

fn hyper_client(
    observer: Observer,
) -> Client<wsa_trace::connect::TraceConnect<HttpConnector>, Empty<Bytes>> {
    let connector = TraceConnectLayer::new()
        .observer(observer)
        .layer(HttpConnector::new());
    Client::builder(TokioExecutor::new()).build(connector)
}

fn reqwest_client(observer: Observer) -> reqwest::Client {
    reqwest::Client::builder()
        .connector_layer(TraceConnectLayer::observe_only().observer(observer))
        .no_proxy()
        .timeout(WAIT)
        .build()
        .expect("reqwest client")
}

/// The `io::Error` inside `err`'s chain.
fn io_error<'a>(err: &'a (dyn Error + 'static)) -> &'a io::Error {
    find_io_error(err).unwrap_or_else(|| panic!("no io::Error in the chain of {err:?}"))
}

/// The `io::Error` of a reset inside `err`'s chain.
fn reset_io_error<'a>(err: &'a (dyn Error + 'static)) -> &'a io::Error {
    find_io_error(err).unwrap_or_else(|| {
        panic!(
            "no io::Error in the chain of {err:?} (Wine 8 ends a read after a reset as a \
             graceful close, so hyper sees an incomplete message where Windows reports 10054: \
             a known Wine difference)"
        )
    })
}

fn assert_os_error(io: &io::Error, kind: io::ErrorKind, code: WsaCode) {
    assert_eq!(io.kind(), kind, "{io:?}");
    assert_eq!(Mapping::from_io_error(io).code(), Some(code), "{io:?}");
    assert_eq!(io.raw_os_error(), Some(os_code(code)), "{io:?}");
}

fn one(code: &str, op: &str) -> Vec<(String, String, String, u64)> {
    vec![(code.to_owned(), "transient".to_owned(), op.to_owned(), 1)]
}

#[test]
fn hyper_ok_request_is_transparent_and_forwards_connection_info() {
    let name = "hyper_ok_socket_errors_total";
    let snapshotter = run(|| async {
        let addr = hello_server().await;
        let client = hyper_client(Observer::new().metrics_prefix("hyper_ok").unwrap());
        let uri: Uri = format!("http://{addr}/").parse().unwrap();

        let res = client.get(uri).await.expect("request through the layer");
        assert_eq!(res.status(), StatusCode::OK);
        // `HttpInfo` is set by the inner stream's `Connection::connected()`: it reaches the
        // response only if `TraceStream` forwards it.
        let info = res
            .extensions()
            .get::<HttpInfo>()
            .expect("HttpInfo forwarded by TraceStream's Connection impl");
        assert_eq!(info.remote_addr(), addr);
        assert!(info.local_addr().ip().is_loopback(), "{info:?}");
        let body = res.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(&body[..], b"hello");

        // A second request on the pooled, wrapped connection.
        let uri: Uri = format!("http://{addr}/missing").parse().unwrap();
        let res = client.get(uri).await.expect("second request");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    });
    assert_eq!(counters(&snapshotter, name), vec![]);
}

#[test]
fn hyper_refused_connect_is_counted_once_and_returned_untouched() {
    let name = "hyper_refused_socket_errors_total";
    let snapshotter = run(|| async {
        let (_socket, addr) = refusing_port();
        let client = hyper_client(Observer::new().metrics_prefix("hyper_refused").unwrap());
        let uri: Uri = format!("http://{addr}/").parse().unwrap();

        let err = client.get(uri).await.expect_err("refused");
        assert!(err.is_connect(), "{err:?}");
        // client error -> ConnectError -> io::Error
        assert_os_error(
            io_error(&err),
            io::ErrorKind::ConnectionRefused,
            WsaCode::WSAECONNREFUSED,
        );
    });
    assert_eq!(
        counters(&snapshotter, name),
        one("WSAECONNREFUSED", "connect")
    );
}

#[test]
fn hyper_reset_is_counted_once_on_read() {
    let name = "hyper_reset_socket_errors_total";
    let snapshotter = run(|| async {
        let addr = reset_server().await;
        let client = hyper_client(Observer::new().metrics_prefix("hyper_reset").unwrap());
        let uri: Uri = format!("http://{addr}/reset").parse().unwrap();

        let err = client.get(uri).await.expect_err("reset");
        assert!(!err.is_connect(), "{err:?}");
        assert_os_error(
            reset_io_error(&err),
            io::ErrorKind::ConnectionReset,
            WsaCode::WSAECONNRESET,
        );
    });
    // The server resets after the request is written: the client's read sees it.
    assert_eq!(counters(&snapshotter, name), one("WSAECONNRESET", "read"));
}

#[test]
fn reqwest_refused_connect_is_counted_once_and_returned_untouched() {
    let name = "reqwest_refused_socket_errors_total";
    let snapshotter = run(|| async {
        let (_socket, addr) = refusing_port();
        let client = reqwest_client(Observer::new().metrics_prefix("reqwest_refused").unwrap());

        let err = client
            .get(format!("http://{addr}/"))
            .send()
            .await
            .expect_err("refused");
        assert!(err.is_connect(), "{err:?}");
        assert_os_error(
            io_error(&err),
            io::ErrorKind::ConnectionRefused,
            WsaCode::WSAECONNREFUSED,
        );
    });
    assert_eq!(
        counters(&snapshotter, name),
        one("WSAECONNREFUSED", "connect")
    );
}

#[test]
fn reqwest_ok_request_through_the_layer() {
    let name = "reqwest_ok_socket_errors_total";
    let snapshotter = run(|| async {
        let addr = hello_server().await;
        let client = reqwest_client(Observer::new().metrics_prefix("reqwest_ok").unwrap());

        let res = client
            .get(format!("http://{addr}/"))
            .send()
            .await
            .expect("request through the layer");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.remote_addr(), Some(addr));
        assert_eq!(res.text().await.expect("body"), "hello");
    });
    assert_eq!(counters(&snapshotter, name), vec![]);
}

#[test]
fn reqwest_observe_only_does_not_see_stream_errors() {
    let name = "reqwest_reset_socket_errors_total";
    let snapshotter = run(|| async {
        let addr = reset_server().await;
        let client = reqwest_client(Observer::new().metrics_prefix("reqwest_reset").unwrap());

        let err = client
            .get(format!("http://{addr}/reset"))
            .send()
            .await
            .expect_err("reset");
        assert!(!err.is_connect(), "{err:?}");
        assert_os_error(
            reset_io_error(&err),
            io::ErrorKind::ConnectionReset,
            WsaCode::WSAECONNRESET,
        );
    });
    // observe_only leaves reqwest's connection unwrapped: the connect succeeded, so
    // nothing is counted.
    assert_eq!(counters(&snapshotter, name), vec![]);
}

/// hyper-util's connector told to bind a source address this host does not have (192.0.2.1,
/// TEST-NET-1): the bind fails with `EADDRNOTAVAIL` before any packet is sent. The error names
/// the bind, so the layer logs a bind error (fatal: the address stays foreign) and the policy,
/// given the same observer, gives up at once instead of retrying it as a connect that ran out
/// of ports.
#[test]
fn hyper_source_address_bind_error_is_classified_as_bind() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tower::{ServiceBuilder, ServiceExt};
    use wsa_trace::retry::RetryPolicy;
    use wsa_trace::Op;

    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let snapshotter = run(|| async move {
        let (_socket, addr) = refusing_port();
        let observer = Observer::new().metrics_prefix("hyper_bind").unwrap();
        let mut http = HttpConnector::new();
        http.set_local_address(Some("192.0.2.1".parse().unwrap()));
        let connector = ServiceBuilder::new()
            .retry(RetryPolicy::new().observer(observer.clone()))
            .layer(TraceConnectLayer::new().observer(observer))
            .map_request(move |uri: Uri| {
                counted.fetch_add(1, Ordering::SeqCst);
                uri
            })
            .service(http);
        let uri: Uri = format!("http://{addr}/").parse().unwrap();
        let err = connector.oneshot(uri).await.expect_err("cannot bind");
        // The error as the connector made it: its text names the bind, the OS code is bind's.
        assert_eq!(err.to_string(), "tcp bind local error");
        assert_eq!(Op::from_error(&err), Some(Op::Bind));
        let io = io_error(&err);
        assert_eq!(io.kind(), io::ErrorKind::AddrNotAvailable, "{io:?}");
        assert_eq!(
            io.raw_os_error(),
            Some(os_code(WsaCode::WSAEADDRNOTAVAIL)),
            "{io:?}"
        );
    });
    assert_eq!(calls.load(Ordering::SeqCst), 1, "not retried");
    let fatal_bind = |category: &str| {
        vec![(
            "WSAEADDRNOTAVAIL".to_owned(),
            category.to_owned(),
            "bind".to_owned(),
            1,
        )]
    };
    let snapshot = snapshotter.snapshot().into_vec();
    assert_eq!(
        counters_in(&snapshot, "hyper_bind_socket_errors_total"),
        fatal_bind("fatal")
    );
    // The retry counter has no category label: one give-up, on the bind.
    assert_eq!(
        counters_in(&snapshot, "hyper_bind_retries_total"),
        fatal_bind("")
    );
}
