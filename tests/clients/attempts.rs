//! `connect::AttemptConnector` as a user's crate would use it: a test resolver answers one
//! name with two loopback addresses, one where nothing listens (a bound port that never
//! listens, which the kernel refuses) and one with a server, and the connector goes through
//! hyper-util's legacy client, tonic, tower's retry and by hand. Every failed attempt is one
//! event and one count, with its address, family, number and duration; the error when all
//! fail lists them and keeps the last one's OS error in its chain.

use crate::support;

use std::error::Error;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{ServiceBuilder, ServiceExt};
use tracing::instrument::Instrument;
use wsa_trace::connect::{AttemptConnector, ConnectError};
use wsa_trace::map::find_io_error;
use wsa_trace::retry::RetryPolicy;
use wsa_trace::{Mapping, WsaCode};

use support::counters::{Counters, COUNTER};
use support::native::os_code;
use support::spans::{field, Fields, Seen};

const LIMIT: Duration = Duration::from_secs(10);
const NAME: &str = "two.test";

// ---------------------------------------------------------------------------------------
// The test resolver
// ---------------------------------------------------------------------------------------

/// A resolver that answers [`NAME`] with `addrs` (whatever the port asked), and counts calls.
#[derive(Clone, Debug, Default)]
struct Fixed {
    addrs: Vec<SocketAddr>,
    calls: Arc<AtomicU32>,
}

fn fixed(addrs: &[SocketAddr]) -> Fixed {
    Fixed {
        addrs: addrs.to_vec(),
        calls: Arc::default(),
    }
}

fn connector(resolver: &Fixed) -> AttemptConnector<impl wsa_trace::connect::Resolve> {
    let resolver = resolver.clone();
    AttemptConnector::new()
        .observer(support::all_fields())
        .resolver(move |host: &str, _port: u16| {
            assert_eq!(host, NAME);
            resolver.calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(resolver.addrs.clone()))
        })
}

fn uri(port: u16) -> http::Uri {
    format!("http://{NAME}:{port}/").parse().unwrap()
}

/// The text the standard library gives a resolver failure on this platform: `gai_strerror`'s
/// phrase behind its prefix on Unix, the Winsock code on Windows.
fn resolver_error(code: WsaCode, phrase: &str) -> io::Error {
    if cfg!(windows) {
        io::Error::from_raw_os_error(code.raw())
    } else {
        io::Error::other(format!("failed to lookup address information: {phrase}"))
    }
}

/// Asserts one refused attempt's event: op, peer, family, number and a duration.
fn assert_refused_attempt(event: &Fields, addr: SocketAddr, attempt: u32) {
    assert_eq!(field(event, "wsa.symbol"), "WSAECONNREFUSED", "{event:#?}");
    assert_eq!(field(event, "wsa.op"), "connect");
    assert_eq!(field(event, "network.peer.address"), addr.ip().to_string());
    assert_eq!(field(event, "network.peer.port"), addr.port().to_string());
    assert_eq!(field(event, "network.type"), "ipv4");
    assert_eq!(field(event, "wsa.connect_attempt"), attempt.to_string());
    let ms: u64 = field(event, "wsa.elapsed_ms")
        .parse()
        .expect("a number of ms");
    assert!(ms < LIMIT.as_millis() as u64, "{ms}");
}

