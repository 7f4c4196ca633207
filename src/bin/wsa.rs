//! `wsa`: explains Windows Sockets error codes, offline, in the spirit of moreutils' `errno`.
//!
//! ```text
//! wsa 10054                 # by number
//! wsa wsaeconnreset         # by symbol, any case
//! wsa ECONNRESET            # by Berkeley name
//! wsa --errno 32            # this platform's errno, by number or name, to its code
//! wsa --errno epipe         #   (EPIPE -> WSAESHUTDOWN, with the reason for the pairing)
//! wsa --windows 64          # a Windows raw_os_error(): a WSA code or a Win32 error
//! wsa --search reset        # codes whose symbol, message, description or Berkeley name matches
//! wsa --list                # every code, one line each
//! wsa --list --json         # any form, as JSON
//! wsa explain app.log       # every socket error in a log, explained (see `wsa explain --help`)
//! ```
//!
//! A single code is explained as aligned `key: value` lines:
//!
//! ```text
//! WSAECONNRESET (10054): Connection reset by peer
//!   berkeley:  ECONNRESET
//!   family:    berkeley
//!   category:  transient
//!   retry:     reconnect (the connection is gone, but a new one may well succeed)
//!
//!   The remote side, or something between the two ends, tore the connection
//!   down abruptly with a reset. ...
//!
//!   hint:      Look at the peer's logs around the same time: ...
//! ```
//!
//! With `--json`, a single lookup prints one object and `--list`/`--search` an array of them:
//!
//! | key | value |
//! |---|---|
//! | `name`, `code` | the symbol and its number |
//! | `message`, `description` | the short phrase and the longer explanation |
//! | `berkeley` | the Berkeley (errno) name, or `null` |
//! | `family` | `win32`, `berkeley`, `winsock`, `resolver`, `qos` or `security` |
//! | `category`, `retry`, `reason` | the default class, its advice and why |
//! | `hint` | what to check, or `null` |
//! | `input` | `--errno`/`--windows` only: `{"platform", "raw", "name", "reason"}` of the native value |
//!
//! Input that names no code, an errno or Windows error with no socket meaning, a search that
//! finds nothing and usage errors print one line on stderr and exit with status 2.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations, unreachable_pub)]

#[path = "wsa/explain.rs"]
mod explain;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use serde_json::{json, Value};
use wsa_trace::code::Family;
use wsa_trace::map::{self, Translation};
use wsa_trace::{default_class, Classification, Op, WsaCode};

/// The width text output is wrapped to.
const WIDTH: usize = 80;
/// The column values start at in `key: value` lines.
const VALUE_COLUMN: usize = 13;
/// The exit status for input that cannot be resolved and for usage errors.
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => return clap_failure(&err),
    };
    if let Some(explain) = matches.subcommand_matches("explain") {
        return explain::run(explain);
    }
    let json = matches.get_flag("json");
    match query(&matches).and_then(|q| run(q, json)) {
        Ok(out) => emit(&out),
        Err(msg) => complain(&msg, ExitCode::from(BAD_INPUT)),
    }
}

fn command() -> Command {
    Command::new("wsa")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Explain Windows Sockets (WSA) error codes: meaning, category and retry advice")
        .allow_negative_numbers(true)
        .args_conflicts_with_subcommands(true)
        .subcommand(explain::command())
        .arg(
            Arg::new("code")
                .value_name("CODE")
                .help("A WSA code: 10054, WSAECONNRESET (any case) or ECONNRESET"),
        )
        .arg(
            Arg::new("errno")
                .long("errno")
                .value_name("ERRNO")
                .help("This platform's errno, by number or name (EPIPE), to its WSA code"),
        )
        .arg(
            Arg::new("windows")
                .long("windows")
                .value_name("RAW")
                .help("A Windows raw_os_error(): a WSA code or a Win32 error (64)"),
        )
        .arg(
            Arg::new("search")
                .long("search")
                .value_name("TEXT")
                .help("Every code whose symbol, message, description or Berkeley name has TEXT"),
        )
        .arg(
            Arg::new("list")
                .long("list")
                .action(ArgAction::SetTrue)
                .help("Every code, one line each"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print JSON: an object per code, an array for --list and --search"),
        )
        .group(
            ArgGroup::new("mode")
                .args(["code", "errno", "windows", "search", "list"])
                .multiple(false),
        )
        .after_help(
            "Examples:\n  wsa 10054\n  wsa wsaeconnreset\n  wsa ECONNRESET\n  wsa --errno EPIPE\n  \
             wsa --windows 64\n  wsa --search reset\n  wsa --list --json",
        )
}

/// `--help` and `--version` print and succeed; every other clap error becomes one line.
fn clap_failure(err: &clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            match err.print().and_then(|()| io::stdout().flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => complain(&format!("cannot write the help: {e}"), ExitCode::FAILURE),
            }
        }
        _ => {
            let rendered = err.to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            complain(
                &format!("{first}; see `wsa --help`"),
                ExitCode::from(BAD_INPUT),
            )
        }
    }
}

