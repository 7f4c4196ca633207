//! `connect::AttemptConnector` against addresses loopback cannot make fail: inside a network
//! namespace the test creates (as [`netns`](super::netns) does, with its helpers), where only
//! `lo` is up, `2001:db8::1` and `198.51.100.1` (documentation ranges) have no route and fail
//! at once with `ENETUNREACH`. A test resolver answers one name with them and loopback ports:
//!
//! - `[2001:db8::1]`, then a server on `127.0.0.1`: the IPv6 attempt fails (`network.type`
//!   `ipv6`), the IPv4 family is tried without waiting out the happy eyeballs delay, and the
//!   second attempt connects;
//! - `[2001:db8::1]`, `198.51.100.1`, then a port on `127.0.0.1` where nothing listens: the
//!   error lists the three attempts in order and keeps the refusal's OS error as its source.
//!
//! The child checks everything and prints a marker that the parent checks; without a
//! namespace, the test goes through [`support::skip::skip_or_fail`] (fails under `CI=true`).

use crate::support;

use std::net::SocketAddr;
use std::time::Duration;

use tower::ServiceExt;
use tracing::instrument::Instrument;
use wsa_trace::connect::{AttemptConnector, Resolve};
use wsa_trace::map::find_io_error;
use wsa_trace::{Mapping, WsaCode};

use super::netns::{
    ip, run_in_new_namespace, this_netns, CONNECT_LIMIT, MARKER, PARENT_NETNS_ENV, SCENARIO_ENV,
};
use support::native::os_code;
use support::spans::field;

const CHILD: &str = "attempts_child";
const SCENARIO: &str = "attempts";
const NAME: &str = "far.test";

/// Runs the ignored test `child` in a new network namespace with `scenario`, and returns
/// its one marker's fields; `None` if no namespace can be made here (the reason is printed).
fn run_in_namespace(
    child: &str,
    scenario: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    let out = run_in_new_namespace(module_path!(), child, scenario)?;
    let mut markers = out.markers(MARKER);
    assert_eq!(markers.len(), 1, "one marker\n{out}");
    let marker = markers.remove(0);
    assert_eq!(
        marker.get("scenario").map(String::as_str),
        Some(scenario),
        "{out}"
    );
    println!("{MARKER}{marker:?}");
    Some(marker)
}

/// Asserts that `marker` holds `expected`.
fn assert_marker(marker: &std::collections::BTreeMap<String, String>, expected: &[(&str, &str)]) {
    for (key, value) in expected {
        assert_eq!(
            marker.get(*key).map(String::as_str),
            Some(*value),
            "{key} in {marker:?}"
        );
    }
}

#[test]
fn an_unreachable_ipv6_address_then_loopback_in_a_namespace() {
    let Some(marker) = run_in_namespace(CHILD, SCENARIO) else {
        return;
    };
    assert_marker(
        &marker,
        &[
            ("won", "2"),
            ("failed_before", "1"),
            ("listed", "3"),
            ("unreachable", "3"),
            ("refused", "1"),
        ],
    );
}

/// A connector whose resolver answers [`NAME`] with `addrs`.
fn connector(addrs: Vec<SocketAddr>) -> AttemptConnector<impl Resolve> {
    AttemptConnector::new()
        .observer(support::all_fields())
        .resolver(move |host: &str, _: u16| {
            assert_eq!(host, NAME);
            std::future::ready(Ok(addrs.clone()))
        })
}

