//! The codes Linux gives real sockets, produced by the kernel on the loopback interface and
//! observed through the crate's wrapper, connector layer and `ObserveExt`: each with the
//! right code, operation, category, counter value and tracing event, and each returning the
//! OS's own error untouched. Every wait is bounded.

#![cfg(target_os = "linux")]

use crate::support;

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tower::{service_fn, Layer, ServiceExt};
use wsa_trace::observe::{ObserveExt, Observer, Peer};
use wsa_trace::{Classification, DefaultClassifier, Op, TraceConnectLayer, TraceStream, WsaCode};

use support::{capture_async, LIMIT};

/// A connector observed by the crate's layer, with a fresh default observer.
fn traced_connector(
) -> impl tower::Service<SocketAddr, Response = TraceStream<TcpStream>, Error = io::Error> {
    TraceConnectLayer::new()
        .observer(support::all_fields())
        .layer(service_fn(|addr: SocketAddr| {
            assert!(addr.ip().is_loopback(), "tests only talk to loopback");
            TcpStream::connect(addr)
        }))
}

#[test]
fn refused_connect_is_wsaeconnrefused_through_the_connector_layer() {
    let ((addr, err), seen) = capture_async(LIMIT, async {
        let addr = support::closed_port();
        let err = traced_connector()
            .oneshot(addr)
            .await
            .expect_err("nothing listens on a released port");
        (addr, err)
    });

    // The caller gets the OS's own error.
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED), "{err}");

    assert_eq!(seen.count("WSAECONNREFUSED", "transient", "connect"), 1);
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);

    let event = seen.one_event("WSAECONNREFUSED", "connect");
    assert_eq!(event.level, tracing::Level::WARN);
    assert_eq!(event.field("wsa.code"), Some("10061"));
    assert_eq!(event.field("wsa.os_name"), Some("ECONNREFUSED"));
    assert_eq!(event.field("wsa.category"), Some("transient"));
    assert_eq!(event.field("wsa.retry"), Some("backoff"));
    assert_eq!(event.field("network.peer.address"), Some("127.0.0.1"));
    let port = addr.port().to_string();
    assert_eq!(event.field("network.peer.port"), Some(port.as_str()));
}

#[test]
fn reset_by_the_peer_is_wsaeconnreset_on_read() {
    let (err, seen) = capture_async(LIMIT, async {
        let (addr, server) = support::reset_server().await;
        let mut stream = traced_connector().oneshot(addr).await.expect("connect");
        server.await.expect("the server closed with a reset");
        let mut buf = [0u8; 64];
        stream
            .read(&mut buf)
            .await
            .expect_err("the peer reset the connection")
    });

    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    assert_eq!(err.raw_os_error(), Some(libc::ECONNRESET), "{err}");

    assert_eq!(seen.count("WSAECONNRESET", "transient", "read"), 1);
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);

    let event = seen.one_event("WSAECONNRESET", "read");
    assert_eq!(event.level, tracing::Level::WARN);
    assert_eq!(event.field("wsa.code"), Some("10054"));
    assert_eq!(event.field("wsa.os_code"), Some("104"));
    assert_eq!(event.field("wsa.retry"), Some("reconnect"));
    assert_eq!(event.field("wsa.kind"), Some("ConnectionReset"));
}

/// Connects to a server that resets the connection at once, through a `TraceStream`
/// observed by `observer`, and reads: a real `ECONNRESET`. Returns the stream and the error.
async fn reset_and_read(observer: Observer) -> (TraceStream<TcpStream>, io::Error) {
    let (addr, server) = support::reset_server().await;
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let mut stream = TraceStream::new(tcp, observer, Peer::from(addr));
    server.await.expect("the server closed with a reset");
    let mut buf = [0u8; 64];
    let err = stream
        .read(&mut buf)
        .await
        .expect_err("the peer reset the connection");
    (stream, err)
}

/// Two observers of one prefix that class a code differently count it in two series, each
/// labelled with the category its own observer gave: what is counted is what was logged.
/// A real refused connect, seen once by a default observer and twice by one that makes
/// refusals fatal.
#[test]
fn observers_that_class_a_code_differently_count_it_under_their_own_category() {
    let strict = Observer::new().classifier(
        DefaultClassifier::new().with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL),
    );
    let (_, seen) = capture_async(LIMIT, async {
        for observer in [Observer::new(), strict.clone(), strict] {
            TcpStream::connect(support::closed_port())
                .await
                .observe_with(&observer, Op::Connect)
                .expect_err("nothing listens there");
        }
    });
    assert_eq!(seen.count("WSAECONNREFUSED", "transient", "connect"), 1);
    assert_eq!(seen.count("WSAECONNREFUSED", "fatal", "connect"), 2);
    let categories: Vec<_> = seen
        .events
        .matching("WSAECONNREFUSED", "connect")
        .iter()
        .map(|e| e.field("wsa.category").unwrap().to_owned())
        .collect();
    assert_eq!(categories, ["transient", "fatal", "fatal"]);
}

