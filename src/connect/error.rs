//! The error of an [`AttemptConnector`](super::AttemptConnector): every attempt, in order.

use std::error::Error;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// One failed connect attempt: where to, what the OS said, and how long it took.
#[derive(Debug)]
pub struct Attempt {
    pub(super) addr: SocketAddr,
    pub(super) symbol: &'static str,
    pub(super) elapsed: Duration,
    pub(super) error: io::Error,
    /// When it failed, to put the two families' attempts in order.
    pub(super) finished: tokio::time::Instant,
}

impl Attempt {
    /// The address tried.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The code's symbol (`WSAECONNREFUSED`), `UNKNOWN` when the error maps to none.
    pub fn symbol(&self) -> &'static str {
        self.symbol
    }

    /// How long the attempt took, from its start to its failure.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The error the attempt ended with: the OS's own, or `TimedOut` when the attempt's share
    /// of the connect timeout ran out.
    pub fn error(&self) -> &io::Error {
        &self.error
    }
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} after {} ms",
            self.addr,
            self.symbol,
            self.elapsed.as_millis()
        )
    }
}

/// Why an [`AttemptConnector`](super::AttemptConnector) did not connect.
///
/// When every address failed, it lists every attempt in the order they failed:
/// `connect to example.com:443 failed: [2001:db8::1]:443 WSAENETUNREACH after 0 ms;
/// 192.0.2.10:443 WSAETIMEDOUT after 3000 ms`. Its [`source`](Error::source) is the last
/// attempt's `io::Error` (or the resolver's), so [`Mapping::from_error`](crate::Mapping::from_error),
/// the retry policy and readers of `raw_os_error()` down the chain see the OS's code.
#[derive(Debug)]
pub struct ConnectError {
    target: String,
    failure: Failure,
}

#[derive(Debug)]
enum Failure {
    /// The request named no host, or an unsupported scheme.
    Invalid(io::Error),
    /// The resolver failed, or gave no address.
    Resolve(io::Error),
    /// Every address failed; never empty.
    Attempts(Vec<Attempt>),
}

impl ConnectError {
    pub(super) fn invalid(target: String, why: &'static str) -> Self {
        let error = io::Error::new(io::ErrorKind::InvalidInput, why);
        ConnectError {
            target,
            failure: Failure::Invalid(error),
        }
    }

    pub(super) fn resolve(target: String, error: io::Error) -> Self {
        ConnectError {
            target,
            failure: Failure::Resolve(error),
        }
    }

    /// `attempts` is not empty.
    pub(super) fn all_failed(target: String, attempts: Vec<Attempt>) -> Self {
        debug_assert!(!attempts.is_empty());
        ConnectError {
            target,
            failure: Failure::Attempts(attempts),
        }
    }

    /// `host:port`, as the request named it.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Whether resolving the name failed (or gave no address): nothing was connected to.
    pub fn is_resolve(&self) -> bool {
        matches!(self.failure, Failure::Resolve(_))
    }

    /// The failed attempts, in the order they failed; empty when none was made.
    pub fn attempts(&self) -> &[Attempt] {
        match &self.failure {
            Failure::Attempts(attempts) => attempts,
            _ => &[],
        }
    }

    /// The `io::Error` behind it: the last attempt's, the resolver's, or `InvalidInput` for a
    /// request that names no host.
    pub fn io_error(&self) -> &io::Error {
        match &self.failure {
            Failure::Invalid(error) | Failure::Resolve(error) => error,
            Failure::Attempts(attempts) => &attempts[attempts.len() - 1].error,
        }
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            Failure::Invalid(_) => write!(f, "cannot connect to {}", self.target),
            Failure::Resolve(_) => write!(f, "resolving {} failed", self.target),
            Failure::Attempts(attempts) => {
                write!(f, "connect to {} failed: ", self.target)?;
                for (i, attempt) in attempts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{attempt}")?;
                }
                Ok(())
            }
        }
    }
}

impl Error for ConnectError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.io_error())
    }
}
