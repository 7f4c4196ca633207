//! The accept-loop guard: a real listener out of descriptors pauses instead of spinning and
//! recovers once descriptors come back (in a child process with `ulimit -n 64`); scripted
//! listeners show each error of one pending connection (every one accept(2) lists) skipped
//! at once and counted, and each error of the listener itself returned.
#![cfg(target_os = "linux")]

use crate::support;

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use wsa_trace::net::{Accept, GuardedListener};

use support::cpu::CpuClock;
use support::Counters;

const ERRORS: &str = "wsa_socket_errors_total";
const BACKOFFS: &str = "wsa_accept_backoffs_total";

/// Set in the environment of the child process that runs [`emfile_child`].
const CHILD_ENV: &str = "WSA_TRACE_ACCEPT_GUARD_CHILD";
/// The descriptor limit of the child process.
const CHILD_NOFILE: u32 = 64;
/// The marker line the child prints.
const MARKER: &str = "ACCEPT_GUARD_EMFILE";
/// CPU time the child may use in the one-second window while accept fails.
const CPU_LIMIT_MS: u64 = 300;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `wsa_socket_errors_total{code, category, op="accept"}`.
fn accept_errors(counters: &Counters, code: &str, category: &str) -> u64 {
    counters.value(ERRORS, code, category, "accept")
}

/// Runs `fut` on a current-thread runtime with a fresh local recorder, within 5 s.
fn run_local<F: Future>(fut: F) -> (F::Output, Counters) {
    support::count_async(Duration::from_secs(5), fut)
}

/// A listener that counts the errors its inner listener returns, so that the test knows how
/// many errors the guard saw.
struct CountingListener {
    inner: TcpListener,
    errors: Arc<AtomicU64>,
    emfile: Arc<AtomicU64>,
}

impl Accept for CountingListener {
    type Conn = TcpStream;
    type Addr = SocketAddr;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let polled = self.inner.poll_accept(cx);
        if let Poll::Ready(Err(err)) = &polled {
            self.errors.fetch_add(1, Ordering::SeqCst);
            if err.raw_os_error() == Some(libc::EMFILE) {
                self.emfile.fetch_add(1, Ordering::SeqCst);
            }
        }
        polled
    }
}

// ---------------------------------------------------------------------------------------
// (a) out of descriptors: pause, count, recover
// ---------------------------------------------------------------------------------------

#[test]
fn accept_loop_pauses_on_emfile_and_recovers() {
    let mut cmd = support::rerun_with_nofile(CHILD_NOFILE, module_path!(), "emfile_child");
    cmd.env(CHILD_ENV, "1");
    let out = support::run_child(cmd, Duration::from_secs(30)).expect("run the child");
    assert!(out.status.success(), "{out}");
    let line = out.marker_line(MARKER);
    let figures: BTreeMap<&str, u64> = line
        .split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k, v.parse().expect("a number")))
        .collect();
    let get = |k: &str| *figures.get(k).unwrap_or_else(|| panic!("no {k}: {line}"));
    assert_eq!(get("nofile"), u64::from(CHILD_NOFILE));
    assert!(get("emfile") >= 1, "{line}");
    assert_eq!(get("emfile"), get("inner_errors"), "{line}");
    assert_eq!(get("counted"), get("inner_errors"), "{line}");
    assert_eq!(get("backoffs"), get("inner_errors"), "{line}");
    assert!(get("cpu_ms") < CPU_LIMIT_MS, "{line}");
    assert!(get("window_ms") >= 1000, "{line}");
    assert!(get("reaccept_ms") < 3000, "{line}");
}

/// Run by [`accept_loop_pauses_on_emfile_and_recovers`] in a child process whose descriptor
/// limit is [`CHILD_NOFILE`]. Does nothing elsewhere.
#[test]
#[ignore = "run in a child process by accept_loop_pauses_on_emfile_and_recovers"]
fn emfile_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let counters = support::install_counters();
    let nofile = std::fs::read_to_string("/proc/self/limits")
        .expect("read /proc/self/limits")
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3).map(str::to_owned))
        .expect("the descriptor limit");
    support::block_on(async {
        tokio::time::timeout(Duration::from_secs(20), emfile_scenario(&counters, &nofile))
            .await
            .expect("the scenario finishes within 20 s")
    });
}

