//! The retry policy: what is retried, what is given up and why, and what is counted.

#[path = "../support/mod.rs"]
mod support;

mod retry;

mod decisions;

mod safe_defaults;
