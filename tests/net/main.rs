//! Listeners and namespaces: the accept-loop guard, axum serving through it, and the routing
//! codes only a network namespace of the test's own produces. Each module needs the features
//! its `cfg` names.

#[path = "../support/mod.rs"]
mod support;

#[cfg(feature = "net")]
mod accept_guard;
#[cfg(feature = "axum")]
mod axum_listener;
#[cfg(feature = "tower")]
mod netns;
#[cfg(all(feature = "tower", feature = "hyper", target_os = "linux"))]
mod netns_attempts;
#[cfg(feature = "net")]
mod winsock_accept;
