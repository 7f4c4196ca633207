//! The operation an error names: a connector that fails to bind its source address reports a
//! bind error, not a connect error, although the call was a connect.

use std::error::Error;
use std::fmt::{self, Write};

use super::Op;

/// The exact texts of the errors known to name their operation, and the operation. They are
/// hyper-util's `ConnectError` messages (its type is not exported, so its text is what can be
/// read; reqwest's connect errors wrap it); a test against the real `HttpConnector` holds
/// them to the version in use.
const NAMED: &[(&str, Op)] = &[
    ("tcp bind local error", Op::Bind),
    ("tcp bind interface error", Op::Bind),
    ("dns error", Op::Resolve),
    ("tcp connect error", Op::Connect),
];

impl Op {
    /// The operation an error names, the outermost first, walking its chain as
    /// [`Mapping::from_error`](crate::Mapping::from_error) does; `None` if none does.
    ///
    /// | error text (hyper-util's `ConnectError`) | operation |
    /// |---|---|
    /// | `tcp bind local error`, `tcp bind interface error` | [`Op::Bind`] |
    /// | `dns error` | [`Op::Resolve`] |
    /// | `tcp connect error` | [`Op::Connect`] |
    ///
    /// A link matches only when its whole `Display` text is one of these, compared without
    /// allocating. The [`RetryPolicy`](crate::retry::RetryPolicy) and
    /// [`TraceConnectLayer`](crate::TraceConnectLayer) use this before their own operation,
    /// so that `EADDRNOTAVAIL` from binding a source address is classified as a bind error
    /// (fatal: the address is not on this host), not a connect error (out of ports, retried).
    ///
    /// ```
    /// use std::io;
    /// use wsa_trace::Op;
    ///
    /// #[derive(Debug)]
    /// struct Named(&'static str, io::Error);
    /// impl std::fmt::Display for Named {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str(self.0)
    ///     }
    /// }
    /// impl std::error::Error for Named {
    ///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
    ///         Some(&self.1)
    ///     }
    /// }
    ///
    /// let bind = Named("tcp bind local error", io::Error::from_raw_os_error(libc::EADDRNOTAVAIL));
    /// assert_eq!(Op::from_error(&bind), Some(Op::Bind));
    /// assert_eq!(Op::from_error(&bind.1), None);
    /// ```
    pub fn from_error(err: &(dyn Error + 'static)) -> Option<Op> {
        crate::map::chain::links(err).find_map(|link| {
            NAMED
                .iter()
                .find(|(text, _)| displays_as(link, text))
                .map(|&(_, op)| op)
        })
    }
}

/// Whether `err`'s `Display` text is exactly `text`, without allocating.
fn displays_as(err: &dyn Error, text: &str) -> bool {
    struct Compare<'a> {
        rest: &'a str,
        same: bool,
    }
    impl Write for Compare<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            match self.rest.strip_prefix(s) {
                Some(rest) => {
                    self.rest = rest;
                    Ok(())
                }
                None => {
                    self.same = false;
                    Err(fmt::Error)
                }
            }
        }
    }
    let mut cmp = Compare {
        rest: text,
        same: true,
    };
    write!(cmp, "{err}").is_ok() && cmp.same && cmp.rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn whole_text_only() {
        let err = io::Error::other("tcp bind local error");
        assert!(displays_as(&err, "tcp bind local error"));
        assert!(!displays_as(&err, "tcp bind local"));
        assert!(!displays_as(&err, "tcp bind local error!"));
        let io = io::Error::from_raw_os_error(libc::EADDRNOTAVAIL);
        assert_eq!(Op::from_error(&io), None);
    }
}
