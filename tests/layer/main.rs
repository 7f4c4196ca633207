//! Socket errors in other libraries' logs: the text scanner, the tracing layer that counts and
//! explains them, and what hyper and axum really log. The layer's modules need the `layer`
//! feature.

#[path = "../support/mod.rs"]
mod support;

#[cfg(feature = "layer")]
mod enables;
#[cfg(feature = "layer")]
mod hand_made_events;
#[cfg(feature = "layer")]
mod logged_errors;
mod scan;