/// The default event carries the essential fields only, the peer's address and port among
/// them; `EventFields::All` adds the detail. Both from one real reset, read through two
/// streams observed differently.
#[test]
fn the_default_event_carries_the_essential_fields_and_all_adds_the_detail() {
    const ESSENTIAL: &[&str] = &[
        "wsa.code",
        "wsa.symbol",
        "wsa.category",
        "wsa.retry",
        "wsa.description",
        "wsa.op",
        "network.peer.address",
        "network.peer.port",
        "error",
    ];
    const DETAIL: &[&str] = &[
        "wsa.message",
        "wsa.os_code",
        "wsa.os_name",
        "wsa.kind",
        "error.type",
        "network.transport",
    ];
    for (observer, all) in [(Observer::new(), false), (support::all_fields(), true)] {
        let (_, seen) = capture_async(LIMIT, reset_and_read(observer));
        let event = seen.one_event("WSAECONNRESET", "read");
        for name in ESSENTIAL {
            assert!(
                event.field(name).is_some(),
                "all={all}: no {name} in {event:?}"
            );
        }
        for name in DETAIL {
            assert_eq!(
                event.field(name).is_some(),
                all,
                "all={all}: {name} in {event:?}"
            );
        }
        let text = event.field("error").unwrap();
        assert!(
            text.contains("os error 104"),
            "the text keeps the native code: {text}"
        );
    }
}

/// Reads a real reset through a stream observed by `observer`, then shuts the connection down
/// through the standard library, observed by the same: returns the shutdown's error.
async fn shutdown_after_a_reset(observer: Observer) -> io::Error {
    let (stream, _) = reset_and_read(observer.clone()).await;
    let peer = stream.peer().clone();
    let std_stream = stream.into_inner().into_std().expect("into_std");
    std_stream
        .shutdown(std::net::Shutdown::Both)
        .observe_peer(&observer, Op::Shutdown, &peer)
        .expect_err("a reset connection has nothing left to shut down")
}

/// tokio's own `poll_shutdown` turns `ENOTCONN` into success for the same reason the rule
/// makes it benign; a shutdown through the standard library reports it.
#[test]
fn shutdown_after_a_reset_is_benign_wsaenotconn() {
    let (err, seen) = capture_async(LIMIT, shutdown_after_a_reset(support::all_fields()));

    assert_eq!(err.raw_os_error(), Some(libc::ENOTCONN), "{err}");
    assert_eq!(err.kind(), ErrorKind::NotConnected, "{err}");

    assert_eq!(seen.count("WSAECONNRESET", "transient", "read"), 1);
    assert_eq!(seen.count("WSAENOTCONN", "benign", "shutdown"), 1);
    assert_eq!(seen.total(), 2, "{:?}", seen.counters);

    let event = seen.one_event("WSAENOTCONN", "shutdown");
    assert_eq!(event.level, tracing::Level::DEBUG);
    assert_eq!(event.field("wsa.os_name"), Some("ENOTCONN"));
    assert_eq!(event.field("wsa.category"), Some("benign"));
    assert_eq!(event.field("wsa.retry"), Some("ignore"));
}

/// `level_routine` sets the level of benign errors as well as of those advised `immediately`,
/// and leaves the transient ones alone: a real reset (WARN), then the benign `WSAENOTCONN` of
/// a shutdown after it (at the level given, not the default DEBUG).
#[test]
fn level_routine_sets_the_level_of_benign_errors() {
    let observer = support::all_fields().level_routine(tracing::Level::INFO);
    let (_, seen) = capture_async(LIMIT, shutdown_after_a_reset(observer));

    let reset = seen.one_event("WSAECONNRESET", "read");
    assert_eq!(reset.level, tracing::Level::WARN);
    let benign = seen.one_event("WSAENOTCONN", "shutdown");
    assert_eq!(benign.field("wsa.category"), Some("benign"));
    assert_eq!(benign.level, tracing::Level::INFO);
}

/// A directory of this test's own under the system's temporary directory, emptied first.
fn unix_socket_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wsa-trace-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the socket directory");
    dir
}

