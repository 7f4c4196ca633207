//! The policy's decisions, against tower-test's mock service on a paused clock: every call
//! is answered by the test (an error or a response, as each case says), and the backoff pauses cost no wall-clock time.
//! What the kernel says on real loopback sockets is shown in the `retry` module.

use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tower::{BoxError, ServiceBuilder, ServiceExt};
use tower_test::mock;
use wsa_trace::map::BoxedError;
use wsa_trace::retry::{Outcome, RetryPolicy, TpsBudget};
use wsa_trace::{Classification, DefaultClassifier, Observer, Op, Retry, WsaCode};

use crate::policy::{assert_refused, large_budget, outcomes, retries};
use crate::support::native::os_error;
use crate::support::{self, Counters};

/// The longest any run may take, on the paused clock.
const LIMIT: Duration = Duration::from_secs(60);

/// A mock service that fails its first `failures` calls with `error()` and answers the
/// others, each call answered by a task on the current runtime; and the number of calls.
fn failing(error: fn() -> io::Error, failures: usize) -> (mock::Mock<(), ()>, Arc<AtomicUsize>) {
    let (service, mut handle) = mock::pair::<(), ()>();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    tokio::spawn(async move {
        while let Some(((), reply)) = handle.next_request().await {
            if counted.fetch_add(1, Ordering::SeqCst) < failures {
                reply.send_error(error());
            } else {
                reply.send_response(());
            }
        }
    });
    (service, calls)
}

fn refused() -> io::Error {
    os_error(WsaCode::WSAECONNREFUSED)
}

fn reset() -> io::Error {
    os_error(WsaCode::WSAECONNRESET)
}

fn not_connected() -> io::Error {
    os_error(WsaCode::WSAENOTCONN)
}

fn would_block() -> io::Error {
    io::Error::from(io::ErrorKind::WouldBlock)
}

fn host_unreachable() -> io::Error {
    os_error(WsaCode::WSAEHOSTUNREACH)
}

fn net_unreachable() -> io::Error {
    os_error(WsaCode::WSAENETUNREACH)
}

fn timed_out() -> io::Error {
    os_error(WsaCode::WSAETIMEDOUT)
}

fn interrupted() -> io::Error {
    os_error(WsaCode::WSAEINTR)
}

/// The docs' own override: a connect that timed out is retried at once.
fn timeout_retried_at_once() -> RetryPolicy<BoxedError> {
    let classifier = DefaultClassifier::new().with_code_op(
        WsaCode::WSAETIMEDOUT,
        Op::Connect,
        Classification::new(Retry::Immediately),
    );
    RetryPolicy::boxed()
        .op(Op::Connect)
        .observer(Observer::new().classifier(classifier))
}

/// Makes the error a scripted call fails with.
type MakeError = fn() -> io::Error;

/// Never answered: every call fails.
const ALWAYS: usize = usize::MAX;

/// The refused error inside a mock's boxed error.
fn assert_refused_box(err: &BoxError) {
    assert_refused(
        err.downcast_ref::<io::Error>()
            .expect("the io::Error inside"),
    );
}

/// Runs `fut` on a paused current-thread runtime with a fresh local recorder.
fn run_paused<F: Future>(fut: F) -> (F::Output, Counters) {
    let (out, captured) = support::capture_paused(LIMIT, fut);
    (out, captured.counters)
}

/// One request against a service that fails `failures` times with `error()`: how many calls
/// the policy makes, whether the request ends answered or with the last error, and how the
/// policy counts its decisions under (`code`, `op`).
struct Case {
    name: &'static str,
    policy: fn() -> RetryPolicy<BoxedError>,
    error: fn() -> io::Error,
    failures: usize,
    calls: usize,
    answered: bool,
    code: &'static str,
    op: &'static str,
    outcomes: &'static [(&'static str, u64)],
}

