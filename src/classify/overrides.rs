use std::sync::Arc;

use super::{Classification, Classify, Op};
use crate::code::{Entry, WsaCode};

/// The built-in rules, with the user's overrides on top.
///
/// An override for a code and an operation wins over one for the code alone, which wins over
/// the built-in rules. Cloning is cheap: the overrides are shared.
///
/// ```
/// use wsa_trace::{Category, Classification, Classify, DefaultClassifier, Op, Retry, WsaCode};
///
/// let classifier = DefaultClassifier::new()
///     // This service treats a refused connection as final.
///     .with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL)
///     // But timeouts on connect are worth one more quick try.
///     .with_code_op(
///         WsaCode::WSAETIMEDOUT,
///         Op::Connect,
///         Classification::new(Retry::Immediately),
///     );
///
/// let refused = classifier.class_of(Some(WsaCode::WSAECONNREFUSED), Op::Connect);
/// assert_eq!(refused.retry(), Retry::Never);
/// let timed_out = classifier.class_of(Some(WsaCode::WSAETIMEDOUT), Op::Connect);
/// assert_eq!(timed_out.retry(), Retry::Immediately);
/// // Everything else keeps the built-in class.
/// let reset = classifier.class_of(Some(WsaCode::WSAECONNRESET), Op::Read);
/// assert_eq!(reset.retry(), Retry::Reconnect);
/// ```
#[derive(Clone, Debug, Default)]
pub struct DefaultClassifier {
    overrides: Arc<[Override]>,
}

#[derive(Clone, Copy, Debug)]
struct Override {
    code: WsaCode,
    op: Option<Op>,
    class: Classification,
}

impl DefaultClassifier {
    /// The built-in rules with no overrides. Same as `DefaultClassifier::default()`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Classifies `code` as `class` whatever the operation, unless an override for the code
    /// and the operation says otherwise. A later call for the same code replaces an earlier one.
    pub fn with_code(self, code: WsaCode, class: Classification) -> Self {
        self.with(Override {
            code,
            op: None,
            class,
        })
    }

    /// Classifies `code` as `class` when `op` fails with it. A later call for the same code
    /// and operation replaces an earlier one.
    pub fn with_code_op(self, code: WsaCode, op: Op, class: Classification) -> Self {
        self.with(Override {
            code,
            op: Some(op),
            class,
        })
    }

    fn with(self, new: Override) -> Self {
        let overrides = self
            .overrides
            .iter()
            .filter(|o| !(o.code == new.code && o.op == new.op))
            .copied()
            .chain(std::iter::once(new))
            .collect();
        DefaultClassifier { overrides }
    }

    fn find(&self, code: WsaCode, op: Option<Op>) -> Option<Classification> {
        self.overrides
            .iter()
            .find(|o| o.code == code && o.op == op)
            .map(|o| o.class)
    }
}

impl DefaultClassifier {
    /// The class of a mapped error, from the catalog row the mapping holds: the same answer
    /// as [`Classify::class_of`] with the row's code, without looking the code up again.
    #[inline]
    pub(crate) fn class_of_entry(&self, entry: Option<Entry>, op: Op) -> Classification {
        if let (Some(entry), false) = (entry, self.overrides.is_empty()) {
            let code = entry.code();
            if let Some(class) = self.find(code, Some(op)).or_else(|| self.find(code, None)) {
                return class;
            }
        }
        super::rules::class_of(entry, op)
    }
}

impl Classify for DefaultClassifier {
    fn class_of(&self, code: Option<WsaCode>, op: Op) -> Classification {
        if let (Some(code), false) = (code, self.overrides.is_empty()) {
            if let Some(class) = self.find(code, Some(op)).or_else(|| self.find(code, None)) {
                return class;
            }
        }
        super::default_class(code, op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Retry;

    /// The row a mapping holds gives the class the code gives, overrides included.
    #[test]
    fn the_row_classifies_as_the_code() {
        let classifiers = [
            DefaultClassifier::new(),
            DefaultClassifier::new()
                .with_code(WsaCode::WSAECONNREFUSED, Classification::FATAL)
                .with_code_op(
                    WsaCode::WSAETIMEDOUT,
                    Op::Read,
                    Classification::new(Retry::Backoff),
                ),
        ];
        for classifier in &classifiers {
            for code in WsaCode::all() {
                for &op in Op::ALL {
                    assert_eq!(
                        classifier.class_of_entry(Entry::of(code), op),
                        classifier.class_of(Some(code), op),
                        "{code:?} {op:?}"
                    );
                }
            }
            for &op in Op::ALL {
                assert_eq!(
                    classifier.class_of_entry(None, op),
                    classifier.class_of(None, op)
                );
            }
        }
    }
}
