//! THE list of tracing fields. Each row gives a field's name, the function of [`values`]
//! that computes it, an example and its meaning; the error event, the span recording,
//! [`socket_span!`](crate::socket_span) and (by test) the docs tables all come from it.
//!
//! The rows are in five groups: `error` (on every error event, declared on spans and recorded
//! on them), `detail` (declared on spans and recorded on them; on error events only with
//! [`EventFields::All`](super::EventFields::All)), `event` (on error events only),
//! `retry_span` (on retry events, declared on spans for the retry policy to record) and
//! `retry_event` (on some retry events only).

/// `__wsa_fields!([callback] { args })` calls
/// `callback! { { args } error: {..} detail: {..} event: {..} retry_span: {..} retry_event: {..} }`
/// with every row, each written `[name] value "example" "meaning";`.
#[doc(hidden)]
#[macro_export]
macro_rules! __wsa_fields {
    ([$($callback:tt)+] { $($args:tt)* }) => {
        $($callback)+! {
            { $($args)* }
            error: {
                [wsa.code] code "`10054`" "the Windows Sockets code";
                [wsa.symbol] symbol "`WSAECONNRESET`" "its symbol, `UNKNOWN` when there is none";
                [wsa.category] category "`transient`" "`transient`, `fatal` or `benign`";
                [wsa.retry] retry "`reconnect`" "`immediately`, `backoff`, `reconnect`, `never` or `ignore`";
                [wsa.description] description "`The remote side, ...`" "what happened";
                [wsa.op] op "`read`" "the operation that failed";
            }
            detail: {
                [network.peer.address] peer_address "`127.0.0.1`" "the peer's IP address, where known";
                [wsa.message] message "`Connection reset by peer`" "the standard short phrase";
                [wsa.os_code] os_code "`104`" "the native code (`raw_os_error()`)";
                [wsa.os_name] os_name "`ECONNRESET`" "its name on this platform";
                [wsa.kind] kind "`ConnectionReset`" "the `io::ErrorKind`";
                [error.type] error_type "`connection_reset`" "OpenTelemetry's low-cardinality error name, `_OTHER` if none";
                [server.address] server_address "`example.com`" "the host name connected to, where known";
                [network.peer.port] peer_port "`8080`" "the peer's port, where known";
                [network.transport] transport "`tcp`" "`tcp`, `udp` or `unix`";
            }
            event: {
                [error] error "`Connection reset by peer (os error 104)`" "the error's own text, with its sources after `: `";
            }
            retry_span: {
                [wsa.outcome] outcome "`retry`" "the decision: `retry`, `retry_now`, `fatal`, `attempts_exhausted`, `deadline`, `budget_exhausted`, `not_idempotent`, `benign`";
                [wsa.attempts] attempts "`3`" "the calls made so far, this one included";
            }
            retry_event: {
                [wsa.delay_ms] delay_ms "`200`" "the wait before the next call, on `retrying ... after a delay`";
            }
        }
    };
}

/// The value of each field of the `error` group for an observation and its peer, and of the
/// `event` group for the error: what the list's second column names.
#[cfg(feature = "tracing")]
pub(super) mod values {
    use std::fmt::Display;
    use std::io;
    use std::net::IpAddr;

    use tracing::field::{debug, display, DebugValue, DisplayValue};

    use crate::code::WsaCode;
    use crate::observe::{otel, Observation, Peer};

