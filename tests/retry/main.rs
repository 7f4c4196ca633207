//! The retry policy: what is retried, what is given up and why, and what is counted.

#[path = "../support/mod.rs"]
mod support;

mod policy;

mod decisions;

mod safe_defaults;
