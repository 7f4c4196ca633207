//! A tour of wsa-trace against misbehaving loopback servers.
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! Everything happens on 127.0.0.1 and takes under a second. The tour installs a tracing
//! subscriber (`wsa_trace` events at DEBUG and above, printed to stdout) and a Prometheus
//! recorder, then makes socket calls fail the ways they fail in production:
//!
//! | scenario | what the server does | failing call | expected code |
//! |---|---|---|---|
//! | refused | nothing listens on the port | connect | `WSAECONNREFUSED` |
//! | reset | accepts, then closes with `SO_LINGER` 0 | read | `WSAECONNRESET` |
//! | mid-write | reads 1 KiB, then closes while the client writes | write | `WSAESHUTDOWN` or `WSAECONNRESET` |
//! | stalled | accepts and never answers | read, under a 300 ms deadline | `WSAETIMEDOUT` |
//! | bind | another listener holds the port | bind | `WSAEADDRINUSE` |
//! | would block | sends nothing | `try_read` | `WSAEWOULDBLOCK` |
//! | two addresses (feature `hyper`) | one name resolves to a port where nothing listens, then a server; then to two such ports | connect, one event per attempt | `WSAECONNREFUSED`, and an error that lists both attempts |
//! | a library's log line (feature `layer`) | nothing listens; hyper-util's client logs the refused connect itself | connect | `WSAECONNREFUSED`, counted by `WsaLayer` |
//!
//! The connects, reads and writes go through `TcpStream::connect` wrapped in
//! `TraceConnectLayer`, whose `TraceStream` observes every I/O error; the deadline, the bind
//! and the `try_read` are one-off calls observed with `ObserveExt`. For each scenario the tour
//! prints a header, the structured event the observer emitted, and the error the caller got
//! back: the very error the call returned (same kind, same `raw_os_error()`), observed on its
//! way out, not rewrapped. It ends with the per-code counters in Prometheus text.
//!
//! The tour checks what it shows: it exits non-zero with a message if a scenario did not map
//! to its expected code or was not counted.
//!
//! Under Wine (8.0), which ends a read after a reset as a graceful close and reports the reset
//! on the next write only, the reset scenario writes once more and expects `WSAECONNRESET` on
//! that write; on Windows and Linux it expects it on the read.
//!
//! With `--serve [ADDR]` (default `127.0.0.1:9898`, loopback only; `127.0.0.1:0` picks a free
//! port) the tour then keeps going: it serves `/metrics` for Prometheus and `/report` with its
//! own counts, and runs the scenarios again every 500 ms, until killed or until
//! `--for SECONDS` is up. See `serve.rs`.
//!
//! ```text
//! cargo run --example tour -- --serve 127.0.0.1:0 --for 60
//! ```

#[cfg(feature = "hyper")]
mod attempts;
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
mod endpoint;
#[cfg(feature = "layer")]
mod library;
mod scenarios;
mod serve;
mod servers;

use std::future::Future;
use std::io::{self, Write};
use std::process::ExitCode;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use wsa_trace::observe::{Level, Observer, TARGET};
use wsa_trace::{Mapping, Op, WsaCode};