const CASES: &[Case] = &[
    Case {
        // At most max_attempts calls, then the policy gives up.
        name: "max_attempts_calls_then_gives_up",
        policy: || {
            RetryPolicy::boxed()
                .op(Op::Connect)
                .max_attempts(3)
                .budget(large_budget())
        },
        error: refused,
        failures: ALWAYS,
        calls: 3,
        answered: false,
        code: "WSAECONNREFUSED",
        op: "connect",
        outcomes: &[("attempts_exhausted", 1), ("retry", 2)],
    },
    Case {
        name: "a_single_attempt_is_never_retried",
        policy: || {
            RetryPolicy::boxed()
                .op(Op::Connect)
                .max_attempts(1)
                .budget(large_budget())
        },
        error: refused,
        failures: ALWAYS,
        calls: 1,
        answered: false,
        code: "WSAECONNREFUSED",
        op: "connect",
        outcomes: &[("attempts_exhausted", 1)],
    },
    Case {
        name: "zero_deadline_means_no_retry",
        policy: || {
            RetryPolicy::boxed()
                .op(Op::Connect)
                .budget(large_budget())
                .deadline(Duration::ZERO)
        },
        error: refused,
        failures: ALWAYS,
        calls: 1,
        answered: false,
        code: "WSAECONNREFUSED",
        op: "connect",
        outcomes: &[("deadline", 1)],
    },
    Case {
        name: "not_connected_on_shutdown_is_benign_and_not_retried",
        policy: || RetryPolicy::boxed().op(Op::Shutdown).budget(large_budget()),
        error: not_connected,
        failures: ALWAYS,
        calls: 1,
        answered: false,
        code: "WSAENOTCONN",
        op: "shutdown",
        outcomes: &[("benign", 1)],
    },
    Case {
        // Would-block is retried at once and does not count as an attempt.
        name: "would_block_is_retried_without_counting_an_attempt",
        policy: || {
            RetryPolicy::boxed()
                .op(Op::Read)
                .max_attempts(1)
                .budget(large_budget())
        },
        error: would_block,
        failures: 3,
        calls: 4,
        answered: true,
        code: "WSAEWOULDBLOCK",
        op: "read",
        outcomes: &[("retry_now", 3)],
    },
    Case {
        name: "would_block_retries_stop_at_max_immediate",
        policy: || {
            RetryPolicy::boxed()
                .op(Op::Read)
                .max_attempts(1)
                .max_immediate(2)
                .budget(large_budget())
        },
        error: would_block,
        failures: ALWAYS,
        calls: 3,
        answered: false,
        code: "WSAEWOULDBLOCK",
        op: "read",
        outcomes: &[("attempts_exhausted", 1), ("retry_now", 2)],
    },
    Case {
        // A request-level service, its error naming no operation: the safe reading.
        name: "an_error_naming_no_operation_is_not_resent_by_default",
        policy: || RetryPolicy::boxed().budget(large_budget()),
        error: refused,
        failures: ALWAYS,
        calls: 1,
        answered: false,
        code: "WSAECONNREFUSED",
        op: "other",
        outcomes: &[("not_idempotent", 1)],
    },
    Case {
        // Interrupted: nothing was written, so it is repeated, free of the attempt count.
        name: "interrupted_write_is_repeated_without_counting_an_attempt",
        policy: || {
            RetryPolicy::boxed()
                .op(Op::Write)
                .max_attempts(1)
                .budget(large_budget())
        },
        error: interrupted,
        failures: 3,
        calls: 4,
        answered: true,
        code: "WSAEINTR",
        op: "write",
        outcomes: &[("retry_now", 3)],
    },
    Case {
        // A failure advised `immediately` is an attempt like any other.
        name: "an_immediate_retry_counts_toward_max_attempts",
        policy: || {
            timeout_retried_at_once()
                .max_attempts(1)
                .budget(large_budget())
        },
        error: timed_out,
        failures: ALWAYS,
        calls: 1,
        answered: false,
        code: "WSAETIMEDOUT",
        op: "connect",
        outcomes: &[("attempts_exhausted", 1)],
    },
    Case {
        name: "immediate_retries_stop_at_max_attempts",
        policy: || {
            timeout_retried_at_once()
                .max_attempts(3)
                .budget(large_budget())
        },
        error: timed_out,
        failures: ALWAYS,
        calls: 3,
        answered: false,
        code: "WSAETIMEDOUT",
        op: "connect",
        outcomes: &[("attempts_exhausted", 1), ("retry_now", 2)],
    },
    Case {
        // A budget with nothing in it: no reserve, and successes earn nothing.
        name: "an_immediate_retry_draws_on_the_budget",
        policy: || {
            timeout_retried_at_once().budget(Arc::new(TpsBudget::new(
                Duration::from_secs(1),
                0,
                0.0,
            )))
        },
        error: timed_out,
        failures: ALWAYS,
        calls: 1,
        answered: false,
        code: "WSAETIMEDOUT",
        op: "connect",
        outcomes: &[("budget_exhausted", 1)],
    },
];

#[test]
fn each_case_makes_its_calls_and_counts_its_decisions() {
    for case in CASES {
        let name = case.name;
        let ((result, calls), counters) = run_paused(async {
            let (service, calls) = failing(case.error, case.failures);
            let service = ServiceBuilder::new()
                .retry((case.policy)())
                .service(service);
            (service.oneshot(()).await, calls)
        });
        if case.answered {
            result.unwrap_or_else(|e| panic!("{name}: answered, not {e:?}"));
        } else {
            // The caller gets the very error of the last call.
            let err = result.expect_err(name);
            let err = err
                .downcast_ref::<io::Error>()
                .expect("the io::Error inside");
            let want = (case.error)();
            assert_eq!(err.kind(), want.kind(), "{name}: {err:?}");
            assert_eq!(err.raw_os_error(), want.raw_os_error(), "{name}: {err:?}");
        }
        assert_eq!(calls.load(Ordering::SeqCst), case.calls, "{name}");
        let want: Vec<(String, u64)> = case
            .outcomes
            .iter()
            .map(|(outcome, n)| ((*outcome).to_owned(), *n))
            .collect();
        assert_eq!(outcomes(&counters, case.code, case.op), want, "{name}");
    }
}