#[test]
fn a_restarting_unix_socket_server_is_transient_on_connect() {
    let dir = unix_socket_dir("restart");
    let path = dir.join("server.sock");
    let ((missing, stale, bind), seen) = capture_async(LIMIT, async {
        let observer = support::all_fields();
        // The server is gone and its socket file with it.
        let missing = UnixStream::connect(&path)
            .await
            .observe_with(&observer, Op::Connect)
            .expect_err("no socket file");
        // The file is back but nobody listens on it yet.
        drop(std::os::unix::net::UnixListener::bind(&path).expect("bind the socket file"));
        let stale = UnixStream::connect(&path)
            .await
            .observe_with(&observer, Op::Connect)
            .expect_err("nobody listens");
        // The server is up again: the same connect succeeds.
        std::fs::remove_file(&path).expect("remove the stale socket file");
        let listener = UnixListener::bind(&path).expect("listen again");
        let client = UnixStream::connect(&path)
            .await
            .observe_with(&observer, Op::Connect)
            .expect("the server is back");
        let (_served, _) = listener.accept().await.expect("accept");
        drop(client);
        // Binding in a directory that does not exist fails the same way, and stays failing.
        let bind = UnixListener::bind(dir.join("no-such-dir").join("server.sock"))
            .observe_with(&observer, Op::Bind)
            .expect_err("no such directory");
        (missing, stale, bind)
    });
    std::fs::remove_dir_all(&dir).expect("remove the socket directory");

    assert_eq!(missing.raw_os_error(), Some(libc::ENOENT), "{missing}");
    assert_eq!(stale.raw_os_error(), Some(libc::ECONNREFUSED), "{stale}");
    assert_eq!(bind.raw_os_error(), Some(libc::ENOENT), "{bind}");

    assert_eq!(seen.count("WSAECONNREFUSED", "transient", "connect"), 2);
    assert_eq!(seen.count("WSAECONNREFUSED", "fatal", "bind"), 1);
    assert_eq!(seen.total(), 3, "{:?}", seen.counters);
    let connects = seen.events.matching("WSAECONNREFUSED", "connect");
    let names: Vec<Option<&str>> = connects.iter().map(|e| e.field("wsa.os_name")).collect();
    assert_eq!(names, [Some("ENOENT"), Some("ECONNREFUSED")]);
    for event in &connects {
        assert_eq!(event.level, tracing::Level::WARN, "{event:?}");
        assert_eq!(event.field("wsa.retry"), Some("backoff"), "{event:?}");
    }
    let bind = seen.one_event("WSAECONNREFUSED", "bind");
    assert_eq!(bind.level, tracing::Level::ERROR);
    assert_eq!(bind.field("wsa.os_name"), Some("ENOENT"));
}

#[test]
fn writing_to_a_closed_connection_is_wsaeshutdown_on_write() {
    /// Up to this many writes of this size, within [`LIMIT`].
    const WRITES: usize = 200;
    const CHUNK: usize = 64 * 1024;

    let ((resets, pipes, writes), seen) = capture_async(LIMIT, async {
        let (addr, server) = support::reset_server().await;
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let mut stream = TraceStream::new(tcp, support::all_fields(), Peer::from(addr));
        server.await.expect("the server closed the connection");

        let chunk = vec![0x5a; CHUNK];
        let (mut resets, mut pipes, mut writes) = (0u64, 0u64, 0usize);
        while writes < WRITES {
            writes += 1;
            match stream.write(&chunk).await {
                Ok(_) => {}
                Err(err) if err.raw_os_error() == Some(libc::ECONNRESET) => resets += 1,
                Err(err) if err.raw_os_error() == Some(libc::EPIPE) => {
                    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
                    pipes += 1;
                    break;
                }
                Err(err) => panic!("unexpected write error: {err:?}"),
            }
        }
        (resets, pipes, writes)
    });

    println!("{writes} writes: {resets} ECONNRESET, then {pipes} EPIPE");
    // Linux reports the reset once (ECONNRESET) if it arrived before the write; every write
    // after that is EPIPE.
    assert_eq!(pipes, 1, "no EPIPE within {writes} writes");
    assert!(resets <= 1, "{resets} resets");
    assert_eq!(seen.count("WSAESHUTDOWN", "transient", "write"), 1);
    assert_eq!(seen.count("WSAECONNRESET", "transient", "write"), resets);
    assert_eq!(seen.total(), pipes + resets, "{:?}", seen.counters);

    let event = seen.one_event("WSAESHUTDOWN", "write");
    assert_eq!(event.field("wsa.code"), Some("10058"));
    assert_eq!(event.field("wsa.os_name"), Some("EPIPE"));
    assert_eq!(event.field("wsa.kind"), Some("BrokenPipe"));
    assert_eq!(event.field("wsa.retry"), Some("reconnect"));
}

