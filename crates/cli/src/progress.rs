//! Progress of a long command on a terminal: rows done, rows per second, and (when the size
//! of the whole is known) the share done and the time left, redrawn at most four times a
//! second on standard error. Nothing is drawn when standard error is not a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    what: &'static str,
    start: Instant,
    last: Option<Instant>,
    tty: bool,
    total: Option<u64>,
}

impl Progress {
    /// `total` is in the unit `done` is measured in (bytes of a file, or rows).
    pub fn new(what: &'static str, total: Option<u64>) -> Self {
        Progress {
            what,
            start: Instant::now(),
            last: None,
            tty: std::io::stderr().is_terminal(),
            total: total.filter(|t| *t > 0),
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// `rows` so far; `done` of `total` (same unit).
    pub fn tick(&mut self, rows: u64, done: u64) {
        if !self.tty
            || self
                .last
                .is_some_and(|l| l.elapsed() < Duration::from_millis(250))
        {
            return;
        }
        self.last = Some(Instant::now());
        let secs = self.start.elapsed().as_secs_f64().max(0.001);
        let rate = rows as f64 / secs;
        let mut line = format!("\r{}: {rows} rows, {rate:.0}/s", self.what);
        if let Some(total) = self.total {
            let share = (done as f64 / total as f64).min(1.0);
            let left = if share > 0.0 {
                secs * (1.0 - share) / share
            } else {
                0.0
            };
            line.push_str(&format!(", {:.0}%, ETA {left:.0}s", share * 100.0));
        }
        line.push_str("   ");
        let mut err = std::io::stderr();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    /// Clears the progress line (before other output, and at the end).
    pub fn clear(&self) {
        if self.tty && self.last.is_some() {
            let _ = std::io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}
