//! The rules that depend on the operation. The table in the module docs lists them; keep the
//! two in step.

use super::{Category, Classification, Op, Retry};
use crate::code::{table_class, WsaCode};

const TRANSIENT_NOW: Classification = Classification::new(Category::Transient, Retry::Immediately);
const TRANSIENT_LATER: Classification = Classification::new(Category::Transient, Retry::Backoff);
const RECONNECT: Classification = Classification::new(Category::Transient, Retry::Reconnect);

pub(super) fn classify(code: Option<WsaCode>, op: Op) -> Classification {
    let Some(code) = code else {
        return Classification::FATAL;
    };
    let Some((category, retry)) = table_class(code) else {
        return Classification::FATAL;
    };
    match (code, op) {
        (WsaCode::WSAEADDRINUSE | WsaCode::WSAEADDRNOTAVAIL, Op::Connect) => TRANSIENT_LATER,
        (WsaCode::WSAECONNRESET | WsaCode::WSAECONNABORTED, Op::Accept) => TRANSIENT_NOW,
        (WsaCode::WSAEMFILE | WsaCode::WSAENOBUFS | WsaCode::WSA_NOT_ENOUGH_MEMORY, Op::Accept) => {
            TRANSIENT_LATER
        }
        (WsaCode::WSAECONNRESET | WsaCode::WSAENETRESET | WsaCode::WSAECONNREFUSED, op)
            if op.is_datagram_receive() =>
        {
            TRANSIENT_NOW
        }
        (WsaCode::WSAETIMEDOUT, Op::Read | Op::Write | Op::Flush) => RECONNECT,
        (_, Op::Connect) if matches!(retry, Retry::Reconnect) => TRANSIENT_LATER,
        _ => Classification { category, retry },
    }
}
