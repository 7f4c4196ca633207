//! `GuardedListener` under `axum::serve`: a real axum server in a child process with
//! `ulimit -n 64` is flooded with loopback connections until accept fails with `EMFILE`; it
//! pauses instead of spinning, counts its pauses, and serves again once the flood is gone.
//! A scripted listener shows a fatal error paused on and counted, since axum's listener
//! cannot return it.
#![cfg(target_os = "linux")]

use crate::support;

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::serve::Listener;
use axum::Router;
use tokio::io::DuplexStream;
use wsa_trace::net::{Accept, GuardedListener};

use support::cpu::CpuClock;
use support::Counters;

const ERRORS: &str = "wsa_socket_errors_total";
const BACKOFFS: &str = "wsa_accept_backoffs_total";

/// Set in the environment of the child process that runs [`axum_child`].
const CHILD_ENV: &str = "WSA_TRACE_AXUM_CHILD";
/// The descriptor limit of the child process.
const CHILD_NOFILE: u32 = 64;
/// Loopback connections the flood opens: well past what the child can accept.
const FLOOD: usize = 150;
/// The line on which the child names its address.
const LISTENING: &str = "AXUM_LISTENING addr=";
/// CPU time the child may use in the one-second window while accept fails.
const CPU_LIMIT_MS: u128 = 300;
/// The longest any wait for the child may take.
const WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------
// A real axum server out of descriptors
// ---------------------------------------------------------------------------------------

/// The child: an axum server and the lines it prints.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    addr: SocketAddr,
}

impl Server {
    fn start() -> Server {
        let mut child = support::rerun_with_nofile(CHILD_NOFILE, module_path!(), "axum_child")
            .env(CHILD_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the child");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                println!("child: {line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            lines,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        };
        let line = server.wait_for(LISTENING);
        let at = line.find(LISTENING).unwrap() + LISTENING.len();
        server.addr = line[at..].trim().parse().expect("an address");
        server
    }

    /// The first line from now on that holds `needle`.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(err) => panic!("no line with {needle:?} from the child: {err}"),
            }
        }
    }

    /// `GET path` on a new connection: the status line and the body.
    fn get(&self, path: &str) -> (String, String) {
        let mut stream =
            TcpStream::connect_timeout(&self.addr, WAIT).expect("connect to the server");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("send the request");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the response");
        let (head, body) = response.split_once("\r\n\r\n").expect("a response");
        let status = head.lines().next().unwrap_or_default().to_owned();
        (status, body.to_owned())
    }

    /// Closes the child's stdin, which ends it, and checks that it ended well.
    fn stop(mut self) {
        drop(self.stdin.take());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the child") {
                break status;
            }
            if started.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!("the child still ran {WAIT:?} after its stdin closed");
            }
            thread::sleep(Duration::from_millis(10));
        };
        assert!(status.success(), "the child ended with {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn axum_server_out_of_descriptors_pauses_counts_and_recovers() {
    let server = Server::start();
    let (status, body) = server.get("/");
    assert_eq!((status.as_str(), body.as_str()), ("HTTP/1.1 200 OK", "ok"));
    let mut cpu_clock = CpuClock::of(server.child.id());

    // Idle connections hold the child's descriptors; the rest wait in the backlog, keeping
    // the listener readable while every accept fails.
    let flood: Vec<TcpStream> = (0..FLOOD)
        .map(|_| TcpStream::connect_timeout(&server.addr, WAIT).expect("a flood connection"))
        .collect();
    server.wait_for("WSAEMFILE");

    let cpu_before = cpu_clock.now();
    let window_start = Instant::now();
    thread::sleep(Duration::from_secs(1));
    let window = window_start.elapsed();
    let cpu = cpu_clock.now().saturating_sub(cpu_before);

    drop(flood);
    let (status, body) = server.get("/");
    assert_eq!((status.as_str(), body.as_str()), ("HTTP/1.1 200 OK", "ok"));
    let (_, counts) = server.get("/counters");
    println!(
        "AXUM_EMFILE nofile={CHILD_NOFILE} flood={FLOOD} {counts} cpu_ms={} window_ms={}",
        cpu.as_millis(),
        window.as_millis()
    );
    let count = |name: &str| -> u64 {
        counts
            .split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {name} in {counts:?}"))
            .parse()
            .unwrap()
    };
    assert!(count("emfile_errors") >= 1, "{counts}");
    // Every accept error was EMFILE, and each one paused the loop once.
    assert_eq!(count("accept_errors"), count("emfile_errors"), "{counts}");
    assert_eq!(count("backoffs"), count("emfile_errors"), "{counts}");
    assert_eq!(count("emfile_backoffs"), count("emfile_errors"), "{counts}");
    assert!(
        cpu.as_millis() < CPU_LIMIT_MS,
        "{cpu:?} of CPU time in {window:?}"
    );
    server.stop();
}

