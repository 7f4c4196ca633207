//! Helpers shared by the socket tests: capturing the counters and events an observer
//! produces, loopback servers that fail in known ways, running this test binary again as a
//! child process, (in [`cpu`]) a process's CPU time, and (in [`ready`]) an always-ready
//! stream and a no-op waker for polling by hand.
//!
//! Each test binary uses a part of this module only.
#![allow(dead_code)]

pub mod counting;
pub mod cpu;
pub mod forms;
pub mod logs;
pub mod native;
pub mod ready;
pub mod skip;
pub mod subscriber;
#[cfg(unix)]
pub mod tour;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tracing::field::{Field, Visit};
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::Registry;

/// The name of the error counter with the default prefix.
pub const COUNTER: &str = "wsa_socket_errors_total";

/// The longest any single wait in these tests may take.
pub const LIMIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------

/// One counter series: its name, its labels, its value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Series {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: u64,
}

/// A series' identity: its name and labels.
type SeriesKey = (String, BTreeMap<String, String>);

/// Reads a [`DebuggingRecorder`]'s counters. A snapshot resets the recorder's counters to
/// zero, so the values read are added up here: every read sees the total since the start.
#[derive(Clone)]
pub struct Counters {
    snapshotter: Snapshotter,
    totals: Arc<Mutex<BTreeMap<SeriesKey, u64>>>,
}

impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.series()).finish()
    }
}

impl Counters {
    pub fn new(snapshotter: Snapshotter) -> Self {
        Counters {
            snapshotter,
            totals: Arc::default(),
        }
    }

    /// Every counter series seen so far, with its total.
    pub fn series(&self) -> Vec<Series> {
        let mut totals = self.totals.lock().unwrap();
        for (key, _, _, value) in self.snapshotter.snapshot().into_vec() {
            let DebugValue::Counter(n) = value else {
                continue;
            };
            let key = key.key();
            let labels = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            *totals.entry((key.name().to_owned(), labels)).or_default() += n;
        }
        totals
            .iter()
            .map(|((name, labels), &value)| Series {
                name: name.clone(),
                labels: labels.clone(),
                value,
            })
            .collect()
    }

    /// The series of counter `name` labelled exactly `code`, `category` and `op`: 0 if it was
    /// never registered.
    pub fn value(&self, name: &str, code: &str, category: &str, op: &str) -> u64 {
        self.get(name, &[("code", code), ("category", category), ("op", op)])
    }

    /// The series of counter `name` labelled exactly `labels` (no more, no fewer): 0 if it
    /// was never registered.
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        let want: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.series()
            .into_iter()
            .filter(|s| s.name == name && s.labels == want)
            .map(|s| s.value)
            .sum()
    }

    /// Every series of counter `name`.
    pub fn named(&self, name: &str) -> Vec<Series> {
        self.series()
            .into_iter()
            .filter(|s| s.name == name)
            .collect()
    }

    /// The sum of every series of counter `name`.
    pub fn total(&self, name: &str) -> u64 {
        self.named(name).into_iter().map(|s| s.value).sum()
    }
}

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

/// One tracing event: its level, target and fields (strings as they are, other values in
/// their `Debug` form).
#[derive(Clone, Debug)]
pub struct Event {
    pub level: Level,
    pub target: String,
    pub fields: BTreeMap<String, String>,
}

