//! [`AttemptConnector`]: a connector for `http::Uri` that accounts for every attempt.

use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use super::attempts::Settings;
use super::{ConnectError, Connecting, Resolve, SystemResolver};
use crate::io::TraceStream;
use crate::observe::Observer;

/// A connector for hyper-util's legacy `Client` and tonic's `Endpoint::connect_with_connector`,
/// in place of `HttpConnector`, that observes every failed attempt and returns an error that
/// lists them all.
///
/// It resolves the request's host through a [`Resolve`]r ([`SystemResolver`] by default),
/// connects as `HttpConnector` does (happy eyeballs after 300 ms, the connect timeout shared
/// across addresses) and wraps the connection in a [`TraceStream`], which observes its later
/// errors. See the [module docs](super) for what is observed when.
///
/// ```no_run
/// use http_body_util::Empty;
/// use hyper_util::client::legacy::Client;
/// use hyper_util::rt::TokioExecutor;
/// use wsa_trace::connect::AttemptConnector;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let mut connector = AttemptConnector::new();
/// connector.set_connect_timeout(Some(std::time::Duration::from_secs(3)));
/// let client = Client::builder(TokioExecutor::new())
///     .build::<_, Empty<bytes::Bytes>>(connector);
/// // On failure, the error's chain reads "connect to example.com:80 failed:
/// // [2001:db8::1]:80 WSAENETUNREACH after 0 ms; 192.0.2.10:80 WSAETIMEDOUT after 3000 ms".
/// let response = client.get("http://example.com/".parse()?).await?;
/// # drop(response);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct AttemptConnector<R = SystemResolver> {
    resolver: R,
    observer: Observer,
    settings: Settings,
}

impl AttemptConnector {
    /// A connector with the system resolver, a default [`Observer`], no connect timeout, a
    /// happy eyeballs delay of 300 ms and `TCP_NODELAY` off: `HttpConnector::new()`'s
    /// settings.
    pub fn new() -> Self {
        AttemptConnector {
            resolver: SystemResolver,
            observer: Observer::new(),
            settings: Settings {
                connect_timeout: None,
                happy_eyeballs_timeout: Some(Duration::from_millis(300)),
                nodelay: false,
            },
        }
    }
}

impl Default for AttemptConnector {
    fn default() -> Self {
        AttemptConnector::new()
    }
}

impl<R> AttemptConnector<R> {
    /// Resolves names with `resolver`. Defaults to [`SystemResolver`].
    pub fn resolver<R2: Resolve>(self, resolver: R2) -> AttemptConnector<R2> {
        AttemptConnector {
            resolver,
            observer: self.observer,
            settings: self.settings,
        }
    }

    /// Observes with `observer`. Defaults to [`Observer::new()`].
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }

    /// The observer in use.
    pub fn get_observer(&self) -> &Observer {
        &self.observer
    }

    /// The time allowed for connecting, shared equally by the addresses of each family, as
    /// hyper-util does: with two IPv4 addresses and 3 s, each attempt gets 1.5 s. Defaults
    /// to `None`, no limit but the OS's.
    pub fn set_connect_timeout(&mut self, timeout: Option<Duration>) {
        self.settings.connect_timeout = timeout;
    }

    /// How long the addresses of the first address's family have before the other family's
    /// are tried too (RFC 6555, happy eyeballs). `None` tries every address in order, one at
    /// a time. Defaults to 300 ms.
    pub fn set_happy_eyeballs_timeout(&mut self, delay: Option<Duration>) {
        self.settings.happy_eyeballs_timeout = delay;
    }

    /// Sets `TCP_NODELAY` on each connection. Defaults to `false`.
    pub fn set_nodelay(&mut self, nodelay: bool) {
        self.settings.nodelay = nodelay;
    }
}

impl<R: Resolve> Service<http::Uri> for AttemptConnector<R> {
    type Response = TraceStream<TokioIo<TcpStream>>;
    type Error = ConnectError;
    type Future = Connecting;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: http::Uri) -> Connecting {
        Connecting::new(
            uri,
            self.resolver.clone(),
            self.observer.clone(),
            self.settings,
        )
    }
}
