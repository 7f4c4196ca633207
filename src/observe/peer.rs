use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Where an operation was headed, as far as it is known: recorded as `server.*` and
/// `network.peer.*` fields.
///
/// ```
/// use wsa_trace::observe::{Peer, Transport};
///
/// let peer = Peer::from("127.0.0.1:8080".parse::<std::net::SocketAddr>().unwrap());
/// assert_eq!(peer.port(), Some(8080));
/// assert_eq!(peer.transport(), Some(Transport::Tcp));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Peer {
    host: Option<Host>,
    port: Option<u16>,
    transport: Option<Transport>,
}

/// A host: an IP address, or a name not yet resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// An IP address: `network.peer.address`.
    Ip(IpAddr),
    /// A host name: `server.address`.
    Name(Arc<str>),
}

/// The transport, as OpenTelemetry's `network.transport` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// `"tcp"`
    Tcp,
    /// `"udp"`
    Udp,
    /// `"unix"`
    Unix,
}

impl Transport {
    /// `"tcp"`, `"udp"` or `"unix"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
            Transport::Unix => "unix",
        }
    }
}

impl Peer {
    /// Nothing known.
    pub const fn unknown() -> Self {
        Peer {
            host: None,
            port: None,
            transport: None,
        }
    }

    /// A peer at a host name or IP literal and port, over `transport`.
    pub fn new(host: &str, port: Option<u16>, transport: Transport) -> Self {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let host = match host.parse::<IpAddr>() {
            Ok(ip) => Host::Ip(ip),
            Err(_) => Host::Name(host.into()),
        };
        Peer {
            host: Some(host),
            port,
            transport: Some(transport),
        }
    }

    /// A socket address reached over `transport`.
    pub fn socket(addr: SocketAddr, transport: Transport) -> Self {
        Peer {
            host: Some(Host::Ip(addr.ip())),
            port: Some(addr.port()),
            transport: Some(transport),
        }
    }

    /// The host, if known.
    pub fn host(&self) -> Option<&Host> {
        self.host.as_ref()
    }

    /// The IP address, if the host is one.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.host {
            Some(Host::Ip(ip)) => Some(ip),
            _ => None,
        }
    }

    /// The host name, if the host is a name rather than an address.
    pub fn name(&self) -> Option<&str> {
        match &self.host {
            Some(Host::Name(name)) => Some(name),
            _ => None,
        }
    }

    /// The port, if known.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The transport, if known.
    pub fn transport(&self) -> Option<Transport> {
        self.transport
    }
}

/// A TCP peer.
impl From<SocketAddr> for Peer {
    fn from(addr: SocketAddr) -> Self {
        Peer::socket(addr, Transport::Tcp)
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(ip) => ip.fmt(f),
            Host::Name(name) => f.write_str(name),
        }
    }
}

/// A connector request that names where it connects to.
///
/// Implemented for socket addresses, `"host:port"` strings and, with the `hyper` feature,
/// `http::Uri`. Requests that cannot say (reqwest's) are observed with an unknown peer.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a connector request wsa-trace can name the peer of",
    label = "not a `wsa_trace::observe::Target`",
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