/// Run by [`axum_server_out_of_descriptors_pauses_counts_and_recovers`] in a child process
/// whose descriptor limit is [`CHILD_NOFILE`]; serves until its stdin closes. Does nothing
/// elsewhere.
#[test]
#[ignore = "run in a child process by axum_server_out_of_descriptors_pauses_counts_and_recovers"]
fn axum_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let counters = support::install_counters();
    tracing_subscriber::fmt()
        .with_writer(io::stdout)
        .with_max_level(tracing::Level::WARN)
        .init();
    support::block_on(async move {
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .route("/counters", get(move || async move { tally(&counters) }));
        let listener = support::loopback_listener().await;
        println!("{LISTENING}{}", listener.local_addr().unwrap());
        let server =
            tokio::spawn(async move { axum::serve(GuardedListener::new(listener), app).await });
        tokio::task::spawn_blocking(|| io::stdin().read_to_end(&mut Vec::new()))
            .await
            .expect("read stdin")
            .expect("read stdin to its end");
        assert!(
            !server.is_finished(),
            "axum::serve ended: {:?}",
            server.await
        );
    });
}

/// The child's counters, as `name=value` words.
fn tally(counters: &Counters) -> String {
    let accept_errors: u64 = counters
        .named(ERRORS)
        .iter()
        .filter(|s| s.labels.get("op").map(String::as_str) == Some("accept"))
        .map(|s| s.value)
        .sum();
    format!(
        "accept_errors={accept_errors} emfile_errors={} backoffs={} emfile_backoffs={}",
        counters.value(ERRORS, "WSAEMFILE", "transient", "accept"),
        counters.total(BACKOFFS),
        counters.get(BACKOFFS, &[("code", "WSAEMFILE")]),
    )
}

// ---------------------------------------------------------------------------------------
// A fatal error: logged, counted, paused on
// ---------------------------------------------------------------------------------------

/// A listener that returns what it is told, in order, then stays pending.
struct Scripted(VecDeque<io::Result<DuplexStream>>);

impl Accept for Scripted {
    type Conn = DuplexStream;
    type Addr = &'static str;

    fn poll_accept(
        &mut self,
        _: &mut Context<'_>,
    ) -> Poll<io::Result<(DuplexStream, &'static str)>> {
        match self.0.pop_front() {
            Some(next) => Poll::Ready(next.map(|conn| (conn, "scripted"))),
            None => Poll::Pending,
        }
    }
}

impl Listener for Scripted {
    type Io = DuplexStream;
    type Addr = &'static str;

    async fn accept(&mut self) -> (DuplexStream, &'static str) {
        unreachable!("the guard polls through Accept")
    }

    fn local_addr(&self) -> io::Result<&'static str> {
        Ok("scripted")
    }
}

#[test]
fn a_fatal_error_pauses_and_is_counted_instead_of_ending_serve() {
    let (paused, counters) = support::count(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(async {
                let (conn, _peer) = tokio::io::duplex(64);
                let mut listener = GuardedListener::new(Scripted(VecDeque::from([
                    Err(io::Error::from_raw_os_error(libc::EINVAL)),
                    Err(io::Error::from_raw_os_error(libc::EINVAL)),
                    Ok(conn),
                ])))
                .backoff_range(Duration::from_millis(10), Duration::from_secs(1));
                assert_eq!(Listener::local_addr(&listener).unwrap(), "scripted");
                let started = tokio::time::Instant::now();
                let (_, addr) = Listener::accept(&mut listener).await;
                assert_eq!(addr, "scripted");
                started.elapsed()
            })
    });
    // 10 ms, then 20 ms.
    assert_eq!(paused, Duration::from_millis(30));
    assert_eq!(counters.value(ERRORS, "WSAEINVAL", "fatal", "accept"), 2);
    assert_eq!(counters.get(BACKOFFS, &[("code", "WSAEINVAL")]), 2);
    assert_eq!(counters.total(BACKOFFS), 2);
}
