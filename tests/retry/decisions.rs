//! The policy's decisions, against tower-test's mock service on a paused clock: every call
//! is answered by the test (here: refused), and the backoff pauses cost no wall-clock time.
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

use crate::retry::{assert_refused, large_budget, outcomes, retries};
use crate::support::{self, Counters};

/// The longest any run may take, on the paused clock.
const LIMIT: Duration = Duration::from_secs(60);

/// A mock service whose every call is refused, answered by a task on the current runtime,
/// and the number of calls it answered.
fn refusing() -> (mock::Mock<(), ()>, Arc<AtomicUsize>) {
    let (service, mut handle) = mock::pair::<(), ()>();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    tokio::spawn(async move {
        while let Some(((), reply)) = handle.next_request().await {
            counted.fetch_add(1, Ordering::SeqCst);
            reply.send_error(io::Error::from_raw_os_error(libc::ECONNREFUSED));
        }
    });
    (service, calls)
}

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

/// One request against an always-refusing service: how many calls the policy makes and how
/// it counts its decisions.
struct Case {
    name: &'static str,
    policy: fn() -> RetryPolicy<ObserveOnly>,
    calls: usize,
    outcomes: &'static [(&'static str, u64)],
}

const CASES: &[Case] = &[
    Case {
        // At most max_attempts calls, then the policy gives up.
        name: "max_attempts_calls_then_gives_up",
        policy: || RetryPolicy::boxed().max_attempts(3).budget(large_budget()),
        calls: 3,
        outcomes: &[("attempts_exhausted", 1), ("retry", 2)],
    },
    Case {
        name: "a_single_attempt_is_never_retried",
        policy: || RetryPolicy::boxed().max_attempts(1).budget(large_budget()),
        calls: 1,
        outcomes: &[("attempts_exhausted", 1)],
    },
    Case {
        name: "zero_deadline_means_no_retry",
        policy: || {
            RetryPolicy::boxed()
                .budget(large_budget())
                .deadline(Duration::ZERO)
        },
        calls: 1,
        outcomes: &[("deadline", 1)],
    },
];

#[test]
fn an_always_refused_request() {
    for case in CASES {
        let ((result, calls), counters) = run_paused(async {
            let (service, calls) = refusing();
            let service = ServiceBuilder::new()
                .retry((case.policy)())
                .service(service);
            (service.oneshot(()).await, calls)
        });
        // The caller gets the very error of the last attempt.
        assert_refused_box(&result.expect_err(case.name));
        assert_eq!(calls.load(Ordering::SeqCst), case.calls, "{}", case.name);
        let want: Vec<(String, u64)> = case
            .outcomes
            .iter()
            .map(|(outcome, n)| ((*outcome).to_owned(), *n))
            .collect();
        assert_eq!(
            outcomes(&counters, "WSAECONNREFUSED", "connect"),
            want,
            "{}",
            case.name
        );
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
        let (service, calls) = refusing();
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
