//! The rules that depend on the operation. The table in the module docs lists them; keep the
//! two in step.

use super::{Classification, Op};
use crate::code::{at, table_advice, Entry, Retry, WsaCode, COUNT};

const TRANSIENT_NOW: Classification = Classification::new(Retry::Immediately);
const TRANSIENT_LATER: Classification = Classification::new(Retry::Backoff);
const RECONNECT: Classification = Classification::new(Retry::Reconnect);
const BENIGN: Classification = Classification::BENIGN;

/// The built-in class of every (catalog code, operation), worked out at compile time from
/// the catalog and [`rule`]: classifying is then one lookup.
static CLASSES: [[Classification; Op::ALL.len()]; COUNT] = {
    let mut table = [[Classification::FATAL; Op::ALL.len()]; COUNT];
    let mut i = 0;
    while i < COUNT {
        let mut j = 0;
        while j < Op::ALL.len() {
            table[i][j] = rule(at(i), Op::ALL[j]);
            j += 1;
        }
        i += 1;
    }
    table
};

#[inline]
pub(super) fn default_class(code: Option<WsaCode>, op: Op) -> Classification {
    match code {
        Some(code) => match Entry::of(code) {
            Some(entry) => CLASSES[entry.position()][op as usize],
            None => Classification::FATAL,
        },
        None => class_of(None, op),
    }
}

/// The built-in class of a catalog row (`None`: no code at all) for `op`: one load.
#[inline]
pub(super) fn class_of(entry: Option<Entry>, op: Op) -> Classification {
    match entry {
        Some(entry) => CLASSES[entry.position()][op as usize],
        // What took no code at all on accept (a custom listener's handshake failure, say)
        // concerns the one connection that failed: the listener is no worse for it.
        None if matches!(op, Op::Accept) => TRANSIENT_NOW,
        None => Classification::FATAL,
    }
}

/// The catalog's class for `code`, adjusted for `op`.
const fn rule(code: WsaCode, op: Op) -> Classification {
    let Some(retry) = table_advice(code) else {
        return Classification::FATAL;
    };
    match (code, op) {
        (WsaCode::WSAEADDRINUSE | WsaCode::WSAEADDRNOTAVAIL, Op::Connect) => TRANSIENT_LATER,
        (
            WsaCode::WSAECONNRESET
            | WsaCode::WSAECONNABORTED
            | WsaCode::WSAEACCES
            | WsaCode::WSAENETDOWN
            | WsaCode::WSAENETUNREACH
            | WsaCode::WSAEHOSTDOWN
            | WsaCode::WSAEHOSTUNREACH
            | WsaCode::WSAENOPROTOOPT
            | WsaCode::WSAEOPNOTSUPP,
            Op::Accept,
        ) => TRANSIENT_NOW,
        (WsaCode::WSAEMFILE | WsaCode::WSAENOBUFS | WsaCode::WSA_NOT_ENOUGH_MEMORY, Op::Accept) => {
            TRANSIENT_LATER
        }
        (WsaCode::WSAECONNRESET | WsaCode::WSAENETRESET | WsaCode::WSAECONNREFUSED, op)
            if op.is_datagram() =>
        {
            TRANSIENT_NOW
        }
        (WsaCode::WSAEMSGSIZE, op) if op.is_datagram_receive() => TRANSIENT_NOW,
        (WsaCode::WSAENOTCONN, Op::Shutdown) => BENIGN,
        (WsaCode::WSAECONNREFUSED, Op::Bind) => Classification::FATAL,
        (WsaCode::WSAETIMEDOUT, Op::Read | Op::Write | Op::Flush) => RECONNECT,
        (_, Op::Connect) if matches!(retry, Retry::Reconnect) => TRANSIENT_LATER,
        _ => Classification::new(retry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_rules() {
        for code in WsaCode::all() {
            for &op in Op::ALL {
                assert_eq!(
                    default_class(Some(code), op),
                    rule(code, op),
                    "{code:?} {op:?}"
                );
                assert_eq!(
                    class_of(Entry::of(code), op),
                    rule(code, op),
                    "{code:?} {op:?}"
                );
            }
        }
        for code in WsaCode::all() {
            let catalog = table_advice(code).map_or(Classification::FATAL, Classification::new);
            assert_eq!(
                rule(code, Op::Other),
                catalog,
                "{code:?}: no rule applies to other"
            );
        }
        for &op in Op::ALL {
            let expected = if op == Op::Accept {
                TRANSIENT_NOW
            } else {
                Classification::FATAL
            };
            assert_eq!(default_class(None, op), expected, "{op:?}");
        }
    }
}
