//! THE list of tracing fields. Each row gives a field's name, the function of [`values`]
//! that computes it, an example, its meaning, and the other events that carry it; the error
//! event, the span recording, [`socket_span!`](crate::socket_span), the retry events, the
//! rate limit's summaries, [`Explain`](crate::layer::Explain)'s lines and (by test) the docs
//! tables all come from it. `rows_naming!` picks the `error` rows an event names; [`names`]
//! holds each field's name, for the code that writes one field at a time.
//!
//! The rows are in eight groups: `error` (on every error event, declared on spans and recorded
//! on them; the peer's rows only where the peer is known), `detail` (declared on spans and recorded on them; on error events only with
//! [`EventFields::All`](super::EventFields::All)), `event` (on error events only),
//! `retry_span` (on retry events, declared on spans for the retry policy to record),
//! `retry_event` (on some retry events only), `summary` (on the rate limit's summaries only),
//! `explain` (on `Explain`'s lines only) and `connect` (on `connect::AttemptConnector`'s
//! attempt spans, some recorded on the span on success). A row of the `error` group ends with the other
//! events that carry it: `retry` (every retry event), `summary` (the rate limit's summaries)
//! and `explain` (`Explain`'s lines), in that order.

/// `__wsa_fields!([callback] { args })` calls
/// `callback! { { args } error: {..} detail: {..} event: {..} retry_span: {..} retry_event: {..}
/// summary: {..} explain: {..} connect: {..} }` with every row, each written `[name] value "example" "meaning" carriers;`, where `carriers`
/// is empty or some of `retry summary explain`, in that order.
#[doc(hidden)]
#[macro_export]
macro_rules! __wsa_fields {
    ([$($callback:tt)+] { $($args:tt)* }) => {
        $($callback)+! {
            { $($args)* }
            error: {
                [wsa.code] code "`10054`" "the Windows Sockets code" retry summary;
                [wsa.symbol] symbol "`WSAECONNRESET`" "its symbol, `UNKNOWN` when there is none" retry summary explain;
                [wsa.category] category "`transient`" "`transient`, `fatal` or `benign`" retry explain;
                [wsa.retry] retry "`reconnect`" "`immediately`, `backoff`, `reconnect`, `never` or `ignore`" retry explain;
                [wsa.description] description "`The remote side, ...`" "what happened";
                [wsa.op] op "`read`" "the operation that failed" retry;
                [network.peer.address] peer_address "`127.0.0.1`" "the peer's IP address, where known";
                [network.peer.port] peer_port "`8080`" "the peer's port, where known";
                [server.address] server_address "`example.com`" "the host name connected to, where known";
            }
            detail: {
                [wsa.message] message "`Connection reset by peer`" "the standard short phrase";
                [wsa.os_code] os_code "`104`" "the native code (`raw_os_error()`)";
                [wsa.os_name] os_name "`ECONNRESET`" "its name on this platform";
                [wsa.kind] kind "`ConnectionReset`" "the `io::ErrorKind`";
                [error.type] error_type "`connection_reset`" "OpenTelemetry's low-cardinality error name, `_OTHER` if none";
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
            summary: {
                [wsa.suppressed] suppressed "`97`" "how many events of this code the rate limit dropped";
                [wsa.interval_ms] interval_ms "`1000`" "the rate limit's interval";
            }
            explain: {
                [wsa.hint] hint "`\"Raise the limit ...\"`" "what to check or change, for the codes people meet most";
            }
            connect: {
                [network.type] network_type "`ipv6`" "the family of the address a connect attempt went to: `ipv4` or `ipv6`";
                [wsa.connect_attempt] connect_attempt "`2`" "the connect attempt, from 1 in the order they started; on the span, the one that connected";
                [wsa.elapsed_ms] elapsed_ms "`3000`" "how long a failed connect attempt took";
                [wsa.connect_failed] connect_failed "`1`" "how many connect attempts had failed when one connected";
            }
        }
    };
}

/// Each field's name, under the name of the function that computes its value:
/// `names::symbol` is `"wsa.symbol"`.
#[allow(non_upper_case_globals, dead_code)]
pub(crate) mod names {
    macro_rules! names {
        ({} $($group:ident: { $([$($name:ident).+] $value:ident $example:literal $meaning:literal $($also:ident)*;)* })*) => {
            $($(
                #[doc = concat!("`", stringify!($($name).+), "`: ", $meaning, ".")]
                pub(crate) const $value: &str = stringify!($($name).+);
            )*)*
        };
    }

    crate::__wsa_fields!([names] {});
}

/// Picks the rows of the list's `error` group that name a carrier (`retry` or `summary`), for
/// an event that carries some of them beside its own group. Given to the list as its callback
/// with `{ carrier [callback] { args } [] }`, it calls
/// `callback! { { args } [ [name] value ... ] detail: {..} event: {..} ... }`: each kept row's
/// name and value function in list order, then the groups after `error`.
#[cfg(feature = "tracing")]
macro_rules! rows_naming {
    (
        { retry $callback:tt $args:tt [$($kept:tt)*] }
        error: { [$($name:ident).+] $value:ident $example:literal $meaning:literal retry $($also:ident)*; $($rows:tt)* }
        $($groups:tt)*
    ) => {
        $crate::observe::fields::rows_naming! {
            { retry $callback $args [$($kept)* [$($name).+] $value] }
            error: { $($rows)* }
            $($groups)*
        }
    };
    (
        { summary $callback:tt $args:tt [$($kept:tt)*] }
        error: { [$($name:ident).+] $value:ident $example:literal $meaning:literal $(retry)? summary $($also:ident)*; $($rows:tt)* }
        $($groups:tt)*
    ) => {
        $crate::observe::fields::rows_naming! {
            { summary $callback $args [$($kept)* [$($name).+] $value] }
            error: { $($rows)* }
            $($groups)*
        }
    };
    (
        { $carrier:ident $callback:tt $args:tt $kept:tt }
        error: { [$($name:ident).+] $value:ident $example:literal $meaning:literal $($also:ident)*; $($rows:tt)* }
        $($groups:tt)*
    ) => {
        $crate::observe::fields::rows_naming! {
            { $carrier $callback $args $kept }
            error: { $($rows)* }
            $($groups)*
        }
    };
    ({ $carrier:ident [$($callback:tt)+] $args:tt $kept:tt } error: {} $($groups:tt)*) => {
        $($callback)+! { $args $kept $($groups)* }
    };
}
#[cfg(feature = "tracing")]
pub(crate) use rows_naming;

/// The value of each field of the `error` group for an observation and its peer, and of the
/// `event` group for the error: what the list's second column names.
#[cfg(feature = "tracing")]
pub(crate) mod values {
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
                pub(crate) fn $name<'a>($o: &Observation, $p: &'a Peer) -> $ty {
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
    pub(crate) fn error(err: &dyn Display) -> DisplayValue<&dyn Display> {
        display(err)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// A row: name, example, meaning, group, and the other events that carry it.
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
    );

    /// Every row, in list order.
    macro_rules! rows {
        ({} $($group:ident: { $([$($name:ident).+] $value:ident $example:literal $meaning:literal $($also:ident)*;)* })*) => {
            &[$($((stringify!($($name).+), $example, $meaning, stringify!($group), &[$(stringify!($also)),*]),)*)*]
        };
    }

    const ROWS: &[Row] = crate::__wsa_fields!([rows] {});

    /// The names of the fields that `carrier` (`retry`, `summary` or `explain`) carries, in
    /// list order: those of the rows that name it, then those of its own group.
    pub(crate) fn carried_by_events(carrier: &str, group: &str) -> Vec<&'static str> {
        let also = ROWS.iter().filter(|r| r.4.contains(&carrier));
        let own = ROWS.iter().filter(|r| r.3 == group);
        also.chain(own).map(|r| r.0).collect()
    }

    /// The field names of each event `f` emits, the message left out.
    #[cfg(feature = "tracing")]
    pub(crate) fn fields_of_events(f: impl FnOnce()) -> Vec<Vec<&'static str>> {
        use std::sync::{Arc, Mutex};
        use tracing_subscriber::layer::{Context, SubscriberExt};

        type Seen = Arc<Mutex<Vec<Vec<&'static str>>>>;
        struct Names(Seen);
        impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Names {
            fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
                let fields = event.metadata().fields().iter().map(|f| f.name());
                let names = fields.filter(|n| *n != "message").collect();
                self.0.lock().unwrap().push(names);
            }
        }
        let seen = Seen::default();
        let subscriber = tracing_subscriber::registry().with(Names(Arc::clone(&seen)));
        tracing::subscriber::with_default(subscriber, f);
        let seen = seen.lock().unwrap();
        seen.clone()
    }

    /// The docs tables' last column: where a row's field is found.
    fn carried_by(group: &str, also: &[&str]) -> String {
        let own = match group {
            "error" => "every error event",
            "detail" => "the span; error events with `EventFields::All`",
            "event" => "every error event",
            "retry_span" => "retry events, the span on giving up",
            "retry_event" => "retry events",
            "summary" => "the rate limit's summaries",
            "explain" => "`Explain`'s lines",
            "connect" => "`AttemptConnector`'s `connect_attempt` span or, on success, the span",
            other => panic!("a group the docs do not describe: {other}"),
        };
        let mut text = own.to_owned();
        for carrier in also {
            assert_eq!(group, "error", "only `error` rows name other events");
            text.push_str(match *carrier {
                "retry" => ", retry events",
                "summary" => ", the rate limit's summaries",
                "explain" => ", `Explain`'s lines",
                other => panic!("an event the docs do not describe: {other}"),
            });
        }
        if group == "error" {
            text.push_str(", the span");
        }
        text
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
            .map(|(n, e, m, g, also)| {
                [
                    n.to_string(),
                    e.to_string(),
                    m.to_string(),
                    carried_by(g, also),
                ]
            })
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
    fn names_are_the_list() {
        use super::names;
        assert_eq!(names::code, "wsa.code");
        assert_eq!(names::peer_address, "network.peer.address");
        assert_eq!(names::hint, "wsa.hint");
        assert_eq!(
            carried_by_events("summary", "summary"),
            [
                "wsa.code",
                "wsa.symbol",
                "wsa.suppressed",
                "wsa.interval_ms"
            ]
        );
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
