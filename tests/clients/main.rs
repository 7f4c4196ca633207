//! HTTP and gRPC clients over the traced connector: hyper, reqwest and tonic against loopback
//! servers; reqwest-middleware's retries with the crate's strategy.

#[path = "../support/mod.rs"]
mod support;

mod attempts;
mod hyper_reqwest;
mod reqwest_retry;
mod tonic;
