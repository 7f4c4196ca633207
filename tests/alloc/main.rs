//! Allocation counts, under a counting global allocator that keeps one counter per thread,
//! so that tests running in parallel on the harness's threads do not see each other's
//! allocations. The only binary with that allocator: `observe` (the stream, the error path
//! and observers) needs the features its `cfg` names, as do `prefixes` (the bound on
//! metrics prefixes and what each costs) and `peers` (per-peer counting); `text` (the scanner) needs none.

#[path = "../support/mod.rs"]
mod support;

#[cfg(all(feature = "tokio", feature = "tracing", feature = "metrics"))]
mod observe;
#[cfg(all(feature = "tracing", feature = "metrics"))]
mod peers;
#[cfg(feature = "metrics")]
mod prefixes;
mod text;

#[global_allocator]
static GLOBAL: support::counting::Counting = support::counting::Counting;