/// Runs only as the child of the test above, inside the namespace it creates.
#[test]
#[ignore = "runs as the child of the netns attempts test, inside a new network namespace"]
fn attempts_child() {
    if std::env::var(SCENARIO_ENV).as_deref() != Ok(SCENARIO) {
        return;
    }
    let parent = std::env::var(PARENT_NETNS_ENV).expect("the parent's namespace");
    assert_ne!(this_netns(), parent, "not in a new network namespace");
    ip(&["link", "set", "lo", "up"]).unwrap();

    let v6: SocketAddr = "[2001:db8::1]:80".parse().unwrap();
    let v4: SocketAddr = "198.51.100.1:80".parse().unwrap();
    let uri: http::Uri = format!("http://{NAME}/").parse().unwrap();
    let ((err, refusing), seen, counters) =
        support::spans::capture_async(CONNECT_LIMIT, async move {
            // An unreachable IPv6 address, then a server: the second attempt connects.
            let server = support::loopback_listener().await;
            let server = server.local_addr().unwrap();
            let span = wsa_trace::socket_span!(tracing::Level::INFO, "fetch");
            connector(vec![v6, server])
                .oneshot(uri.clone())
                .instrument(span)
                .await
                .expect("the loopback server answers");

            // Two unreachable addresses and a refusing port: all fail.
            let refusing = support::closed_port();
            let err = connector(vec![v6, v4, refusing])
                .oneshot(uri)
                .await
                .expect_err("nothing answers");
            (err, refusing)
        });

    let attempts = err.attempts();
    assert_eq!(
        attempts.iter().map(|a| a.addr()).collect::<Vec<_>>(),
        [v6, v4, refusing],
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "connect to {NAME}:80 failed: {v6} WSAENETUNREACH after {} ms; {v4} WSAENETUNREACH after {} ms; {refusing} WSAECONNREFUSED after {} ms",
            attempts[0].elapsed().as_millis(),
            attempts[1].elapsed().as_millis(),
            attempts[2].elapsed().as_millis(),
        )
    );
    let io = find_io_error(&err).expect("an io::Error in the chain");
    assert_eq!(io.raw_os_error(), Some(os_code(WsaCode::WSAECONNREFUSED)));
    assert_eq!(
        Mapping::from_error(&err).and_then(|m| m.code()),
        Some(WsaCode::WSAECONNREFUSED)
    );

    // Each attempt's event: its address, family, number and code.
    let events = seen.events();
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            [
                field(e, "network.peer.address"),
                field(e, "network.type"),
                field(e, "wsa.connect_attempt"),
                field(e, "wsa.symbol"),
            ]
        })
        .collect();
    assert_eq!(
        summary,
        [
            ["2001:db8::1", "ipv6", "1", "WSAENETUNREACH"],
            ["2001:db8::1", "ipv6", "1", "WSAENETUNREACH"],
            ["198.51.100.1", "ipv4", "2", "WSAENETUNREACH"],
            ["127.0.0.1", "ipv4", "3", "WSAECONNREFUSED"],
        ],
        "{events:#?}"
    );
    let count = |code: &str| counters.value(support::COUNTER, code, "transient", "connect");
    assert_eq!(counters.total(support::COUNTER), 4, "{counters:?}");

    let fetch = seen.fetch();
    let recorded = |k: &str| fetch.get(k).map(String::as_str).unwrap_or("?").to_owned();
    println!(
        "{MARKER}scenario={SCENARIO} won={} failed_before={} listed={} unreachable={} refused={}",
        recorded("wsa.connect_attempt"),
        recorded("wsa.connect_failed"),
        attempts.len(),
        count("WSAENETUNREACH"),
        count("WSAECONNREFUSED"),
    );
}

const HANG_CHILD: &str = "hanging_child";
const HANG_SCENARIO: &str = "hanging";

/// Connects to `203.0.113.3`, whose SYNs go out of a veth end to a MAC nobody has (as
/// [`netns`](super::netns)'s `syn-timeout` scenario sets up): the attempt hangs until cut
/// short. With happy eyeballs, the other family's `::1` server is tried after the delay and
/// wins while the first attempt still hangs; without, each of three addresses gets a third of
/// the connect timeout, and the two hanging ones are `WSAETIMEDOUT`.
#[test]
fn a_hanging_address_gives_way_to_the_other_family_or_to_its_share_of_the_timeout() {
    let Some(marker) = run_in_namespace(HANG_CHILD, HANG_SCENARIO) else {
        return;
    };
    assert_marker(
        &marker,
        &[
            ("eyeballs_won", "2"),
            ("eyeballs_failed", "0"),
            ("eyeballs_events", "0"),
            ("shared_won", "3"),
            ("shared_failed", "2"),
            ("timedout", "2"),
        ],
    );
}

