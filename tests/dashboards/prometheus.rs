//! From a socket error to a graph, checked with the real tools: the tour serves its counters
//! (`--serve 127.0.0.1:0`), `promtool check metrics` lints the exposition, a real
//! `prometheus` on loopback scrapes it every second, and through Prometheus's HTTP API:
//!
//! - every (counter, code, op) the tour counted itself (its `/report`) is stored, with a
//!   value above 0 and no more than the tour's count (scrapes lag, they never lead);
//! - every code has a rate, and the total rate is above 0;
//! - every metric the Grafana dashboard queries is in the live exposition, and each of the
//!   dashboard's queries runs and returns data;
//! - the per-peer counter (the tour's served observer turns it on) has the refused scene's
//!   loopback peer by `address:port`, at most `DEFAULT_PEERS + 1` series per code, and per
//!   code no more than the error counter.
//!
//! Needs `promtool` and `prometheus` on PATH or in `target/tools/prometheus/usr/bin`
//! (`scripts/setup.sh` puts them there); without them the test says SKIPPED, or fails
//! under `CI=true`. Everything listens on 127.0.0.1; every wait is bounded; what the test
//! starts is killed and its files removed when it ends.
#![cfg(unix)]

use crate::support;

use crate::dashboard_json;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use std::{env, fs, thread};

use serde_json::Value;
use wsa_trace::metrics::DEFAULT_PEERS;

use dashboard_json::{exprs, load, metric_names, to_promql};
use support::skip::skip_or_fail;
use support::tour::{request, Tour};

/// The counter the error series are in.
const ERRORS: &str = "wsa_socket_errors_total";
/// The per-peer counter.
const PEER_ERRORS: &str = "wsa_peer_errors_total";

/// The bound on each wait: the tour's first run, Prometheus' start, the first scrapes.
const WAIT: Duration = Duration::from_secs(60);

/// How often a wait on Prometheus looks again.
const POLL: Duration = Duration::from_millis(250);

/// `(counter, code, op)`, with `-` for a counter without `op`.
type Series = (String, String, String);