/// An operation that may have sent data is not called again, whatever the code's advice,
/// unless the policy is told the requests are idempotent.
#[test]
fn what_may_have_sent_is_sent_again_only_when_idempotent() {
    let sends: &[(Op, MakeError, &str)] = &[
        // Advised backoff.
        (Op::Write, host_unreachable, "WSAEHOSTUNREACH"),
        (Op::Write, net_unreachable, "WSAENETUNREACH"),
        // Advised reconnect.
        (Op::Write, reset, "WSAECONNRESET"),
        (Op::Send, timed_out, "WSAETIMEDOUT"),
        (Op::Other, timed_out, "WSAETIMEDOUT"),
    ];
    for &(op, error, code) in sends {
        for idempotent in [false, true] {
            let ((result, calls), counters) = run_paused(async {
                let (service, calls) = failing(error, 2);
                let policy = RetryPolicy::boxed()
                    .op(op)
                    .idempotent(idempotent)
                    .budget(large_budget());
                let result = ServiceBuilder::new()
                    .retry(policy)
                    .service(service)
                    .oneshot(())
                    .await;
                (result, calls.load(Ordering::SeqCst))
            });
            let case = format!("{code} on {op}, idempotent: {idempotent}");
            let (want_calls, want) = match idempotent {
                false => (1, ("not_idempotent", 1)),
                true => (3, ("retry", 2)),
            };
            assert_eq!(result.is_ok(), idempotent, "{case}");
            assert_eq!(calls, want_calls, "{case}");
            assert_eq!(
                outcomes(&counters, code, op.as_str()),
                vec![(want.0.to_owned(), want.1)],
                "{case}"
            );
        }
    }
}

/// The budget stops a retry storm: many requests, every call refused.
#[test]
fn budget_bounds_retries_when_everything_fails() {
    const REQUESTS: usize = 40;
    const MAX_ATTEMPTS: u32 = 4;
    // No deposits count (0%), and a reserve of 1 retry a second over 10 s: 10 retries.
    let budget = Arc::new(TpsBudget::new(Duration::from_secs(10), 1, 0.0));
    let ((results, calls), counters) = run_paused(async {
        let (service, calls) = failing(refused, ALWAYS);
        let service = ServiceBuilder::new()
            .retry(
                RetryPolicy::boxed()
                    .op(Op::Connect)
                    .max_attempts(MAX_ATTEMPTS)
                    .budget(budget.clone()),
            )
            .service(service);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..REQUESTS {
            let service = service.clone();
            tasks.spawn(async move { service.oneshot(()).await });
        }
        let mut results = Vec::new();
        while let Some(done) = tasks.join_next().await {
            results.push(done.expect("a request task"));
        }
        (results, calls)
    });
    assert_eq!(results.len(), REQUESTS);
    for result in &results {
        assert_refused_box(result.as_ref().expect_err("every call is refused"));
    }
    let calls = calls.load(Ordering::SeqCst) as u64;
    let retried = retries(&counters, "WSAECONNREFUSED", "connect", Outcome::Retry);
    let out_of_budget = retries(
        &counters,
        "WSAECONNREFUSED",
        "connect",
        Outcome::BudgetExhausted,
    );
    let out_of_attempts = retries(
        &counters,
        "WSAECONNREFUSED",
        "connect",
        Outcome::AttemptsExhausted,
    );
    println!(
        "budget: {REQUESTS} requests, {calls} calls, {retried} retries, \
         {out_of_budget} budget_exhausted, {out_of_attempts} attempts_exhausted"
    );
    // Without the budget there would be REQUESTS x MAX_ATTEMPTS calls.
    assert!(
        (1..=10).contains(&retried),
        "retries stay within the reserve: {retried}"
    );
    assert_eq!(calls, REQUESTS as u64 + retried);
    assert!(calls <= REQUESTS as u64 + 10, "{calls} calls");
    assert!(out_of_budget >= (REQUESTS as u64) - 10 / u64::from(MAX_ATTEMPTS - 1) - 1);
    // Every request ended in exactly one give-up.
    assert_eq!(out_of_budget + out_of_attempts, REQUESTS as u64);
    assert_eq!(
        outcomes(&counters, "WSAECONNREFUSED", "connect")
            .iter()
            .map(|(_, n)| n)
            .sum::<u64>(),
        calls
    );
}

