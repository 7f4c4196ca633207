//! The retry policy against real loopback sockets and scripted services: what is retried,
//! what is given up and why, and what is counted.
//!
//! Every test runs on a current-thread runtime inside `metrics::with_local_recorder`, so that
//! the policy's and the observer's counters register with that test's own recorder.

use crate::support;

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpStream, UdpSocket};
use tower::retry::backoff::ExponentialBackoffMaker;
use tower::util::rng::HasherRng;
use tower::{service_fn, BoxError, Service, ServiceBuilder, ServiceExt};
use wsa_trace::retry::{Outcome, RetryPolicy, TpsBudget};
use wsa_trace::{
    Classification, DefaultClassifier, Observer, Op, TraceConnectLayer, TraceStream, WsaCode,
};

use crate::decisions::assert_at_deadline;
use support::native::os_code;
use support::{closed_port, Counters};

const RETRIES: &str = "wsa_retries_total";
const ERRORS: &str = "wsa_socket_errors_total";
/// The longest any test may take.
const LIMIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Runs `fut` on a current-thread runtime with a fresh local recorder, within [`LIMIT`].
fn run<F: Future>(fut: F) -> (F::Output, Counters) {
    support::count_async(LIMIT, fut)
}

/// `wsa_retries_total{code, op, outcome}`.
pub(crate) fn retries(counters: &Counters, code: &str, op: &str, outcome: Outcome) -> u64 {
    counters.get(
        RETRIES,
        &[("code", code), ("op", op), ("outcome", outcome.as_str())],
    )
}

/// Every outcome counted for (`code`, `op`) with a non-zero total, sorted by name.
pub(crate) fn outcomes(counters: &Counters, code: &str, op: &str) -> Vec<(String, u64)> {
    let mut found: Vec<(String, u64)> = counters
        .named(RETRIES)
        .into_iter()
        .filter(|s| {
            s.value > 0
                && s.labels.get("code").map(String::as_str) == Some(code)
                && s.labels.get("op").map(String::as_str) == Some(op)
        })
        .map(|s| (s.labels["outcome"].clone(), s.value))
        .collect();
    found.sort();
    found
}

/// A short backoff so that the tests stay fast.
fn small_backoff(min_ms: u64, max_ms: u64) -> ExponentialBackoffMaker {
    ExponentialBackoffMaker::new(
        Duration::from_millis(min_ms),
        Duration::from_millis(max_ms),
        0.1,
        HasherRng::default(),
    )
    .expect("a valid backoff")
}

/// A budget that never runs out in a test.
pub(crate) fn large_budget() -> Arc<TpsBudget> {
    Arc::new(TpsBudget::new(Duration::from_secs(10), 100_000, 1000.0))
}

/// A service that connects to its request address and counts its calls.
fn counting_connector(
    calls: Arc<AtomicUsize>,
) -> impl Service<
    SocketAddr,
    Response = TcpStream,
    Error = io::Error,
    Future = impl Future<Output = io::Result<TcpStream>>,
> + Clone {
    service_fn(move |addr: SocketAddr| {
        calls.fetch_add(1, Ordering::SeqCst);
        TcpStream::connect(addr)
    })
}