async fn emfile_scenario(counters: &Counters, nofile: &str) {
    let mut cpu_clock = CpuClock::open();
    // The clock is live: spinning shows up (within 3 s, however loaded the machine is).
    let spin_from = cpu_clock.now();
    let spin_start = Instant::now();
    let mut spun = Duration::ZERO;
    while spun < Duration::from_millis(50) && spin_start.elapsed() < Duration::from_secs(3) {
        std::hint::spin_loop();
        spun = cpu_clock.now().saturating_sub(spin_from);
    }
    assert!(
        spun >= Duration::from_millis(50),
        "3 s of spinning read as {spun:?}"
    );
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let inner_errors = Arc::new(AtomicU64::new(0));
    let emfile = Arc::new(AtomicU64::new(0));
    let mut guarded = GuardedListener::new(CountingListener {
        inner: listener,
        errors: inner_errors.clone(),
        emfile: emfile.clone(),
    });

    // The accept loop hands every connection over; the test decides when to drop them.
    let (accepted_tx, mut accepted_rx) = tokio::sync::mpsc::unbounded_channel();
    let accept_loop = tokio::spawn(async move {
        loop {
            match guarded.accept().await {
                Ok((stream, peer)) => {
                    if accepted_tx.send((stream, peer)).is_err() {
                        return Ok(());
                    }
                }
                Err(err) => return Err(err),
            }
        }
    });

    // Descriptors held in reserve: when the flood cannot open a socket and the listener has
    // not failed yet, one is released, so that a client takes the last descriptor and leaves
    // a connection pending that accept cannot take.
    const SPARES: usize = 8;
    let mut spares: Vec<std::fs::File> = (0..SPARES)
        .map(|_| std::fs::File::open("/dev/null").expect("open /dev/null"))
        .collect();
    let mut clients = Vec::new();
    let mut client_errors = 0u32;
    let flood_until = Instant::now() + Duration::from_secs(5);
    for _ in 0..200 {
        let left = flood_until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match tokio::time::timeout(left, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => clients.push(stream),
            Ok(Err(err)) => {
                client_errors += 1;
                if err.raw_os_error() == Some(libc::EMFILE) && emfile.load(Ordering::SeqCst) == 0 {
                    spares.pop();
                }
            }
            Err(_) => break,
        }
        tokio::task::yield_now().await;
    }
    // The listener must have run out of descriptors by now.
    let waited = Instant::now();
    while emfile.load(Ordering::SeqCst) == 0 && waited.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        emfile.load(Ordering::SeqCst) >= 1,
        "accept never failed with EMFILE: {} clients, {client_errors} client errors, {} spares left",
        clients.len(),
        spares.len()
    );
    let mut held = Vec::new();
    while let Ok(conn) = accepted_rx.try_recv() {
        held.push(conn);
    }

    // A pending connection keeps the listener readable while every accept fails: without a
    // pause this window would burn a whole core.
    let cpu_before = cpu_clock.now();
    let window_start = Instant::now();
    let errors_before = inner_errors.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let window = window_start.elapsed();
    let cpu = cpu_clock.now().saturating_sub(cpu_before);
    let errors_in_window = inner_errors.load(Ordering::SeqCst) - errors_before;
    while let Ok(conn) = accepted_rx.try_recv() {
        held.push(conn);
    }
    let accepted_before = held.len();
    let spares_released = SPARES - spares.len();
    assert!(
        !accept_loop.is_finished(),
        "the accept loop ended: {:?}",
        accept_loop.await
    );

    // Give the descriptors back; the loop accepts the pending connections, then a new one.
    drop(held);
    drop(clients);
    drop(spares);
    let reaccept_start = Instant::now();
    let fresh = TcpStream::connect(addr)
        .await
        .expect("connect once descriptors are free");
    let fresh_addr = fresh.local_addr().unwrap();
    let reaccepted = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            let (stream, peer) = accepted_rx.recv().await.expect("the accept loop runs");
            if peer == fresh_addr {
                return stream;
            }
        }
    })
    .await
    .expect("a new connection is accepted within 3 s");
    let reaccept = reaccept_start.elapsed();
    assert_eq!(reaccepted.peer_addr().unwrap(), fresh_addr);

    let inner_errors = inner_errors.load(Ordering::SeqCst);
    let emfile = emfile.load(Ordering::SeqCst);
    let counted = accept_errors(counters, "WSAEMFILE", "transient");
    let backoffs = counters.get(BACKOFFS, &[("code", "WSAEMFILE")]);
    println!(
        "{MARKER} nofile={nofile} emfile={emfile} inner_errors={inner_errors} counted={counted} \
         backoffs={backoffs} errors_in_window={errors_in_window} cpu_ms={} window_ms={} \
         accepted_before={accepted_before} client_errors={client_errors} \
         spares_released={spares_released} reaccept_ms={} \
         spin_cpu_ms={}",
        cpu.as_millis(),
        window.as_millis(),
        reaccept.as_millis(),
        spun.as_millis()
    );
    // No error lost: each one the listener returned was counted, and each paused the loop.
    assert_eq!(emfile, inner_errors);
    assert_eq!(counted, inner_errors);
    assert_eq!(counters.total(ERRORS), inner_errors);
    assert_eq!(backoffs, inner_errors);
    assert_eq!(counters.total(BACKOFFS), inner_errors);
    // The pause doubles from 10 ms: a handful of tries in a second, not a spin.
    assert!(
        errors_in_window <= 8,
        "{errors_in_window} errors in the window"
    );
    assert!(
        cpu < Duration::from_millis(CPU_LIMIT_MS),
        "{cpu:?} of CPU time"
    );
    accept_loop.abort();
}

