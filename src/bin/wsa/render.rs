//! How answers look: the text and the JSON of a code, built once each and shared by every
//! output, the wrapping of text lines, and the escaping of outside text bound for a terminal.
//!
//! Every JSON object that describes a code has the keys of [`code_json`], whatever printed
//! it (`wsa --json`, `wsa --list --json`, `wsa explain --json`); each output adds keys of its
//! own beside them (`input`, or `line`, `text` and `file`), never another name for a key.

use std::io::{self, Write};

use serde_json::{Map, Value};
use wsa_trace::code::Family;
use wsa_trace::{default_class, Classification, Op, WsaCode};

use crate::lookup::Native;

/// The width text output is wrapped to.
const WIDTH: usize = 80;
/// The column values start at in `key: value` lines.
const VALUE_COLUMN: usize = 13;

/// The class a lookup shows: the crate's own for an error whose operation is not known.
fn class(code: WsaCode) -> Classification {
    default_class(Some(code), Op::Other)
}

/// THE JSON form of a code; every JSON output is built from it.
pub(crate) fn code_json(code: WsaCode) -> Map<String, Value> {
    let class = class(code);
    let mut object = Map::new();
    let mut put = |key: &str, value: Value| {
        object.insert(key.to_owned(), value);
    };
    put("name", code.name().into());
    put("code", code.raw().into());
    put("message", code.message().into());
    put("description", code.description().into());
    put("berkeley", code.berkeley().into());
    put("family", code.family().map(Family::as_str).into());
    put("category", class.category().as_str().into());
    put("retry", class.retry().as_str().into());
    put("reason", code.reason().into());
    put("hint", code.hint().into());
    object
}

/// A native lookup as JSON: the code's object, with the native value as `input`.
pub(crate) fn native_json(native: &Native) -> Map<String, Value> {
    let mut object = code_json(native.code);
    let mut input = Map::new();
    input.insert("platform".to_owned(), native.platform.into());
    input.insert("raw".to_owned(), native.raw.into());
    input.insert("name".to_owned(), native.name.into());
    input.insert("reason".to_owned(), native.reason.into());
    object.insert("input".to_owned(), input.into());
    object
}

/// Several codes as a JSON array.
pub(crate) fn list_json(codes: &[WsaCode]) -> Value {
    codes.iter().map(|&c| Value::from(code_json(c))).collect()
}

/// A line of a log explained, as one JSON object: the code's, with the line's number, the
/// text that named the code, and the file when several are read.
pub(crate) fn line_json(code: WsaCode, line: u64, text: &str, file: Option<&str>) -> String {
    let mut object = code_json(code);
    object.insert("line".to_owned(), line.into());
    object.insert("text".to_owned(), text.into());
    if let Some(file) = file {
        object.insert("file".to_owned(), file.into());
    }
    Value::from(object).to_string()
}

/// Pretty JSON with a final newline.
pub(crate) fn to_json(value: impl Into<Value>) -> String {
    let mut out =
        serde_json::to_string_pretty(&value.into()).expect("a JSON value always serialises");
    out.push('\n');
    out
}

/// THE text form of a code; every single-code text output is built from it.
pub(crate) fn code_text(code: WsaCode) -> String {
    let class = class(code);
    let mut out = format!("{code}\n");
    push_field(&mut out, "berkeley", code.berkeley().unwrap_or("(none)"));
    push_field(
        &mut out,
        "family",
        code.family().map_or("(unknown)", Family::as_str),
    );
    push_field(&mut out, "category", class.category().as_str());
    let retry = match code.reason() {
        Some(reason) => format!("{} ({reason})", class.retry()),
        None => class.retry().to_string(),
    };
    push_field(&mut out, "retry", &retry);
    if let Some(description) = code.description() {
        out.push('\n');
        push_wrapped(&mut out, "  ", 2, description);
    }
    if let Some(hint) = code.hint() {
        out.push('\n');
        push_field(&mut out, "hint", hint);
    }
    out
}

