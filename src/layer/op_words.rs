//! The operation a log message names, by keyword.

use std::fmt;

use crate::classify::Op;

/// Words of a message that name the operation that failed, matched whole and in any case;
/// the first in the message wins.
pub(super) const OP_WORDS: &[(&str, Op)] = &[
    ("accept", Op::Accept),
    ("connect", Op::Connect),
    ("bind", Op::Bind),
    ("read", Op::Read),
    ("write", Op::Write),
    ("recv", Op::Recv),
    ("send", Op::Send),
    ("shutdown", Op::Shutdown),
    ("resolve", Op::Resolve),
    ("lookup", Op::Resolve),
];

/// The longest keyword.
const LONGEST: usize = 8;

/// Finds the first keyword of a text fed in pieces.
#[derive(Debug, Default)]
pub(super) struct OpWords {
    word: [u8; LONGEST],
    len: usize,
    found: Option<Op>,
}

impl OpWords {
    pub(super) fn found(&self) -> Option<Op> {
        self.found
    }

    /// Ends the text.
    pub(super) fn finish(&mut self) -> Option<Op> {
        self.end_word();
        self.found
    }

    fn end_word(&mut self) {
        if self.found.is_none() && self.len <= LONGEST {
            let word = &self.word[..self.len];
            self.found = OP_WORDS
                .iter()
                .find(|(w, _)| w.as_bytes() == word)
                .map(|&(_, op)| op);
        }
        self.len = 0;
    }
}

impl fmt::Write for OpWords {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            if self.found.is_some() {
                break;
            }
            if b.is_ascii_alphanumeric() || b == b'_' {
                if self.len < LONGEST {
                    self.word[self.len] = b.to_ascii_lowercase();
                }
                self.len = self.len.saturating_add(1);
            } else if self.len > 0 {
                self.end_word();
            }
        }
        Ok(())
    }
}

/// The operation named exactly by `name` (`"accept"`, `"send_to"`), in any case.
pub(super) fn op_named(name: &str) -> Option<Op> {
    let name = name.trim().trim_matches('"');
    Op::ALL
        .iter()
        .copied()
        .find(|op| op.as_str().eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    fn first(text: &str) -> Option<Op> {
        let mut w = OpWords::default();
        w.write_str(text).unwrap();
        w.finish()
    }

    #[test]
    fn keywords_are_whole_words() {
        assert_eq!(first("accept error: too many open files"), Some(Op::Accept));
        assert_eq!(first("connection error: reset"), None);
        assert_eq!(first("failed to Connect then read"), Some(Op::Connect));
        assert_eq!(first("DNS lookup failed"), Some(Op::Resolve));
        assert_eq!(first("a_read"), None);
        assert_eq!(first("write"), Some(Op::Write));
    }

    #[test]
    fn op_names() {
        assert_eq!(op_named("send_to"), Some(Op::SendTo));
        assert_eq!(op_named("\"Accept\""), Some(Op::Accept));
        assert_eq!(op_named("nope"), None);
    }
}
