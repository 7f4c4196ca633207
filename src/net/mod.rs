//! Listeners and datagram sockets: [`GuardedListener`], an accept loop that survives what it
//! should, and [`TraceUdpSocket`], a UDP socket whose receives outlive ICMP errors.

mod accept;
mod udp;

pub use accept::{Accept, GuardedListener};
pub use udp::TraceUdpSocket;
