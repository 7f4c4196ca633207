//! `TraceStream` is transparent: for any sequence of reads, writes, flushes and shutdowns, with
//! any injected errors, the wrapped stream gives the caller exactly what the bare stream
//! gives: the same bytes, the same counts, and errors with the same `kind()`, the same
//! `raw_os_error()`, the same `Display` and `Debug` text.
//!
//! The wrapped runs happen with a tracing subscriber that enables every event and a local
//! metrics recorder, so the whole observe path (fields, formatting, counting) runs on every
//! error; each error must also produce exactly one event carrying the error's own text and
//! one count under its operation.
//!
//! The events go through the binary's one subscriber (`support::subscriber`, which says why
//! per-test scoped subscribers lose events), and each wrapped run collects those of its own
//! thread. Every test installs that subscriber first, before it can reach an event callsite.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use proptest::prelude::*;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::Context as LayerContext;
use tracing_subscriber::Layer;
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::TraceStream;

use crate::support::subscriber;

// ---------------------------------------------------------------------------------------------
// Injected errors

/// An error to inject, rebuilt fresh for each run.
#[derive(Clone, Debug)]
enum Fault {
    /// `io::Error::from_raw_os_error(code)`.
    Os(i32),
    /// `io::Error::from(kind)`: no OS code, no payload.
    Kind(io::ErrorKind),
    /// `io::Error::new(kind, message)`: a custom payload.
    Custom(io::ErrorKind, String),
}

impl Fault {
    fn error(&self) -> io::Error {
        match self {
            Fault::Os(code) => io::Error::from_raw_os_error(*code),
            Fault::Kind(kind) => io::Error::from(*kind),
            Fault::Custom(kind, msg) => io::Error::new(*kind, msg.clone()),
        }
    }
}

/// Linux errnos, Windows Sockets and Win32 codes; on Linux the Windows values are just
/// unknown (or unrelated) errnos, which must pass through all the same.
const OS_CODES: &[i32] = &[
    libc::ECONNRESET,
    libc::ECONNREFUSED,
    libc::ECONNABORTED,
    libc::ETIMEDOUT,
    libc::EPIPE,
    libc::EAGAIN,
    libc::EINTR,
    libc::EINPROGRESS,
    libc::ENOTCONN,
    libc::ENETUNREACH,
    libc::EHOSTUNREACH,
    libc::EADDRINUSE,
    libc::EADDRNOTAVAIL,
    libc::ENOBUFS,
    libc::EMFILE,
    libc::EACCES,
    libc::EBADF,
    libc::EINVAL,
    10035, // WSAEWOULDBLOCK
    10053, // WSAECONNABORTED
    10054, // WSAECONNRESET
    10060, // WSAETIMEDOUT
    10061, // WSAECONNREFUSED
    10065, // WSAEHOSTUNREACH
    11001, // WSAHOST_NOT_FOUND
    64,    // ERROR_NETNAME_DELETED
    121,   // ERROR_SEM_TIMEOUT
    995,   // ERROR_OPERATION_ABORTED
    1225,  // ERROR_CONNECTION_REFUSED
    1236,  // ERROR_CONNECTION_ABORTED
    0,
    -1,
];

const KINDS: &[io::ErrorKind] = &[
    io::ErrorKind::ConnectionReset,
    io::ErrorKind::ConnectionRefused,
    io::ErrorKind::ConnectionAborted,
    io::ErrorKind::NotConnected,
    io::ErrorKind::BrokenPipe,
    io::ErrorKind::TimedOut,
    io::ErrorKind::WouldBlock,
    io::ErrorKind::Interrupted,
    io::ErrorKind::UnexpectedEof,
    io::ErrorKind::AddrInUse,
    io::ErrorKind::PermissionDenied,
    io::ErrorKind::InvalidInput,
    io::ErrorKind::InvalidData,
    io::ErrorKind::Other,
];

fn kind() -> impl Strategy<Value = io::ErrorKind> {
    proptest::sample::select(KINDS)
}

fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        // Resolver-like texts go through the crate's text matching.
        Just("failed to lookup address information: Name or service not known".to_owned()),
        Just(
            "failed to lookup address information: Temporary failure in name resolution".to_owned()
        ),
        Just(String::new()),
        "[ -~]{0,60}",
        ".{0,40}",
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => proptest::sample::select(OS_CODES).prop_map(Fault::Os),
        1 => any::<i32>().prop_map(Fault::Os),
        2 => kind().prop_map(Fault::Kind),
        2 => (kind(), message()).prop_map(|(k, m)| Fault::Custom(k, m)),
    ]
}

