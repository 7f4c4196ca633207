//! `wsa explain`, run as a user runs it: over a log with one line per recognised form, over
//! standard input, lines that are not UTF-8, a 1 MB line, a long line streamed in constant
//! memory, and the grep-like exit status.

use crate::support;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use wsa_trace::{default_class, Op};

use support::forms::FORMS;

/// Runs `wsa` with `stdin` written to its standard input.
pub(crate) fn wsa(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wsa"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the wsa binary runs");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wsa ends");
    writer.join().unwrap();
    out
}

/// A file of this test's own, in the target directory.
fn log_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_explain");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// A log with one line per form the scanner reads, between two lines with no error.
pub(crate) fn forms_log() -> (PathBuf, String) {
    let mut text = String::from("2026-11-30T08:00:00Z INFO service started\n");
    for (line, ..) in FORMS {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("2026-11-30T08:00:01Z INFO all is well\n");
    (log_file("forms.log", text.as_bytes()), text)
}

/// Each line of the output, parsed as JSON.
pub(crate) fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn json_explains_every_form_on_its_line() {
    let (path, _) = forms_log();
    let out = wsa(&["explain", "--json", path.to_str().unwrap()], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let objects = json_lines(&out);
    assert_eq!(objects.len(), FORMS.len());
    for (i, (v, &(line, _, code, text))) in objects.iter().zip(FORMS).enumerate() {
        let class = default_class(Some(code), Op::Other);
        assert_eq!(v["line"].as_u64(), Some(i as u64 + 2), "{line}");
        assert_eq!(v["text"], text, "{line}");
        assert_eq!(v["code"].as_i64(), Some(i64::from(code.raw())), "{line}");
        assert_eq!(v["name"], code.name().unwrap(), "{line}");
        assert_eq!(v["category"], class.category().as_str(), "{line}");
        assert_eq!(v["retry"], class.retry().as_str(), "{line}");
        assert_eq!(v["message"], code.message().unwrap(), "{line}");
        assert_eq!(v["hint"].as_str(), code.hint(), "{line}");
        assert!(v.get("file").is_none());
    }
}

#[test]
fn text_keeps_every_line_and_explains_under_it() {
    let (path, input) = forms_log();
    let out = wsa(&["explain", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let explained: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  -> ")).collect();
    let kept: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("  -> ")).collect();
    assert_eq!(kept, input.lines().collect::<Vec<_>>());
    assert_eq!(explained.len(), FORMS.len());
    let lines: Vec<&str> = stdout.lines().collect();
    for (i, &(line, _, code, _)) in FORMS.iter().enumerate() {
        let at = lines.iter().position(|l| *l == line).unwrap();
        let under = lines[at + 1];
        let class = default_class(Some(code), Op::Other);
        let head = format!(
            "  -> {} ({}) {}, retry {}: {}.",
            code.name().unwrap(),
            code.raw(),
            class.category(),
            class.retry(),
            code.message().unwrap()
        );
        assert!(under.starts_with(&head), "form {i}: {under}");
    }
}

#[test]
fn standard_input_and_the_platform_flag() {
    let input = b"[Errno 61] no answer\nconnection refused\n";
    let mac = json_lines(&wsa(&["explain", "--json", "--os", "macos"], input));
    assert_eq!(mac[0]["name"], "WSAECONNREFUSED");
    assert_eq!(mac[0]["text"], "Errno 61");
    // 61 is no socket errno on Linux: the first line says nothing there.
    let linux = json_lines(&wsa(&["explain", "--json", "-"], input));
    assert_eq!(linux.len(), 1);
    assert_eq!(linux[0]["line"], 2);
}

#[test]
fn no_match_exits_1_and_prints_the_lines() {
    let out = wsa(&["explain"], b"GET / 200\nPOST /x 201\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"GET / 200\nPOST /x 201\n");
    assert!(out.stderr.is_empty());
}

#[test]
fn unreadable_file_exits_2_after_the_others() {
    let (good, _) = forms_log();
    let missing = good.with_file_name("no-such.log");
    let out = wsa(
        &[
            "explain",
            "--json",
            missing.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(
        stderr.starts_with("wsa: ") && stderr.contains("no-such.log"),
        "{stderr}"
    );
    let objects = json_lines(&out);
    assert_eq!(objects.len(), FORMS.len());
    assert_eq!(objects[0]["file"], good.to_str().unwrap());
}

#[test]
fn bad_flags_exit_2() {
    for args in [&["explain", "--bogus"][..], &["explain", "--os", "plan9"]] {
        let out = wsa(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("wsa: "), "{stderr}");
    }
}

#[test]
fn invalid_utf8_and_a_1_mb_line_pass_through_unchanged() {
    let mut input = b"\xff\xfe\xfd ECONNRESET \xc3\x28\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 1 << 20));
    input.extend(b" write: Broken pipe\nno newline at the end (os error 111)");
    let out = wsa(&["explain"], &input);
    assert_eq!(out.status.code(), Some(0));
    let mut lines = out.stdout.split(|&b| b == b'\n');
    assert_eq!(lines.next().unwrap(), b"\xff\xfe\xfd ECONNRESET \xc3\x28");
    assert!(lines
        .next()
        .unwrap()
        .starts_with(b"  -> WSAECONNRESET (10054)"));
    assert_eq!(lines.next().unwrap().len(), (1 << 20) + 19);
    assert!(lines
        .next()
        .unwrap()
        .starts_with(b"  -> WSAESHUTDOWN (10058)"));
    assert_eq!(
        lines.next().unwrap(),
        b"no newline at the end (os error 111)"
    );
    assert!(lines
        .next()
        .unwrap()
        .starts_with(b"  -> WSAECONNREFUSED (10061)"));
    let json = json_lines(&wsa(&["explain", "--json"], &input));
    let lines: Vec<u64> = json.iter().map(|v| v["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2, 3]);
}

/// A 64 MB line is streamed, not held: the process's peak memory stays far below it.
/// Unix only: GNU time measures the peak.
#[cfg(unix)]
#[test]
fn a_long_line_is_streamed_in_constant_memory() {
    const SIZE: usize = 64 << 20;
    let mut child = Command::new("/usr/bin/time")
        .args([
            "-f",
            "maxrss_kb=%M",
            env!("CARGO_BIN_EXE_wsa"),
            "explain",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(child) = child.as_mut() else {
        println!("SKIPPED: /usr/bin/time is not installed");
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "/usr/bin/time is needed"
        );
        return;
    };
    let mut input = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let block = vec![b'a'; 1 << 20];
        for _ in 0..SIZE >> 20 {
            input.write_all(&block).unwrap();
        }
        input.write_all(b" reset (os error 104)\n").unwrap();
    });
    let mut stdout = String::new();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(child.wait().unwrap().success(), "{stderr}");
    writer.join().unwrap();
    assert!(stdout.contains("\"name\":\"WSAECONNRESET\""), "{stdout}");
    let kb: usize = stderr
        .trim()
        .rsplit("maxrss_kb=")
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no maxrss in {stderr:?}"));
    assert!(kb < 16 * 1024, "peak memory {kb} kB for a {SIZE}-byte line");
}

/// A line that would take over a terminal: an OSC title, a clear-screen, colours, a carriage
/// return that hides the text before it, and a C1 CSI (`C2 9B`) written as UTF-8.
const HOSTILE: &[u8] =
    b"title \x1b]0;owned\x07 clear \x1b[2J red \x1b[31mX\x1b[0m hidden\rshown ECONNRESET \xc2\x9b2J tab\tkept\n";

/// Written to a terminal (a pseudo-terminal opened by `script`, from util-linux, which Debian
/// ships in its essential `bsdutils`), the line's control characters but tab are shown
/// escaped, and its text is all there.
#[cfg(unix)]
#[test]
fn a_terminal_gets_control_characters_escaped() {
    let path = log_file("hostile.log", HOSTILE);
    let command = format!(
        "'{}' explain '{}'",
        env!("CARGO_BIN_EXE_wsa"),
        path.to_str().unwrap()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            support::skip::skip_or_fail(&format!("util-linux's script cannot run: {e}"));
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The terminal turns each newline into CR LF; nothing else may reach it raw.
    let screen = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    let mut lines = screen.lines();
    assert_eq!(
        lines.next(),
        Some(
            "title \\x1b]0;owned\\x07 clear \\x1b[2J red \\x1b[31mX\\x1b[0m hidden\\x0dshown \
             ECONNRESET \\u{9b}2J tab\tkept"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("  -> WSAECONNRESET (10054)"),
        "{screen}"
    );
    assert!(
        !screen.bytes().any(|b| b < 0x20 && b != b'\t' && b != b'\n'),
        "{screen:?}"
    );
}

/// Written to a pipe, the same line is kept byte for byte, as grep keeps it.
#[test]
fn a_pipe_gets_the_line_byte_for_byte() {
    let out = wsa(&["explain"], HOSTILE);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(HOSTILE), "{:?}", out.stdout);
    let rest = String::from_utf8(out.stdout[HOSTILE.len()..].to_vec()).unwrap();
    assert!(rest.starts_with("  -> WSAECONNRESET (10054)"), "{rest}");
}