/// `promtool` and `prometheus`: on PATH, or unpacked by `scripts/setup.sh`.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let unpacked = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/prometheus/usr/bin");
    let dirs = env::var_os("PATH")
        .map(|path| env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let find = |name: &str| {
        dirs.iter()
            .chain([&unpacked])
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    };
    Some((find("promtool")?, find("prometheus")?))
}

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = env::temp_dir().join(format!(
            "wsa-trace-prometheus-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(dir.join("data")).expect("create a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// `%`-encodes everything but the unreserved characters of RFC 3986.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Prometheus's HTTP API on `addr`.
struct Api(SocketAddr);

impl Api {
    fn get(&self, path: &str) -> Result<Value, String> {
        let answer = request(self.0, "GET", path).map_err(|e| format!("GET {path}: {e}"))?;
        serde_json::from_str(&answer.body).map_err(|e| format!("GET {path}: {e}: {}", answer.body))
    }

    /// The result of an instant query: its series.
    fn query(&self, expr: &str) -> Result<Vec<Value>, String> {
        let answer = self.get(&format!("/api/v1/query?query={}", url_encode(expr)))?;
        if answer["status"] != "success" {
            return Err(format!(
                "{expr}: {} {}",
                answer["errorType"], answer["error"]
            ));
        }
        Ok(answer["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// The stored counters, summed by (code, op) over the other labels.
    fn stored(&self, counters: &BTreeSet<String>) -> Result<BTreeMap<Series, f64>, String> {
        let mut rows = BTreeMap::new();
        for counter in counters {
            for sample in self.query(counter)? {
                let label = |name: &str, missing: &str| {
                    sample["metric"][name]
                        .as_str()
                        .unwrap_or(missing)
                        .to_owned()
                };
                let key = (counter.clone(), label("code", "?"), label("op", "-"));
                *rows.entry(key).or_insert(0.0) += value(&sample);
            }
        }
        Ok(rows)
    }

    /// `sum by (code) (rate(errors[1m]))`, by code.
    fn rates(&self) -> Result<BTreeMap<String, f64>, String> {
        self.by_code(&format!("sum by (code) (rate({ERRORS}[1m]))"))
    }

    /// The value of each series of `expr`, by its `code`.
    fn by_code(&self, expr: &str) -> Result<BTreeMap<String, f64>, String> {
        Ok(self
            .query(expr)?
            .iter()
            .map(|s| {
                (
                    s["metric"]["code"].as_str().unwrap_or("?").to_owned(),
                    value(s),
                )
            })
            .collect())
    }
}

/// The value of an instant-query sample: `"value": [time, "number"]`.
fn value(sample: &Value) -> f64 {
    sample["value"][1]
        .as_str()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// The tour's `/report`: `counter code op count` lines.
fn report(tour: &Tour) -> BTreeMap<Series, u64> {
    let answer = tour.request("GET", "/report").expect("GET /report");
    assert_eq!(answer.status, 200, "{answer:?}");
    answer
        .body
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let [counter, code, op, count] = words[..] else {
                panic!("a report line is `counter code op count`: {line:?}")
            };
            let count = count.parse().expect("a count");
            ((counter.to_owned(), code.to_owned(), op.to_owned()), count)
        })
        .collect()
}

/// Asks `ready` every [`POLL`] until it says yes, at most [`WAIT`]; the last answer either way.
fn wait_until(mut ready: impl FnMut() -> Result<(), String>) -> Result<(), String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let answer = ready();
        if answer.is_ok() || Instant::now() >= deadline {
            return answer;
        }
        thread::sleep(POLL);
    }
}

#[test]
fn prometheus_stores_what_the_tour_counted_and_runs_every_dashboard_query() {
    let Some((promtool, prometheus)) = tools() else {
        skip_or_fail(
            "promtool or prometheus is not on PATH nor in target/tools (run scripts/setup.sh)",
        );
        return;
    };
    let tour = Tour::start(None, Duration::from_secs(600), WAIT);
    // After one whole round every counter the rounds feed exists.
    assert!(tour.wait_for_rounds(1, WAIT), "no round\n{}", tour.log());

    // The exposition: every metric the dashboard queries, and nothing promtool objects to.
    let exposition = tour.request("GET", "/metrics").expect("GET /metrics").body;
    let dashboard = load();
    let queried: BTreeSet<String> = exprs(&dashboard)
        .iter()
        .flat_map(|(_, expr)| metric_names(expr))
        .collect();
    assert!(!queried.is_empty(), "the dashboard queries no wsa_ metric");
    for name in &queried {
        assert!(
            exposition.contains(&format!("# TYPE {name} counter\n")),
            "the dashboard queries {name}, which the exposition lacks:\n{exposition}"
        );
    }
    let mut lint = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    lint.stdin
        .take()
        .unwrap()
        .write_all(exposition.as_bytes())
        .expect("feed promtool");
    let lint = lint.wait_with_output().expect("promtool ends");
    assert!(
        lint.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );

    // A Prometheus of our own, scraping the tour every second.
    let dir = TempDir::new();
    let config = dir.0.join("prometheus.yml");
    fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             scrape_configs:\n  - job_name: wsa-tour\n    static_configs:\n      - targets: ['{}']\n",
            tour.addr
        ),
    )
    .expect("write prometheus.yml");
    let api = Api(SocketAddr::from((Ipv4Addr::LOCALHOST, free_port())));
    let _prometheus = Killed(
        Command::new(&prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.0.join("data").display()
            ))
            .arg(format!("--web.listen-address={}", api.0))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start prometheus"),
    );

    // Ready when every series the tour counted so far is stored, and every code has a rate.
    let before = report(&tour);
    let counters: BTreeSet<String> = before.keys().map(|(c, _, _)| c.clone()).collect();
    assert!(
        counters.contains(ERRORS),
        "the report has no {ERRORS}: {before:?}"
    );
    let codes: BTreeSet<String> = before
        .keys()
        .filter(|(c, _, _)| c == ERRORS)
        .map(|(_, code, _)| code.clone())
        .collect();
    let ready = wait_until(|| {
        let have = api.stored(&counters)?;
        let missing: Vec<_> = before.keys().filter(|k| !have.contains_key(*k)).collect();
        let rates = api.rates()?;
        let unrated: Vec<_> = codes.iter().filter(|c| !rates.contains_key(*c)).collect();
        if missing.is_empty() && unrated.is_empty() {
            Ok(())
        } else {
            Err(format!("not stored: {missing:?}; no rate: {unrated:?}"))
        }
    });
    ready.unwrap_or_else(|why| panic!("Prometheus within {WAIT:?}: {why}"));

    // Every stored value is above 0 and at most the tour's count, read after the query:
    // every scrape came before it.
    let have = api.stored(&counters).expect("query the counters");
    let after = report(&tour);
    for (key, stored) in &have {
        let counted = after.get(key).copied();
        assert!(
            counted.is_some_and(|n| 0.0 < *stored && *stored <= n as f64),
            "{key:?}: Prometheus has {stored}, the tour counted {counted:?}"
        );
    }
    for key in before.keys() {
        assert!(have.contains_key(key), "{key:?} is not stored");
    }
    let rates = api.rates().expect("query the rates");
    assert!(
        rates.values().sum::<f64>() > 0.0,
        "no error rate: {rates:?}"
    );

    // Every dashboard query runs and returns data.
    for (title, expr) in exprs(&dashboard) {
        let promql = to_promql(&expr);
        let series = api
            .query(&promql)
            .unwrap_or_else(|e| panic!("{title}: {promql}: {e}"));
        assert!(!series.is_empty(), "{title}: {promql} returned nothing");
    }

    // The per-peer counter: the refused scene's peer by its own `127.0.0.1:port`, bounded
    // series, and per code no more than the errors (peers read first: scrapes only add).
    let peers = api.query(PEER_ERRORS).expect("query the peer counter");
    let label = |s: &Value, name: &str| s["metric"][name].as_str().unwrap_or("?").to_owned();
    assert!(
        peers.iter().any(|s| {
            let peer = label(s, "peer");
            label(s, "code") == "WSAECONNREFUSED"
                && peer
                    .strip_prefix("127.0.0.1:")
                    .is_some_and(|port| port.parse::<u16>().is_ok())
        }),
        "no refused loopback peer in {peers:#?}"
    );
    let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
    for sample in &peers {
        *per_code.entry(label(sample, "code")).or_default() += 1;
    }
    for (code, n) in &per_code {
        assert!(n <= &(DEFAULT_PEERS + 1), "{code}: {n} peer series");
    }
    let by_peer = api
        .by_code(&format!("sum by (code) ({PEER_ERRORS})"))
        .expect("query the peer counter by code");
    let errors = api
        .by_code(&format!("sum by (code) ({ERRORS})"))
        .expect("query the errors by code");
    for (code, n) in &by_peer {
        let all = errors.get(code).copied().unwrap_or(0.0);
        assert!(*n <= all, "{code}: {n} by peer, {all} in all");
    }
    println!(
        "{} series stored and within the tour's counts, {} codes rated, {} dashboard queries answered, {} peer series over {} codes",
        have.len(),
        rates.len(),
        exprs(&dashboard).len(),
        peers.len(),
        per_code.len()
    );
}