impl Event {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// The events a [`CaptureLayer`] saw.
#[derive(Clone, Debug, Default)]
pub struct Events(Arc<Mutex<Vec<Event>>>);

impl Events {
    pub fn all(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    /// The crate's events (target `wsa_trace`).
    pub fn wsa(&self) -> Vec<Event> {
        self.all()
            .into_iter()
            .filter(|e| e.target == "wsa_trace")
            .collect()
    }

    /// The crate's events with `wsa.symbol == symbol` and `wsa.op == op`.
    pub fn matching(&self, symbol: &str, op: &str) -> Vec<Event> {
        self.wsa()
            .into_iter()
            .filter(|e| e.field("wsa.symbol") == Some(symbol) && e.field("wsa.op") == Some(op))
            .collect()
    }
}

/// A tracing layer that records every event.
#[derive(Clone, Debug, Default)]
pub struct CaptureLayer(pub Events);

struct FieldVisitor<'a>(&'a mut BTreeMap<String, String>);

impl Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for CaptureLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut FieldVisitor(&mut fields));
        let meta = event.metadata();
        self.0 .0.lock().unwrap().push(Event {
            level: *meta.level(),
            target: meta.target().to_owned(),
            fields,
        });
    }
}

// ---------------------------------------------------------------------------------------
// Capturing on the current thread
// ---------------------------------------------------------------------------------------

/// What a [`capture`]d closure produced: counters and events.
#[derive(Debug)]
pub struct Captured {
    pub counters: Counters,
    pub events: Events,
}

impl Captured {
    /// The value of the default counter for (`code`, `category`, `op`).
    pub fn count(&self, code: &str, category: &str, op: &str) -> u64 {
        self.counters.value(COUNTER, code, category, op)
    }

    /// The sum of every series of the default counter.
    pub fn total(&self) -> u64 {
        self.counters.total(COUNTER)
    }

    /// Asserts that exactly one event names `symbol` and `op`, and returns it.
    pub fn one_event(&self, symbol: &str, op: &str) -> Event {
        let found = self.events.matching(symbol, op);
        assert_eq!(
            found.len(),
            1,
            "events for {symbol}/{op}: {found:#?}\nall: {:#?}",
            self.events.wsa()
        );
        found.into_iter().next().unwrap()
    }
}

/// Runs `f` with a fresh [`DebuggingRecorder`] as this thread's metrics recorder and a
/// [`CaptureLayer`] receiving this thread's spans and events (through the binary's one
/// subscriber, see [`subscriber`]). Observers count into the recorder
/// in effect where they count: run async code with [`block_on`] (a current-thread runtime)
/// inside `f`.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Captured) {
    let events = Events::default();
    let (out, counters) = capture_with(CaptureLayer(events.clone()), f);
    (out, Captured { counters, events })
}

/// [`count`] with `layer` receiving this thread's spans and events (through the binary's one
/// subscriber, see [`subscriber`]), for tests that capture events their own way.
pub fn capture_with<L, T>(layer: L, f: impl FnOnce() -> T) -> (T, Counters)
where
    L: Layer<Registry> + Send + Sync + 'static,
{
    subscriber::with_layer(layer, || count(f))
}

/// Runs `f` with a fresh [`DebuggingRecorder`] as this thread's metrics recorder, and no
/// tracing layer (the binary's one subscriber is installed first, see [`subscriber`]).
/// Observers count on the thread that runs `f`.
///
/// The recorder is leaked: counter handles are kept per recorder address for the whole
/// process, so each test's recorder must have an address no later one can take.
pub fn count<T>(f: impl FnOnce() -> T) -> (T, Counters) {
    subscriber::install();
    let recorder: &'static DebuggingRecorder = Box::leak(Box::new(DebuggingRecorder::new()));
    let counters = Counters::new(recorder.snapshotter());
    let out = metrics::with_local_recorder(recorder, f);
    (out, counters)
}

/// Installs a fresh [`DebuggingRecorder`] as the recorder of the whole process (a child
/// process's, where no other test runs), and returns its counters.
pub fn install_counters() -> Counters {
    let recorder = DebuggingRecorder::new();
    let counters = Counters::new(recorder.snapshotter());
    recorder
        .install()
        .expect("the only recorder of this process");
    counters
}

/// Runs `fut` to completion on a current-thread runtime, on this thread.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
        .block_on(fut)
}

