//! Messages known to hold no socket error, remembered per thread: a message that comes in one
//! piece (a static one, `info!("request served")`) is scanned once, not at every event. A
//! message is remembered with the platform it was read for: `errno 61` holds nothing on
//! Linux and a refused connection on macOS.

use std::cell::RefCell;
use std::fmt::{self, Write};

use crate::scan::{Found, Platform, Scanner};

/// How many messages a thread remembers (a new one takes the slot of the one it hashes to).
const SLOTS: usize = 64;
/// The longest message remembered.
const LONGEST: usize = 96;

/// A remembered message and the platform it was read for; `len` 0 is an empty slot.
#[derive(Clone, Copy)]
struct Slot {
    len: u8,
    platform: Platform,
    text: [u8; LONGEST],
}

const EMPTY: Slot = Slot {
    len: 0,
    platform: Platform::Linux,
    text: [0; LONGEST],
};

const _: () = assert!(LONGEST <= u8::MAX as usize && SLOTS.is_power_of_two());

thread_local! {
    static QUIET: RefCell<[Slot; SLOTS]> = const { RefCell::new([EMPTY; SLOTS]) };
}

/// The slot of `text`: its length and first and last eight bytes, hashed.
fn slot_of(text: &[u8]) -> usize {
    let eight = |b: &[u8]| {
        let mut w = [0; 8];
        w[..b.len()].copy_from_slice(b);
        u64::from_le_bytes(w)
    };
    let head = eight(&text[..text.len().min(8)]);
    let tail = eight(&text[text.len().saturating_sub(8)..]);
    let h = (head ^ tail.rotate_left(29) ^ text.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - SLOTS.trailing_zeros())) as usize
}

fn is_quiet(text: &[u8], platform: Platform) -> bool {
    QUIET
        .try_with(|q| {
            let slot = &q.borrow()[slot_of(text)];
            usize::from(slot.len) == text.len()
                && slot.platform == platform
                && slot.text[..text.len()] == *text
        })
        .unwrap_or(false)
}

fn remember(text: &[u8], platform: Platform) {
    let _ = QUIET.try_with(|q| {
        let mut slot = EMPTY;
        slot.len = text.len() as u8;
        slot.platform = platform;
        slot.text[..text.len()].copy_from_slice(text);
        q.borrow_mut()[slot_of(text)] = slot;
    });
}

/// Formats a message into `scanner` and ends the text: its socket error, if any. The text is
/// only copied into the scanner as it comes; a message that came in one piece equal to one
/// remembered as quiet is then not read, and one that came in one piece and holds nothing is
/// remembered.
pub(super) fn scan_message(scanner: &mut Scanner, message: &dyn fmt::Debug) -> Option<Found> {
    let mut writer = Pieces {
        scanner,
        pieces: 0,
        first: EMPTY,
    };
    let _ = write!(writer, "{message:?}");
    let Pieces {
        scanner,
        pieces,
        first,
    } = writer;
    let first = &first.text[..usize::from(first.len)];
    if pieces != 1 || first.is_empty() {
        return scanner.finish();
    }
    let platform = scanner.platform();
    if is_quiet(first, platform) {
        scanner.reset();
        return None;
    }
    let found = scanner.finish();
    if found.is_none() {
        remember(first, platform);
    }
    found
}

/// The pieces of a message on their way to the scanner, counted, the first kept when it fits
/// a slot.
struct Pieces<'a> {
    scanner: &'a mut Scanner,
    pieces: usize,
    first: Slot,
}

impl Write for Pieces<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.is_empty() {
            return Ok(());
        }
        self.pieces += 1;
        if self.pieces == 1 && s.len() <= LONGEST {
            self.first.len = s.len() as u8;
            self.first.text[..s.len()].copy_from_slice(s.as_bytes());
        }
        self.scanner.write_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::WsaCode;

    fn scan(args: fmt::Arguments<'_>) -> Option<WsaCode> {
        scan_on(Platform::Linux, args)
    }

    fn scan_on(platform: Platform, args: fmt::Arguments<'_>) -> Option<WsaCode> {
        scan_message(&mut Scanner::new(platform), &args).map(|f| f.code())
    }

    fn is_quiet(text: &[u8]) -> bool {
        super::is_quiet(text, Platform::Linux)
    }

    #[test]
    fn a_message_quiet_on_one_platform_is_read_again_for_another() {
        assert_eq!(
            scan_on(Platform::Linux, format_args!("connect: errno 61")),
            None
        );
        assert_eq!(
            scan_on(Platform::MacOs, format_args!("connect: errno 61")),
            Some(WsaCode::WSAECONNREFUSED)
        );
    }

    #[test]
    fn a_quiet_message_in_one_piece_is_remembered_and_others_are_not() {
        assert!(!is_quiet(b"pool checkout done"));
        assert_eq!(scan(format_args!("pool checkout done")), None);
        assert!(is_quiet(b"pool checkout done"));
        assert_eq!(scan(format_args!("pool checkout done")), None);

        assert_eq!(
            scan(format_args!("connect: connection refused")),
            Some(WsaCode::WSAECONNREFUSED)
        );
        assert!(!is_quiet(b"connect: connection refused"));
        let peer = "10.0.0.1:80";
        assert_eq!(scan(format_args!("pool checkout of {peer} done")), None);
        assert!(!is_quiet(b"pool checkout of "));
    }

    #[test]
    fn a_remembered_first_piece_followed_by_more_is_scanned_whole() {
        assert_eq!(scan(format_args!("upstream said")), None);
        assert!(is_quiet(b"upstream said"));
        let rest = ": connection reset by peer";
        assert_eq!(
            scan(format_args!("upstream said{rest}")),
            Some(WsaCode::WSAECONNRESET)
        );
        // A message cut after a remembered piece that would match only across the cut.
        assert_eq!(scan(format_args!("connection")), None);
        let refused = " refused";
        assert_eq!(
            scan(format_args!("connection{refused}")),
            Some(WsaCode::WSAECONNREFUSED)
        );
    }
}
