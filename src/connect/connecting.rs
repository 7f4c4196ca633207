//! [`Connecting`]: the future of an [`AttemptConnector`](super::AttemptConnector).

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::attempts::{self, Settings};
use super::{ConnectError, Resolve};
use crate::classify::Op;
use crate::io::TraceStream;
use crate::observe::{Observer, Peer, Transport};

type Output = Result<TraceStream<TokioIo<TcpStream>>, ConnectError>;

/// The future of [`AttemptConnector`](super::AttemptConnector): resolves, connects, and
/// yields the new connection or the error that lists every attempt.
pub struct Connecting(Pin<Box<dyn Future<Output = Output> + Send>>);

impl Connecting {
    pub(super) fn new<R: Resolve>(
        uri: http::Uri,
        resolver: R,
        observer: Observer,
        settings: Settings,
    ) -> Self {
        Connecting(Box::pin(connect(uri, resolver, observer, settings)))
    }
}

impl Future for Connecting {
    type Output = Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Output> {
        self.0.as_mut().poll(cx)
    }
}

impl std::fmt::Debug for Connecting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connecting").finish_non_exhaustive()
    }
}

async fn connect<R: Resolve>(
    uri: http::Uri,
    resolver: R,
    observer: Observer,
    settings: Settings,
) -> Output {
    let (host, port) = match host_port(&uri) {
        Ok(found) => found,
        Err(err) => {
            observer.observe_io(err.io_error(), Op::Connect, &Peer::unknown());
            return Err(err);
        }
    };
    let target = format!("{host}:{port}");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => {
            let answer = resolver.resolve(bare, port).await.and_then(|addrs| {
                if addrs.is_empty() {
                    Err(io::Error::from(io::ErrorKind::AddrNotAvailable))
                } else {
                    Ok(addrs)
                }
            });
            match answer {
                Ok(addrs) => addrs,
                Err(err) => {
                    let peer = Peer::new(bare, Some(port), Transport::Tcp);
                    observer.observe_io(&err, Op::Resolve, &peer);
                    return Err(ConnectError::resolve(target, err));
                }
            }
        }
    };
    match attempts::connect(addrs, settings, &observer).await {
        Ok(won) => {
            record(&won);
            let peer = won
                .stream
                .peer_addr()
                .map_or_else(|_| Peer::unknown(), |a| Peer::socket(a, Transport::Tcp));
            Ok(TraceStream::new(TokioIo::new(won.stream), observer, peer))
        }
        Err(failed) => Err(ConnectError::all_failed(target, failed)),
    }
}

/// The host and port a request names; the port from the scheme where it names none.
fn host_port(uri: &http::Uri) -> Result<(&str, u16), ConnectError> {
    let Some(host) = uri.host() else {
        return Err(ConnectError::invalid(
            uri.to_string(),
            "the URI names no host",
        ));
    };
    let port = match (uri.port_u16(), uri.scheme_str()) {
        (Some(port), _) => port,
        (None, Some("https")) => 443,
        (None, Some("http") | None) => 80,
        (None, Some(_)) => {
            return Err(ConnectError::invalid(
                uri.to_string(),
                "the URI names no port and a scheme other than http or https",
            ))
        }
    };
    Ok((host, port))
}

/// Records on the current span which attempt won and how many failed before it.
#[allow(unused_variables)]
fn record(won: &attempts::Won) {
    #[cfg(feature = "tracing")]
    {
        let span = tracing::Span::current();
        span.record(crate::observe::fields::names::connect_attempt, won.attempt);
        span.record(crate::observe::fields::names::connect_failed, won.failed);
    }
}
