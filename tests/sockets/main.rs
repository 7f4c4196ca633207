//! Real loopback sockets and the stream, connector and UDP wrappers: the codes the kernel
//! produces, the events and counts each error gives, the rate limit, and the wrapper's
//! transparency. Each module needs the features its `cfg` names.

#[path = "../support/mod.rs"]
mod support;

#[cfg(all(feature = "tower", feature = "tracing", feature = "metrics"))]
mod observe_sockets;
#[cfg(all(feature = "tower", feature = "tracing", feature = "metrics"))]
mod peer_on_event;
#[cfg(all(feature = "tracing", feature = "metrics"))]
mod rate_limit;
mod real_sockets;
#[cfg(all(feature = "tokio", feature = "tracing", feature = "metrics"))]
mod transparency;
#[cfg(all(feature = "net", feature = "tracing", feature = "metrics"))]
mod udp;
#[cfg(all(
    feature = "net",
    feature = "tower",
    feature = "tracing",
    feature = "metrics"
))]
mod winsock;
