//! The label values of the counter families: each label of the [table](super::table) is a
//! type whose values form a closed set, numbered from 0, so that a family's label sets are
//! numbered by the values of its labels, in the row's order, with no arithmetic of their own.

use crate::classify::{Category, Op};
use crate::code::Entry;

/// A label whose values form a closed set: how many there are, this value's place among them
/// and the text the recorder gets.
///
/// Crate-internal: only the crate's own label types implement it, each with
/// [`COUNT`](Label::COUNT) fixed at compile time, which bounds every family's label sets.
pub(crate) trait Label: Copy {
    /// How many values the label takes.
    const COUNT: usize;
    /// This value's place, below [`COUNT`](Label::COUNT).
    fn index(self) -> usize;
    /// The label value the recorder gets.
    fn name(self) -> &'static str;
}

/// `code`: a catalog row, or `None` for every code outside the catalog (`UNKNOWN`).
impl Label for Option<Entry> {
    const COUNT: usize = crate::code::COUNT + 1;

    #[inline]
    fn index(self) -> usize {
        crate::code::slot(self)
    }

    fn name(self) -> &'static str {
        self.map_or(crate::code::UNKNOWN_LABEL, |e| e.info().name)
    }
}

/// `op` and `category`: enums listed in order in their `ALL`, their values
/// numbered by discriminant (a test holds the two to agree) and named by `as_str`.
macro_rules! enum_labels {
    ($($(#[$attr:meta])* $type:ty),+ $(,)?) => {$(
        $(#[$attr])*
        impl Label for $type {
            const COUNT: usize = <$type>::ALL.len();

            #[inline]
            fn index(self) -> usize {
                self as usize
            }

            fn name(self) -> &'static str {
                self.as_str()
            }
        }
    )+};
}

enum_labels!(Op, Category);

/// The `outcome` label of the retries family. Its one type, `retry::Outcome`, lives in the
/// retry module, which counts through this one and so comes after it: the table names the
/// label by this trait, and the retry module implements it (and [`Label`]) for `Outcome`.
pub(crate) trait OutcomeLabel: Label {}

/// The values of a family's `N` labels, one per label in the row's order: a tuple of
/// [`Label`]s.
pub(crate) trait Labels<const N: usize>: Copy {
    /// How many label sets: the product of the labels' counts.
    const COUNT: usize;
    /// This label set's place, below [`COUNT`](Labels::COUNT): the labels' indexes read as the
    /// digits of one number, the first label the most significant.
    fn slot(self) -> usize;
    /// The label values, in the row's order.
    fn values(self) -> [&'static str; N];
}

macro_rules! labels {
    ($n:literal: $($t:ident $v:ident),+) => {
        impl<$($t: Label),+> Labels<$n> for ($($t,)+) {
            const COUNT: usize = 1 $(* $t::COUNT)+;

            #[inline]
            fn slot(self) -> usize {
                let ($($v,)+) = self;
                let mut slot = 0;
                $(slot = slot * $t::COUNT + $v.index();)+
                slot
            }

            fn values(self) -> [&'static str; $n] {
                let ($($v,)+) = self;
                [$($v.name()),+]
            }
        }
    };
}

labels!(1: A a);
labels!(2: A a, B b);
labels!(3: A a, B b, C c);
labels!(4: A a, B b, C c, D d);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::code::WsaCode;

    /// Each value's index is its place in the type's list of every value, and the list is as
    /// long as the count: the one check of every label type.
    pub(crate) fn indexes_are_places<T: Label + std::fmt::Debug>(all: &[T]) {
        assert_eq!(all.len(), T::COUNT);
        for (i, value) in all.iter().copied().enumerate() {
            assert_eq!(value.index(), i, "{value:?}");
        }
    }

    #[test]
    fn every_label_type_numbers_its_values_in_order() {
        indexes_are_places(Op::ALL);
        indexes_are_places(Category::ALL);
        let codes: Vec<Option<Entry>> = (0..crate::code::COUNT)
            .map(|p| Some(Entry::at(p)))
            .chain([None])
            .collect();
        indexes_are_places(&codes);
        assert_eq!(Entry::of(WsaCode::from_raw(12345)), None);
        assert_eq!(Label::name(None::<Entry>), "UNKNOWN");
    }

    #[test]
    fn every_label_set_has_its_own_slot() {
        let mut seen = std::collections::HashSet::new();
        for code in (0..crate::code::COUNT)
            .map(|p| Some(Entry::at(p)))
            .chain([None])
        {
            for &category in Category::ALL {
                for &op in Op::ALL {
                    let slot = (code, category, op).slot();
                    assert!(slot < <(Option<Entry>, Category, Op)>::COUNT);
                    assert!(seen.insert(slot), "{code:?} {category:?} {op:?}");
                }
            }
        }
        assert_eq!(seen.len(), <(Option<Entry>, Category, Op)>::COUNT);
    }
}
