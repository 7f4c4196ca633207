//! Reading the markdown tables of the docs, for the tests that hold them to the source's
//! tables.

/// The body rows of the first markdown table after `heading` in `text` (module docs or a
/// markdown file), each as its trimmed cells.
pub(crate) fn rows(text: &str, heading: &str) -> Vec<Vec<String>> {
    let from = text.find(heading).expect(heading);
    text[from..]
        .lines()
        .map(|l| l.trim_start_matches("//!").trim())
        .skip_while(|l| !l.starts_with('|'))
        .skip(2) // the header and the separator
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}
