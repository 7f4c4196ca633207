//! The resolver an [`AttemptConnector`](super::AttemptConnector) asks for a name's addresses.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;

/// Turns a host name and port into the addresses to connect to, in the order to try them.
///
/// Implemented by [`SystemResolver`] (the default) and by closures
/// `Fn(&str, u16) -> impl Future<Output = io::Result<Vec<SocketAddr>>>`, so that a test or a
/// service-discovery client can put its own answer in:
///
/// ```
/// use std::net::SocketAddr;
/// use wsa_trace::connect::AttemptConnector;
///
/// let two: Vec<SocketAddr> = vec!["127.0.0.1:1".parse().unwrap(), "127.0.0.2:1".parse().unwrap()];
/// let connector = AttemptConnector::new().resolver(move |_host: &str, port: u16| {
///     let addrs = two.iter().map(|a| SocketAddr::new(a.ip(), port)).collect();
///     std::future::ready(Ok(addrs))
/// });
/// # let _ = connector;
/// ```
///
/// An error is observed with [`Op::Resolve`](crate::Op::Resolve): return the `io::Error` the
/// system gave (the standard library's "failed to lookup address information: ..." maps to
/// `WSAHOST_NOT_FOUND`, `WSATRY_AGAIN` and the other resolver codes) or one made from a code
/// ([`WsaCode::WSAHOST_NOT_FOUND`](crate::WsaCode) through
/// `io::Error::from_raw_os_error(code.raw())` on Windows).
pub trait Resolve: Clone + Send + Sync + 'static {
    /// The answer.
    type Future: Future<Output = io::Result<Vec<SocketAddr>>> + Send + 'static;

    /// The addresses of `host` (a name, never an IP literal: those are not resolved) with
    /// `port`.
    fn resolve(&self, host: &str, port: u16) -> Self::Future;
}

impl<F, Fut> Resolve for F
where
    F: Fn(&str, u16) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = io::Result<Vec<SocketAddr>>> + Send + 'static,
{
    type Future = Fut;

    fn resolve(&self, host: &str, port: u16) -> Fut {
        self(host, port)
    }
}

/// The system's resolver (`getaddrinfo`), through [`tokio::net::lookup_host`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

/// The future of [`SystemResolver`].
pub struct SystemResolve(Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send>>);

impl Future for SystemResolve {
    type Output = io::Result<Vec<SocketAddr>>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl std::fmt::Debug for SystemResolve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemResolve").finish_non_exhaustive()
    }
}

impl Resolve for SystemResolver {
    type Future = SystemResolve;

    fn resolve(&self, host: &str, port: u16) -> SystemResolve {
        let host = host.to_owned();
        SystemResolve(Box::pin(async move {
            Ok(tokio::net::lookup_host((host.as_str(), port))
                .await?
                .collect())
        }))
    }
}