/// Runs `fut` to completion on a current-thread runtime whose clock starts paused: timers
/// fire in order as soon as nothing else can run, so waits cost no wall-clock time. For
/// futures that do no I/O (scripted services), whose timing is then exact.
pub fn block_on_paused<F: Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a paused current-thread runtime")
        .block_on(fut)
}

/// Runs `fut` on a paused runtime ([`block_on_paused`]) inside [`capture`], failing if it
/// takes longer than `limit` of the paused clock.
pub fn capture_paused<F: Future>(limit: Duration, fut: F) -> (F::Output, Captured) {
    capture(|| block_on_paused(within(limit, fut)))
}

/// Runs `fut` on a current-thread runtime inside [`capture`], failing if it takes longer than
/// `limit`.
pub fn capture_async<F: Future>(limit: Duration, fut: F) -> (F::Output, Captured) {
    capture(|| block_on(within(limit, fut)))
}

/// Runs `fut` on a current-thread runtime inside [`count`], failing if it takes longer than
/// `limit`.
pub fn count_async<F: Future>(limit: Duration, fut: F) -> (F::Output, Counters) {
    count(|| block_on(within(limit, fut)))
}

/// Awaits `fut`, failing if it takes longer than `limit`.
async fn within<F: Future>(limit: Duration, fut: F) -> F::Output {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| panic!("the test did not finish within {limit:?}"))
}

// ---------------------------------------------------------------------------------------
// Loopback servers
// ---------------------------------------------------------------------------------------

/// A loopback listener on a free port.
pub async fn loopback_listener() -> TcpListener {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind 127.0.0.1:0")
}

/// An observer whose events carry every field, for tests that check the native code, the
/// kind or the transport on the event.
#[cfg(feature = "tracing")]
pub fn all_fields() -> wsa_trace::Observer {
    wsa_trace::Observer::new().event_fields(wsa_trace::observe::EventFields::All)
}

/// A loopback address where nothing listens: a port bound by a socket that never listens,
/// held for the rest of this test process. See [`ClosedPort`].
pub fn closed_port() -> SocketAddr {
    static HELD: std::sync::Mutex<Vec<ClosedPort>> = std::sync::Mutex::new(Vec::new());
    let port = ClosedPort::new();
    let addr = port.addr();
    HELD.lock().unwrap_or_else(|e| e.into_inner()).push(port);
    addr
}

/// A loopback port where nothing listens, held by a bound socket that does not listen until
/// [`listen`](ClosedPort::listen) is called. A port merely bound and released could be taken
/// at once by another test's listener; this one cannot, since the holder does not set
/// `SO_REUSEADDR` and so shares its port with no later bind. The kernel refuses a connect to
/// it as to any port where nothing listens.
pub struct ClosedPort {
    socket: tokio::net::TcpSocket,
    addr: SocketAddr,
}

impl ClosedPort {
    pub fn new() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
        socket
            .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .expect("bind 127.0.0.1:0");
        let addr = socket.local_addr().expect("the bound address");
        ClosedPort { socket, addr }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server comes up on the port: a blocking listener. Must run on a tokio runtime.
    pub fn listen(self) -> std::net::TcpListener {
        let listener = self.socket.listen(16).expect("listen on the held port");
        let listener = listener.into_std().expect("a std listener");
        listener.set_nonblocking(false).expect("blocking accepts");
        listener
    }
}

/// A server that accepts one connection, sets `SO_LINGER` to zero and closes it at once, so
/// that the kernel sends a reset instead of a normal close. It must run on a tokio runtime.
pub async fn reset_server() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (stream, _) = tokio::time::timeout(LIMIT, listener.accept())
            .await
            .expect("a client connects in time")
            .expect("accept");
        stream.set_zero_linger().expect("SO_LINGER 0");
        drop(stream);
    });
    (addr, task)
}

/// Keeps a [`stalled_server`]'s connection open until dropped.
#[derive(Debug)]
pub struct Stalled {
    pub addr: SocketAddr,
    _release: oneshot::Sender<()>,
}