/// What was asked for.
enum Query {
    Code(String),
    Errno(String),
    Windows(String),
    Search(String),
    List,
}

fn query(matches: &ArgMatches) -> Result<Query, String> {
    let text = |id: &str| matches.get_one::<String>(id).cloned();
    if let Some(t) = text("code") {
        Ok(Query::Code(t))
    } else if let Some(t) = text("errno") {
        Ok(Query::Errno(t))
    } else if let Some(t) = text("windows") {
        Ok(Query::Windows(t))
    } else if let Some(t) = text("search") {
        Ok(Query::Search(t))
    } else if matches.get_flag("list") {
        Ok(Query::List)
    } else {
        Err(
            "nothing to look up: expected a code (10054, WSAECONNRESET or ECONNRESET), \
             --errno, --windows, --search or --list; see `wsa --help`"
                .to_owned(),
        )
    }
}

/// Resolves the query and renders the answer, or says why it could not.
fn run(query: Query, json: bool) -> Result<String, String> {
    match query {
        Query::Code(text) => {
            let code = text.parse::<WsaCode>().map_err(|e| e.to_string())?;
            Ok(if json {
                to_json(&code_json(code))
            } else {
                code_text(code)
            })
        }
        Query::Errno(text) => Ok(native(&errno_input(&text)?, json)),
        Query::Windows(text) => Ok(native(&windows_input(&text)?, json)),
        Query::Search(text) => {
            let needle = text.trim().to_lowercase();
            if needle.is_empty() {
                return Err("--search needs some text to look for".to_owned());
            }
            let found: Vec<WsaCode> = WsaCode::all().filter(|&c| mentions(c, &needle)).collect();
            if found.is_empty() {
                return Err(format!(
                    "no Windows Sockets code mentions `{}`",
                    text.trim()
                ));
            }
            Ok(many(&found, json))
        }
        Query::List => Ok(many(&WsaCode::all().collect::<Vec<_>>(), json)),
    }
}

/// Whether the code's symbol, message, description or Berkeley name contains `needle`,
/// which is already lowercase.
fn mentions(code: WsaCode, needle: &str) -> bool {
    [
        code.name(),
        code.message(),
        code.description(),
        code.berkeley(),
    ]
    .into_iter()
    .flatten()
    .any(|field| field.to_lowercase().contains(needle))
}

/// A native value (errno or Windows error) and the code it stands for.
struct Native {
    /// `"unix"` for errno, `"windows"` for a Windows `raw_os_error()`.
    platform: &'static str,
    raw: i32,
    name: Option<&'static str>,
    /// Why the pair holds, when it is not a plain equivalence.
    reason: Option<&'static str>,
    code: WsaCode,
}

/// `--errno`: a number or a name from this platform's errno table.
fn errno_input(text: &str) -> Result<Native, String> {
    let t = text.trim();
    let (raw, name) = match t.parse::<i32>() {
        Ok(raw) => (raw, map::errno_name(raw)),
        Err(_) => {
            let row = find_named(map::errno_translations(), t).ok_or_else(|| {
                format!(
                    "`{t}` names no errno with a Windows Sockets equivalent on this platform: \
                     expected a number or a name such as EPIPE or ECONNRESET"
                )
            })?;
            (row.raw, Some(row.name))
        }
    };
    let code = map::from_errno(raw)
        .ok_or_else(|| format!("errno {raw} has no Windows Sockets equivalent on this platform"))?;
    Ok(Native {
        platform: "unix",
        raw,
        name,
        reason: reason(map::errno_translations(), raw, name),
        code,
    })
}

