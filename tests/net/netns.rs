//! Connect failures that need routes loopback cannot give: no route, an `unreachable`,
//! `prohibit` or `blackhole` route, a neighbour that never answers, SYNs that are never
//! answered. Each runs in a private network namespace that the test creates (`unshare -n`),
//! so no packet leaves it: the only interfaces are `lo` and a veth pair whose both ends are
//! inside the namespace, and the addresses are documentation ranges (RFC 5737).
//!
//! Each test runs this binary again under `unshare -n` with `WSA_TRACE_NETNS` naming the
//! scenario; the child ([`netns_child`], ignored unless asked for) sets up the namespace,
//! connects through [`TraceConnectLayer`], checks the error, the counter and the event, and
//! prints a marker line that the parent checks.
//!
//! What Linux answered (kernel 6.18), as `fib_props` in `net/ipv4/fib_semantics.c` and the
//! neighbour and TCP timers decide:
//!
//! | scenario | setup | errno | code |
//! |---|---|---|---|
//! | no route | only `lo` up | `ENETUNREACH` | `WSAENETUNREACH` |
//! | `unreachable` route | `ip route add unreachable 198.51.100.0/24` | `EHOSTUNREACH` | `WSAEHOSTUNREACH` |
//! | `prohibit` route | `ip route add prohibit 198.51.100.0/24` | `EACCES` | `WSAEACCES` |
//! | `blackhole` route | `ip route add blackhole 198.51.100.0/24` | `EINVAL` | `WSAEINVAL` |
//! | no neighbour | veth, `203.0.113.1/24`, one ARP probe of 200 ms, connect `203.0.113.2` | `EHOSTUNREACH` | `WSAEHOSTUNREACH` |
//! | SYNs unanswered | veth, static neighbour `203.0.113.3`, `tcp_syn_retries=1` | `ETIMEDOUT` after ~3 s | `WSAETIMEDOUT` |
//!
//! If no namespace can be created (no `unshare` or `ip`, no permission) or a scenario cannot
//! be set up in it, the test goes through [`support::skip::skip_or_fail`]: it fails with the
//! reason under `CI=true`, and elsewhere prints `SKIPPED <test>: <reason>` where the test
//! runner shows it.

#![cfg(target_os = "linux")]

use crate::support;

use std::io::{self, ErrorKind};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tower::{service_fn, Layer, ServiceExt};
use wsa_trace::TraceConnectLayer;

use support::skip::skip_or_fail;
use support::ChildOutput;

pub(super) const SCENARIO_ENV: &str = "WSA_TRACE_NETNS";
pub(super) const PARENT_NETNS_ENV: &str = "WSA_TRACE_PARENT_NETNS";
const CHILD: &str = "netns_child";
pub(super) const MARKER: &str = "observed ";
const SKIPPED: &str = "SKIPPED:";

/// The longest a child process may run.
const CHILD_LIMIT: Duration = Duration::from_secs(40);
/// The longest a connect may take in a child.
pub(super) const CONNECT_LIMIT: Duration = Duration::from_secs(20);
/// The longest an `ip` command may take.
const IP_LIMIT: Duration = Duration::from_secs(10);

/// What a scenario must produce.
struct Expected {
    errno: i32,
    errno_name: &'static str,
    kind: ErrorKind,
    code: &'static str,
    category: &'static str,
    retry: &'static str,
}

const NETUNREACH: Expected = Expected {
    errno: libc::ENETUNREACH,
    errno_name: "ENETUNREACH",
    kind: ErrorKind::NetworkUnreachable,
    code: "WSAENETUNREACH",
    category: "transient",
    retry: "backoff",
};

const HOSTUNREACH: Expected = Expected {
    errno: libc::EHOSTUNREACH,
    errno_name: "EHOSTUNREACH",
    kind: ErrorKind::HostUnreachable,
    code: "WSAEHOSTUNREACH",
    category: "transient",
    retry: "backoff",
};

