//! Markdown generated from the catalog, shared by the generated-page tests.

/// Makes a table cell of catalog text.
pub fn cell(text: &str) -> String {
    assert!(
        !text.contains(['\n', '\r']),
        "a table cell cannot hold a line break: {text:?}"
    );
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
