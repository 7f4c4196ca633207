//! One client: connects through `RetryPolicy` + `TraceConnectLayer`, reads and writes through
//! the `TraceStream` it gets, and tallies every error it is handed, with its operation.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};
use tower::util::rng::HasherRng;
use tower::{service_fn, Service, ServiceBuilder, ServiceExt};
use wsa_trace::retry::{ExponentialBackoffMaker, RetryPolicy};
use wsa_trace::{Mapping, ObserveExt, Observer, Op, TraceConnectLayer, TraceStream};

use crate::chaos::{Scenario, Schedule, ANSWER};
use crate::common::WAIT;

/// The client's read timeout, which a stalled server outlasts.
pub const READ_TIMEOUT: Duration = Duration::from_millis(100);
/// The most connections one client makes in one phase.
const MAX_CONNECTIONS: u64 = 10_000_000;
/// The most an upload to a server that closes in the middle of it may send: far more than
/// the socket buffers hold, so a write always meets the closed connection.
const UPLOAD_CHUNKS: usize = 1024;
const CHUNK: usize = 64 * 1024;

/// Errors by (code, operation).
pub type Errors = BTreeMap<(&'static str, &'static str), u64>;

/// What one client saw.
#[derive(Debug, Default)]
pub struct ClientTally {
    /// Every error handed to the client, each connect attempt's included.
    pub errors: Errors,
    /// Connections by scenario.
    pub connections: [u64; 6],
    /// Connections that reached the server and named their scenario.
    pub reached: [u64; 6],
    /// Connections that went as their scenario says.
    pub as_scheduled: [u64; 6],
    /// What did not, the first few.
    pub unexpected: Vec<String>,
    pub unexpected_count: u64,
}

impl ClientTally {
    fn error(&mut self, err: &io::Error, op: Op) {
        *self.errors.entry((label(err), op.as_str())).or_default() += 1;
    }

    fn unexpected(&mut self, scenario: Scenario, what: String) {
        self.unexpected_count += 1;
        if self.unexpected.len() < 5 {
            self.unexpected.push(format!("{}: {what}", scenario.name()));
        }
    }

    /// Adds `other` to this tally.
    pub fn merge(&mut self, other: ClientTally) {
        for (key, n) in other.errors {
            *self.errors.entry(key).or_default() += n;
        }
        for i in 0..Scenario::ALL.len() {
            self.connections[i] += other.connections[i];
            self.reached[i] += other.reached[i];
            self.as_scheduled[i] += other.as_scheduled[i];
        }
        self.unexpected_count += other.unexpected_count;
        let room = 5usize.saturating_sub(self.unexpected.len());
        self.unexpected
            .extend(other.unexpected.into_iter().take(room));
    }
}

fn label(err: &io::Error) -> &'static str {
    Mapping::from_io_error(err).label()
}

/// The addresses a client connects to.
#[derive(Clone, Copy, Debug)]
pub struct Targets {
    pub chaos: SocketAddr,
    pub refusing: SocketAddr,
}

/// Runs one client until `deadline`.
pub async fn run(targets: Targets, mut schedule: Schedule, deadline: Instant) -> ClientTally {
    // Each connect attempt's error, as the innermost service returned it.
    let attempts = Arc::new(Mutex::new(Errors::new()));
    let tallied = attempts.clone();
    let backoff = ExponentialBackoffMaker::new(
        Duration::from_millis(1),
        Duration::from_millis(8),
        0.5,
        HasherRng::default(),
    )
    .expect("a valid backoff");
    let mut connector = ServiceBuilder::new()
        .retry(RetryPolicy::connector().backoff(backoff))
        .layer(TraceConnectLayer::new())
        .service(service_fn(move |addr: SocketAddr| {
            let tallied = tallied.clone();
            async move {
                let connected = TcpStream::connect(addr).await;
                if let Err(err) = &connected {
                    *tallied
                        .lock()
                        .unwrap()
                        .entry((label(err), Op::Connect.as_str()))
                        .or_default() += 1;
                }
                connected
            }
        }));
    let observer = Observer::new();
    let upload = vec![0u8; CHUNK];
    let mut tally = ClientTally::default();
    let mut made = 0;
    while Instant::now() < deadline && made < MAX_CONNECTIONS {
        made += 1;
        let scenario = schedule.next_scenario();
        tally.connections[scenario.index()] += 1;
        let addr = match scenario {
            Scenario::Refuse => targets.refusing,
            _ => targets.chaos,
        };
        let ready = match timeout(WAIT, connector.ready()).await {
            Ok(Ok(ready)) => ready,
            _ => {
                tally.unexpected(scenario, "the connector was not ready".into());
                continue;
            }
        };
        let stream = match timeout(WAIT, ready.call(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(err)) if scenario == Scenario::Refuse => {
                let _ = err;
                tally.as_scheduled[scenario.index()] += 1;
                continue;
            }
            Ok(Err(err)) => {
                tally.unexpected(scenario, format!("connect failed: {err}"));
                continue;
            }
            Err(_) => {
                tally.unexpected(scenario, "connect timed out".into());
                continue;
            }
        };
        if scenario == Scenario::Refuse {
            tally.unexpected(scenario, "the closed port accepted".into());
            continue;
        }
        drive(scenario, stream, &observer, &upload, &mut tally).await;
    }
    for (key, n) in std::mem::take(&mut *attempts.lock().unwrap()) {
        *tally.errors.entry(key).or_default() += n;
    }
    tally
}

