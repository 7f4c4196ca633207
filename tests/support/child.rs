//! Running a child process, and this test binary again as one, with a limit on its time.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The output of a child process.
#[derive(Debug)]
pub struct ChildOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl ChildOutput {
    /// What follows `prefix` on each line of stdout that holds it, parsed as `key=value`
    /// words. (The test harness may have printed the test's name on the same line.)
    pub fn markers(&self, prefix: &str) -> Vec<BTreeMap<String, String>> {
        self.stdout
            .lines()
            .filter_map(|line| line.find(prefix).map(|at| &line[at + prefix.len()..]))
            .map(|rest| {
                rest.split_whitespace()
                    .filter_map(|word| word.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .collect()
    }

    /// What follows `marker` on the first line of stdout that holds it, printed again so that
    /// the figures show in the test's output. Panics, with the whole output, if none does.
    pub fn marker_line(&self, marker: &str) -> &str {
        let line = self
            .stdout
            .lines()
            .find_map(|l| l.find(marker).map(|at| &l[at + marker.len()..]))
            .unwrap_or_else(|| panic!("no marker line\n{self}"));
        println!("{marker}{line}");
        line
    }

    /// The first line of stdout or stderr that starts with `prefix`.
    pub fn line(&self, prefix: &str) -> Option<&str> {
        self.stdout
            .lines()
            .chain(self.stderr.lines())
            .map(str::trim)
            .find(|line| line.starts_with(prefix))
    }
}

impl fmt::Display for ChildOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` with its output captured, killing it if it runs longer than `limit`.
pub fn run_child(mut cmd: Command, limit: Duration) -> std::io::Result<ChildOutput> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let read = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "child {cmd:?} still ran after {limit:?}; killed it\n--- stderr ---\n{}",
                stderr.join().unwrap_or_default()
            );
        }
        thread::sleep(Duration::from_millis(10));
    };
    Ok(ChildOutput {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The arguments that make this test binary run exactly the ignored test `name` of the module
/// `module` (the caller's `module_path!()`).
pub fn run_one_ignored_test(module: &str, name: &str) -> [String; 5] {
    // The harness names a test by its path below the crate root.
    let path = match module.split_once("::") {
        Some((_crate, below)) => format!("{below}::{name}"),
        None => name.to_owned(),
    };
    [
        "--exact".to_owned(),
        path,
        "--nocapture".to_owned(),
        "--ignored".to_owned(),
        "--test-threads=1".to_owned(),
    ]
}

/// This test binary.
pub fn this_test_binary() -> std::path::PathBuf {
    std::env::current_exe().expect("the path of the test binary")
}

/// This test binary again, running only the ignored test `name` of `module` (`module_path!()`)
/// with the variable `env` set, which tells that test it is the child: its output, once it
/// has passed within `limit`.
pub fn run_ignored_child(module: &str, name: &str, env: &str, limit: Duration) -> ChildOutput {
    let mut cmd = Command::new(this_test_binary());
    cmd.args(run_one_ignored_test(module, name)).env(env, "1");
    let out = run_child(cmd, limit).expect("run the child");
    assert!(out.status.success(), "{out}");
    out
}

/// This test binary again, running only the ignored test `name` of `module`
/// (`module_path!()`), with at most `nofile` descriptors (through the shell's `ulimit -n`).
pub fn rerun_with_nofile(nofile: u32, module: &str, name: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
        .arg(this_test_binary())
        .args(run_one_ignored_test(module, name));
    cmd
}
