//! `wsa explain [--json] [--os linux|macos|bsd|windows] [FILE ...]`: every line of a log with a
//! socket error in it, explained.
//!
//! The input is streamed in fixed-size pieces, whatever the length of its lines, and each
//! line goes through `wsa_trace::scan::Scanner` as it passes: memory stays constant for any
//! file, lines that are not UTF-8 are read as they are (only ASCII can match) and printed
//! unchanged.
//!
//! | output | what is printed |
//! |---|---|
//! | text (default) | every line unchanged; under each line with a socket error, `  -> SYMBOL (code) category, retry advice: message. hint` |
//! | text to a terminal | the same, with each control character of a line other than tab shown escaped (`\x1b`, `\x0d`, `\u{9b}`) |
//! | `--json` | one object per matching line: the keys of `wsa --json` for the code it names (`name`, `code`, `message`, ...), and `line` (1-based), `text` (the matched text), and `file` when several files are read |
//!
//! A log line is data: written to a terminal, its escape sequences, carriage returns and other
//! control characters (C0, DEL and the C1 set) would retitle, clear, recolour or overwrite the
//! terminal, so they are shown escaped. Written to a pipe or a file, a line is kept byte for
//! byte, as grep keeps it.
//!
//! The exit status is grep's: 0 when a line matched, 1 when none did, 2 on an error (an
//! unreadable file, a bad flag), the other files being read all the same.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use wsa_trace::scan::{Found, Platform, Scanner};

use crate::render::{self, Escape};

/// How much of the input is read at a time.
const CHUNK: usize = 64 * 1024;
/// The exit status when nothing matched.
const NO_MATCH: u8 = 1;
/// The exit status after an error.
const FAILED: u8 = 2;

/// The subcommand's arguments.
pub(crate) fn command() -> Command {
    Command::new("explain")
        .about("Explain the socket errors in log lines: each matching line gets a line of its own")
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print one JSON object per matching line instead of the lines"),
        )
        .arg(
            Arg::new("os")
                .long("os")
                .value_name("OS")
                .value_parser(|os: &str| os.parse::<Platform>())
                .default_value(Platform::default().as_str())
                .help(
                    "Whose numbering a bare errno follows: linux, macos (or bsd) or windows \
                     (111 is ECONNREFUSED on Linux, 61 on macOS)",
                ),
        )
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .num_args(0..)
                .help("Files to read; standard input when none (or `-`)"),
        )
        .after_help(
            "Exit status: 0 when a line matched, 1 when none did, 2 on errors.\n\nExamples:\n  \
             wsa explain /var/log/app.log\n  journalctl -u app | wsa explain --json\n  \
             wsa explain --os macos crash.log",
        )
}

/// Runs `wsa explain`.
pub(crate) fn run(matches: &ArgMatches) -> ExitCode {
    let platform = matches
        .get_one::<Platform>("os")
        .copied()
        .unwrap_or_default();
    let files: Vec<&String> = matches
        .get_many::<String>("files")
        .map(Iterator::collect)
        .unwrap_or_default();
    let mut out = Output {
        stdout: io::BufWriter::with_capacity(CHUNK, io::stdout().lock()),
        json: matches.get_flag("json"),
        escape: io::stdout().is_terminal().then(Escape::default),
        name_files: files.len() > 1,
        matched: false,
    };
    let names: Vec<&str> = if files.is_empty() {
        vec!["-"]
    } else {
        files.iter().map(|f| f.as_str()).collect()
    };
    let mut failed = false;
    for name in names {
        match open(name).and_then(|input| explain(input, name, platform, &mut out)) {
            Ok(()) => {}
            Err(Failure::Read(e)) => {
                eprintln!("wsa: {name}: {e}");
                failed = true;
            }
            Err(Failure::Write(e)) => return write_failure(&e, out.matched),
        }
    }
    if let Err(e) = out.stdout.flush() {
        return write_failure(&e, out.matched);
    }
    if failed {
        ExitCode::from(FAILED)
    } else if out.matched {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NO_MATCH)
    }
}

/// Why a file could not be explained to the end.
#[derive(Debug)]
enum Failure {
    Read(io::Error),
    Write(io::Error),
}

/// Standard input for `-`, else the file.
fn open(name: &str) -> Result<Box<dyn BufRead>, Failure> {
    if name == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = File::open(name).map_err(Failure::Read)?;
    Ok(Box::new(BufReader::with_capacity(CHUNK, file)))
}

/// A closed pipe (`wsa explain big.log | head`) ends the output, not in failure; any other
/// write error is one.
fn write_failure(e: &io::Error, matched: bool) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::from(if matched { 0 } else { NO_MATCH });
    }
    eprintln!("wsa: cannot write the output: {e}");
    ExitCode::from(FAILED)
}

/// Where explanations go.
struct Output<W: Write> {
    stdout: W,
    json: bool,
    /// Set when the lines go to a terminal: their control characters are escaped.
    escape: Option<Escape>,
    name_files: bool,
    matched: bool,
}

/// Streams one input through the scanner, line by line, piece by piece.
fn explain<W: Write>(
    mut input: impl BufRead,
    name: &str,
    platform: Platform,
    out: &mut Output<W>,
) -> Result<(), Failure> {
    let mut scanner = Scanner::new(platform);
    let mut line: u64 = 1;
    let mut open = false; // a line has begun and not ended
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::Read(e)),
        };
        if buf.is_empty() {
            break;
        }
        let (piece, ends_line) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = piece.len();
        if !out.json {
            out.text(piece).map_err(Failure::Write)?;
        }
        scanner.feed(&piece[..n - usize::from(ends_line)]);
        input.consume(n);
        open = !ends_line;
        if ends_line {
            out.line(scanner.finish(), name, line, false)?;
            line += 1;
        }
    }
    if let Some(escape) = &mut out.escape {
        escape.finish(&mut out.stdout).map_err(Failure::Write)?;
    }
    if open {
        out.line(scanner.finish(), name, line, true)?;
    }
    Ok(())
}

impl<W: Write> Output<W> {
    /// Writes a piece of an input line, escaped for a terminal or as it is.
    fn text(&mut self, piece: &[u8]) -> io::Result<()> {
        match &mut self.escape {
            Some(escape) => escape.write(&mut self.stdout, piece),
            None => self.stdout.write_all(piece),
        }
    }

    /// Explains line `n` if it held a socket error; `unterminated` if it had no newline.
    fn line(
        &mut self,
        found: Option<Found>,
        file: &str,
        n: u64,
        unterminated: bool,
    ) -> Result<(), Failure> {
        let Some(found) = found else { return Ok(()) };
        self.matched = true;
        let code = found.code();
        let w = &mut self.stdout;
        let written = if self.json {
            let file = self.name_files.then_some(file);
            writeln!(w, "{}", render::line_json(code, n, found.text(), file))
        } else {
            let nl = if unterminated { "\n" } else { "" };
            writeln!(w, "{nl}{}", render::line_text(code))
        };
        written.map_err(Failure::Write)
    }
}
