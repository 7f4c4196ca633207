//! Allocation counts: the success path of `TraceStream` never allocates, neither does the
//! error path once a given (code, operation) pair has been seen, and creating or cloning an
//! observer costs at most one small allocation.
//!
//! The first observation of a (code, operation) pair registers that pair's counter handle
//! with the recorder (building its key allocates, once); every measurement below starts
//! after one such warm-up. No tracing subscriber and no metrics recorder is installed in
//! this test binary, so events are disabled and counters are the no-op ones.

use crate::support;

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::{Op, TraceStream, WsaCode};

use support::counting::{allocated, allocations};
use support::native::os_code;
use support::ready::{noop_waker, Ready};

const CALLS: usize = 10_000;

/// This platform's own number for a reset: 10054 on Windows, `ECONNRESET` elsewhere.
fn reset_code() -> i32 {
    os_code(WsaCode::WSAECONNRESET)
}

/// Every operation fails with `io::Error::from_raw_os_error(code)`, which does not allocate.
struct Failing(i32);

impl AsyncRead for Failing {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::Error::from_raw_os_error(self.0)))
    }
}

impl AsyncWrite for Failing {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Err(io::Error::from_raw_os_error(self.0)))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::Error::from_raw_os_error(self.0)))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::Error::from_raw_os_error(self.0)))
    }
}

fn peer() -> Peer {
    Peer::from(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)))
}