// ---------------------------------------------------------------------------------------
// (b), (c) scripted listeners
// ---------------------------------------------------------------------------------------

/// A listener that returns what it is told, in order, then stays pending.
struct Scripted {
    script: VecDeque<io::Result<u32>>,
    polls: u32,
}

impl Scripted {
    fn new(script: impl IntoIterator<Item = io::Result<u32>>) -> Self {
        Scripted {
            script: script.into_iter().collect(),
            polls: 0,
        }
    }
}

impl Accept for Scripted {
    type Conn = u32;
    type Addr = &'static str;

    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<(u32, &'static str)>> {
        self.polls += 1;
        match self.script.pop_front() {
            Some(next) => Poll::Ready(next.map(|id| (id, "scripted"))),
            None => Poll::Pending,
        }
    }
}

fn os(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

#[test]
fn per_connection_errors_are_skipped_at_once() {
    let ((first, second), counters) = run_local(async {
        let mut listener = GuardedListener::new(Scripted::new([
            Err(os(libc::ECONNABORTED)),
            Err(io::Error::from(io::ErrorKind::ConnectionReset)),
            Ok(7),
            Err(os(libc::ECONNABORTED)),
            Ok(8),
        ]));
        // Ready on the first poll: no pause between the errors and the connection.
        let first = {
            let mut accept = tokio_test::task::spawn(listener.accept());
            match accept.poll() {
                Poll::Ready(result) => result.expect("the connection after the errors"),
                Poll::Pending => panic!("accept paused on a per-connection error"),
            }
        };
        assert_eq!(listener.inner().polls, 3);
        let second = listener.accept().await.expect("the next connection");
        assert_eq!(listener.inner().polls, 5);
        (first, second)
    });
    assert_eq!(first, (7, "scripted"));
    assert_eq!(second, (8, "scripted"));
    assert_eq!(accept_errors(&counters, "WSAECONNABORTED", "transient"), 2);
    assert_eq!(accept_errors(&counters, "WSAECONNRESET", "transient"), 1);
    assert_eq!(counters.total(ERRORS), 3);
    assert_eq!(counters.total(BACKOFFS), 0);
}

/// Every error that Linux's accept(2) reports for one pending connection, with the code it
/// is counted under: the guard counts it and accepts the next connection at once.
const PER_CONNECTION: &[(i32, &str)] = &[
    (libc::ECONNABORTED, "WSAECONNABORTED"),
    (libc::ECONNRESET, "WSAECONNRESET"),
    (libc::EPROTO, "WSAECONNABORTED"),
    (libc::EPERM, "WSAEACCES"),
    (libc::ENETDOWN, "WSAENETDOWN"),
    (libc::ENETUNREACH, "WSAENETUNREACH"),
    (libc::EHOSTDOWN, "WSAEHOSTDOWN"),
    (libc::EHOSTUNREACH, "WSAEHOSTUNREACH"),
    (libc::ENONET, "WSAEHOSTUNREACH"),
    (libc::ENOPROTOOPT, "WSAENOPROTOOPT"),
    (libc::EOPNOTSUPP, "WSAEOPNOTSUPP"),
];

/// Errors of the listener itself: returned to the caller.
const LISTENER_LEVEL: &[(i32, &str)] = &[
    (libc::EBADF, "WSAEBADF"),
    (libc::EINVAL, "WSAEINVAL"),
    (libc::ENOTSOCK, "WSAENOTSOCK"),
    (libc::EFAULT, "WSAEFAULT"),
];

#[test]
fn each_error_of_one_connection_is_skipped_and_counted() {
    for &(errno, symbol) in PER_CONNECTION {
        let ((conn, polls), counters) = run_local(async {
            let mut listener =
                GuardedListener::new(Scripted::new([Err(os(errno)), Ok(errno as u32)]));
            let mut accept = tokio_test::task::spawn(listener.accept());
            let conn = match accept.poll() {
                Poll::Ready(result) => result,
                Poll::Pending => panic!("errno {errno}: accept paused"),
            };
            drop(accept);
            (conn, listener.inner().polls)
        });
        let conn = conn.unwrap_or_else(|e| panic!("errno {errno} ({symbol}) was returned: {e}"));
        assert_eq!(conn, (errno as u32, "scripted"), "{symbol}");
        assert_eq!(polls, 2, "{symbol}");
        assert_eq!(
            accept_errors(&counters, symbol, "transient"),
            1,
            "errno {errno}"
        );
        assert_eq!(counters.total(ERRORS), 1, "errno {errno}");
        assert_eq!(counters.total(BACKOFFS), 0, "errno {errno}");
    }
}

#[test]
fn each_error_of_the_listener_is_returned() {
    for &(errno, symbol) in LISTENER_LEVEL {
        let ((returned, next), counters) = run_local(async {
            let mut listener = GuardedListener::new(Scripted::new([Err(os(errno)), Ok(1)]));
            let returned = listener.accept().await;
            let next = listener.accept().await;
            (returned, next)
        });
        let err = returned.expect_err(symbol);
        assert_eq!(err.raw_os_error(), Some(errno), "{symbol}");
        assert_eq!(next.expect(symbol), (1, "scripted"));
        assert_eq!(accept_errors(&counters, symbol, "fatal"), 1, "{symbol}");
        assert_eq!(counters.total(ERRORS), 1, "{symbol}");
    }
}

#[test]
fn an_error_with_no_code_is_one_connections() {
    let (conn, counters) = run_local(async {
        let mut listener = GuardedListener::new(Scripted::new([
            Err(io::Error::other("handshake failed")),
            Err(io::Error::from(io::ErrorKind::InvalidData)),
            Ok(5),
        ]));
        listener.accept().await
    });
    assert_eq!(
        conn.expect("the connection after the errors"),
        (5, "scripted")
    );
    assert_eq!(accept_errors(&counters, "UNKNOWN", "transient"), 2);
    assert_eq!(counters.total(ERRORS), 2);
    assert_eq!(counters.total(BACKOFFS), 0);
}

#[test]
fn resource_errors_pause_and_are_counted() {
    let ((conn, elapsed, pending_first), counters) = run_local(async {
        let mut listener = GuardedListener::new(Scripted::new([
            Err(os(libc::EMFILE)),
            Err(os(libc::ENOBUFS)),
            Err(os(libc::ENFILE)),
            Err(os(libc::ENOMEM)),
            Ok(1),
        ]))
        .backoff_range(Duration::from_millis(10), Duration::from_secs(1));
        let started = Instant::now();
        let mut accept = tokio_test::task::spawn(listener.accept());
        let pending_first = accept.poll().is_pending();
        let conn = accept.await.expect("the connection after the pauses");
        (conn, started.elapsed(), pending_first)
    });
    assert!(pending_first, "accept did not pause on EMFILE");
    assert_eq!(conn, (1, "scripted"));
    // 10, 20, 40 and 80 ms.
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    // ENFILE (the system-wide limit) folds into WSAEMFILE.
    assert_eq!(accept_errors(&counters, "WSAEMFILE", "transient"), 2);
    assert_eq!(accept_errors(&counters, "WSAENOBUFS", "transient"), 1);
    assert_eq!(
        accept_errors(&counters, "WSA_NOT_ENOUGH_MEMORY", "transient"),
        1
    );
    assert_eq!(counters.get(BACKOFFS, &[("code", "WSAEMFILE")]), 2);
    assert_eq!(counters.get(BACKOFFS, &[("code", "WSAENOBUFS")]), 1);
    assert_eq!(
        counters.get(BACKOFFS, &[("code", "WSA_NOT_ENOUGH_MEMORY")]),
        1
    );
    assert_eq!(counters.total(BACKOFFS), 4);
}

#[test]
fn the_pause_starts_again_from_the_minimum_after_a_connection() {
    let ((first, second), counters) = run_local(async {
        let mut listener = GuardedListener::new(Scripted::new([
            Err(os(libc::EMFILE)),
            Ok(1),
            Err(os(libc::EMFILE)),
            Ok(2),
        ]))
        .backoff_range(Duration::from_millis(200), Duration::from_secs(2));
        let started = Instant::now();
        listener.accept().await.expect("the first connection");
        let first = started.elapsed();
        let started = Instant::now();
        listener.accept().await.expect("the second connection");
        (first, started.elapsed())
    });
    // Had the pause gone on doubling, the second would last 400 ms.
    assert!(first >= Duration::from_millis(200), "{first:?}");
    assert!(
        (Duration::from_millis(200)..Duration::from_millis(390)).contains(&second),
        "{second:?}"
    );
    assert_eq!(counters.get(BACKOFFS, &[("code", "WSAEMFILE")]), 2);
}

#[test]
fn fatal_errors_are_returned_to_the_caller() {
    let ((bad_fd, invalid, next), counters) = run_local(async {
        let mut listener = GuardedListener::new(Scripted::new([
            Err(os(libc::ECONNABORTED)),
            Err(os(libc::EBADF)),
            Err(os(libc::EINVAL)),
            Ok(3),
        ]));
        let bad_fd = listener.accept().await.expect_err("EBADF is returned");
        let invalid = listener.accept().await.expect_err("EINVAL is returned");
        let next = listener
            .accept()
            .await
            .expect("the listener goes on if called");
        (bad_fd, invalid, next)
    });
    // The caller gets the very errors the listener gave.
    assert_eq!(bad_fd.raw_os_error(), Some(libc::EBADF));
    assert_eq!(invalid.raw_os_error(), Some(libc::EINVAL));
    assert_eq!(next, (3, "scripted"));
    assert_eq!(accept_errors(&counters, "WSAEBADF", "fatal"), 1);
    assert_eq!(accept_errors(&counters, "WSAEINVAL", "fatal"), 1);
    assert_eq!(accept_errors(&counters, "WSAECONNABORTED", "transient"), 1);
    assert_eq!(counters.total(ERRORS), 3);
    assert_eq!(counters.total(BACKOFFS), 0);
}

// ---------------------------------------------------------------------------------------
// (d) a listener whose every accept fails with a per-connection error
// ---------------------------------------------------------------------------------------

/// Per-connection errors in a row that the guard skips at once, as its docs say.
const SKIPS_BEFORE_PAUSE: usize = 256;
/// What the guard allows once it pauses: about 1,000 accept calls a second.
const CALLS_PER_SECOND: usize = 1_000;
/// How long the paused clock lets the guard run.
const SECONDS: u64 = 5;

/// Fails every accept at once, noting the (paused) clock's time of each call.
struct AlwaysFailing {
    fail: fn() -> io::Error,
    calls: Vec<tokio::time::Instant>,
}

impl Accept for AlwaysFailing {
    type Conn = ();
    type Addr = ();

    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<((), ())>> {
        self.calls.push(tokio::time::Instant::now());
        // A guard that never pauses never lets the paused clock move: stop it here.
        assert!(
            self.calls.len() <= 2 * SECONDS as usize * CALLS_PER_SECOND + SKIPS_BEFORE_PAUSE,
            "the guard spun: {} accept calls",
            self.calls.len()
        );
        Poll::Ready(Err((self.fail)()))
    }
}

/// Runs a guard over a listener failing with `fail` for [`SECONDS`] of the paused clock, and
/// returns its accept calls in each whole second, and in all (the timer that ends the run
/// may let one more call through at its very end).
fn calls_per_second(fail: fn() -> io::Error) -> ((Vec<usize>, usize), support::Captured) {
    support::capture_paused(Duration::from_secs(SECONDS + 5), async move {
        let mut listener = GuardedListener::new(AlwaysFailing {
            fail,
            calls: Vec::new(),
        });
        let start = tokio::time::Instant::now();
        let ended = tokio::time::timeout(Duration::from_secs(SECONDS), listener.accept()).await;
        assert!(ended.is_err(), "accept returned: {ended:?}");
        let calls = &listener.inner().calls;
        let mut seconds = vec![0; SECONDS as usize];
        for at in calls {
            if let Some(n) = seconds.get_mut((*at - start).as_secs() as usize) {
                *n += 1;
            }
        }
        (seconds, calls.len())
    })
}

/// The guard paces a listener that fails every accept with `fail`: at most about 1,000 calls
/// in each second, counted, paused and logged once.
fn paces(fail: fn() -> io::Error, symbol: &str) {
    let ((seconds, calls), captured) = calls_per_second(fail);
    assert!(
        calls - seconds.iter().sum::<usize>() <= 1,
        "{symbol}: {calls} {seconds:?}"
    );
    // The run skipped at once, then one call per millisecond.
    assert!(
        seconds[0] <= SKIPS_BEFORE_PAUSE + CALLS_PER_SECOND,
        "{symbol}: {seconds:?}"
    );
    for &n in &seconds[1..] {
        assert!(n <= CALLS_PER_SECOND, "{symbol}: {seconds:?}");
        // Paced, not stopped: the listener is still tried every millisecond.
        assert!(n >= CALLS_PER_SECOND * 9 / 10, "{symbol}: {seconds:?}");
    }
    // Every error counted; every call after the run's start paused first.
    assert_eq!(
        accept_errors(&captured.counters, symbol, "transient"),
        calls as u64,
        "{symbol}"
    );
    assert_eq!(
        captured.counters.get(BACKOFFS, &[("code", symbol)]),
        (calls - (SKIPS_BEFORE_PAUSE - 1)) as u64,
        "{symbol}: {seconds:?}"
    );
    // Logged once, however long the run.
    let pausing: Vec<_> = captured
        .events
        .wsa()
        .into_iter()
        .filter(|e| e.field("wsa.skipped").is_some())
        .collect();
    assert_eq!(pausing.len(), 1, "{symbol}: {pausing:#?}");
    assert_eq!(pausing[0].level, tracing::Level::WARN);
    assert_eq!(pausing[0].field("wsa.symbol"), Some(symbol));
    assert_eq!(
        pausing[0].field("wsa.skipped"),
        Some(SKIPS_BEFORE_PAUSE.to_string().as_str())
    );
}

#[test]
fn a_listener_denied_every_connection_is_paced() {
    // What a security module's denial gives accept, before the connection is dequeued.
    paces(|| os(libc::EPERM), "WSAEACCES");
    paces(|| os(libc::EACCES), "WSAEACCES");
}

#[test]
fn a_listener_failing_without_a_code_is_paced() {
    // What a custom listener may return for good once it is shut down.
    paces(|| io::Error::other("listener shut down"), "UNKNOWN");
}

#[test]
fn a_connection_ends_the_run() {
    let (polls, counters) = run_local(async {
        let mut script: Vec<io::Result<u32>> = (0..SKIPS_BEFORE_PAUSE - 1)
            .map(|_| Err(os(libc::EPERM)))
            .collect();
        script.push(Ok(1));
        script.extend((0..SKIPS_BEFORE_PAUSE - 1).map(|_| Err(os(libc::EPERM))));
        script.push(Ok(2));
        let mut listener = GuardedListener::new(Scripted::new(script));
        // Both runs stop one short of the pause: each connection comes on the first poll.
        for id in [1, 2] {
            let mut accept = tokio_test::task::spawn(listener.accept());
            let conn = loop {
                // The loop yields every 32 errors; it never sleeps.
                match accept.poll() {
                    Poll::Ready(result) => break result.expect("the connection after the run"),
                    Poll::Pending => assert!(accept.is_woken(), "accept paused"),
                }
            };
            assert_eq!(conn, (id, "scripted"));
        }
        listener.inner().polls
    });
    assert_eq!(polls as usize, 2 * SKIPS_BEFORE_PAUSE);
    assert_eq!(
        accept_errors(&counters, "WSAEACCES", "transient"),
        2 * (SKIPS_BEFORE_PAUSE as u64 - 1)
    );
    assert_eq!(counters.total(BACKOFFS), 0);
}
