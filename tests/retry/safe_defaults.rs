//! What a policy does when it is told nothing, against real loopback sockets, written as a
//! user's crate would: a request that failed after it went out is not sent again, and policies
//! made per call share one budget.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::retry::backoff::ExponentialBackoffMaker;
use tower::util::rng::HasherRng;
use tower::{service_fn, ServiceBuilder, ServiceExt};
use wsa_trace::retry::{Outcome, RetryPolicy};
use wsa_trace::{Mapping, Observer, WsaCode};

use crate::support::{self, ClosedPort, Counters};

/// The longest any test here may take.
const LIMIT: Duration = Duration::from_secs(10);

/// A backoff of a few milliseconds: the shape that made the most calls when every policy had
/// a budget of its own.
fn short_backoff() -> ExponentialBackoffMaker {
    ExponentialBackoffMaker::new(
        Duration::from_millis(1),
        Duration::from_millis(5),
        0.5,
        HasherRng::default(),
    )
    .expect("a valid backoff")
}

/// `<prefix>_retries_total{code, op, outcome}`.
fn decisions(counters: &Counters, prefix: &str, code: &str, op: &str, outcome: Outcome) -> u64 {
    counters.get(
        &format!("{prefix}_retries_total"),
        &[("code", code), ("op", op), ("outcome", outcome.as_str())],
    )
}

/// `wsa_retries_total{code="WSAECONNRESET", op="other", outcome}`: a request-level service's
/// reset, its error naming no operation.
fn reset_decisions(counters: &Counters, outcome: Outcome) -> u64 {
    decisions(counters, "wsa", "WSAECONNRESET", "other", outcome)
}

/// A server that reads each request, then resets its connection (`SO_LINGER` 0), for up to
/// `connections` connections: the request went out, and the answer never comes.
async fn reset_after_request(connections: usize) -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the bound address");
    tokio::spawn(async move {
        for _ in 0..connections {
            let Ok(Ok((mut stream, _))) = tokio::time::timeout(LIMIT, listener.accept()).await
            else {
                return;
            };
            let mut buf = [0u8; 64];
            let read = tokio::time::timeout(LIMIT, stream.read(&mut buf)).await;
            assert!(matches!(read, Ok(Ok(n)) if n > 0), "the request arrives");
            stream.set_zero_linger().expect("SO_LINGER 0");
            drop(stream);
        }
    });
    addr
}

/// One request through a request-level service (connect, write the request, read the answer)
/// behind `tower::retry::Retry` with `policy`, against a server that resets every connection
/// once the request has arrived: the error, and how many times the service was called.
fn request_reset_mid_way(
    policy: RetryPolicy,
    connections: usize,
) -> ((io::Error, usize), Counters) {
    support::count_async(LIMIT, async move {
        let addr = reset_after_request(connections).await;
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let service = ServiceBuilder::new().retry(policy).service(service_fn(
            move |request: &'static [u8]| {
                counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    let mut stream = TcpStream::connect(addr).await?;
                    stream.write_all(request).await?;
                    let mut answer = Vec::new();
                    stream.read_to_end(&mut answer).await?;
                    Ok::<_, io::Error>(answer)
                }
            },
        ));
        let err = service
            .oneshot(b"POST /orders HTTP/1.1\r\n\r\n")
            .await
            .expect_err(
                "every connection is reset (under Wine 8 a read after a reset ends as a graceful \
                 close, unlike Windows: README, Platforms)",
            );
        (err, calls.load(Ordering::SeqCst))
    })
}

fn assert_reset(err: &io::Error) {
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err:?}");
    assert_eq!(
        Mapping::from_io_error(err).code(),
        Some(WsaCode::WSAECONNRESET),
        "{err:?}"
    );
}

/// A request-level service whose call fails with a reset after its request went out: the
/// error names no operation, and the policy, told nothing, does not send the request again.
#[test]
fn a_request_reset_mid_way_is_not_sent_again_by_default() {
    let ((err, calls), counters) = request_reset_mid_way(RetryPolicy::new(), 1);
    assert_reset(&err);
    assert_eq!(calls, 1, "the request went out once");
    assert_eq!(reset_decisions(&counters, Outcome::NotIdempotent), 1);
    assert_eq!(reset_decisions(&counters, Outcome::Retry), 0);
}

/// The same request, marked idempotent: sent again, up to the attempts allowed.
#[test]
fn a_request_reset_mid_way_is_sent_again_when_idempotent() {
    const ATTEMPTS: u32 = 3;
    let policy = RetryPolicy::new()
        .idempotent(true)
        .max_attempts(ATTEMPTS)
        .backoff(short_backoff());
    let ((err, calls), counters) = request_reset_mid_way(policy, ATTEMPTS as usize);
    assert_reset(&err);
    assert_eq!(calls, ATTEMPTS as usize);
    assert_eq!(
        reset_decisions(&counters, Outcome::Retry),
        u64::from(ATTEMPTS - 1)
    );
    assert_eq!(reset_decisions(&counters, Outcome::AttemptsExhausted), 1);
}

