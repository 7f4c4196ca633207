//! The `wsa` binary, run as a user runs it.

use std::process::{Command, Output};

use serde_json::Value;
use wsa_trace::map::{errno_translations, windows_translations};
use wsa_trace::{default_class, Op, WsaCode};

fn wsa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wsa"))
        .args(args)
        .output()
        .expect("the wsa binary runs")
}

/// Runs `wsa` and returns its stdout, which must be a success with nothing on stderr.
fn ok(args: &[&str]) -> String {
    let out = wsa(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "wsa {args:?} failed: {stderr}");
    assert!(stderr.is_empty(), "wsa {args:?} wrote to stderr: {stderr}");
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs `wsa` expecting bad-input failure: status 2, nothing on stdout, one line on stderr.
fn fails(args: &[&str]) -> String {
    let out = wsa(args);
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(out.status.code(), Some(2), "wsa {args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "wsa {args:?} wrote to stdout");
    assert!(stderr.starts_with("wsa: "), "wsa {args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "wsa {args:?}: {stderr}");
    stderr
}

/// Runs `wsa` and parses its stdout as JSON.
pub(crate) fn json(args: &[&str]) -> Value {
    let out = ok(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("wsa {args:?}: invalid JSON ({e}): {out}"))
}

/// The object has every documented key, each equal to what the library says about `code`.
fn assert_code_json(v: &Value, code: WsaCode) {
    assert_eq!(v["name"], code.name().unwrap());
    assert_eq!(v["code"].as_i64(), Some(i64::from(code.raw())));
    assert_eq!(v["message"], code.message().unwrap());
    assert_eq!(v["description"], code.description().unwrap());
    assert_eq!(v["berkeley"].as_str(), code.berkeley());
    assert_eq!(v["family"], code.family().unwrap().as_str());
    let class = default_class(Some(code), Op::Other);
    assert_eq!(v["category"], class.category().as_str());
    assert_eq!(v["retry"], class.retry().as_str());
    assert_eq!(v["reason"], code.reason().unwrap());
    assert_eq!(v["hint"].as_str(), code.hint());
    for key in ["berkeley", "hint"] {
        assert!(v[key].is_string() || v[key].is_null(), "{key}: {v}");
    }
}

/// The text explanation of WSAECONNRESET, whatever the input form.
fn assert_explains_connreset(out: &str) {
    let first = out.lines().next().unwrap();
    assert_eq!(first, "WSAECONNRESET (10054): Connection reset by peer");
    for line in [
        "  berkeley:  ECONNRESET",
        "  family:    berkeley",
        "  category:  transient",
        "  retry:     reconnect (",
        "  hint:      ",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(line)),
            "no {line:?} in:\n{out}"
        );
    }
    assert!(
        out.contains("tore the connection"),
        "no description in:\n{out}"
    );
}

#[test]
fn explains_a_number() {
    assert_explains_connreset(&ok(&["10054"]));
}

#[test]
fn explains_a_lowercase_symbol() {
    assert_explains_connreset(&ok(&["wsaeconnreset"]));
}

#[test]
fn explains_a_berkeley_name() {
    assert_explains_connreset(&ok(&["ECONNRESET"]));
    assert_explains_connreset(&ok(&["econnreset"]));
}

#[test]
fn text_lines_fit_80_columns() {
    for code in WsaCode::all() {
        let out = ok(&[&code.raw().to_string()]);
        for line in out.lines() {
            assert!(line.chars().count() <= 80, "{code:?}: {line:?}");
        }
    }
}

#[test]
fn text_marks_a_missing_berkeley_name() {
    let out = ok(&["WSAHOST_NOT_FOUND"]);
    assert!(
        out.starts_with("WSAHOST_NOT_FOUND (11001): Host not found\n"),
        "{out}"
    );
    assert!(out.contains("  berkeley:  (none)\n"), "{out}");
}

#[test]
fn errno_number_maps_to_its_code() {
    let out = ok(&["--errno", &libc::ECONNRESET.to_string()]);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        format!("errno {} (ECONNRESET) is WSAECONNRESET", libc::ECONNRESET)
    );
    assert!(
        out.contains("WSAECONNRESET (10054): Connection reset by peer"),
        "{out}"
    );
}

