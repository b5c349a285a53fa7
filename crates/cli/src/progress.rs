//! A one-line progress bar on stderr, for terminals only.
//!
//! Redrawn in place with `\r` at most ten times a second, so it costs nothing
//! next to a training iteration; when stderr is not a terminal (a pipe, a
//! file, CI) it draws nothing at all.
//!
//! The per-epoch evaluations run on another thread beside training, so the
//! rate and the ETA are simply iterations over wall time.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Shortest time between two redraws.
const REDRAW: Duration = Duration::from_millis(100);
/// Characters of the bar itself.
const BAR_WIDTH: usize = 30;

/// Progress of `total` iterations.
#[derive(Debug)]
pub struct Progress {
    total: usize,
    start: Instant,
    last_draw: Option<Instant>,
    enabled: bool,
    visible: bool,
}

impl Progress {
    /// A bar for `total` iterations, drawn only if stderr is a terminal.
    pub fn new(total: usize) -> Self {
        Self::with_enabled(total, std::io::stderr().is_terminal())
    }

    /// A bar drawn (or not) whatever stderr is.
    pub fn with_enabled(total: usize, enabled: bool) -> Self {
        Self { total, start: Instant::now(), last_draw: None, enabled, visible: false }
    }

    /// Reports `done` iterations and the latest loss; redraws if the last draw is old enough.
    pub fn update(&mut self, done: usize, loss: f64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if self.last_draw.is_some_and(|t| now - t < REDRAW) && done < self.total {
            return;
        }
        self.last_draw = Some(now);
        let line = self.line(done, loss, now - self.start);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.visible = true;
    }

    /// Erases the bar so other output can take its line; the next update redraws it.
    pub fn clear(&mut self) {
        if self.visible {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.visible = false;
            self.last_draw = None;
        }
    }

    /// The text of the bar: `[=====>    ] 3400/10000  34%  812 it/s  ETA 8s  loss 0.3124`.
    pub fn line(&self, done: usize, loss: f64, elapsed: Duration) -> String {
        let frac = if self.total == 0 { 1.0 } else { done as f64 / self.total as f64 };
        let filled = ((frac * BAR_WIDTH as f64) as usize).min(BAR_WIDTH);
        let head = if filled < BAR_WIDTH { ">" } else { "" };
        let bar = format!("{}{head}{}", "=".repeat(filled), " ".repeat(BAR_WIDTH - filled - head.len()));
        let count = format!("[{bar}] {done}/{} {:3.0}%", self.total, 100.0 * frac);
        let training = elapsed.as_secs_f64();
        if training < 0.05 || done == 0 {
            // Too little training time yet for a rate worth showing.
            return format!("{count}  loss {loss:.4}");
        }
        let rate = done as f64 / training;
        let eta = duration(self.total.saturating_sub(done) as f64 / rate);
        format!("{count}  {rate:.0} it/s  ETA {eta}  loss {loss:.4}")
    }
}

/// `8s`, `1m05s`, `2h03m`.
pub fn duration(secs: f64) -> String {
    let s = secs.round().max(0.0) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_text() {
        let p = Progress::with_enabled(10000, false);
        let l = p.line(3400, 0.31234, Duration::from_secs(4));
        assert!(
            l.starts_with("[==========>                   ] 3400/10000  34%  850 it/s  ETA 8s  loss 0.3123"),
            "{l}"
        );
        let l = p.line(10000, 0.1, Duration::from_secs(10));
        assert!(l.starts_with(&format!("[{}] 10000/10000 100%", "=".repeat(30))), "{l}");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(8.2), "8s");
        assert_eq!(duration(65.0), "1m05s");
        assert_eq!(duration(7380.0), "2h03m");
    }
}
