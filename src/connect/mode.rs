use std::error::Error;

use super::Target;
use crate::io::TraceStream;
use crate::map::view::sealed::Sealed;
use crate::map::{BoxedError, ErrorView, TypedError};
use crate::observe::{Observer, Peer};

/// How a connector layer treats its inner service: what to do with a new connection, and
/// where the request is headed.
///
/// Implemented by [`Wrap`] and [`ObserveOnly`]; the choice is made by the layer's
/// constructor. Sealed: no other type can implement it.
pub trait Mode<Req, Resp, E>: Sealed {
    /// How the inner service's error is seen as a `dyn Error`.
    type View: ErrorView<E>;

    /// What the layered service returns.
    type Response;

    /// The peer a request connects to.
    fn peer(req: &Req) -> Peer;

    /// Turns the new connection into the response.
    fn response(resp: Resp, observer: &Observer, peer: Peer) -> Self::Response;
}

/// Wraps each new stream in a [`TraceStream`]; for inner errors that implement `Error`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wrap;

/// Observes connect failures and leaves the connection as it is; for inner services that
/// return `Box<dyn Error + Send + Sync>` and a type that must not change (reqwest's
/// `connector_layer`).
#[derive(Clone, Copy, Debug, Default)]
pub struct ObserveOnly;

impl<Req, Resp, E> Mode<Req, Resp, E> for Wrap
where
    Req: Target,
    E: Error + 'static,
{
    type View = TypedError;
    type Response = TraceStream<Resp>;

    fn peer(req: &Req) -> Peer {
        req.peer()
    }

    fn response(resp: Resp, observer: &Observer, peer: Peer) -> TraceStream<Resp> {
        TraceStream::new(resp, observer.clone(), peer)
    }
}

impl<Req, Resp> Mode<Req, Resp, Box<dyn Error + Send + Sync>> for ObserveOnly {
    type View = BoxedError;
    type Response = Resp;

    fn peer(_: &Req) -> Peer {
        Peer::unknown()
    }

    fn response(resp: Resp, _: &Observer, _: Peer) -> Resp {
        resp
    }
}

impl Sealed for Wrap {}

impl Sealed for ObserveOnly {}
