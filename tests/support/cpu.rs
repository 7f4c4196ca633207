//! A process's CPU time, read from `/proc/<pid>/stat`: how the accept tests show that a loop
//! out of descriptors pauses instead of spinning.

use std::fs::File;
use std::io::{Read, Seek};
use std::time::Duration;

/// Reads a process's CPU time through a descriptor opened in advance (a process out of
/// descriptors has none to spare when it is needed).
pub struct CpuClock(File);

impl CpuClock {
    /// This process's clock.
    pub fn open() -> Self {
        CpuClock(File::open("/proc/self/stat").expect("open /proc/self/stat"))
    }

    /// The clock of process `pid`.
    pub fn of(pid: u32) -> Self {
        let path = format!("/proc/{pid}/stat");
        CpuClock(File::open(&path).unwrap_or_else(|err| panic!("open {path}: {err}")))
    }

    /// User plus system CPU time of the whole process so far.
    pub fn now(&mut self) -> Duration {
        let mut stat = String::new();
        self.0.rewind().expect("rewind the stat file");
        self.0
            .read_to_string(&mut stat)
            .expect("read the stat file");
        // The command name (field 2) may hold spaces: count the fields after its ')'.
        let after_name = &stat[stat.rfind(')').expect("a command name") + 2..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // Fields 14 and 15 (utime, stime) are the 12th and 13th after the name.
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // /proc counts in USER_HZ ticks, which Linux fixes at 100 a second.
        Duration::from_millis(ticks * 10)
    }
}
