//! A metrics recorder installed after the first errors were counted still gets every later
//! count: the counter handles notice that the recorder changed and register again. Its own
//! test binary, since the global recorder is set once per process.

mod support;

use std::io;
use std::net::SocketAddr;

use metrics_util::debugging::DebuggingRecorder;
use tokio::net::TcpStream;
use wsa_trace::retry::RetryPolicy;
use wsa_trace::{ObserveExt, Observer, Op, WsaCode};

use support::native::os_code;
use support::{block_on, closed_port, Counters, COUNTER};

/// A connect to `addr`, refused by the kernel, observed by `observer` and decided on by a
/// one-attempt policy with the same observer.
fn refused(observer: &Observer, addr: SocketAddr) -> io::Error {
    let policy = RetryPolicy::connector()
        .observer(observer.clone())
        .max_attempts(1);
    let err = block_on(policy.run(|| async {
        TcpStream::connect(addr)
            .await
            .observe_with(observer, Op::Connect)
    }))
    .expect_err("nothing listens");
    assert_eq!(
        err.raw_os_error(),
        Some(os_code(WsaCode::WSAECONNREFUSED)),
        "{err:?}"
    );
    err
}

#[test]
fn a_recorder_installed_after_the_first_errors_counts_every_later_one() {
    const BEFORE: u64 = 3;
    const AFTER: u64 = 5;
    let addr = closed_port();
    let observer = Observer::new();
    for _ in 0..BEFORE {
        refused(&observer, addr);
    }

    let recorder = DebuggingRecorder::new();
    let counters = Counters::new(recorder.snapshotter());
    recorder
        .install()
        .expect("the only global recorder of this process");

    for _ in 0..AFTER {
        refused(&observer, addr);
    }
    // Another observer, and another thread, count into the same handles.
    std::thread::spawn(move || refused(&Observer::new(), addr))
        .join()
        .expect("the other thread");

    assert_eq!(
        counters.value(COUNTER, "WSAECONNREFUSED", "transient", "connect"),
        AFTER + 1,
        "{counters:?}"
    );
    assert_eq!(
        counters.get(
            "wsa_retries_total",
            &[
                ("code", "WSAECONNREFUSED"),
                ("op", "connect"),
                ("outcome", "attempts_exhausted")
            ]
        ),
        AFTER + 1,
        "{counters:?}"
    );
}