/// A fixed backoff of `delay`, without jitter, so that the paused clock's times are exact.
fn fixed_backoff(delay: Duration) -> tower::retry::backoff::ExponentialBackoffMaker {
    tower::retry::backoff::ExponentialBackoffMaker::new(
        delay,
        delay,
        0.0,
        tower::util::rng::HasherRng::default(),
    )
    .expect("a valid backoff")
}

/// A connector that takes `first` to fail its first call and fails the others at once, all
/// refused; and the number of calls.
fn slow_first_call(
    first: Duration,
) -> (
    impl tower::Service<(), Response = (), Error = io::Error> + Clone,
    Arc<AtomicUsize>,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let service = tower::service_fn(move |()| {
        let n = counted.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                tokio::time::sleep(first).await;
            }
            Err::<(), _>(refused())
        }
    });
    (service, calls)
}

/// The request ended at `deadline` of the paused clock, within the timer's millisecond.
pub(crate) fn assert_at_deadline(elapsed: Duration, deadline: Duration) {
    assert!(elapsed >= deadline, "{elapsed:?}");
    assert!(
        elapsed <= deadline + Duration::from_millis(1),
        "{elapsed:?}"
    );
}

/// One request through `policy` to `service`: the error, how long it took on the paused
/// clock, and the counters.
fn timed<S>(policy: RetryPolicy, service: S) -> ((io::Error, Duration), Counters)
where
    S: tower::Service<(), Response = (), Error = io::Error> + Clone,
{
    run_paused(async {
        let started = tokio::time::Instant::now();
        let result = ServiceBuilder::new()
            .retry(policy)
            .service(service)
            .oneshot(())
            .await;
        (result.expect_err("always refused"), started.elapsed())
    })
}

/// The deadline runs from the first call, not from its failure, and the wait before the last
/// retry is cut to what is left of it. Each case ends with five calls, the last at the 10 s
/// deadline (within the timer's millisecond), then gives up.
#[test]
fn the_deadline_runs_from_the_first_call_and_cuts_the_last_wait() {
    let cases = [
        // A first call that takes 8 s leaves 2 s: calls at 0, 8, 8.5, 9, 9.5 and 10 s.
        (Duration::from_secs(8), Duration::from_millis(500)),
        // 3 s pauses: calls at 0, 3, 6, 9 and 10 s, not 12 s.
        (Duration::ZERO, Duration::from_secs(3)),
    ];
    for (first, pause) in cases {
        let (service, calls) = slow_first_call(first);
        let policy = RetryPolicy::connector()
            .backoff(fixed_backoff(pause))
            .budget(large_budget())
            .deadline(Duration::from_secs(10));
        let ((err, elapsed), counters) = timed(policy, service);
        assert_refused(&err);
        assert_at_deadline(elapsed, Duration::from_secs(10));
        assert_eq!(calls.load(Ordering::SeqCst), 5, "{first:?}, {pause:?}");
        assert_eq!(
            outcomes(&counters, "WSAECONNREFUSED", "connect"),
            vec![("deadline".to_owned(), 1), ("retry".to_owned(), 4)]
        );
    }
}

/// The events say what was decided: a retry after a would-block error at `TRACE`, a retry of
/// a failure at once at `DEBUG`, both with outcome `retry_now`, and the give-up at `WARN`.
#[test]
fn immediate_retries_of_would_block_and_of_failures_are_told_apart() {
    type Policy = fn() -> RetryPolicy<BoxedError>;
    let cases: [(MakeError, Policy, &str, &str, tracing::Level); 2] = [
        (
            would_block,
            || RetryPolicy::boxed().op(Op::Connect).max_immediate(1),
            "WSAEWOULDBLOCK",
            "retry",
            tracing::Level::TRACE,
        ),
        (
            timed_out,
            timeout_retried_at_once,
            "WSAETIMEDOUT",
            "attempts_exhausted",
            tracing::Level::DEBUG,
        ),
    ];
    for (error, policy, symbol, then, level) in cases {
        let (_, captured) = support::capture_paused(LIMIT, async {
            let (service, _) = failing(error, 2);
            let policy = policy().max_attempts(2).budget(large_budget());
            ServiceBuilder::new()
                .retry(policy)
                .service(service)
                .oneshot(())
                .await
        });
        let events: Vec<_> = captured
            .events
            .matching(symbol, "connect")
            .into_iter()
            .map(|e| {
                (
                    e.level,
                    e.field("wsa.outcome").unwrap_or_default().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            events[0],
            (level, "retry_now".to_owned()),
            "{symbol}: {events:?}"
        );
        assert_eq!(events[1].1, then, "{symbol}: {events:?}");
    }
}