/// 200 concurrent one-off calls to a port that refuses, each building its own policy as the
/// docs' one-off example does: they draw on the one budget of their observer's prefix, so the
/// connects stay within one budget's bound (100 retries over 10 s when nothing succeeds), not
/// 200 budgets'.
#[test]
fn one_off_policies_share_one_budget() {
    const CALLS: usize = 200;
    /// The default budget's retries when nothing succeeds: 10 a second over 10 s.
    const BUDGET: usize = 100;
    const PREFIX: &str = "one_off_storm";
    let port = ClosedPort::new();
    let addr = port.addr();
    let attempts = Arc::new(AtomicUsize::new(0));
    let (results, counters) = support::count_async(LIMIT, {
        let attempts = Arc::clone(&attempts);
        async move {
            // Its own prefix, so that no other test of this process draws on its budget.
            let observer = Observer::new()
                .metrics_prefix(PREFIX)
                .expect("a valid prefix");
            let mut calls = tokio::task::JoinSet::new();
            for _ in 0..CALLS {
                let observer = observer.clone();
                let attempts = Arc::clone(&attempts);
                calls.spawn(async move {
                    RetryPolicy::connector()
                        .observer(observer)
                        .backoff(short_backoff())
                        .run(|| {
                            attempts.fetch_add(1, Ordering::SeqCst);
                            TcpStream::connect(addr)
                        })
                        .await
                });
            }
            let mut results = Vec::with_capacity(CALLS);
            while let Some(done) = calls.join_next().await {
                results.push(done.expect("a call's task"));
            }
            results
        }
    });
    drop(port);
    assert_eq!(results.len(), CALLS);
    for result in &results {
        let err = result.as_ref().expect_err("nothing listens");
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err:?}");
    }
    let attempts = attempts.load(Ordering::SeqCst);
    let count = |outcome| decisions(&counters, PREFIX, "WSAECONNREFUSED", "connect", outcome);
    let (retried, out_of_budget) = (count(Outcome::Retry), count(Outcome::BudgetExhausted));
    println!(
        "{CALLS} one-off calls: {attempts} connects, {retried} retries, \
         {out_of_budget} budget_exhausted"
    );
    assert!(
        attempts <= CALLS + BUDGET,
        "{attempts} connects for {CALLS} calls: more than one budget allows"
    );
    // Every connect but the first of each call was a retry, and every call gave up once,
    // because the budget ran out.
    assert_eq!(retried, (attempts - CALLS) as u64);
    assert_eq!(out_of_budget, CALLS as u64);
}

/// `run_nonblocking` over a UDP receive, after the ICMP port-unreachable for an earlier datagram: Linux
/// reports it as `ECONNREFUSED` on the next receive, advised `immediately`. A receive may have
/// been part of a request, so the policy returns it unless told that receiving again is
/// safe; then it calls again at once, an attempt, and gets the datagram queued behind it.
#[test]
#[cfg(target_os = "linux")]
fn run_nonblocking_repeats_a_receive_after_an_icmp_error_only_when_idempotent() {
    use tokio::io::Interest;
    use tokio::net::UdpSocket;
    use wsa_trace::Op;

    for idempotent in [false, true] {
        let (result, counters) = support::count_async(LIMIT, async move {
            // A port where nothing listens: bound, then released.
            let peer = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|socket| socket.local_addr())
                .expect("bind 127.0.0.1:0");
            let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
            socket
                .connect(peer)
                .await
                .expect("connect to the closed port");
            socket.send(b"ping").await.expect("the first send succeeds");
            let ready = tokio::time::timeout(LIMIT, socket.ready(Interest::ERROR))
                .await
                .expect("the ICMP error arrives")
                .expect("poll the socket");
            assert!(ready.is_error(), "{ready:?}");
            // The peer comes up and answers: its datagram waits behind the error.
            let answer = UdpSocket::bind(peer)
                .await
                .unwrap_or_else(|e| panic!("bind {peer} again: {e}"));
            let to = socket.local_addr().unwrap();
            answer.send_to(b"pong", to).await.expect("send the answer");
            let mut buf = [0u8; 16];
            let policy = RetryPolicy::new().op(Op::Recv).idempotent(idempotent);
            policy
                .run_nonblocking(|| socket.readable(), || socket.try_recv(&mut buf))
                .await
                .map(|n| buf[..n].to_vec())
        });
        let count = |outcome| decisions(&counters, "wsa", "WSAECONNREFUSED", "recv", outcome);
        if idempotent {
            assert_eq!(result.expect("the answer"), b"pong");
            assert_eq!(count(Outcome::RetryNow), 1);
        } else {
            let err = result.expect_err("the ICMP error, returned");
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err:?}");
            assert_eq!(count(Outcome::NotIdempotent), 1);
            assert_eq!(count(Outcome::RetryNow), 0);
        }
    }
}