/// The first link of `err`'s chain that is a [`ConnectError`].
fn connect_error<'a>(err: &'a (dyn Error + 'static)) -> &'a ConnectError {
    let mut link = Some(err);
    while let Some(err) = link {
        if let Some(found) = err.downcast_ref::<ConnectError>() {
            return found;
        }
        link = err.source();
    }
    panic!("no ConnectError in {err:?}")
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn one_refusing_one_accepting_through_the_hyper_client() {
    let refusing = support::closed_port();
    let (status, seen, counters) = support::spans::capture_async(LIMIT, async move {
        let server = crate::hyper_reqwest::hello_server().await;
        let resolver = fixed(&[refusing, server]);
        let client =
            Client::builder(TokioExecutor::new()).build::<_, Empty<Bytes>>(connector(&resolver));
        let response = client
            .get(uri(80))
            .await
            .expect("the second address answers");
        assert_eq!(resolver.calls.load(Ordering::SeqCst), 1);
        response.status()
    });
    assert_eq!(status, http::StatusCode::OK);
    let events = seen.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_refused_attempt(&events[0], refusing, 1);
    assert_eq!(
        counters.value(COUNTER, "WSAECONNREFUSED", "transient", "connect"),
        1
    );
    assert_eq!(counters.total(COUNTER), 1, "{counters:?}");
}

#[test]
fn the_span_records_which_attempt_won_and_how_many_failed() {
    let refusing = support::closed_port();
    let (peer, seen, _) = support::spans::capture_async(LIMIT, async move {
        let server = crate::hyper_reqwest::hello_server().await;
        let span = wsa_trace::socket_span!(tracing::Level::INFO, "fetch");
        let stream = connector(&fixed(&[refusing, server]))
            .oneshot(uri(80))
            .instrument(span)
            .await
            .expect("the second address answers");
        assert_eq!(stream.peer().port(), Some(server.port()));
        server
    });
    let fetch = seen.fetch();
    assert_eq!(
        fetch.get("wsa.connect_attempt").map(String::as_str),
        Some("2")
    );
    assert_eq!(
        fetch.get("wsa.connect_failed").map(String::as_str),
        Some("1")
    );
    assert!(peer.port() > 0);
}

#[test]
fn both_refusing_lists_every_attempt_and_keeps_the_os_error() {
    let (first, second) = (support::closed_port(), support::closed_port());
    let (err, seen, counters) = support::spans::capture_async(LIMIT, async move {
        connector(&fixed(&[first, second]))
            .oneshot(uri(8080))
            .await
            .expect_err("nothing listens")
    });
    // The message lists both, in order, each with its code and duration.
    let text = err.to_string();
    let attempts = err.attempts();
    assert_eq!(attempts.len(), 2, "{text}");
    assert_eq!(
        text,
        format!(
            "connect to {NAME}:8080 failed: {first} WSAECONNREFUSED after {} ms; {second} WSAECONNREFUSED after {} ms",
            attempts[0].elapsed().as_millis(),
            attempts[1].elapsed().as_millis(),
        )
    );
    assert_eq!(
        attempts.iter().map(|a| a.addr()).collect::<Vec<_>>(),
        [first, second]
    );
    // The last attempt's OS error is in the chain, for the crate and for raw_os_error readers.
    assert_eq!(
        Mapping::from_error(&err).and_then(|m| m.code()),
        Some(WsaCode::WSAECONNREFUSED)
    );
    let io = find_io_error(&err).expect("an io::Error in the chain");
    assert_eq!(io.raw_os_error(), Some(os_code(WsaCode::WSAECONNREFUSED)));
    assert!(std::ptr::eq(io, attempts[1].error()));
    // One event and one count per attempt, none for the whole.
    let events = seen.events();
    assert_eq!(events.len(), 2, "{events:#?}");
    assert_refused_attempt(&events[0], first, 1);
    assert_refused_attempt(&events[1], second, 2);
    assert_eq!(
        counters.value(COUNTER, "WSAECONNREFUSED", "transient", "connect"),
        2
    );
    assert_eq!(counters.total(COUNTER), 2, "{counters:?}");
}

#[test]
fn both_refusing_through_the_hyper_client_keeps_the_list_in_the_chain() {
    let (first, second) = (support::closed_port(), support::closed_port());
    let (err, _, _) = support::spans::capture_async(LIMIT, async move {
        let client = Client::builder(TokioExecutor::new())
            .build::<_, Empty<Bytes>>(connector(&fixed(&[first, second])));
        client.get(uri(80)).await.expect_err("nothing listens")
    });
    assert_eq!(connect_error(&err).attempts().len(), 2);
    assert!(
        connect_error(&err).to_string().starts_with(&format!(
            "connect to {NAME}:80 failed: {first} WSAECONNREFUSED"
        )),
        "{err:?}"
    );
    assert_eq!(
        Mapping::from_error(&err).and_then(|m| m.code()),
        Some(WsaCode::WSAECONNREFUSED)
    );
}

#[test]
fn the_retry_policy_retries_a_refused_connect_until_the_server_listens() {
    let port = support::ClosedPort::new();
    let addr = port.addr();
    let held = Arc::new(Mutex::new((Some(port), None)));
    let (result, _, counters) = support::spans::capture_async(LIMIT, async move {
        let calls = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&calls);
        // The server comes up once the first attempt has been refused.
        let connector = AttemptConnector::new().resolver(move |_: &str, _: u16| {
            if counted.fetch_add(1, Ordering::SeqCst) == 1 {
                let mut held = held.lock().unwrap();
                let port = held.0.take().expect("the held port");
                held.1 = Some(port.listen());
            }
            std::future::ready(Ok(vec![addr]))
        });
        let retrying = ServiceBuilder::new()
            .retry(RetryPolicy::connector().max_attempts(3))
            .service(connector);
        let result = retrying.oneshot(uri(80)).await.map(|_| ());
        (result, calls.load(Ordering::SeqCst))
    });
    let (connected, calls) = result;
    connected.expect("connected on the second call");
    assert_eq!(calls, 2);
    assert_eq!(
        counters.value(COUNTER, "WSAECONNREFUSED", "transient", "connect"),
        1
    );
}

/// Resolves with a connector whose resolver fails once with `code`, then answers; under a
/// retry policy. Returns the result, the resolver's calls, the events and the counters.
fn resolve_failing_once(
    code: WsaCode,
    phrase: &'static str,
) -> ((Result<(), ConnectError>, u32), Seen, Counters) {
    support::spans::capture_async(LIMIT, async move {
        let server = support::loopback_listener().await;
        let addr = server.local_addr().unwrap();
        let calls = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&calls);
        let connector = AttemptConnector::new()
            .observer(support::all_fields())
            .resolver(move |_: &str, _: u16| {
                let answer = match counted.fetch_add(1, Ordering::SeqCst) {
                    0 => Err(resolver_error(code, phrase)),
                    _ => Ok(vec![addr]),
                };
                std::future::ready(answer)
            });
        let retrying = ServiceBuilder::new()
            .retry(RetryPolicy::connector().max_attempts(3))
            .service(connector);
        let result = retrying.oneshot(uri(80)).await.map(drop);
        drop(server);
        (result, calls.load(Ordering::SeqCst))
    })
}