pub(crate) fn assert_refused(err: &io::Error) {
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err:?}");
    assert_eq!(
        err.raw_os_error(),
        Some(os_code(WsaCode::WSAECONNREFUSED)),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------
// (a) refused until the server comes up
// ---------------------------------------------------------------------------------------

/// Refused twice, then the server is up: the third call binds the listener before it
/// connects, so the order is fixed by the calls, not by a timer.
#[test]
fn connector_retries_refused_until_the_server_listens() {
    const UP_ON_CALL: usize = 3;
    let port = support::ClosedPort::new();
    let addr = port.addr();
    let port = Arc::new(std::sync::Mutex::new(Some(port)));
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let ((stream, server_saw), counters) = run(async move {
        let listener = Arc::new(std::sync::Mutex::new(None));
        let connector = ServiceBuilder::new()
            .retry(RetryPolicy::connector().backoff(small_backoff(1, 5)))
            .layer(TraceConnectLayer::new())
            .service(service_fn(move |addr: SocketAddr| {
                if counted.fetch_add(1, Ordering::SeqCst) + 1 == UP_ON_CALL {
                    let bound = port.lock().unwrap().take().expect("held once").listen();
                    *listener.lock().unwrap() = Some(bound);
                }
                let listener = listener.clone();
                async move {
                    let stream = TcpStream::connect(addr).await?;
                    let bound = listener.lock().unwrap().take().expect("the server is up");
                    let (_, peer) = bound.accept().expect("accept");
                    Ok::<_, io::Error>((stream, peer))
                }
            }));
        let wrapped = connector
            .oneshot(addr)
            .await
            .expect("connected once the server listens");
        let (stream, peer) = wrapped.into_inner();
        (stream, peer)
    });
    let refused = (UP_ON_CALL - 1) as u64;
    assert_eq!(calls.load(Ordering::SeqCst), UP_ON_CALL);
    assert_eq!(stream.peer_addr().unwrap(), addr);
    assert_eq!(stream.local_addr().unwrap(), server_saw);
    // Every refused attempt was retried, and observed by the connector layer.
    assert_eq!(
        retries(&counters, "WSAECONNREFUSED", "connect", Outcome::Retry),
        refused
    );
    assert_eq!(
        outcomes(&counters, "WSAECONNREFUSED", "connect"),
        vec![("retry".to_owned(), refused)]
    );
    assert_eq!(
        counters.get(
            ERRORS,
            &[
                ("code", "WSAECONNREFUSED"),
                ("category", "transient"),
                ("op", "connect")
            ]
        ),
        refused
    );
}

// ---------------------------------------------------------------------------------------
// (b) fatal errors are returned on the first attempt
// ---------------------------------------------------------------------------------------

#[test]
#[cfg(target_os = "linux")]
fn fatal_connect_error_is_returned_at_once() {
    // An IPv4 socket connecting to an IPv6 address: Linux answers EAFNOSUPPORT without
    // sending anything; the class is fatal / never.
    let target = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, closed_port().port()));
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let (result, counters) = run(async move {
        let connector = ServiceBuilder::new()
            .retry(RetryPolicy::connector().backoff(small_backoff(5, 20)))
            .layer(TraceConnectLayer::new())
            .service(service_fn(move |addr: SocketAddr| {
                counted.fetch_add(1, Ordering::SeqCst);
                async move { tokio::net::TcpSocket::new_v4()?.connect(addr).await }
            }));
        connector.oneshot(target).await.map(drop)
    });
    let err = result.expect_err("an IPv4 socket cannot connect to ::1");
    assert_eq!(err.raw_os_error(), Some(libc::EAFNOSUPPORT), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        outcomes(&counters, "WSAEAFNOSUPPORT", "connect"),
        vec![("fatal".to_owned(), 1)]
    );
    assert_eq!(
        counters.get(
            ERRORS,
            &[
                ("code", "WSAEAFNOSUPPORT"),
                ("category", "fatal"),
                ("op", "connect")
            ]
        ),
        1
    );
}