/// Names the scenario to the server, then meets what it does.
async fn drive(
    scenario: Scenario,
    mut stream: TraceStream<TcpStream>,
    observer: &Observer,
    upload: &[u8],
    tally: &mut ClientTally,
) {
    let i = scenario.index();
    match timeout(WAIT, stream.write_all(&[i as u8])).await {
        Ok(Ok(())) => tally.reached[i] += 1,
        Ok(Err(err)) => {
            tally.error(&err, Op::Write);
            return tally.unexpected(scenario, format!("naming the scenario: {err}"));
        }
        Err(_) => return tally.unexpected(scenario, "naming the scenario timed out".into()),
    }
    let mut buf = vec![0u8; ANSWER];
    match scenario {
        Scenario::ResetOnAccept | Scenario::ResetMidStream => loop {
            match timeout(WAIT, stream.read(&mut buf)).await {
                Ok(Ok(0)) => break tally.unexpected(scenario, "a clean end".into()),
                Ok(Ok(_)) => continue,
                Ok(Err(err)) => {
                    tally.error(&err, Op::Read);
                    break tally.as_scheduled[i] += 1;
                }
                Err(_) => break tally.unexpected(scenario, "the read timed out".into()),
            }
        },
        Scenario::CloseMidWrite => {
            let mut failed = false;
            for _ in 0..UPLOAD_CHUNKS {
                match timeout(WAIT, stream.write_all(upload)).await {
                    Ok(Ok(())) => continue,
                    Ok(Err(err)) => {
                        tally.error(&err, Op::Write);
                        tally.as_scheduled[i] += 1;
                    }
                    Err(_) => tally.unexpected(scenario, "the write timed out".into()),
                }
                failed = true;
                break;
            }
            if !failed {
                tally.unexpected(scenario, "the whole upload was written".into());
            }
        }
        Scenario::Stall => match timeout(READ_TIMEOUT, stream.read(&mut buf)).await {
            Err(elapsed) => {
                let timed_out = Err::<usize, _>(io::Error::new(io::ErrorKind::TimedOut, elapsed))
                    .observe_peer(observer, Op::Read, stream.peer());
                if let Err(err) = timed_out {
                    tally.error(&err, Op::Read);
                }
                tally.as_scheduled[i] += 1;
            }
            Ok(Ok(n)) => tally.unexpected(scenario, format!("read {n} bytes")),
            Ok(Err(err)) => {
                tally.error(&err, Op::Read);
                tally.unexpected(scenario, format!("read failed: {err}"));
            }
        },
        Scenario::Normal => {
            let mut answer = Vec::with_capacity(ANSWER);
            match timeout(WAIT, stream.read_to_end(&mut answer)).await {
                Ok(Ok(n)) if n == ANSWER => tally.as_scheduled[i] += 1,
                Ok(Ok(n)) => tally.unexpected(scenario, format!("answer of {n} bytes")),
                Ok(Err(err)) => {
                    tally.error(&err, Op::Read);
                    tally.unexpected(scenario, format!("read failed: {err}"));
                }
                Err(_) => tally.unexpected(scenario, "the read timed out".into()),
            }
        }
        Scenario::Refuse => unreachable!("a refused connect has no stream"),
    }
}
