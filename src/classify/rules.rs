//! The rules that depend on the operation. The table in the module docs lists them; keep the
//! two in step.

use super::{Category, Classification, Op, Retry};
use crate::code::{at, position, table_class, WsaCode, COUNT};

const TRANSIENT_NOW: Classification = Classification::new(Category::Transient, Retry::Immediately);
const TRANSIENT_LATER: Classification = Classification::new(Category::Transient, Retry::Backoff);
const RECONNECT: Classification = Classification::new(Category::Transient, Retry::Reconnect);
const BENIGN: Classification = Classification::new(Category::Benign, Retry::Never);

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

/// The first number of [`DENSE`].
const DENSE_FROM: i32 = 10_004;
/// No catalog row: a value no position takes.
const NO_ROW: u8 = u8::MAX;

/// The catalog position of every number from [`DENSE_FROM`] to the last catalog code, where
/// all but a handful of codes sit, worked out at compile time from the catalog: a code is
/// placed with one load instead of a walk through the catalog's `match`.
static DENSE: [u8; 1_030] = {
    assert!(COUNT < NO_ROW as usize);
    let mut table = [NO_ROW; 1_030];
    let mut i = 0;
    while i < table.len() {
        if let Some(p) = position(WsaCode::from_raw(DENSE_FROM + i as i32)) {
            table[i] = p as u8;
        }
        i += 1;
    }
    table
};

/// The catalog position of `code`.
#[inline]
fn row(code: WsaCode) -> Option<usize> {
    match DENSE.get(code.raw().wrapping_sub(DENSE_FROM) as u32 as usize) {
        Some(&NO_ROW) => None,
        Some(&p) => Some(p as usize),
        None => position(code),
    }
}

#[inline]
pub(super) fn classify(code: Option<WsaCode>, op: Op) -> Classification {
    match code {
        Some(code) => match row(code) {
            Some(i) => CLASSES[i][op as usize],
            None => Classification::FATAL,
        },
        // What took no code at all on accept (a custom listener's handshake failure, say)
        // concerns the one connection that failed: the listener is no worse for it.
        None if matches!(op, Op::Accept) => TRANSIENT_NOW,
        None => Classification::FATAL,
    }
}

/// The catalog's class for `code`, adjusted for `op`.
const fn rule(code: WsaCode, op: Op) -> Classification {
    let Some((category, retry)) = table_class(code) else {
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
        _ => Classification { category, retry },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dense_rows_are_the_catalog_positions() {
        assert!(
            DENSE_FROM + DENSE.len() as i32 > crate::WsaCode::all().map(|c| c.raw()).max().unwrap()
        );
        for raw in -1..12_000 {
            assert_eq!(
                row(WsaCode::from_raw(raw)),
                position(WsaCode::from_raw(raw)),
                "{raw}"
            );
        }
    }

    #[test]
    fn the_table_is_the_rules() {
        for code in crate::WsaCode::all() {
            for op in Op::ALL {
                assert_eq!(classify(Some(code), op), rule(code, op), "{code:?} {op:?}");
            }
        }
        for op in Op::ALL {
            let expected = if op == Op::Accept {
                TRANSIENT_NOW
            } else {
                Classification::FATAL
            };
            assert_eq!(classify(None, op), expected, "{op:?}");
        }
    }
}