// ---------------------------------------------------------------------------------------------
// The script and its mock

/// One operation the driver performs, with what the mock answers.
#[derive(Clone, Debug)]
enum Step {
    /// A read into a buffer of `cap` bytes; the mock has `data` ready (it gives what fits).
    Read {
        cap: usize,
        data: Result<Vec<u8>, Fault>,
    },
    /// A write of `bytes`; the mock accepts at most `accept` of them.
    Write {
        bytes: Vec<u8>,
        accept: Result<usize, Fault>,
    },
    Flush(Option<Fault>),
    Shutdown(Option<Fault>),
}

impl Step {
    fn fault(&self) -> Option<(&Fault, &'static str)> {
        match self {
            Step::Read { data: Err(f), .. } => Some((f, "read")),
            Step::Write { accept: Err(f), .. } => Some((f, "write")),
            Step::Flush(Some(f)) => Some((f, "flush")),
            Step::Shutdown(Some(f)) => Some((f, "shutdown")),
            _ => None,
        }
    }
}

fn step() -> impl Strategy<Value = Step> {
    let bytes = proptest::collection::vec(any::<u8>(), 0..64);
    prop_oneof![
        (
            1usize..48,
            prop_oneof![3 => bytes.clone().prop_map(Ok), 2 => fault().prop_map(Err)]
        )
            .prop_map(|(cap, data)| Step::Read { cap, data }),
        (
            bytes,
            prop_oneof![3 => (0usize..80).prop_map(Ok), 2 => fault().prop_map(Err)]
        )
            .prop_map(|(bytes, accept)| Step::Write { bytes, accept }),
        proptest::option::of(fault()).prop_map(Step::Flush),
        proptest::option::of(fault()).prop_map(Step::Shutdown),
    ]
}

/// Answers each call with the next step of its script; records the bytes it accepted.
struct Scripted {
    steps: VecDeque<Step>,
    written: Vec<u8>,
}

impl Scripted {
    fn new(steps: &[Step]) -> Self {
        Scripted {
            steps: steps.iter().cloned().collect(),
            written: Vec::new(),
        }
    }

    fn next(&mut self, what: &str) -> Step {
        self.steps
            .pop_front()
            .unwrap_or_else(|| panic!("{what} called after the script ended"))
    }
}

