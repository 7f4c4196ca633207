//! The tour's `/metrics` endpoint survives its clients: with fewer descriptors than idle
//! clients, it still answers, and the tour's rounds still produce the right codes.
#![cfg(unix)]

use crate::support;

use std::net::TcpStream;
use std::time::Duration;

use support::tour::Tour;

/// The tour's descriptor limit.
const NOFILE: u32 = 128;

/// Idle connections opened against it: more than it has descriptors.
const IDLE_CLIENTS: usize = 300;

/// The bound on each wait: the tour's first run, a round, a request.
const WAIT: Duration = Duration::from_secs(60);

#[test]
fn more_idle_clients_than_descriptors_leave_the_endpoint_and_the_rounds_working() {
    let mut tour = Tour::start(Some(NOFILE), Duration::from_secs(600), WAIT);

    // Connections that never send a request. The kernel completes each one on the
    // listener's backlog whether or not the tour accepts it.
    let idle: Vec<TcpStream> = (0..IDLE_CLIENTS)
        .map(|i| {
            TcpStream::connect_timeout(&tour.addr, support::LIMIT)
                .unwrap_or_else(|e| panic!("idle client {i}: {e}\n{}", tour.log()))
        })
        .collect();

    let metrics = tour.request("GET", "/metrics").unwrap_or_else(|e| {
        panic!(
            "GET /metrics with {IDLE_CLIENTS} idle clients: {e}\n{}",
            tour.log()
        )
    });
    assert_eq!(metrics.status, 200, "{metrics:?}");
    assert!(
        metrics
            .body
            .contains("# TYPE wsa_socket_errors_total counter"),
        "{}",
        metrics.body
    );

    // The rounds go on with every idle client still connected, and find the right codes
    // (a wrong one ends the tour with "tour FAILED").
    assert!(
        tour.wait_for_rounds(2, WAIT),
        "no two more rounds\n{}",
        tour.log()
    );
    assert!(tour.running(), "the tour stopped\n{}", tour.log());

    // HEAD answers as GET, without the body.
    let head = tour.request("HEAD", "/metrics").expect("HEAD /metrics");
    assert_eq!(head.status, 200, "{head:?}");
    assert_eq!(
        head.header("content-type"),
        metrics.header("content-type"),
        "{head:?}"
    );
    let length: usize = head
        .header("content-length")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("HEAD has a content-length: {head:?}"));
    assert!(length > 0, "{head:?}");
    assert!(head.body.is_empty(), "HEAD sent a body: {head:?}");

    drop(idle);
    let log = tour.log();
    assert!(!log.contains("accept failed"), "{log}");
    assert!(!log.contains("FAILED"), "{log}");
}

#[test]
fn help_prints_usage() {
    let out = std::process::Command::new(support::tour::example_binary("tour"))
        .arg("--help")
        .output()
        .expect("run the tour");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.starts_with("usage: tour [--serve [ADDR]] [--for SECONDS]"),
        "{stdout}"
    );
    assert!(stdout.contains("--serve"), "{stdout}");
}