const ACCES: Expected = Expected {
    errno: libc::EACCES,
    errno_name: "EACCES",
    kind: ErrorKind::PermissionDenied,
    code: "WSAEACCES",
    category: "fatal",
    retry: "never",
};

const INVAL: Expected = Expected {
    errno: libc::EINVAL,
    errno_name: "EINVAL",
    kind: ErrorKind::InvalidInput,
    code: "WSAEINVAL",
    category: "fatal",
    retry: "never",
};

const TIMEDOUT: Expected = Expected {
    errno: libc::ETIMEDOUT,
    errno_name: "ETIMEDOUT",
    kind: ErrorKind::TimedOut,
    code: "WSAETIMEDOUT",
    category: "transient",
    retry: "backoff",
};

/// The scenarios: name, expectation, and the shortest time the failure may take.
fn scenario(name: &str) -> (&'static Expected, Duration) {
    match name {
        "no-route" | "unreachable-route" | "prohibit-route" | "blackhole-route" => {
            let expected = match name {
                "no-route" => &NETUNREACH,
                "unreachable-route" => &HOSTUNREACH,
                "prohibit-route" => &ACCES,
                _ => &INVAL,
            };
            (expected, Duration::ZERO)
        }
        // One ARP probe, 200 ms.
        "no-neighbour" => (&HOSTUNREACH, Duration::from_millis(150)),
        // The SYN at 0 s, its one retry at 1 s, given up at 3 s.
        "syn-timeout" => (&TIMEDOUT, Duration::from_secs(2)),
        other => panic!("unknown scenario {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// The parent side
// ---------------------------------------------------------------------------------------

pub(super) fn this_netns() -> String {
    std::fs::read_link("/proc/self/ns/net")
        .expect("read /proc/self/ns/net")
        .display()
        .to_string()
}

/// Whether `unshare -n` and `ip` work here; the reason if not.
fn namespaces_available() -> Result<(), String> {
    static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
    PROBE
        .get_or_init(|| {
            let mut cmd = Command::new("unshare");
            cmd.args(["-n", "ip", "link", "set", "lo", "up"]);
            match support::run_child(cmd, IP_LIMIT) {
                Err(err) => Err(format!("cannot run `unshare`: {err}")),
                Ok(out) if !out.status.success() => Err(format!(
                    "`unshare -n ip link set lo up` failed ({}): {}",
                    out.status,
                    out.stderr.trim()
                )),
                Ok(_) => Ok(()),
            }
        })
        .clone()
}

/// Runs the ignored test `child` of `module` (`module_path!()`) in a new network namespace,
/// with `scenario` in its environment, and asserts that it succeeded. `None` where no namespace
/// can be made (the reason is printed, or fails under `CI=true`).
pub(super) fn run_in_new_namespace(
    module: &str,
    child: &str,
    scenario: &str,
) -> Option<ChildOutput> {
    if let Err(reason) = namespaces_available() {
        skip_or_fail(&format!("cannot create a network namespace: {reason}"));
        return None;
    }
    let mut cmd = Command::new("unshare");
    cmd.arg("-n")
        .arg(support::this_test_binary())
        .args(support::run_one_ignored_test(module, child))
        .env(SCENARIO_ENV, scenario)
        .env(PARENT_NETNS_ENV, this_netns());
    let out = support::run_child(cmd, CHILD_LIMIT).expect("run unshare");
    assert!(out.status.success(), "scenario {scenario}: {out}");
    Some(out)
}

/// Runs `name` in a new network namespace and checks its marker. Returns the child's output,
/// or `None` if the scenario was skipped (the reason is printed).
fn run_scenario(name: &str) -> Option<ChildOutput> {
    let out = run_in_new_namespace(module_path!(), CHILD, name)?;
    if let Some(line) = out.line(SKIPPED) {
        skip_or_fail(&format!("scenario {name}: {line}"));
        return None;
    }

    for line in out.stdout.lines().filter(|l| l.contains(MARKER)) {
        println!("{name}: {}", &line[line.find(MARKER).unwrap()..]);
    }
    let (expected, at_least) = scenario(name);
    let markers = out.markers(MARKER);
    assert_eq!(markers.len(), 1, "scenario {name}: one marker\n{out}");
    let m = &markers[0];
    let field = |k: &str| m.get(k).map(String::as_str);
    let errno = expected.errno.to_string();
    assert_eq!(field("scenario"), Some(name), "{out}");
    assert_eq!(field("errno"), Some(expected.errno_name), "{out}");
    assert_eq!(field("errno_value"), Some(errno.as_str()), "{out}");
    assert_eq!(field("mapped"), Some(expected.code), "{out}");
    assert_eq!(field("code"), Some(expected.code), "{out}");
    assert_eq!(field("op"), Some("connect"), "{out}");
    assert_eq!(field("category"), Some(expected.category), "{out}");
    assert_eq!(field("count"), Some("1"), "{out}");
    assert_eq!(field("total"), Some("1"), "{out}");
    assert_eq!(field("events"), Some("1"), "{out}");
    let elapsed: u64 = field("elapsed_ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("elapsed_ms in the marker\n{out}"));
    assert!(
        Duration::from_millis(elapsed) >= at_least,
        "scenario {name} failed after {elapsed} ms, expected at least {at_least:?}\n{out}"
    );
    Some(out)
}

#[test]
fn no_route_is_wsaenetunreach() {
    run_scenario("no-route");
}

#[test]
fn an_unreachable_route_is_wsaehostunreach() {
    run_scenario("unreachable-route");
}

#[test]
fn a_prohibit_route_is_wsaeacces() {
    run_scenario("prohibit-route");
}

#[test]
fn a_blackhole_route_is_wsaeinval() {
    run_scenario("blackhole-route");
}

#[test]
fn a_neighbour_that_never_answers_is_wsaehostunreach() {
    run_scenario("no-neighbour");
}

#[test]
fn unanswered_syns_are_a_kernel_wsaetimedout() {
    run_scenario("syn-timeout");
}

// ---------------------------------------------------------------------------------------
// The child side, inside the new namespace
// ---------------------------------------------------------------------------------------

/// Runs `ip` with `args`; the failure's text if it fails.
pub(super) fn ip(args: &[&str]) -> Result<(), String> {
    let mut cmd = Command::new("ip");
    cmd.args(args);
    let out = support::run_child(cmd, IP_LIMIT).map_err(|e| format!("ip {args:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("ip {args:?}: {}", out.stderr.trim()))
    }
}

/// Writes a sysctl of this namespace.
fn sysctl(path: &str, value: &str) {
    std::fs::write(format!("/proc/sys/{path}"), value)
        .unwrap_or_else(|e| panic!("write {value} to /proc/sys/{path}: {e}"));
}

/// A veth pair with both ends in this namespace, `203.0.113.1/24` on `wsa0`. Frames sent out of
/// `wsa0` arrive at `wsa1`, which has no address and forwards nothing.
pub(super) fn veth() -> Result<(), String> {
    ip(&[
        "link", "add", "wsa0", "type", "veth", "peer", "name", "wsa1",
    ])?;
    ip(&["addr", "add", "203.0.113.1/24", "dev", "wsa0"]).unwrap();
    ip(&["link", "set", "wsa0", "up"]).unwrap();
    ip(&["link", "set", "wsa1", "up"]).unwrap();
    Ok(())
}

/// Sets up the namespace for `name`; returns where to connect, or why it cannot be done.
fn set_up(name: &str) -> Result<SocketAddr, String> {
    ip(&["link", "set", "lo", "up"]).unwrap();
    let doc_net = SocketAddr::from((Ipv4Addr::new(198, 51, 100, 1), 80));
    match name {
        "no-route" => Ok(doc_net),
        "unreachable-route" | "prohibit-route" | "blackhole-route" => {
            let kind = name.trim_end_matches("-route");
            ip(&["route", "add", kind, "198.51.100.0/24"]).unwrap();
            Ok(doc_net)
        }
        "no-neighbour" => {
            veth().map_err(|e| format!("cannot create a veth pair: {e}"))?;
            // One ARP probe, given up after 200 ms: the kernel then reports the host unreachable.
            sysctl("net/ipv4/neigh/wsa0/mcast_solicit", "1");
            sysctl("net/ipv4/neigh/wsa0/retrans_time_ms", "200");
            Ok(SocketAddr::from((Ipv4Addr::new(203, 0, 113, 2), 80)))
        }
        "syn-timeout" => {
            veth().map_err(|e| format!("cannot create a veth pair: {e}"))?;
            // The SYNs go out of wsa0 to a MAC nobody has, and nothing answers.
            ip(&[
                "neigh",
                "add",
                "203.0.113.3",
                "lladdr",
                "02:00:00:00:00:01",
                "dev",
                "wsa0",
            ])
            .unwrap();
            sysctl("net/ipv4/tcp_syn_retries", "1");
            Ok(SocketAddr::from((Ipv4Addr::new(203, 0, 113, 3), 80)))
        }
        other => panic!("unknown scenario {other:?}"),
    }
}

/// Runs only as the child of the tests above, inside the namespace they create.
#[test]
#[ignore = "runs as the child of the netns tests, inside a new network namespace"]
fn netns_child() {
    let Ok(name) = std::env::var(SCENARIO_ENV) else {
        return;
    };
    // Never change the network of the namespace the tests were started in.
    let parent = std::env::var(PARENT_NETNS_ENV).expect("the parent's namespace");
    let here = this_netns();
    assert_ne!(
        here, parent,
        "not in a new network namespace: refusing to change routes"
    );

    let (expected, _) = scenario(&name);
    let addr = match set_up(&name) {
        Ok(addr) => addr,
        Err(reason) => {
            println!("{SKIPPED} scenario {name}: {reason}");
            return;
        }
    };

    let ((err, elapsed), seen) = support::capture_async(CONNECT_LIMIT, async {
        let connector = TraceConnectLayer::new()
            .observer(support::all_fields())
            .layer(service_fn(|addr: SocketAddr| {
                let ip = match addr {
                    SocketAddr::V4(v4) => v4.ip().octets(),
                    SocketAddr::V6(_) => panic!("IPv4 only"),
                };
                assert!(
                    matches!(ip, [198, 51, 100, _] | [203, 0, 113, _]),
                    "documentation addresses only"
                );
                TcpStream::connect(addr)
            }));
        let started = Instant::now();
        let result: io::Result<_> = connector.oneshot(addr).await;
        (
            result.expect_err("the connect must fail"),
            started.elapsed(),
        )
    });

    // The caller gets the OS's error as it was.
    assert_eq!(err.raw_os_error(), Some(expected.errno), "{name}: {err}");
    assert_eq!(err.kind(), expected.kind, "{name}: {err}");

    let series: Vec<_> = seen
        .counters
        .series()
        .into_iter()
        .filter(|s| s.name == support::COUNTER)
        .collect();
    assert_eq!(series.len(), 1, "{name}: one counter series: {series:#?}");
    let labels = &series[0].labels;
    let label = |k: &str| labels.get(k).map(String::as_str).unwrap_or("?");
    let events = seen.events.matching(label("code"), label("op"));
    for event in &events {
        assert_eq!(event.field("wsa.retry"), Some(expected.retry), "{event:?}");
        assert_eq!(
            event.field("network.peer.address"),
            Some(addr.ip().to_string().as_str())
        );
    }
    let errno = err.raw_os_error().unwrap();
    println!(
        "{MARKER}scenario={name} errno={} errno_value={errno} mapped={} code={} op={} category={} count={} total={} events={} elapsed_ms={}",
        wsa_trace::map::errno_name(errno).unwrap_or("?"),
        wsa_trace::Mapping::from_io_error(&err).label(),
        label("code"),
        label("op"),
        label("category"),
        seen.count(label("code"), label("category"), label("op")),
        seen.total(),
        events.len(),
        elapsed.as_millis(),
    );
}