/// A server that accepts one connection and then neither reads nor writes nor closes, until
/// the returned guard is dropped (or [`LIMIT`] passes).
pub async fn stalled_server() -> Stalled {
    let listener = loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    let (release, released) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let Ok(Ok((stream, _))) = tokio::time::timeout(LIMIT, listener.accept()).await else {
            return;
        };
        let _ = tokio::time::timeout(LIMIT, released).await;
        drop(stream);
    });
    Stalled {
        addr,
        _release: release,
    }
}

// ---------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------

/// The output of a child process.
#[derive(Debug)]
pub struct ChildOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl ChildOutput {
    /// What follows `prefix` on each line of stdout that holds it, parsed as `key=value`
    /// words. (The test harness may have printed the test's name on the same line.)
    pub fn markers(&self, prefix: &str) -> Vec<BTreeMap<String, String>> {
        self.stdout
            .lines()
            .filter_map(|line| line.find(prefix).map(|at| &line[at + prefix.len()..]))
            .map(|rest| {
                rest.split_whitespace()
                    .filter_map(|word| word.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .collect()
    }

    /// What follows `marker` on the first line of stdout that holds it, printed again so that
    /// the figures show in the test's output. Panics, with the whole output, if none does.
    pub fn marker_line(&self, marker: &str) -> &str {
        let line = self
            .stdout
            .lines()
            .find_map(|l| l.find(marker).map(|at| &l[at + marker.len()..]))
            .unwrap_or_else(|| panic!("no marker line\n{self}"));
        println!("{marker}{line}");
        line
    }

    /// The first line of stdout or stderr that starts with `prefix`.
    pub fn line(&self, prefix: &str) -> Option<&str> {
        self.stdout
            .lines()
            .chain(self.stderr.lines())
            .map(str::trim)
            .find(|line| line.starts_with(prefix))
    }
}

impl fmt::Display for ChildOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` with its output captured, killing it if it runs longer than `limit`.
pub fn run_child(mut cmd: Command, limit: Duration) -> std::io::Result<ChildOutput> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let read = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "child {cmd:?} still ran after {limit:?}; killed it\n--- stderr ---\n{}",
                stderr.join().unwrap_or_default()
            );
        }
        thread::sleep(Duration::from_millis(10));
    };
    Ok(ChildOutput {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The arguments that make this test binary run exactly the ignored test `name` of the module
/// `module` (the caller's `module_path!()`).
pub fn run_one_ignored_test(module: &str, name: &str) -> [String; 5] {
    // The harness names a test by its path below the crate root.
    let path = match module.split_once("::") {
        Some((_crate, below)) => format!("{below}::{name}"),
        None => name.to_owned(),
    };
    [
        "--exact".to_owned(),
        path,
        "--nocapture".to_owned(),
        "--ignored".to_owned(),
        "--test-threads=1".to_owned(),
    ]
}

/// This test binary.
pub fn this_test_binary() -> std::path::PathBuf {
    std::env::current_exe().expect("the path of the test binary")
}

/// This test binary again, running only the ignored test `name` of `module` (`module_path!()`)
/// with the variable `env` set, which tells that test it is the child: its output, once it
/// has passed within `limit`.
pub fn run_ignored_child(module: &str, name: &str, env: &str, limit: Duration) -> ChildOutput {
    let mut cmd = Command::new(this_test_binary());
    cmd.args(run_one_ignored_test(module, name)).env(env, "1");
    let out = run_child(cmd, limit).expect("run the child");
    assert!(out.status.success(), "{out}");
    out
}

/// This test binary again, running only the ignored test `name` of `module`
/// (`module_path!()`), with at most `nofile` descriptors (through the shell's `ulimit -n`).
pub fn rerun_with_nofile(nofile: u32, module: &str, name: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
        .arg(this_test_binary())
        .args(run_one_ignored_test(module, name));
    cmd
}
