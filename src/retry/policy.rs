use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use tower::retry::backoff::ExponentialBackoffMaker;
use tower::retry::budget::{Budget, TpsBudget};
use tower::retry::Policy;

use super::config::{Attempts, Config};
use super::decision::Decision;
use super::RetryFuture;
use crate::classify::Op;
use crate::map::{BoxedError, ErrorView, TypedError};
use crate::observe::Observer;

/// A `tower::retry::Policy` driven by the classification of each error: what it retries and
/// why it stops are in the [module's table](crate::retry#what-is-retried).
///
/// In short: a call that would have blocked is made again for free; any other error is a
/// failure, never repeated when the operation may have sent data and the requests are not
/// [`idempotent`](RetryPolicy::idempotent), and otherwise retried as its advice says, each
/// retry an attempt, until the [`deadline`](RetryPolicy::deadline) (10 s from the first call),
/// [`max_attempts`](RetryPolicy::max_attempts) (no limit by default) or the
/// [budget](RetryPolicy::budget) (shared by every policy of the observer's metrics prefix
/// unless one is given) says stop. Each decision is counted (`<prefix>_retries_total`,
/// labels `code`, `op`, `outcome`) and logged.
///
/// The operation is the one the error names where it names one ([`Op::from_error`]), else
/// the policy's [`op`](RetryPolicy::op): [`Op::Other`] by default, the safe reading for a
/// request-level service; [`Op::Connect`] with [`RetryPolicy::connector`], which a connector
/// needs for its refused connects to be retried.
///
/// ```
/// use std::net::SocketAddr;
/// use tower::{service_fn, ServiceBuilder};
/// use wsa_trace::retry::RetryPolicy;
/// use wsa_trace::TraceConnectLayer;
///
/// let connector = ServiceBuilder::new()
///     .retry(RetryPolicy::connector().deadline(std::time::Duration::from_secs(30)))
///     .layer(TraceConnectLayer::new())
///     .service(service_fn(|addr: SocketAddr| tokio::net::TcpStream::connect(addr)));
/// # let _ = connector;
/// ```
///
/// For services whose error is `Box<dyn Error + Send + Sync>`, use [`RetryPolicy::boxed`]. The
/// type parameter says how the service's error is read: [`TypedError`] (the default) or
/// [`BoxedError`].
pub struct RetryPolicy<V = TypedError> {
    config: Config,
    attempts: Attempts,
    _view: PhantomData<fn() -> V>,
}

impl RetryPolicy<TypedError> {
    /// A policy for services whose error implements `Error`. Defaults: operation
    /// [`Op::Other`], which may have sent data, so that only would-block errors are retried
    /// until the policy is told the requests are [`idempotent`](RetryPolicy::idempotent) or
    /// given the [`op`](RetryPolicy::op) they do; retries until a 10 s deadline (no attempt
    /// limit); backoff from 50 ms doubling to at most 2 s with 50% jitter; the budget of
    /// [`Observer::new()`]'s prefix (see [`budget`](RetryPolicy::budget)); and
    /// [`Observer::new()`].
    pub fn new() -> Self {
        RetryPolicy::with_view()
    }

    /// A policy for connectors: [`RetryPolicy::new`] with the operation [`Op::Connect`], for
    /// errors that name none. A failed connect has sent nothing, so its transient errors
    /// (refused while the server restarts, say) are retried.
    ///
    /// ```no_run
    /// use wsa_trace::retry::RetryPolicy;
    ///
    /// # async fn run() -> std::io::Result<()> {
    /// // One-off calls may each build a policy: they all draw on one shared budget.
    /// let stream = RetryPolicy::connector()
    ///     .run(|| tokio::net::TcpStream::connect("127.0.0.1:8080"))
    ///     .await?;
    /// # drop(stream); Ok(()) }
    /// ```
    pub fn connector() -> Self {
        RetryPolicy::new().op(Op::Connect)
    }
}

impl Default for RetryPolicy<TypedError> {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy<BoxedError> {
    /// Like [`RetryPolicy::new`], for services returning `Box<dyn Error + Send + Sync>`. For
    /// a connector, say so: `RetryPolicy::boxed().op(Op::Connect)`.
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
    /// sent (by every operation but connect, bind, listen, accept and resolve). Defaults to
    /// [`Op::Other`], the safe reading for a request-level service; [`Op::Connect`] with
    /// [`RetryPolicy::connector`].
    pub fn op(mut self, op: Op) -> Self {
        self.config.op = op;
        self
    }

    /// Marks the requests idempotent, safe to make again: errors are retried as their advice
    /// says even when bytes may already have been sent. Defaults to `false`: an operation
    /// that may have sent data is retried only when it would have blocked.
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

    /// The most would-block retries of one request (`WSAEWOULDBLOCK`, `EAGAIN`,
    /// `WSAEINTR`), which do not count as attempts; past it, a would-block error counts as a
    /// failure, retried after a backoff. Defaults to 64.
    pub fn max_immediate(mut self, retries: u32) -> Self {
        self.config.max_immediate = retries;
        self
    }

    /// No retry starts later than this after the first call: the wait before the last retry
    /// is cut to what is left. Defaults to 10 s.
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
    /// the same `Arc`. Every retry but a would-block one draws on it; every success adds to
    /// it.
    ///
    /// Defaults to the budget of the [`observer`](RetryPolicy::observer)'s metrics prefix,
    /// `TpsBudget::new(10 s, 10, 0.2)` (at most 100 retries over 10 s, plus a fifth of the
    /// successes), made once and shared by every policy of the process with that prefix
    /// that is given no budget: policies built per call share it too. Give a policy its own
    /// budget, or its observer its own prefix, to keep one dependency's retries from
    /// spending another's.
    pub fn budget(mut self, budget: Arc<TpsBudget>) -> Self {
        self.config.budget = budget;
        self.config.own_budget = true;
        self
    }

    /// Classifies with `observer`'s classifier, counts under its prefix and logs through its
    /// rate limit. Give it the observer of the [`TraceConnectLayer`](crate::TraceConnectLayer)
    /// below, so that the class the layer logs is the class the policy acts on. Defaults to
    /// [`Observer::new()`]. Unless the policy was given a [`budget`](RetryPolicy::budget),
    /// it draws on the one of `observer`'s prefix.
    pub fn observer(mut self, observer: Observer) -> Self {
        self.config.set_observer(observer);
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

    /// The shared decision engine, for the async helpers.
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
                Decision::WouldBlock | Decision::Now => Some(RetryFuture::yield_now()),
                Decision::After(sleep) => Some(RetryFuture::sleep(sleep)),
                Decision::GiveUp(_) => None,
            },
        }
    }

    /// Called by tower before every call of a request: before the first, it starts the
    /// deadline.
    fn clone_request(&mut self, req: &Req) -> Option<Req> {
        self.attempts.start();
        Some(req.clone())
    }
}

/// A fresh policy with the same settings: tower clones the policy for every request, right
/// after [`clone_request`](Policy::clone_request) has marked the request's start, so the
/// attempts start again from that start while the budget is shared.
impl<V> Clone for RetryPolicy<V> {
    fn clone(&self) -> Self {
        RetryPolicy {
            config: self.config.clone(),
            attempts: self.attempts.restart(),
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
