//! HTTP and gRPC clients over the traced connector: hyper, reqwest and tonic against loopback
//! servers.

#[path = "../support/mod.rs"]
mod support;

mod attempts;
mod hyper_reqwest;
mod tonic;
