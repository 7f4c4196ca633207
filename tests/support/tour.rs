//! The tour example as a child process: built with the features of this test build,
//! started with `--serve` on a free loopback port, its output read as it comes, and a
//! small HTTP/1.1 client for its endpoint.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The features this test binary was built with, which the example is built with too (so
/// cargo reuses the library it has already built).
fn features() -> String {
    let on = [
        ("tracing", cfg!(feature = "tracing")),
        ("metrics", cfg!(feature = "metrics")),
        ("tokio", cfg!(feature = "tokio")),
        ("tower", cfg!(feature = "tower")),
        ("retry", cfg!(feature = "retry")),
        ("net", cfg!(feature = "net")),
        ("hyper", cfg!(feature = "hyper")),
        ("cli", cfg!(feature = "cli")),
    ];
    on.iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// Builds the example `name` with cargo and returns its executable.
pub fn example_binary(name: &str) -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--example", name, "--message-format=json"])
        .args(["--no-default-features", "--features", &features()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo build --example {name} failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .and_then(|m| m["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo built no executable for the example {name}"))
}

/// A running `tour --serve 127.0.0.1:0`, killed when dropped.
pub struct Tour {
    child: Child,
    lines: Receiver<String>,
    log: Arc<Mutex<String>>,
    /// Where it serves `/metrics` and `/report`.
    pub addr: SocketAddr,
}

impl Tour {
    /// Starts the tour, serving for at most `lifetime`, with at most `nofile` open
    /// descriptors if given (through the shell's `ulimit -n`), and waits (at most
    /// `limit`) for it to say where it serves.
    pub fn start(nofile: Option<u32>, lifetime: Duration, limit: Duration) -> Tour {
        let tour = example_binary("tour");
        let limit_fds = nofile.map_or(String::new(), |n| format!("ulimit -n {n} && "));
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{limit_fds}exec \"$0\" \"$@\""))
            .arg(tour)
            .args(["--serve", "127.0.0.1:0", "--for"])
            .arg(lifetime.as_secs().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the tour");
        let log = Arc::new(Mutex::new(String::new()));
        let (send, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for (pipe, send) in [
            (Box::new(stdout) as Box<dyn Read + Send>, Some(send)),
            (Box::new(stderr), None),
        ] {
            let log = log.clone();
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                    if let Some(send) = &send {
                        let _ = send.send(line);
                    }
                }
            });
        }
        let mut tour = Tour {
            child,
            lines,
            log,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let prefix = "serving metrics on http://";
        let line = tour
            .wait_for_line(|line| line.starts_with(prefix), limit)
            .unwrap_or_else(|| panic!("the tour did not say where it serves\n{}", tour.log()));
        let addr = line[prefix.len()..].trim_end_matches("/metrics");
        tour.addr = addr.parse().expect("a socket address");
        tour
    }

    /// Waits (at most `limit`) for a line of stdout that `wanted` accepts; `None` if the
    /// tour exits or the time is up first.
    pub fn wait_for_line(&self, wanted: impl Fn(&str) -> bool, limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let line = self.lines.recv_timeout(left).ok()?;
            if wanted(&line) {
                return Some(line);
            }
        }
    }

    /// Waits (at most `limit`) until the tour has run `n` more rounds.
    pub fn wait_for_rounds(&self, n: usize, limit: Duration) -> bool {
        (0..n).all(|_| {
            self.wait_for_line(|line| line.starts_with("== accept:"), limit)
                .is_some()
        })
    }

    /// Whether the tour is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything the tour printed so far, stdout and stderr.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// `GET` (or another `method`) `path` on the tour's endpoint.
    pub fn request(&self, method: &str, path: &str) -> io::Result<Answer> {
        request(self.addr, method, path)
    }
}

impl Drop for Tour {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.0 request, read to the end (so the answer is never chunked); every wait is
/// bounded.
pub fn request(addr: SocketAddr, method: &str, path_and_query: &str) -> io::Result<Answer> {
    let mut stream = TcpStream::connect_timeout(&addr, super::LIMIT)?;
    stream.set_read_timeout(Some(super::LIMIT))?;
    stream.set_write_timeout(Some(super::LIMIT))?;
    write!(
        stream,
        "{method} {path_and_query} HTTP/1.0\r\nHost: {addr}\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("not HTTP: {text:?}"));
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(bad)?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(bad)?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_owned(),
    })
}
