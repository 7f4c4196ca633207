//! reqwest-middleware's `RetryTransientMiddleware` with [`WsaRetryable`], as a user's crate
//! writes it, against loopback: a connect refused until the server starts is retried and
//! succeeds; a source address that is not on this host is returned after one attempt, where
//! reqwest-retry's own strategy tries it again and again.
//!
//! A middleware below the retry counts the attempts and keeps each one's code; the expected
//! codes come from the OS, by making the same call with the standard library.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Extensions;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Response;
use hyper_util::rt::TokioIo;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};
use reqwest_retry::policies::ExponentialBackoff;
use reqwest_retry::{DefaultRetryableStrategy, RetryTransientMiddleware, RetryableStrategy};
use wsa_trace::observe::Observer;
use wsa_trace::retry::WsaRetryable;
use wsa_trace::{Mapping, WsaCode};

use crate::support::ClosedPort;

/// Retries the policy allows after the first attempt.
const MAX_RETRIES: u32 = 3;
/// An address of TEST-NET-1 (RFC 5737), on no host's interface.
const NOT_HERE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

/// What the middleware below the retry saw: the code of each attempt's error (`None` for a
/// success), and the port to listen on after the first failure.
#[derive(Default)]
struct Seen {
    codes: Mutex<Vec<Option<WsaCode>>>,
    start_after_failure: Mutex<Option<ClosedPort>>,
    served: AtomicU32,
}

struct Attempts(Arc<Seen>);

#[async_trait::async_trait]
impl Middleware for Attempts {
    async fn handle(
        &self,
        req: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let result = next.run(req, extensions).await;
        let code = result
            .as_ref()
            .err()
            .map(|err| Mapping::from_error(err).and_then(|m| m.code()));
        self.0.codes.lock().unwrap().push(code.flatten());
        if result.is_err() {
            let port = self.0.start_after_failure.lock().unwrap().take();
            if let Some(port) = port {
                serve(port, Arc::clone(&self.0));
            }
        }
        result
    }
}

/// The server comes up on the held port and answers one request with 200.
fn serve(port: ClosedPort, seen: Arc<Seen>) {
    let listener = port.listen();
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
    tokio::spawn(async move {
        let (stream, _) = tokio::time::timeout(crate::support::LIMIT, listener.accept())
            .await
            .expect("the client connects in time")
            .expect("accept");
        let service = service_fn(move |_| {
            seen.served.fetch_add(1, Ordering::Relaxed);
            async { Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"up")))) }
        });
        let _ = http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service)
            .await;
    });
}

/// GETs `/` from `addr` through a reqwest-middleware client over `client` that retries with
/// `strategy` and, where `start` holds a port, starts the server on it after the first failed
/// attempt. Returns the result, and what the middleware below the retry saw.
async fn get<R>(
    client: reqwest::Client,
    strategy: R,
    addr: SocketAddr,
    start: Option<ClosedPort>,
) -> (reqwest_middleware::Result<reqwest::Response>, Arc<Seen>)
where
    R: RetryableStrategy + Send + Sync + 'static,
{
    let seen = Arc::new(Seen::default());
    *seen.start_after_failure.lock().unwrap() = start;
    let policy = ExponentialBackoff::builder()
        .retry_bounds(Duration::from_millis(1), Duration::from_millis(10))
        .build_with_max_retries(MAX_RETRIES);
    let client: ClientWithMiddleware = ClientBuilder::new(client)
        .with(RetryTransientMiddleware::new_with_policy_and_strategy(
            policy, strategy,
        ))
        .with(Attempts(Arc::clone(&seen)))
        .build();
    let result = client.get(format!("http://{addr}/")).send().await;
    (result, seen)
}

fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(crate::support::LIMIT)
        .build()
        .expect("a reqwest client")
}

#[tokio::test]
async fn refused_until_the_server_starts_is_retried_and_succeeds() {
    let port = ClosedPort::new();
    let addr = port.addr();
    let refused = std::net::TcpStream::connect(addr).expect_err("nothing listens yet");
    let refused = Mapping::from_io_error(&refused).code();
    assert_eq!(refused, Some(WsaCode::WSAECONNREFUSED));

    let strategy = WsaRetryable::new(Observer::new());
    let (result, seen) = get(plain_client(), strategy, addr, Some(port)).await;
    let response = result.expect("the retry reaches the server");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "up");
    assert_eq!(*seen.codes.lock().unwrap(), [refused, None]);
    assert_eq!(seen.served.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_source_address_not_on_this_host_is_not_retried() {
    let not_here = std::net::TcpListener::bind(SocketAddr::from((NOT_HERE, 0)))
        .expect_err("192.0.2.1 is on no interface");
    let not_here = Mapping::from_io_error(&not_here).code();
    assert_eq!(not_here, Some(WsaCode::WSAEADDRNOTAVAIL));

    // A server listens, but the client cannot bind the source address it was given.
    let listener = crate::support::loopback_listener().await;
    let target = listener.local_addr().unwrap();
    let bound_client = || {
        reqwest::Client::builder()
            .no_proxy()
            .local_address(IpAddr::V4(NOT_HERE))
            .timeout(crate::support::LIMIT)
            .build()
            .expect("a reqwest client")
    };

    let strategy = WsaRetryable::new(Observer::new());
    let (result, seen) = get(bound_client(), strategy, target, None).await;
    let err = result.expect_err("the source address cannot be bound");
    assert_eq!(Mapping::from_error(&err).and_then(|m| m.code()), not_here);
    assert_eq!(*seen.codes.lock().unwrap(), [not_here]);

    // reqwest-retry's own strategy takes every connect error for transient.
    let (result, seen) = get(bound_client(), DefaultRetryableStrategy, target, None).await;
    result.expect_err("the source address cannot be bound");
    assert_eq!(seen.codes.lock().unwrap().len(), MAX_RETRIES as usize + 1);
}

/// A server that reads each request to its blank line, then resets the connection, for up to
/// `connections` connections: the request went out, its answer never comes.
async fn resetting_server(connections: u32) -> SocketAddr {
    use tokio::io::AsyncReadExt;
    let listener = crate::support::loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..connections {
            let Ok(Ok((mut stream, _))) =
                tokio::time::timeout(crate::support::LIMIT, listener.accept()).await
            else {
                return;
            };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            stream.set_zero_linger().expect("SO_LINGER 0");
        }
    });
    addr
}

#[tokio::test]
async fn a_reset_after_the_request_went_out_is_retried_only_when_idempotent() {
    let reset = Some(WsaCode::WSAECONNRESET);
    for (idempotent, attempts) in [(false, 1), (true, MAX_RETRIES as usize + 1)] {
        let addr = resetting_server(MAX_RETRIES + 1).await;
        let strategy = WsaRetryable::new(Observer::new()).idempotent(idempotent);
        let (result, seen) = get(plain_client(), strategy, addr, None).await;
        result.expect_err("every connection is reset");
        assert_eq!(
            *seen.codes.lock().unwrap(),
            vec![reset; attempts],
            "idempotent: {idempotent} (under Wine 8 a read after a reset ends as a graceful \
             close: no code, a known Wine difference)"
        );
    }
}
