use std::marker::PhantomData;
use std::task::{Context, Poll};

use tower_service::Service;

use super::{Mode, ResponseFuture, Wrap};
use crate::observe::Observer;

/// A connector whose failures are observed; built by
/// [`TraceConnectLayer`](super::TraceConnectLayer).
pub struct TraceConnect<S, M = Wrap> {
    inner: S,
    observer: Observer,
    _mode: PhantomData<fn() -> M>,
}

impl<S, M> TraceConnect<S, M> {
    pub(super) fn new(inner: S, observer: Observer) -> Self {
        TraceConnect {
            inner,
            observer,
            _mode: PhantomData,
        }
    }

    /// The wrapped connector.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The wrapped connector, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the connector.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The observer in use. (The layer's [`observer`](super::TraceConnectLayer::observer),
    /// like every other `observer` method of the crate, sets one.)
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// use tower::{service_fn, Layer};
    /// use wsa_trace::{Observer, TraceConnectLayer};
    ///
    /// let observer = Observer::new().level_fatal(wsa_trace::observe::Level::WARN);
    /// let connector = TraceConnectLayer::new()
    ///     .observer(observer.clone())
    ///     .layer(service_fn(|addr: std::net::SocketAddr| tokio::net::TcpStream::connect(addr)));
    /// assert_eq!(format!("{:?}", connector.get_observer()), format!("{observer:?}"));
    /// assert_ne!(format!("{:?}", connector.get_observer()), format!("{:?}", Observer::new()));
    /// # }
    /// ```
    pub fn get_observer(&self) -> &Observer {
        &self.observer
    }
}

impl<S, M, Req> Service<Req> for TraceConnect<S, M>
where
    S: Service<Req>,
    M: Mode<Req, S::Response, S::Error>,
{
    type Response = M::Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, M, Req>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        let peer = M::peer(&req);
        ResponseFuture::new(self.inner.call(req), self.observer.clone(), peer)
    }
}

impl<S: Clone, M> Clone for TraceConnect<S, M> {
    fn clone(&self) -> Self {
        TraceConnect::new(self.inner.clone(), self.observer.clone())
    }
}

impl<S: std::fmt::Debug, M> std::fmt::Debug for TraceConnect<S, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceConnect")
            .field("inner", &self.inner)
            .field("observer", &self.observer)
            .field("mode", &std::any::type_name::<M>())
            .finish()
    }
}
