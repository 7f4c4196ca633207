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
use wsa_trace::connect::ObserveOnly;
use wsa_trace::retry::{Outcome, RetryPolicy, TpsBudget};
use wsa_trace::{Op, WsaCode};

use crate::retry::{assert_refused, large_budget, outcomes, retries};
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
    policy: fn() -> RetryPolicy<ObserveOnly>,
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
        policy: || RetryPolicy::boxed().max_attempts(3).budget(large_budget()),
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
        policy: || RetryPolicy::boxed().max_attempts(1).budget(large_budget()),
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
        name: "reset_on_write_is_not_retried_unless_idempotent",
        policy: || RetryPolicy::boxed().op(Op::Write).budget(large_budget()),
        error: reset,
        failures: 1,
        calls: 1,
        answered: false,
        code: "WSAECONNRESET",
        op: "write",
        outcomes: &[("not_idempotent", 1)],
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
        name: "reset_on_write_is_retried_when_idempotent",
        policy: || {
            RetryPolicy::boxed()
                .op(Op::Write)
                .idempotent(true)
                .budget(large_budget())
        },
        error: reset,
        failures: 2,
        calls: 3,
        answered: true,
        code: "WSAECONNRESET",
        op: "write",
        outcomes: &[("retry", 2)],
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
