//! Listeners and datagram sockets: [`GuardedListener`], an accept loop that survives what it
//! should, and [`TraceUdpSocket`], a UDP socket whose receives outlive ICMP errors.
//!
//! With feature `axum`, a [`GuardedListener`] is an `axum::serve::Listener`.

mod accept;
#[cfg(feature = "axum")]
mod axum;
mod udp;

pub use accept::{Accept, GuardedListener};
pub use udp::TraceUdpSocket;
