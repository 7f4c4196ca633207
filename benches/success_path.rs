//! The success path of `TraceStream`: it must cost nothing measurable over the bare stream.
//!
//! Two measurements, each bare vs wrapped:
//!
//! - `poll`: one `poll_read` / `poll_write` on an in-memory stream that is always ready,
//!   polled directly with a no-op waker. This isolates the wrapper's own per-poll cost.
//! - `loopback`: 8 MiB per iteration over a 127.0.0.1 TCP connection in 64 KiB writes, on a
//!   current-thread tokio runtime, with `Throughput::Bytes`. Both variants use the same
//!   connection: the bare one through the wrappers' inner streams.
//!
//! After criterion's groups, the same pairs run again in interleaved rounds (bare, wrapped,
//! wrapped, bare, ...) so that both see the same machine state; the median of each side gives
//! the printed ratio `wrapped/bare throughput` (1.00x means no measurable cost).
//! The ratio pass runs only under `cargo bench` (when the binary gets `--bench`).

mod common;

use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use wsa_trace::observe::{Observer, Peer};
use wsa_trace::TraceStream;

use common::ready::{noop_waker, Ready};
use common::{interleaved_pair, run_by_cargo_bench};

/// Bytes moved per loopback iteration.
const TRANSFER: usize = 8 << 20;
/// Bytes per write call in the loopback transfer.
const CHUNK: usize = 64 << 10;
/// Bytes per `poll_read` / `poll_write` on the in-memory stream.
const POLL_BYTES: usize = 64;
/// Polls per side per round in the ratio pass.
const POLLS_PER_ROUND: u32 = 4_000_000;
/// Transfers per side per round in the ratio pass.
const TRANSFERS_PER_ROUND: usize = 16;

fn wrapped<S>(inner: S) -> TraceStream<S> {
    TraceStream::new(inner, Observer::new(), Peer::unknown())
}

#[inline(always)]
fn one_read<S: AsyncRead + Unpin>(stream: &mut S, cx: &mut Context<'_>) {
    let mut mem = [0u8; POLL_BYTES];
    let mut buf = ReadBuf::new(&mut mem);
    let poll = Pin::new(black_box(stream)).poll_read(cx, &mut buf);
    assert!(matches!(poll, Poll::Ready(Ok(()))));
    black_box(buf.filled());
}

#[inline(always)]
fn one_write<S: AsyncWrite + Unpin>(stream: &mut S, cx: &mut Context<'_>, data: &[u8]) {
    let poll = Pin::new(black_box(stream)).poll_write(cx, black_box(data));
    assert!(matches!(poll, Poll::Ready(Ok(n)) if n == data.len()));
}

fn bench_poll(c: &mut Criterion) {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let data = [7u8; POLL_BYTES];
    let mut bare = Ready;
    let mut traced = wrapped(Ready);

    let mut group = c.benchmark_group("poll");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Bytes(POLL_BYTES as u64));
    group.bench_function("read/bare", |b| b.iter(|| one_read(&mut bare, &mut cx)));
    group.bench_function("read/wrapped", |b| {
        b.iter(|| one_read(&mut traced, &mut cx))
    });
    group.bench_function("write/bare", |b| {
        b.iter(|| one_write(&mut bare, &mut cx, &data))
    });
    group.bench_function("write/wrapped", |b| {
        b.iter(|| one_write(&mut traced, &mut cx, &data))
    });
    group.finish();
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .expect("runtime")
}

/// A connected pair on 127.0.0.1: (writer side, reader side).
async fn loopback_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (client, server) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(TcpStream::connect(addr), listener.accept())
    })
    .await
    .expect("connect within 10 s");
    let client = client.expect("connect");
    let (server, _) = server.expect("accept");
    client.set_nodelay(true).expect("nodelay");
    (client, server)
}

/// Sends `TRANSFER` bytes from `tx` to `rx` in `CHUNK` writes, reading them all; returns the
/// bytes read.
async fn transfer<W, R>(tx: &mut W, rx: &mut R, chunk: &[u8], sink: &mut [u8]) -> usize
where
    W: AsyncWrite + Unpin,
    R: AsyncRead + Unpin,
{
    let send = async {
        for _ in 0..TRANSFER / CHUNK {
            tx.write_all(chunk).await.expect("write");
        }
        tx.flush().await.expect("flush");
    };
    let recv = async {
        let mut got = 0;
        while got < TRANSFER {
            let n = rx.read(sink).await.expect("read");
            assert!(n > 0, "peer closed after {got} bytes");
            got += n;
        }
        got
    };
    let work = async { tokio::join!(send, recv).1 };
    tokio::time::timeout(Duration::from_secs(30), work)
        .await
        .expect("transfer within 30 s")
}