/// A user makes refused fatal on one observer and gives it to the layer and the policy: the
/// event logged and the decision taken agree.
#[test]
fn one_observer_makes_refused_fatal_for_the_log_and_the_policy() {
    let addr = closed_port();
    let calls = Arc::new(AtomicUsize::new(0));
    let (result, captured) = support::capture_async(LIMIT, async {
        let observer = Observer::new().classifier(
            DefaultClassifier::new().with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL),
        );
        let connector = ServiceBuilder::new()
            .retry(RetryPolicy::connector().observer(observer.clone()))
            .layer(TraceConnectLayer::new().observer(observer))
            .service(counting_connector(calls.clone()));
        connector.oneshot(addr).await.map(drop)
    });
    assert_refused(&result.expect_err("nothing listens"));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the policy gave up at once"
    );

    let events = captured.events.matching("WSAECONNREFUSED", "connect");
    let by_message = |message: &str| {
        let found: Vec<_> = events
            .iter()
            .filter(|e| e.field("message") == Some(message))
            .collect();
        assert_eq!(found.len(), 1, "{message}: {events:#?}");
        found[0].clone()
    };
    let failed = by_message("socket operation failed");
    assert_eq!(failed.field("wsa.category"), Some("fatal"));
    assert_eq!(failed.field("wsa.retry"), Some("never"));
    assert_eq!(failed.level, tracing::Level::ERROR);
    let gave_up = by_message("giving up on socket operation");
    assert_eq!(gave_up.field("wsa.code"), Some("10061"));
    assert_eq!(gave_up.field("wsa.category"), Some("fatal"));
    assert_eq!(gave_up.field("wsa.outcome"), Some("fatal"));
    assert_eq!(gave_up.field("wsa.attempts"), Some("1"));
    assert_eq!(events.len(), 2, "{events:#?}");

    assert_eq!(
        captured.count("WSAECONNREFUSED", "fatal", "connect"),
        1,
        "{:?}",
        captured.counters
    );
    assert_eq!(
        outcomes(&captured.counters, "WSAECONNREFUSED", "connect"),
        vec![("fatal".to_owned(), 1)]
    );
}

// ---------------------------------------------------------------------------------------
// (c), (d) the budget, max_attempts and a zero deadline: in the `decisions` module, on
// tower-test's mock service
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// (e) deadline
// ---------------------------------------------------------------------------------------

/// A service that is refused until the paused clock reaches `up_after` from its first call
/// (never, for `None`), counting its calls: a server restarting, without the sockets.
fn restarting(
    up_after: Option<Duration>,
    calls: Arc<AtomicUsize>,
) -> impl Service<(), Response = (), Error = io::Error> + Clone {
    let first = Arc::new(std::sync::OnceLock::new());
    service_fn(move |()| {
        calls.fetch_add(1, Ordering::SeqCst);
        let now = tokio::time::Instant::now();
        let since = now - *first.get_or_init(|| now);
        let up = up_after.is_some_and(|after| since >= after);
        std::future::ready(if up {
            Ok(())
        } else {
            Err(support::native::os_error(WsaCode::WSAECONNREFUSED))
        })
    })
}

#[test]
fn deadline_stops_retries_after_it_passes() {
    let calls = Arc::new(AtomicUsize::new(0));
    let ((result, elapsed), captured) = support::capture_paused(LIMIT, async {
        let service = ServiceBuilder::new()
            .retry(
                RetryPolicy::connector()
                    .backoff(small_backoff(20, 20))
                    .budget(large_budget())
                    .deadline(Duration::from_millis(150)),
            )
            .service(restarting(None, calls.clone()));
        let started = tokio::time::Instant::now();
        let result = service.oneshot(()).await;
        (result, started.elapsed())
    });
    assert_refused(&result.expect_err("never up"));
    let calls = calls.load(Ordering::SeqCst) as u64;
    // The paused clock: 20 ms (+ up to 10% jitter) pauses, the last cut to end at 150 ms.
    assert_at_deadline(elapsed, Duration::from_millis(150));
    assert!((7..=9).contains(&calls), "{calls} calls");
    assert_eq!(
        outcomes(&captured.counters, "WSAECONNREFUSED", "connect"),
        vec![("deadline".to_owned(), 1), ("retry".to_owned(), calls - 1)]
    );
}

