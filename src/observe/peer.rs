use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
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
///
/// A peer is 16 bytes, so that a [`TraceStream`](crate::TraceStream) stays small: an IPv4
/// peer is held inline, and any other (IPv6, a host name) behind one shared allocation.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Peer(Repr);

#[derive(Clone, Default, PartialEq, Eq)]
enum Repr {
    #[default]
    Unknown,
    V4 {
        ip: Ipv4Addr,
        port: Option<u16>,
        transport: Option<Transport>,
    },
    Other(Arc<Full>),
}

#[derive(PartialEq, Eq)]
struct Full {
    host: Option<Host>,
    port: Option<u16>,
    transport: Option<Transport>,
}

impl fmt::Debug for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Peer")
            .field("host", &self.host())
            .field("port", &self.port())
            .field("transport", &self.transport())
            .finish()
    }
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
        Peer(Repr::Unknown)
    }

    fn full(host: Option<Host>, port: Option<u16>, transport: Option<Transport>) -> Self {
        match host {
            Some(Host::Ip(IpAddr::V4(ip))) => Peer(Repr::V4 {
                ip,
                port,
                transport,
            }),
            None if port.is_none() && transport.is_none() => Peer::unknown(),
            host => Peer(Repr::Other(Arc::new(Full {
                host,
                port,
                transport,
            }))),
        }
    }

    /// A peer at a host name or IP literal and port, over `transport`.
    pub fn new(host: &str, port: Option<u16>, transport: Transport) -> Self {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let host = match host.parse::<IpAddr>() {
            Ok(ip) => Host::Ip(ip),
            Err(_) => Host::Name(host.into()),
        };
        Peer::full(Some(host), port, Some(transport))
    }

    /// A socket address reached over `transport`.
    pub fn socket(addr: SocketAddr, transport: Transport) -> Self {
        Peer::full(
            Some(Host::Ip(addr.ip())),
            Some(addr.port()),
            Some(transport),
        )
    }

    /// The host, if known.
    pub fn host(&self) -> Option<Host> {
        match &self.0 {
            Repr::Unknown => None,
            Repr::V4 { ip, .. } => Some(Host::Ip(IpAddr::V4(*ip))),
            Repr::Other(full) => full.host.clone(),
        }
    }

    /// The IP address, if the host is one.
    pub fn ip(&self) -> Option<IpAddr> {
        match &self.0 {
            Repr::V4 { ip, .. } => Some(IpAddr::V4(*ip)),
            Repr::Other(full) => match full.host {
                Some(Host::Ip(ip)) => Some(ip),
                _ => None,
            },
            Repr::Unknown => None,
        }
    }

    /// The host name, if the host is a name rather than an address.
    pub fn name(&self) -> Option<&str> {
        match &self.0 {
            Repr::Other(full) => match &full.host {
                Some(Host::Name(name)) => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The port, if known.
    pub fn port(&self) -> Option<u16> {
        match &self.0 {
            Repr::Unknown => None,
            Repr::V4 { port, .. } => *port,
            Repr::Other(full) => full.port,
        }
    }

    /// The transport, if known.
    pub fn transport(&self) -> Option<Transport> {
        match &self.0 {
            Repr::Unknown => None,
            Repr::V4 { transport, .. } => *transport,
            Repr::Other(full) => full.transport,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_peer_reads_back_in_16_bytes() {
        assert_eq!(std::mem::size_of::<Peer>(), 16);
        let v4: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let v6: SocketAddr = "[::1]:443".parse().unwrap();
        for (peer, ip, name, port, transport) in [
            (
                Peer::from(v4),
                Some(v4.ip()),
                None,
                Some(8080),
                Some(Transport::Tcp),
            ),
            (
                Peer::socket(v6, Transport::Udp),
                Some(v6.ip()),
                None,
                Some(443),
                Some(Transport::Udp),
            ),
            (
                Peer::new("example.com", None, Transport::Tcp),
                None,
                Some("example.com"),
                None,
                Some(Transport::Tcp),
            ),
            (Peer::unknown(), None, None, None, None),
        ] {
            assert_eq!(peer.ip(), ip, "{peer:?}");
            assert_eq!(peer.name(), name, "{peer:?}");
            assert_eq!(peer.port(), port, "{peer:?}");
            assert_eq!(peer.transport(), transport, "{peer:?}");
            assert_eq!(peer.clone(), peer);
        }
        assert_eq!(
            Peer::new("[::1]", Some(443), Transport::Tcp),
            Peer::from(v6)
        );
        assert_eq!(
            Peer::new("127.0.0.1", Some(8080), Transport::Tcp),
            Peer::from(v4)
        );
        assert_eq!(Peer::default(), Peer::unknown());
    }
}
