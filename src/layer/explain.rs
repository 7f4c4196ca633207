//! Human log lines with the socket error explained at the end.

use std::fmt::{self, Write};

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::detect::{detect, is_own, Plan};
use crate::observe::fields::{names, values};
use crate::observe::{Observer, Peer};
use crate::scan::Platform;

/// Wraps a [`FormatEvent`] (the fmt layer's default, compact or pretty format) so that the
/// line of every event carrying a socket error ends with
/// ` wsa.symbol=WSAEMFILE wsa.category=transient wsa.retry=backoff wsa.hint="..."`.
///
/// Every other line is exactly what the inner format writes. The socket error is found as
/// [`WsaLayer`](super::WsaLayer) finds it, with or without a `WsaLayer` in the same
/// subscriber. Lines that gain fields are written without ANSI colours. Not meant for the
/// JSON format, whose objects the appended text would break.
///
/// The text of the event is the inner format's, escaped as it escapes it: `tracing-subscriber`
/// shows the escape sequences of logged values escaped from 0.3.20 on (RUSTSEC-2025-0055),
/// and the crate requires that version. What `Explain` appends is the catalog's own text.
///
/// ```
/// use tracing_subscriber::prelude::*;
/// use wsa_trace::layer::Explain;
///
/// let fmt = tracing_subscriber::fmt::layer()
///     .event_format(Explain::new(tracing_subscriber::fmt::format().compact()));
/// let subscriber = tracing_subscriber::registry().with(fmt);
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::error!(target: "axum::serve", "accept error: Too many open files (os error 24)");
///     // ... accept error: Too many open files (os error 24) wsa.symbol=WSAEMFILE
///     //     wsa.category=transient wsa.retry=backoff wsa.hint="Raise the limit ..."
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Explain<F> {
    inner: F,
    observer: Observer,
    platform: Platform,
}

impl<F> Explain<F> {
    /// Explains the lines `inner` formats, classifying with a default [`Observer`].
    pub fn new(inner: F) -> Self {
        Explain {
            inner,
            observer: Observer::new(),
            platform: Platform::HOST,
        }
    }

    /// Classifies with this observer's classifier. Defaults to `Observer::new()`.
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }

    /// Reads bare errno numbers as `platform` numbers them. Defaults to [`Platform::HOST`].
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }
}

/// Passes text through, holding back a final newline until more text comes.
struct HoldNewline<'a, 'w> {
    out: &'a mut Writer<'w>,
    newline: bool,
}

impl Write for HoldNewline<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.is_empty() {
            return Ok(());
        }
        if std::mem::take(&mut self.newline) {
            self.out.write_char('\n')?;
        }
        match s.strip_suffix('\n') {
            Some(head) => {
                self.newline = true;
                self.out.write_str(head)
            }
            None => self.out.write_str(s),
        }
    }
}

impl<S, N, F> FormatEvent<S, N> for Explain<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let found = if is_own(event.metadata().target()) {
            None
        } else {
            let plan = Plan::of(event.metadata(), false);
            detect(
                event,
                plan,
                || ctx.event_scope(),
                &self.observer,
                self.platform,
            )
        };
        let Some(obs) = found else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut held = HoldNewline {
            out: &mut writer,
            newline: false,
        };
        self.inner
            .format_event(ctx, Writer::new(&mut held), event)?;
        // The field list's rows that name `explain`, then its `explain` group.
        let peer = Peer::unknown();
        for (name, value) in [
            (names::symbol, values::symbol(&obs, &peer)),
            (names::category, values::category(&obs, &peer)),
            (names::retry, values::retry(&obs, &peer)),
        ] {
            write!(held.out, " {name}={value}")?;
        }
        // The catalog row the error was found as: nothing is looked up again.
        if let Some(hint) = obs.mapping.entry().and_then(|e| e.info().hint) {
            write!(held.out, " {}={hint:?}", names::hint)?;
        }
        if held.newline {
            held.out.write_char('\n')?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::prelude::*;

    use super::*;
    use crate::observe::fields::tests::carried_by_events;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().write(buf)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_line_gains_the_fields_the_list_gives_it() {
        let buffer = Buffer::default();
        let out = buffer.clone();
        let format = tracing_subscriber::fmt::format().compact().without_time();
        let fmt = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(move || out.clone())
            .event_format(Explain::new(format).platform(Platform::Linux));
        let subscriber = tracing_subscriber::registry().with(fmt);
        tracing::subscriber::with_default(subscriber, || {
            tracing::error!(target: "axum::serve", "accept error: Too many open files (os error 24)");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let names: Vec<&str> = text
            .split(' ')
            .filter_map(|word| word.split_once('=').map(|(name, _)| name))
            .filter(|name| name.starts_with("wsa."))
            .collect();
        assert_eq!(names, carried_by_events("explain", "explain"), "{text}");
    }
}
