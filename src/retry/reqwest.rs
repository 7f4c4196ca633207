//! reqwest-retry's [`RetryableStrategy`] from the classification (feature `reqwest-retry`).

use reqwest_middleware::Error;
use reqwest_retry::{
    default_on_request_failure, default_on_request_success, Retryable, RetryableStrategy,
};

use super::config::{may_have_sent, nothing_happened};
use crate::classify::{Op, Retry};
use crate::map::Mapping;
use crate::observe::Observer;

/// A [`RetryableStrategy`] for reqwest-middleware's `RetryTransientMiddleware` that decides
/// about a failed request as the crate's [`RetryPolicy`](super::RetryPolicy) does: by the
/// class its [`Observer`] gives the error's Windows Sockets code.
///
/// reqwest-retry's own strategy retries every connect error, fatal or not, and among the
/// other I/O errors only a reset or an abort. With this one, a refused or timed-out connect
/// is retried, a source address that is not on this host is not:
///
/// | the result | `handle` returns |
/// |---|---|
/// | a response | reqwest-retry's own answer ([`default_on_request_success`]): 5xx, 408 and 429 are transient, other errors fatal |
/// | an error in which [`Mapping::from_error`] finds no code (reqwest's own timeout, a body, decode or middleware error, hyper's incomplete message) | reqwest-retry's own answer ([`default_on_request_failure`]) |
/// | an error advised `never` or `ignore` | `Fatal` |
/// | an error advised to retry, from an operation that sent nothing (connect, bind, resolve), or that would have blocked | `Transient` |
/// | an error advised to retry, from an operation that may have sent the request, when the requests are not [`idempotent`](WsaRetryable::idempotent) | `Fatal` |
/// | the same, when they are | `Transient` |
///
/// The operation is the one the error names ([`Op::from_error`]: reqwest's connect errors
/// carry hyper-util's `tcp connect error` or `tcp bind local error`), else
/// [`Op::Connect`] for an error reqwest calls a connect error, else [`Op::Other`]: the
/// request may have gone out. How often and how long to retry is the middleware's retry
/// policy's, not this strategy's.
///
/// The strategy classifies only: it emits no event and counts nothing, so that an error is
/// not observed twice. Give reqwest's connector a
/// [`TraceConnectLayer`](crate::TraceConnectLayer) with the same observer (feature `hyper`)
/// to observe each failed connect once, with the class this strategy acts on; reqwest-retry
/// logs each retry itself.
///
/// ```no_run
/// use reqwest_middleware::ClientBuilder;
/// use reqwest_retry::{policies::ExponentialBackoff, RetryTransientMiddleware};
/// use wsa_trace::observe::Observer;
/// use wsa_trace::retry::WsaRetryable;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let observer = Observer::new();
/// let policy = ExponentialBackoff::builder().build_with_max_retries(3);
/// let client = ClientBuilder::new(reqwest::Client::new())
///     .with(RetryTransientMiddleware::new_with_policy_and_strategy(
///         policy,
///         WsaRetryable::new(observer),
///     ))
///     .build();
/// // Refused while the server starts? Retried. A source address not on this host? Returned.
/// let response = client.get("http://127.0.0.1:8080/").send().await?;
/// # drop(response); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct WsaRetryable {
    observer: Observer,
    idempotent: bool,
}

impl WsaRetryable {
    /// A strategy that classifies with `observer`'s classifier: give it the observer of the
    /// connector's [`TraceConnectLayer`](crate::TraceConnectLayer), if there is one.
    pub fn new(observer: Observer) -> Self {
        WsaRetryable {
            observer,
            idempotent: false,
        }
    }

    /// Marks the requests idempotent, safe to send again: an error that may have come after
    /// the request went out is retried as its advice says. Defaults to `false`: only errors
    /// from before the request was sent (connect, bind, resolve) are retried, as with
    /// [`RetryPolicy::idempotent`](super::RetryPolicy::idempotent).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// The answer for a failed request.
    fn on_failure(&self, err: &Error) -> Option<Retryable> {
        let Error::Reqwest(inner) = err else {
            return default_on_request_failure(err);
        };
        let Some(mapping) = Mapping::from_error(inner) else {
            return default_on_request_failure(err);
        };
        let op = Op::from_error(inner).unwrap_or(if inner.is_connect() {
            Op::Connect
        } else {
            Op::Other
        });
        let seen = self.observer.observation(mapping, op);
        let repeat = match seen.class.retry() {
            Retry::Never | Retry::Ignore => false,
            Retry::Immediately | Retry::Backoff | Retry::Reconnect => {
                nothing_happened(seen.code()) || !may_have_sent(op) || self.idempotent
            }
        };
        Some(if repeat {
            Retryable::Transient
        } else {
            Retryable::Fatal
        })
    }
}

impl Default for WsaRetryable {
    /// [`WsaRetryable::new`] with [`Observer::new()`].
    fn default() -> Self {
        WsaRetryable::new(Observer::new())
    }
}

impl RetryableStrategy for WsaRetryable {
    fn handle(&self, res: &Result<reqwest::Response, Error>) -> Option<Retryable> {
        match res {
            Ok(response) => default_on_request_success(response),
            Err(err) => self.on_failure(err),
        }
    }
}
