//! THE table of counter families: each row gives a family's name after the prefix, its labels
//! in order, what it counts (the docs' column) and its description (the recorder's help
//! text), and how many label sets it has. From it come the [`Counters`] struct with one
//! handle table per family (per source for a family labelled by `source`), their registration and description, and [`FAMILIES`], which the
//! docs and the tests are held to. Adding a family is one row.

use super::by_source::BySource;
use super::family::Family;
use crate::classify::{Category, Op};
use crate::code::{slot as code_slot, slots as code_slots, Entry};

/// The label set of an error in a family labelled by code, category and operation: each
/// (code, operation, category) has its own, so that observers which class one code
/// differently count it in different series, each under the category it logged.
#[inline]
pub(crate) fn error_slot(code: Option<Entry>, op: Op, category: Category) -> usize {
    (code_slot(code) * Op::ALL.len() + op as usize) * Category::ALL.len() + category as usize
}

/// How many label sets [`error_slot`] numbers.
pub(super) fn error_slots() -> usize {
    code_slots() * Op::ALL.len() * Category::ALL.len()
}

/// One family as the table declares it.
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
        $field:ident: $handles:ident {
            name: $suffix:literal,
            labels: [$($label:literal),+ $(,)?],
            counts: $counts:literal,
            help: $help:literal,
            label_sets: $len:expr $(,)?
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
                pub(crate) $field: $handles<{ [$($label),+].len() }>,
            )+
        }

        impl Counters {
            pub(super) fn new(prefix: &'static str) -> Self {
                Counters {
                    prefix,
                    $(
                        $field: $handles::new(
                            format!("{prefix}{}", $suffix),
                            $help,
                            $len,
                            [$($label),+],
                        ),
                    )+
                }
            }
        }

        /// Every family, in table order.
        pub(crate) const FAMILIES: &[Declared] = &[
            $(Declared {
                suffix: $suffix,
                labels: &[$($label),+],
                counts: $counts,
                help: $help,
            },)+
        ];
    };
}

/// How many outcomes a retry decision has.
#[cfg(feature = "retry")]
const OUTCOMES: usize = crate::classify::Outcome::ALL.len();
#[cfg(not(feature = "retry"))]
const OUTCOMES: usize = 0;

families! {
    errors: Family {
        name: "_socket_errors_total",
        labels: ["code", "category", "op"],
        counts: "every observed error",
        help: "Socket errors observed, by Windows Sockets code, category and operation.",
        label_sets: error_slots(),
    }
    #[cfg_attr(not(feature = "retry"), allow(dead_code))]
    retries: Family {
        name: "_retries_total",
        labels: ["code", "op", "outcome"],
        counts: "every retry decision of a [`RetryPolicy`]",
        help: "Retry decisions on socket errors, by Windows Sockets code, operation and outcome.",
        label_sets: code_slots() * Op::ALL.len() * OUTCOMES,
    }
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    accept_backoffs: Family {
        name: "_accept_backoffs_total",
        labels: ["code"],
        counts: "every pause of a [`GuardedListener`]",
        help: "Pauses of an accept loop on resource exhaustion or a long run of per-connection errors, by Windows Sockets code.",
        label_sets: code_slots(),
    }
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))] // only the rate limit drops events
    suppressed: Family {
        name: "_suppressed_events_total",
        labels: ["code"],
        counts: "tracing events dropped by the rate limit (the errors are still counted)",
        help: "Socket error events not logged because of the per-code rate limit.",
        label_sets: code_slots(),
    }
    #[cfg_attr(not(feature = "layer"), allow(dead_code))]
    logged: BySource {
        name: "_logged_socket_errors_total",
        labels: ["code", "category", "op", "source"],
        counts: "every socket error found in another library's log event by a [`WsaLayer`], by the crate that logged it",
        help: "Socket errors found in other libraries' log events, by Windows Sockets code, category, operation and the library that logged them.",
        label_sets: error_slots(),
    }
}