/// `--windows`: a number, a WSA symbol or a Win32 name from the translation table.
fn windows_input(text: &str) -> Result<Native, String> {
    let t = text.trim();
    let raw = match t.parse::<i32>() {
        Ok(raw) => raw,
        Err(_) => WsaCode::from_name(t)
            .map(WsaCode::raw)
            .or_else(|| find_named(map::windows_translations(), t).map(|row| row.raw))
            .ok_or_else(|| {
                format!(
                    "`{t}` is not a Windows socket error: expected a number, a symbol such as \
                     WSAECONNRESET or a Win32 name such as ERROR_NETNAME_DELETED"
                )
            })?,
    };
    let code = map::from_windows(raw).ok_or_else(|| {
        format!(
            "Windows error {raw} is not a socket error: expected a WSA code such as 10054 or a \
             Win32 error that socket I/O reports, such as 64 (ERROR_NETNAME_DELETED)"
        )
    })?;
    let name = map::windows_name(raw);
    Ok(Native {
        platform: "windows",
        raw,
        name,
        reason: reason(map::windows_translations(), raw, name),
        code,
    })
}

fn find_named(rows: &'static [Translation], name: &str) -> Option<&'static Translation> {
    rows.iter().find(|row| row.name.eq_ignore_ascii_case(name))
}

/// The reason recorded for the row with this number and name.
fn reason(rows: &[Translation], raw: i32, name: Option<&str>) -> Option<&'static str> {
    rows.iter()
        .find(|row| row.raw == raw && Some(row.name) == name)
        .and_then(|row| row.reason)
}

/// Renders a native lookup: the code's answer with the native value beside it.
fn native(input: &Native, json: bool) -> String {
    if json {
        let mut value = code_json(input.code);
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "input".to_owned(),
                json!({
                    "platform": input.platform,
                    "raw": input.raw,
                    "name": input.name,
                    "reason": input.reason,
                }),
            );
        }
        return to_json(&value);
    }
    let what = match input.platform {
        "windows" => "Windows error",
        _ => "errno",
    };
    let target = input.code.label();
    let mut out = match input.name {
        Some(name) if name != target => format!("{what} {} ({name}) is {target}\n", input.raw),
        _ => format!("{what} {} is {target}\n", input.raw),
    };
    if let Some(reason) = input.reason {
        push_field(&mut out, "why", reason);
    }
    out.push('\n');
    out.push_str(&code_text(input.code));
    out
}

/// Renders several codes: an array of objects, or one line each.
fn many(codes: &[WsaCode], json: bool) -> String {
    if json {
        return to_json(&Value::Array(codes.iter().map(|&c| code_json(c)).collect()));
    }
    let width = codes.iter().map(|c| c.label().len()).max().unwrap_or(0);
    codes
        .iter()
        .map(|c| {
            let message = c.message().unwrap_or_default();
            format!("{:>5}  {:<width$}  {message}\n", c.raw(), c.label())
        })
        .collect()
}

/// The class of a code named with no operation: the catalog's own.
fn class_of(code: WsaCode) -> Classification {
    default_class(Some(code), Op::Other)
}

/// THE JSON form of a code; every JSON output is built from it.
fn code_json(code: WsaCode) -> Value {
    let class = class_of(code);
    json!({
        "name": code.name(),
        "code": code.raw(),
        "message": code.message(),
        "description": code.description(),
        "berkeley": code.berkeley(),
        "family": code.family().map(Family::as_str),
        "category": class.category().as_str(),
        "retry": class.retry().as_str(),
        "reason": code.reason(),
        "hint": code.hint(),
    })
}

/// THE text form of a code; every single-code text output is built from it.
fn code_text(code: WsaCode) -> String {
    let mut out = format!("{code}\n");
    push_field(&mut out, "berkeley", code.berkeley().unwrap_or("(none)"));
    push_field(
        &mut out,
        "family",
        code.family().map_or("(unknown)", Family::as_str),
    );
    let class = class_of(code);
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

fn to_json(value: &Value) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("a JSON value always serialises");
    out.push('\n');
    out
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

/// Writes the answer; a closed pipe (`wsa --list | head`) is not an error.
fn emit(out: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => complain(&format!("cannot write the answer: {e}"), ExitCode::FAILURE),
    }
}

/// Prints `wsa: <msg>` on stderr and returns `status`. An unwritable stderr cannot be told
/// about, so it changes nothing: the status still says the run failed.
fn complain(msg: &str, status: ExitCode) -> ExitCode {
    let _ = writeln!(io::stderr().lock(), "wsa: {msg}");
    status
}