    macro_rules! values {
        ($($name:ident($o:pat, $p:pat) -> $ty:ty { $value:expr })+) => {
            $(
                #[inline]
                #[allow(clippy::needless_lifetimes)]
                pub(in crate::observe) fn $name<'a>($o: &Observation, $p: &'a Peer) -> $ty {
                    $value
                }
            )+
        };
    }

    values! {
        code(o, _) -> Option<i32> { o.code().map(WsaCode::raw) }
        symbol(o, _) -> &'static str { o.mapping.label() }
        category(o, _) -> &'static str { o.class.category().as_str() }
        retry(o, _) -> &'static str { o.class.retry().as_str() }
        message(o, _) -> Option<&'static str> { o.mapping.entry().map(|e| e.info().message) }
        description(o, _) -> Option<&'static str> { o.mapping.entry().map(|e| e.info().description) }
        op(o, _) -> &'static str { o.op.as_str() }
        os_code(o, _) -> Option<i32> { o.mapping.os_code() }
        os_name(o, _) -> Option<&'static str> { o.mapping.os_name() }
        kind(o, _) -> DebugValue<io::ErrorKind> { debug(o.mapping.kind()) }
        error_type(o, _) -> &'static str { otel::error_type(o.mapping.entry()) }
        server_address(_, p) -> Option<&'a str> { p.name() }
        peer_address(_, p) -> Option<DisplayValue<IpAddr>> { p.ip().map(display) }
        peer_port(_, p) -> Option<i64> { p.port().map(i64::from) }
        transport(_, p) -> Option<&'static str> { p.transport().map(|t| t.as_str()) }
    }

    /// The `error` field: the error's text, formatted only if a subscriber records it.
    pub(in crate::observe) fn error(err: &dyn Display) -> DisplayValue<&dyn Display> {
        display(err)
    }
}

#[cfg(test)]
mod tests {
    /// Every row as (name, example, meaning, group), in list order.
    macro_rules! rows {
        ({} $($group:ident: { $([$($name:ident).+] $value:ident $example:literal $meaning:literal;)* })*) => {
            &[$($((stringify!($($name).+), $example, $meaning, stringify!($group)),)*)*]
        };
    }

    const ROWS: &[(&str, &str, &str, &str)] = crate::__wsa_fields!([rows] {});

    /// The docs tables' last column: where a group's fields are found.
    fn carried_by(group: &str) -> &'static str {
        match group {
            "error" => "every error event, the span",
            "detail" => "the span; error events with `EventFields::All`",
            "event" => "every error event",
            "retry_span" => "retry events, the span on giving up",
            "retry_event" => "retry events",
            other => panic!("a group the docs do not describe: {other}"),
        }
    }

    /// The docs table after `heading` in `text`, as its cells with the name's backticks
    /// removed.
    fn docs_rows(text: &str, heading: &str) -> Vec<[String; 4]> {
        crate::doc_tables::rows(text, heading)
            .into_iter()
            .map(|cells| {
                assert_eq!(cells.len(), 4, "{cells:?}");
                let mut row = <[String; 4]>::try_from(cells).unwrap();
                row[0] = row[0].trim_matches('`').to_owned();
                row
            })
            .collect()
    }

    fn expected() -> Vec<[String; 4]> {
        ROWS.iter()
            .map(|(n, e, m, g)| [*n, *e, *m, carried_by(g)].map(str::to_owned))
            .collect()
    }

    /// The table as it should read, to paste where a test says it differs.
    fn table() -> String {
        let mut text =
            String::from("| field | example | meaning | carried by |\n|---|---|---|---|\n");
        for [n, e, m, c] in expected() {
            text.push_str(&format!("| `{n}` | {e} | {m} | {c} |\n"));
        }
        text
    }

    #[test]
    fn the_list_has_every_field_once() {
        let mut names: Vec<&str> = ROWS.iter().map(|r| r.0).collect();
        assert!(names.contains(&"wsa.code") && names.contains(&"error.type"));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a field is listed twice");
    }

    #[test]
    fn the_module_docs_table_is_the_list() {
        assert_eq!(
            docs_rows(include_str!("mod.rs"), "# Fields"),
            expected(),
            "the table should read:\n{}",
            table()
        );
    }

    #[test]
    fn the_readme_table_is_the_list() {
        assert_eq!(
            docs_rows(include_str!("../../README.md"), "## Tracing fields"),
            expected(),
            "the table should read:\n{}",
            table()
        );
    }
}