/// The default policy keeps trying through a three-second restart: far past the four attempts
/// (about half a second) the default once allowed.
#[test]
fn default_policy_outlasts_a_restart() {
    let calls = Arc::new(AtomicUsize::new(0));
    let ((result, elapsed), captured) = support::capture_paused(LIMIT * 6, async {
        let service = ServiceBuilder::new()
            .retry(RetryPolicy::connector().budget(large_budget()))
            .service(restarting(Some(Duration::from_secs(3)), calls.clone()));
        let started = tokio::time::Instant::now();
        let result = service.oneshot(()).await;
        (result, started.elapsed())
    });
    result.expect("up after the restart");
    let calls = calls.load(Ordering::SeqCst) as u64;
    assert!(elapsed >= Duration::from_secs(3), "{elapsed:?}");
    // The pause before the last call is at most 2 s and a half with jitter.
    assert!(elapsed < Duration::from_millis(5500), "{elapsed:?}");
    assert!(calls > 4, "{calls} calls");
    assert_eq!(
        outcomes(&captured.counters, "WSAECONNREFUSED", "connect"),
        vec![("retry".to_owned(), calls - 1)]
    );
}

/// Retry events go through the observer's rate limit like its error events, and what it
/// drops is counted, while the retry counter stays exact.
#[test]
fn retry_events_share_the_observers_rate_limit() {
    const PER: u32 = 2;
    let calls = Arc::new(AtomicUsize::new(0));
    let (result, captured) = support::capture_paused(LIMIT, async {
        let observer = Observer::new().rate_limit(PER, Duration::from_secs(3600));
        let service = ServiceBuilder::new()
            .retry(
                RetryPolicy::connector()
                    .observer(observer)
                    .backoff(small_backoff(1, 5))
                    .budget(large_budget()),
            )
            .service(restarting(Some(Duration::from_millis(50)), calls.clone()));
        service.oneshot(()).await
    });
    result.expect("up after 50 ms");
    let calls = calls.load(Ordering::SeqCst) as u64;
    let retried = calls - 1;
    assert!(retried > u64::from(PER), "{calls} calls");
    let events = captured.events.matching("WSAECONNREFUSED", "connect");
    assert_eq!(events.len(), PER as usize, "{events:#?}");
    for event in &events {
        assert_eq!(event.field("wsa.code"), Some("10061"));
        assert_eq!(event.field("wsa.outcome"), Some("retry"));
    }
    assert_eq!(
        captured.counters.get(
            "wsa_suppressed_events_total",
            &[("code", "WSAECONNREFUSED")]
        ),
        retried - u64::from(PER)
    );
    assert_eq!(
        outcomes(&captured.counters, "WSAECONNREFUSED", "connect"),
        vec![("retry".to_owned(), retried)]
    );
}

/// Spans' recorded `wsa.attempts` and `wsa.outcome`, by span name.
#[derive(Clone, Default)]
struct SpanFields(Arc<std::sync::Mutex<Vec<(String, String)>>>);

impl tracing::field::Visit for SpanFields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let name = field.name();
        if name == "wsa.attempts" || name == "wsa.outcome" {
            let value = format!("{value:?}").trim_matches('"').to_owned();
            self.0.lock().unwrap().push((name.to_owned(), value));
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for SpanFields {
    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        values.record(&mut self.clone());
    }
}

