//! Helpers shared by the test binaries, one file per role:
//!
//! | file | what it holds |
//! |---|---|
//! | [`counters`] | the counters a test's recorder received, series by series |
//! | [`events`] | a tracing layer that records every event, and an observer with every field |
//! | [`capture`] | a fresh recorder and the events of this thread, around a closure or a future |
//! | [`runtime`] | current-thread runtimes, paused or not, and the longest wait ([`LIMIT`]) |
//! | [`servers`] | loopback listeners, servers that reset or stall, a port where nothing listens |
//! | [`child`] | a child process, and this test binary again as one |
//! | [`subscriber`] | the binary's one tracing subscriber, with a layer per thread |
//! | [`cpu`], [`counting`] | a process's CPU time; allocations counted per thread |
//! | [`ready`] | an always-ready stream and a no-op waker for polling by hand |
//! | `spans` | events with the fields of their spans, and what a `fetch` span records |
//! | [`native`], [`forms`], [`logs`], [`skip`], `tour` | OS codes, log forms, a log buffer, skipping, the tour example |
//!
//! The most used items are re-exported here (`support::capture`, `support::Counters`). Each
//! test binary uses a part of this module only.
#![allow(dead_code)]

pub mod capture;
pub mod child;
pub mod counters;
pub mod counting;
pub mod cpu;
pub mod events;
pub mod forms;
pub mod logs;
pub mod native;
pub mod ready;
pub mod runtime;
pub mod servers;
pub mod skip;
#[cfg(feature = "tracing")]
pub mod spans;
pub mod subscriber;
#[cfg(unix)]
pub mod tour;

// The helpers most tests use, at `support::`; each binary uses some of them.
#[allow(unused_imports)]
pub use capture::{
    capture, capture_async, capture_paused, capture_with, count, count_async, install_counters,
    Captured,
};
#[allow(unused_imports)]
pub use child::{
    rerun_with_nofile, run_child, run_ignored_child, run_one_ignored_test, this_test_binary,
    ChildOutput,
};
#[allow(unused_imports)]
pub use counters::{Counters, Series, COUNTER};
#[cfg(feature = "tracing")]
#[allow(unused_imports)]
pub use events::all_fields;
#[allow(unused_imports)]
pub use events::{CaptureLayer, Event, Events};
#[allow(unused_imports)]
pub use runtime::{block_on, block_on_paused, LIMIT};
#[allow(unused_imports)]
pub use servers::{
    closed_port, loopback_listener, reset_server, stalled_server, ClosedPort, Stalled,
};