#[test]
fn errno_epipe_is_wsaeshutdown_with_its_reason() {
    let reason = errno_translations()
        .iter()
        .find(|t| t.name == "EPIPE")
        .and_then(|t| t.reason)
        .expect("EPIPE's pairing has a reason");
    for input in ["EPIPE", "epipe", &libc::EPIPE.to_string()] {
        let out = ok(&["--errno", input]);
        assert!(
            out.starts_with(&format!("errno {} (EPIPE) is WSAESHUTDOWN\n", libc::EPIPE)),
            "{out}"
        );
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&format!("why: {reason}")), "{out}");
        assert!(out.contains("WSAESHUTDOWN (10058): Cannot send after socket shutdown"));
    }
}

#[test]
fn windows_netname_deleted_is_connreset() {
    for input in ["64", "error_netname_deleted"] {
        let out = ok(&["--windows", input]);
        let first = out.lines().next().unwrap();
        assert_eq!(
            first,
            "Windows error 64 (ERROR_NETNAME_DELETED) is WSAECONNRESET"
        );
        assert!(
            out.contains("  why:       what an overlapped receive"),
            "{out}"
        );
        assert!(
            out.contains("WSAECONNRESET (10054): Connection reset by peer"),
            "{out}"
        );
    }
}

#[test]
fn windows_wsa_code_is_itself() {
    let out = ok(&["--windows", "10061"]);
    assert!(
        out.starts_with("Windows error 10061 is WSAECONNREFUSED\n"),
        "{out}"
    );
    assert!(!out.contains("why:"), "{out}");
    assert!(
        out.contains("WSAECONNREFUSED (10061): Connection refused"),
        "{out}"
    );
}

#[test]
fn search_reset_finds_both_resets() {
    let out = ok(&["--search", "reset"]);
    let names: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert!(names.contains(&"WSAECONNRESET"), "{out}");
    assert!(names.contains(&"WSAENETRESET"), "{out}");
    assert_eq!(ok(&["--search", "RESET"]), out);
}

#[test]
fn search_matches_berkeley_names_and_descriptions() {
    assert!(ok(&["--search", "ewouldblock"]).contains("WSAEWOULDBLOCK"));
    assert!(ok(&["--search", "eai_noname"]).contains("WSAHOST_NOT_FOUND"));
}

#[test]
fn list_has_one_line_per_code() {
    let out = ok(&["--list"]);
    assert_eq!(out.lines().count(), WsaCode::all().len());
    let line = out
        .lines()
        .find(|l| l.contains("WSAECONNRESET"))
        .expect("WSAECONNRESET is listed");
    let fields: Vec<&str> = line.split("  ").filter(|f| !f.is_empty()).collect();
    assert_eq!(
        fields.iter().map(|f| f.trim()).collect::<Vec<_>>(),
        ["10054", "WSAECONNRESET", "Connection reset by peer"]
    );
}

#[test]
fn json_single_code_has_every_key() {
    for args in [["10054"], ["wsaeconnreset"], ["ECONNRESET"]] {
        let v = json(&[args[0], "--json"]);
        assert!(v.is_object());
        assert!(v.get("input").is_none(), "{v}");
        assert_code_json(&v, WsaCode::WSAECONNRESET);
        assert_eq!(v["berkeley"], "ECONNRESET");
        assert_eq!(v["family"], "berkeley");
        assert_eq!(v["category"], "transient");
        assert_eq!(v["retry"], "reconnect");
    }
}

#[test]
fn json_nulls_for_missing_values() {
    let v = json(&["--json", "WSAHOST_NOT_FOUND"]);
    assert_code_json(&v, WsaCode::WSAHOST_NOT_FOUND);
    assert!(v["berkeley"].is_null(), "{v}");
    assert_eq!(v["family"], "resolver");
    assert_eq!(v["category"], "fatal");
    assert_eq!(v["retry"], "never");

    let v = json(&["--json", "6"]);
    assert_code_json(&v, WsaCode::WSA_INVALID_HANDLE);
    assert!(v["hint"].is_null(), "{v}");
}

#[test]
fn json_errno_has_its_input() {
    let v = json(&["--json", "--errno", "EPIPE"]);
    assert_code_json(&v, WsaCode::WSAESHUTDOWN);
    let input = &v["input"];
    assert_eq!(input["platform"], "unix");
    assert_eq!(input["raw"].as_i64(), Some(i64::from(libc::EPIPE)));
    assert_eq!(input["name"], "EPIPE");
    let reason = errno_translations()
        .iter()
        .find(|t| t.name == "EPIPE")
        .and_then(|t| t.reason)
        .unwrap();
    assert_eq!(input["reason"], reason);

    let v = json(&["--json", "--errno", &libc::ECONNRESET.to_string()]);
    assert_code_json(&v, WsaCode::WSAECONNRESET);
    assert_eq!(v["input"]["name"], "ECONNRESET");
    assert!(v["input"]["reason"].is_null(), "{v}");
}