/// The default policy gives up when its 10 s deadline has passed, not after a count; the
/// caller reads the attempts and the reason on its span, and gets the error as it came.
#[test]
fn default_policy_gives_up_at_its_deadline_and_says_so_on_the_span() {
    use tracing::Instrument;
    let calls = Arc::new(AtomicUsize::new(0));
    let fields = SpanFields::default();
    let ((result, elapsed), counters) = support::capture_with(fields.clone(), || {
        support::block_on_paused(async {
            let span = wsa_trace::socket_span!(tracing::Level::INFO, "fetch");
            let service = ServiceBuilder::new()
                .retry(RetryPolicy::connector().budget(large_budget()))
                .service(restarting(None, calls.clone()));
            let started = tokio::time::Instant::now();
            let result = service.oneshot(()).instrument(span).await;
            (result, started.elapsed())
        })
    });
    assert_refused(&result.expect_err("never up"));
    let calls = calls.load(Ordering::SeqCst) as u64;
    assert_at_deadline(elapsed, Duration::from_secs(10));
    assert!(calls > 4, "{calls} calls");
    assert_eq!(
        outcomes(&counters, "WSAECONNREFUSED", "connect"),
        vec![("deadline".to_owned(), 1), ("retry".to_owned(), calls - 1)]
    );
    assert_eq!(
        *fields.0.lock().unwrap(),
        vec![
            ("wsa.attempts".to_owned(), calls.to_string()),
            ("wsa.outcome".to_owned(), "deadline".to_owned()),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// (f), (g) resets on write and would-block: in the `decisions` module
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// (h) the policy plugs into tower's ServiceBuilder
// ---------------------------------------------------------------------------------------

fn assert_connector<S, R, E>(_: &S)
where
    S: Service<SocketAddr, Response = R, Error = E> + Clone,
{
}

/// The policy around the wrapping connector layer, and the boxed policy around the
/// observe-only layer over a service returning `BoxError`, built with tower's
/// `ServiceBuilder` (each checked to be a `Service<SocketAddr>` with the response and error it
/// should have), then each connecting to a real listener through its retry layer.
#[test]
fn policy_plugs_into_service_builder() {
    let ((addr, peers), counters) = run(async {
        let listener = support::loopback_listener().await;
        let addr = listener.local_addr().expect("the listener's address");
        let accepting = tokio::spawn(async move {
            for _ in 0..2 {
                listener.accept().await.expect("accept");
            }
        });
        let wrapping = ServiceBuilder::new()
            .retry(RetryPolicy::connector())
            .layer(TraceConnectLayer::new())
            .service(service_fn(|addr: SocketAddr| TcpStream::connect(addr)));
        assert_connector::<_, TraceStream<TcpStream>, io::Error>(&wrapping);
        let boxed = ServiceBuilder::new()
            .retry(RetryPolicy::boxed().op(Op::Connect))
            .layer(TraceConnectLayer::observe_only())
            .service(service_fn(|addr: SocketAddr| async move {
                TcpStream::connect(addr).await.map_err(BoxError::from)
            }));
        assert_connector::<_, TcpStream, BoxError>(&boxed);

        let traced = wrapping
            .oneshot(addr)
            .await
            .expect("connect through the policy");
        let plain = boxed
            .oneshot(addr)
            .await
            .expect("connect through the boxed policy");
        accepting.await.expect("the accepting task");
        let peers = [
            traced.inner().peer_addr().expect("a connected stream"),
            plain.peer_addr().expect("a connected stream"),
        ];
        (addr, peers)
    });
    assert_eq!(peers, [addr, addr]);
    assert_eq!(counters.total(RETRIES), 0, "{:?}", counters.series());
}

#[test]
fn boxed_policy_finds_the_code_inside_a_box_error() {
    let addr = closed_port();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let (result, counters) = run(async move {
        let connector = ServiceBuilder::new()
            .retry(
                RetryPolicy::boxed()
                    .op(Op::Connect)
                    .backoff(small_backoff(1, 5))
                    .max_attempts(2)
                    .budget(large_budget()),
            )
            .layer(TraceConnectLayer::observe_only())
            .service(service_fn(move |addr: SocketAddr| {
                counted.fetch_add(1, Ordering::SeqCst);
                async move { TcpStream::connect(addr).await.map_err(BoxError::from) }
            }));
        connector.oneshot(addr).await.map(drop)
    });
    let err = result.expect_err("nothing listens");
    let io = err
        .downcast_ref::<io::Error>()
        .expect("the io::Error inside");
    assert_refused(io);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        outcomes(&counters, "WSAECONNREFUSED", "connect"),
        vec![
            ("attempts_exhausted".to_owned(), 1),
            ("retry".to_owned(), 1)
        ]
    );
}

// ---------------------------------------------------------------------------------------
// (i) the helpers for one-off calls
// ---------------------------------------------------------------------------------------

/// The datagram is sent only once the policy waits for readiness, so the first try must
/// block: the order is fixed by the calls, not by a timer.
#[test]
fn run_nonblocking_waits_for_readiness_on_would_block() {
    let ((n, data), counters) = run(async {
        let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let sender = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        sock.connect(sender.local_addr().unwrap()).await.unwrap();
        let to = sock.local_addr().unwrap();
        let (go, went) = tokio::sync::oneshot::channel::<()>();
        let mut go = Some(go);
        tokio::spawn(async move {
            went.await.expect("the policy waits for readiness");
            sender.send_to(b"datagram", to).await.expect("send");
        });
        let policy = RetryPolicy::new().op(Op::Recv).max_attempts(1);
        let mut buf = [0u8; 64];
        let n = policy
            .run_nonblocking(
                || {
                    if let Some(go) = go.take() {
                        go.send(()).expect("the sender waits");
                    }
                    sock.readable()
                },
                || sock.try_recv(&mut buf),
            )
            .await
            .expect("the datagram arrives");
        (n, buf[..n].to_vec())
    });
    assert_eq!(n, 8);
    assert_eq!(data, b"datagram");
    // At least the first try would block; readiness keeps it from spinning.
    let outcomes = outcomes(&counters, "WSAEWOULDBLOCK", "recv");
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!(outcomes[0].0, "retry_now");
    assert!((1..=3).contains(&outcomes[0].1), "{outcomes:?}");
}

/// Refused twice, then the third call binds the listener before it connects.
#[test]
fn run_retries_connect_until_the_server_listens() {
    const UP_ON_CALL: usize = 3;
    let mut port = Some(support::ClosedPort::new());
    let addr = port.as_ref().unwrap().addr();
    let calls = AtomicUsize::new(0);
    let ((stream, server_saw), counters) = run(async {
        let mut listener = None;
        let policy = RetryPolicy::connector().backoff(small_backoff(1, 5));
        let stream = policy
            .run(|| {
                if calls.fetch_add(1, Ordering::SeqCst) + 1 == UP_ON_CALL {
                    listener = Some(port.take().expect("held once").listen());
                }
                TcpStream::connect(addr)
            })
            .await
            .expect("connected once the server listens");
        let (_, peer) = listener
            .expect("the server is up")
            .accept()
            .expect("accept");
        (stream, peer)
    });
    assert_eq!(stream.local_addr().unwrap(), server_saw);
    assert_eq!(calls.load(Ordering::SeqCst), UP_ON_CALL);
    assert_eq!(
        outcomes(&counters, "WSAECONNREFUSED", "connect"),
        vec![("retry".to_owned(), (UP_ON_CALL - 1) as u64)]
    );
}

#[test]
fn run_returns_the_last_error_when_it_gives_up() {
    let addr = closed_port();
    let calls = AtomicUsize::new(0);
    let (result, counters) = run(async {
        RetryPolicy::connector()
            .backoff(small_backoff(1, 5))
            .max_attempts(2)
            .budget(large_budget())
            .observer(Observer::new().metrics_prefix("oneoff").unwrap())
            .run(|| {
                calls.fetch_add(1, Ordering::SeqCst);
                TcpStream::connect(addr)
            })
            .await
    });
    assert_refused(&result.expect_err("nothing listens"));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let labels = |outcome| {
        [
            ("code", "WSAECONNREFUSED"),
            ("op", "connect"),
            ("outcome", outcome),
        ]
    };
    assert_eq!(counters.get("oneoff_retries_total", &labels("retry")), 1);
    assert_eq!(
        counters.get("oneoff_retries_total", &labels("attempts_exhausted")),
        1
    );
    assert_eq!(counters.named(RETRIES), vec![]);
}
