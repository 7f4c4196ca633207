//! A metrics recorder installed after a `WsaLayer` first counted other libraries' logged
//! socket errors still gets every later one: the per-source handles register again with the
//! new recorder, as every other family's do (tests/late_recorder.rs). Its own test binary,
//! since the global recorder is set once per process.

mod support;

use std::io;

use metrics_util::debugging::DebuggingRecorder;
use tracing_subscriber::prelude::*;
use wsa_trace::layer::WsaLayer;
use wsa_trace::WsaCode;

use support::native::os_code;
use support::{closed_port, Counters};

const LOGGED: &str = "wsa_logged_socket_errors_total";

/// A refused connect on loopback, logged the way hyper-util's client logs it.
fn log_refused() {
    let err: io::Error = std::net::TcpStream::connect(closed_port()).expect_err("nothing listens");
    assert_eq!(
        err.raw_os_error(),
        Some(os_code(WsaCode::WSAECONNREFUSED)),
        "{err:?}"
    );
    tracing::debug!(target: "hyper_util::client::legacy::connect::http", "connect error: {err}");
}

#[test]
fn a_recorder_installed_after_the_first_logged_errors_counts_every_later_one() {
    const BEFORE: u64 = 3;
    const AFTER: u64 = 5;
    let subscriber = tracing_subscriber::registry().with(WsaLayer::new());
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    for _ in 0..BEFORE {
        log_refused();
    }

    let recorder = DebuggingRecorder::new();
    let counters = Counters::new(recorder.snapshotter());
    recorder
        .install()
        .expect("the only global recorder of this process");

    for _ in 0..AFTER {
        log_refused();
    }
    // Another thread counts into the same handles.
    std::thread::spawn(log_refused)
        .join()
        .expect("the other thread");

    assert_eq!(
        counters.get(
            LOGGED,
            &[
                ("code", "WSAECONNREFUSED"),
                ("category", "transient"),
                ("op", "connect"),
                ("source", "hyper_util"),
            ]
        ),
        AFTER + 1,
        "{counters:?}"
    );
    assert_eq!(counters.total(LOGGED), AFTER + 1, "{counters:?}");
}