use scenarios::Failure;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let serve = match serve::Options::from_args() {
        Ok(serve) => serve,
        Err(err) if err.is::<serve::Help>() => {
            let mut stdout = io::stdout().lock();
            let printed = stdout
                .write_all(serve::USAGE.as_bytes())
                .and_then(|()| stdout.flush());
            return match printed {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        Err(err) => {
            eprintln!("tour: {err}");
            return ExitCode::from(2);
        }
    };
    let run = async {
        let (prometheus, counter, seen) = tour().await?;
        match serve {
            Some(options) => serve::run(options, prometheus, &counter, &seen).await,
            None => Ok(()),
        }
    };
    match run.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("\ntour FAILED: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every scenario once. Returns the recorder's handle, the error counter's name and
/// what each scenario made fail.
async fn tour() -> Result<(PrometheusHandle, String, [(WsaCode, Op); 6]), Failure> {
    let prometheus = install_telemetry()?;
    let observer = Observer::new();

    let seen = [
        check(
            "refused",
            scenarios::refused(&observer),
            Op::Connect,
            &[WsaCode::WSAECONNREFUSED],
        )
        .await?,
        check(
            "reset",
            scenarios::reset(&observer),
            scenarios::reset_op(),
            &[WsaCode::WSAECONNRESET],
        )
        .await?,
        check(
            "mid-write",
            scenarios::closed_mid_write(&observer),
            Op::Write,
            // EPIPE maps to WSAESHUTDOWN; Linux reports either, depending on timing.
            &[WsaCode::WSAESHUTDOWN, WsaCode::WSAECONNRESET],
        )
        .await?,
        check(
            "stalled",
            scenarios::stalled(&observer),
            Op::Read,
            &[WsaCode::WSAETIMEDOUT],
        )
        .await?,
        check(
            "bind",
            scenarios::addr_in_use(&observer),
            Op::Bind,
            &[WsaCode::WSAEADDRINUSE],
        )
        .await?,
        check(
            "would block",
            scenarios::would_block(&observer),
            Op::Read,
            &[WsaCode::WSAEWOULDBLOCK],
        )
        .await?,
    ];

    #[cfg(feature = "hyper")]
    attempts::two_addresses().await?;
    #[cfg(feature = "layer")]
    library::refused_in_a_library(&observer, &prometheus).await?;

    println!("\n== metrics (Prometheus text)");
    let text = prometheus.render();
    let name = observer.counter_name();
    // `# HELP` and `# TYPE` first, then the samples, sorted so that runs compare line by line.
    let (comments, mut samples): (Vec<&str>, Vec<&str>) = text
        .lines()
        .filter(|line| line.contains(name))
        .partition(|line| line.starts_with('#'));
    samples.sort_unstable();
    for line in comments.iter().chain(&samples) {
        println!("{line}");
    }
    for (code, op) in seen {
        // Two scenarios may fail alike (under Wine, reset and mid-write both reset a write).
        let times = seen.iter().filter(|&&other| other == (code, op)).count();
        expect_counted(&text, name, code, op, times)?;
    }
    Ok((prometheus, name.to_owned(), seen))
}

/// Prints `wsa_trace` events (DEBUG and above) to stdout, plain text with the target, and
/// installs the Prometheus recorder: both before the first error is observed.
fn install_telemetry() -> Result<PrometheusHandle, Failure> {
    let events = tracing_subscriber::fmt::layer()
        .compact()
        .with_ansi(false)
        .without_time()
        .with_target(true);
    tracing_subscriber::registry()
        .with(Targets::new().with_target(TARGET, Level::DEBUG))
        .with(events)
        .try_init()?;
    Ok(PrometheusBuilder::new().install_recorder()?)
}

/// Runs one scenario, shows the error as the caller received it, and checks that it maps to
/// one of `codes`. Returns what the counter should now hold.
async fn check(
    name: &str,
    scenario: impl Future<Output = Result<io::Error, Failure>>,
    op: Op,
    codes: &[WsaCode],
) -> Result<(WsaCode, Op), Failure> {
    let err = scenario
        .await
        .map_err(|failure| format!("{name}: {failure}"))?;
    println!(
        "   caller got back: kind={:?} raw_os_error={:?}",
        err.kind(),
        err.raw_os_error()
    );
    match Mapping::from_io_error(&err).code() {
        Some(code) if codes.contains(&code) => Ok((code, op)),
        other => {
            Err(format!("{name}: expected one of {codes:?}, got {other:?} from: {err}").into())
        }
    }
}

/// Checks that the counter has exactly `times` errors for `code` and `op`.
fn expect_counted(
    text: &str,
    name: &str,
    code: WsaCode,
    op: Op,
    times: usize,
) -> Result<(), Failure> {
    let code_label = format!("code=\"{}\"", code.label());
    let op_label = format!("op=\"{}\"", op.as_str());
    let value = format!(" {times}");
    let counted = text.lines().any(|line| {
        line.starts_with(name)
            && line.contains(&code_label)
            && line.contains(&op_label)
            && line.ends_with(&value)
    });
    if counted {
        Ok(())
    } else {
        Err(format!("{name} has no sample {{{code_label},{op_label}}} = {times}").into())
    }
}