/// One loopback connection, wrapped: the bare variant moves its bytes through the inner
/// streams (`inner_mut`), the wrapped one through the wrappers, so both use the same sockets
/// and any difference in their kernel state (buffer sizes grown by autotuning, say) cannot
/// tell them apart.
struct Loopback {
    rt: Runtime,
    traced: (TraceStream<TcpStream>, TraceStream<TcpStream>),
    chunk: Vec<u8>,
    sink: Vec<u8>,
}

impl Loopback {
    fn new() -> Self {
        let rt = runtime();
        let (tx, rx) = rt.block_on(loopback_pair());
        let tx_peer = Peer::from(tx.peer_addr().expect("peer addr"));
        let rx_peer = Peer::from(rx.peer_addr().expect("peer addr"));
        let traced = (
            TraceStream::new(tx, Observer::new(), tx_peer),
            TraceStream::new(rx, Observer::new(), rx_peer),
        );
        Loopback {
            rt,
            traced,
            chunk: vec![0x5a; CHUNK],
            sink: vec![0; CHUNK],
        }
    }

    fn run_bare(&mut self) -> usize {
        let (tx, rx) = &mut self.traced;
        self.rt.block_on(transfer(
            tx.inner_mut(),
            rx.inner_mut(),
            &self.chunk,
            &mut self.sink,
        ))
    }

    fn run_traced(&mut self) -> usize {
        let (tx, rx) = &mut self.traced;
        self.rt
            .block_on(transfer(tx, rx, &self.chunk, &mut self.sink))
    }
}

fn bench_loopback(c: &mut Criterion) {
    let mut lo = Loopback::new();
    let mut group = c.benchmark_group("loopback");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(TRANSFER as u64));
    group.bench_function("bare", |b| b.iter(|| lo.run_bare()));
    group.bench_function("wrapped", |b| b.iter(|| lo.run_traced()));
    group.finish();
}

fn time(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

/// Prints the ratio for one pair; `bare_secs` and `traced_secs` timed the same work, so the
/// throughput ratio is bare time / wrapped time. `show` renders one side's seconds.
fn print_ratio(what: &str, bare_secs: f64, traced_secs: f64, show: impl Fn(f64) -> String) {
    println!(
        "success_path ratio (wrapped/bare throughput) [{what}]: {:.2}x  (bare {}, wrapped {})",
        bare_secs / traced_secs,
        show(bare_secs),
        show(traced_secs),
    );
}

fn reads<S: AsyncRead + Unpin>(stream: &mut S, waker: &Waker) {
    let mut cx = Context::from_waker(waker);
    for _ in 0..POLLS_PER_ROUND {
        one_read(stream, &mut cx);
    }
}

fn writes<S: AsyncWrite + Unpin>(stream: &mut S, waker: &Waker, data: &[u8]) {
    let mut cx = Context::from_waker(waker);
    for _ in 0..POLLS_PER_ROUND {
        one_write(stream, &mut cx, data);
    }
}

fn ratios(_: &mut Criterion) {
    if !run_by_cargo_bench() {
        println!("success_path: ratio pass skipped (not run by `cargo bench`)");
        return;
    }
    let waker = noop_waker();
    let data = [7u8; POLL_BYTES];
    let mut bare = Ready;
    let mut traced = wrapped(Ready);
    let polls = f64::from(POLLS_PER_ROUND);

    let (b, t) = interleaved_pair(
        || time(|| reads(&mut bare, &waker)),
        || time(|| reads(&mut traced, &waker)),
    );
    let per_poll = |secs: f64| format!("{:.2} ns/poll", secs * 1e9 / polls);
    print_ratio("poll_read", b, t, per_poll);

    let (b, t) = interleaved_pair(
        || time(|| writes(&mut bare, &waker, &data)),
        || time(|| writes(&mut traced, &waker, &data)),
    );
    print_ratio("poll_write", b, t, per_poll);

    let lo = std::cell::RefCell::new(Loopback::new());
    let bytes = (TRANSFER * TRANSFERS_PER_ROUND) as f64;
    let (b, t) = interleaved_pair(
        || {
            time(|| {
                for _ in 0..TRANSFERS_PER_ROUND {
                    assert_eq!(lo.borrow_mut().run_bare(), TRANSFER);
                }
            })
        },
        || {
            time(|| {
                for _ in 0..TRANSFERS_PER_ROUND {
                    assert_eq!(lo.borrow_mut().run_traced(), TRANSFER);
                }
            })
        },
    );
    let gib_per_sec = |secs: f64| format!("{:.2} GiB/s", bytes / secs / f64::from(1u32 << 30));
    print_ratio("loopback, 8 MiB in 64 KiB writes", b, t, gib_per_sec);
    println!(
        "success_path ratio (wrapped/bare throughput): {:.2}x",
        b / t
    );
}

criterion_group!(benches, bench_poll, bench_loopback, ratios);
criterion_main!(benches);
