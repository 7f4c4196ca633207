//! Where a connector request is headed.

use std::net::SocketAddr;

use crate::observe::{Peer, Transport};

/// A connector request that names where it connects to.
///
/// Implemented for socket addresses, `"host:port"` strings and, with the `hyper` feature,
/// `http::Uri`. Requests that cannot say (reqwest's) are observed with an unknown peer.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a connector request wsa-trace can name the peer of",
    label = "not a `wsa_trace::connect::Target`",
    note = "`http::Uri` (hyper-util's `HttpConnector`, tonic) is a `Target` only with wsa-trace's `hyper` feature: `wsa-trace = {{ features = [\"hyper\"] }}`",
    note = "for requests that cannot name their peer, build the layer with `TraceConnectLayer::observe_only()`"
)]
pub trait Target {
    /// The peer this request connects to.
    fn peer(&self) -> Peer;
}

impl Target for SocketAddr {
    fn peer(&self) -> Peer {
        Peer::from(*self)
    }
}

impl Target for str {
    fn peer(&self) -> Peer {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Peer::from(addr);
        }
        match self.rsplit_once(':') {
            Some((host, port)) => Peer::new(host, port.parse().ok(), Transport::Tcp),
            None => Peer::new(self, None, Transport::Tcp),
        }
    }
}

impl Target for String {
    fn peer(&self) -> Peer {
        self.as_str().peer()
    }
}

impl<T: Target + ?Sized> Target for &T {
    fn peer(&self) -> Peer {
        (**self).peer()
    }
}

impl Target for (&str, u16) {
    fn peer(&self) -> Peer {
        Peer::new(self.0, Some(self.1), Transport::Tcp)
    }
}

impl Target for (String, u16) {
    fn peer(&self) -> Peer {
        Peer::new(&self.0, Some(self.1), Transport::Tcp)
    }
}

#[cfg(feature = "hyper")]
impl Target for http::Uri {
    fn peer(&self) -> Peer {
        let port = self.port_u16().or(match self.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        match self.host() {
            Some(host) => Peer::new(host, port, Transport::Tcp),
            None => Peer::unknown(),
        }
    }
}