#[test]
fn json_windows_has_its_input() {
    let v = json(&["--windows", "64", "--json"]);
    assert_code_json(&v, WsaCode::WSAECONNRESET);
    let input = &v["input"];
    assert_eq!(input["platform"], "windows");
    assert_eq!(input["raw"], 64);
    assert_eq!(input["name"], "ERROR_NETNAME_DELETED");
    let reason = windows_translations()
        .iter()
        .find(|t| t.raw == 64)
        .and_then(|t| t.reason)
        .unwrap();
    assert_eq!(input["reason"], reason);

    let v = json(&["--windows", "10061", "--json"]);
    assert_code_json(&v, WsaCode::WSAECONNREFUSED);
    assert_eq!(v["input"]["raw"], 10061);
    assert_eq!(v["input"]["name"], "WSAECONNREFUSED");
    assert!(v["input"]["reason"].is_null(), "{v}");
}

#[test]
fn json_list_covers_every_code() {
    let v = json(&["--list", "--json"]);
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), WsaCode::all().len());
    for (row, code) in rows.iter().zip(WsaCode::all()) {
        assert_code_json(row, code);
    }
}

#[test]
fn json_search_is_an_array() {
    let v = json(&["--search", "reset", "--json"]);
    let names: Vec<&str> = v
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| row["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"WSAECONNRESET"), "{v}");
    assert!(names.contains(&"WSAENETRESET"), "{v}");
}

#[test]
fn unknown_number_fails() {
    let err = fails(&["99999"]);
    assert!(
        err.contains("`99999` is not a Windows Sockets code"),
        "{err}"
    );
}

#[test]
fn unknown_name_fails() {
    let err = fails(&["nonsense"]);
    assert!(
        err.contains("expected a number, a symbol such as WSAECONNRESET"),
        "{err}"
    );
    fails(&["nonsense", "--json"]);
}

#[test]
fn errno_without_equivalent_fails() {
    fails(&["--errno", "99999"]);
    fails(&["--errno", "nonsense"]);
}

#[test]
fn windows_non_socket_error_fails() {
    let err = fails(&["--windows", "2"]);
    assert!(err.contains("not a socket error"), "{err}");
}

#[test]
fn no_arguments_fails() {
    fails(&[]);
    fails(&["--json"]);
}

#[test]
fn conflicting_flags_fail() {
    fails(&["--list", "--search", "reset"]);
    fails(&["10054", "--errno", "104"]);
    fails(&["--bogus"]);
}

#[test]
fn search_without_match_fails() {
    fails(&["--search", "zzzz"]);
}

#[test]
fn help_and_version_succeed() {
    assert!(ok(&["--help"]).contains("--errno"));
    assert!(ok(&["--version"]).contains(env!("CARGO_PKG_VERSION")));
}

/// Runs `wsa` with stdout or stderr going to `/dev/full`, where every write fails.
#[cfg(target_os = "linux")]
fn wsa_into_full_device(args: &[&str], stdout_full: bool) -> Output {
    use std::fs::OpenOptions;
    use std::process::Stdio;

    let full = || {
        OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full")
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsa"));
    cmd.args(args).stdin(Stdio::null());
    if stdout_full {
        cmd.stdout(full()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::piped()).stderr(full());
    }
    cmd.output().expect("the wsa binary runs")
}

/// A failure that cannot even be reported still fails, and never as a panic (status 101).
#[cfg(target_os = "linux")]
#[test]
fn errors_with_an_unwritable_stderr_exit_non_zero_without_a_panic() {
    for args in [&["--bogus"][..], &["no-such-code"], &["--errno", "nope"]] {
        let out = wsa_into_full_device(args, false);
        assert_eq!(out.status.code(), Some(2), "wsa {args:?}: {:?}", out.status);
    }
}

/// Help or an answer that cannot be written is a failure, reported on stderr.
#[cfg(target_os = "linux")]
#[test]
fn output_to_an_unwritable_stdout_exits_non_zero_and_says_why() {
    for args in [&["--help"][..], &["--version"], &["10054"], &["--list"]] {
        let out = wsa_into_full_device(args, true);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "wsa {args:?}: {stderr}");
        assert!(
            stderr.starts_with("wsa: cannot write") && stderr.contains("No space left"),
            "wsa {args:?}: {stderr}"
        );
    }
}
