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
//! | file | what it holds |
//! |---|---|
//! | `main.rs` | the arguments, what was asked for, writing the answer and the exit status |
//! | `lookup.rs` | what was asked for, resolved through the library's own tables (`map`, `code`) |
//! | `render.rs` | the text and the JSON of a code, wrapping, and escaping for a terminal |
//! | `explain.rs` | `wsa explain`: a log streamed through `wsa_trace::scan` |
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
//! With `--json`, a single lookup prints one object and `--list`/`--search` an array of
//! them; `wsa explain --json` prints one object per matching line, with the same keys
//! (`render::code_json`, listed in the README's CLI section).
//!
//! Input that names no code, an errno or Windows error with no socket meaning, a search that
//! finds nothing and usage errors print one line on stderr and exit with status 2.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations, unreachable_pub)]

mod explain;
mod lookup;
mod render;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};

use lookup::{Answer, Query};

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
    match query(&matches).and_then(Query::answer) {
        Ok(answer) => emit(&render_answer(&answer, json)),
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

/// What the arguments ask for.
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

/// The answer as text or JSON.
fn render_answer(answer: &Answer, json: bool) -> String {
    match (answer, json) {
        (Answer::Code(code), false) => render::code_text(*code),
        (Answer::Code(code), true) => render::to_json(render::code_json(*code)),
        (Answer::Native(native), false) => render::native_text(native),
        (Answer::Native(native), true) => render::to_json(render::native_json(native)),
        (Answer::Many(codes), false) => render::list_text(codes),
        (Answer::Many(codes), true) => render::to_json(render::list_json(codes)),
    }
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
