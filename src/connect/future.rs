use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use pin_project::pin_project;

use super::Mode;
use crate::classify::Op;
use crate::map::ErrorView;
use crate::observe::{Observer, Peer};

/// The future of [`TraceConnect`](super::TraceConnect): resolves to the inner connector's
/// result, with a failure observed and a new connection handled by the mode.
#[pin_project]
pub struct ResponseFuture<F, M, Req> {
    #[pin]
    inner: F,
    observer: Observer,
    peer: Option<Peer>,
    _mode: PhantomData<fn(Req) -> M>,
}

impl<F, M, Req> ResponseFuture<F, M, Req> {
    pub(super) fn new(inner: F, observer: Observer, peer: Peer) -> Self {
        ResponseFuture {
            inner,
            observer,
            peer: Some(peer),
            _mode: PhantomData,
        }
    }
}

impl<F, M, Req, Resp, E> Future for ResponseFuture<F, M, Req>
where
    F: Future<Output = Result<Resp, E>>,
    M: Mode<Req, Resp, E>,
{
    type Output = Result<M::Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let peer = this.peer.take().unwrap_or_default();
        Poll::Ready(match result {
            Ok(resp) => Ok(M::response(resp, this.observer, peer)),
            Err(err) => {
                let err_ref = <M::View as ErrorView<E>>::error(&err);
                let op = Op::from_error(err_ref).unwrap_or(Op::Connect);
                this.observer.observe_error(err_ref, op, &peer);
                Err(err)
            }
        })
    }
}

impl<F, M, Req> std::fmt::Debug for ResponseFuture<F, M, Req> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}