/// A native lookup as text: the native value, why it pairs with its code, then the code.
pub(crate) fn native_text(native: &Native) -> String {
    let what = match native.platform {
        "windows" => "Windows error",
        _ => "errno",
    };
    let target = native.code.label();
    let mut out = match native.name {
        Some(name) if name != target => format!("{what} {} ({name}) is {target}\n", native.raw),
        _ => format!("{what} {} is {target}\n", native.raw),
    };
    if let Some(reason) = native.reason {
        push_field(&mut out, "why", reason);
    }
    out.push('\n');
    out.push_str(&code_text(native.code));
    out
}

/// Several codes, one line each: number, symbol, message.
pub(crate) fn list_text(codes: &[WsaCode]) -> String {
    let width = codes.iter().map(|c| c.label().len()).max().unwrap_or(0);
    codes
        .iter()
        .map(|c| {
            let message = c.message().unwrap_or_default();
            format!("{:>5}  {:<width$}  {message}\n", c.raw(), c.label())
        })
        .collect()
}

/// The line written under a log line that names `code`, without its newline:
/// `  -> SYMBOL (code) category, retry advice: message. hint`.
pub(crate) fn line_text(code: WsaCode) -> String {
    let class = class(code);
    let message = code.message().unwrap_or_default();
    let hint = code.hint().map(|h| format!(" {h}")).unwrap_or_default();
    format!(
        "  -> {} ({}) {}, retry {}: {message}.{hint}",
        code.label(),
        code.raw(),
        class.category(),
        class.retry(),
    )
}

/// Appends `  key:     value`, the value wrapped with a hanging indent.
fn push_field(out: &mut String, key: &str, value: &str) {
    let first = format!("  {:<width$}", format!("{key}:"), width = VALUE_COLUMN - 2);
    push_wrapped(out, &first, VALUE_COLUMN, value);
}

/// Appends `text` after `first`, wrapped at [`WIDTH`], continuation lines indented by `indent`.
fn push_wrapped(out: &mut String, first: &str, indent: usize, text: &str) {
    let mut line = first.to_owned();
    let mut bare = true;
    for word in text.split_whitespace() {
        if !bare && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = " ".repeat(indent);
            bare = true;
        }
        if !bare {
            line.push(' ');
        }
        line.push_str(word);
        bare = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Shows the control characters of text bound for a terminal as escapes: C0 but tab and
/// newline, DEL, and C1 written as UTF-8 (`C2 80` to `C2 9F`, whose `9B` is a CSI). Text is
/// fed in pieces of any size, so a `C2` ending one piece waits for the next.
#[derive(Debug, Default)]
pub(crate) struct Escape {
    held_c2: bool,
}

impl Escape {
    /// Writes `bytes` with their control characters escaped.
    pub(crate) fn write(&mut self, w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
        let mut plain = 0; // start of the bytes not yet written
        for (i, &b) in bytes.iter().enumerate() {
            if std::mem::take(&mut self.held_c2) {
                if (0x80..=0x9f).contains(&b) {
                    write!(w, "\\u{{{b:x}}}")?;
                    plain = i + 1;
                    continue;
                }
                w.write_all(&[0xc2])?;
            }
            let escaped = match b {
                b'\t' | b'\n' => false,
                0x00..=0x1f | 0x7f => true,
                0xc2 => {
                    w.write_all(&bytes[plain..i])?;
                    self.held_c2 = true;
                    plain = i + 1;
                    continue;
                }
                _ => false,
            };
            if escaped {
                w.write_all(&bytes[plain..i])?;
                write!(w, "\\x{b:02x}")?;
                plain = i + 1;
            }
        }
        w.write_all(&bytes[plain..])
    }

    /// Writes a `C2` still held at the end of the input.
    pub(crate) fn finish(&mut self, w: &mut impl Write) -> io::Result<()> {
        if std::mem::take(&mut self.held_c2) {
            w.write_all(&[0xc2])?;
        }
        Ok(())
    }
}