#[test]
fn binding_a_bound_address_is_wsaeaddrinuse_on_bind() {
    let (err, seen) = capture_async(LIMIT, async {
        let observer = support::all_fields();
        let first = support::loopback_listener().await;
        let addr = first.local_addr().unwrap();
        let err = TcpListener::bind(addr)
            .await
            .observe_with(&observer, Op::Bind)
            .expect_err("the address is taken");
        drop(first);
        err
    });

    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    assert_eq!(err.raw_os_error(), Some(libc::EADDRINUSE), "{err}");

    assert_eq!(seen.count("WSAEADDRINUSE", "fatal", "bind"), 1);
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);

    let event = seen.one_event("WSAEADDRINUSE", "bind");
    assert_eq!(event.level, tracing::Level::ERROR);
    assert_eq!(event.field("wsa.code"), Some("10048"));
    assert_eq!(event.field("wsa.retry"), Some("never"));
}

/// tokio's `try_read` never passes the kernel's `EAGAIN` on: it answers with a `WouldBlock`
/// of its own that carries no OS code (mapped by its kind). The same socket, handed back to
/// std (still non-blocking), gets the kernel's `EAGAIN`. Both are `WSAEWOULDBLOCK`.
#[test]
fn try_read_without_data_is_wsaewouldblock_on_read() {
    let ((from_tokio, from_kernel), seen) = capture_async(LIMIT, async {
        let observer = support::all_fields();
        let listener = support::loopback_listener().await;
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .expect("connect");
        let (mut server, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 16];
        let from_tokio = client
            .try_read(&mut buf)
            .observe_with(&observer, Op::Read)
            .expect_err("nothing was sent");

        // Readiness known, the data drained: tokio still answers with its own WouldBlock.
        server.write_all(b"x").await.expect("send one byte");
        client.readable().await.expect("readable");
        assert_eq!(client.try_read(&mut buf).expect("the byte is there"), 1);
        let again = client
            .try_read(&mut buf)
            .expect_err("the only byte was read");
        assert_eq!(
            (again.kind(), again.raw_os_error()),
            (ErrorKind::WouldBlock, None)
        );

        let std_client = client.into_std().expect("into_std");
        let from_kernel = std::io::Read::read(&mut &std_client, &mut buf)
            .observe_with(&observer, Op::Read)
            .expect_err("nothing more was sent");
        (from_tokio, from_kernel)
    });

    assert_eq!(from_tokio.kind(), ErrorKind::WouldBlock, "{from_tokio}");
    assert_eq!(from_tokio.raw_os_error(), None, "{from_tokio}");
    assert_eq!(from_kernel.kind(), ErrorKind::WouldBlock, "{from_kernel}");
    assert_eq!(
        from_kernel.raw_os_error(),
        Some(libc::EWOULDBLOCK),
        "{from_kernel}"
    );

    assert_eq!(seen.count("WSAEWOULDBLOCK", "transient", "read"), 2);
    assert_eq!(seen.total(), 2, "{:?}", seen.counters);

    let events = seen.events.matching("WSAEWOULDBLOCK", "read");
    assert_eq!(events.len(), 2, "{events:#?}");
    for event in &events {
        assert_eq!(event.level, tracing::Level::DEBUG);
        assert_eq!(event.field("wsa.code"), Some("10035"));
        assert_eq!(event.field("wsa.category"), Some("transient"));
        assert_eq!(event.field("wsa.retry"), Some("immediately"));
    }
    assert_eq!(events[0].field("wsa.os_code"), None, "{:?}", events[0]);
    let eagain = libc::EAGAIN.to_string();
    assert_eq!(events[1].field("wsa.os_code"), Some(eagain.as_str()));
    assert_eq!(events[1].field("wsa.os_name"), Some("EAGAIN"));
}

#[test]
fn a_tokio_read_timeout_is_wsaetimedout_on_read() {
    let (err, seen) = capture_async(LIMIT, async {
        let observer = support::all_fields();
        let stalled = support::stalled_server().await;
        let mut stream = TcpStream::connect(stalled.addr).await.expect("connect");
        let mut buf = [0u8; 16];
        let started = Instant::now();
        let err =
            match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
                Ok(read) => panic!("the stalled server sent something: {read:?}"),
                Err(_elapsed) => io::Error::from(ErrorKind::TimedOut),
            };
        assert!(started.elapsed() >= Duration::from_millis(100));
        Err::<(), _>(err)
            .observe_peer(&observer, Op::Read, &Peer::from(stalled.addr))
            .unwrap_err()
    });

    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert_eq!(err.raw_os_error(), None);

    // The established connection was given up on: transient, reconnect.
    assert_eq!(seen.count("WSAETIMEDOUT", "transient", "read"), 1);
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);

    let event = seen.one_event("WSAETIMEDOUT", "read");
    assert_eq!(event.field("wsa.code"), Some("10060"));
    assert_eq!(event.field("wsa.retry"), Some("reconnect"));
    assert_eq!(event.field("wsa.os_code"), None, "no OS code: {event:?}");
    assert_eq!(event.field("wsa.kind"), Some("TimedOut"));
}

