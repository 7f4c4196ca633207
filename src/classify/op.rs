use std::fmt;

/// The socket operation that failed. It changes what some codes mean (see the
/// [rules](mod@crate::classify#rules-that-depend-on-the-operation)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Op {
    /// Establishing an outgoing connection (including the connector as a whole).
    Connect,
    /// Taking a connection from a listener.
    Accept,
    /// Reading from a stream.
    Read,
    /// Writing to a stream.
    Write,
    /// Flushing a stream.
    Flush,
    /// Shutting a stream down.
    Shutdown,
    /// Binding a socket to a local address.
    Bind,
    /// Turning a bound socket into a listener.
    Listen,
    /// Sending a datagram on a connected socket.
    Send,
    /// Receiving a datagram on a connected socket.
    Recv,
    /// Sending a datagram to an address.
    SendTo,
    /// Receiving a datagram with its source address.
    RecvFrom,
    /// Resolving a host name.
    Resolve,
    /// Anything else, such as setting a socket option.
    Other,
}

impl Op {
    /// Every operation, for building label sets and tables.
    pub const ALL: &'static [Op] = &[
        Op::Connect,
        Op::Accept,
        Op::Read,
        Op::Write,
        Op::Flush,
        Op::Shutdown,
        Op::Bind,
        Op::Listen,
        Op::Send,
        Op::Recv,
        Op::SendTo,
        Op::RecvFrom,
        Op::Resolve,
        Op::Other,
    ];

    /// A stable snake_case name such as `"send_to"`, fit for labels and fields.
    pub const fn as_str(self) -> &'static str {
        match self {
            Op::Connect => "connect",
            Op::Accept => "accept",
            Op::Read => "read",
            Op::Write => "write",
            Op::Flush => "flush",
            Op::Shutdown => "shutdown",
            Op::Bind => "bind",
            Op::Listen => "listen",
            Op::Send => "send",
            Op::Recv => "recv",
            Op::SendTo => "send_to",
            Op::RecvFrom => "recv_from",
            Op::Resolve => "resolve",
            Op::Other => "other",
        }
    }

    /// Whether the operation moves data on an established stream.
    pub const fn is_stream_io(self) -> bool {
        matches!(self, Op::Read | Op::Write | Op::Flush | Op::Shutdown)
    }

    /// Whether the operation sends or receives a datagram.
    pub const fn is_datagram(self) -> bool {
        matches!(self, Op::Send | Op::Recv | Op::SendTo | Op::RecvFrom)
    }

    /// Whether the operation receives a datagram.
    pub const fn is_datagram_receive(self) -> bool {
        matches!(self, Op::Recv | Op::RecvFrom)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
