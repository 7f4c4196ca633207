//! A chaos soak: `cargo run --release --example soak -- --secs N [--seed S]`.
//!
//! One loopback chaos server, behind a `GuardedListener`, and 64 concurrent clients that
//! connect through `RetryPolicy` + `TraceConnectLayer` and read and write through the
//! `TraceStream` they get. Each connection meets one scenario, drawn from a seeded schedule
//! (the seed is printed; `--seed` replays every client's sequence): refused (a closed port),
//! reset as soon as it is accepted, reset in the middle of the answer, closed in the middle
//! of the client's upload, stalled past the client's read timeout, or served normally.
//!
//! At the end the crate's counters, read back from an in-process recorder, are compared per
//! (code, op) with what the clients tallied (every error each was handed, every connect
//! attempt included) and what the server tallied (its accept errors, the scenarios it
//! played); each retry decision is compared with the refused attempts; and the process's
//! open descriptors before the first client and after the last are compared, and so is its
//! resident memory at the end of a warm-up and at the end, under the same load.
//! One summary line; exit status 0 only if every count is exact, the scenarios went as
//! scheduled, the descriptors are back to the same number and memory grew by less than
//! [`RSS_GROWTH_LIMIT_KIB`].

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

mod chaos;
mod client;
mod report;

use std::error::Error;
use std::io;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use metrics_util::debugging::{DebuggingRecorder, Snapshotter};
use tokio::time::Instant;

use chaos::{Scenario, Schedule, ServerTally};
use client::{ClientTally, Errors, Targets};
use report::{differences, Resources};

const USAGE: &str = "usage: soak [--secs N] [--seed S]
  --secs N   how long the soak runs after a 2 s warm-up, 1 to 86400 (default 30)
  --seed S   the schedule's seed, to replay a run (default: from the clock, printed)";

/// Concurrent clients.
const CLIENTS: u64 = 64;
/// The warm-up before memory is first measured: every client, every scenario, every code and
/// counter series has been through by then, and the allocator holds what the load needs.
const WARMUP: Duration = Duration::from_secs(2);
/// How much resident memory may grow between the end of the warm-up and the end, both
/// sampled under the same load. Once warm, the footprint is flat to within a few hundred KiB
/// (the allocator's per-thread caches and the busiest moment of 64 clients, each with a
/// 64 KiB upload buffer); a leak of 300 bytes per connection over the ~30,000 connections of
/// a 10 s run would not fit.
const RSS_GROWTH_LIMIT_KIB: u64 = 8 * 1024;

const ERRORS: &str = "wsa_socket_errors_total";
const RETRIES: &str = "wsa_retries_total";
const BACKOFFS: &str = "wsa_accept_backoffs_total";

struct Args {
    secs: u64,
    seed: u64,
}

/// `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut secs = 30;
    let mut seed = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--secs" => {
                let v = value("--secs")?;
                secs = v
                    .parse()
                    .ok()
                    .filter(|s| (1..=86_400).contains(s))
                    .ok_or(format!("--secs {v:?}: a whole number from 1 to 86400"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = Some(
                    v.parse()
                        .map_err(|_| format!("--seed {v:?}: a whole number below 2^64"))?,
                );
            }
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let seed = seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    Ok(Some(Args { secs, seed }))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("soak: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    if recorder.install().is_err() {
        eprintln!("soak: a metrics recorder is already installed");
        return ExitCode::from(2);
    }
    println!(
        "soak: seed={} secs={} clients={CLIENTS} (replay with --seed {})",
        args.seed, args.secs, args.seed
    );
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Into::into)
        .and_then(|runtime| runtime.block_on(soak(&args, &snapshotter)));
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("soak: could not run: {err}");
            ExitCode::from(2)
        }
    }
}