// ---------------------------------------------------------------------------------------
// Too many open files: a child process with a low descriptor limit.
// ---------------------------------------------------------------------------------------

const CHILD_ENV: &str = "WSA_TRACE_CHILD";
const EMFILE_CHILD: &str = "emfile_child";
const MARKER: &str = "observed ";

#[test]
fn running_out_of_descriptors_is_wsaemfile() {
    let mut cmd = support::rerun_with_nofile(32, module_path!(), EMFILE_CHILD);
    cmd.env(CHILD_ENV, "emfile");
    let out = support::run_child(cmd, Duration::from_secs(30)).expect("run sh");
    assert!(out.status.success(), "{out}");

    let markers = out.markers(MARKER);
    for op in ["bind", "accept", "connect"] {
        let found: Vec<_> = markers
            .iter()
            .filter(|m| m.get("op").map(String::as_str) == Some(op))
            .collect();
        assert_eq!(found.len(), 1, "one marker for {op}\n{out}");
        let m = found[0];
        let field = |k: &str| m.get(k).map(String::as_str);
        assert_eq!(field("code"), Some("WSAEMFILE"), "{out}");
        assert_eq!(field("errno"), Some("EMFILE"), "{out}");
        assert_eq!(field("category"), Some("transient"), "{out}");
        assert_eq!(field("count"), Some("1"), "{out}");
        assert_eq!(field("events"), Some("1"), "{out}");
    }
}

/// Runs only as the child of [`running_out_of_descriptors_is_wsaemfile`], under a limit of
/// 32 descriptors: fills the descriptor table with listeners, then fails to bind, accept and
/// connect, each observed as `WSAEMFILE`.
#[test]
#[ignore = "runs as the child of running_out_of_descriptors_is_wsaemfile"]
fn emfile_child() {
    if std::env::var(CHILD_ENV).as_deref() != Ok("emfile") {
        return;
    }
    /// The most sockets opened before the limit must have been reached.
    const ATTEMPTS: usize = 100;

    let ((bind, accept, connect), seen) = capture_async(LIMIT, async {
        let observer = support::all_fields();
        // A connection waiting in the backlog, to accept once no descriptor is left.
        let listener = support::loopback_listener().await;
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).await.expect("connect");

        let mut held = Vec::new();
        let bind = loop {
            assert!(held.len() < ATTEMPTS, "no EMFILE after {ATTEMPTS} sockets");
            match TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .observe_with(&observer, Op::Bind)
            {
                Ok(l) => held.push(l),
                Err(err) => break err,
            }
        };
        let accept = listener
            .accept()
            .await
            .observe_with(&observer, Op::Accept)
            .expect_err("no descriptor left for the accepted socket");
        let connect = TraceConnectLayer::new()
            .observer(observer.clone())
            .layer(service_fn(TcpStream::connect::<SocketAddr>))
            .oneshot(addr)
            .await
            .expect_err("no descriptor left for a new socket");
        (bind, accept, connect)
    });

    assert_eq!(seen.total(), 3, "{:?}", seen.counters);
    for (op, err) in [("bind", &bind), ("accept", &accept), ("connect", &connect)] {
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{op}: {err}");
        // The series counted for this operation, whatever its code and category.
        let series: Vec<_> = seen
            .counters
            .series()
            .into_iter()
            .filter(|s| s.name == support::COUNTER)
            .filter(|s| s.labels.get("op").map(String::as_str) == Some(op))
            .collect();
        assert_eq!(series.len(), 1, "{op}: {series:#?}");
        let label = |k: &str| series[0].labels.get(k).cloned().unwrap_or_default();
        let events = seen.events.matching(&label("code"), op).len();
        println!(
            "{MARKER}op={op} errno={} code={} category={} count={} events={events}",
            wsa_trace::map::errno_name(err.raw_os_error().unwrap()).unwrap_or("?"),
            label("code"),
            label("category"),
            series[0].value,
        );
    }
}
