//! The hand-written text scanner against aho-corasick (the multi-pattern searcher behind
//! `regex`, whose prefilters are memchr's vectorised searches): on the message `WsaLayer`
//! reads from `benches/layer.rs`'s event, and on a large generated log read line by line, as
//! `wsa explain` reads it.
//!
//! The aho-corasick variants only find whether, or where, a candidate starts: a lead of a
//! number form, a WSA symbol, an errno name, or the words a phrase is known by, without
//! regard to case. They check no word boundary, read no number and weigh no form against
//! another, so they are a floor under any scanner built on aho-corasick: if the floor is not
//! clearly faster than the whole hand-written scanner, a switch cannot pay.
//!
//! After criterion's groups, the figures pass (under `cargo bench` only) prints the medians
//! of interleaved rounds and the ratios.

mod common;

use std::hint::black_box;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, Criterion};
use wsa_trace::scan::{scan, Platform, Scanner};
use wsa_trace::WsaCode;

use common::{interleaved, run_by_cargo_bench};

/// The message of `benches/layer.rs`'s event with no socket error, as formatted.
const MESSAGE: &str = "checkout of pooled connection http://127.0.0.1:8080 succeeded";

/// Lines of the generated log.
const LINES: usize = 20_000;

/// Every this many lines, one holds a socket error.
const ERROR_EVERY: usize = 20;

/// The candidates the floor looks for: the leads of the number forms, then (added from the
/// catalog) every symbol and errno name, then the words the phrases are known by.
const LEADS: &[&str] = &[
    "os error",
    "os { code",
    "errno",
    "winerror",
    "socketexception",
    "error",
    "code",
    "0x8007",
    "-2147",
];

const PHRASE_WORDS: &[&str] = &[
    "connection refused",
    "connection reset",
    "no route to host",
    "too many open files",
    "broken pipe",
    "timed out",
    "i/o timeout",
    "network is",
    "host is down",
    "address already in use",
    "assign requested address",
    "connection abort",
    "not connected",
    "no buffer space",
    "temporarily unavailable",
    "dropped connection",
    "send after",
    "forcibly closed",
    "actively refused",
    "did not properly respond",
    "connection was aborted",
];

fn searcher() -> AhoCorasick {
    let mut patterns: Vec<String> = LEADS.iter().map(|s| s.to_string()).collect();
    for code in WsaCode::all() {
        patterns.extend(code.name().map(str::to_owned));
        patterns.extend(code.berkeley().map(str::to_owned));
    }
    patterns.extend(PHRASE_WORDS.iter().map(|s| s.to_string()));
    // A full DFA: the fastest search aho-corasick offers, at the cost of memory.
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .expect("the candidates build a searcher")
}

/// A service's log: fmt lines with timestamps, targets, messages and fields, one in
/// [`ERROR_EVERY`] holding a socket error in one of the forms libraries write.
fn generated_log() -> String {
    const PLAIN: &[&str] = &[
        "INFO hyper_util::client::legacy::pool: checkout of pooled connection succeeded peer=10.0.{a}.{b}:8080 attempt={c}",
        "DEBUG h2::codec::framed_write: send frame=Data {{ stream_id: StreamId({c}), flags: (0x1: END_STREAM) }}",
        "INFO api::handlers: request served method=GET path=/v1/items/{c} status=200 elapsed={b}.{a}ms",
        "WARN api::handlers: slow upstream retries={a} upstream=http://10.1.{b}.{a}:9000 took={c}ms",
        "INFO tower_http::trace::on_response: finished processing request latency={b} ms status=204",
    ];
    const ERRORS: &[&str] = &[
        "ERROR axum::serve: accept error: Too many open files (os error 24)",
        "DEBUG hyper_util::client::legacy::client: client connection error: error shutting down connection: Connection reset by peer (os error 104)",
        "ERROR db::pool: psycopg2.OperationalError: could not connect to server: [Errno 111] Connection refused",
        "WARN proxy: dial tcp 10.0.0.1:80: connect: no route to host",
        "ERROR dotnet: System.Net.Sockets.SocketException (10054): An existing connection was forcibly closed by the remote host",
    ];
    let mut log = String::new();
    for i in 0..LINES {
        let line = if i % ERROR_EVERY == ERROR_EVERY - 1 {
            ERRORS[i / ERROR_EVERY % ERRORS.len()].to_owned()
        } else {
            PLAIN[i % PLAIN.len()]
                .replace("{a}", &(i % 256).to_string())
                .replace("{b}", &(i * 7 % 100).to_string())
                .replace("{c}", &(i * 13 % 10_000).to_string())
        };
        log.push_str(&format!(
            "2026-11-30T08:{:02}:{:02}.{:06}Z {line}\n",
            i / 3600 % 60,
            i / 60 % 60,
            i * 37 % 1_000_000
        ));
    }
    log
}

