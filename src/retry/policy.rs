use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use tower::retry::backoff::ExponentialBackoffMaker;
use tower::retry::budget::{Budget, TpsBudget};
use tower::retry::Policy;

use super::config::{Attempts, Config, Decision};
use super::RetryFuture;
use crate::classify::Op;
use crate::connect::{ObserveOnly, Wrap};
use crate::map::ErrorView;
use crate::observe::Observer;

/// A `tower::retry::Policy` driven by the classification of each error.
///
/// | advice | what the policy does |
/// |---|---|
/// | `immediately` (would block) | retries at once after yielding; not counted as an attempt |
/// | `backoff` | retries after an exponential backoff with jitter |
/// | `reconnect` | the same, if nothing can have been sent yet (connect, bind, accept, resolve) or the requests are marked [`idempotent`](RetryPolicy::idempotent); otherwise gives up |
/// | `never`, `ignore` | gives up on the first failure |
///
/// Retries stop at an overall deadline counted from the first failure (10 s by default, long
/// enough to outlast a service restart), within a shared [`TpsBudget`] so that a dependency
/// that is down does not draw a retry storm, and within a number of attempts if one is set
/// (none by default). Each decision is counted (`<prefix>_retries_total`, labels `code`,
/// `op`, `outcome`) and logged.
///
/// ```
/// use std::net::SocketAddr;
/// use tower::{service_fn, ServiceBuilder};
/// use wsa_trace::retry::RetryPolicy;
/// use wsa_trace::TraceConnectLayer;
///
/// let connector = ServiceBuilder::new()
///     .retry(RetryPolicy::new().deadline(std::time::Duration::from_secs(30)))
///     .layer(TraceConnectLayer::new())
///     .service(service_fn(|addr: SocketAddr| tokio::net::TcpStream::connect(addr)));
/// # let _ = connector;
/// ```
///
/// For services whose error is `Box<dyn Error + Send + Sync>`, use [`RetryPolicy::boxed`].
pub struct RetryPolicy<V = Wrap> {
    config: Config,
    attempts: Attempts,
    _view: PhantomData<fn() -> V>,
}

impl RetryPolicy<Wrap> {
    /// A policy for connectors (operation [`Op::Connect`]) whose error implements `Error`.
    /// Defaults: retries until a 10 s deadline (no attempt limit), backoff from 50 ms
    /// doubling to at most 2 s with 50% jitter, a budget allowing retries of 20% of requests
    /// (at least 10 a second), and [`Observer::new()`].
    pub fn new() -> Self {
        RetryPolicy::with_view()
    }
}

impl Default for RetryPolicy<Wrap> {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy<ObserveOnly> {
    /// Like [`RetryPolicy::new`], for services returning `Box<dyn Error + Send + Sync>`.
    pub fn boxed() -> Self {
        RetryPolicy::with_view()
    }
}

impl<V> RetryPolicy<V> {
    fn with_view() -> Self {
        RetryPolicy {
            config: Config::default(),
            attempts: Attempts::new(),
            _view: PhantomData,
        }
    }

    /// The operation the policy retries when the error does not name one
    /// ([`Op::from_error`]); it changes what some codes mean, and whether bytes may have been
    /// sent. Defaults to [`Op::Connect`].
    pub fn op(mut self, op: Op) -> Self {
        self.config.op = op;
        self
    }

    /// Marks the requests idempotent: `reconnect`-class errors are retried even when bytes
    /// may already have been sent. Defaults to `false`.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.config.idempotent = yes;
        self
    }

    /// The most attempts in all, the first included. Defaults to no limit: the
    /// [`deadline`](RetryPolicy::deadline) decides.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.config.max_attempts = attempts.max(1);
        self
    }

    /// The most would-block retries, which do not count as attempts. Defaults to 64.
    pub fn max_immediate(mut self, retries: u32) -> Self {
        self.config.max_immediate = retries;
        self
    }

    /// No retry starts later than this after the first failure. Defaults to 10 s.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.config.deadline = deadline;
        self
    }

    /// The backoff, from tower (which checks its bounds). Defaults to 50 ms doubling to 2 s
    /// with 50% jitter.
    pub fn backoff(mut self, backoff: ExponentialBackoffMaker) -> Self {
        self.config.backoff = backoff;
        self
    }

    /// The retry budget, shared by every clone of this policy and any other policy given
    /// the same `Arc`. Defaults to `TpsBudget::new(10 s, 10, 0.2)`.
    pub fn budget(mut self, budget: Arc<TpsBudget>) -> Self {
        self.config.budget = budget;
        self
    }

    /// Classifies with `observer`'s classifier, counts under its prefix and logs through its
    /// rate limit. Give it the observer of the [`TraceConnectLayer`](crate::TraceConnectLayer)
    /// below, so that the class the layer logs is the class the policy acts on. Defaults to
    /// [`Observer::new()`].
    pub fn observer(mut self, observer: Observer) -> Self {
        self.config.observer = observer;
        self
    }

    /// The full name of the retry counter, `<prefix>_retries_total`.
    #[cfg(feature = "metrics")]
    pub fn counter_name(&self) -> &str {
        self.config.observer.counters().retries.name()
    }

    /// Decides about one error found anywhere in `err`'s chain.
    fn decide(&mut self, err: &(dyn std::error::Error + 'static)) -> Decision {
        self.config.decide_for(&mut self.attempts, err, None)
    }

    /// The shared decision engine, for the async helper.
    pub(super) fn parts(&mut self) -> (&mut Config, &mut Attempts) {
        (&mut self.config, &mut self.attempts)
    }
}

impl<V, Req, Res, E> Policy<Req, Res, E> for RetryPolicy<V>
where
    V: ErrorView<E>,
    Req: Clone,
{
    type Future = RetryFuture;

    fn retry(&mut self, _req: &mut Req, result: &mut Result<Res, E>) -> Option<Self::Future> {
        match result {
            Ok(_) => {
                self.config.budget.deposit();
                None
            }
            Err(err) => match self.decide(V::error(err)) {
                Decision::Now => Some(RetryFuture::yield_now()),
                Decision::After(sleep) => Some(RetryFuture::sleep(sleep)),
                Decision::GiveUp(_) => None,
            },
        }
    }

    fn clone_request(&mut self, req: &Req) -> Option<Req> {
        Some(req.clone())
    }
}

/// A fresh policy with the same settings: tower clones the policy for every request, so the
/// attempts start again while the budget is shared.
impl<V> Clone for RetryPolicy<V> {
    fn clone(&self) -> Self {
        RetryPolicy {
            config: self.config.clone(),
            attempts: Attempts::new(),
            _view: PhantomData,
        }
    }
}

impl<V> std::fmt::Debug for RetryPolicy<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("op", &self.config.op)
            .field("idempotent", &self.config.idempotent)
            .field("max_attempts", &self.config.max_attempts)
            .field("deadline", &self.config.deadline)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}