/// Runs the warm-up and the soak; prints the summary; tells whether everything held.
async fn soak(args: &Args, snapshotter: &Snapshotter) -> Result<bool, Box<dyn Error>> {
    let server = Arc::new(ServerTally::default());
    let chaos = chaos::start_server(server.clone()).await?;
    let (_closed, refusing) = common::refusing_port()?;
    let targets = Targets { chaos, refusing };

    // Descriptors are compared at rest: before the first client and after the last.
    let fds_before = Resources::now()?.fds;
    let started = Instant::now();
    let deadline = started + WARMUP + Duration::from_secs(args.secs);
    // Memory is compared under load: at the end of the warm-up and just before the end.
    let sampler = tokio::spawn(async move {
        tokio::time::sleep_until(started + WARMUP).await;
        let first = Resources::now()?.rss_kib;
        tokio::time::sleep_until(deadline - Duration::from_millis(500)).await;
        io::Result::Ok((first, Resources::now()?.rss_kib))
    });
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| tokio::spawn(client::run(targets, Schedule::new(args.seed, c), deadline)))
        .collect();
    let mut tally = ClientTally::default();
    for client in clients {
        tally.merge(client.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (rss_start, rss_end) = sampler.await??;
    quiesce(&server, tally.reached.iter().sum()).await?;
    let fds_after = Resources::now()?.fds;

    let mut problems = Vec::new();
    let counters = report::counters(snapshotter);
    let counted = |name: &str| counters.get(name).cloned().unwrap_or_default();

    // Every error a client was handed, and every accept error, counted once, with its op.
    let mut expected = tally.errors.clone();
    for (&code, &n) in server.accept_errors.lock().unwrap().iter() {
        *expected.entry((code, "accept")).or_default() += n;
    }
    problems.extend(
        differences(&expected, &counted(ERRORS))
            .into_iter()
            .map(|d| format!("errors {d}")),
    );
    // One retry decision for each failed connect attempt.
    let connects: Errors = tally
        .errors
        .iter()
        .filter(|((_, op), _)| *op == "connect")
        .map(|(&k, &n)| (k, n))
        .collect();
    problems.extend(
        differences(&connects, &counted(RETRIES))
            .into_iter()
            .map(|d| format!("retries {d}")),
    );
    let backoffs: u64 = counted(BACKOFFS).values().sum();
    let expected_backoffs = server.backoffs.load(Ordering::SeqCst);
    if backoffs != expected_backoffs {
        problems.push(format!(
            "accept backoffs tallied={expected_backoffs} counted={backoffs}"
        ));
    }

    // Every scenario went as scheduled, and the server played each one the clients asked for.
    let mut scenarios = Vec::new();
    for s in Scenario::ALL {
        let i = s.index();
        let injected = match s {
            Scenario::Refuse => tally.connections[i],
            _ => server.injected[i].load(Ordering::SeqCst),
        };
        let reached = match s {
            Scenario::Refuse => tally.connections[i],
            _ => tally.reached[i],
        };
        if injected != reached || tally.as_scheduled[i] != tally.connections[i] {
            problems.push(format!(
                "{}: connections={} reached={reached} injected={injected} as_scheduled={}",
                s.name(),
                tally.connections[i],
                tally.as_scheduled[i]
            ));
        }
        scenarios.push(format!("{}={injected}", s.name()));
    }
    problems.extend(tally.unexpected.iter().map(|u| format!("unexpected {u}")));
    let server_unexpected = server.unexpected.load(Ordering::SeqCst);
    if server_unexpected > 0 {
        problems.push(format!("{server_unexpected} server connections went wrong"));
    }

    let growth = rss_end.saturating_sub(rss_start);
    if fds_after != fds_before {
        problems.push(format!(
            "descriptors: {fds_before} before the clients, {fds_after} after"
        ));
    }
    if growth >= RSS_GROWTH_LIMIT_KIB {
        problems.push(format!("resident memory grew by {growth} KiB"));
    }

    for problem in &problems {
        eprintln!("soak: {problem}");
    }
    let errors: u64 = expected.values().sum();
    let connections: u64 = tally.connections.iter().sum();
    let retries: u64 = counted(RETRIES).values().sum();
    println!(
        "soak: {} seed={} secs={}+{} warm-up clients={CLIENTS} connections={connections} \
         errors={errors} errors_per_s={:.0} counted_exactly={} retry_decisions={retries} \
         accept_backoffs={backoffs} scenarios[{}] counts[{}] fds={fds_before}->{fds_after} \
         rss_kib={rss_start}->{rss_end} (+{growth}, limit {RSS_GROWTH_LIMIT_KIB})",
        if problems.is_empty() { "ok" } else { "FAILED" },
        args.seed,
        args.secs,
        WARMUP.as_secs(),
        errors as f64 / elapsed,
        if problems.is_empty() { "yes" } else { "no" },
        scenarios.join(" "),
        expected
            .iter()
            .map(|((code, op), n)| format!("{code}/{op}={n}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    Ok(problems.is_empty())
}

/// Waits until the server has finished with every connection: at least the `reached` ones
/// that named their scenario (a client may be done with a stalled connection before the
/// server has even accepted it), and none is left open.
async fn quiesce(server: &ServerTally, reached: u64) -> Result<(), String> {
    let deadline = Instant::now() + common::WAIT;
    while server.finished.load(Ordering::SeqCst) < reached
        || server.active.load(Ordering::SeqCst) > 0
    {
        if Instant::now() > deadline {
            return Err(format!(
                "the server had finished {} of {reached} connections, and still served {}, \
                 {:?} after the clients ended",
                server.finished.load(Ordering::SeqCst),
                server.active.load(Ordering::SeqCst),
                common::WAIT
            ));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}
