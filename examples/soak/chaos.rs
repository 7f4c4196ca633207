//! The chaos: what can happen to one connection, the seeded schedule that picks it, and the
//! loopback server that does it, behind a `GuardedListener`.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use wsa_trace::net::{Accept, GuardedListener};
use wsa_trace::{default_class, Mapping, Op, Retry};

use crate::common::WAIT;

/// What a normal answer and the first part of a reset one hold.
pub const ANSWER: usize = 4096;
/// What the server reads of a client's upload before it closes in the middle of it.
pub const UPLOAD_READ: usize = 1024;

/// What happens to one connection. The client sends it to the server as its first byte
/// (except [`Scenario::Refuse`], which goes to a port where nothing listens).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scenario {
    /// The connect goes to a closed port and is refused.
    Refuse,
    /// The server aborts the connection (`SO_LINGER` 0) as soon as it is accepted and has
    /// named its scenario, before it answers anything.
    ResetOnAccept,
    /// The server sends part of an answer, then aborts.
    ResetMidStream,
    /// The server reads part of the client's upload, then closes with the rest unread.
    CloseMidWrite,
    /// The server says nothing until the client's read timeout has passed.
    Stall,
    /// The server answers [`ANSWER`] bytes and closes.
    Normal,
}

impl Scenario {
    /// Every scenario, in the order of their bytes.
    pub const ALL: [Scenario; 6] = [
        Scenario::Refuse,
        Scenario::ResetOnAccept,
        Scenario::ResetMidStream,
        Scenario::CloseMidWrite,
        Scenario::Stall,
        Scenario::Normal,
    ];

    /// A short name for the summary.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Refuse => "refuse",
            Scenario::ResetOnAccept => "reset_on_accept",
            Scenario::ResetMidStream => "reset_mid_stream",
            Scenario::CloseMidWrite => "close_mid_write",
            Scenario::Stall => "stall",
            Scenario::Normal => "normal",
        }
    }

    /// The scenario's byte on the wire and its index in [`Scenario::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    fn from_byte(byte: u8) -> Option<Scenario> {
        Scenario::ALL.get(usize::from(byte)).copied()
    }
}

/// The schedule: splitmix64, seeded per client, so that `--seed` replays each client's
/// sequence of scenarios.
#[derive(Debug)]
pub struct Schedule(u64);

impl Schedule {
    pub fn new(seed: u64, client: u64) -> Schedule {
        let mut schedule = Schedule(seed);
        schedule.0 ^= schedule.next_u64().wrapping_add(client);
        schedule
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next connection's scenario, each as likely as the others.
    pub fn next_scenario(&mut self) -> Scenario {
        Scenario::ALL[(self.next_u64() % Scenario::ALL.len() as u64) as usize]
    }
}

/// What the server did, counted by the server itself.
#[derive(Debug, Default)]
pub struct ServerTally {
    /// Connections given each scenario, by [`Scenario::index`].
    pub injected: [AtomicU64; 6],
    /// Accept errors the listener returned, by code.
    pub accept_errors: Mutex<BTreeMap<&'static str, u64>>,
    /// Those of them that advise a pause (resource exhaustion), for which the guard backs off.
    pub backoffs: AtomicU64,
    /// Connections that did not go as their scenario says.
    pub unexpected: AtomicU64,
    /// Connections being served now.
    pub active: AtomicU64,
    /// Connections the server is done with.
    pub finished: AtomicU64,
}

/// The server's listener, tallying every error it returns before the guard sees it.
struct TallyingListener {
    inner: TcpListener,
    tally: Arc<ServerTally>,
}

impl Accept for TallyingListener {
    type Conn = TcpStream;
    type Addr = SocketAddr;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let polled = self.inner.poll_accept(cx);
        if let Poll::Ready(Err(err)) = &polled {
            let mapping = Mapping::from_io_error(err);
            *self
                .tally
                .accept_errors
                .lock()
                .unwrap()
                .entry(mapping.label())
                .or_default() += 1;
            if default_class(mapping.code(), Op::Accept).retry() == Retry::Backoff {
                self.tally.backoffs.fetch_add(1, Ordering::SeqCst);
            }
        }
        polled
    }
}

/// Starts the chaos server on a loopback port. It runs until the runtime ends.
pub async fn start_server(tally: Arc<ServerTally>) -> io::Result<SocketAddr> {
    let inner = TcpListener::bind("127.0.0.1:0").await?;
    let addr = inner.local_addr()?;
    let mut listener = GuardedListener::new(TallyingListener {
        inner,
        tally: tally.clone(),
    });
    tokio::spawn(async move {
        // Only an error that concerns the listener itself ends the loop; it is tallied.
        while let Ok((stream, _)) = listener.accept().await {
            tally.active.fetch_add(1, Ordering::SeqCst);
            let tally = tally.clone();
            tokio::spawn(async move {
                if serve(stream, &tally).await.is_err() {
                    tally.unexpected.fetch_add(1, Ordering::SeqCst);
                }
                tally.finished.fetch_add(1, Ordering::SeqCst);
                tally.active.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Ok(addr)
}

/// Serves one connection as its first byte says.
async fn serve(mut stream: TcpStream, tally: &ServerTally) -> io::Result<()> {
    let mut first = [0u8];
    timeout(WAIT, stream.read_exact(&mut first)).await??;
    let scenario = Scenario::from_byte(first[0])
        .filter(|&s| s != Scenario::Refuse)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no such scenario"))?;
    match scenario {
        Scenario::ResetOnAccept => stream.set_zero_linger()?,
        Scenario::ResetMidStream => {
            timeout(WAIT, stream.write_all(&[b'x'; ANSWER / 2])).await??;
            stream.set_zero_linger()?;
        }
        Scenario::CloseMidWrite => {
            let mut upload = [0u8; UPLOAD_READ];
            timeout(WAIT, stream.read_exact(&mut upload)).await??;
        }
        Scenario::Stall => {
            // Nothing is sent; the client gives up and closes.
            let mut rest = Vec::new();
            timeout(WAIT, stream.read_to_end(&mut rest)).await??;
        }
        Scenario::Normal => timeout(WAIT, stream.write_all(&[b'x'; ANSWER])).await??,
        Scenario::Refuse => unreachable!("filtered out above"),
    }
    tally.injected[scenario.index()].fetch_add(1, Ordering::SeqCst);
    Ok(())
}