/// Returns the error of one failed read, polled once.
fn read_err<S: AsyncRead + Unpin>(s: &mut S, cx: &mut Context<'_>) -> io::Error {
    let mut mem = [0u8; 16];
    let mut buf = ReadBuf::new(&mut mem);
    match Pin::new(s).poll_read(cx, &mut buf) {
        Poll::Ready(Err(e)) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Returns the error of one failed write, polled once.
fn write_err<S: AsyncWrite + Unpin>(s: &mut S, cx: &mut Context<'_>) -> io::Error {
    match Pin::new(s).poll_write(cx, b"data") {
        Poll::Ready(Err(e)) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

/// The counter itself works: a test that allocates is seen allocating.
#[test]
fn counter_sees_allocations() {
    let (n, v) = allocations(|| std::hint::black_box(vec![1u8; 32]));
    assert_eq!(v.len(), 32);
    assert!(n >= 1, "a Vec allocation was not counted");
}

#[test]
fn success_path_polls_do_not_allocate() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut stream = TraceStream::new(Ready, Observer::new(), peer());
    let data = [7u8; 64];
    let mut mem = [1u8; 64];

    let (n, (read, written)) = allocations(|| {
        let (mut read, mut written) = (0usize, 0usize);
        for _ in 0..CALLS {
            let mut buf = ReadBuf::new(&mut mem);
            match Pin::new(&mut stream).poll_read(&mut cx, &mut buf) {
                Poll::Ready(Ok(())) => read += buf.filled().len(),
                other => panic!("read: {other:?}"),
            }
            match Pin::new(&mut stream).poll_write(&mut cx, &data) {
                Poll::Ready(Ok(k)) => written += k,
                other => panic!("write: {other:?}"),
            }
        }
        (read, written)
    });
    assert_eq!(read, CALLS * 64);
    assert_eq!(written, CALLS * 64);
    assert_eq!(mem, [0u8; 64], "the inner stream's bytes came through");
    assert_eq!(n, 0, "{CALLS} reads + {CALLS} writes allocated {n} times");
}

#[test]
fn observe_io_after_warm_up_does_not_allocate() {
    let observer = Observer::new();
    let peer = peer();
    let err = io::Error::from_raw_os_error(reset_code());

    // Warm-up: registers the (WSAECONNRESET, read) handle and tracing's callsite.
    let first = observer.observe_io(&err, Op::Read, &peer);
    assert_eq!(first.code(), Some(WsaCode::WSAECONNRESET));

    let (n, resets) = allocations(|| {
        let mut resets = 0;
        for _ in 0..CALLS {
            let seen = observer.observe_io(&err, Op::Read, &peer);
            resets += usize::from(seen.code() == Some(WsaCode::WSAECONNRESET));
        }
        resets
    });
    assert_eq!(resets, CALLS);
    assert_eq!(n, 0, "{CALLS} observations allocated {n} times");
}

#[test]
fn wrapped_os_error_maps_and_observes_without_allocating() {
    // `io::Error::new(kind, os_error)`: the OS code is found by one downcast, before any
    // text is formatted (an OS error's text is strerror into a `String`).
    let observer = Observer::new();
    let peer = peer();
    let err = io::Error::new(
        io::ErrorKind::ConnectionReset,
        io::Error::from_raw_os_error(reset_code()),
    );
    let first = observer.observe_io(&err, Op::Read, &peer);
    assert_eq!(first.code(), Some(WsaCode::WSAECONNRESET));

    let (n, ()) = allocations(|| {
        for _ in 0..CALLS {
            let m = wsa_trace::Mapping::from_io_error(&err);
            assert_eq!(m.os_code(), Some(reset_code()));
            let class = wsa_trace::default_class(m.code(), Op::Read);
            assert_eq!(class.retry(), wsa_trace::Retry::Reconnect);
            let seen = observer.observe_io(&err, Op::Read, &peer);
            assert_eq!(seen.code(), Some(WsaCode::WSAECONNRESET));
        }
    });
    assert_eq!(
        n, 0,
        "{CALLS} mappings and observations allocated {n} times"
    );
}

#[test]
fn kind_only_error_after_warm_up_does_not_allocate() {
    // No OS code: the mapping formats the error into a stack buffer to look for resolver
    // text, then falls back to the kind.
    let observer = Observer::new();
    let peer = peer();
    let err = io::Error::from(io::ErrorKind::ConnectionRefused);
    let first = observer.observe_io(&err, Op::Connect, &peer);
    assert_eq!(first.code(), Some(WsaCode::WSAECONNREFUSED));

    let (n, ()) = allocations(|| {
        for _ in 0..CALLS {
            let seen = observer.observe_io(&err, Op::Connect, &peer);
            assert_eq!(seen.code(), Some(WsaCode::WSAECONNREFUSED));
        }
    });
    assert_eq!(n, 0, "{CALLS} observations allocated {n} times");
}

#[test]
fn stream_error_path_after_warm_up_does_not_allocate() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut stream = TraceStream::new(Failing(reset_code()), Observer::new(), peer());

    // Warm-up: one error per operation measured below.
    read_err(&mut stream, &mut cx);
    write_err(&mut stream, &mut cx);

    let (n, ()) = allocations(|| {
        for _ in 0..CALLS {
            let e = read_err(&mut stream, &mut cx);
            assert_eq!(e.raw_os_error(), Some(reset_code()));
            let e = write_err(&mut stream, &mut cx);
            assert_eq!(e.raw_os_error(), Some(reset_code()));
        }
    });
    assert_eq!(n, 0, "{CALLS} failed reads + writes allocated {n} times");
}

#[test]
fn tokio_test_mock_error_path_after_warm_up_does_not_allocate() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    // The script (and its errors) is built before measuring; `build` is called on a
    // temporary builder, so the mock holds the only reference to each error.
    let mut script = tokio_test::io::Builder::new();
    for _ in 0..=CALLS {
        script.read_error(io::Error::from_raw_os_error(reset_code()));
    }
    let mock = script.build();
    drop(script);
    let mut stream = TraceStream::new(mock, Observer::new(), peer());

    read_err(&mut stream, &mut cx); // warm-up

    let (n, ()) = allocations(|| {
        for _ in 0..CALLS {
            let e = read_err(&mut stream, &mut cx);
            assert_eq!(e.raw_os_error(), Some(reset_code()));
        }
    });
    assert_eq!(n, 0, "{CALLS} failed mock reads allocated {n} times");
}

/// Observers are made per connection in real code: after the process's first, making one
/// allocates nothing, cloning one allocates nothing, and configuring one copies its settings
/// once (one allocation of at most 256 bytes), whatever the prefix.
#[test]
fn observers_cost_nothing_to_create_or_clone() {
    use std::time::Duration;
    use wsa_trace::observe::Level;
    // The process's first observer and the first use of a prefix build what is shared.
    drop(Observer::new());
    drop(Observer::new().metrics_prefix("alloc_test").unwrap());

    let ((n, bytes), made) = allocated(Observer::new);
    assert_eq!((n, bytes), (0, 0), "Observer::new()");
    let ((n, bytes), cloned) = allocated(|| made.clone());
    assert_eq!((n, bytes), (0, 0), "clone()");
    drop((made, cloned));

    let ((n, bytes), configured) = allocated(|| {
        Observer::new()
            .level_transient(Level::INFO)
            .emit_event(true)
            .metrics_prefix("alloc_test")
            .unwrap()
    });
    assert!(
        n <= 1 && bytes <= 256,
        "configured: {n} allocations, {bytes} bytes"
    );
    let ((n, bytes), _) = allocated(|| configured.clone());
    assert_eq!((n, bytes), (0, 0), "clone of a configured observer");

    // A rate limit holds per-code state of its own: one allocation for the table.
    let ((n, _), _) = allocated(|| Observer::new().rate_limit(5, Duration::from_secs(1)));
    assert!(n <= 3, "rate-limited: {n} allocations");
}

/// A traced TCP stream adds an observer (a pointer) and a 16-byte peer to tokio's stream, and
/// nothing else: 24 bytes more than the platform's own `TcpStream` (40 bytes on Linux, 48 on
/// Windows).
#[test]
fn a_traced_tcp_stream_adds_at_most_24_bytes_to_tokios() {
    use std::mem::size_of;
    let size = size_of::<TraceStream<tokio::net::TcpStream>>();
    let bare = size_of::<tokio::net::TcpStream>();
    assert!(
        size <= bare + 24,
        "TraceStream<TcpStream> is {size} bytes: TcpStream {bare}, Observer {}, Peer {}",
        size_of::<Observer>(),
        size_of::<Peer>(),
    );
}
