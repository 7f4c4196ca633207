use std::marker::PhantomData;

use tower_layer::Layer;

use super::{ObserveOnly, TraceConnect, Wrap};
use crate::observe::Observer;

/// Builds [`TraceConnect`] around a connector.
///
/// ```
/// use wsa_trace::observe::Observer;
/// use wsa_trace::{Classification, DefaultClassifier, TraceConnectLayer, WsaCode};
///
/// // For hyper-util, tonic and your own connectors: wraps each stream.
/// let refused_is_fatal =
///     DefaultClassifier::new().with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL);
/// let layer = TraceConnectLayer::new().observer(Observer::new().classifier(refused_is_fatal));
/// // For reqwest's `ClientBuilder::connector_layer`: observes connect failures only.
/// let reqwest_layer = TraceConnectLayer::observe_only();
/// # let _ = (layer, reqwest_layer);
/// ```
pub struct TraceConnectLayer<M = Wrap> {
    observer: Observer,
    _mode: PhantomData<fn() -> M>,
}

impl TraceConnectLayer<Wrap> {
    /// Observes connect failures and wraps each new stream in a
    /// [`TraceStream`](crate::TraceStream), with a default [`Observer`].
    pub fn new() -> Self {
        TraceConnectLayer::with_mode()
    }
}

impl Default for TraceConnectLayer<Wrap> {
    fn default() -> Self {
        TraceConnectLayer::new()
    }
}

impl TraceConnectLayer<ObserveOnly> {
    /// Observes connect failures of a service returning `Box<dyn Error + Send + Sync>` and
    /// leaves its connections as they are, for reqwest's `connector_layer`.
    ///
    /// Errors of the connection after it is made are not seen (reqwest's connection type
    /// cannot be wrapped), and the peer is unknown (reqwest's request type is sealed): events
    /// carry no `network.peer.*` fields.
    pub fn observe_only() -> Self {
        TraceConnectLayer::with_mode()
    }
}

impl<M> TraceConnectLayer<M> {
    fn with_mode() -> Self {
        TraceConnectLayer {
            observer: Observer::new(),
            _mode: PhantomData,
        }
    }

    /// Observes with `observer`. Defaults to [`Observer::new()`].
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }
}

impl<S, M> Layer<S> for TraceConnectLayer<M> {
    type Service = TraceConnect<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        TraceConnect::new(inner, self.observer.clone())
    }
}

impl<M> Clone for TraceConnectLayer<M> {
    fn clone(&self) -> Self {
        TraceConnectLayer {
            observer: self.observer.clone(),
            _mode: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for TraceConnectLayer<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceConnectLayer")
            .field("observer", &self.observer)
            .field("mode", &std::any::type_name::<M>())
            .finish()
    }
}
