//! THE table of counter families. Each row gives:
//!
//! - the family's field in [`Counters`] and its kind: [`Family`] for labels from closed sets,
//!   [`BySource`] when the last label is a `source` (one table of handles per source),
//!   [`ByPeer`] when the first is a `peer` (one per peer, up to a cap, and `_other`);
//! - its name after the prefix and the public constant that holds it;
//! - its labels in order, each a key and a [`Label`](super::label::Label) type: the key is the
//!   recorder's, the type gives the values, and the order is both the order the recorder
//!   gets them in and the order of the label set's slot (the first label most significant).
//!   A label whose type lives in a module above this one (`outcome`, in `retry`) is named by
//!   a trait that only that type implements, as `impl OutcomeLabel`;
//! - the typed method that counts one: `count_<family>(label values in the row's order)`;
//! - what it counts (the docs' column) and its description (the recorder's help text).
//!
//! From the rows come the [`Counters`] struct with one handle table per family, each family's
//! number of label sets (the product of its labels' counts), its registration and
//! description, its `count_<family>` method, its suffix constant and `FAMILIES`, which the
//! docs and the tests are held to.
//!
//! Adding a family is one row: its field, name, constant, labels (of types that implement
//! `Label`), method, `counts` and `help`. The rest is what any new counter needs: a call to
//! its method where the thing counted happens, and a line in the docs tables of the module
//! docs and the README, which a test holds to `FAMILIES` (it fails until the line is
//! there). `each_family_counts_under_the_labels_its_row_declares` fails too until it counts
//! the new family once.

use super::by_peer::{ByPeer, Counted};
use super::by_source::{BySource, Source};
use super::family::Family;
use super::label::OutcomeLabel;
use crate::classify::{Category, Op};
use crate::code::Entry;

/// The `code` label: a catalog row, or `None` for every code outside the catalog.
type Code = Option<Entry>;

/// One family as the table declares it.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Declared {
    /// The name after the prefix, such as `_socket_errors_total`.
    pub(crate) suffix: &'static str,
    /// The label keys, in order.
    pub(crate) labels: &'static [&'static str],
    /// What it counts, as the docs' table says it.
    pub(crate) counts: &'static str,
    /// The description given to the recorder.
    pub(crate) help: &'static str,
}

macro_rules! families {
    ($(
        $(#[$attr:meta])*
        $field:ident: $kind:ident {
            name: $suffix:literal as $constant:ident,
            labels: [$($label:ident: $type:ty),+ $(,)?],
            count: $count:ident,
            counts: $counts:literal,
            help: $help:literal $(,)?
        }
    )+) => {
        /// Every counter family of one prefix. There is one per prefix in the process, created
        /// the first time the prefix is used and kept: observers, policies and guards only
        /// point to it.
        #[derive(Debug)]
        pub(crate) struct Counters {
            pub(super) prefix: &'static str,
            $(
                $(#[$attr])*
                pub(crate) $field: $kind<{ [$(stringify!($label)),+].len() }>,
            )+
        }

        impl Counters {
            pub(super) fn new(prefix: &'static str) -> Self {
                Counters {
                    prefix,
                    $(
                        $(#[$attr])*
                        $field: $kind::new(
                            format!("{prefix}{}", $suffix),
                            $help,
                            [$(stringify!($label)),+],
                        ),
                    )+
                }
            }

            $(
                #[doc = concat!(
                    "Counts one in `<prefix>", $suffix, "`, under these label values in the ",
                    "row's order."
                )]
                $(#[$attr])*
                #[inline]
                pub(crate) fn $count(&self, $($label: $type),+) {
                    self.$field.count(($($label,)+));
                }
            )+
        }

        $(
            #[doc = concat!("The name of `<prefix>", $suffix, "` after the prefix: `", $suffix, "`.")]
            pub const $constant: &str = $suffix;
        )+

        /// Every family, in table order.
        #[cfg(test)]
        pub(crate) const FAMILIES: &[Declared] = &[
            $(Declared {
                suffix: $suffix,
                labels: &[$(stringify!($label)),+],
                counts: $counts,
                help: $help,
            },)+
        ];
    };
}

families! {
    errors: Family {
        name: "_socket_errors_total" as ERRORS_SUFFIX,
        labels: [code: Code, category: Category, op: Op],
        count: count_errors,
        counts: "every observed error",
        help: "Socket errors observed, by Windows Sockets code, category and operation.",
    }
    #[cfg_attr(not(feature = "retry"), allow(dead_code))]
    retries: Family {
        name: "_retries_total" as RETRIES_SUFFIX,
        labels: [code: Code, op: Op, outcome: impl OutcomeLabel],
        count: count_retries,
        counts: "every retry decision of a [`RetryPolicy`]",
        help: "Retry decisions on socket errors, by Windows Sockets code, operation and outcome.",
    }
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    accept_backoffs: Family {
        name: "_accept_backoffs_total" as ACCEPT_BACKOFFS_SUFFIX,
        labels: [code: Code],
        count: count_accept_backoffs,
        counts: "every pause of a [`GuardedListener`]",
        help: "Pauses of an accept loop on resource exhaustion or a long run of per-connection errors, by Windows Sockets code.",
    }
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))] // only the rate limit drops events
    suppressed: Family {
        name: "_suppressed_events_total" as SUPPRESSED_SUFFIX,
        labels: [code: Code],
        count: count_suppressed,
        counts: "tracing events dropped by the rate limit (the errors are still counted)",
        help: "Socket error events not logged because of the per-code rate limit.",
    }
    #[cfg_attr(not(feature = "layer"), allow(dead_code))]
    logged: BySource {
        name: "_logged_socket_errors_total" as LOGGED_SUFFIX,
        labels: [code: Code, category: Category, op: Op, source: Source<4>],
        count: count_logged,
        counts: "every socket error found in another library's log event by a [`WsaLayer`], by the crate that logged it",
        help: "Socket errors found in other libraries' log events, by Windows Sockets code, category, operation and the library that logged them.",
    }
    peer_errors: ByPeer {
        name: "_peer_errors_total" as PEER_ERRORS_SUFFIX,
        labels: [peer: Counted<'_>, code: Code],
        count: count_peer_errors,
        counts: "every observed error with a known peer, once [`Observer::count_peers`] is on: the first N peers by `address:port` (or `name:port`), the rest as `_other`",
        help: "Socket errors observed, by peer (the first peers seen, the rest as _other) and Windows Sockets code.",
    }
}