impl AsyncRead for Scripted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.next("read") {
            Step::Read { data: Ok(data), .. } => {
                let n = data.len().min(buf.remaining());
                buf.put_slice(&data[..n]);
                Poll::Ready(Ok(()))
            }
            Step::Read { data: Err(f), .. } => Poll::Ready(Err(f.error())),
            other => panic!("read called, script says {other:?}"),
        }
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.next("write") {
            Step::Write {
                accept: Ok(max), ..
            } => {
                let n = max.min(buf.len());
                self.written.extend_from_slice(&buf[..n]);
                Poll::Ready(Ok(n))
            }
            Step::Write { accept: Err(f), .. } => Poll::Ready(Err(f.error())),
            other => panic!("write called, script says {other:?}"),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.next("flush") {
            Step::Flush(f) => Poll::Ready(f.map_or(Ok(()), |f| Err(f.error()))),
            other => panic!("flush called, script says {other:?}"),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.next("shutdown") {
            Step::Shutdown(f) => Poll::Ready(f.map_or(Ok(()), |f| Err(f.error()))),
            other => panic!("shutdown called, script says {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the caller sees

/// Everything a caller can observe of an `io::Error` without downcasting.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    kind: io::ErrorKind,
    raw: Option<i32>,
    display: String,
    debug: String,
    payload: Option<String>,
}

impl From<&io::Error> for Seen {
    fn from(e: &io::Error) -> Self {
        Seen {
            kind: e.kind(),
            raw: e.raw_os_error(),
            display: e.to_string(),
            debug: format!("{e:?}"),
            payload: e.get_ref().map(|p| p.to_string()),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Read(Vec<u8>),
    Wrote(usize),
    Done,
    Failed(Seen),
}

fn outcome<T>(r: io::Result<T>, ok: impl FnOnce(T) -> Outcome) -> Outcome {
    match r {
        Ok(v) => ok(v),
        Err(e) => Outcome::Failed(Seen::from(&e)),
    }
}

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn ready<T>(p: Poll<T>) -> T {
    match p {
        Poll::Ready(r) => r,
        Poll::Pending => panic!("the scripted mock is always ready"),
    }
}

/// Polls `s` through `script`, once per step (the mock is always ready).
fn drive<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S, script: &[Step]) -> Vec<Outcome> {
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    script
        .iter()
        .map(|step| match step {
            Step::Read { cap, .. } => {
                let mut mem = vec![0u8; *cap];
                let mut buf = ReadBuf::new(&mut mem);
                let r = ready(Pin::new(&mut *s).poll_read(&mut cx, &mut buf));
                outcome(r, |()| Outcome::Read(buf.filled().to_vec()))
            }
            Step::Write { bytes, .. } => outcome(
                ready(Pin::new(&mut *s).poll_write(&mut cx, bytes)),
                Outcome::Wrote,
            ),
            Step::Flush(_) => outcome(ready(Pin::new(&mut *s).poll_flush(&mut cx)), |()| {
                Outcome::Done
            }),
            Step::Shutdown(_) => outcome(ready(Pin::new(&mut *s).poll_shutdown(&mut cx)), |()| {
                Outcome::Done
            }),
        })
        .collect()
}

/// What the script says the caller must see, independently of any stream.
fn expected(script: &[Step]) -> Vec<Outcome> {
    script
        .iter()
        .map(|step| match step {
            Step::Read { cap, data } => match data {
                Ok(d) => Outcome::Read(d[..d.len().min(*cap)].to_vec()),
                Err(f) => Outcome::Failed(Seen::from(&f.error())),
            },
            Step::Write { bytes, accept } => match accept {
                Ok(max) => Outcome::Wrote((*max).min(bytes.len())),
                Err(f) => Outcome::Failed(Seen::from(&f.error())),
            },
            Step::Flush(f) | Step::Shutdown(f) => match f {
                None => Outcome::Done,
                Some(f) => Outcome::Failed(Seen::from(&f.error())),
            },
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// What the observer emitted

/// The `error` field of every `wsa_trace` event a wrapped run emitted.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>);

impl Events {
    /// Collects the events of this thread while `f` runs.
    fn collect<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
        let events = Events::default();
        let out = subscriber::with_layer(ErrorTexts(events.clone()), f);
        let texts = events.0.lock().unwrap().clone();
        (out, texts)
    }
}

struct ErrorField(Option<String>);

impl Visit for ErrorField {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "error" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

/// Keeps the `error` field of each `wsa_trace` event; enables every event.
struct ErrorTexts(Events);

impl<S: tracing::Subscriber> Layer<S> for ErrorTexts {
    fn on_event(&self, event: &tracing::Event<'_>, _: LayerContext<'_, S>) {
        if event.metadata().target() != wsa_trace::observe::TARGET {
            return;
        }
        let mut v = ErrorField(None);
        event.record(&mut v);
        self.0
             .0
            .lock()
            .unwrap()
            .push(v.0.unwrap_or_else(|| "<no error field>".into()));
    }
}

/// The wrapped run, with every event enabled and a local recorder. Returns the outcomes,
/// the bytes the inner stream accepted, the events' error texts and the counts per `op`.
fn run_wrapped(script: &[Step]) -> (Vec<Outcome>, Vec<u8>, Vec<String>, BTreeMap<String, u64>) {
    // Leaked: counter handles are kept per recorder address (see `wsa_trace::metrics`).
    let recorder: &'static DebuggingRecorder = Box::leak(Box::new(DebuggingRecorder::new()));
    let snapshotter = recorder.snapshotter();

    let ((outcomes, written, counter), texts) = Events::collect(|| {
        metrics::with_local_recorder(recorder, || {
            // Created inside the recorder's scope: handles register with this recorder. One
            // event per error is checked: no rate limit.
            let observer = Observer::new().no_rate_limit();
            let counter = observer.counter_name().to_owned();
            let peer = Peer::from(std::net::SocketAddr::from(([127, 0, 0, 1], 9)));
            let mut s = TraceStream::new(Scripted::new(script), observer, peer);
            let outcomes = drive(&mut s, script);
            (outcomes, s.into_inner().written, counter)
        })
    });

    let mut counts = BTreeMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let key = key.key();
        if key.name() != counter {
            continue;
        }
        let op = key
            .labels()
            .find(|l| l.key() == "op")
            .map(|l| l.value().to_owned())
            .expect("op label");
        let DebugValue::Counter(n) = value else {
            panic!("{counter} is not a counter")
        };
        *counts.entry(op).or_insert(0) += n;
    }
    (outcomes, written, texts, counts)
}

fn check_scripted(script: &[Step]) -> Result<(), TestCaseError> {
    let mut bare = Scripted::new(script);
    let bare_out = drive(&mut bare, script);
    prop_assert!(bare.steps.is_empty());

    let (wrapped_out, wrapped_written, texts, counts) = run_wrapped(script);

    prop_assert_eq!(&wrapped_out, &bare_out);
    prop_assert_eq!(&wrapped_written, &bare.written);
    prop_assert_eq!(&bare_out, &expected(script));

    // One event per error, carrying the error's own text, in order.
    let want_texts: Vec<String> = bare_out
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed(seen) => Some(seen.display.clone()),
            _ => None,
        })
        .collect();
    prop_assert_eq!(&texts, &want_texts);

    // One count per error, under its operation.
    let mut want_counts = BTreeMap::new();
    for (_, op) in script.iter().filter_map(Step::fault) {
        *want_counts.entry(op.to_owned()).or_insert(0u64) += 1;
    }
    prop_assert_eq!(&counts, &want_counts);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn wrapped_scripted_stream_matches_bare(script in proptest::collection::vec(step(), 0..24)) {
        subscriber::install();
        check_scripted(&script)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The same property with tokio-test's mock, driven through AsyncReadExt / AsyncWriteExt

#[derive(Clone, Debug)]
enum MockStep {
    Read(Vec<u8>),
    ReadError(Fault),
    Write(Vec<u8>),
    WriteError(Fault),
}

/// tokio-test's mock takes an injected `WouldBlock` error for "not ready" and waits for the
/// next action instead of returning it, so those are left to the scripted property above.
fn mock_fault() -> impl Strategy<Value = Fault> {
    fault().prop_filter("tokio-test swallows WouldBlock", |f| {
        f.error().kind() != io::ErrorKind::WouldBlock
    })
}

fn mock_step() -> impl Strategy<Value = MockStep> {
    let bytes = proptest::collection::vec(any::<u8>(), 1..64);
    prop_oneof![
        bytes.clone().prop_map(MockStep::Read),
        mock_fault().prop_map(MockStep::ReadError),
        bytes.prop_map(MockStep::Write),
        mock_fault().prop_map(MockStep::WriteError),
    ]
}

fn mock(script: &[MockStep]) -> tokio_test::io::Mock {
    let mut b = tokio_test::io::Builder::new();
    for step in script {
        match step {
            MockStep::Read(d) => b.read(d),
            MockStep::ReadError(f) => b.read_error(f.error()),
            MockStep::Write(d) => b.write(d),
            MockStep::WriteError(f) => b.write_error(f.error()),
        };
    }
    // `b` is dropped here: the mock must hold the only reference to each error.
    b.build()
}

async fn drive_mock<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    script: &[MockStep],
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for step in script {
        let o = match step {
            MockStep::Read(_) | MockStep::ReadError(_) => {
                let mut buf = [0u8; 64];
                outcome(s.read(&mut buf).await, |n| Outcome::Read(buf[..n].to_vec()))
            }
            MockStep::Write(d) => outcome(s.write(d).await, Outcome::Wrote),
            MockStep::WriteError(_) => outcome(s.write(b"x").await, Outcome::Wrote),
        };
        out.push(o);
    }
    out
}

fn run_mock<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S, script: &[MockStep]) -> Vec<Outcome> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), drive_mock(s, script))
            .await
            .expect("the mock answers within 10 s")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn wrapped_tokio_test_mock_matches_bare(script in proptest::collection::vec(mock_step(), 0..16)) {
        subscriber::install();
        let bare_out = run_mock(&mut mock(&script), &script);
        let mut wrapped = TraceStream::new(mock(&script), Observer::new(), Peer::unknown());
        let wrapped_out = run_mock(&mut wrapped, &script);
        prop_assert_eq!(&wrapped_out, &bare_out);

        let want: Vec<Outcome> = script
            .iter()
            .map(|s| match s {
                MockStep::Read(d) => Outcome::Read(d.clone()),
                MockStep::Write(d) => Outcome::Wrote(d.len()),
                MockStep::ReadError(f) | MockStep::WriteError(f) => {
                    Outcome::Failed(Seen::from(&f.error()))
                }
            })
            .collect();
        prop_assert_eq!(&bare_out, &want);
    }
}