/// Runs only as the child of the test above, inside the namespace it creates.
#[test]
#[ignore = "runs as the child of the netns attempts test, inside a new network namespace"]
fn hanging_child() {
    if std::env::var(SCENARIO_ENV).as_deref() != Ok(HANG_SCENARIO) {
        return;
    }
    let parent = std::env::var(PARENT_NETNS_ENV).expect("the parent's namespace");
    assert_ne!(this_netns(), parent, "not in a new network namespace");
    ip(&["link", "set", "lo", "up"]).unwrap();
    if let Err(reason) = super::netns::veth() {
        println!("SKIPPED: cannot create a veth pair: {reason}");
        return;
    }
    let hang_mac = ["lladdr", "02:00:00:00:00:01", "dev", "wsa0"];
    ip(&[&["neigh", "add", "203.0.113.3"][..], &hang_mac].concat()).unwrap();
    let hanging: SocketAddr = "203.0.113.3:80".parse().unwrap();
    let hanging_too: SocketAddr = "203.0.113.3:81".parse().unwrap();
    let uri: http::Uri = format!("http://{NAME}/").parse().unwrap();
    let share = Duration::from_millis(400);

    let ((), seen, counters) = support::spans::capture_async(CONNECT_LIMIT, async move {
        let v6 = tokio::net::TcpListener::bind("[::1]:0")
            .await
            .expect("bind [::1]:0");
        let v6 = v6.local_addr().unwrap();
        let span = wsa_trace::socket_span!(tracing::Level::INFO, "fetch");
        connector(vec![hanging, v6])
            .oneshot(uri.clone())
            .instrument(span)
            .await
            .expect("the IPv6 server answers while the IPv4 attempt hangs");

        let v4 = support::loopback_listener().await;
        let v4 = v4.local_addr().unwrap();
        let mut shared = connector(vec![hanging, hanging_too, v4]);
        shared.set_happy_eyeballs_timeout(None);
        shared.set_connect_timeout(Some(share * 3));
        let span = wsa_trace::socket_span!(tracing::Level::INFO, "fetch");
        shared
            .oneshot(uri)
            .instrument(span)
            .await
            .expect("the third address answers");
    });
    let eyeballs_events = seen
        .events()
        .iter()
        .filter(|e| e.get("wsa.symbol").map(String::as_str) != Some("WSAETIMEDOUT"))
        .count();
    let timed_out: Vec<_> = seen
        .events()
        .into_iter()
        .filter(|e| e.get("wsa.symbol").map(String::as_str) == Some("WSAETIMEDOUT"))
        .collect();
    for (event, port) in timed_out.iter().zip([80, 81]) {
        assert_eq!(field(event, "network.peer.address"), "203.0.113.3");
        assert_eq!(field(event, "network.peer.port"), port.to_string());
        assert_eq!(field(event, "network.type"), "ipv4");
        let ms: u128 = field(event, "wsa.elapsed_ms").parse().unwrap();
        assert!(
            ms >= share.as_millis(),
            "cut short before its share: {event:#?}"
        );
    }
    // Both spans were named `fetch`: the second connect's values replaced the first's, so the
    // first is read from what the recording layer saw in order.
    let records = seen.fetch_records();
    let value = |i: usize, k: &str| {
        records
            .get(i)
            .and_then(|r| r.get(k))
            .map_or("?".to_owned(), String::clone)
    };
    println!(
        "{MARKER}scenario={HANG_SCENARIO} eyeballs_won={} eyeballs_failed={} eyeballs_events={} shared_won={} shared_failed={} timedout={}",
        value(0, "wsa.connect_attempt"),
        value(0, "wsa.connect_failed"),
        eyeballs_events,
        value(1, "wsa.connect_attempt"),
        value(1, "wsa.connect_failed"),
        counters.value(support::COUNTER, "WSAETIMEDOUT", "transient", "connect"),
    );
}
