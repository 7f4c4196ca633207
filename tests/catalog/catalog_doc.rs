//! `docs/catalog.md`, the page of `wsa_trace::catalog`, is generated from the public API.
//!
//! The test renders the page and compares it with the file. After a change to the catalog,
//! run `WSA_TRACE_BLESS=1 cargo test --test catalog catalog_doc` to rewrite the file, and review the
//! diff.

use std::env;
use std::fmt::Write as _;

use wsa_trace::observe::ERROR_TYPE_OTHER;
use wsa_trace::{default_class, Op, WsaCode};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/catalog.md");

/// Microsoft's other symbols for catalog codes.
const ALIASES: &[(&str, WsaCode)] = &[("WSANO_ADDRESS", WsaCode::WSANO_ADDRESS)];

const INTRO: &str = "\
Every Windows Sockets code in the catalog, with its default class.

The table lists every code that [`WsaCode::all`](crate::WsaCode::all) yields, in numerical
order. The category and retry columns give the class a code has when the operation that
failed is not known, which is what [`default_class()`](fn@crate::default_class) returns for
[`Op::Other`](crate::Op::Other) (the category follows from the advice); the last column says
why. `error.type` is OpenTelemetry's name for the code
([`WsaCode::error_type`](crate::WsaCode::error_type)), `_OTHER` where it has none. A few codes mean
something else for a given operation (an address in use is fatal on bind but transient on
connect, for example): those rules are listed in
[`wsa_trace::classify`](mod@crate::classify#rules-that-depend-on-the-operation) and applied by
the same function.

This page is generated from the catalog by `tests/catalog/catalog_doc.rs`.
";

#[path = "../support/generated.rs"]
mod generated;
#[path = "../support/markdown.rs"]
mod markdown;
use markdown::cell;

fn render() -> String {
    let mut out = String::from(INTRO);
    out.push_str(
        "\n| code | symbol | Berkeley | message | category | retry | error.type | why |\n",
    );
    out.push_str("|---:|---|---|---|---|---|---|---|\n");
    for code in WsaCode::all() {
        let berkeley = code
            .berkeley()
            .map_or_else(|| "-".to_owned(), |b| format!("`{b}`"));
        writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | `{}` | {} |",
            code.raw(),
            code.name().unwrap(),
            berkeley,
            cell(code.message().unwrap()),
            default_class(Some(code), Op::Other).category(),
            default_class(Some(code), Op::Other).retry(),
            code.error_type().unwrap_or(ERROR_TYPE_OTHER),
            cell(code.reason().unwrap()),
        )
        .unwrap();
    }
    out.push_str("\n# Aliases\n\n");
    out.push_str("Other symbols Microsoft defines for a code of the table. ");
    out.push_str("[`WsaCode::from_name`](crate::WsaCode::from_name) accepts them too.\n\n");
    out.push_str("| alias | code | symbol |\n|---|---:|---|\n");
    for &(alias, code) in ALIASES {
        assert_eq!(WsaCode::from_name(alias), Some(code), "{alias}");
        writeln!(
            out,
            "| `{alias}` | {} | `{}` |",
            code.raw(),
            code.name().unwrap()
        )
        .unwrap();
    }
    out
}

#[test]
fn catalog_page_is_up_to_date() {
    generated::check_or_bless(
        PATH,
        "docs/catalog.md",
        &render(),
        "WSA_TRACE_BLESS=1 cargo test --test catalog catalog_doc",
    );
}

#[test]
fn every_code_has_a_row() {
    let rendered = render();
    let (table, aliases) = rendered.split_once("\n# Aliases\n").unwrap();
    assert_eq!(
        table.lines().filter(|l| l.starts_with("| ")).count(),
        WsaCode::all().len() + 1
    );
    assert_eq!(
        aliases.lines().filter(|l| l.starts_with("| ")).count(),
        ALIASES.len() + 1
    );
    for code in WsaCode::all() {
        let row = format!("| {} | `{}` |", code.raw(), code.name().unwrap());
        assert_eq!(table.matches(&row).count(), 1, "{code:?}");
    }
}