/// Lines with a socket error, read as `wsa explain` reads them: one scanner, line by line.
fn by_hand(scanner: &mut Scanner, log: &str) -> usize {
    log.lines()
        .filter(|line| {
            scanner.feed(line.as_bytes());
            scanner.finish().is_some()
        })
        .count()
}

/// Lines with a candidate, line by line.
fn floor_by_line(ac: &AhoCorasick, log: &str) -> usize {
    log.lines().filter(|line| ac.is_match(line)).count()
}

/// Candidates in the whole log at once.
fn floor_whole(ac: &AhoCorasick, log: &str) -> usize {
    ac.find_iter(log).count()
}

fn bench(c: &mut Criterion) {
    let ac = searcher();
    let log = generated_log();
    let mut scanner = Scanner::new(Platform::Linux);
    let mut group = c.benchmark_group("scanner/message");
    group.bench_function("hand_written", |b| {
        b.iter(|| scan(black_box(MESSAGE), Platform::Linux))
    });
    group.bench_function("aho_corasick_floor", |b| {
        b.iter(|| ac.is_match(black_box(MESSAGE)))
    });
    group.finish();
    let mut group = c.benchmark_group("scanner/log");
    group.bench_function("hand_written", |b| {
        b.iter(|| by_hand(&mut scanner, black_box(&log)))
    });
    group.bench_function("aho_corasick_floor_by_line", |b| {
        b.iter(|| floor_by_line(&ac, black_box(&log)))
    });
    group.bench_function("aho_corasick_floor_whole", |b| {
        b.iter(|| floor_whole(&ac, black_box(&log)))
    });
    group.finish();
}

fn figures(_: &mut Criterion) {
    if !run_by_cargo_bench() {
        return;
    }
    let ac = searcher();
    let log = generated_log();
    let mut scanner = Scanner::new(Platform::Linux);
    let found = by_hand(&mut scanner, &log);
    assert_eq!(
        found,
        LINES / ERROR_EVERY,
        "the scanner finds every error line"
    );

    let [hand, floor] = interleaved(
        20_000,
        &mut [
            &mut || {
                black_box(scan(black_box(MESSAGE), Platform::Linux));
            },
            &mut || {
                black_box(ac.is_match(black_box(MESSAGE)));
            },
        ],
    );
    println!(
        "\nthe layer bench's message ({} bytes), medians:",
        MESSAGE.len()
    );
    println!(
        "  hand-written scanner {hand:>6.1} ns, aho-corasick floor {floor:>6.1} ns: floor / scanner {:.2}x",
        floor / hand
    );

    let per_line = |ns: f64| ns / LINES as f64;
    let [hand, by_line, whole] = interleaved(
        3,
        &mut [
            &mut || {
                black_box(by_hand(&mut scanner, black_box(&log)));
            },
            &mut || {
                black_box(floor_by_line(&ac, black_box(&log)));
            },
            &mut || {
                black_box(floor_whole(&ac, black_box(&log)));
            },
        ],
    );
    println!(
        "a generated log of {LINES} lines ({} KiB, one in {ERROR_EVERY} with a socket error), per line, medians:",
        log.len() / 1024
    );
    println!(
        "  hand-written scanner {:>6.1} ns, aho-corasick floor line by line {:>6.1} ns ({:.2}x), over the whole log {:>6.1} ns ({:.2}x)",
        per_line(hand),
        per_line(by_line),
        by_line / hand,
        per_line(whole),
        whole / hand
    );
}

criterion_group!(benches, bench, figures);
criterion_main!(benches);