#[test]
fn a_name_not_found_is_fatal_and_never_retried() {
    let ((result, calls), seen, counters) =
        resolve_failing_once(WsaCode::WSAHOST_NOT_FOUND, "Name or service not known");
    let err = result.expect_err("not retried");
    assert!(err.is_resolve(), "{err}");
    assert!(err.attempts().is_empty());
    assert_eq!(err.to_string(), format!("resolving {NAME}:80 failed"));
    assert_eq!(calls, 1);
    assert_eq!(
        Mapping::from_error(&err).and_then(|m| m.code()),
        Some(WsaCode::WSAHOST_NOT_FOUND)
    );
    // The resolver's failure, then the policy's decision on the error it got.
    let events = seen.events();
    assert_eq!(events.len(), 2, "{events:#?}");
    assert_eq!(field(&events[0], "wsa.symbol"), "WSAHOST_NOT_FOUND");
    assert_eq!(field(&events[0], "wsa.op"), "resolve");
    assert_eq!(field(&events[0], "wsa.category"), "fatal");
    assert_eq!(field(&events[0], "server.address"), NAME);
    assert_eq!(
        field(&events[1], "message"),
        "giving up on socket operation"
    );
    assert_eq!(field(&events[1], "wsa.symbol"), "WSAHOST_NOT_FOUND");
    assert_eq!(field(&events[1], "wsa.outcome"), "fatal");
    assert_eq!(
        counters.value(COUNTER, "WSAHOST_NOT_FOUND", "fatal", "resolve"),
        1
    );
}

#[test]
fn a_temporary_resolver_failure_is_transient_and_retried() {
    let ((result, calls), seen, counters) = resolve_failing_once(
        WsaCode::WSATRY_AGAIN,
        "Temporary failure in name resolution",
    );
    result.expect("the second resolve answers");
    assert_eq!(calls, 2);
    let events = seen.events();
    let resolve: Vec<_> = events
        .iter()
        .filter(|e| e.get("wsa.op").map(String::as_str) == Some("resolve"))
        .collect();
    assert_eq!(resolve.len(), 1, "{events:#?}");
    assert_eq!(field(resolve[0], "wsa.symbol"), "WSATRY_AGAIN");
    assert_eq!(field(resolve[0], "wsa.category"), "transient");
    assert_eq!(field(resolve[0], "wsa.retry"), "backoff");
    let retried = events
        .iter()
        .find(|e| field(e, "message").starts_with("retrying"));
    let retried = retried.unwrap_or_else(|| panic!("no retry event: {events:#?}"));
    assert_eq!(field(retried, "wsa.symbol"), "WSATRY_AGAIN");
    assert_eq!(field(retried, "wsa.outcome"), "retry");
    assert_eq!(
        counters.value(COUNTER, "WSATRY_AGAIN", "transient", "resolve"),
        1
    );
}

#[test]
fn tonic_connects_through_the_second_address() {
    let refusing = support::closed_port();
    let (reply, seen, counters) = support::spans::capture_async(LIMIT, async move {
        let server = crate::tonic::start_server().await;
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{NAME}:50051"))
            .expect("a valid URI")
            .connect_with_connector(connector(&fixed(&[refusing, server])))
            .await
            .expect("the second address answers");
        crate::tonic::call(&channel, crate::tonic::ECHO, b"hello").await
    });
    assert_eq!(reply.expect("the echo"), b"hello");
    let events = seen.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_refused_attempt(&events[0], refusing, 1);
    assert_eq!(counters.total(COUNTER), 1, "{counters:?}");
}

#[test]
fn tonic_keeps_the_list_and_the_code_when_both_refuse() {
    let (first, second) = (support::closed_port(), support::closed_port());
    let (err, _, counters) = support::spans::capture_async(LIMIT, async move {
        tonic::transport::Endpoint::from_shared(format!("http://{NAME}:50051"))
            .expect("a valid URI")
            .connect_with_connector(connector(&fixed(&[first, second])))
            .await
            .expect_err("nothing listens")
    });
    assert_eq!(connect_error(&err).attempts().len(), 2, "{err:?}");
    assert_eq!(
        Mapping::from_error(&err).and_then(|m| m.code()),
        Some(WsaCode::WSAECONNREFUSED)
    );
    assert_eq!(counters.total(COUNTER), 2, "{counters:?}");
}
